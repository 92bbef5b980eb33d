"""The demo's renewal programme: where the report stood.

Year one (last year): 14 compounds, 11,500 households, completed and handed over. Year two
(this year): 53 compounds, 27,200 households, all under construction. Years three and four:
13,400 and 5,900 households, planned (needs survey). Hongdu District 6's disused reservoir
becomes the Hongdu children's flight park, an item of its project. The Siji dormitory is in an
expropriation project and so in no renewal batch.

The rows are written in bulk (the programme has thousands of them), but every rule is the
services' own: eligibility is checked with `eligibility.problems`, progress is rolled up with
`rules.rolled_up_progress`, and the stage dates follow the transition table.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from xinju.areas.models import District, Dwelling, Estate
from xinju.areas.selectors import figures_by
from xinju.core.images import prepare_photo
from xinju.expropriation import services as expropriation
from xinju.orgs.models import OrgKind
from xinju.renewal import eligibility, rules
from xinju.renewal.models import (
    STAGE_ORDER,
    Batch,
    CatalogItem,
    FundingLine,
    FundingSource,
    FundingStatus,
    PhotoKind,
    ProgressEntry,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
    ProjectStage,
    Stage,
    StageMove,
)

from . import spec

RESERVOIR_PARK = "洪都六区废弃水库改建为洪都儿童飞行乐园（经居民协商）"

# (catalog code, quantity per household or fixed range, unit cost in yuan, share of projects)
WORKS: tuple[tuple[str, Any, Decimal, float], ...] = (
    ("sewers", ("per_household", Decimal("0.0012")), Decimal("1800000"), 1.0),
    ("rain-sewage-separation", ("per_household", Decimal("0.0008")), Decimal("1500000"), 0.6),
    ("water-supply", ("per_household", Decimal("0.0006")), Decimal("900000"), 0.5),
    ("overhead-lines", ("per_household", Decimal("0.0010")), Decimal("600000"), 0.8),
    ("roof-waterproofing", ("per_household", Decimal("12")), Decimal("110"), 1.0),
    ("wall-insulation", ("per_household", Decimal("45")), Decimal("160"), 0.8),
    ("stairwells", ("per_building", Decimal("1")), Decimal("30000"), 1.0),
    ("smart-access", ("per_building", Decimal("2")), Decimal("12000"), 0.9),
    ("paths", ("per_household", Decimal("1.5")), Decimal("260"), 0.9),
    ("benches", ("range", (8, 40)), Decimal("1800"), 0.8),
    ("play-area", ("range", (120, 600)), Decimal("650"), 0.5),
    ("parking", ("per_household", Decimal("0.12")), Decimal("9000"), 0.8),
    ("ev-charging", ("range", (4, 30)), Decimal("7000"), 0.6),
    ("ebike-charging", ("range", (6, 40)), Decimal("2500"), 0.7),
    ("lifts", ("range", (1, 6)), Decimal("450000"), 0.25),
    ("greening", ("per_household", Decimal("6")), Decimal("120"), 0.8),
    ("property-rooms", ("range", (1, 1)), Decimal("120000"), 0.7),
    ("service-centre", ("range", (1, 1)), Decimal("600000"), 0.2),
    ("elderly-care", ("range", (1, 1)), Decimal("450000"), 0.15),
)

# Shares of a project's cost by source (government, residents, society), roughly as reported.
FUNDING_SHARES = (
    (FundingSource.CENTRAL, Decimal("0.40")),
    (FundingSource.PROVINCIAL, Decimal("0.08")),
    (FundingSource.MUNICIPAL, Decimal("0.15")),
    (FundingSource.DISTRICT, Decimal("0.20")),
    (FundingSource.UTILITIES, Decimal("0.10")),
    (FundingSource.RESIDENTS, Decimal("0.03")),
)  # the rest: social capital

CENT = Decimal("0.01")
# Rows per UPDATE of bulk_update: it writes one CASE WHEN id = … branch per row, which the
# database tries against every row of the statement (rows², and PostgreSQL's JIT compiles the
# whole CASE): unbatched, a district 20 times the demo's took many minutes here.
UPDATE_BATCH = 500


def _days(start: dt.date, end: dt.date, share: float) -> dt.date:
    return start + dt.timedelta(days=int((end - start).days * share))


class RenewalDemo:
    def __init__(
        self,
        *,
        seed: int,
        district: District,
        estates: list[dict[str, Any]],
        orgs: dict[str, Any],
        first_year: int,
        scale: float,
        compounds: int = 1,
        today: dt.date | None = None,
    ) -> None:
        self.rng = random.Random(seed + 1)  # its own stream: the register does not shift
        self.district = district
        self.estates = estates
        self.orgs = orgs
        self.first_year = first_year
        self.scale = scale
        self.compounds = compounds  # the generator's multiplier: each batch's targets follow it
        self.today = today or timezone.localdate()
        self.catalog = {c.code: c for c in CatalogItem.objects.all()}

    def run(self) -> dict[str, int]:
        siji = [x for x in self.estates if x["spec"].name == spec.SIJI.name]
        if siji:
            expropriation.open_project(
                actor=None,
                district=self.district,
                name="四机宿舍棚户区改造征收项目",
                estates=list(Estate.objects.filter(pk__in=[x["id"] for x in siji])),
                decided_on=dt.date(self.first_year + 1, 10, 20),
                launched_on=dt.date(self.first_year + 1, 11, 6),
                note="11月6日召开征收动员大会。",
            )
        figures = figures_by(
            None,
            "estate_id",
            Dwelling.objects.filter(estate_id__in=[x["id"] for x in self.estates]),
        )
        batches = {}
        for year, (compounds, households) in spec.PROGRAMME.items():
            batches[year] = Batch.objects.create(
                district=self.district,
                year=self.first_year + year - 1,
                name=f"{self.first_year + year - 1}年老旧小区改造计划",
                target_estates=compounds * self.compounds if compounds is not None else None,
                target_households=max(1, round(households * self.scale)) * self.compounds,
                note="第{}年".format("一二三四"[year - 1]),
            )
        projects: list[Project] = []
        estates = Estate.objects.in_bulk([x["id"] for x in self.estates])
        for x in self.estates:
            year = x["spec"].year
            if year is None:
                continue
            estate = estates[x["id"]]
            f = figures[estate.pk]
            projects.append(
                Project(
                    batch=batches[year],
                    estate=estate,
                    households=f.households,
                    residents=f.residents,
                    buildings=f.buildings,
                    floor_area=f.area,
                    late_built=rules.eligibility_by_year(estate.built_year)
                    == rules.Eligibility.LATE_BUILT,
                )
            )
        # The rules the services apply, checked for every compound before anything is written.
        for p in projects:
            problems = eligibility.problems(batch=p.batch, estate=p.estate)
            if problems:
                raise AssertionError(f"demo compound not eligible: {problems}")
        late = {}
        for p in projects:
            if p.late_built:
                late[p.batch_id] = late.get(p.batch_id, 0) + p.households
        for batch in batches.values():
            if not rules.late_built_fits(
                already=late.get(batch.pk, 0), adding=0, target_households=batch.target_households
            ):
                raise AssertionError("late-built compounds exceed 15% of the batch")
        Project.objects.bulk_create(projects)
        year_of = {b.pk: y for y, b in batches.items()}
        counts = {"projects": len(projects), "items": 0, "reports": 0, "photos": 0}
        stage_rows, moves, items, funding = [], [], [], []
        plans: dict[int, list[ProjectItem]] = {}
        for p in projects:
            p_items = self._items(p)
            plans[p.pk] = p_items
            items.extend(p_items)
        ProjectItem.objects.bulk_create(items)
        counts["items"] = len(items)
        reports, entries = [], []
        for p in projects:
            year = year_of[p.batch_id]
            dates, planned = self._timeline(year)
            p.designer_id = self.rng.choice(self.orgs["kind"][OrgKind.DESIGNER])
            if year <= 2:
                p.contractor_id = self.rng.choice(self.orgs["kind"][OrgKind.CONTRACTOR])
            reached = (
                Stage.HANDOVER if year == 1 else Stage.CONSTRUCTION if year == 2 else Stage.SURVEY
            )
            last = STAGE_ORDER.index(reached)
            for i, stage in enumerate(STAGE_ORDER):
                start, end = planned[stage]
                row = ProjectStage(project=p, stage=stage, planned_start=start, planned_end=end)
                if i < last:
                    row.actual_start, row.actual_end = dates[i], dates[i + 1]
                elif i == last and year <= 2:
                    row.actual_start = dates[i]
                    if stage == Stage.HANDOVER:
                        row.actual_end = dates[i]
                stage_rows.append(row)
                if 0 < i <= last:
                    moves.append(
                        StageMove(
                            project=p,
                            from_stage=STAGE_ORDER[i - 1],
                            to_stage=stage,
                            moved_on=dates[i],
                        )
                    )
            p.stage = reached
            if year <= 2:
                done = self._progress(p, plans[p.pk], dates, year, reports, entries)
                p.progress = done
            funding.extend(self._funding(p, plans[p.pk], year))
        Project.objects.bulk_update(
            projects,
            ["designer_id", "contractor_id", "stage", "progress"],
            batch_size=UPDATE_BATCH,
        )
        ProjectItem.objects.bulk_update(items, ["percent", "percent_on"], batch_size=UPDATE_BATCH)
        ProjectStage.objects.bulk_create(stage_rows)
        StageMove.objects.bulk_create(moves)
        ProgressReport.objects.bulk_create(reports)
        ProgressEntry.objects.bulk_create(entries)
        FundingLine.objects.bulk_create(funding)
        counts["reports"] = len(reports)
        counts["photos"] = self._photos(projects)
        return counts

    # -- pieces -------------------------------------------------------------------------------

    def _timeline(self, year: int) -> tuple[list[dt.date], dict[str, tuple[dt.date, dt.date]]]:
        """Actual dates of entering each stage, and the planned start and end of each."""
        rng = self.rng
        calendar_year = self.first_year + year - 1
        start = dt.date(calendar_year, 1, 1) + dt.timedelta(days=rng.randint(0, 20))
        if year == 1:
            end = dt.date(calendar_year, 12, 20)
            shares = (0, 0.12, 0.22, 0.27, 0.35, 0.85, 0.97)
        else:
            end = min(self.today, dt.date(calendar_year, 12, 31))
            if end < start:
                start = end
            shares = (0, 0.12, 0.22, 0.27, 0.35 + rng.uniform(0, 0.2), 1, 1)
        dates = [_days(start, end, s) for s in shares]
        planned_start = dt.date(calendar_year, 1, 1)
        plan_shares = (0, 0.1, 0.2, 0.25, 0.33, 0.85, 0.95, 1.0)
        planned_end = dt.date(calendar_year, 12, 31)
        bounds = [_days(planned_start, planned_end, s) for s in plan_shares]
        planned = {
            stage: (bounds[i], bounds[i + 1] if stage != Stage.HANDOVER else bounds[i])
            for i, stage in enumerate(STAGE_ORDER)
        }
        return dates, planned

    def _items(self, project: Project) -> list[ProjectItem]:
        rng = self.rng
        out = []
        for code, (how, amount), cost, share in WORKS:
            if rng.random() > share:
                continue
            if how == "per_household":
                qty = (amount * project.households * Decimal(str(rng.uniform(0.8, 1.2)))).quantize(
                    CENT
                )
            elif how == "per_building":
                qty = Decimal(project.buildings) * amount
            else:
                qty = Decimal(rng.randint(*amount))
            if self.catalog[code].unit not in ("m", "m2", "km"):
                qty = qty.quantize(Decimal(1))  # spaces, lifts, units are whole
            qty = max(qty, CENT)
            out.append(
                ProjectItem(
                    project=project,
                    catalog_item=self.catalog[code],
                    quantity=qty,
                    budget=(qty * cost).quantize(CENT),
                )
            )
        if project.estate.name == spec.HONGDU_6.name:
            out.append(
                ProjectItem(
                    project=project,
                    catalog_item=self.catalog["play-area"],
                    description=RESERVOIR_PARK,
                    quantity=Decimal("1800.00"),
                    budget=Decimal("2600000.00"),
                )
            )
        return out

    def _progress(
        self,
        project: Project,
        items: list[ProjectItem],
        dates: list[dt.date],
        year: int,
        reports: list[ProgressReport],
        entries: list[ProgressEntry],
    ) -> Decimal:
        """Monthly progress reports from the start of construction; 100% for year one."""
        rng = self.rng
        started = dates[STAGE_ORDER.index(Stage.CONSTRUCTION)]
        ended = dates[STAGE_ORDER.index(Stage.ACCEPTANCE)] if year == 1 else self.today
        target = {
            i: Decimal(100) if year == 1 else Decimal(rng.randint(10, 95))
            for i in range(len(items))
        }
        steps = max(1, min(6, (ended - started).days // 30))
        for step in range(1, steps + 1):
            day = _days(started, ended, step / steps)
            report = ProgressReport(
                project=project,
                reported_on=day,
                note="",
                progress=Decimal(0),
                client_id=uuid.UUID(int=rng.getrandbits(128)),
            )
            for n, item in enumerate(items):
                value = (target[n] * step / steps).quantize(Decimal(1))
                item.percent, item.percent_on = value, day
                entries.append(ProgressEntry(report=report, item=item, percent=value))
            report.progress = rules.rolled_up_progress((i.budget, i.percent) for i in items)
            reports.append(report)
        return rules.rolled_up_progress((i.budget, i.percent) for i in items)

    def _funding(self, project: Project, items: list[ProjectItem], year: int) -> list[FundingLine]:
        total = sum((i.budget for i in items), Decimal(0))
        lines, given = [], Decimal(0)
        status = {1: FundingStatus.SPENT, 2: FundingStatus.RECEIVED}.get(
            year, FundingStatus.COMMITTED
        )
        for source, share in FUNDING_SHARES:
            amount = (total * share).quantize(CENT)
            if amount <= 0:
                continue
            given += amount
            lines.append(FundingLine(project=project, source=source, amount=amount, status=status))
        rest = total - given
        if rest > 0:
            lines.append(
                FundingLine(
                    project=project, source=FundingSource.SOCIAL_CAPITAL, amount=rest, status=status
                )
            )
        return lines

    def _photos(self, projects: list[Project]) -> int:
        """Before and after pictures of two named compounds (drawn, labelled as demo images)."""
        named = [p for p in projects if p.estate.name in (spec.HONGKE.name, spec.HONGDU_6.name)]
        count = 0
        for p in named:
            if p.stage != Stage.HANDOVER:
                continue
            for spot, colours in (
                ("楼道", ("#8d7b68", "#e9ecef")),
                ("中心广场", ("#6c584c", "#a7c957")),
            ):
                for kind, colour in zip((PhotoKind.BEFORE, PhotoKind.AFTER), colours, strict=True):
                    photo = prepare_photo(
                        io.BytesIO(_picture(colour, f"{p.estate.name} {spot} {kind}"))
                    )
                    row = ProjectPhoto(
                        project=p,
                        kind=kind,
                        width=photo.width,
                        height=photo.height,
                        caption=f"{spot}（示例图片）",
                        spot=spot,
                        sha256=photo.sha256,
                    )
                    row.image.save(
                        f"{photo.sha256[:32]}.jpg", ContentFile(photo.content), save=False
                    )
                    row.thumbnail.save(
                        f"{photo.sha256[:32]}.jpg", ContentFile(photo.thumbnail), save=False
                    )
                    row.save()
                    count += 1
        return count


def _picture(colour: str, label: str) -> bytes:
    """A plain demo picture: a coloured scene with simple shapes, different per label."""
    from PIL import Image, ImageDraw

    rng = random.Random(label)
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 760), rng.randint(200, 560)
        w, h = rng.randint(40, 160), rng.randint(40, 200)
        shade = tuple(rng.randint(60, 220) for _ in range(3))
        draw.rectangle((x, y - h, x + w, y), fill=shade)
    draw.rectangle((0, 0, 800, 40), fill="#ffffff")
    draw.text((10, 12), "DEMO", fill="#000000")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
