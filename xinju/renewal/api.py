"""The renewal programme within your scope: /api/v1/renewal/…

Reads go through the selectors (a project is seen by whoever sees its compound, by its
supervisors and by its contractor's staff); the one write, a progress report, calls the same
service as the project page. Objects outside the caller's scope answer 404 like missing ones.
"""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from xinju.core.api import Id, Problem

from . import selectors, services
from .models import INDICATOR_UNITS, Batch
from .schemas import (
    CatalogCategoryOut,
    ProgrammeOut,
    ProgressReportIn,
    ProgressReportOut,
    RenewalBatchOut,
    RenewalProjectDetailOut,
    RenewalProjectOut,
    StageName,
)

router = Router(tags=["renewal"])


class RenewalProjectQuery(Schema):
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    batch: Id | None = None
    stage: StageName | None = None
    state: Literal["not_started", "started", "under_way", "completed"] | None = None
    subdistrict: Id | None = None
    community: Id | None = None
    q: str = ""


class ProgrammeQuery(Schema):
    subdistrict: Id | None = None
    community: Id | None = None


def _tally(t: selectors.Tally) -> dict[str, int]:
    return {"estates": t.estates, "households": t.households, "residents": t.residents}


def _figures(y: selectors.YearFigures | None) -> dict[str, Any]:
    if y is None:  # a batch none of whose projects the caller sees
        none = _tally(selectors.Tally())
        return {"planned": none, "started": none, "completed": none, "state": "planned"}
    return {
        "planned": _tally(y.planned),
        "started": _tally(y.started),
        "completed": _tally(y.completed),
        "state": y.state,
    }


def _batch_out(batch: Batch, figures: selectors.YearFigures | None) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "district_id": batch.district_id,
        "year": batch.year,
        "name": batch.name,
        "target_estates": batch.target_estates,
        "target_households": batch.target_households,
        "consent": {
            "share": f"{batch.consent_numerator}/{batch.consent_denominator}",
            "numerator": batch.consent_numerator,
            "denominator": batch.consent_denominator,
        },
        "note": batch.note,
        "figures": _figures(figures),
    }


def _figures_by_batch(request: HttpRequest) -> dict[int, selectors.YearFigures]:
    user = request.user
    return {y.batch.pk: y for y in selectors.by_year(user, selectors.projects(user))}


@router.get(
    "/catalog",
    response={200: list[CatalogCategoryOut], 401: Problem},
    summary="The item catalog: categories with their items",
)
def get_catalog(request: HttpRequest) -> Any:
    """Every signed-in user reads the catalog, withdrawn items included (`is_active`)."""
    return selectors.catalog(request.user)


@router.get("/batches", response=list[RenewalBatchOut], summary="Annual batches in scope")
@paginate(PageNumberPagination, page_size=100)
def list_batches(request: HttpRequest) -> Any:
    """Whoever sees a district sees its batches; the figures count the caller's projects."""
    figures = _figures_by_batch(request)
    return [_batch_out(b, figures.get(b.pk)) for b in selectors.batches(request.user)]


@router.get(
    "/batches/{batch_id}",
    response={200: RenewalBatchOut, 401: Problem, 404: Problem},
    summary="An annual batch with its targets, consent rule and figures",
)
def get_batch(request: HttpRequest, batch_id: Id) -> Any:
    """Whoever sees the batch's district; the figures count the caller's projects."""
    batch = selectors.batch_for(request.user, batch_id)
    return _batch_out(batch, _figures_by_batch(request).get(batch.pk))


@router.get("/projects", response=list[RenewalProjectOut], summary="Renewal projects in scope")
@paginate(PageNumberPagination, page_size=50)
def list_projects(request: HttpRequest, filters: Query[RenewalProjectQuery]) -> Any:
    """Projects of the compounds the caller sees, and those of their project or company."""
    f = filters
    return selectors.projects(
        request.user,
        selectors.ProjectFilters(
            batch=f.batch,
            year=f.year,
            stage=f.stage or "",
            state=f.state or "",
            subdistrict=f.subdistrict,
            community=f.community,
            q=f.q.strip(),
        ),
    )


@router.get(
    "/projects/{project_id}",
    response={200: RenewalProjectDetailOut, 401: Problem, 404: Problem},
    summary="A project: timeline, items, funding and latest progress reports",
)
def get_project(request: HttpRequest, project_id: Id) -> Any:
    """Whoever sees the project."""
    project = selectors.project_for(request.user, project_id)
    project.detail = selectors.project_detail(project)
    return project


@router.get(
    "/projects/{project_id}/reports",
    response={200: list[ProgressReportOut], 401: Problem, 404: Problem},
    summary="A project's progress reports, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def list_reports(request: HttpRequest, project_id: Id) -> Any:
    """Whoever sees the project."""
    return selectors.progress_reports(selectors.project_for(request.user, project_id))


@router.post(
    "/projects/{project_id}/reports",
    response={
        200: ProgressReportOut,
        201: ProgressReportOut,
        401: Problem,
        403: Problem,
        404: Problem,
        409: Problem,
        422: Problem,
    },
    summary="Report the works' progress (idempotent on client_id)",
)
def post_report(request: HttpRequest, project_id: Id, payload: ProgressReportIn) -> Any:
    """Headquarters and the project's contractor, during construction (others who see the
    project get 403, other stages 409). 201 with the new report; 200 with the same report
    when a report with this `client_id` was already recorded for the project."""
    project = selectors.project_for(request.user, project_id)
    resent = selectors.has_report(project, payload.client_id)
    report = services.report_progress(
        actor=request.user,
        project=project,
        reported_on=payload.reported_on,
        percents=payload.percents,
        note=payload.note,
        client_id=payload.client_id,
    )
    return Status(200 if resent else 201, selectors.progress_report_of(project, report.pk))


@router.get(
    "/programme",
    response={200: ProgrammeOut, 401: Problem},
    summary="The programme's figures in scope: by year, totals, investment, indicators",
)
def get_programme(request: HttpRequest, filters: Query[ProgrammeQuery]) -> Any:
    """Whoever is signed in; every figure counts only the projects the caller sees."""
    user = request.user
    scope = selectors.projects(
        user,
        selectors.ProjectFilters(subdistrict=filters.subdistrict, community=filters.community),
    )
    totals = selectors.totals(scope)
    return {
        "years": [
            {
                "year": y.batch.year,
                "batch_id": y.batch.pk,
                "batch_name": y.batch.name,
                "target_estates": y.target_estates,
                "target_households": y.target_households,
                **_figures(y),
            }
            for y in selectors.by_year(user, scope)
        ],
        "totals": {
            **totals,
            "planned": _tally(totals["planned"]),
            "started": _tally(totals["started"]),
            "completed": _tally(totals["completed"]),
        },
        "investment": [
            {**row, "label": str(row["label"]), "group": str(row["group"])}
            for row in selectors.investment(scope)
        ],
        "indicators": [
            {**row, "label": str(row["label"]), "unit": INDICATOR_UNITS[row["indicator"]]}
            for row in selectors.indicators(scope)
        ],
    }
