"""record(): the one way to write to the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEvent


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "get_username", lambda: str(actor))()


def record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    label: str | None = None,
    district_id: int | None = None,
) -> AuditEvent:
    """Append one audit event. Must be called inside the service's transaction.

    `actor` is a user, or None for a system job. `before`/`after` are JSON-ready snapshots
    (each model's `as_audit()`), with personal data already masked. The event's district is
    `district_id`, or the target's `audit_district_id` when it has one.
    """
    if district_id is None and target is not None:
        district_id = getattr(target, "audit_district_id", None)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=(label if label is not None else str(target) if target is not None else "")[
            :255
        ],
        district_id=district_id,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
