"""Writes of expropriation projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinju.accounts.models import Role
from xinju.areas.models import District, Estate
from xinju.core import audit
from xinju.core.db import save_unique
from xinju.core.exceptions import InvalidInput, PermissionDenied

from .models import ExpropriationProject


@transaction.atomic
def open_project(
    *,
    actor: Any,
    district: District,
    name: str,
    estates: Sequence[Estate],
    decided_on: dt.date | None = None,
    launched_on: dt.date | None = None,
    note: str = "",
) -> ExpropriationProject:
    """Record an expropriation decision covering compounds of one district.

    Who: headquarters of that district (or the system, actor None, for the demo).
    Guarantees: every compound is in the district; one project of a name per district (a
    second answers Conflict); the project and its audit event are written together.
    """
    if (
        actor is not None
        and not District.objects.visible_to(actor, roles=[Role.HQ]).filter(pk=district.pk).exists()
    ):
        raise PermissionDenied(_("Only headquarters opens expropriation projects."))
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the project a name."), field="name")
    foreign = [e.name for e in estates if e.community.subdistrict.district_id != district.pk]
    if foreign:
        raise InvalidInput(
            _("Not in this district: %(names)s") % {"names": "、".join(foreign)}, field="estates"
        )
    # A compound is renewed or demolished, not both: one already in the renewal programme
    # must first be withdrawn from its batch (renewal refuses the reverse, see renewal.md).
    renewing = [
        e.name
        for e in Estate.objects.filter(
            pk__in=[e.pk for e in estates], renewal_project__isnull=False
        ).order_by("code")
    ]
    if renewing:
        raise InvalidInput(
            _("In the renewal programme; withdraw them from their batch first: %(names)s")
            % {"names": "、".join(renewing)},
            field="estates",
        )
    project = ExpropriationProject(
        district=district, name=name, decided_on=decided_on, launched_on=launched_on, note=note
    )
    save_unique(
        project,
        conflict=_("%(district)s already has an expropriation project named “%(name)s”.")
        % {"district": district.name, "name": name},
        field="name",
    )
    project.estates.set(estates)
    audit.record(
        actor=actor,
        verb="expropriation.project.open",
        target=project,
        after={"name": name, "estates": [e.pk for e in estates]},
    )
    return project
