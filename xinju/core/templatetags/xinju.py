"""Template helpers: breadcrumbs through the area tree, numbers, masked personal data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


def _chain(obj: Any) -> list[tuple[str, str]]:
    """(label, url) from the subdistrict down to obj, using relations already loaded."""
    from xinju.areas.models import Building, Community, Dwelling, Estate, Grid, Subdistrict

    if isinstance(obj, Subdistrict):
        return [(obj.name, reverse("areas:subdistrict", args=[obj.pk]))]
    if isinstance(obj, Community):
        return [*_chain(obj.subdistrict), (obj.name, reverse("areas:community", args=[obj.pk]))]
    if isinstance(obj, Grid):
        return [*_chain(obj.community), (obj.name, reverse("areas:grid", args=[obj.pk]))]
    if isinstance(obj, Estate):
        return [*_chain(obj.community), (obj.name, reverse("areas:estate", args=[obj.pk]))]
    if isinstance(obj, Building):
        return [*_chain(obj.estate), (obj.label, reverse("areas:building", args=[obj.pk]))]
    if isinstance(obj, Dwelling):
        return [
            *_chain(obj.building),
            (f"{obj.entrance.number}-{obj.number}", reverse("areas:dwelling", args=[obj.pk])),
        ]
    return []


@register.inclusion_tag("includes/breadcrumbs.html")
def crumbs(obj: Any, current: bool = True) -> dict[str, Any]:
    chain = _chain(obj)
    if current and chain:
        chain[-1] = (chain[-1][0], "")
    return {"crumbs": chain}


@register.filter
def num(value: Any, style: str = "") -> str:
    """58288 → 58,288; Decimal('123456.70') → 123,456.70, Decimal('75') → 75 (a Decimal keeps
    its own places; groups of three in every language, as Chinese statistics print them).
    `num:"trim"` drops the places of a whole quantity: 62.00 buildings read 62, 2.64 km stay."""
    if value is None or value == "":
        return "0"
    if isinstance(value, Decimal):
        if style == "trim" and value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return f"{value:,.{places}f}"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def percent(part: Any, whole: Any) -> str:
    try:
        return f"{100 * part / whole:.1f}%"
    except (TypeError, ZeroDivisionError):
        return "—"


@register.simple_tag(takes_context=True)
def pii_id(context: Any, person: Any) -> str:
    """A person's ID number, masked unless the page's PiiPolicy lets this user see it."""
    return (
        context["pii"].id_number(person.id_number, context["dwelling"].pk, person=person.pk) or "—"
    )


@register.simple_tag(takes_context=True)
def pii_phone(context: Any, person: Any) -> str:
    return context["pii"].phone(person.phone or "", context["dwelling"].pk, person=person.pk) or "—"
