"""The cockpit and the public programme page: who sees which area, the figures, the query
count that does not grow with the programme, and no personal data on the public page."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinju.core.testing import factories as f
from xinju.people.models import Person
from xinju.renewal import services
from xinju.renewal.models import CatalogItem, FundingSource, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    """Two batches: e1 handed over in 2024 (sewers 1.5 km), e2 in construction in 2025, e3
    planned in 2025. Each compound of the world has four households per building."""
    day = dt.date(2025, 1, 6)
    one = services.open_batch(actor=None, district=world.district, year=2024, target_households=8)
    two = services.open_batch(actor=None, district=world.district, year=2025, target_households=8)
    designer = f.OrganizationFactory(kind="designer")
    sewers = CatalogItem.objects.in_bulk(["sewers"], field_name="code")["sewers"]
    projects = {}
    for estate, batch, stage in (
        (world.e1, one, Stage.HANDOVER),
        (world.e2, two, Stage.CONSTRUCTION),
        (world.e3, two, Stage.SURVEY),
    ):
        project = services.add_estate(actor=None, batch=batch, estate=estate)
        item = services.add_item(
            actor=None, project=project, catalog_item=sewers, quantity="1.50", budget="100000"
        )
        services.add_funding(
            actor=None, project=project, source=FundingSource.CENTRAL, amount="60000"
        )
        services.assign_organisations(
            actor=None, project=project, designer=designer, contractor=world.contractor
        )
        order = list(Stage.values)
        for step in order[1 : order.index(stage) + 1]:
            if step == Stage.ACCEPTANCE:
                services.report_progress(
                    actor=None, project=project, reported_on=day, percents={item.pk: "100"}
                )
            services.move_stage(actor=None, project=project, to_stage=step, on=day)
            day += dt.timedelta(days=3)
        projects[estate.pk] = project
    return projects


def _data(response):
    """The figures the page hands its charts, as the browser reads them."""
    return json.loads(json.dumps(response.context["chart"]))


def test_headquarters_reads_the_district_figures(client, world, programme):
    client.force_login(world.users["hq"][0])
    response = client.get(reverse("cockpit:dashboard"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["planned"].estates, totals["planned"].households) == (3, 16)
    assert (totals["started"].estates, totals["completed"].households) == (2, 8)
    assert str(totals["completion_rate_households"]) == "50.00"
    assert str(totals["start_rate_estates"]) == "66.67"
    years = {y["year"]: y for y in _data(response)["years"]}
    assert years[2024]["completed_households"] == 8 and years[2025]["started_estates"] == 1
    indicators = {i["indicator"]: i for i in response.context["indicators"]}
    assert str(indicators["pipelines"]["total"]) == "4.50"
    assert str(indicators["pipelines"]["completed"]) == "1.50"
    text = response.content.decode()
    assert f'href="{reverse("renewal:projects")}?year=2025&state=started"' in text


def test_a_subdistrict_user_gets_their_subdistrict_and_not_the_neighbours(client, world, programme):
    insider, neighbour = world.users["subdistrict"]
    client.force_login(insider)
    response = client.get(reverse("cockpit:dashboard"))
    assert response.context["area"].node == world.s1
    assert response.context["totals"]["planned"].estates == 2  # e1 and e2, not e3
    other = client.get(reverse("cockpit:dashboard"), {"subdistrict": world.s2.pk})
    assert other.status_code == 404
    client.force_login(neighbour)
    assert client.get(reverse("cockpit:dashboard"), {"subdistrict": world.s1.pk}).status_code == 404


def test_headquarters_drills_down_to_a_community(client, world, programme):
    client.force_login(world.users["hq"][0])
    response = client.get(reverse("cockpit:dashboard"), {"community": world.c1.pk})
    assert response.context["area"].kind == "community"
    assert [r["name"] for r in response.context["rows"]] == [world.e1.name]
    assert response.context["totals"]["planned"].households == 8


@pytest.mark.parametrize("role", ["grid", "supervisor", "property", "committee", "resident"])
def test_roles_without_an_area_to_answer_for_get_404(client, world, programme, role):
    client.force_login(world.users[role][0])
    assert client.get(reverse("cockpit:dashboard")).status_code == 404
    assert client.get(reverse("cockpit:statistics")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(reverse("cockpit:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_cockpit_makes_the_same_queries_for_one_project_or_many(world, client, programme):
    hq = world.users["hq"][0]
    client.force_login(hq)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("cockpit:dashboard"))
    batch = services.open_batch(actor=None, district=world.district, year=2026, target_households=9)
    for n in range(5):
        estate = f.EstateFactory(community=world.c2, built_year=1990, name=f"新增小区{n}")
        entrance = f.EntranceFactory(building=f.BuildingFactory(estate=estate, grid=world.g3))
        f.DwellingFactory.create_batch(2, entrance=entrance)
        services.add_estate(actor=None, batch=batch, estate=estate)
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("cockpit:dashboard"))
    assert response.context["totals"]["planned"].estates == 8
    assert len(after) == len(before) <= 20


def test_the_statistics_and_the_monthly_report_download(client, world, programme):
    client.force_login(world.users["hq"][0])
    xlsx = client.get(reverse("cockpit:statistics"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx["Content-Disposition"]
    pdf = client.get(reverse("cockpit:report"), {"month": "2025-01"})
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert pdf["Content-Type"] == "application/pdf"


def test_the_public_page_shows_the_programme_without_personal_data(client, world, programme):
    response = client.get(reverse("cockpit:public"))
    assert response.status_code == 200
    text = response.content.decode()
    assert world.e1.name in text and world.e2.name in text
    for person in Person.objects.all():
        assert person.id_number not in text
        if person.phone:
            assert person.phone not in text
        assert person.name not in text
    detail = client.get(reverse("cockpit:public-project", args=[programme[world.e1.pk].pk]))
    assert detail.status_code == 200 and "Handed over" in detail.content.decode()
    assert client.get(reverse("cockpit:public-project", args=[987654])).status_code == 404


def test_the_public_page_filters_by_year_and_stage(client, programme):
    response = client.get(reverse("cockpit:public"), {"year": 2025, "stage": Stage.CONSTRUCTION})
    assert response.context["page_obj"].paginator.count == 1


def test_a_community_worker_gets_their_community_not_its_subdistrict(client, world, programme):
    """Their scope lets them see their subdistrict, but they answer for the community."""
    client.force_login(world.users["community"][0])
    response = client.get(reverse("cockpit:dashboard"))
    assert response.context["area"].kind == "community"
    assert response.context["area"].node == world.c1
    assert response.context["totals"]["planned"].estates == 1


@pytest.mark.parametrize("junk", ["²", "２０２５", "9" * 30, "-1"])
def test_odd_numbers_in_the_address_are_ignored_not_errors(client, world, programme, junk):
    assert client.get(reverse("cockpit:public"), {"year": junk}).status_code == 200
    client.force_login(world.users["hq"][0])
    response = client.get(reverse("cockpit:dashboard"), {"community": junk})
    assert response.status_code == 200 and response.context["area"].kind == "district"


def test_a_community_worker_cannot_open_their_subdistricts_cockpit(client, world, programme):
    """Seeing one's subdistrict in the register is not answering for it."""
    client.force_login(world.users["community"][0])
    response = client.get(reverse("cockpit:dashboard"), {"subdistrict": world.s1.pk})
    assert response.status_code == 404


def test_a_subdistricts_statistics_leave_out_the_districts_targets(client, world, programme):
    """A batch's targets are the district's: beside one subdistrict's figures they mislead."""
    import io

    import openpyxl

    def by_year(user):
        client.force_login(user)
        book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("cockpit:statistics")).content))
        sheet = book.worksheets[0]
        return [row[:6] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]

    district = by_year(world.users["hq"][0])
    subdistrict = by_year(world.users["subdistrict"][0])
    assert [r[3] for r in district[:2]] == [8, 8]  # target households of 2024 and 2025
    assert [r[3] for r in subdistrict[:2]] == [None, None]
    assert [r[5] for r in subdistrict[:2]] == [8, 4]  # e1 in 2024, e2 in 2025
