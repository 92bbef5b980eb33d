"""The headquarters' reports of the renewal programme: the statistics workbook (xlsx) and the
monthly progress report (HTML, printed to an A4 PDF by WeasyPrint).

Both read a scope that is already the user's visible projects (`renewal.selectors.projects`)
and show what renewal.md says headquarters reports: compounds, buildings, households,
residents and floor area; started and completed counts and rates, by compounds and by
households; investment by source; the physical indicators. Every figure is an aggregate
computed by the database (a constant number of queries whatever the size of the scope);
money and areas stay `Decimal`. No personal data: compounds, organisations and figures only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from xinju.core.db import exact_sum, from_units
from xinju.renewal import rules, selectors
from xinju.renewal.models import (
    COMPLETED_STAGES,
    STAGE_ORDER,
    STARTED_STAGES,
    FunderGroup,
    FundingLine,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectStage,
    Stage,
    StageMove,
)

from . import charts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

ZERO = Decimal("0.00")

# One colour per stage, the same in every chart of the cockpit.
STAGE_COLOURS: dict[str, str] = {
    Stage.SURVEY: "#6c757d",
    Stage.DESIGN: "#6f42c1",
    Stage.PUBLICITY: "#d63384",
    Stage.TENDER: "#fd7e14",
    Stage.CONSTRUCTION: "#0d6efd",
    Stage.ACCEPTANCE: "#20c997",
    Stage.HANDOVER: "#198754",
}
PLANNED_COLOUR, STARTED_COLOUR, COMPLETED_COLOUR = "#adb5bd", "#0d6efd", "#198754"
GROUP_COLOURS: dict[str, str] = {
    FunderGroup.GOVERNMENT: "#0d6efd",
    FunderGroup.RESIDENTS: "#fd7e14",
    FunderGroup.SOCIETY: "#20c997",
}

SUBDISTRICT = "estate__community__subdistrict"
COMMUNITY = "estate__community"
TALLY_KEYS = (
    "estates",
    "households",
    "residents",
    "buildings",
    "s_estates",
    "s_households",
    "c_estates",
    "c_households",
)


# --- shared reads --------------------------------------------------------------------------


def _rates(row: dict[str, Any]) -> dict[str, Decimal | None]:
    return {
        "start_rate_estates": rules.rate(row["s_estates"], row["estates"]),
        "start_rate_households": rules.rate(row["s_households"], row["households"]),
        "completion_rate_estates": rules.rate(row["c_estates"], row["estates"]),
        "completion_rate_households": rules.rate(row["c_households"], row["households"]),
    }


def grouped_figures(scope: QuerySet[Project], keys: Sequence[str]) -> list[dict[str, Any]]:
    """The programme's figures grouped by `keys` (e.g. the subdistrict's code and name):
    compounds, households, residents, buildings, floor area, started and completed compounds
    and households, and the four rates. One grouped query, ordered by the keys."""
    started = Q(stage__in=STARTED_STAGES)
    completed = Q(stage__in=COMPLETED_STAGES)
    rows = (
        scope.order_by()
        .values(*keys)
        .annotate(
            # Named apart from the model's fields, which the later sums must still mean.
            n_estates=Count("pk"),
            n_households=Sum("households"),
            n_residents=Sum("residents"),
            n_buildings=Sum("buildings"),
            area_units=exact_sum("floor_area"),
            n_s_estates=Count("pk", filter=started),
            n_s_households=Sum("households", filter=started),
            n_c_estates=Count("pk", filter=completed),
            n_c_households=Sum("households", filter=completed),
        )
        .order_by(*keys)
    )
    out = []
    for row in rows:
        figures = {k: row[k] for k in keys}
        for name in TALLY_KEYS:
            figures[name] = row[f"n_{name}"] or 0
        figures["floor_area"] = from_units(row["area_units"])
        figures.update(_rates(figures))
        out.append(figures)
    return out


def _sum_per_project(model: type, field: str) -> Coalesce:
    """A project's exact sum of `field` over its rows of `model` (items, funding lines), as
    an integer count of cents: a correlated subquery, so two of them never multiply rows."""
    rows = (
        model.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(units=exact_sum(field))
        .values("units")
    )
    return Coalesce(Subquery(rows, output_field=BigIntegerField()), 0)


def project_rows(scope: QuerySet[Project]) -> QuerySet:
    """One row per project with its compound, place, stage, figures, budget (the items'),
    funding (all lines) and contractor: one query, streamed."""
    return (
        scope.annotate(
            budget_units=_sum_per_project(ProjectItem, "budget"),
            funding_units=_sum_per_project(FundingLine, "amount"),
        )
        .order_by("batch__year", f"{SUBDISTRICT}__code", f"{COMMUNITY}__code", "estate__code")
        .values_list(
            "estate__code",
            "estate__name",
            f"{SUBDISTRICT}__name",
            f"{COMMUNITY}__name",
            "batch__year",
            "estate__built_year",
            "stage",
            "progress",
            "households",
            "residents",
            "buildings",
            "floor_area",
            "budget_units",
            "funding_units",
            "contractor__name",
        )
    )


def investment_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The investment selector's rows under their funder group (government, residents,
    society), each group with its subtotal, and each row with its share of the whole."""
    whole = sum((r["total"] for r in rows), ZERO)
    groups = []
    for group in FunderGroup.values:
        members = [r for r in rows if r["group"] == group]
        if not members:
            continue
        subtotal = {
            k: sum((r[k] for r in members), ZERO)
            for k in ("committed", "received", "spent", "total")
        }
        groups.append(
            {
                "group": group,
                "label": str(FunderGroup(group).label),
                "colour": GROUP_COLOURS[group],
                "rows": [{**r, "share": rules.rate(r["total"], whole)} for r in members],
                "subtotal": {**subtotal, "share": rules.rate(subtotal["total"], whole)},
            }
        )
    total: dict[str, Any] = {
        k: sum((g["subtotal"][k] for g in groups), ZERO)
        for k in ("committed", "received", "spent", "total")
    }
    total["share"] = rules.rate(whole, whole)
    return [*groups, {"group": "", "label": _("Total"), "rows": [], "subtotal": total}]


def _year_rates(y: selectors.YearFigures) -> dict[str, Decimal | None]:
    return {
        "start_rate_estates": rules.rate(y.started.estates, y.planned.estates),
        "start_rate_households": rules.rate(y.started.households, y.planned.households),
        "completion_rate_estates": rules.rate(y.completed.estates, y.planned.estates),
        "completion_rate_households": rules.rate(y.completed.households, y.planned.households),
    }


# --- the workbook --------------------------------------------------------------------------


# Cell formats by column kind. Percentages are written as their number (50.00 for 50%) with a
# literal % sign, so the cell holds the same figure the cockpit shows.
NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "text": {},
    "int": {"num_format": "#,##0"},
    "year": {"num_format": "0"},
    "money": {"num_format": "#,##0.00"},
    "pct": {"num_format": '0.00"%"'},
}


class _Book:
    """xlsxwriter with the house style: a title row, a bold frozen header, typed cells."""

    def __init__(self, out: io.BytesIO, title: str) -> None:
        self.book = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.book.set_properties({"title": title})
        self.title = title
        add = self.book.add_format
        self.styles = {
            "title": add({"bold": True, "font_size": 13}),
            "head": add({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top"}),
        }
        for kind, number_format in NUMBER_FORMATS.items():
            self.styles[kind] = add(number_format)
            self.styles[f"{kind}+"] = add({"bold": True, **number_format})  # total rows

    def sheet(self, name: str, columns: Sequence[tuple[str, str, float]]) -> _Sheet:
        return _Sheet(self, name, columns)

    def close(self) -> None:
        self.book.close()


class _Sheet:
    """A sheet whose columns are (header, kind, width); kind is text, int, year, money or
    pct (a percentage written as its number, 50.00 for 50%, shown with a % sign)."""

    def __init__(self, book: _Book, name: str, columns: Sequence[tuple[str, str, float]]) -> None:
        self.book = book
        self.ws = book.book.add_worksheet(name[:31])
        self.kinds = [kind for _h, kind, _w in columns]
        self.ws.write_string(0, 0, f"{book.title} — {name}", book.styles["title"])
        for col, (header, _kind, width) in enumerate(columns):
            self.ws.set_column(col, col, width)
            self.ws.write_string(1, col, header, book.styles["head"])
        self.ws.freeze_panes(2, 0)
        self.row = 2

    def write(self, values: Sequence[Any], *, bold: bool = False) -> None:
        styles = self.book.styles
        for col, (value, kind) in enumerate(zip(values, self.kinds, strict=True)):
            style = styles[f"{kind}+" if bold else kind]
            if value is None or value == "":
                if bold:
                    self.ws.write_blank(self.row, col, None, style)
                continue
            if kind == "text" or isinstance(value, str):
                self.ws.write_string(self.row, col, str(value), style)
            else:
                # Decimals of at most 16 significant digits (money to 10¹² yuan) survive the
                # double an xlsx cell holds exactly as written.
                self.ws.write_number(self.row, col, value, style)
        self.row += 1

    def autofilter(self) -> None:
        if self.row > 2:
            self.ws.autofilter(1, 0, self.row - 1, len(self.kinds) - 1)


def _tally_columns() -> list[tuple[str, str, float]]:
    return [
        (_("Compounds"), "int", 10),
        (_("Households"), "int", 11),
        (_("Residents"), "int", 11),
        (_("Buildings"), "int", 10),
        (_("Floor area (m²)"), "money", 14),
        (_("Started compounds"), "int", 11),
        (_("Started households"), "int", 11),
        (_("Completed compounds"), "int", 11),
        (_("Completed households"), "int", 11),
        *_rate_columns(),
    ]


def _rate_columns() -> list[tuple[str, str, float]]:
    return [
        (_("Start rate by compounds (%)"), "pct", 12),
        (_("Start rate by households (%)"), "pct", 12),
        (_("Completion rate by compounds (%)"), "pct", 12),
        (_("Completion rate by households (%)"), "pct", 12),
    ]


def _tally_values(row: dict[str, Any]) -> list[Any]:
    return [
        row["estates"],
        row["households"],
        row["residents"],
        row["buildings"],
        row["floor_area"],
        row["s_estates"],
        row["s_households"],
        row["c_estates"],
        row["c_households"],
        row["start_rate_estates"],
        row["start_rate_households"],
        row["completion_rate_estates"],
        row["completion_rate_households"],
    ]


def _totals_row(t: dict[str, Any]) -> dict[str, Any]:
    """selectors.totals() in the shape of a grouped_figures() row."""
    return {
        "estates": t["planned"].estates,
        "households": t["planned"].households,
        "residents": t["planned"].residents,
        "buildings": t["buildings"],
        "floor_area": t["floor_area"],
        "s_estates": t["started"].estates,
        "s_households": t["started"].households,
        "c_estates": t["completed"].estates,
        "c_households": t["completed"].households,
        "start_rate_estates": t["start_rate_estates"],
        "start_rate_households": t["start_rate_households"],
        "completion_rate_estates": t["completion_rate_estates"],
        "completion_rate_households": t["completion_rate_households"],
    }


def programme_workbook(
    *,
    user: Any,
    projects: QuerySet[Project],
    place: str,
    today: dt.date,
    district_wide: bool = True,
) -> bytes:
    """The programme's statistics for the scope `projects` (already the user's visible
    projects) as an xlsx: by year, by subdistrict, by community, investment, indicators and
    one row per project. Nine queries whatever the number of projects. The batches' targets
    are the district's: they are shown only when the scope is the whole district."""
    title = _("%(place)s: renewal programme statistics, %(date)s") % {
        "place": place,
        "date": date_format(today, "DATE_FORMAT"),
    }
    out = io.BytesIO()
    book = _Book(out, title)
    totals = selectors.totals(projects)
    total_row = _totals_row(totals)

    # By year: the batches' targets beside what is in them, started and completed.
    years = selectors.by_year(user, projects)
    ws = book.sheet(
        _("By year"),
        [
            (_("Year"), "year", 7),
            (_("Batch"), "text", 22),
            (_("Target compounds"), "int", 10),
            (_("Target households"), "int", 11),
            (_("Compounds in the batch"), "int", 11),
            (_("Households in the batch"), "int", 11),
            (_("Residents in the batch"), "int", 11),
            (_("Started compounds"), "int", 11),
            (_("Started households"), "int", 11),
            (_("Completed compounds"), "int", 11),
            (_("Completed households"), "int", 11),
            *_rate_columns(),
        ],
    )
    for y in years:
        r = _year_rates(y)
        ws.write(
            [
                y.batch.year,
                y.batch.name,
                y.target_estates if district_wide else None,
                y.target_households if district_wide else None,
                y.planned.estates,
                y.planned.households,
                y.planned.residents,
                y.started.estates,
                y.started.households,
                y.completed.estates,
                y.completed.households,
                r["start_rate_estates"],
                r["start_rate_households"],
                r["completion_rate_estates"],
                r["completion_rate_households"],
            ]
        )
    # A total of compound targets only when every batch has one: a partial sum would mislead.
    targets = [y.target_estates for y in years]
    ws.write(
        [
            _("Total"),
            "",
            sum(targets) if district_wide and targets and None not in targets else None,
            sum(y.target_households for y in years) if district_wide else None,
            total_row["estates"],
            total_row["households"],
            total_row["residents"],
            total_row["s_estates"],
            total_row["s_households"],
            total_row["c_estates"],
            total_row["c_households"],
            total_row["start_rate_estates"],
            total_row["start_rate_households"],
            total_row["completion_rate_estates"],
            total_row["completion_rate_households"],
        ],
        bold=True,
    )

    # By subdistrict and by community: one grouped query each.
    ws = book.sheet(_("By subdistrict"), [(_("Subdistrict"), "text", 16), *_tally_columns()])
    for row in grouped_figures(projects, [f"{SUBDISTRICT}__code", f"{SUBDISTRICT}__name"]):
        ws.write([row[f"{SUBDISTRICT}__name"], *_tally_values(row)])
    ws.write([_("Total"), *_tally_values(total_row)], bold=True)

    ws = book.sheet(
        _("By community"),
        [(_("Subdistrict"), "text", 16), (_("Community"), "text", 16), *_tally_columns()],
    )
    keys = [
        f"{SUBDISTRICT}__code",
        f"{SUBDISTRICT}__name",
        f"{COMMUNITY}__code",
        f"{COMMUNITY}__name",
    ]
    for row in grouped_figures(projects, keys):
        ws.write([row[f"{SUBDISTRICT}__name"], row[f"{COMMUNITY}__name"], *_tally_values(row)])
    ws.write([_("Total"), "", *_tally_values(total_row)], bold=True)

    # Investment by source, with the three funder groups' subtotals.
    ws = book.sheet(
        _("Investment"),
        [
            (_("Source"), "text", 22),
            (_("Funder"), "text", 10),
            (_("Committed (yuan)"), "money", 16),
            (_("Received (yuan)"), "money", 16),
            (_("Spent (yuan)"), "money", 16),
            (_("Total (yuan)"), "money", 16),
            (_("Share (%)"), "pct", 9),
        ],
    )
    for group in investment_groups(selectors.investment(projects)):
        for r in group["rows"]:
            ws.write(
                [
                    r["label"],
                    group["label"],
                    r["committed"],
                    r["received"],
                    r["spent"],
                    r["total"],
                    r["share"],
                ]
            )
        s = group["subtotal"]
        label = (
            _("Subtotal: %(group)s") % {"group": group["label"]}
            if group["group"]
            else group["label"]
        )
        ws.write(
            [label, "", s["committed"], s["received"], s["spent"], s["total"], s.get("share")],
            bold=True,
        )

    ws = book.sheet(
        _("Indicators"),
        [
            (_("Indicator"), "text", 24),
            (_("Planned"), "money", 14),
            (_("Completed"), "money", 14),
            (_("Completed (%)"), "pct", 11),
        ],
    )
    for ind in selectors.indicators(projects):
        ws.write(
            [
                str(ind["label"]),
                ind["total"],
                ind["completed"],
                rules.rate(ind["completed"], ind["total"]),
            ]
        )

    ws = book.sheet(
        _("Projects"),
        [
            (_("Code"), "text", 12),
            (_("Compound"), "text", 20),
            (_("Subdistrict"), "text", 14),
            (_("Community"), "text", 14),
            (_("Year"), "year", 7),
            (_("Year built"), "year", 8),
            (_("Stage"), "text", 12),
            (_("Progress (%)"), "pct", 10),
            (_("Households"), "int", 10),
            (_("Residents"), "int", 10),
            (_("Buildings"), "int", 9),
            (_("Floor area (m²)"), "money", 13),
            (_("Budget (yuan)"), "money", 15),
            (_("Funding (yuan)"), "money", 15),
            (_("Contractor"), "text", 26),
        ],
    )
    labels = {s: str(Stage(s).label) for s in STAGE_ORDER}
    for row in project_rows(projects).iterator(chunk_size=2000):
        (code, name, sub, com, year, built, stage, progress, hh, res, bld, area) = row[:12]
        budget, funding, contractor = row[12:]
        ws.write(
            [
                code,
                name,
                sub,
                com,
                year,
                built,
                labels.get(stage, stage),
                progress,
                hh,
                res,
                bld,
                area,
                from_units(budget),
                from_units(funding),
                contractor or "",
            ]
        )
    ws.autofilter()
    book.close()
    return out.getvalue()


# --- the monthly report --------------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of `month`'s calendar month."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def _place_key(name: str) -> list[str]:
    return lazy_pinyin(name, style=Style.TONE3)


def monthly_report_context(
    *,
    user: Any,
    projects: QuerySet[Project],
    place: str,
    month: dt.date,
    today: dt.date | None = None,
    district_wide: bool = True,
) -> dict[str, Any]:
    """What the monthly report shows (a fixed number of queries). Figures of the programme
    are as of `today` (the projects' current stages); "this month" lists what happened in
    the calendar month of `month`."""
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    ids = projects.order_by().values("pk")
    totals = selectors.totals(projects)
    years = selectors.by_year(user, projects)
    stages = selectors.by_stage(projects, f"{SUBDISTRICT}__name")
    funding = investment_groups(selectors.investment(projects))
    indicators = selectors.indicators(projects)

    year_chart = charts.grouped_bars(
        [str(y.batch.year) for y in years],
        [
            charts.Series(_("Planned"), PLANNED_COLOUR, [y.planned.households for y in years]),
            charts.Series(_("Started"), STARTED_COLOUR, [y.started.households for y in years]),
            charts.Series(
                _("Completed"), COMPLETED_COLOUR, [y.completed.households for y in years]
            ),
        ],
        title=_("Households planned, started and completed per year"),
    )
    places = sorted(stages, key=lambda name: _place_key(name or ""))
    stage_chart = charts.stacked_bars(
        [p or "—" for p in places],
        [
            charts.Series(
                str(Stage(s).label), STAGE_COLOURS[s], [stages[p].get(s, 0) for p in places]
            )
            for s in STAGE_ORDER
        ],
        title=_("Projects by stage per subdistrict"),
    )
    sources = [(r, g["colour"]) for g in funding if g["group"] for r in g["rows"]]
    funding_chart = charts.horizontal_bars(
        [r["label"] for r, _c in sources],
        [r["total"] for r, _c in sources],
        colours=[c for _r, c in sources],
        title=_("Investment by source (yuan)"),
    )

    moves = list(
        StageMove.objects.filter(project__in=ids, moved_on__gte=first, moved_on__lte=last)
        .select_related("project__estate__community__subdistrict")
        .order_by("moved_on", "project__estate__code", "created_at")
    )
    for m in moves:
        m.colour = STAGE_COLOURS[m.to_stage]
    # Forward moves only: works sent back from acceptance do not start a second time.
    forward = [m for m in moves if STAGE_ORDER.index(m.to_stage) > STAGE_ORDER.index(m.from_stage)]
    in_month = ProgressReport.objects.filter(
        project=OuterRef("pk"), reported_on__gte=first, reported_on__lte=last
    ).order_by("-reported_on", "-created_at")
    reported = list(
        projects.filter(
            pk__in=ProgressReport.objects.filter(
                project__in=ids, reported_on__gte=first, reported_on__lte=last
            ).values("project_id")
        )
        .annotate(
            month_reports=Subquery(
                in_month.order_by().values("project").annotate(n=Count("pk")).values("n"),
                output_field=BigIntegerField(),
            ),
            month_progress=Subquery(
                in_month.values("progress")[:1],
                output_field=DecimalField(max_digits=5, decimal_places=2),
            ),
            month_last_on=Subquery(in_month.values("reported_on")[:1]),
        )
        .select_related(SUBDISTRICT)
        .order_by(f"{SUBDISTRICT}__code", "estate__code")
    )
    construction = ProjectStage.objects.filter(project=OuterRef("pk"), stage=Stage.CONSTRUCTION)
    latest = ProgressReport.objects.filter(project=OuterRef("pk")).order_by(
        "-reported_on", "-created_at"
    )
    building = list(
        projects.filter(stage=Stage.CONSTRUCTION)
        .annotate(
            construction_started=Subquery(construction.values("actual_start")[:1]),
            construction_due=Subquery(construction.values("planned_end")[:1]),
            last_report_on=Subquery(latest.values("reported_on")[:1]),
        )
        .select_related(SUBDISTRICT, "contractor")
        .order_by(f"{SUBDISTRICT}__code", "estate__code")
    )
    return {
        "district_wide": district_wide,
        "place": place,
        "month": month,
        "first": first,
        "last": last,
        "today": today,
        "totals": totals,
        "years": [{"y": y, **_year_rates(y)} for y in years],
        "year_chart": year_chart,
        "stage_chart": stage_chart if places else "",
        "funding": funding,
        "funding_chart": funding_chart if sources else "",
        "indicators": indicators,
        "moves": moves,
        "started_in_month": sum(m.to_stage == Stage.CONSTRUCTION for m in forward),
        "completed_in_month": sum(m.to_stage == Stage.ACCEPTANCE for m in forward),
        "handed_over_in_month": sum(m.to_stage == Stage.HANDOVER for m in forward),
        "reported": reported,
        "report_count": sum(p.month_reports or 0 for p in reported),
        "building": building,
    }


def monthly_report_html(
    *,
    user: Any,
    projects: QuerySet[Project],
    place: str,
    month: dt.date,
    today: dt.date | None = None,
    district_wide: bool = True,
) -> str:
    """The monthly progress report as a standalone HTML page, styled for A4 printing."""
    context = monthly_report_context(
        user=user,
        projects=projects,
        place=place,
        month=month,
        today=today,
        district_wide=district_wide,
    )
    return render_to_string("cockpit/report_pdf.html", context)


def monthly_report_pdf(
    *,
    user: Any,
    projects: QuerySet[Project],
    place: str,
    month: dt.date,
    today: dt.date | None = None,
    district_wide: bool = True,
) -> bytes:
    """The monthly progress report as an A4 PDF (WeasyPrint; Noto Sans CJK SC embedded)."""
    from weasyprint import HTML  # heavy: imported only when a PDF is asked for

    page = monthly_report_html(
        user=user,
        projects=projects,
        place=place,
        month=month,
        today=today,
        district_wide=district_wide,
    )
    return HTML(string=page, base_url=str(settings.BASE_DIR)).write_pdf()
