"""The scope walk: what a user's role assignments reach.

A user's reach is the union of their assignments. Each app turns a Scope into a filter on its
own models (`QuerySet.visible_to(user)`), so this module knows nothing about the area tree; it
only loads the assignments once per request and groups them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .models import Role, RoleAssignment

_CACHE_ATTR = "_xinju_assignments"


@dataclass(frozen=True)
class Scope:
    """Assignments grouped by (role, scope kind) → the ids they cover."""

    grants: dict[tuple[str, str], frozenset[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.grants

    def ids(self, kind: str, roles: Iterable[str] | None = None) -> frozenset[int]:
        wanted = set(roles) if roles is not None else None
        out: set[int] = set()
        for (role, k), ids in self.grants.items():
            if k == kind and (wanted is None or role in wanted):
                out |= ids
        return frozenset(out)

    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.grants)


def assignments(user: Any) -> list[RoleAssignment]:
    """The user's assignments, loaded once and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user_id=user.pk))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached assignments (after roles change within a request or a test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_for(user: Any, roles: Iterable[str] | None = None) -> Scope:
    """The user's scope, optionally counting only assignments of the given roles."""
    wanted = set(roles) if roles is not None else None
    grouped: dict[tuple[str, str], set[int]] = defaultdict(set)
    for a in assignments(user):
        if wanted is None or a.role in wanted:
            grouped[(a.role, a.scope_kind)].add(a.scope_id)
    return Scope({key: frozenset(ids) for key, ids in grouped.items()})


def has_role(user: Any, *roles: str) -> bool:
    return any(a.role in roles for a in assignments(user))


def role_names(user: Any) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[r]) for r in dict.fromkeys(a.role for a in assignments(user))]
