"""Every read of the renewal programme, through `visible_to(user)`.

Lists are filtered and annotated in the database; figures are aggregates over projects,
whose household and resident counts were taken when the compound joined its batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from xinju.accounts.models import Role
from xinju.areas.models import District, Estate
from xinju.core.db import exact_sum, from_units, parse_id
from xinju.core.exceptions import NotFound

from . import rules
from .models import (
    COMPLETED_STAGES,
    FUNDER_GROUPS,
    INDICATOR_UNITS,
    STAGE_ORDER,
    STARTED_STAGES,
    Batch,
    CatalogItem,
    Category,
    FundingLine,
    FundingSource,
    Indicator,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
    Stage,
    Unit,
)


def _one(qs: QuerySet, pk: Any) -> Any:
    key = parse_id(pk)
    row = qs.filter(pk=key).first() if key else None
    if row is None:
        raise NotFound(_("Not found."))
    return row


# --- catalog and batches -------------------------------------------------------------------


def catalog(user: Any) -> list[Category]:
    """Categories with their items, in order: two queries."""
    return list(
        Category.objects.visible_to(user).prefetch_related(
            Prefetch("items", queryset=CatalogItem.objects.order_by("order", "code"))
        )
    )


def catalog_item_in_use(item: CatalogItem) -> bool:
    """Whether any project counts quantities of this item (its unit is then fixed)."""
    return ProjectItem.objects.filter(catalog_item=item).exists()


def offered_items(user: Any) -> QuerySet[CatalogItem]:
    return CatalogItem.objects.visible_to(user).filter(is_active=True).select_related("category")


def hq_district(user: Any) -> District | None:
    """The district the user plans for as headquarters (the first, if several)."""
    return District.objects.visible_to(user, roles=[Role.HQ]).order_by("code").first()


def batches(user: Any) -> QuerySet[Batch]:
    return Batch.objects.visible_to(user).select_related("district").order_by("district", "year")


def batch_for(user: Any, pk: Any) -> Batch:
    return _one(batches(user), pk)


# --- projects ------------------------------------------------------------------------------


@dataclass
class ProjectFilters:
    batch: int | None = None
    year: int | None = None
    stage: str = ""
    state: str = ""  # "started", "completed", "not_started"
    subdistrict: int | None = None
    community: int | None = None
    source: str = ""  # projects with funding from this source
    indicator: str = ""  # projects with items counted in this indicator
    q: str = ""


def projects(user: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Projects the user sees, filtered, with what a list row shows (no N+1)."""
    f = filters or ProjectFilters()
    qs = Project.objects.visible_to(user).select_related(
        "batch", "estate__community__subdistrict", "contractor", "designer"
    )
    if f.batch:
        qs = qs.filter(batch_id=f.batch)
    if f.year:
        qs = qs.filter(batch__year=f.year)
    if f.stage in STAGE_ORDER:
        qs = qs.filter(stage=f.stage)
    if f.state == "started":
        qs = qs.filter(stage__in=STARTED_STAGES)
    elif f.state == "completed":
        qs = qs.filter(stage__in=COMPLETED_STAGES)
    elif f.state == "not_started":
        qs = qs.exclude(stage__in=STARTED_STAGES)
    elif f.state == "under_way":
        qs = qs.filter(stage=Stage.CONSTRUCTION)
    if f.subdistrict:
        qs = qs.filter(estate__community__subdistrict_id=f.subdistrict)
    if f.community:
        qs = qs.filter(estate__community_id=f.community)
    if f.source in FundingSource.values:
        qs = qs.filter(pk__in=FundingLine.objects.filter(source=f.source).values("project_id"))
    if f.indicator in Indicator.values:
        qs = qs.filter(
            pk__in=ProjectItem.objects.filter(catalog_item__indicator=f.indicator).values(
                "project_id"
            )
        )
    if f.q:
        qs = qs.filter(Q(estate__name__icontains=f.q) | Q(estate__code__istartswith=f.q))
    return qs.order_by("batch__year", "estate__code")


def project_for(user: Any, pk: Any) -> Project:
    return _one(projects(user), pk)


def item_of(project: Project, pk: Any) -> ProjectItem:
    return _one(project.items.all(), pk)


def funding_of(project: Project, pk: Any) -> FundingLine:
    return _one(project.funding.all(), pk)


def candidates(user: Any, batch: Batch, limit: int = 2000) -> list[Estate]:
    """Compounds of the batch's district not yet in a project, for the add form's suggestions."""
    return list(
        Estate.objects.visible_to(user)
        .filter(community__subdistrict__district_id=batch.district_id, renewal_project__isnull=True)
        .order_by("code")
        .only("pk", "code", "name", "built_year")[:limit]
    )


def project_of_estate(user: Any, estate: Any) -> Project | None:
    return projects(user).filter(estate=estate).first()


def project_detail(project: Project) -> dict[str, Any]:
    """What a project page shows: timeline, items, funding, reports and photos (six queries)."""
    stages = {s.stage: s for s in project.stages.all()}
    items = list(project.items.select_related("catalog_item__category"))
    funding = list(project.funding.all())
    reports = list(
        ProgressReport.objects.filter(project=project)
        .select_related("reported_by")
        .prefetch_related("entries__item__catalog_item")[:20]
    )
    photos = list(project.photos.order_by("spot", "created_at"))
    moves = list(project.moves.select_related("moved_by"))
    return {
        "timeline": [
            {
                "stage": s,
                "label": Stage(s).label,
                "row": stages.get(s),
                "current": project.stage == s,
                "done": STAGE_ORDER.index(s) < STAGE_ORDER.index(project.stage)
                or (s == Stage.HANDOVER and project.stage == Stage.HANDOVER),
            }
            for s in STAGE_ORDER
        ],
        "items": items,
        "budget": sum((i.budget for i in items), Decimal("0.00")),
        "funding": funding,
        "funding_total": sum((f.amount for f in funding), Decimal("0.00")),
        "reports": reports,
        "photo_pairs": photo_pairs(photos),
        "progress_photos": [p for p in photos if p.kind == "progress"],
        "moves": moves,
    }


def photo_pairs(photos: list[ProjectPhoto]) -> list[dict[str, Any]]:
    """Before and after photos side by side: paired by spot, then in the order taken."""
    before: dict[str, list[ProjectPhoto]] = {}
    after: dict[str, list[ProjectPhoto]] = {}
    for p in photos:
        if p.kind == "before":
            before.setdefault(p.spot, []).append(p)
        elif p.kind == "after":
            after.setdefault(p.spot, []).append(p)
    pairs = []
    for spot in sorted(set(before) | set(after)):
        b, a = before.get(spot, []), after.get(spot, [])
        for i in range(max(len(b), len(a))):
            pairs.append(
                {
                    "spot": spot,
                    "before": b[i] if i < len(b) else None,
                    "after": a[i] if i < len(a) else None,
                }
            )
    return pairs


def photo_for(user: Any, pk: Any) -> ProjectPhoto:
    return _one(ProjectPhoto.objects.visible_to(user), pk)


# --- programme figures ---------------------------------------------------------------------


@dataclass
class Tally:
    """Compounds and households (and residents) of a set of projects."""

    estates: int = 0
    households: int = 0
    residents: int = 0

    def add(self, row: dict[str, Any], prefix: str = "") -> None:
        self.estates += row.get(f"{prefix}estates") or 0
        self.households += row.get(f"{prefix}households") or 0
        self.residents += row.get(f"{prefix}residents") or 0


@dataclass
class YearFigures:
    batch: Batch
    planned: Tally = field(default_factory=Tally)  # the projects in the batch
    started: Tally = field(default_factory=Tally)
    completed: Tally = field(default_factory=Tally)

    @property
    def target_estates(self) -> int | None:
        return self.batch.target_estates

    @property
    def target_households(self) -> int:
        return self.batch.target_households

    @property
    def state(self) -> str:
        p = self.planned.estates
        if p and self.completed.estates == p:
            return "completed"
        if p and self.started.estates == p:
            return "started"
        if self.started.estates:
            return "under_way"
        return "planned"


def tallies_by(qs: QuerySet[Project], key: str | None = None) -> dict[Any, dict[str, Tally]]:
    """Planned, started and completed tallies of projects, grouped by `key`: one query."""
    started = Q(stage__in=STARTED_STAGES)
    completed = Q(stage__in=COMPLETED_STAGES)
    measures = {
        "p_estates": Count("pk"),
        "p_households": Sum("households"),
        "p_residents": Sum("residents"),
        "s_estates": Count("pk", filter=started),
        "s_households": Sum("households", filter=started),
        "s_residents": Sum("residents", filter=started),
        "c_estates": Count("pk", filter=completed),
        "c_households": Sum("households", filter=completed),
        "c_residents": Sum("residents", filter=completed),
    }
    if key is None:
        rows = [qs.order_by().aggregate(**measures)]
    else:
        rows = list(qs.order_by().values(key).annotate(**measures))
    out: dict[Any, dict[str, Tally]] = {}
    for row in rows:
        t = {"planned": Tally(), "started": Tally(), "completed": Tally()}
        t["planned"].add(row, "p_")
        t["started"].add(row, "s_")
        t["completed"].add(row, "c_")
        out[row[key] if key else None] = t
    return out


def empty_tallies() -> dict[str, Tally]:
    return {"planned": Tally(), "started": Tally(), "completed": Tally()}


def by_year(user: Any, scope: QuerySet[Project]) -> list[YearFigures]:
    """Per batch: planned (projects in it), started and completed (two queries)."""
    tallies = tallies_by(scope, "batch_id")
    batch_ids = list(tallies)
    out = []
    for batch in Batch.objects.filter(
        Q(pk__in=batch_ids) | Q(pk__in=batches(user).values("pk"))
    ).order_by("year"):
        t = tallies.get(batch.pk, {})
        out.append(
            YearFigures(
                batch=batch,
                planned=t.get("planned", Tally()),
                started=t.get("started", Tally()),
                completed=t.get("completed", Tally()),
            )
        )
    return out


def totals(scope: QuerySet[Project]) -> dict[str, Any]:
    """The whole scope: planned, started, completed, with rates by compounds and households."""
    t = tallies_by(scope).get(None) or empty_tallies()
    agg = scope.order_by().aggregate(area=exact_sum("floor_area"), buildings=Sum("buildings"))
    p, s, c = t["planned"], t["started"], t["completed"]
    return {
        "planned": p,
        "started": s,
        "completed": c,
        "buildings": agg["buildings"] or 0,
        "floor_area": from_units(agg["area"]),
        "start_rate_estates": rules.rate(s.estates, p.estates),
        "start_rate_households": rules.rate(s.households, p.households),
        "completion_rate_estates": rules.rate(c.estates, p.estates),
        "completion_rate_households": rules.rate(c.households, p.households),
    }


def by_stage(scope: QuerySet[Project], key: str) -> dict[Any, dict[str, int]]:
    """Project counts by `key` (e.g. the subdistrict) and stage: one query."""
    out: dict[Any, dict[str, int]] = {}
    for row in scope.order_by().values(key, "stage").annotate(n=Count("pk")):
        out.setdefault(row[key], {})[row["stage"]] = row["n"]
    return out


def investment(scope: QuerySet[Project]) -> list[dict[str, Any]]:
    """Funding by source, with how much is committed, received and spent: one query."""
    rows = (
        FundingLine.objects.filter(project__in=scope.order_by().values("pk"))
        .order_by()
        .values("source", "status")
        .annotate(units=exact_sum("amount"))
    )
    by_source: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        by_source.setdefault(row["source"], {})[row["status"]] = from_units(row["units"])
    out = []
    for source in FundingSource.values:
        if source not in by_source:
            continue
        parts = by_source[source]
        out.append(
            {
                "source": source,
                "label": FundingSource(source).label,
                "group": FUNDER_GROUPS[source],
                "total": sum(parts.values(), Decimal("0.00")),
                **{k: parts.get(k, Decimal("0.00")) for k in ("committed", "received", "spent")},
            }
        )
    return out


def _whole(value: Decimal, indicator: str) -> Decimal:
    """Counts (lifts, spaces, points, facilities) read as whole numbers; kilometres and square
    metres keep their two places."""
    if INDICATOR_UNITS[indicator] in (Unit.KILOMETRE, Unit.SQUARE_METRE):
        return value
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def indicators(scope: QuerySet[Project]) -> list[dict[str, Any]]:
    """Indicator totals (km of pipelines, lifts, …) over the scope's items, and over those
    of completed projects: one query."""
    rows = {
        row["catalog_item__indicator"]: row
        for row in ProjectItem.objects.filter(project__in=scope.order_by().values("pk"))
        .exclude(catalog_item__indicator="")
        .order_by()
        .values("catalog_item__indicator")
        .annotate(
            total=exact_sum("quantity"),
            done=exact_sum("quantity", filter=Q(project__stage__in=COMPLETED_STAGES)),
        )
    }
    out = []
    for ind in Indicator.values:
        row = rows.get(ind, {})
        out.append(
            {
                "indicator": ind,
                "label": Indicator(ind).label,
                "total": _whole(from_units(row.get("total")), ind),
                "completed": _whole(from_units(row.get("done")), ind),
            }
        )
    return out


def positions(scope: QuerySet[Project]) -> list[dict[str, Any]]:
    """Each project's compound position and stage, for the map: one query."""
    return list(
        scope.filter(estate__latitude__isnull=False)
        .order_by()
        .values(
            "pk",
            "stage",
            "households",
            "estate_id",
            "estate__name",
            "estate__latitude",
            "estate__longitude",
        )
    )


# --- reads for the API (/api/v1/renewal/) -------------------------------------------------


def progress_reports(project: Project) -> QuerySet[ProgressReport]:
    """A project's progress reports, newest first, with their entries (two queries a page)."""
    return (
        ProgressReport.objects.filter(project=project)
        .select_related("reported_by")
        .prefetch_related("entries__item__catalog_item")
        .order_by("-reported_on", "-created_at", "-pk")
    )


def progress_report_of(project: Project, pk: Any) -> ProgressReport:
    return _one(progress_reports(project), pk)


def has_report(project: Project, client_id: Any) -> bool:
    """Whether the project already holds the report sent with this client id."""
    return ProgressReport.objects.filter(project=project, client_id=client_id).exists()
