"""Every read of the needs surveys: surveys within scope, the household behind a code, the
response funnel and the consent rate against the batch's rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from xinju.areas.models import Dwelling
from xinju.core.db import parse_id
from xinju.core.exceptions import NotFound
from xinju.renewal import rules

from .models import HouseholdCode, Response, Submission, Survey

FUNNEL_KEYS = {
    "building": ("building_id", "building__number"),
    "grid": ("building__grid_id", "building__grid__name"),
}


def surveys(user: Any) -> QuerySet[Survey]:
    return Survey.objects.visible_to(user).select_related("project__estate", "project__batch")


def survey_for(user: Any, pk: Any) -> Survey:
    key = parse_id(pk)
    survey = surveys(user).filter(pk=key).first() if key else None
    if survey is None:
        raise NotFound(_("Not found."))
    return survey


def normalise_code(text: str) -> str:
    """A code as typed from a letter: spaces and dashes dropped, letters upper-cased."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def household_for_code(code: str) -> HouseholdCode:
    """The active code's household; a wrong or revoked code is NotFound (the same answer)."""
    found = (
        HouseholdCode.objects.active()
        .select_related("dwelling__estate", "dwelling__building", "dwelling__entrance")
        .filter(code=normalise_code(code))
        .first()
    )
    if found is None:
        raise NotFound(_("This household code is not valid."))
    return found


@dataclass
class FunnelRow:
    key: Any
    label: str
    households: int = 0
    reached: int = 0  # some submission arrived, counted or not
    answered: int = 0  # a counted answer
    consenting: int = 0


def funnel(survey: Survey, by: str = "building") -> list[FunnelRow]:
    """households → reached → answered → consenting, per building or grid: one query."""
    key, label = FUNNEL_KEYS[by]
    answered = Response.objects.filter(survey=survey, dwelling=OuterRef("pk"))
    rows = (
        Dwelling.objects.filter(estate_id=survey.project.estate_id)
        .annotate(
            _reached=Exists(Submission.objects.filter(survey=survey, dwelling=OuterRef("pk"))),
            _answered=Exists(answered),
            _consents=Exists(answered.filter(consents=True)),
        )
        .order_by()
        .values(key, label)
        .annotate(
            households=Count("pk"),
            reached=Count("pk", filter=Q(_reached=True)),
            answered=Count("pk", filter=Q(_answered=True)),
            consenting=Count("pk", filter=Q(_consents=True)),
        )
        .order_by(label)
    )
    return [
        FunnelRow(
            key=r[key],
            label=str(r[label]),
            households=r["households"],
            reached=r["reached"],
            answered=r["answered"],
            consenting=r["consenting"],
        )
        for r in rows
    ]


def to_visit(survey: Survey, grid_id: int) -> QuerySet[Dwelling]:
    """The households of a grid still without a counted answer, in walking order."""
    return (
        Dwelling.objects.filter(estate_id=survey.project.estate_id, building__grid_id=grid_id)
        .exclude(pk__in=Response.objects.filter(survey=survey).values("dwelling_id"))
        .select_related("building", "entrance")
        .order_by("building__number", "entrance__number", "floor", "number")
    )


@dataclass
class ConsentResult:
    households: int
    answered: int
    consenting: int
    rule: Fraction

    @property
    def participation(self) -> Any:
        return rules.rate(self.answered, self.households)

    @property
    def consent_rate(self) -> Any:
        return rules.rate(self.consenting, self.households)

    @property
    def meets_rule(self) -> bool:
        """The batch's rule counts the compound's households (default at least 2/3 of them),
        not only those who answered; exactly at the share meets it."""
        return self.households > 0 and Fraction(self.consenting, self.households) >= self.rule


def consent(survey: Survey) -> ConsentResult:
    """The survey's consent against its batch's consent rule: two queries."""
    batch = survey.project.batch
    households = Dwelling.objects.filter(estate_id=survey.project.estate_id).count()
    counts = Response.objects.filter(survey=survey).aggregate(
        answered=Count("pk"), consenting=Count("pk", filter=Q(consents=True))
    )
    return ConsentResult(
        households=households,
        answered=counts["answered"],
        consenting=counts["consenting"],
        rule=Fraction(batch.consent_numerator, batch.consent_denominator),
    )
