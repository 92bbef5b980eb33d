"""What register users may do beyond reading their scope."""

from __future__ import annotations

from typing import Any

from xinju.accounts.models import Role
from xinju.accounts.scope import has_role

# Roles that keep a register: they may import into the communities of their scope.
IMPORT_ROLES = (Role.HQ, Role.SUBDISTRICT, Role.COMMUNITY)


def can_import(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and has_role(user, *IMPORT_ROLES)
    )
