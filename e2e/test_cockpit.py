"""The cockpit on the full demo district: the headline, a bar of the households chart that
leads to the projects behind it, and the way down from the district to a subdistrict, within
each person's scope.

The demo district (about 58,000 households in the programme) takes a dozen seconds to write,
so it is written once for this module and copied back before each test (see `demo`).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import override_settings
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from xinju.accounts.models import Role, ScopeKind
from xinju.areas.models import Community, District, Grid, Subdistrict
from xinju.core.testing import factories as f
from xinju.core.testing.world import World
from xinju.demo import spec
from xinju.demo.generator import Generator
from xinju.renewal.models import Batch, Project

pytestmark = pytest.mark.browser

SEED = 360104
SNAPSHOT_PREFIX = "e2e_snapshot_"
# Where the conftest puts each test's last screenshot; one more is taken here on the way.
SCREENSHOTS = Path(
    os.environ.get("XINJU_SCREENSHOTS", Path(__file__).resolve().parent.parent / "test-results")
)


def zh(message: str) -> str:
    """The Chinese text of a message id — itself while the catalogue lacks it, so the tests
    follow the translation as it grows instead of hard-coding either language."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def zh_plural(singular: str, plural: str, n: int) -> str:
    with translation.override("zh-hans"):
        return translation.ngettext(singular, plural, n)


# --- the demo district, written once per module ----------------------------------------------


def _seed_catalog() -> None:
    """The item catalog comes from a data migration, and the flush after every transactional
    test empties it; the migration's own function puts it back (get_or_create: idempotent)."""
    migration = importlib.import_module("xinju.renewal.migrations.0002_seed_catalog")
    migration.seed(apps, None)


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _sql(template: str, *tables: str) -> str:
    """A statement on whole tables, their names quoted into it: the names come from Django's
    own introspection, never from input."""
    return template.format(*(connection.ops.quote_name(t) for t in tables))


@dataclass
class Snapshot:
    tables: list[str]  # the tables that hold rows, each copied to SNAPSHOT_PREFIX + its name
    media: Path  # the demo's photos
    fresh: bool = True  # the tables still hold the demo as written: nothing to copy back


@pytest.fixture(scope="module")
def _demo_snapshot(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Snapshot]:
    """Write the demo district once and copy every table that holds rows aside, in the same
    database (plain CREATE TABLE … AS SELECT, so SQLite and PostgreSQL alike). Django does not
    know these copies, so the flush after each test leaves them alone; they are dropped when
    the module is done."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        _seed_catalog()
        Generator(seed=SEED).run()
        with connection.cursor() as cursor:
            full = []
            for table in _tables():
                cursor.execute(_sql("SELECT 1 FROM {} LIMIT 1", table))
                if cursor.fetchone():
                    full.append(table)
            for table in full:
                cursor.execute(
                    _sql("CREATE TABLE {} AS SELECT * FROM {}", SNAPSHOT_PREFIX + table, table)
                )
    yield Snapshot(tables=full, media=media)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in full:
            cursor.execute(_sql("DROP TABLE {}", SNAPSHOT_PREFIX + table))


@pytest.fixture
def demo(
    transactional_db: None, _demo_snapshot: Snapshot, _test_settings: None, settings: Any
) -> District:
    """The demo district, exactly as written. The first test finds it so; after that, the
    flush that ended the previous test is undone: every table emptied, then copied back from
    the snapshot in one transaction (Django's foreign keys are checked at commit). About a
    second, against a dozen to write it again."""
    snapshot = _demo_snapshot
    settings.MEDIA_ROOT = snapshot.media  # after the root conftest's per-test folder
    if not snapshot.fresh:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in _tables():
                cursor.execute(_sql("DELETE FROM {}", table))
            for table in snapshot.tables:
                cursor.execute(
                    _sql("INSERT INTO {} SELECT * FROM {}", table, SNAPSHOT_PREFIX + table)
                )
        # The flush's post_migrate made content types under new ids; the copies bring the old.
        ContentType.objects.clear_cache()
    snapshot.fresh = False
    return District.objects.get(code=spec.DISTRICT["code"])


def photograph(page: Page, request: pytest.FixtureRequest, suffix: str) -> None:
    """A full-page screenshot beside the conftest's, named like it with a suffix."""
    name = re.sub(r"[^\w.]+", "-", f"{Path(__file__).stem}.{request.node.name}-{suffix}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name.strip('-')}.png", full_page=True)


def user_with(role: str, kind: str, scope_id: int, username: str) -> Any:
    """A user of the role over the scope; signs in with the world's password."""
    user = f.UserFactory(username=username)
    f.RoleAssignmentFactory(user=user, role=role, scope_kind=kind, scope_id=scope_id)
    return user


def households_of(projects: Any) -> int:
    return projects.aggregate(n=Sum("households"))["n"] or 0


CHART_DRAWN = (
    "id => !!(window.echarts && document.getElementById(id)"
    " && echarts.getInstanceByDom(document.getElementById(id)))"
)

# The centre of one bar, in pixels from the chart element's top left corner: the bar's own
# layout as ECharts drew it (three bars share a year, so the year's centre is not the bar).
BAR_CENTRE = """([id, series, index]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const rect = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(index);
  const [x, y] = chart.convertToPixel({seriesIndex: series}, [index, 0]);
  return {x: rect.x + rect.width / 2, y: rect.y + rect.height / 2, axisX: x, baseY: y,
          width: rect.width, height: rect.height};
}"""


def test_headquarters_clicks_the_year_two_bar_and_lands_on_its_53_compounds(
    page: Page, sign_in: Any, demo: District, request: pytest.FixtureRequest
) -> None:
    this_year = timezone.localdate().year
    years = list(
        Batch.objects.filter(district=demo).order_by("year").values_list("year", flat=True)
    )
    assert years == [this_year - 1, this_year, this_year + 1, this_year + 2]
    year_two = years[1]
    year_two_projects = Project.objects.filter(batch__district=demo, batch__year=year_two)
    # The programme as the demo promises it; guards the oracle.
    assert households_of(Project.objects.filter(batch__district=demo)) == 58_000
    assert (year_two_projects.count(), households_of(year_two_projects)) == (53, 27_200)
    residents = year_two_projects.aggregate(n=Sum("residents"))["n"]

    hq = user_with(Role.HQ, ScopeKind.DISTRICT, demo.pk, "hq-demo")
    sign_in(page, hq)
    expect(page).to_have_url(re.compile(r"/cockpit/$"))
    expect(page.locator("h1")).to_contain_text(demo.name)
    expect(page.locator('[data-figure="households"]')).to_have_text("58,000")

    # The households chart: bars planned / started / completed for each year. Click the
    # planned bar of year two where ECharts drew it, as a person would.
    chart = page.locator("#chart-years")
    page.wait_for_function(CHART_DRAWN, arg="chart-years")
    chart.scroll_into_view_if_needed()
    bar = page.evaluate(BAR_CENTRE, ["chart-years", 0, 1])
    assert bar["height"] != 0 and bar["width"] > 0, bar
    assert bar["x"] < bar["axisX"], "the planned bar stands left of its year's centre"
    photograph(page, request, "cockpit")
    box = chart.bounding_box()
    assert box is not None
    with page.expect_navigation():
        page.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])

    expect(page).to_have_url(re.compile(rf"/renewal/projects/\?year={year_two}$"))
    summary = zh_plural(
        "%(n)s compound · %(households)s households · %(residents)s residents",
        "%(n)s compounds · %(households)s households · %(residents)s residents",
        53,
    ) % {"n": 53, "households": "27,200", "residents": f"{residents:,}"}
    expect(page.locator("#result-summary")).to_have_text(summary)
    expect(page.locator("select[name=year]")).to_have_value(str(year_two))
    # The first page of the list: every row of year two.
    first = page.locator("#projects tbody tr")
    expect(first.first).to_be_visible()
    for year_cell in first.locator("td:nth-child(3)").all_inner_texts():
        assert year_cell.strip() == str(year_two)


def _figure(page: Page, name: str) -> int:
    return int(page.locator(f'[data-figure="{name}"]').inner_text().replace(",", ""))


def _column(page: Page, index: int) -> list[int]:
    cells = page.locator(f"#children tbody tr td:nth-child({index})").all_inner_texts()
    return [int(c.replace(",", "")) for c in cells]


def test_cockpit_goes_down_to_a_subdistrict_and_shows_each_person_their_own_area(
    page: Page, open_page: Any, sign_in: Any, demo: District
) -> None:
    subdistricts = Subdistrict.objects.filter(district=demo)
    hongdu = subdistricts.get(name="洪都街道")
    in_hongdu = Project.objects.filter(estate__community__subdistrict=hongdu)
    assert 0 < households_of(in_hongdu) < 58_000

    hq = user_with(Role.HQ, ScopeKind.DISTRICT, demo.pk, "hq-demo")
    sign_in(page, hq)
    expect(page.locator('[data-figure="households"]')).to_have_text("58,000")
    children = page.locator("#children tbody tr")
    expect(children).to_have_count(subdistricts.count())
    # The subdistricts' rows share out the district's figures.
    assert sum(_column(page, 3)) == _figure(page, "households") == 58_000

    children.filter(has_text=hongdu.name).get_by_role("link", name=hongdu.name).click()
    expect(page).to_have_url(re.compile(rf"/cockpit/\?subdistrict={hongdu.pk}$"))
    crumbs = page.locator("#area-crumbs")
    expect(crumbs.get_by_role("link", name=demo.name)).to_have_attribute("href", "/cockpit/")
    expect(crumbs.locator(".active")).to_have_text(hongdu.name)
    expect(page.locator("h1")).to_contain_text(hongdu.name)
    households = f"{households_of(in_hongdu):,}"
    expect(page.locator('[data-figure="households"]')).to_have_text(households)
    assert _figure(page, "households") < 58_000
    # One level down: the subdistrict's communities, adding up to the subdistrict.
    expect(children).to_have_count(Community.objects.filter(subdistrict=hongdu).count())
    assert sum(_column(page, 3)) == households_of(in_hongdu)
    page.wait_for_function(CHART_DRAWN, arg="chart-map")

    # The community worker of 洪科社区 sees their community's figures and nothing wider.
    hongke = Community.objects.get(subdistrict=hongdu, name="洪科社区")
    worker = user_with(Role.COMMUNITY, ScopeKind.COMMUNITY, hongke.pk, "shequ-demo")
    community = open_page("community")
    sign_in(community, worker)
    expect(community).to_have_url(re.compile(r"/cockpit/$"))
    in_hongke = Project.objects.filter(estate__community=hongke).select_related("estate")
    assert 0 < households_of(in_hongke) < households_of(in_hongdu)
    expect(community.locator('[data-figure="households"]')).to_have_text(
        f"{households_of(in_hongke):,}"
    )
    expect(community.locator('[data-figure="estates"]')).to_have_text(str(in_hongke.count()))
    names = community.locator("#children tbody tr td:first-child").all_inner_texts()
    assert names and set(names) <= {hongke.name} | {p.estate.name for p in in_hongke}, names
    community.wait_for_function(CHART_DRAWN, arg="chart-stages")
    # Another subdistrict's cockpit, asked for by address, is not there for them.
    other = subdistricts.exclude(pk=hongdu.pk).first()
    assert other is not None
    # (Asked beside the page, which stays on their cockpit for its screenshot.)
    assert community.request.get(f"/cockpit/?subdistrict={other.pk}").status == 404

    # A grid worker answers for no area: there is no cockpit for them.
    grid = Grid.objects.filter(community=hongke).first()
    assert grid is not None
    grid_worker = user_with(Role.GRID, ScopeKind.GRID, grid.pk, "wangge-demo")
    gridpage = open_page("grid")
    sign_in(gridpage, grid_worker)
    expect(gridpage).to_have_url(re.compile(r"/register/$"))
    response = gridpage.goto("/cockpit/")
    assert response is not None and response.status == 404
    expect(gridpage.locator("h1")).to_have_text(zh("Not found"))


def test_a_community_worker_lands_on_their_communitys_cockpit(
    page: Page, sign_in: Any, world: World
) -> None:
    sign_in(page, world.users["community"][0])  # 洪科社区's worker
    expect(page).to_have_url(re.compile(r"/cockpit/$"))
    # Their community's cockpit, under its subdistrict: not the subdistrict's, which their
    # scope lets them see but which is not theirs to answer for.
    expect(page.locator("#area-crumbs .active")).to_have_text(world.c1.name)
    expect(page.locator("h1")).to_contain_text(world.c1.name)
