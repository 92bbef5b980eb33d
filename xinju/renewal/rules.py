"""The renewal rules with their numbers (renewal.md), as pure functions with exact arithmetic.

- Compounds completed before the end of 2000 qualify.
- Nanchang: compounds built up to the end of 2005 may be added, capped at 15% of the year's
  plan by households (exactly 15% is within the cap).
- Compounds due for expropriation or demolish-and-rebuild are excluded.
- Construction progress is the items' percentages weighted by their budgets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

QUALIFYING_BUILT_UNTIL = 2000  # completed before the end of 2000
LATE_BUILT_UNTIL = 2005  # may be added up to the end of 2005 ...
LATE_BUILT_SHARE = Fraction(15, 100)  # ... within 15% of the year's plan by households

CENT = Decimal("0.01")


class Eligibility:
    QUALIFIES = "qualifies"
    LATE_BUILT = "late_built"
    TOO_NEW = "too_new"


def eligibility_by_year(built_year: int) -> str:
    if built_year <= QUALIFYING_BUILT_UNTIL:
        return Eligibility.QUALIFIES
    if built_year <= LATE_BUILT_UNTIL:
        return Eligibility.LATE_BUILT
    return Eligibility.TOO_NEW


def late_built_cap(target_households: int) -> Fraction:
    """The most households of late-built compounds a batch may hold (exact, not rounded)."""
    return LATE_BUILT_SHARE * target_households


def late_built_fits(*, already: int, adding: int, target_households: int) -> bool:
    """Whether `adding` late-built households fit beside `already` in the batch's cap."""
    return already + adding <= late_built_cap(target_households)


def to_percent(value: Fraction) -> Decimal:
    """A percentage as a Decimal with two places, rounded half up from the exact value.

    Rounded in integers: dividing Decimals first would round to the context's 28 digits
    and could carry a value just below a half-cent onto it."""
    cents = Fraction(value) * 100
    magnitude = math.floor(abs(cents) + Fraction(1, 2))  # half up = away from zero
    return Decimal(f"{magnitude if cents >= 0 else -magnitude}e-2")  # exact, two places


def rolled_up_progress(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Progress of a project from its items' (budget, percent), weighted by budget.

    Computed exactly and rounded once, half up, to 0.01%. Items without a budget weigh
    nothing while any item has one; when no item has a budget, each item weighs the same.
    A project with no items has made no progress.
    """
    pairs = [(Fraction(b), Fraction(p)) for b, p in items]
    if not pairs:
        return Decimal("0.00")
    total = sum((b for b, _ in pairs), Fraction(0))
    if total == 0:
        value = sum((p for _, p in pairs), Fraction(0)) / len(pairs)
    else:
        value = sum((b * p for b, p in pairs), Fraction(0)) / total
    return to_percent(value)


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole as a percentage (two places, half up); None when there is no whole."""
    if not whole:
        return None
    return to_percent(Fraction(part) * 100 / Fraction(whole))
