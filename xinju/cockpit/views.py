"""The front door, the headquarters cockpit and the public programme page (公示).

The cockpit shows one area — the district, a subdistrict or a community — within the user's
scope; its children lead one level down, and every number leads to the project list behind
it. The public page needs no account and shows no personal data.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinju.core.db import parse_id
from xinju.core.views import paginate
from xinju.renewal import selectors as renewal
from xinju.renewal.models import Stage

from . import reports, selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if selectors.can_read(request.user):
            return redirect("cockpit:dashboard")
        return redirect("areas:home")
    return render(request, "cockpit/welcome.html")


def _area(request: HttpRequest) -> selectors.Area:
    if not selectors.can_read(request.user):
        raise Http404
    return selectors.area_for(request.user, request.GET)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The cockpit of an area: the programme by year, rates, stages by child area, investment,
    indicators and the map of compounds coloured by stage."""
    area = _area(request)
    data = selectors.dashboard(request.user, area)
    chart = {
        "years": [
            {
                "year": y.batch.year,
                "target_households": y.target_households,
                "target_estates": y.target_estates,
                "households": y.planned.households,
                "estates": y.planned.estates,
                "started_households": y.started.households,
                "started_estates": y.started.estates,
                "completed_households": y.completed.households,
                "completed_estates": y.completed.estates,
            }
            for y in data["years"]
        ],
        "cumulative": data["cumulative"],
        "stages": [{"key": k, "label": str(v)} for k, v in data["stages"]],
        "rows": [{"pk": r["pk"], "name": r["name"], "stages": r["stages"]} for r in data["rows"]],
        "child_kind": area.child_kind,
        "investment": [
            {"source": i["source"], "label": str(i["label"]), "total": str(i["total"])}
            for i in data["investment"]
        ],
        "positions": [
            {
                "pk": p["pk"],
                "estate": p["estate_id"],
                "name": p["estate__name"],
                "stage": p["stage"],
                "households": p["households"],
                "value": [float(p["estate__longitude"]), float(p["estate__latitude"])],
            }
            for p in data["positions"]
        ],
        "filters": area.filters,
        "urls": {
            "projects": reverse("renewal:projects"),
            "dashboard": reverse("cockpit:dashboard"),
            "estate": reverse("areas:estate", args=[0]).replace("/0/", "/{id}/"),
        },
        "labels": {
            "planned": _("Planned"),
            "in_batch": _("In the batches"),
            "started": _("Started"),
            "completed": _("Completed"),
            "households": _("Households"),
            "residents": _("Residents"),
            "estates": _("Compounds"),
        },
    }
    return render(
        request,
        "cockpit/dashboard.html",
        {"area": area, **data, "chart": chart, "month": timezone.localdate().strftime("%Y-%m")},
    )


@login_required
@require_GET
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    """The programme statistics of the area as a workbook (renewal.md's indicators)."""
    area = _area(request)
    today = timezone.localdate()
    content = reports.programme_workbook(
        user=request.user,
        projects=selectors.area_projects(request.user, area),
        place=area.name,
        today=today,
        district_wide=area.kind == "district",
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"programme-{area.node.code}-{today.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _month(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01") if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def monthly_pdf(request: HttpRequest) -> HttpResponse:
    """The monthly progress report of the area as a PDF (Chinese, with its charts)."""
    area = _area(request)
    month = _month(request.GET.get("month"))
    content = reports.monthly_report_pdf(
        user=request.user,
        projects=selectors.area_projects(request.user, area),
        place=area.name,
        month=month,
        district_wide=area.kind == "district",
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"progress-{area.node.code}-{month.strftime('%Y-%m')}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- the public programme page (公示) --------------------------------------------------------


@require_GET
def public_programme(request: HttpRequest) -> HttpResponse:
    """Every compound's stage, items and progress, for anyone, without personal data."""
    qs = selectors.public_projects()
    year = request.GET.get("year", "")
    stage = request.GET.get("stage", "")
    if (year_number := parse_id(year)) and year_number <= 9999:
        qs = qs.filter(batch__year=year_number)
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    page = paginate(request, qs)
    page.object_list = list(page.object_list)
    works = selectors.public_items(page.object_list)
    for project in page.object_list:
        project.works = works.get(project.pk, [])
    return render(
        request,
        "cockpit/public.html",
        {
            "page_obj": page,
            "years": selectors.public_years(),
            "stages": Stage.choices,
            "year": year,
            "stage": stage,
            "totals": renewal.totals(qs),
        },
    )


@require_GET
def public_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.public_projects().filter(pk=pk).first()
    if project is None:
        raise Http404
    detail = renewal.project_detail(project)
    return render(
        request,
        "cockpit/public_project.html",
        {
            "project": project,
            "timeline": detail["timeline"],
            "items": detail["items"],
            "budget": detail["budget"],
        },
    )
