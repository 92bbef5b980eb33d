"""What a valid answer to a survey is: pure functions over the questions as data
(`Question.as_spec()`), so the page, the API, the offline phone and the paper entry all check
answers the same way.

An answer set is a mapping from question key to value:
- single: one of the choice values; multiple: a list of distinct choice values;
- menu: the catalog item codes the household picked, most wanted first, at most `max_ranked`;
- consent: true or false; rating: a whole number from 1 to `rating_max`;
- text: a string (at most 2,000 characters); photo: the token of an uploaded photo.
A question hidden by its `show_if` condition is not asked: its answer is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

TEXT_LIMIT = 2000
TRUE_WORDS = {True, "true", "yes", "1", "是", "同意"}
FALSE_WORDS = {False, "false", "no", "0", "否", "不同意"}


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def is_shown(spec: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    condition = spec.get("show_if")
    if not condition:
        return True
    given = values.get(condition.get("question"))
    wanted = condition.get("equals")
    return wanted in given if isinstance(given, list) else given == wanted


def _choice_values(spec: Mapping[str, Any]) -> list[Any]:
    return [c["value"] if isinstance(c, Mapping) else c for c in spec.get("choices") or []]


def _check(spec: Mapping[str, Any], value: Any) -> tuple[Any, str | None]:
    """The cleaned value, or an error message."""
    kind = spec["kind"]
    if kind == "single":
        return (
            (value, None)
            if value in _choice_values(spec)
            else (None, _("Choose one of the options."))
        )
    if kind in ("multiple", "menu"):
        if not isinstance(value, list) or len(set(map(str, value))) != len(value):
            return None, _("Choose each option at most once.")
        allowed = set(map(str, _choice_values(spec)))
        if any(str(v) not in allowed for v in value):
            return None, _("Choose among the options offered.")
        limit = spec.get("max_ranked")
        if kind == "menu" and limit and len(value) > limit:
            return None, _("Rank at most %(n)s items.") % {"n": limit}
        return [str(v) for v in value], None
    if kind == "consent":
        word = value.strip().lower() if isinstance(value, str) else value
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, _("Answer yes or no.")
    if kind == "rating":
        top = spec.get("rating_max") or 5
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0
        if not 1 <= number <= top:
            return None, _("Give a rating from 1 to %(n)s.") % {"n": top}
        return number, None
    if kind in ("text", "photo"):
        text = str(value).strip()
        if len(text) > TEXT_LIMIT:
            return None, _("Write at most %(n)s characters.") % {"n": TEXT_LIMIT}
        return text, None
    return None, _("Unknown question type.")


def clean(
    specs: Iterable[Mapping[str, Any]], values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(cleaned answers, errors), each error {"field": question key, "message": …}. Every
    problem is reported, not only the first."""
    specs = list(specs)
    keys = {s["key"] for s in specs}
    errors = [
        {"field": str(k), "message": _("There is no such question.")}
        for k in values
        if k not in keys
    ]
    cleaned: dict[str, Any] = {}
    for spec in sorted(specs, key=lambda s: s.get("order", 0)):
        key = spec["key"]
        if not is_shown(spec, cleaned):
            continue
        value = values.get(key)
        if _blank(value):
            if spec.get("required"):
                errors.append({"field": key, "message": _("This question needs an answer.")})
            continue
        checked, problem = _check(spec, value)
        if problem:
            errors.append({"field": key, "message": problem})
        else:
            cleaned[key] = checked
    return cleaned, errors


def consents(specs: Iterable[Mapping[str, Any]], cleaned: Mapping[str, Any]) -> bool | None:
    """The household's consent to the renewal: its answer to the (first) consent question."""
    for spec in specs:
        if spec["kind"] == "consent" and spec["key"] in cleaned:
            return bool(cleaned[spec["key"]])
    return None
