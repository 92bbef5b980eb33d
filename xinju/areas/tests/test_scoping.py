"""visible_to(user) on every model of the tree, for every role: insider, neighbour, anonymous."""

import pytest
from django.contrib.auth.models import AnonymousUser

from xinju.areas.models import (
    Building,
    Community,
    District,
    Dwelling,
    Entrance,
    Estate,
    Grid,
    Subdistrict,
)
from xinju.core.testing.world import REGISTER_ROLES
from xinju.people.models import Ownership, Person, Residency

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_the_insider_reaches_the_target_and_the_neighbour_does_not(world, role):
    insider, neighbour = world.users[role]
    target = world.target
    assert Dwelling.objects.visible_to(insider).filter(pk=target.pk).exists()
    assert not Dwelling.objects.visible_to(neighbour).filter(pk=target.pk).exists()
    assert Estate.objects.visible_to(insider).filter(pk=target.estate_id).exists()
    assert not Estate.objects.visible_to(neighbour).filter(pk=target.estate_id).exists()
    assert Building.objects.visible_to(insider).filter(pk=target.building_id).exists()
    assert not Building.objects.visible_to(neighbour).filter(pk=target.building_id).exists()
    assert Entrance.objects.visible_to(insider).filter(pk=target.entrance_id).exists()
    owner = Ownership.objects.get(dwelling=target).owners.get().person
    assert Person.objects.visible_to(insider).filter(pk=owner.pk).exists()
    assert not Person.objects.visible_to(neighbour).filter(pk=owner.pk).exists()


def test_anonymous_users_see_nothing(world):
    anonymous = AnonymousUser()
    for model in (District, Subdistrict, Community, Grid, Estate, Building, Entrance, Dwelling):
        assert not model.objects.visible_to(anonymous).exists(), model
    assert not Person.objects.visible_to(anonymous).exists()
    assert not Residency.objects.visible_to(anonymous).exists()


def test_a_deactivated_user_sees_nothing(world):
    user = world.users["hq"][0]
    user.is_active = False
    assert not Dwelling.objects.visible_to(user).exists()


def test_a_contractor_sees_no_household_of_the_register(world):
    contractor = world.users["contractor"][0]
    assert not Dwelling.objects.visible_to(contractor).exists()
    assert not Person.objects.visible_to(contractor).exists()


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_each_scope_reaches_exactly_its_part(world):
    d = Dwelling.objects
    assert _ids(d.visible_to(world.users["hq"][0])) == _ids(
        d.filter(estate__community__subdistrict__district=world.district)
    )
    assert _ids(d.visible_to(world.users["subdistrict"][0])) == _ids(
        d.filter(estate__community__subdistrict=world.s1)
    )
    assert _ids(d.visible_to(world.users["community"][0])) == _ids(
        d.filter(estate__community=world.c1)
    )
    assert _ids(d.visible_to(world.users["grid"][0])) == _ids(d.filter(building__grid=world.g1))
    assert _ids(d.visible_to(world.users["committee"][0])) == _ids(d.filter(estate=world.e1))
    assert _ids(d.visible_to(world.users["property"][0])) == _ids(
        d.filter(estate__property_company=world.p1)
    )
    assert _ids(d.visible_to(world.users["resident"][0])) == {world.d1.pk}


def test_a_grid_worker_sees_their_compound_but_only_their_buildings(world):
    grid_worker = world.users["grid"][0]
    assert _ids(Estate.objects.visible_to(grid_worker)) == {world.e1.pk}
    assert _ids(Building.objects.visible_to(grid_worker)) == {world.b1.pk}
    assert _ids(Grid.objects.visible_to(grid_worker)) == {world.g1.pk}
    assert _ids(Community.objects.visible_to(grid_worker)) == {world.c1.pk}
    assert _ids(Subdistrict.objects.visible_to(grid_worker)) == {world.s1.pk}
    assert _ids(District.objects.visible_to(grid_worker)) == {world.district.pk}


def test_a_resident_sees_their_home_and_the_people_in_it_only(world):
    resident = world.users["resident"][0]
    people = _ids(Person.objects.visible_to(resident))
    assert people == set(
        Residency.objects.filter(dwelling=world.d1).values_list("person_id", flat=True)
    )
    assert _ids(Building.objects.visible_to(resident)) == {world.b1.pk}


def test_roles_can_be_narrowed_to_those_that_grant_something(world):
    from xinju.accounts.models import Role

    community = world.users["community"][0]
    assert Dwelling.objects.visible_to(community, roles=[Role.COMMUNITY]).exists()
    assert not Dwelling.objects.visible_to(community, roles=[Role.HQ]).exists()
