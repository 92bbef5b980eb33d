"""Pages core owns: the audit trail (headquarters) and the error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from . import selectors
from .permissions import can_read_audit


def paginate(request: HttpRequest, qs: Any, per_page: int | None = None) -> Page:
    """The requested page of a queryset; a page number out of range gives the last page."""
    paginator = Paginator(qs, per_page or settings.XINJU_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str | None = None
) -> HttpResponse:
    """The whole page, or only its `partial` block when HTMX asks for it.

    A history-restore request (htmx rebuilding a page for the Back button) wants the whole
    page; and since one URL answers two ways, caches are told the answer varies by HX-Request.
    """
    htmx = getattr(request, "htmx", None)
    wants_fragment = bool(
        partial and htmx and not htmx.boosted and not htmx.history_restore_request
    )
    response = render(request, f"{template}#{partial}" if wants_fragment else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    """Who changed what and when, filterable by actor, verb, object type and dates. HQ only."""
    if not can_read_audit(request.user):
        raise Http404
    filters = selectors.AuditFilters(
        actor=request.GET.get("actor", "").strip(),
        verb=request.GET.get("verb", "").strip(),
        type=request.GET.get("type", "").strip(),
        object=request.GET.get("object", "").strip(),
        since=_date(request.GET.get("since")),
        until=_date(request.GET.get("until")),
    )
    page = paginate(request, selectors.audit_events(request.user, filters))
    return render_page(
        request,
        "core/audit.html",
        {"page_obj": page, "filters": filters, **selectors.audit_choices(request.user)},
        partial="results",
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
