"""Template context every page needs: the user's roles, for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from xinju.accounts.scope import assignments, role_names

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set(), "nav_role_names": []}
    return {
        "nav_roles": {a.role for a in assignments(user)},
        "nav_role_names": role_names(user),
    }
