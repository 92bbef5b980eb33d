"""Turning a user's Scope into filters on the area tree.

Each area model names, for every scope kind, the lookup that leads from its rows to the node
of that kind (`SCOPE_PATHS`). Kinds that are not nodes of the tree (an organisation, a
project) are turned into a set of compounds by resolvers that their own apps register: the
property company's contracted compounds here, a contractor's or supervisor's projects in
`renewal`. A row is visible when any assignment reaches it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from xinju.accounts.models import Role, ScopeKind
from xinju.accounts.scope import Scope, scope_for

# (role, kind) → function(ids) returning a queryset of estate ids. Registered at app ready.
EstateResolver = Callable[[frozenset[int]], QuerySet]
_ESTATE_RESOLVERS: dict[tuple[str, str], EstateResolver] = {}

TREE_KINDS = (
    ScopeKind.DISTRICT,
    ScopeKind.SUBDISTRICT,
    ScopeKind.COMMUNITY,
    ScopeKind.GRID,
    ScopeKind.ESTATE,
    ScopeKind.DWELLING,
)


def register_estate_resolver(role: str, kind: str, resolver: EstateResolver) -> None:
    """Let an app say which compounds a (role, kind) assignment reaches, e.g. a contractor's."""
    _ESTATE_RESOLVERS[(role, kind)] = resolver


Path = str | Callable[[frozenset[int]], Q] | None


def scope_q(
    user: Any,
    paths: dict[str, Path],
    *,
    roles: Iterable[str] | None = None,
    estate_path: Path = None,
) -> Q | None:
    """The filter for rows the user's assignments reach, or None when nothing is reached.

    `paths[kind]` is the lookup from the model to that kind's id, or a function of the ids
    returning a Q (for reverse relations, as a subquery so rows are not repeated), or None
    when the kind does not reach this model. `estate_path` is the lookup to the compound's id, used for resolvers.
    """
    scope: Scope = scope_for(user, roles)
    q = Q()
    reached = False
    for (role, kind), ids in scope.grants.items():
        path = paths.get(kind)
        if kind in TREE_KINDS:
            if path is None:
                continue
            q |= path(ids) if callable(path) else Q(**{f"{path}__in": ids})
            reached = True
            continue
        resolver = _ESTATE_RESOLVERS.get((role, kind))
        if resolver is None or estate_path is None:
            continue
        estates = resolver(ids)
        q |= estate_path(estates) if callable(estate_path) else Q(**{f"{estate_path}__in": estates})
        reached = True
    return q if reached else None


def restrict(
    qs: QuerySet,
    user: Any,
    paths: dict[str, Path],
    *,
    roles: Iterable[str] | None = None,
    estate_path: Path = None,
) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    q = scope_q(user, paths, roles=roles, estate_path=estate_path)
    return qs.none() if q is None else qs.filter(q)


def property_company_estates(ids: frozenset[int]) -> QuerySet:
    from .models import Estate

    return Estate.objects.filter(property_company_id__in=ids).values("pk")


register_estate_resolver(Role.PROPERTY, ScopeKind.ORGANIZATION, property_company_estates)
