"""Every register page: insider 200, neighbour 404, anonymous sent to sign in; HTMX
fragments; and query counts that do not grow with the rows shown."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinju.core.testing import factories as f
from xinju.core.testing.world import REGISTER_ROLES
from xinju.people.models import Relation

pytestmark = pytest.mark.django_db


def pages(world):
    owner = world.d1.ownerships.get().owners.get().person
    return {
        "subdistrict": reverse("areas:subdistrict", args=[world.s1.pk]),
        "community": reverse("areas:community", args=[world.c1.pk]),
        "grid": reverse("areas:grid", args=[world.g1.pk]),
        "estate": reverse("areas:estate", args=[world.e1.pk]),
        "estate-buildings": reverse("areas:estate", args=[world.e1.pk]) + "?tab=buildings",
        "building": reverse("areas:building", args=[world.b1.pk]),
        "dwelling": reverse("areas:dwelling", args=[world.d1.pk]),
        "person": reverse("people:person", args=[owner.pk]),
    }


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_insiders_open_every_page_on_the_way_to_the_target(login, world, role):
    client = login(world.users[role][0])
    for name, url in pages(world).items():
        assert client.get(url).status_code == 200, (role, name)


def _comparable(response):
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_neighbours_get_not_found_exactly_like_a_missing_page(login, world, role):
    client = login(world.users[role][1])
    missing = client.get(reverse("areas:estate", args=[987654]))
    for name, url in pages(world).items():
        response = client.get(url)
        assert response.status_code == 404, (role, name)
        # Not permitted and not found look the same (but for the request's own token and path).
        assert _comparable(response) == _comparable(missing)


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for url in [
        reverse("areas:home"),
        reverse("areas:estates"),
        reverse("areas:dwellings"),
        *pages(world).values(),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )


def test_the_contractor_has_an_empty_register(login, world):
    client = login(world.users["contractor"][0])
    assert client.get(reverse("areas:home")).status_code == 200
    assert client.get(pages(world)["estate"]).status_code == 404
    assert "洪科小区" not in client.get(reverse("areas:dwellings")).content.decode()


def test_the_register_home_counts_only_what_is_in_scope(login, world):
    page = login(world.users["community"][0]).get(reverse("areas:home")).content.decode()
    assert world.s1.name in page and world.s2.name not in page
    # c1 holds e1: two buildings of four dwellings, each with two residents.
    assert 'data-figure="households">8<' in page
    assert 'data-figure="residents">16<' in page


def test_the_compound_page_shows_its_facts(login, world):
    page = login(world.users["committee"][0]).get(pages(world)["estate"]).content.decode()
    assert 'data-fact="built_year">1988<' in page
    assert 'data-figure="households">8<' in page
    assert 'data-figure="buildings">2<' in page
    area = sum(d.exclusive_area for d in world.e1.dwellings.all())
    assert f'data-figure="area">{area:,.2f}<' in page
    assert "115.910000" in page  # position


def test_a_tab_asked_for_by_htmx_comes_alone(login, world):
    client = login(world.users["community"][0])
    response = client.get(pages(world)["estate-buildings"], headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="estate-buildings"' in body and "<nav" not in body


def test_an_unknown_tab_is_not_found(login, world):
    client = login(world.users["community"][0])
    assert client.get(pages(world)["estate"] + "?tab=nothing").status_code == 404


def test_the_history_tab_is_for_audit_readers(login, world):
    url = pages(world)["estate"] + "?tab=history"
    assert login(world.users["hq"][0]).get(url).status_code == 200
    assert login(world.users["community"][0]).get(url).status_code == 404


def test_search_by_name_and_by_address(login, world):
    client = login(world.users["community"][0])
    owner = world.d1.ownerships.get().owners.get().person
    url = reverse("areas:dwellings")
    by_name = client.get(url, {"q": owner.name}, headers={"HX-Request": "true"}).content.decode()
    assert reverse("areas:dwelling", args=[world.d1.pk]) in by_name
    by_address = client.get(
        url, {"q": "1栋1单元101"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert reverse("areas:dwelling", args=[world.d1.pk]) in by_address
    assert reverse("areas:dwelling", args=[world.d2.pk]) not in by_address
    nothing = client.get(
        url, {"q": "不存在的名字"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'href="/register/households/' not in nothing


def test_filters_narrow_the_list(login, world):
    client = login(world.users["hq"][0])
    url = reverse("areas:dwellings")
    page = client.get(
        url, {"community": world.c1.pk, "grid": world.g2.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert reverse("areas:dwelling", args=[world.d5.pk]) in page  # b2 is in g2
    assert reverse("areas:dwelling", args=[world.d1.pk]) not in page


def test_a_filter_for_another_scope_is_dropped_not_obeyed(login, world):
    client = login(world.users["community"][0])
    page = client.get(reverse("areas:dwellings"), {"community": world.c3.pk}).content.decode()
    # c3 is not a choice for this user: the filter is ignored and the list stays in scope.
    assert "京山小区" not in page and "洪科小区" in page


def test_the_estate_list_filters_by_year_built(login, world):
    world.e2.built_year = 2004
    world.e2.save()
    client = login(world.users["hq"][0])
    page = client.get(
        reverse("areas:estates"), {"built_from": 2001}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "洪都六区" in page and "洪科小区" not in page


def test_a_page_number_past_the_end_shows_the_last_page(login, world):
    response = login(world.users["hq"][0]).get(reverse("areas:dwellings"), {"page": 999})
    assert response.status_code == 200


def _more_households(world, n):
    entrance = f.EntranceFactory(building=world.b1, number="9")
    for i in range(n):
        dwelling = f.DwellingFactory(
            entrance=entrance, floor=3, number=f"3{i:02d}", exclusive_area=Decimal("50.00")
        )
        a, b = f.PersonFactory(), f.PersonFactory()
        f.give_title(dwelling, a, b)
        f.live_in(dwelling, a, Relation.OWNER, head=True)
        f.live_in(dwelling, b, Relation.OWNER)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "areas:home",
        "areas:estates",
        "areas:dwellings",
        "estate",
        "building",
        "community",
        "grid",
        "subdistrict",
        "dwelling",
    ],
)
def test_queries_do_not_grow_with_the_rows(login, world, url_name):
    client = login(world.users["hq"][0])
    url = reverse(url_name) if ":" in url_name else pages(world)[url_name]
    before = _queries(client, url)
    _more_households(world, 30)
    client = login(world.users["hq"][0])
    assert _queries(client, url) == before, url
    assert before <= 20


def test_absurd_ids_in_the_filters_are_ignored_not_a_crash(login, world):
    client = login(world.users["hq"][0])
    huge = "9" * 25
    for params in (
        {"building": huge},
        {"community": huge},
        {"subdistrict": huge},
        {"estate": huge, "grid": "-1"},
    ):
        assert client.get(reverse("areas:dwellings"), params).status_code == 200, params
