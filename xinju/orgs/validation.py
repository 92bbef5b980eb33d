"""Normalising what people type for an organisation: one set of rules for the service and
the admin's form."""

from __future__ import annotations

from typing import Any

from xinju.core.exceptions import InvalidInput
from xinju.core.identifiers import clean_text, compact, normalize_credit_code, normalize_mobile


def normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Values with names trimmed and codes in their stored form; InvalidInput names the field."""
    out = dict(values)
    for key in ("name", "short_name", "contact_person", "address"):
        if key in out:
            out[key] = clean_text(out[key])
    if "credit_code" in out:
        out["credit_code"] = compact(out["credit_code"]) or None
    if out.get("credit_code"):
        try:
            out["credit_code"] = normalize_credit_code(out["credit_code"])
        except ValueError as exc:
            raise InvalidInput(str(exc), field="credit_code") from exc
    if out.get("contact_phone"):
        try:
            out["contact_phone"] = normalize_mobile(out["contact_phone"])
        except ValueError as exc:
            raise InvalidInput(str(exc), field="contact_phone") from exc
    return out
