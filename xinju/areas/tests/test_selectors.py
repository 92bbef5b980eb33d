from unittest import mock

import pytest

from xinju.areas import selectors

pytestmark = pytest.mark.django_db


def _ids(user, **filters):
    return set(
        selectors.dwellings(user, selectors.DwellingFilters(**filters)).values_list("pk", flat=True)
    )


def test_a_name_search_finds_owners_and_residents_by_the_start_of_their_name(world):
    hq = world.users["hq"][0]
    owner = world.d1.ownerships.get().owners.get().person
    assert world.d1.pk in _ids(hq, q=owner.name)
    assert world.d1.pk in _ids(hq, q=owner.name[0])  # the surname alone


def test_a_search_matching_many_people_gives_the_same_answer_as_one_matching_few(world):
    hq = world.users["hq"][0]
    surname = world.d1.ownerships.get().owners.get().person.name[0]
    few = _ids(hq, q=surname)
    with mock.patch.object(selectors, "SEARCH_ID_LIMIT", 0):  # take the subquery path
        assert _ids(hq, q=surname) == few


def test_a_search_by_compound_name_or_address(world):
    hq = world.users["hq"][0]
    assert _ids(hq, q="洪科") == set(world.e1.dwellings.values_list("pk", flat=True))
    assert _ids(hq, q=world.e3.address[:6]) >= set(world.e3.dwellings.values_list("pk", flat=True))


def test_a_search_stays_inside_the_scope(world):
    community = world.users["community"][0]
    stranger = world.d13.ownerships.get().owners.get().person  # lives in e3, outside c1
    assert world.d13.pk not in _ids(community, q=stranger.name)


def test_a_page_of_ids_loads_its_rows_in_order_with_their_resident_counts(world):
    hq = world.users["hq"][0]
    ids = list(selectors.register_ids(selectors.dwellings(hq))[4:9])
    rows = selectors.register_rows(ids)
    assert [d.pk for d in rows] == ids
    assert all(d.resident_count == 2 for d in rows)
    assert all(len(d.current_titles) == 1 and len(d.current_titles[0].holders) == 1 for d in rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1栋1单元101", ("1", "1", "101")),
        ("洪科小区 1栋", ("1", None, None)),
        ("1-1-102", ("1", "1", "102")),
    ],
)
def test_addresses_are_understood(world, text, expected):
    hq = world.users["hq"][0]
    building, entrance, number = expected
    found = selectors.dwellings(hq, selectors.DwellingFilters(q=text)).filter(estate=world.e1)
    assert found.exists()
    assert all(d.building.number == building for d in found)
    if number:
        assert {d.number for d in found} == {number} and all(
            d.entrance.number == entrance for d in found
        )


@pytest.mark.parametrize(
    "key", ["estate__community__subdistrict_id", "estate__community_id", "estate_id"]
)
def test_totals_summed_from_groups_equal_the_totals_counted_directly(world, key):
    from xinju.core.testing import factories as f

    f.live_in(world.d1, f.PersonFactory())  # uneven households, to make the sums real
    hq = world.users["hq"][0]
    assert selectors.summed(selectors.figures_by(hq, key).values()) == selectors.figures_total(hq)
