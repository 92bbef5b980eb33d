"""Reads of the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .db import parse_id
from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    verb: str = ""
    type: str = ""
    object: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_events(user: Any, f: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.visible_to(user).select_related("target_type")
    if f.actor:
        events = events.filter(actor_label__icontains=f.actor)
    if f.verb:
        events = events.filter(verb__startswith=f.verb)
    if f.type:
        type_id = parse_id(f.type)
        events = events.filter(target_type_id=type_id) if type_id else events.none()
    if f.object:
        events = events.filter(target_label__icontains=f.object)
    if f.since:
        events = events.filter(at__date__gte=f.since)
    if f.until:
        events = events.filter(at__date__lte=f.until)
    return events


def audit_choices(user: Any) -> dict[str, Any]:
    """The object types and verbs that occur in the trail, for the filter menus."""
    visible = AuditEvent.objects.visible_to(user).order_by()
    types = ContentType.objects.filter(pk__in=visible.values("target_type_id").distinct()).order_by(
        "app_label", "model"
    )
    verbs = visible.order_by("verb").values_list("verb", flat=True).distinct()
    return {"types": list(types), "verbs": list(verbs)}
