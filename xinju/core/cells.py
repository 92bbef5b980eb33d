"""Reading spreadsheet cells the way people fill them in.

Parsers of values that repeat down a column (numbers of buildings and units, floors, areas
of one floor plan) remember their answers: a register repeats them tens of thousands of
times. (A failed parse raises, and is not remembered.)

Each parser takes a raw cell (str, int, float, date, datetime, bool or None, as python-calamine
returns them) and returns a clean value, or raises CellError with a message for the user.
Values that mean one thing only are normalised, not rejected: full-width digits, stray and
ideographic spaces, "75.3㎡", "1985年", "10栋", "是/否".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from .identifiers import clean_text, compact


class CellError(ValueError):
    """A cell that cannot be read; the message names what is expected."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def text(value: object) -> str:
    """Text with full-width characters folded and spaces collapsed; numbers without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return clean_text(value)


_UNIT_SUFFIX = re.compile(r"(平方米|平米|平方|㎡|m²|m2|sqm)$", re.IGNORECASE)
# Plain decimals, or thousands grouped by commas: "75.3", "1,234.5". Not "75,3" (a decimal
# comma, which would read as 753) nor what Python alone would accept ("1e3", "7_5").
_DECIMAL = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
AREA_MAX = Decimal("10000.00")  # m²: more is not one dwelling (and a sign of a wrong unit)


@lru_cache(maxsize=8192, typed=True)
def area(value: object) -> Decimal:
    """A positive area in m² with at most two decimals: 75.3, "75.30", "75.3㎡", "７５.３ m²"."""
    if isinstance(value, bool):
        raise CellError(_("Expected an area in m², such as 75.3."))
    if isinstance(value, (int, float)):
        raw = repr(float(value))
    else:
        raw = _UNIT_SUFFIX.sub("", compact(value))
        if re.fullmatch(r"-\s*\d+(\.\d+)?", raw):
            raise CellError(_("An area must be greater than 0."))
        if not _DECIMAL.match(raw):
            raise CellError(_("Expected an area in m², such as 75.3 (a point for decimals)."))
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
        if not number.is_finite():
            raise InvalidOperation
        if number > AREA_MAX:
            raise CellError(_("An area above 10,000 m² is not one dwelling's; check the unit."))
        rounded = number.quantize(Decimal("0.01"))
    except (InvalidOperation, ArithmeticError) as exc:
        raise CellError(_("Expected an area in m², such as 75.3.")) from exc
    # A float read from Excel may carry binary noise (64.35000000000001); real extra digits
    # (75.333) are a typing error we do not round away silently.
    if abs(rounded - number) > Decimal("0.000001"):
        raise CellError(_("An area has at most two decimal places."))
    if rounded <= 0:
        raise CellError(_("An area must be greater than 0."))
    return rounded


@lru_cache(maxsize=8192, typed=True)
def integer(value: object, *, suffixes: tuple[str, ...] = ()) -> int:
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Expected a whole number."))
        return int(value)
    if isinstance(value, int):
        return value
    raw = compact(value)
    for suffix in suffixes:
        if raw.endswith(suffix):
            raw = raw[: -len(suffix)]
            break
    if not re.fullmatch(r"-?\d+", raw):
        raise CellError(_("Expected a whole number."))
    return int(raw)


def year(value: object) -> int:
    """1985, "1985", "1985年", or a date (its year)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    try:
        number = integer(value, suffixes=("年",))
    except CellError as exc:
        raise CellError(_("Expected a year such as 1985.")) from exc
    if not 1900 <= number <= dt.date.today().year:
        raise CellError(_("Expected a year between 1900 and this year."))
    return number


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 20030501 typed into a number cell
    raw = compact(value)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(raw)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise CellError(_("%(value)s is not a real date.") % {"value": raw}) from exc
    raise CellError(_("Expected a date such as 2003-05-01."))


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "不"}


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("Expected 是 or 否 (yes or no)."))


@lru_cache(maxsize=65536, typed=True)
def label(value: object, *, suffixes: tuple[str, ...] = ()) -> str:
    """A short code such as a building, entrance or unit number: "10栋" → "10", 301.0 → "301"."""
    if isinstance(value, (dt.date, dt.datetime)):
        # Excel turns "3-1" into the first of March; the number is lost in a date.
        raise CellError(_("Excel made this cell a date; format the column as text and retype it."))
    raw = compact(text(value))
    for suffix in suffixes:
        if raw.endswith(suffix) and len(raw) > len(suffix):
            raw = raw[: -len(suffix)]
            break
    if not raw:
        raise CellError(_("This cell is required."))
    return raw


def chooser(options: dict[str, tuple[str, ...]]) -> Callable[[object], str]:
    """A parser mapping what was typed onto a stored value. `options` maps each stored value
    to the words that mean it (Chinese first, then English); the stored value itself is
    accepted too. The lookup table is built once, for a column read row after row."""
    index = {stored.lower(): stored for stored in options}
    for stored, words in options.items():
        index.update({w.lower(): stored for w in words})
    allowed = " / ".join(words[0] for words in options.values())

    def parse(value: object) -> str:
        found = index.get(text(value).lower())
        if found is None:
            raise CellError(_("Expected one of: %(allowed)s.") % {"allowed": allowed})
        return found

    return parse
