"""Writes to organisations (from the admin, commands and imports)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from xinju.core import audit
from xinju.core.exceptions import InvalidInput

from .models import Organization
from .validation import normalised

EDITABLE = (
    "kind",
    "name",
    "short_name",
    "credit_code",
    "contact_person",
    "contact_phone",
    "address",
)


def _full_clean(org: Organization) -> None:
    try:
        org.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput("; ".join(messages), field=field, errors=[exc.message_dict]) from exc


@transaction.atomic
def create_organization(*, actor: Any, **values: Any) -> Organization:
    """Create an organisation after normalising and validating its codes. Any staff may call."""
    unknown = set(values) - set(EDITABLE) - {"is_demo"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    org = Organization(**normalised(values))
    _full_clean(org)
    org.save()
    audit.record(actor=actor, verb="organization.create", target=org, after=org.as_audit())
    return org


@transaction.atomic
def update_organization(*, actor: Any, organization: Organization, **values: Any) -> Organization:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = Organization.objects.get(pk=organization.pk).as_audit()
    for key, value in normalised(values).items():
        setattr(organization, key, value)
    _full_clean(organization)
    organization.save()
    if organization.as_audit() != before:
        audit.record(
            actor=actor,
            verb="organization.update",
            target=organization,
            before=before,
            after=organization.as_audit(),
        )
    return organization
