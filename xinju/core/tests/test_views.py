import pytest
from django.db import transaction
from django.urls import reverse

from xinju.core import audit

pytestmark = pytest.mark.django_db
URL = reverse("core:audit")


@pytest.fixture
def events(world):
    hq = world.users["hq"][0]
    with transaction.atomic():
        audit.record(
            actor=hq,
            verb="estate.update",
            target=world.e1,
            before={"name": "旧名"},
            after={"name": "洪科小区"},
        )
        audit.record(actor=None, verb="demo.generate", target=world.district)
    return world


def test_headquarters_reads_and_filters_the_trail(login, events):
    client = login(events.users["hq"][0])
    htmx = {"HX-Request": "true"}  # the results table alone, without the filter menus
    page = client.get(URL, headers=htmx).content.decode()
    assert (
        "<code>estate.update</code>" in page
        and "<code>demo.generate</code>" in page
        and "旧名" in page
    )
    filtered = client.get(URL, {"verb": "demo"}, headers=htmx).content.decode()
    assert "<code>demo.generate</code>" in filtered and "<code>estate.update</code>" not in filtered
    by_actor = client.get(URL, {"actor": "system"}, headers=htmx).content.decode()
    assert "<code>demo.generate</code>" in by_actor and "<code>estate.update</code>" not in by_actor


def test_the_htmx_request_gets_only_the_results(login, events):
    client = login(events.users["hq"][0])
    response = client.get(URL, {"verb": "estate"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="audit"' in body and "<html" not in body


@pytest.mark.parametrize("role", ["department", "subdistrict", "community", "grid", "resident"])
def test_everyone_else_gets_not_found(login, events, role):
    assert login(events.users[role][0]).get(URL).status_code == 404


def test_hq_of_another_district_reads_only_its_own_districts_trail(login, events):
    page = login(events.users["hq"][1]).get(URL, headers={"HX-Request": "true"}).content.decode()
    assert "<code>estate.update</code>" not in page and "<code>demo.generate</code>" not in page


def test_installation_wide_changes_are_for_the_administrators(login, events):
    from xinju.orgs import services as orgs

    orgs.create_organization(actor=None, kind="contractor", name="某建设公司")
    htmx = {"HX-Request": "true"}
    assert (
        "organization.create"
        not in login(events.users["hq"][0]).get(URL, headers=htmx).content.decode()
    )
    from xinju.core.testing.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert "organization.create" in login(root).get(URL, headers=htmx).content.decode()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_audit_page_costs_the_same_few_queries_for_many_events(
    login, events, django_assert_max_num_queries
):
    client = login(events.users["hq"][0])
    with transaction.atomic():
        for i in range(60):
            audit.record(actor=None, verb="x.bulk", target=events.e2, after={"i": i})
    with django_assert_max_num_queries(10):
        client.get(URL)
