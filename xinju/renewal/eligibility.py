"""Whether a compound may join a renewal batch (renewal.md), and the exclusions other apps
declare: reasons a compound may not join.

The expropriation app registers one (a compound to be demolished is not renewed). Each
exclusion is a function of the compound returning a message, or None when it does not apply.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Sum
from django.utils.translation import gettext as _

from xinju.areas.models import Dwelling, Estate

from . import rules
from .models import Batch, Project

Exclusion = Callable[[Estate], "str | None"]
_EXCLUSIONS: list[Exclusion] = []


def register_exclusion(exclusion: Exclusion) -> None:
    if exclusion not in _EXCLUSIONS:
        _EXCLUSIONS.append(exclusion)


def exclusions_for(estate: Estate) -> list[str]:
    return [m for m in (fn(estate) for fn in _EXCLUSIONS) if m]


def late_built_households(batch: Batch) -> int:
    return (
        Project.objects.filter(batch=batch, late_built=True).aggregate(n=Sum("households"))["n"]
        or 0
    )


def problems(*, batch: Batch, estate: Estate) -> list[str]:
    """Every reason the compound cannot join the batch (empty when it can)."""
    problems: list[str] = []
    existing = Project.objects.filter(estate=estate).select_related("batch").first()
    if existing is not None:
        problems.append(
            _("%(estate)s is already in the %(batch)s.")
            % {"estate": estate.name, "batch": existing.batch.name}
        )
    if estate.community.subdistrict.district_id != batch.district_id:
        problems.append(
            _("%(estate)s is not in %(district)s.")
            % {"estate": estate.name, "district": batch.district.name}
        )
    problems.extend(exclusions_for(estate))
    kind = rules.eligibility_by_year(estate.built_year)
    if kind == rules.Eligibility.TOO_NEW:
        problems.append(
            _(
                "%(estate)s was built in %(year)s: only compounds built up to the end of 2005 "
                "can be renewed."
            )
            % {"estate": estate.name, "year": estate.built_year}
        )
    elif kind == rules.Eligibility.LATE_BUILT:
        households = Dwelling.objects.filter(estate=estate).count()
        already = late_built_households(batch)
        if not rules.late_built_fits(
            already=already, adding=households, target_households=batch.target_households
        ):
            cap = rules.late_built_cap(batch.target_households)
            problems.append(
                _(
                    "%(estate)s was built in %(year)s. Compounds built 2001–2005 may take at "
                    "most 15%% of the batch's %(target)s households (%(cap)s); %(already)s are "
                    "taken and this compound has %(households)s."
                )
                % {
                    "estate": estate.name,
                    "year": estate.built_year,
                    "target": batch.target_households,
                    "cap": f"{float(cap):g}",
                    "already": already,
                    "households": households,
                }
            )
    return problems
