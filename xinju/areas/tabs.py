"""The tabs of a compound page ("one compound, one file").

The register contributes the first tabs; each later capability (renewal, consultation,
governance, property service…) registers its own in its AppConfig.ready():

    from xinju.areas.tabs import EstateTab, register_tab
    register_tab(EstateTab(key="renewal", label=_("Renewal"), order=20,
                           template="renewal/estate_tab.html", context=renewal_tab_context))

A tab's `context(request, estate)` returns the template's context (reads through the app's
own selectors, so scope holds), and `visible(user, estate)` hides it from whom it does not
concern. The page renders the chosen tab; HTMX swaps tabs without reloading the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


def _always(user: Any, estate: Any) -> bool:
    return True


@dataclass(frozen=True)
class EstateTab:
    key: str
    label: Any
    order: int
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]
    visible: Callable[[Any, Any], bool] = field(default=_always)


_TABS: dict[str, EstateTab] = {}


def register_tab(tab: EstateTab) -> None:
    _TABS[tab.key] = tab


def tabs_for(user: Any, estate: Any) -> list[EstateTab]:
    return sorted((t for t in _TABS.values() if t.visible(user, estate)), key=lambda t: t.order)
