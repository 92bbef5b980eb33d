"""Figures 5 and 6: server time of the cockpit on the demo district and on one 20 times larger,
beside the raw SQL of the same aggregates timed in the same run.

In-process with django.test.Client, as the page benchmark: the time of a request is the time
of the whole middleware stack, the view, its queries and its template. The raw SQL is the
cockpit's aggregates written by hand and run through `connection.cursor()`; its figures are
checked against the cockpit's own before anything is timed. Requests go round-robin over the
baseline, the three cockpit pages and the three raw SQL sets, so a noisy moment of the shared
machine touches every one alike, and the ratio of the cockpit's p95 to the raw SQL's p95 of the
same area is what is reported beside the budget.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from xinju.accounts.models import User
from xinju.areas.models import Community, District, Dwelling, Estate
from xinju.cockpit import selectors as cockpit
from xinju.demo import spec
from xinju.demo.generator import Generator
from xinju.renewal.models import COMPLETED_STAGES, STARTED_STAGES, Project

from .profiling import profiled
from .stats import summary

USERNAME = "hq"  # the whole district; the subdistrict and community are drill-downs
WARMUP = 5
PROFILED_REQUESTS = 10
SQL_SAMPLES = 5


# --- the larger district -----------------------------------------------------------------------


def generate(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, then time `Generator(compounds=N).run()` alone; the demo accounts after it."""
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in marks:
            print(f"    {phase} ({time.perf_counter() - started:.0f} s)", flush=True)
        marks[phase] = time.perf_counter() - started  # when the phase last reported

    with profiled(args.profile):
        result = Generator(compounds=args.compounds, progress=progress).run()
    seconds = time.perf_counter() - started
    call_command("demo_setup", stdout=io.StringIO())  # not timed: hq signs in
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return {
        "seconds": seconds,
        "database_bytes": size,
        "compounds": args.compounds,
        "phases": marks,
        "vendor": connection.vendor,
        "counts": result.counts,
    }


# --- the raw SQL ------------------------------------------------------------------------------

_STAGE = re.compile(r"^[a-z_]+$")


def _in(stages: Any) -> str:
    """A list of stage literals for SQL (the model's own constants, never user input)."""
    values = [str(s) for s in stages]
    if not all(_STAGE.match(v) for v in values):
        raise ValueError(f"unexpected stage values {values}")
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_E = " JOIN areas_estate e ON e.id = p.estate_id"
_EC = _E + " JOIN areas_community c ON c.id = e.community_id"
# Per area kind: the joins that pick its projects and the condition on the area's id; the
# joins and the expression of the child areas the rows are grouped by; the joins that reach
# the compound (its position).
AREA_SQL = {
    "district": {
        "joins": "",
        "where": "p.batch_id IN (SELECT id FROM renewal_batch WHERE district_id = %(area)s)",
        "child_joins": _EC,
        "child": "c.subdistrict_id",
        "estate_joins": _E,
    },
    "subdistrict": {
        "joins": _EC,
        "where": "c.subdistrict_id = %(area)s",
        "child_joins": _EC,
        "child": "e.community_id",
        "estate_joins": _EC,
    },
    "community": {
        "joins": _E,
        "where": "e.community_id = %(area)s",
        "child_joins": _E,
        "child": "p.estate_id",
        "estate_joins": _E,
    },
}


def _tally() -> str:
    started, completed = _in(STARTED_STAGES), _in(COMPLETED_STAGES)
    parts = ["count(*)", "sum(p.households)", "sum(p.residents)"]
    for stages in (started, completed):
        where = f"FILTER (WHERE p.stage IN {stages})"
        parts += [
            f"count(*) {where}",
            f"sum(p.households) {where}",
            f"sum(p.residents) {where}",
        ]
    return ", ".join(parts)


def statements(kind: str) -> dict[str, str]:
    """The cockpit's aggregates of one area kind as plain SQL (PostgreSQL), by name."""
    a = AREA_SQL[kind]
    tally = _tally()
    scope = f"renewal_project p{a['joins']} WHERE {a['where']}"
    return {
        "batches": (
            "SELECT id, year, name, target_estates, target_households FROM renewal_batch "
            "WHERE district_id = %(district)s ORDER BY year"
        ),
        "by_batch": f"SELECT p.batch_id, {tally} FROM {scope} GROUP BY p.batch_id",
        "totals": f"SELECT {tally}, sum(p.buildings), sum(p.floor_area) FROM {scope}",
        "by_child": (
            f"SELECT {a['child']}, {tally} FROM renewal_project p{a['child_joins']} "
            f"WHERE {a['where']} GROUP BY 1"
        ),
        "by_child_stage": (
            f"SELECT {a['child']}, p.stage, count(*) FROM renewal_project p{a['child_joins']} "
            f"WHERE {a['where']} GROUP BY 1, 2"
        ),
        "funding": (
            "SELECT f.source, f.status, sum(f.amount) FROM renewal_fundingline f "
            f"WHERE f.project_id IN (SELECT p.id FROM {scope}) GROUP BY f.source, f.status"
        ),
        "indicators": (
            "SELECT ci.indicator, sum(i.quantity), "
            f"sum(i.quantity) FILTER (WHERE p.stage IN {_in(COMPLETED_STAGES)}) "
            "FROM renewal_projectitem i "
            "JOIN renewal_catalogitem ci ON ci.id = i.catalog_item_id "
            f"JOIN renewal_project p ON p.id = i.project_id{a['joins']} "
            f"WHERE ci.indicator <> '' AND {a['where']} GROUP BY ci.indicator"
        ),
        "positions": (
            "SELECT p.id, p.stage, p.households, e.id, e.name, e.latitude, e.longitude "
            f"FROM renewal_project p{a['estate_joins']} "
            f"WHERE {a['where']} AND e.latitude IS NOT NULL"
        ),
    }


def run_raw(sql: dict[str, str], params: dict[str, int]) -> dict[str, list[tuple[Any, ...]]]:
    """Every statement, each result fetched whole: the database's share of a cockpit page."""
    out = {}
    with connection.cursor() as cursor:
        for name, text in sql.items():
            cursor.execute(text, params)
            out[name] = cursor.fetchall()
    return out


def _tallies(row: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(int(v or 0) for v in row)


def _figures(tallies: dict[str, Any]) -> tuple[int, ...]:
    return tuple(
        getattr(tallies[part], field)
        for part in ("planned", "started", "completed")
        for field in ("estates", "households", "residents")
    )


def check(raw: dict[str, list[tuple[Any, ...]]], data: dict[str, Any]) -> None:
    """The raw SQL must find what the cockpit shows; raises on the first difference."""

    def same(what: str, mine: Any, theirs: Any) -> None:
        if mine != theirs:
            raise RuntimeError(f"raw SQL and the cockpit differ in {what}: {mine} != {theirs}")

    by_batch = {r[0]: _tallies(r[1:]) for r in raw["by_batch"]}
    same(
        "the years",
        by_batch,
        {y.batch.pk: _figures(vars(y)) for y in data["years"] if y.planned.estates},
    )
    same("the batches", [r[0] for r in raw["batches"]], [y.batch.pk for y in data["years"]])
    totals = raw["totals"][0]
    t = data["totals"]
    same("the totals", _tallies(totals[:9]), _figures(t))
    same("the buildings", int(totals[9] or 0), t["buildings"])
    same("the floor area", totals[10] or Decimal(0), t["floor_area"])
    same(
        "the child areas",
        {r[0]: _tallies(r[1:]) for r in raw["by_child"]},
        {r["pk"]: _figures(r) for r in data["rows"] if r["planned"].estates},
    )
    stages: dict[int, dict[str, int]] = {}
    for child, stage, n in raw["by_child_stage"]:
        stages.setdefault(child, {})[stage] = n
    same("the stages", stages, {r["pk"]: r["stages"] for r in data["rows"] if r["stages"]})
    funding: dict[str, dict[str, Decimal]] = {}
    for source, status, amount in raw["funding"]:
        funding.setdefault(source, {})[status] = amount
    same(
        "the funding",
        funding,
        {
            i["source"]: {k: i[k] for k in ("committed", "received", "spent") if i[k]}
            for i in data["investment"]
        },
    )
    same(
        "the indicators",
        {r[0]: (r[1], r[2] or Decimal(0)) for r in raw["indicators"]},
        {i["indicator"]: (i["total"], i["completed"]) for i in data["indicators"] if i["total"]},
    )
    same(
        "the positions",
        sorted(r[:4] for r in raw["positions"]),
        sorted((p["pk"], p["stage"], p["households"], p["estate_id"]) for p in data["positions"]),
    )


# --- the measurement ------------------------------------------------------------------------


def _get(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(response.content)


def _areas(user: User) -> list[dict[str, Any]]:
    """The district, the subdistrict of 洪科社区 and 洪科社区 itself, as hq drills down."""
    district = District.objects.get(code=spec.DISTRICT["code"])
    hongke = Community.objects.select_related("subdistrict").get(
        subdistrict__district=district, name=spec.HONGKE.community
    )
    out = []
    for kind, node, params in (
        ("district", district, {}),
        ("subdistrict", hongke.subdistrict, {"subdistrict": hongke.subdistrict_id}),
        ("community", hongke, {"community": hongke.pk}),
    ):
        area = cockpit.area_for(user, params)
        if area.kind != kind or area.node.pk != node.pk:
            raise RuntimeError(f"asked for the {kind} {node.name}, the cockpit shows {area.name}")
        query = "&".join(f"{k}={v}" for k, v in params.items())
        out.append(
            {
                "kind": kind,
                "name": node.name,
                "area": area,
                "url": reverse("cockpit:dashboard") + (f"?{query}" if query else ""),
                "sql": statements(kind),
                "params": {"area": node.pk, "district": district.pk},
                "projects": cockpit.area_projects(user, area).count(),
            }
        )
    return out


def _queries(captured: list[list[dict[str, str]]]) -> dict[str, Any]:
    """Query count, median SQL time of a request, and its slowest query: each query's median
    over the requests (one request is the same queries in the same order), then the largest.
    Django gives each query's time in whole milliseconds."""
    counts = {len(c) for c in captured}
    if len(counts) != 1:
        raise RuntimeError(f"the same request made {sorted(counts)} queries")
    times = [[1000 * float(q["time"]) for q in c] for c in captured]
    medians = [statistics.median(column) for column in zip(*times, strict=True)]
    slowest = max(range(len(medians)), key=medians.__getitem__)
    return {
        "queries": counts.pop(),
        "sql_ms": statistics.median(sum(t) for t in times),
        "slowest": {"ms": medians[slowest], "sql": captured[-1][slowest]["sql"]},
    }


def cockpit_figures(args: argparse.Namespace) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        raise RuntimeError("the cockpit figures are measured on PostgreSQL")
    # The steady state of a server that has been up a while, as for the pages.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    user = User.objects.get(username=USERNAME)
    areas = _areas(user)
    results: dict[str, Any] = {
        "user": USERNAME,
        "estates": Estate.objects.count(),
        "projects": Project.objects.count(),
        "dwellings": Dwelling.objects.count(),
        "sql_samples": SQL_SAMPLES,
        "areas": [],
    }
    # (key, label, the call to time)
    targets: list[tuple[str, str, Callable[[], Any]]] = []
    client = Client()
    client.force_login(user)
    baseline = "/__bench__/ok/"
    with override_settings(ROOT_URLCONF="bench.urls"):
        targets.append(("baseline", "trivial view (baseline)", lambda: _get(client, baseline)))
        for a in areas:
            # The raw SQL finds what the cockpit shows, or there is nothing to compare.
            check(run_raw(a["sql"], a["params"]), cockpit.dashboard(user, a["area"]))
            targets.append((f"page-{a['kind']}", a["url"], lambda u=a["url"]: _get(client, u)))
            targets.append(
                (
                    f"raw-{a['kind']}",
                    f"{len(a['sql'])} raw SQL statements",
                    lambda s=a["sql"], p=a["params"]: run_raw(s, p),
                )
            )
        for _key, _label, call in targets:
            for _ in range(WARMUP):
                call()
        for a in areas:
            # A few more with the queries captured: how many, their time, the slowest.
            captured = []
            for _ in range(SQL_SAMPLES):
                with CaptureQueriesContext(connection) as queries:
                    a["bytes"] = _get(client, a["url"])
                captured.append(queries.captured_queries)
            a.update(_queries(captured))
        samples: dict[str, list[float]] = {key: [] for key, _l, _c in targets}
        for _ in range(args.requests):
            for key, _label, call in targets:
                started = time.perf_counter()
                call()
                samples[key].append(1000 * (time.perf_counter() - started))
        if args.profile:
            for a in areas:
                with profiled(f"{args.profile}-{a['kind']}.prof"):
                    for _ in range(PROFILED_REQUESTS):
                        _get(client, a["url"])
    results["baseline"] = summary(samples["baseline"])
    for a in areas:
        page, raw = summary(samples[f"page-{a['kind']}"]), summary(samples[f"raw-{a['kind']}"])
        results["areas"].append(
            {
                "kind": a["kind"],
                "name": a["name"],
                "url": a["url"],
                "projects": a["projects"],
                "bytes": a["bytes"],
                "queries": a["queries"],
                "sql_ms": a["sql_ms"],
                "slowest": a["slowest"],
                "ms": page,
                "raw_ms": raw,
                "raw_statements": len(a["sql"]),
                "ratio": page["p95"] / raw["p95"],
                "samples": samples[f"page-{a['kind']}"],
                "raw_samples": samples[f"raw-{a['kind']}"],
            }
        )
    return results
