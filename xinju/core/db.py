"""Database expressions that give the same exact answer on PostgreSQL and SQLite."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import BigIntegerField, F, Q, Sum
from django.db.models.functions import Cast, Coalesce, Round

# The largest primary key a database row can have (a signed 64-bit integer). A larger "id"
# in a URL or a form belongs to nobody; checked before it reaches the database, where
# SQLite and PostgreSQL would fail on it differently.
ID_MAX = 2**63 - 1


def exact_sum(field: str, places: int = 2, *, filter: Q | None = None) -> Coalesce:
    """Sum a DecimalField exactly, as an integer count of its smallest unit (cents for money,
    hundredths of m² for areas). SQLite keeps decimals as binary floats, whose sums drift;
    rounding each value to its unit before adding makes the total exact everywhere."""
    return Coalesce(Sum(Cast(Round(F(field) * 10**places), BigIntegerField()), filter=filter), 0)


def from_units(units: int | None, places: int = 2) -> Decimal:
    """Turn an exact_sum() result back into a Decimal with `places` decimals."""
    return Decimal(units or 0).scaleb(-places).quantize(Decimal(1).scaleb(-places))
