import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinju.accounts.services import issue_token
from xinju.core.testing import factories as f
from xinju.core.testing.world import REGISTER_ROLES
from xinju.orgs.models import OrgKind
from xinju.renewal import services
from xinju.renewal.models import CatalogItem, Project, Stage

pytestmark = pytest.mark.django_db
BASE = "/api/v1/renewal"
PROBLEM = "application/problem+json"


def _auth(user):
    _token, key = issue_token(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {key}"}


def _get(client, user, url):
    return client.get(url, headers=_auth(user))


def _post(client, user, url, body):
    return client.post(url, body, content_type="application/json", headers=_auth(user))


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _item(code: str) -> CatalogItem:
    return CatalogItem.objects.in_bulk([code], field_name="code")[code]


def _to_construction(project: Project, *, contractor: Any, started: dt.date) -> Project:
    designer = f.OrganizationFactory(kind=OrgKind.DESIGNER)
    services.assign_organisations(
        actor=None, project=project, designer=designer, contractor=contractor
    )
    for stage in (Stage.DESIGN, Stage.PUBLICITY, Stage.TENDER, Stage.CONSTRUCTION):
        project = services.move_stage(actor=None, project=project, to_stage=stage, on=started)
    return project


@dataclass
class Programme:
    batch: Any
    other_batch: Any
    p1: Project  # e1, under construction by world.contractor
    p2: Project  # e2, completed by another contractor
    p3: Project  # e3, still in its needs survey
    p9: Project  # e9, the other district
    sewers: Any  # p1's items
    lifts: Any


@pytest.fixture
def programme(world):
    batch = services.open_batch(
        actor=None, district=world.district, year=2025, target_households=100, target_estates=3
    )
    p1 = services.add_estate(actor=None, batch=batch, estate=world.e1)
    p2 = services.add_estate(actor=None, batch=batch, estate=world.e2)
    p3 = services.add_estate(actor=None, batch=batch, estate=world.e3)
    other_batch = services.open_batch(
        actor=None,
        district=world.district2,
        year=2025,
        target_households=50,
        consent_numerator=3,
        consent_denominator=4,
    )
    p9 = services.add_estate(actor=None, batch=other_batch, estate=world.e9)

    sewers = services.add_item(
        actor=None, project=p1, catalog_item=_item("sewers"), quantity="1.2", budget="100000"
    )
    lifts = services.add_item(
        actor=None, project=p1, catalog_item=_item("lifts"), quantity="2", budget="300000"
    )
    p1 = _to_construction(p1, contractor=world.contractor, started=_days_ago(10))
    services.add_funding(
        actor=None, project=p1, source="central", amount="250000.50", status="received"
    )
    services.add_funding(actor=None, project=p1, source="district", amount="150000")

    p2_sewers = services.add_item(
        actor=None, project=p2, catalog_item=_item("sewers"), quantity="0.5", budget="50000"
    )
    builder = f.OrganizationFactory(kind=OrgKind.CONTRACTOR)
    p2 = _to_construction(p2, contractor=builder, started=_days_ago(20))
    services.report_progress(
        actor=None,
        project=p2,
        reported_on=_days_ago(5),
        percents={p2_sewers.pk: "100"},
        client_id=uuid.uuid4(),
    )
    p2 = services.move_stage(actor=None, project=p2, to_stage=Stage.ACCEPTANCE, on=_days_ago(4))
    services.add_funding(actor=None, project=p2, source="residents", amount="20000")
    return Programme(batch, other_batch, p1, p2, p3, p9, sewers, lifts)


def _report(programme, **overrides):
    return {
        "reported_on": _days_ago(1).isoformat(),
        "percents": {str(programme.sewers.pk): "50", str(programme.lifts.pk): 20},
        "note": "管网已铺设一半",
        "client_id": str(uuid.uuid4()),
        **overrides,
    }


# --- scope ---------------------------------------------------------------------------------


def test_anonymous_callers_get_401(client, programme):
    p = programme.p1.pk
    for url in (
        f"{BASE}/catalog",
        f"{BASE}/batches",
        f"{BASE}/batches/{programme.batch.pk}",
        f"{BASE}/projects",
        f"{BASE}/projects/{p}",
        f"{BASE}/projects/{p}/reports",
        f"{BASE}/programme",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"] == PROBLEM
    response = client.post(
        f"{BASE}/projects/{p}/reports", _report(programme), content_type="application/json"
    )
    assert response.status_code == 401
    assert not programme.p1.reports.exists()


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_insiders_read_the_project_and_neighbours_get_404(client, world, programme, role):
    insider, neighbour = world.users[role]
    missing = _get(client, neighbour, f"{BASE}/projects/987654").json()
    for url in (f"{BASE}/projects/{programme.p1.pk}", f"{BASE}/projects/{programme.p1.pk}/reports"):
        assert _get(client, insider, url).status_code == 200, url
        response = _get(client, neighbour, url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == PROBLEM
        assert response.json() == missing
    listed = {p["id"] for p in _get(client, insider, f"{BASE}/projects").json()["items"]}
    assert programme.p1.pk in listed and programme.p9.pk not in listed
    hidden = {p["id"] for p in _get(client, neighbour, f"{BASE}/projects").json()["items"]}
    assert programme.p1.pk not in hidden


def test_lists_follow_the_scope(client, world, programme):
    def ids(user):
        return {p["id"] for p in _get(client, user, f"{BASE}/projects").json()["items"]}

    pr = programme
    assert ids(world.users["hq"][0]) == {pr.p1.pk, pr.p2.pk, pr.p3.pk}
    assert ids(world.users["hq"][1]) == {pr.p9.pk}  # the other district's headquarters
    assert ids(world.users["subdistrict"][0]) == {pr.p1.pk, pr.p2.pk}
    assert ids(world.users["community"][0]) == {pr.p1.pk}
    assert ids(world.users["community"][1]) == {pr.p3.pk}
    assert ids(world.users["contractor"][0]) == {pr.p1.pk}


def test_the_contractor_reads_its_project_only(client, world, programme):
    contractor = world.users["contractor"][0]
    assert _get(client, contractor, f"{BASE}/projects/{programme.p1.pk}").status_code == 200
    for other in (programme.p2, programme.p3, programme.p9):
        assert _get(client, contractor, f"{BASE}/projects/{other.pk}").status_code == 404


def test_batches_are_the_districts_plan_with_figures_of_the_callers_scope(client, world, programme):
    hq, other_hq = world.users["hq"]
    body = _get(client, hq, f"{BASE}/batches").json()
    assert body["count"] == 1
    assert body["items"][0] == {
        "id": programme.batch.pk,
        "district_id": world.district.pk,
        "year": 2025,
        "name": programme.batch.name,
        "target_estates": 3,
        "target_households": 100,
        "consent": {"share": "2/3", "numerator": 2, "denominator": 3},
        "note": "",
        "figures": {
            "planned": {"estates": 3, "households": 16, "residents": 32},
            "started": {"estates": 2, "households": 12, "residents": 24},
            "completed": {"estates": 1, "households": 4, "residents": 8},
            "state": "under_way",
        },
    }
    # The community worker sees the district's batch, counted over their compound only.
    community = world.users["community"][0]
    figures = _get(client, community, f"{BASE}/batches/{programme.batch.pk}").json()["figures"]
    assert figures["planned"] == {"estates": 1, "households": 8, "residents": 16}
    assert figures["completed"]["estates"] == 0
    other = _get(client, other_hq, f"{BASE}/batches/{programme.other_batch.pk}").json()
    assert other["consent"] == {"share": "3/4", "numerator": 3, "denominator": 4}
    assert other["target_estates"] is None
    response = _get(client, hq, f"{BASE}/batches/{programme.other_batch.pk}")
    assert response.status_code == 404
    assert response.json() == _get(client, hq, f"{BASE}/batches/987654").json()


def test_the_catalog_lists_categories_with_their_items(client, world):
    body = _get(client, world.users["resident"][0], f"{BASE}/catalog").json()
    assert [c["code"] for c in body] == ["basic", "improvement", "upgrade"]
    sewers = next(i for i in body[0]["items"] if i["code"] == "sewers")
    assert (sewers["unit"], sewers["indicator"], sewers["is_active"]) == ("km", "pipelines", True)
    assert sewers["unit_label"] == "km"
    assert "lifts" in {i["code"] for i in body[1]["items"]}


# --- projects ------------------------------------------------------------------------------


def test_a_list_row_carries_exact_decimals_and_names(client, world, programme):
    services.report_progress(
        actor=None,
        project=programme.p1,
        reported_on=_days_ago(2),
        percents={programme.sewers.pk: "45.5", programme.lifts.pk: "45.5"},
        client_id=uuid.uuid4(),
    )
    body = _get(client, world.users["committee"][0], f"{BASE}/projects").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row == {
        "id": programme.p1.pk,
        "batch_id": programme.batch.pk,
        "batch_year": 2025,
        "estate_id": world.e1.pk,
        "estate_code": world.e1.code,
        "estate_name": "洪科小区",
        "community_id": world.c1.pk,
        "subdistrict_id": world.s1.pk,
        "stage": "construction",
        "stage_label": "Construction",
        "progress": "45.50",
        "households": 8,
        "residents": 16,
        "designer_id": programme.p1.designer_id,
        "designer_name": programme.p1.designer.name,
        "contractor_id": world.contractor.pk,
        "contractor_name": "测试建设工程有限公司",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=started", {"p1", "p2"}),
        ("state=under_way", {"p1"}),
        ("state=completed", {"p2"}),
        ("state=not_started", {"p3"}),
        ("stage=survey", {"p3"}),
        ("year=2025", {"p1", "p2", "p3"}),
        ("year=2024", set()),
        ("subdistrict={s2}", {"p3"}),
        ("community={c1}", {"p1"}),
        ("q=洪都", {"p2"}),
    ],
)
def test_projects_are_filtered(client, world, programme, query, expected):
    query = query.format(s2=world.s2.pk, c1=world.c1.pk)
    body = _get(client, world.users["hq"][0], f"{BASE}/projects?{query}").json()
    assert {p["id"] for p in body["items"]} == {getattr(programme, k).pk for k in expected}
    assert body["count"] == len(expected)


def test_a_batch_filter_and_bad_filters(client, world, programme):
    hq = world.users["hq"][0]
    url = f"{BASE}/projects?batch={programme.batch.pk}"
    assert _get(client, hq, url).json()["count"] == 3
    for bad in ("state=finished", "stage=demolition", "year=1800", "batch=" + "9" * 25):
        response = _get(client, hq, f"{BASE}/projects?{bad}")
        assert response.status_code == 422, bad
        assert response["Content-Type"] == PROBLEM


def test_the_project_list_makes_no_query_per_row(client, world, programme):
    headers = _auth(world.users["hq"][0])

    def count(query):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{BASE}/projects?{query}", headers=headers).json()
        return len(ctx), body["count"]

    count("")  # the first request of a token records its use
    one, n1 = count("state=under_way")
    three, n3 = count("")
    assert (n1, n3) == (1, 3)
    assert three == one


def test_the_detail_shows_timeline_items_funding_and_reports(client, world, programme):
    services.report_progress(
        actor=None,
        project=programme.p1,
        reported_on=_days_ago(2),
        percents={programme.sewers.pk: "50", programme.lifts.pk: "20"},
        note="first",
        client_id=uuid.uuid4(),
    )
    body = _get(client, world.users["grid"][0], f"{BASE}/projects/{programme.p1.pk}").json()
    assert body["progress"] == "27.50"  # (100000 × 50 + 300000 × 20) / 400000
    assert body["budget"] == "400000.00"
    assert body["funding_total"] == "400000.50"
    construction = next(s for s in body["timeline"] if s["stage"] == "construction")
    assert construction["current"] is True and construction["done"] is False
    assert construction["actual_start"] == _days_ago(10).isoformat()
    assert construction["actual_end"] is None
    assert [s["stage"] for s in body["timeline"] if s["done"]] == [
        "survey",
        "design",
        "publicity",
        "tender",
    ]
    assert body["items"][0] == {
        "id": programme.sewers.pk,
        "catalog_item_id": _item("sewers").pk,
        "code": "sewers",
        "name": _item("sewers").name,
        "category": "basic",
        "unit": "km",
        "description": "",
        "quantity": "1.20",
        "budget": "100000.00",
        "percent": "50.00",
        "percent_on": _days_ago(2).isoformat(),
    }
    assert [(x["source"], x["amount"], x["status"]) for x in body["funding"]] == [
        ("central", "250000.50", "received"),
        ("district", "150000.00", "committed"),
    ]
    [report] = body["latest_reports"]
    assert (report["note"], report["progress"]) == ("first", "27.50")
    assert {(e["item_id"], e["percent"]) for e in report["entries"]} == {
        (programme.sewers.pk, "50.00"),
        (programme.lifts.pk, "20.00"),
    }


# --- reporting progress --------------------------------------------------------------------


def test_the_contractor_reports_progress(client, world, programme):
    contractor = world.users["contractor"][0]
    url = f"{BASE}/projects/{programme.p1.pk}/reports"
    payload = _report(programme)
    response = _post(client, contractor, url, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["progress"] == "27.50"
    assert body["client_id"] == payload["client_id"]
    assert body["note"] == "管网已铺设一半"
    assert body["reported_by"] == str(contractor)
    assert {(e["item_id"], e["percent"]) for e in body["entries"]} == {
        (programme.sewers.pk, "50.00"),
        (programme.lifts.pk, "20.00"),
    }
    programme.p1.refresh_from_db()
    assert programme.p1.progress == Decimal("27.50")
    listed = _get(client, contractor, url).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


def test_a_resent_report_answers_200_with_the_same_report(client, world, programme):
    hq = world.users["hq"][0]
    url = f"{BASE}/projects/{programme.p1.pk}/reports"
    payload = _report(programme)
    first = _post(client, hq, url, payload)
    again = _post(client, hq, url, {**payload, "note": "changed on the way"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert programme.p1.reports.count() == 1


def test_a_community_worker_sees_the_project_but_may_not_report(client, world, programme):
    response = _post(
        client,
        world.users["community"][0],
        f"{BASE}/projects/{programme.p1.pk}/reports",
        _report(programme),
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "permission-denied"
    assert not programme.p1.reports.exists()


def test_a_neighbour_cannot_report_on_a_project_out_of_scope(client, world, programme):
    response = _post(
        client,
        world.users["hq"][1],
        f"{BASE}/projects/{programme.p1.pk}/reports",
        _report(programme),
    )
    assert response.status_code == 404
    assert not programme.p1.reports.exists()


def test_a_percent_over_100_is_a_422_naming_the_item(client, world, programme):
    payload = _report(programme, percents={str(programme.sewers.pk): "120"})
    response = _post(
        client, world.users["hq"][0], f"{BASE}/projects/{programme.p1.pk}/reports", payload
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "invalid-input"
    assert [e["field"] for e in body["errors"]] == [f"item-{programme.sewers.pk}"]
    assert "at most 100" in body["errors"][0]["message"]
    assert not programme.p1.reports.exists()


@pytest.mark.parametrize(
    ("percents", "field"),
    [
        ({"sewers": "12.345"}, "item-{sewers}"),  # three decimal places
        ({"sewers": "-1"}, "item-{sewers}"),
        ({"987654": "10"}, "item-987654"),  # not an item of this project
        ({}, "percents"),
    ],
)
def test_other_bad_percents_are_422_naming_the_field(client, world, programme, percents, field):
    pk = programme.sewers.pk
    percents = {(str(pk) if k == "sewers" else k): v for k, v in percents.items()}
    response = _post(
        client,
        world.users["hq"][0],
        f"{BASE}/projects/{programme.p1.pk}/reports",
        _report(programme, percents=percents),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field.format(sewers=pk)


@pytest.mark.parametrize(
    "overrides",
    [
        {"percents": {"sewers": "abc"}},
        {"percents": {"sewers": "1" * 40}},  # absurd, but never a crash
        {"percents": {"sewers": "NaN"}},
        {"percents": {"0": "10"}},
        {"client_id": "not-a-uuid"},
        {"reported_on": "yesterday"},
    ],
)
def test_malformed_bodies_are_a_422_problem(client, world, programme, overrides):
    if "percents" in overrides:
        sewers = str(programme.sewers.pk)
        overrides = {
            "percents": {
                sewers if k == "sewers" else k: v for k, v in overrides["percents"].items()
            }
        }
    response = _post(
        client,
        world.users["hq"][0],
        f"{BASE}/projects/{programme.p1.pk}/reports",
        _report(programme, **overrides),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "invalid-input"


def test_a_future_date_is_a_422(client, world, programme):
    payload = _report(
        programme, reported_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat()
    )
    response = _post(
        client, world.users["hq"][0], f"{BASE}/projects/{programme.p1.pk}/reports", payload
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reported_on"


def test_reporting_outside_construction_is_a_409(client, world, programme):
    item = services.add_item(
        actor=None, project=programme.p3, catalog_item=_item("roads"), quantity="300", budget="1"
    )
    response = _post(
        client,
        world.users["hq"][0],
        f"{BASE}/projects/{programme.p3.pk}/reports",
        _report(programme, percents={str(item.pk): "10"}),
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "illegal-transition"
    assert not programme.p3.reports.exists()


# --- the programme -------------------------------------------------------------------------


def test_the_programme_figures_are_exact(client, world, programme):
    body = _get(client, world.users["hq"][0], f"{BASE}/programme").json()
    assert body["years"] == [
        {
            "year": 2025,
            "batch_id": programme.batch.pk,
            "batch_name": programme.batch.name,
            "target_estates": 3,
            "target_households": 100,
            "planned": {"estates": 3, "households": 16, "residents": 32},
            "started": {"estates": 2, "households": 12, "residents": 24},
            "completed": {"estates": 1, "households": 4, "residents": 8},
            "state": "under_way",
        }
    ]
    area = sum((p.floor_area for p in (programme.p1, programme.p2, programme.p3)), Decimal(0))
    assert body["totals"] == {
        "planned": {"estates": 3, "households": 16, "residents": 32},
        "started": {"estates": 2, "households": 12, "residents": 24},
        "completed": {"estates": 1, "households": 4, "residents": 8},
        "buildings": 4,
        "floor_area": f"{area:.2f}",
        "start_rate_estates": "66.67",
        "start_rate_households": "75.00",
        "completion_rate_estates": "33.33",
        "completion_rate_households": "25.00",
    }
    investment = {row["source"]: row for row in body["investment"]}
    assert investment["central"] == {
        "source": "central",
        "label": "Central subsidy",
        "group": "government",
        "total": "250000.50",
        "committed": "0.00",
        "received": "250000.50",
        "spent": "0.00",
    }
    assert investment["residents"]["committed"] == "20000.00"
    assert list(investment) == ["central", "district", "residents"]
    indicators = {row["indicator"]: row for row in body["indicators"]}
    assert indicators["pipelines"] == {
        "indicator": "pipelines",
        "label": "Pipelines renewed (km)",
        "unit": "km",
        "total": "1.70",
        "completed": "0.50",
    }
    lifts = indicators["lifts"]
    assert (Decimal(lifts["total"]), Decimal(lifts["completed"])) == (2, 0)
    assert isinstance(lifts["total"], str)  # never a float


def test_the_programme_follows_scope_and_filters(client, world, programme):
    hq = world.users["hq"][0]
    s2 = _get(client, hq, f"{BASE}/programme?subdistrict={world.s2.pk}").json()["totals"]
    assert s2["planned"] == {"estates": 1, "households": 4, "residents": 8}
    assert (s2["start_rate_estates"], s2["completion_rate_households"]) == ("0.00", "0.00")
    community = _get(client, world.users["community"][0], f"{BASE}/programme").json()
    assert community["totals"]["planned"]["estates"] == 1
    assert community["totals"]["start_rate_households"] == "100.00"
    assert {row["source"] for row in community["investment"]} == {"central", "district"}
    other = _get(client, world.users["hq"][1], f"{BASE}/programme").json()
    assert [y["batch_id"] for y in other["years"]] == [programme.other_batch.pk]
    assert other["totals"]["planned"]["households"] == programme.p9.households
    assert other["investment"] == []
    empty = _get(client, hq, f"{BASE}/programme?community=987654").json()["totals"]
    assert empty["planned"]["estates"] == 0 and empty["start_rate_estates"] is None


# --- the contract --------------------------------------------------------------------------


def test_schema_names_do_not_clash_with_other_apps():
    """The OpenAPI document names its components by class: a second app's `FiguresOut` would
    silently replace the register's in the published contract."""
    import importlib
    import importlib.util
    import inspect
    import pkgutil

    from ninja import Schema

    import xinju

    modules: dict[str, set[str]] = {}
    for app in pkgutil.iter_modules(xinju.__path__):
        for part in ("schemas", "api"):
            name = f"xinju.{app.name}.{part}"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            for cls_name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, Schema) and cls.__module__ == name:
                    modules.setdefault(cls_name, set()).add(name)
    assert not {k: v for k, v in modules.items() if len(v) > 1}
    assert "RenewalProjectOut" in modules  # the scan reached this app
