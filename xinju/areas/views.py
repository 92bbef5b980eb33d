"""Pages of the register: browse district → subdistrict → community → grid → compound →
building → dwelling within one's scope; search and filter; import and export.

Views parse the request, call a selector or service, and render. Reads go through
`selectors` (always `visible_to`), so another scope's objects answer 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinju.core.exceptions import DomainError
from xinju.core.views import paginate, render_page
from xinju.people.permissions import PiiPolicy

from . import exporter, importer, permissions, selectors, services
from .forms import DwellingFilterForm, EstateFilterForm, ImportForm
from .models import AreaSource, Dwelling, Estate
from .tabs import tabs_for

# --- browsing the tree -----------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The register's front page: totals of the user's scope and its subdistricts."""
    user = request.user
    subdistricts = list(selectors.subdistricts(user))
    figures = selectors.figures_by(user, "estate__community__subdistrict_id")
    rows = [(s, figures.get(s.pk, selectors.Figures())) for s in subdistricts]
    return render(
        request,
        "areas/home.html",
        {
            "total": selectors.summed(figures.values()),
            "rows": rows,
            "districts": list(selectors.districts(user)),
        },
    )


@login_required
@require_GET
def subdistrict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    subdistrict = selectors.subdistrict_for(user, pk)
    communities = list(selectors.communities(user, subdistrict))
    dwellings = selectors.visible_dwellings(user, estate__community__subdistrict=subdistrict)
    figures = selectors.figures_by(user, "estate__community_id", dwellings)
    return render(
        request,
        "areas/subdistrict.html",
        {
            "subdistrict": subdistrict,
            "total": selectors.summed(figures.values()),
            "rows": [(c, figures.get(c.pk, selectors.Figures())) for c in communities],
        },
    )


@login_required
@require_GET
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    community = selectors.community_for(user, pk)
    dwellings = selectors.visible_dwellings(user, estate__community=community)
    by_grid = selectors.figures_by(user, "building__grid_id", dwellings)
    by_estate = selectors.figures_by(user, "estate_id", dwellings)
    grids = list(selectors.grids(user, community))
    estates = list(selectors.estates(user, selectors.EstateFilters(community=community.pk)))
    return render(
        request,
        "areas/community.html",
        {
            "community": community,
            "total": selectors.summed(by_estate.values()),
            "grid_rows": [(g, by_grid.get(g.pk, selectors.Figures())) for g in grids],
            "estate_rows": [(e, by_estate.get(e.pk, selectors.Figures())) for e in estates],
        },
    )


@login_required
@require_GET
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    grid = selectors.grid_for(user, pk)
    dwellings = selectors.visible_dwellings(user, building__grid=grid)
    by_building = selectors.figures_by(user, "building_id", dwellings)
    buildings = list(selectors.buildings(user, grid=grid))
    return render(
        request,
        "areas/grid.html",
        {
            "grid": grid,
            "total": selectors.figures_total(user, dwellings),
            "rows": [(b, by_building.get(b.pk, selectors.Figures())) for b in buildings],
        },
    )


@login_required
@require_GET
def estate_list(request: HttpRequest) -> HttpResponse:
    form = EstateFilterForm(request.GET or None, user=request.user)
    page = paginate(request, selectors.estates(request.user, form.filters()))
    page.object_list = selectors.with_estate_figures(request.user, page.object_list)
    return render_page(
        request, "areas/estate_list.html", {"form": form, "page_obj": page}, partial="results"
    )


@login_required
@require_GET
def estate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The compound's file: its facts, and one tab per capability."""
    estate = selectors.estate_for(request.user, pk)
    tabs = tabs_for(request.user, estate)
    key = request.GET.get("tab") or (tabs[0].key if tabs else "")
    tab = next((t for t in tabs if t.key == key), None)
    if tab is None:
        raise Http404
    context = {"estate": estate, "tabs": tabs, "tab": tab, **tab.context(request, estate)}
    return render_page(request, "areas/estate.html", context, partial="tab")


def overview_tab(request: HttpRequest, estate: Estate) -> dict[str, Any]:
    user = request.user
    dwellings = selectors.visible_dwellings(user, estate=estate)
    sources = dict(
        dwellings.order_by()
        .values_list("area_source")
        .annotate(n=Count("pk"))
        .values_list("area_source", "n")
    )
    neighbours = [
        {
            "name": e["name"],
            "value": [float(e["longitude"]), float(e["latitude"])],
            "self": e["pk"] == estate.pk,
        }
        # The compound's own district: a province-wide scope would send every compound.
        for e in selectors.estates(user)
        .filter(
            longitude__isnull=False,
            community__subdistrict__district_id=estate.community.subdistrict.district_id,
        )
        .values("pk", "name", "longitude", "latitude")
    ]
    return {
        "figures": selectors.figures_total(user, dwellings),
        "area_sources": [(label, sources.get(value, 0)) for value, label in AreaSource.choices],
        "positions_json": json.dumps(neighbours, ensure_ascii=False),
    }


def buildings_tab(request: HttpRequest, estate: Estate) -> dict[str, Any]:
    user = request.user
    dwellings = selectors.visible_dwellings(user, estate=estate)
    figures = selectors.figures_by(user, "building_id", dwellings)
    buildings = list(selectors.buildings(user, estate=estate))
    return {"building_rows": [(b, figures.get(b.pk, selectors.Figures())) for b in buildings]}


def history_tab(request: HttpRequest, estate: Estate) -> dict[str, Any]:
    return {"events": selectors.estate_history(request.user, estate)[:50]}


@login_required
@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A building's entrances, floor by floor, each dwelling a link."""
    user = request.user
    building = selectors.building_for(user, pk)
    dwellings = list(
        selectors.visible_dwellings(user, building=building)
        .select_related("entrance")
        .order_by("entrance_id", "-floor", "number")
    )
    entrances: dict[Any, dict[int, list[Dwelling]]] = {}
    for d in dwellings:
        entrances.setdefault(d.entrance, {}).setdefault(d.floor, []).append(d)
    floors = sorted({d.floor for d in dwellings}, reverse=True)
    return render(
        request,
        "areas/building.html",
        {
            "building": building,
            "entrances": [
                (e, [(f, by_floor.get(f, [])) for f in floors]) for e, by_floor in entrances.items()
            ],
            "floors": floors,
            "total": selectors.figures_total(
                user, selectors.visible_dwellings(user, building=building)
            ),
        },
    )


# --- the register list and a dwelling --------------------------------------------------------


@login_required
@require_GET
def dwelling_list(request: HttpRequest) -> HttpResponse:
    """The register list: every visible household, searchable by name and address."""
    form = DwellingFilterForm(request.GET or None, user=request.user)
    page = paginate(
        request, selectors.register_ids(selectors.dwellings(request.user, form.filters()))
    )
    page.object_list = selectors.register_rows(list(page.object_list))
    return render_page(
        request, "areas/dwelling_list.html", {"form": form, "page_obj": page}, partial="results"
    )


@login_required
@require_GET
def dwelling_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dwelling = selectors.dwelling_for(request.user, pk)
    people = selectors.dwelling_people(dwelling)
    return render(
        request,
        "areas/dwelling.html",
        {"dwelling": dwelling, "pii": PiiPolicy(request.user, [dwelling.pk]), **people},
    )


# --- import and export -----------------------------------------------------------------------


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import(request.user):
        raise Http404
    return FileResponse(
        importer.template_workbook(),
        as_attachment=True,
        filename="xinju-register-template.xlsx",
        content_type=exporter.XLSX,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a filled template. Small files are checked and written at once; large ones run
    as a background task whose progress the job page shows."""
    if not permissions.can_import(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("areas:import-job", pk=job.pk)
    jobs = selectors.import_jobs(request.user)[:10]
    return render(request, "areas/import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_job(request: HttpRequest, pk: str) -> HttpResponse:
    job = selectors.import_job_for(request.user, pk)
    errors = job.errors or []
    return render_page(
        request,
        "areas/import_job.html",
        {
            "job": job,
            "errors": errors,
            "error_count": (job.counts or {}).get("problems", len(errors)),
        },
        partial="status",
    )


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The register within the user's scope (and the list's filters, from the query string)
    as xlsx: written at once when small, by a background task when large."""
    form = DwellingFilterForm(request.GET or None, user=request.user)
    result = services.request_export(actor=request.user, filters=form.cleaned())
    if result.job:
        return redirect("areas:export-job", pk=result.job.pk)
    if result.stream:
        return FileResponse(
            result.stream,
            as_attachment=True,
            filename="xinju-register.xlsx",
            content_type=exporter.XLSX,
        )
    messages.info(request, _("There is nothing to export in your scope with these filters."))
    return redirect(reverse("areas:dwellings") + "?" + request.GET.urlencode())


@login_required
@require_GET
def export_job(request: HttpRequest, pk: str) -> HttpResponse:
    job = selectors.export_job_for(request.user, pk)
    return render_page(request, "areas/export_job.html", {"job": job}, partial="status")


@login_required
@require_GET
def export_download(request: HttpRequest, pk: str) -> HttpResponse:
    job = selectors.export_job_for(request.user, pk)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"xinju-register-{job.created_at:%Y%m%d-%H%M}.xlsx",
        content_type=exporter.XLSX,
    )
