"""The statistics workbook and the monthly progress report, over a small programme:

- 2024 batch (target 10 households, 2 compounds): E1 (8 households, 16 residents, 2
  buildings) — sewers 1.20 km, built and accepted in 2024: completed.
- 2025 batch (target 100 households): E2 (4 households) — water pipes 0.80 km and 2 lifts,
  construction began 10 June 2025, reported at 40% on 20 June; E3 (4 households) — still
  in its needs survey.

E1 and E2 are in subdistrict S1 (communities C1 and C2), E3 in S2 (C3).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import uuid
import zlib
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from xinju.cockpit import charts, reports
from xinju.core.testing.factories import OrganizationFactory
from xinju.orgs.models import OrgKind
from xinju.people.models import Person
from xinju.renewal import selectors, services
from xinju.renewal.models import CatalogItem, FundingSource, FundingStatus, Stage

TODAY = dt.date(2025, 7, 3)
JUNE = dt.date(2025, 6, 15)


def _item(project: Any, code: str, quantity: str, budget: str) -> Any:
    return services.add_item(
        actor=None,
        project=project,
        catalog_item=CatalogItem.objects.get(code=code),
        quantity=quantity,
        budget=budget,
    )


def _build_to(project: Any, designer: Any, contractor: Any, dates: list[dt.date]) -> Any:
    """Move a project with items from survey to construction on the four dates."""
    services.assign_organisations(
        actor=None, project=project, designer=designer, contractor=contractor
    )
    for stage, on in zip(
        [Stage.DESIGN, Stage.PUBLICITY, Stage.TENDER, Stage.CONSTRUCTION], dates, strict=True
    ):
        project = services.move_stage(actor=None, project=project, to_stage=stage, on=on)
    return project


@pytest.fixture
def programme(world: Any) -> dict[str, Any]:
    designer = OrganizationFactory(kind=OrgKind.DESIGNER, name="测试规划设计研究院")
    b24 = services.open_batch(
        actor=None, district=world.district, year=2024, target_households=10, target_estates=2
    )
    b25 = services.open_batch(actor=None, district=world.district, year=2025, target_households=100)
    p1 = services.add_estate(actor=None, batch=b24, estate=world.e1)
    p2 = services.add_estate(actor=None, batch=b25, estate=world.e2)
    p3 = services.add_estate(actor=None, batch=b25, estate=world.e3)

    sewers = _item(p1, "sewers", "1.20", "100000")
    p1 = _build_to(
        p1,
        designer,
        world.contractor,
        [dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)],
    )
    services.report_progress(
        actor=None,
        project=p1,
        reported_on=dt.date(2024, 8, 1),
        percents={sewers.pk: "100"},
        client_id=uuid.uuid4(),
    )
    p1 = services.move_stage(
        actor=None, project=p1, to_stage=Stage.ACCEPTANCE, on=dt.date(2024, 9, 1)
    )

    water = _item(p2, "water-supply", "0.80", "60000")
    _item(p2, "lifts", "2", "40000")
    p2 = _build_to(
        p2,
        designer,
        world.contractor,
        [dt.date(2025, 3, 3), dt.date(2025, 4, 1), dt.date(2025, 5, 20), dt.date(2025, 6, 10)],
    )
    services.report_progress(
        actor=None,
        project=p2,
        reported_on=dt.date(2025, 6, 20),
        percents={water.pk: "66.67"},
        client_id=uuid.uuid4(),
    )

    fund = services.add_funding
    fund(
        actor=None,
        project=p1,
        source=FundingSource.CENTRAL,
        amount="300000",
        status=FundingStatus.SPENT,
    )
    fund(
        actor=None,
        project=p1,
        source=FundingSource.RESIDENTS,
        amount="20000.50",
        status=FundingStatus.RECEIVED,
    )
    fund(actor=None, project=p2, source=FundingSource.DISTRICT, amount="150000")
    fund(actor=None, project=p2, source=FundingSource.SOCIAL_CAPITAL, amount="50000")
    return {"p1": p1, "p2": p2, "p3": p3, "designer": designer}


def _scope(world: Any, role: str = "hq", which: int = 0) -> Any:
    user = world.users[role][which]
    return user, selectors.projects(user)


def _workbook(world: Any, role: str = "hq", which: int = 0) -> openpyxl.Workbook:
    user, scope = _scope(world, role, which)
    data = reports.programme_workbook(user=user, projects=scope, place="青云谱区", today=TODAY)
    return openpyxl.load_workbook(io.BytesIO(data))


def _table(ws: Any) -> tuple[list[str], dict[Any, dict[str, Any]]]:
    """The sheet's headers (row 2) and its rows keyed by the first cell(s)."""
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[1])
    body = {}
    for row in rows[2:]:
        body[row[0] if row[0] is not None else row[1]] = dict(zip(headers, row, strict=True))
    return headers, body


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams too) inflated, to search in."""
    parts = [pdf]
    for m in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[m.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


# --- the workbook --------------------------------------------------------------------------


def test_workbook_has_the_sheets_a_title_and_a_frozen_bold_header(world, programme):
    book = _workbook(world)
    assert book.sheetnames == [
        "By year",
        "By subdistrict",
        "By community",
        "Investment",
        "Indicators",
        "Projects",
    ]
    for ws in book.worksheets:
        assert "青云谱区" in ws["A1"].value
        assert "2025" in ws["A1"].value
        assert ws.freeze_panes == "A3"
        assert ws["A2"].font.b
    assert book["By year"]["A3"].value == 2024
    assert book["By year"]["A3"].number_format == "0"  # a year, not "2,024"


def test_by_year_sheet_holds_targets_tallies_and_rates(world, programme):
    _headers, rows = _table(_workbook(world)["By year"])
    y24, y25, total = rows[2024], rows[2025], rows["Total"]
    assert y24["Target compounds"] == 2
    assert y24["Target households"] == 10
    assert y24["Households in the batch"] == 8
    assert y24["Residents in the batch"] == 16
    assert y24["Completion rate by households (%)"] == 100
    assert y25["Target compounds"] is None
    assert y25["Compounds in the batch"] == 2
    assert y25["Households in the batch"] == 8
    assert y25["Started compounds"] == 1
    assert y25["Started households"] == 4
    assert y25["Completed households"] == 0
    assert y25["Start rate by compounds (%)"] == 50.00
    assert y25["Start rate by households (%)"] == 50.00
    assert y25["Completion rate by compounds (%)"] == 0
    assert total["Target households"] == 110
    assert total["Households in the batch"] == 16
    assert total["Started households"] == 12
    assert total["Start rate by compounds (%)"] == pytest.approx(66.67)
    assert total["Completion rate by households (%)"] == 50.00


def test_rates_carry_a_percent_format(world, programme):
    ws = _workbook(world)["By year"]
    headers = [c.value for c in ws[2]]
    col = headers.index("Start rate by households (%)") + 1
    cell = ws.cell(row=4, column=col)
    assert cell.value == 50
    assert "%" in cell.number_format


def test_subdistrict_and_community_sheets_group_the_figures(world, programme):
    book = _workbook(world)
    _h, subs = _table(book["By subdistrict"])
    s1, s2 = subs[world.s1.name], subs[world.s2.name]
    assert s1["Compounds"] == 2
    assert s1["Households"] == 12
    assert s1["Residents"] == 24
    assert s1["Buildings"] == 3
    assert Decimal(str(s1["Floor area (m²)"])) == Decimal("784.80")
    assert s1["Started compounds"] == 2
    assert s1["Completed households"] == 8
    assert s1["Completion rate by compounds (%)"] == 50.00
    assert s1["Completion rate by households (%)"] == pytest.approx(66.67)
    assert s2["Started compounds"] == 0
    assert s2["Start rate by compounds (%)"] == 0
    assert subs["Total"]["Households"] == 16
    assert Decimal(str(subs["Total"]["Floor area (m²)"])) == Decimal("1046.40")

    rows = list(book["By community"].iter_rows(min_row=3, values_only=True))
    assert [r[:3] for r in rows] == [
        (world.s1.name, world.c1.name, 1),
        (world.s1.name, world.c2.name, 1),
        (world.s2.name, world.c3.name, 1),
        ("Total", None, 3),
    ]


def test_investment_sheet_sums_by_source_with_group_subtotals(world, programme):
    _h, rows = _table(_workbook(world)["Investment"])
    central = rows["Central subsidy"]
    assert (central["Spent (yuan)"], central["Committed (yuan)"], central["Total (yuan)"]) == (
        300000,
        0,
        300000,
    )
    assert rows["Residents' payment"]["Received (yuan)"] == 20000.50
    assert rows["Subtotal: Government"]["Total (yuan)"] == 450000
    assert rows["Subtotal: Government"]["Committed (yuan)"] == 150000
    assert rows["Subtotal: Residents"]["Total (yuan)"] == 20000.50
    assert rows["Subtotal: Society"]["Total (yuan)"] == 50000
    total = rows["Total"]
    assert Decimal(str(total["Total (yuan)"])) == Decimal("520000.50")
    assert Decimal(str(total["Committed (yuan)"])) == Decimal("200000.00")
    assert rows["Subtotal: Government"]["Share (%)"] == pytest.approx(86.54)


def test_indicator_sheet_holds_planned_and_completed_quantities(world, programme):
    _h, rows = _table(_workbook(world)["Indicators"])
    pipes = rows["Pipelines renewed (km)"]
    assert Decimal(str(pipes["Planned"])) == Decimal("2.00")
    assert Decimal(str(pipes["Completed"])) == Decimal("1.20")
    assert pipes["Completed (%)"] == 60
    assert rows["Lifts added"]["Planned"] == 2
    assert rows["Lifts added"]["Completed"] == 0
    assert set(rows) >= {"Parking spaces", "Charging points", "Service facilities"}


def test_project_sheet_has_one_row_per_project(world, programme):
    ws = _workbook(world)["Projects"]
    _h, rows = _table(ws)
    assert set(rows) == {world.e1.code, world.e2.code, world.e3.code}
    p2 = rows[world.e2.code]
    assert p2["Compound"] == world.e2.name
    assert p2["Subdistrict"] == world.s1.name
    assert p2["Community"] == world.c2.name
    assert p2["Year"] == 2025
    assert p2["Year built"] == world.e2.built_year
    assert p2["Stage"] == "Construction"
    assert p2["Progress (%)"] == 40  # 66.67% of 60,000 of a 100,000 budget
    assert p2["Households"] == 4
    assert p2["Budget (yuan)"] == 100000
    assert p2["Funding (yuan)"] == 200000
    assert p2["Contractor"] == world.contractor.name
    assert rows[world.e3.code]["Funding (yuan)"] == 0
    assert rows[world.e3.code]["Contractor"] is None
    assert ws.auto_filter.ref


def test_workbook_follows_the_users_scope(world, programme):
    # The second subdistrict's worker sees E3 only.
    book = _workbook(world, "subdistrict", 1)
    _h, rows = _table(book["Projects"])
    assert set(rows) == {world.e3.code}
    _h, subs = _table(book["By subdistrict"])
    assert set(subs) == {world.s2.name, "Total"}
    _h, money = _table(book["Investment"])
    assert money["Total"]["Total (yuan)"] == 0


def test_workbook_headers_are_chinese_under_zh_hans(world, programme, chinese):
    book = _workbook(world)
    headers = [c.value for c in book.worksheets[5][2]]
    assert {"编码", "小区", "街道", "社区", "住户", "居民", "楼栋", "施工单位"} <= set(headers)
    assert book.worksheets[1]["A2"].value == "街道"


def test_workbook_queries_do_not_grow_with_the_projects(
    world, programme, django_assert_max_num_queries
):
    user, scope = _scope(world)
    selectors.projects(user).count()  # warm the user's scope cache
    with django_assert_max_num_queries(12):
        reports.programme_workbook(user=user, projects=scope, place="青云谱区", today=TODAY)


# --- the monthly report --------------------------------------------------------------------


def _html(world: Any, month: dt.date = JUNE) -> str:
    user, scope = _scope(world)
    return reports.monthly_report_html(
        user=user, projects=scope, place="青云谱区", month=month, today=TODAY
    )


def test_month_bounds():
    assert reports.month_bounds(dt.date(2024, 2, 10)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert reports.month_bounds(dt.date(2025, 12, 31)) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )


def test_monthly_report_shows_the_figures_and_the_months_moves(world, programme):
    html = _html(world)
    assert "青云谱区" in html
    assert 'font-family: "Noto Sans CJK SC", sans-serif' in html
    assert "size: A4;" in html and "margin: 18mm 15mm;" in html
    # headline: 16 households, 32 residents, 3 / 2 / 1 compounds, rates
    assert ">16<" in html and ">32<" in html
    assert "66.67%" in html and "33.33%" in html
    # June's moves: E2 tender → construction on 10 June; May's move is not listed.
    moves = html.split('id="moves"')[1].split("</table>")[0]
    assert world.e2.name in moves
    assert "2025-06-10" in moves
    assert "Tender → Construction" in moves
    assert "2025-05-20" not in moves
    assert world.e1.name not in moves
    # June's progress report: E2 at 40%.
    reported = html.split('id="reported"')[1].split("</table>")[0]
    assert "1 progress report filed" in html
    assert world.e2.name in reported and "40.00%" in reported
    assert "1 compound started construction" in html
    # investment and indicators
    assert "520,000.50" in html
    assert "Pipelines renewed (km)" in html and "2.00" in html
    # charts: inline SVG, stage colours
    assert html.count("<svg") == 3
    assert "#0d6efd" in html and "#20c997" in html and "#6c757d" in html


def test_monthly_report_queries_do_not_grow_with_the_projects(
    world, programme, django_assert_max_num_queries
):
    user, scope = _scope(world)
    selectors.projects(user).count()  # warm the user's scope cache
    with django_assert_max_num_queries(12):
        reports.monthly_report_html(
            user=user, projects=scope, place="青云谱区", month=JUNE, today=TODAY
        )


def test_monthly_report_of_a_quiet_month_says_so(world, programme):
    html = _html(world, dt.date(2025, 1, 1))
    assert "No stage moves this month." in html
    assert "0 progress reports filed" in html


def test_monthly_report_holds_no_personal_data(world, programme):
    html = _html(world)
    people = list(Person.objects.values_list("id_number", "phone", "name"))
    assert people
    for id_number, phone, name in people:
        assert id_number not in html
        if phone:
            assert phone not in html
        if len(name) >= 3:  # shorter names could be part of a place's name by chance
            assert name not in html


def test_monthly_pdf_is_a4_with_the_cjk_font(world, programme, chinese):
    user, scope = _scope(world)
    started = time.perf_counter()
    pdf = reports.monthly_report_pdf(
        user=user, projects=scope, place="青云谱区", month=JUNE, today=TODAY
    )
    elapsed = time.perf_counter() - started
    assert pdf.startswith(b"%PDF")
    inflated = _inflated(pdf)
    # The font is embedded (a subset, named after the face) and the page is A4 (595×842 pt).
    fonts = set(re.findall(rb"/BaseFont /[A-Z]{6}\+([\w-]+)", inflated))
    # the text, the headings and the charts' labels: all Noto Sans CJK SC
    assert fonts and all(f.startswith(b"Noto-Sans-CJK-SC") for f in fonts), fonts
    assert b"/FontFamily (Noto Sans CJK SC)" in inflated
    assert b"/FontFile" in inflated
    assert re.search(rb"/MediaBox \[\s*0 0 595\.\d* 841\.\d*", inflated)
    assert elapsed < 20


# --- the charts ----------------------------------------------------------------------------


def test_charts_escape_labels_and_draw_one_rect_per_value():
    svg = charts.stacked_bars(
        ["<b>街道</b>", "京山街道"],
        [
            charts.Series("Survey", "#6c757d", [1, 0]),
            charts.Series("Construction", "#0d6efd", [2, 3]),
        ],
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    # three bars plus two legend swatches
    assert svg.count("<rect") == 5
    grouped = charts.grouped_bars(
        ["2024", "2025"], [charts.Series("Planned", "#adb5bd", [Decimal("1.50"), 0])]
    )
    assert "1.50" in grouped
    assert charts.nice_ceiling(0) == 1
    assert charts.nice_ceiling(13) == 20
    assert charts.nice_ceiling(27_200) == 50_000
