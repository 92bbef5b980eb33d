"""Writes to accounts: users, role assignments, API tokens. Every one is audited."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinju.core import audit
from xinju.core.exceptions import Conflict, InvalidInput

from . import permissions
from .models import ApiToken, RoleAssignment, User, hash_token
from .scope import forget


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a login. Anyone managing accounts (HQ, admin, commands) calls this."""
    if User.objects.filter(username=username).exists():
        raise Conflict(_("The user name %(name)s is taken.") % {"name": username}, field="username")
    user = User(
        username=username, display_name=display_name, is_staff=is_staff, is_superuser=is_superuser
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        verb="user.create",
        target=user,
        after={"username": username, "display_name": display_name, "is_staff": is_staff},
    )
    return user


@transaction.atomic
def assign_role(
    *, actor: User | None, user: User, role: str, scope_kind: str, scope_id: int
) -> RoleAssignment:
    """Give `user` a role over one node. Idempotent: an existing identical assignment is returned.

    Raises InvalidInput when the role cannot be scoped to that kind, NotFound when the node
    does not exist.
    """
    node = permissions.check_assignment(role=role, scope_kind=scope_kind, scope_id=scope_id)
    existing = RoleAssignment.objects.filter(
        user=user, role=role, scope_kind=scope_kind, scope_id=scope_id
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                scope_kind=scope_kind,
                scope_id=scope_id,
                scope_label=str(node)[:200],
            )
    except IntegrityError:  # a concurrent identical request won the race
        return RoleAssignment.objects.get(
            user=user, role=role, scope_kind=scope_kind, scope_id=scope_id
        )
    audit.record(
        actor=actor,
        verb="role.assign",
        target=assignment,
        district_id=getattr(node, "audit_district_id", None),
        after={"user": user.username, "role": role, "scope_kind": scope_kind, "scope_id": scope_id},
    )
    forget(user)
    return assignment


@transaction.atomic
def revoke_role(*, actor: User | None, assignment: RoleAssignment) -> None:
    before = {
        "user": assignment.user.username,
        "role": assignment.role,
        "scope_kind": assignment.scope_kind,
        "scope_id": assignment.scope_id,
    }
    audit.record(actor=actor, verb="role.revoke", target=assignment, before=before)
    assignment.delete()
    forget(assignment.user)


@transaction.atomic
def record_password_change(*, actor: User | None, user: User) -> None:
    """Note that a user's password was changed (in the admin); the password itself never is."""
    audit.record(actor=actor, verb="user.password", target=user, after={"password": "changed"})


@transaction.atomic
def issue_token(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the row and the key, which is never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), field="name")
    key = "xj_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:10], key_hash=hash_token(key)
    )
    audit.record(
        actor=actor,
        verb="token.issue",
        target=token,
        after={"name": token.name, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, verb="token.revoke", target=token, before={"name": token.name})
    return token


def authenticate_token(key: str) -> User | None:
    """The active user a bearer key belongs to, or None. Marks the token used (at most once a minute)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def save_user(*, actor: User | None, user: User, changed: list[str]) -> User:
    """Save changes made to a user in the admin, recording which fields changed (never the
    password hash)."""
    creating = user.pk is None
    user.save()
    # Many-to-many fields (groups, permissions) are not saved here; the password never shows.
    fields = [f for f in changed if f != "password" and not user._meta.get_field(f).many_to_many]
    audit.record(
        actor=actor,
        verb="user.create" if creating else "user.update",
        target=user,
        after={f: str(getattr(user, f, "")) for f in fields}
        | ({"password": "changed"} if "password" in changed else {}),
    )
    forget(user)
    return user
