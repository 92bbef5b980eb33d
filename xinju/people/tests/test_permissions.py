import pytest

from xinju.people.permissions import PiiPolicy

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
ID = "11010519491231002X"


@pytest.mark.parametrize(
    ("role", "phone", "id_number"),
    [
        ("community", True, True),
        ("grid", True, True),
        ("resident", True, True),
        ("property", True, False),
        ("hq", False, False),
        ("department", False, False),
        ("subdistrict", False, False),
        ("supervisor", False, False),
        ("committee", False, False),
    ],
)
def test_who_sees_personal_data_in_full(world, role, phone, id_number):
    policy = PiiPolicy(world.users[role][0], [world.d1.pk])
    someone = world.d1.residencies.first().person_id  # lives in d1
    assert (policy.phone(PHONE, world.d1.pk, person=someone) == PHONE) is phone
    assert (policy.id_number(ID, world.d1.pk, person=someone) == ID) is id_number


def test_a_role_that_needs_it_sees_it_only_in_its_own_scope(world):
    grid_worker = world.users["grid"][0]  # grid g1: building b1 only
    policy = PiiPolicy(grid_worker, [world.d1.pk, world.d5.pk])
    assert policy.phone(PHONE, world.d1.pk, person=None) == PHONE
    assert policy.phone(PHONE, world.d5.pk, person=None) == "139****5678"


def test_a_committee_member_who_is_also_a_grid_worker_sees_it_where_the_grid_reaches(world):
    from xinju.accounts.services import assign_role

    user = world.users["committee"][1]  # committee of e3
    assign_role(actor=None, user=user, role="grid", scope_kind="grid", scope_id=world.g1.pk)
    policy = PiiPolicy(user, [world.d1.pk, world.d13.pk])
    assert policy.id_number(ID, world.d1.pk, person=None) == ID
    assert policy.id_number(ID, world.d13.pk, person=None) != ID


def test_any_of_several_homes_is_enough(world):
    policy = PiiPolicy(world.users["grid"][0], [world.d1.pk, world.d5.pk])
    assert policy.phone(PHONE, [world.d5.pk, world.d1.pk], person=None) == PHONE
    assert policy.phone(PHONE, [world.d5.pk], person=None) != PHONE


def test_a_resident_sees_the_people_at_home_but_not_a_landlord_elsewhere(world):
    from xinju.core.testing import factories as f

    landlord = f.PersonFactory()
    title = world.d1.ownerships.get()
    title.owners.update(person=landlord)  # d1 is now let: its owner lives elsewhere
    resident = world.users["resident"][0]
    policy = PiiPolicy(resident, [world.d1.pk])
    housemate = world.d1.residencies.first().person_id
    assert policy.phone(PHONE, world.d1.pk, person=housemate) == PHONE
    assert policy.phone(PHONE, world.d1.pk, person=landlord.pk) != PHONE
    assert policy.id_number(ID, world.d1.pk, person=landlord.pk) != ID
