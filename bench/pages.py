"""Figure 4: server time of the register list and the compound page on the full demo district.

In-process with django.test.Client (no network, no server): the time of a request is the
time of the whole middleware stack, the view, its queries and its template. Requests go
round-robin over the pages, the baseline among them, so a noisy moment of the shared machine
touches every page alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.db.models.functions import Length
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from xinju.accounts.models import User
from xinju.areas import selectors
from xinju.areas.models import Community, Dwelling, Estate
from xinju.demo import spec
from xinju.people.models import Person

from .profiling import profiled
from .stats import summary

USERS = (("hq", "HQ (whole district)"), ("shequ", "community worker (洪科社区)"))
WARMUP = 10
LATER_PAGE = 500
PROFILED_REQUESTS = 20
SQL_SAMPLES = 5


def _mid_sized(community: Community) -> tuple[Estate, int, int]:
    """The compound of `community` whose size is nearest the district's median compound
    (in the community, so both users may open it): (compound, its households, the median)."""
    sizes = list(
        Dwelling.objects.order_by()
        .values("estate_id")
        .annotate(n=Count("pk"))
        .values_list("estate_id", "n")
    )
    median = int(statistics.median(n for _e, n in sizes))
    mine = set(community.estates.values_list("pk", flat=True))
    own = {e: n for e, n in sizes if e in mine}
    pk = min(own, key=lambda e: (abs(own[e] - median), e))
    return Estate.objects.get(pk=pk), own[pk], median


def _common_name(community: Community) -> tuple[str, int]:
    """The most frequent full name (surname + given name) among the community's residents."""
    row = (
        Person.objects.filter(
            residencies__dwelling__estate__community=community,
            residencies__moved_out_on__isnull=True,
        )
        .annotate(length=Length("name"))
        .filter(length__gte=2)
        .values("name")
        .annotate(n=Count("pk"))
        .order_by("-n", "name")
        .first()
    )
    if row is None:
        raise RuntimeError("no residents in the community")
    return row["name"], row["n"]


def _targets(user: User, hongke: Estate, mid: Estate, name: str) -> list[dict[str, Any]]:
    """The pages to time for one user, with what each one shows."""
    dwellings = reverse("areas:dwellings")
    visible = selectors.dwellings(user).count()
    pages = max(1, -(-visible // 50))
    matches = selectors.dwellings(user, selectors.DwellingFilters(q=name)).count()
    return [
        {"key": "baseline", "label": "trivial view (baseline)", "url": "/__bench__/ok/"},
        {
            "key": "list",
            "label": f"register list, page 1 of {pages}",
            "url": dwellings,
        },
        {
            "key": "search",
            "label": f"register list ?q={name} ({matches} households)",
            "url": dwellings + "?" + urlencode({"q": name}),
        },
        {
            "key": "later",
            "label": f"register list ?page={LATER_PAGE} (serves page {min(LATER_PAGE, pages)})",
            "url": dwellings + "?" + urlencode({"page": LATER_PAGE}),
        },
        {
            "key": "hongke",
            "label": f"compound {hongke.name} ({hongke.dwellings.count()} households)",
            "url": reverse("areas:estate", args=[hongke.pk]),
        },
        {
            "key": "mid",
            "label": f"compound {mid.name} ({mid.dwellings.count()} households)",
            "url": reverse("areas:estate", args=[mid.pk]),
        },
    ]


def _get(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(response.content)


def pages(args: argparse.Namespace) -> dict[str, Any]:
    # The steady state of a server that has been up a while after the bulk load: autovacuum
    # has gathered statistics and set the visibility map (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    community = Community.objects.get(name=spec.HONGKE.community)
    hongke = Estate.objects.get(community=community, name=spec.HONGKE.name)
    mid, _size, median = _mid_sized(community)
    name, name_count = _common_name(community)
    results: dict[str, Any] = {
        "median_compound": median,
        "search_name": name,
        "search_name_residents": name_count,
        "users": {},
    }
    with override_settings(ROOT_URLCONF="bench.urls"):
        for username, label in USERS:
            user = User.objects.get(username=username)
            targets = _targets(user, hongke, mid, name)
            client = Client()
            client.force_login(user)
            for target in targets:
                for _ in range(WARMUP):
                    target["bytes"] = _get(client, target["url"])
                # A few more with the queries captured: how many, and their time (median).
                sql_ms = []
                for _ in range(SQL_SAMPLES):
                    with CaptureQueriesContext(connection) as queries:
                        _get(client, target["url"])
                    sql_ms.append(1000 * sum(float(q["time"]) for q in queries.captured_queries))
                target["queries"] = len(queries.captured_queries)
                target["sql_ms"] = statistics.median(sql_ms)
            samples: dict[str, list[float]] = {t["key"]: [] for t in targets}
            for _ in range(args.requests):
                for target in targets:
                    started = time.perf_counter()
                    _get(client, target["url"])
                    samples[target["key"]].append(1000 * (time.perf_counter() - started))
            for target in targets:
                target["ms"] = summary(samples[target["key"]])
                if args.profile:
                    path = f"{args.profile}-{username}-{target['key']}.prof"
                    with profiled(path):
                        for _ in range(PROFILED_REQUESTS):
                            _get(client, target["url"])
            results["users"][username] = {"label": label, "pages": targets}
    return results
