"""The cockpit's downloads for programs: /api/v1/cockpit/…

The same files as the cockpit's buttons, for the same area (the district, or ?subdistrict= /
?community= within the caller's scope); only those who read the cockpit may fetch them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from xinju.core.api import Id, Problem
from xinju.core.exceptions import NotFound

from . import reports, selectors

router = Router(tags=["cockpit"])


class AreaQuery(Schema):
    subdistrict: Id | None = None
    community: Id | None = None


class MonthQuery(AreaQuery):
    month: Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] | None = None


def _area(request: HttpRequest, query: AreaQuery) -> selectors.Area:
    if not selectors.can_read(request.user):
        raise NotFound(_("Not found."))
    return selectors.area_for(request.user, query.dict(exclude_none=True))


@router.get(
    "/statistics.xlsx",
    response={200: None, 401: Problem, 404: Problem},
    summary="The programme statistics of an area as a workbook",
)
def statistics(request: HttpRequest, query: Query[AreaQuery]) -> HttpResponse:
    """Headquarters, departments, subdistrict offices and community workers, for their area."""
    area = _area(request, query)
    today = timezone.localdate()
    content = reports.programme_workbook(
        user=request.user,
        projects=selectors.area_projects(request.user, area),
        place=area.name,
        today=today,
        district_wide=area.kind == "district",
    )
    response = HttpResponse(content, content_type=reports.XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="programme-{area.node.code}-{today.isoformat()}.xlsx"'
    )
    return response


@router.get(
    "/report.pdf",
    response={200: None, 401: Problem, 404: Problem, 422: Problem},
    summary="The monthly progress report of an area as a PDF (month as YYYY-MM)",
)
def monthly_report(request: HttpRequest, query: Query[MonthQuery]) -> HttpResponse:
    """The same readers as the statistics; the month defaults to the current one."""
    area = _area(request, query)
    month = dt.date.fromisoformat(f"{query.month}-01") if query.month else timezone.localdate()
    content = reports.monthly_report_pdf(
        user=request.user,
        projects=selectors.area_projects(request.user, area),
        place=area.name,
        month=month,
        district_wide=area.kind == "district",
    )
    response = HttpResponse(content, content_type=reports.PDF)
    response["Content-Disposition"] = (
        f'inline; filename="progress-{area.node.code}-{month.strftime("%Y-%m")}.pdf"'
    )
    return response
