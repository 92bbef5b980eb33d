"""The renewal pages: scope (insider, neighbour, anonymous), the forms calling the services,
and query counts that do not grow with the number of projects."""

import datetime as dt

import pytest
from django.urls import reverse

from xinju.core.testing.world import REGISTER_ROLES
from xinju.renewal import selectors
from xinju.renewal.models import Stage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_insiders_open_the_project_and_neighbours_get_404(client, world, project, role):
    insider, neighbour = world.users[role]
    url = reverse("renewal:project", args=[project.pk])
    client.force_login(insider)
    assert client.get(url).status_code == 200
    client.force_login(neighbour)
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, project):
    for url in (
        reverse("renewal:home"),
        reverse("renewal:projects"),
        reverse("renewal:project", args=[project.pk]),
        reverse("renewal:batch", args=[project.batch_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_contractor_sees_its_project_and_another_contractor_does_not(
    client, world, building_project, other_contractor
):
    url = reverse("renewal:project", args=[building_project.pk])
    client.force_login(world.users["contractor"][0])
    page = client.get(url)
    assert page.status_code == 200 and 'id="report-form"' in page.content.decode()
    client.force_login(other_contractor)
    assert client.get(url).status_code == 404


def test_headquarters_moves_a_project_and_a_community_worker_cannot(
    client, world, make_project, today
):
    project = make_project(Stage.SURVEY)
    url = reverse("renewal:project-move", args=[project.pk])
    data = {"to_stage": Stage.DESIGN, "on": today.isoformat(), "note": ""}
    client.force_login(world.users["community"][0])
    response = client.post(url, data, follow=True)
    assert selectors.project_for(world.users["hq"][0], project.pk).stage == Stage.SURVEY
    assert "Only headquarters" in response.content.decode()
    client.force_login(world.users["hq"][0])
    client.post(url, data)
    assert selectors.project_for(world.users["hq"][0], project.pk).stage == Stage.DESIGN


def test_a_refused_move_says_why_on_the_page(client, world, make_project, today):
    project = make_project(Stage.DESIGN)
    client.force_login(world.users["hq"][0])
    response = client.post(
        reverse("renewal:project-move", args=[project.pk]),
        {"to_stage": Stage.PUBLICITY, "on": (today + dt.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "The date cannot be in the future." in response.content.decode()
    response = client.post(
        reverse("renewal:project-move", args=[project.pk]),
        {"to_stage": Stage.PUBLICITY, "on": today.isoformat()},
        follow=True,
    )
    assert "Choose the designer before publishing the design." in response.content.decode()
    assert selectors.project_for(world.users["hq"][0], project.pk).stage == Stage.DESIGN


def test_adding_a_compound_built_in_2006_is_refused_with_its_year(client, world, batch, compound):
    estate = compound(10, built_year=2006)
    client.force_login(world.users["hq"][0])
    response = client.post(
        reverse("renewal:batch-add", args=[batch.pk]), {"estate": estate.code}, follow=True
    )
    text = response.content.decode()
    assert "was built in 2006" in text
    assert not selectors.projects(world.users["hq"][0]).filter(estate=estate).exists()


def test_adding_a_compound_by_code_creates_its_project(client, world, batch):
    client.force_login(world.users["hq"][0])
    response = client.post(
        reverse("renewal:batch-add", args=[batch.pk]), {"estate": world.e2.code}, follow=True
    )
    assert "joined the batch with 4 households" in response.content.decode()
    assert selectors.projects(world.users["hq"][0]).filter(estate=world.e2).count() == 1


def test_a_progress_report_from_the_page_rolls_up_and_a_resend_is_one_report(
    client, world, building_project, today
):
    hq = world.users["hq"][0]
    items = list(selectors.project_detail(building_project)["items"])
    data = {
        "reported_on": today.isoformat(),
        "note": "",
        "client_id": "2f1d0c1e-8f7a-4d2b-9a56-1c2d3e4f5a6b",
        **{f"item-{i.pk}": "50" for i in items},
    }
    client.force_login(world.users["contractor"][0])
    url = reverse("renewal:report-add", args=[building_project.pk])
    client.post(url, data)
    client.post(url, data)  # a double click
    project = selectors.project_for(hq, building_project.pk)
    assert str(project.progress) == "50.00"
    assert len(selectors.project_detail(project)["reports"]) == 1


def test_a_percentage_over_100_is_refused_naming_the_item(client, world, building_project, today):
    item = selectors.project_detail(building_project)["items"][0]
    client.force_login(world.users["hq"][0])
    response = client.post(
        reverse("renewal:report-add", args=[building_project.pk]),
        {
            "reported_on": today.isoformat(),
            "client_id": "3f1d0c1e-8f7a-4d2b-9a56-1c2d3e4f5a6b",
            f"item-{item.pk}": "120",
        },
        follow=True,
    )
    assert f"{item}: a percentage is at most 100." in response.content.decode()


def test_photos_are_served_to_insiders_only(client, world, project, jpeg):
    client.force_login(world.users["community"][0])
    client.post(
        reverse("renewal:photo-add", args=[project.pk]),
        {"kind": "before", "spot": "楼道", "caption": "", "photo": jpeg()},
    )
    photo = selectors.project_detail(project)["photo_pairs"][0]["before"]
    url = reverse("renewal:photo", args=[photo.pk, "thumb"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(world.users["community"][1])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_compound_tab_shows_the_project_stage_and_timeline(client, world, building_project):
    client.force_login(world.users["community"][0])
    page = client.get(reverse("areas:estate", args=[world.e1.pk]), {"tab": "renewal"})
    text = page.content.decode()
    assert 'id="renewal-tab"' in text and "Construction" in text
    assert text.count('class="timeline-stage') == len(Stage.values)


def test_the_project_list_filters_by_state_and_year(client, world, make_project, compound):
    make_project(Stage.CONSTRUCTION)
    make_project(Stage.SURVEY, estate=compound(6))
    client.force_login(world.users["hq"][0])
    started = client.get(reverse("renewal:projects"), {"state": "started"})
    assert started.context["totals"]["planned"].estates == 1
    assert (
        client.get(reverse("renewal:projects"), {"year": 2024}).context["page_obj"].paginator.count
        == 2
    )
    surveys = client.get(reverse("renewal:projects"), {"state": "not_started"})
    assert [p.estate.built_year for p in surveys.context["page_obj"].object_list] == [1995]


@pytest.mark.parametrize("name", ["renewal:projects", "renewal:home"])
def test_list_pages_make_the_same_queries_for_one_project_or_five(
    client, world, make_project, compound, django_assert_max_num_queries, name
):
    make_project(Stage.CONSTRUCTION)
    client.force_login(world.users["hq"][0])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse(name))
    for _ in range(4):
        make_project(Stage.CONSTRUCTION, estate=compound(3))
    with django_assert_max_num_queries(len(one)):
        client.get(reverse(name))


def test_the_project_page_makes_the_same_queries_whatever_its_size(
    client, world, building_project, today, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinju.renewal import services

    hq = world.users["hq"][0]
    client.force_login(hq)
    url = reverse("renewal:project", args=[building_project.pk])
    first = selectors.project_detail(building_project)["items"][0]
    services.report_progress(
        actor=hq, project=building_project, reported_on=today, percents={first.pk: "5"}
    )
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    catalog = list(selectors.offered_items(hq)[10:16])
    for item in catalog:
        services.add_item(
            actor=hq, project=building_project, catalog_item=item, quantity="3", budget="1000"
        )
    items = selectors.project_detail(building_project)["items"]
    for n in range(3):
        services.report_progress(
            actor=hq,
            project=building_project,
            reported_on=today,
            percents={i.pk: str(10 * (n + 1)) for i in items},
        )
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_the_funding_form_sent_twice_records_one_line(client, world, project):
    client.force_login(world.users["hq"][0])
    data = {
        "source": "central",
        "amount": "120000",
        "status": "committed",
        "note": "",
        "client_id": "5a1d0c1e-8f7a-4d2b-9a56-1c2d3e4f5a6b",
    }
    url = reverse("renewal:funding-add", args=[project.pk])
    client.post(url, data)
    client.post(url, data)  # a double click
    funding = selectors.project_detail(project)["funding"]
    assert [(f.source, str(f.amount)) for f in funding] == [("central", "120000.00")]


def test_two_reports_on_one_day_do_not_put_back_each_others_figures(
    client, world, building_project, today
):
    """Both forms were opened at 0%: the first reporter moves the sewers, the second the play
    area; the second form still shows the sewers at 0 and must not send that back."""
    hq = world.users["hq"][0]
    sewers, play = selectors.project_detail(building_project)["items"]
    client.force_login(hq)
    url = reverse("renewal:report-add", args=[building_project.pk])
    opened = {f"was-{sewers.pk}": "0.00", f"was-{play.pk}": "0.00"}
    client.post(
        url,
        {
            "reported_on": today.isoformat(),
            "client_id": "6a1d0c1e-8f7a-4d2b-9a56-1c2d3e4f5a6b",
            f"item-{sewers.pk}": "70",
            f"item-{play.pk}": "0.00",
            **opened,
        },
    )
    client.post(
        url,
        {
            "reported_on": today.isoformat(),
            "client_id": "7a1d0c1e-8f7a-4d2b-9a56-1c2d3e4f5a6b",
            f"item-{sewers.pk}": "0.00",
            f"item-{play.pk}": "40",
            **opened,
        },
    )
    items = {i.pk: str(i.percent) for i in selectors.project_detail(building_project)["items"]}
    assert items == {sewers.pk: "70.00", play.pk: "40.00"}


def test_a_name_shared_by_two_compounds_asks_for_the_code(client, world, batch, compound):
    first = compound(3, community=world.c1)
    second = compound(3, community=world.c2)
    second.name = first.name
    second.save()
    client.force_login(world.users["hq"][0])
    response = client.post(
        reverse("renewal:batch-add", args=[batch.pk]), {"estate": first.name}, follow=True
    )
    text = response.content.decode()
    assert "give its code" in text and first.code in text and second.code in text
    assert not selectors.projects(world.users["hq"][0]).filter(estate__name=first.name).exists()


def test_a_target_beyond_what_the_database_holds_is_refused_on_the_form(client, world):
    client.force_login(world.users["hq"][0])
    response = client.post(
        reverse("renewal:batch-new"),
        {
            "year": 2030,
            "target_households": 3_000_000_000,
            "consent_numerator": 2,
            "consent_denominator": 3,
        },
        follow=True,
    )
    assert "Target households" in response.content.decode()
    assert not selectors.batches(world.users["hq"][0]).filter(year=2030).exists()


def test_the_batch_page_states_the_late_built_cap_in_whole_households(client, world):
    from xinju.renewal import services

    batch = services.open_batch(
        actor=None, district=world.district, year=2031, target_households=1_001
    )
    client.force_login(world.users["hq"][0])
    text = client.get(reverse("renewal:batch", args=[batch.pk])).content.decode()
    assert "(at most 150)" in text  # 15% of 1,001 is 150.15: 150 households fit, not 151
