"""Who may read the audit trail."""

from __future__ import annotations

from typing import Any


def can_read_audit(user: Any) -> bool:
    """Headquarters (and superusers) read the whole trail; nobody else reads any of it."""
    from xinju.accounts.scope import has_role

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or has_role(user, "hq"))
