"""Reads of expropriation projects other apps rely on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinju.areas.models import Estate

from .models import ExpropriationProject


def expropriation_exclusions(estate: Estate) -> str | None:
    """Why a compound cannot be renewed because it is to be expropriated, or None."""
    project = ExpropriationProject.objects.filter(estates=estate).order_by("pk").first()
    if project is None:
        return None
    return _(
        "%(estate)s is in the expropriation project “%(project)s”: it will be demolished, "
        "not renewed."
    ) % {"estate": estate.name, "project": project.name}
