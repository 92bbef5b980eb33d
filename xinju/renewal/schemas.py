"""What /api/v1/renewal/ sends and accepts. Money, quantities and percentages are decimals,
sent as strings ("45.50"), never floats."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import WithJsonSchema

from xinju.core.api import Id

from .models import STAGE_ORDER, Stage

# A stage, documented inline: another app's "Stage" must not overwrite it in the OpenAPI
# document, where components are named by class.
StageName = Annotated[Stage, WithJsonSchema({"type": "string", "enum": list(STAGE_ORDER)})]

# A percentage as sent by a client: a number or a numeric string. Bounded in size so that
# absurd input is a 422, never a crash; 0–100 and two places are checked by the service,
# which names the item.
PercentIn = Annotated[Decimal, Field(max_digits=12)]


# --- catalog -------------------------------------------------------------------------------


class CatalogItemOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    unit_label: str
    indicator: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_unit_label(obj: Any) -> str:
        return str(obj.get_unit_display())


class CatalogCategoryOut(Schema):
    id: int
    code: str
    name: str
    description: str
    items: list[CatalogItemOut]


# --- batches and figures -------------------------------------------------------------------


class RenewalTallyOut(Schema):
    """Compounds, households and residents of a set of projects."""

    estates: int
    households: int
    residents: int


class ConsentRuleOut(Schema):
    """The consent rule of the batch's needs surveys, as an exact fraction."""

    share: str  # "2/3"
    numerator: int
    denominator: int


class BatchFiguresOut(Schema):
    """The projects of a batch within the caller's scope: in the plan, started, completed."""

    planned: RenewalTallyOut
    started: RenewalTallyOut
    completed: RenewalTallyOut
    state: str  # planned, under_way, started, completed


class RenewalBatchOut(Schema):
    id: int
    district_id: int
    year: int
    name: str
    target_estates: int | None
    target_households: int
    consent: ConsentRuleOut
    note: str
    figures: BatchFiguresOut


# --- projects ------------------------------------------------------------------------------


class RenewalProjectOut(Schema):
    id: int
    batch_id: int
    batch_year: int
    estate_id: int
    estate_code: str
    estate_name: str
    community_id: int
    subdistrict_id: int
    stage: StageName
    stage_label: str
    progress: Decimal
    households: int
    residents: int
    designer_id: int | None
    designer_name: str | None
    contractor_id: int | None
    contractor_name: str | None

    @staticmethod
    def resolve_batch_year(obj: Any) -> int:
        return obj.batch.year

    @staticmethod
    def resolve_estate_code(obj: Any) -> str:
        return obj.estate.code

    @staticmethod
    def resolve_estate_name(obj: Any) -> str:
        return obj.estate.name

    @staticmethod
    def resolve_community_id(obj: Any) -> int:
        return obj.estate.community_id

    @staticmethod
    def resolve_subdistrict_id(obj: Any) -> int:
        return obj.estate.community.subdistrict_id

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_designer_name(obj: Any) -> str | None:
        return obj.designer.name if obj.designer_id else None

    @staticmethod
    def resolve_contractor_name(obj: Any) -> str | None:
        return obj.contractor.name if obj.contractor_id else None


class ProjectStageOut(Schema):
    stage: StageName
    label: str
    current: bool
    done: bool
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None


class ProjectItemOut(Schema):
    id: int
    catalog_item_id: int
    code: str
    name: str
    category: str
    unit: str
    description: str
    quantity: Decimal
    budget: Decimal
    percent: Decimal
    percent_on: dt.date | None

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return obj.catalog_item.code

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.catalog_item.name

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return obj.catalog_item.category.code

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return obj.catalog_item.unit


class FundingLineOut(Schema):
    id: int
    source: str
    source_label: str
    amount: Decimal
    status: str
    status_label: str
    note: str

    @staticmethod
    def resolve_source_label(obj: Any) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class ProgressEntryOut(Schema):
    item_id: int
    item: str
    percent: Decimal

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item)


class ProgressReportOut(Schema):
    id: int
    project_id: int
    reported_on: dt.date
    progress: Decimal  # the project's progress after this report
    note: str
    client_id: uuid.UUID
    reported_by: str
    created_at: dt.datetime
    entries: list[ProgressEntryOut]

    @staticmethod
    def resolve_reported_by(obj: Any) -> str:
        return str(obj.reported_by) if obj.reported_by_id else ""


class RenewalProjectDetailOut(RenewalProjectOut):
    """A project with what its page shows; `obj.detail` is `selectors.project_detail(obj)`."""

    buildings: int
    floor_area: Decimal
    late_built: bool
    note: str
    budget: Decimal  # the items' budgets added up
    funding_total: Decimal
    timeline: list[ProjectStageOut]
    items: list[ProjectItemOut]
    funding: list[FundingLineOut]
    latest_reports: list[ProgressReportOut]

    @staticmethod
    def resolve_budget(obj: Any) -> Decimal:
        return obj.detail["budget"]

    @staticmethod
    def resolve_funding_total(obj: Any) -> Decimal:
        return obj.detail["funding_total"]

    @staticmethod
    def resolve_timeline(obj: Any) -> list[dict[str, Any]]:
        out = []
        for step in obj.detail["timeline"]:
            row = step["row"]
            dates = ("planned_start", "planned_end", "actual_start", "actual_end")
            out.append(
                {
                    "stage": step["stage"],
                    "label": str(step["label"]),
                    "current": step["current"],
                    "done": step["done"],
                    **{d: getattr(row, d) if row is not None else None for d in dates},
                }
            )
        return out

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return obj.detail["items"]

    @staticmethod
    def resolve_funding(obj: Any) -> list[Any]:
        return obj.detail["funding"]

    @staticmethod
    def resolve_latest_reports(obj: Any) -> list[Any]:
        return obj.detail["reports"]


class ProgressReportIn(Schema):
    """A progress report: the date, a percentage (0–100, two places) per item id, a note, and
    a client id the caller generates once so that a resent report is the same report."""

    reported_on: dt.date
    percents: dict[Id, PercentIn]
    note: Annotated[str, Field(max_length=4000)] = ""
    client_id: uuid.UUID


# --- programme -----------------------------------------------------------------------------


class ProgrammeYearOut(Schema):
    year: int
    batch_id: int
    batch_name: str
    target_estates: int | None
    target_households: int
    planned: RenewalTallyOut
    started: RenewalTallyOut
    completed: RenewalTallyOut
    state: str


class ProgrammeTotalsOut(Schema):
    planned: RenewalTallyOut
    started: RenewalTallyOut
    completed: RenewalTallyOut
    buildings: int
    floor_area: Decimal
    start_rate_estates: Decimal | None  # percent, two places; null when nothing is planned
    start_rate_households: Decimal | None
    completion_rate_estates: Decimal | None
    completion_rate_households: Decimal | None


class FundingBySourceOut(Schema):
    source: str
    label: str
    group: str  # government, residents, society
    total: Decimal
    committed: Decimal
    received: Decimal
    spent: Decimal


class RenewalIndicatorOut(Schema):
    indicator: str
    label: str
    unit: str
    total: Decimal  # over every project's items in scope
    completed: Decimal  # over the items of completed projects


class ProgrammeOut(Schema):
    years: list[ProgrammeYearOut]
    totals: ProgrammeTotalsOut
    investment: list[FundingBySourceOut]
    indicators: list[RenewalIndicatorOut]
