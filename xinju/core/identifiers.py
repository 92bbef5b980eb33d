"""Chinese identifiers: citizen ID numbers (GB 11643), mobile numbers, unified social credit
codes (GB 32100 with the organisation code of GB 11714), and how each is shown masked.

Normalisers accept what people actually type (full-width digits, spaces, a lower-case x, the
old 15-digit ID) and return the canonical form, or raise ValueError with a message naming
what is wrong. Validators for model and form fields wrap them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# --- text ------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """NFKC-normalise (full-width letters and digits become ASCII), trim, collapse spaces."""
    if value is None:
        return ""
    return _clean(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    # Spreadsheets repeat their values (codes, numbers, 是/否) down whole columns: remember them.
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def compact(value: object) -> str:
    """clean_text without any spaces at all (for codes and numbers)."""
    return _SPACES.sub("", clean_text(value))


# --- citizen ID numbers (GB 11643-1999) ------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID18 = re.compile(r"^[1-9]\d{16}[\dX]$")
_ID15 = re.compile(r"^[1-9]\d{14}$")


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth_date(digits8: str) -> dt.date | None:
    try:
        born = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    if born.year < 1900 or born > dt.date.today():
        return None
    return born


def normalize_id_number(value: object) -> str:
    """Return the 18-character ID number, upgrading a 15-digit one; ValueError if invalid."""
    raw = compact(value).upper()
    if not raw:
        raise ValueError(_("ID number is empty."))
    if _ID15.match(raw):
        # Pre-1999 numbers: insert the century and compute the check character.
        first17 = raw[:6] + "19" + raw[6:]
        raw = first17 + id_check_char(first17)
    if not _ID18.match(raw):
        raise ValueError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    if _birth_date(raw[6:14]) is None:
        raise ValueError(
            _("The ID number's birth date %(date)s is not a real date.") % {"date": raw[6:14]}
        )
    if id_check_char(raw[:17]) != raw[17]:
        raise ValueError(_("The ID number's check character is wrong (GB 11643)."))
    return raw


def id_number_birth_date(id_number: str) -> dt.date | None:
    return _birth_date(id_number[6:14]) if len(id_number) == 18 else None


def id_number_gender(id_number: str) -> str:
    """ "M" or "F" from the 17th digit (odd for men)."""
    return "M" if int(id_number[16]) % 2 else "F"


def validate_id_number(value: str) -> None:
    try:
        normalized = normalize_id_number(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_id_number") from exc
    if normalized != value:
        raise ValidationError(
            _("Store ID numbers in their 18-character form."), code="not_normalized"
        )


# --- mobile numbers --------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: object) -> str:
    """Return the 11-digit mainland mobile number; accepts +86, spaces and dashes."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a mobile typed into a number cell
    raw = compact(value).replace("-", "")
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("0086"):
        raw = raw[4:]
    elif raw.startswith("86") and len(raw) == 13:
        raw = raw[2:]
    if not _MOBILE.match(raw):
        raise ValueError(_("A mobile number has 11 digits and starts with 13–19."))
    return raw


def validate_mobile(value: str) -> None:
    try:
        normalized = normalize_mobile(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_mobile") from exc
    if normalized != value:
        raise ValidationError(_("Store mobile numbers as 11 digits."), code="not_normalized")


# --- unified social credit codes (GB 32100-2015) ---------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")


def credit_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 8-character organisation code (digits and A–Z)."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_credit_code(value: object) -> str:
    raw = compact(value).upper()
    if not _USCC.match(raw):
        raise ValueError(
            _(
                "A unified social credit code has 18 characters (digits and capital letters except I, O, S, V, Z)."
            )
        )
    if credit_check_char(raw[:17]) != raw[17]:
        raise ValueError(_("The credit code's check character is wrong (GB 32100)."))
    if org_code_check_char(raw[8:16]) != raw[16]:
        raise ValueError(_("The organisation code inside the credit code is wrong (GB 11714)."))
    return raw


def validate_credit_code(value: str) -> None:
    try:
        normalized = normalize_credit_code(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_credit_code") from exc
    if normalized != value:
        raise ValidationError(
            _("Store credit codes in capitals without spaces."), code="not_normalized"
        )


# --- masking ---------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """3601************3X: the region's first four and the last two characters."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_mobile(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*明 / 李*: for published lists, where a household must recognise itself only."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
