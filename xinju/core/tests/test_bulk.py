import pytest
from django.db import IntegrityError, transaction

from xinju.areas.models import Entrance
from xinju.core.bulk import insert_rows, reserve_ids

pytestmark = pytest.mark.django_db


def test_reserved_ids_never_overlap_existing_or_earlier_reservations(world):
    with transaction.atomic():
        first = reserve_ids(Entrance, 3)
        second = reserve_ids(Entrance, 2)
        existing = set(Entrance.objects.values_list("pk", flat=True))
        assert len(set(first) | set(second)) == 5
        assert not (set(first) | set(second)) & existing
        assert (
            insert_rows(
                Entrance,
                ["id", "building_id", "number"],
                [(pk, world.b1.pk, f"x{pk}") for pk in first],
            )
            == 3
        )
    assert Entrance.objects.filter(pk__in=first).count() == 3


def test_a_constraint_violation_rolls_the_whole_load_back(world):
    before = Entrance.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        ids = reserve_ids(Entrance, 2)
        # Both rows claim entrance "1" of building b1, which exists already.
        insert_rows(
            Entrance,
            ["id", "building_id", "number"],
            [(ids[0], world.b1.pk, "9"), (ids[1], world.b1.pk, "1")],
        )
    assert Entrance.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_loads_refuse_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        insert_rows(Entrance, ["building_id", "number"], [(1, "8")])
    with pytest.raises(RuntimeError):
        reserve_ids(Entrance, 1)
