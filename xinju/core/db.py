"""Database helpers: expressions that give the same exact answer on PostgreSQL and SQLite,
row ids from user input, and saving under a uniqueness constraint."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, F, Model, Q, Sum
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


def parse_id(value: object) -> int | None:
    """A row id from a URL, a query string or a form, or None for anything that cannot be one
    (text, "²" — isdigit() but not int() —, zero, or beyond ID_MAX)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def save_unique(obj: Model, *, conflict: str, field: str, force_insert: bool = True) -> None:
    """Save a row whose uniqueness the database guarantees; a duplicate (a second try, or two
    requests at once) becomes a Conflict naming `field`, and the caller's transaction goes on."""
    from .exceptions import Conflict

    try:
        with transaction.atomic():
            obj.save(force_insert=force_insert)
    except IntegrityError:
        raise Conflict(conflict, field=field) from None
