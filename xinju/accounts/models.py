"""Users, the roles they hold (each scoped to one node), and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ = "hq", _("Headquarters")
    DEPARTMENT = "department", _("Department")
    SUBDISTRICT = "subdistrict", _("Subdistrict office")
    COMMUNITY = "community", _("Community worker")
    GRID = "grid", _("Grid worker")
    SUPERVISOR = "supervisor", _("Volunteer supervisor")
    CONTRACTOR = "contractor", _("Contractor")
    PROPERTY = "property", _("Property company")
    COMMITTEE = "committee", _("Owners' committee")
    RESIDENT = "resident", _("Resident")


class ScopeKind(models.TextChoices):
    """What a role assignment is scoped to. The id points into the app that owns the kind."""

    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    ESTATE = "estate", _("Compound")
    DWELLING = "dwelling", _("Dwelling")
    ORGANIZATION = "organization", _("Organisation")
    PROJECT = "project", _("Project")


# Which scope kinds each role may be given (DESIGN.md, "Who uses it").
ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.HQ: (ScopeKind.DISTRICT,),
    Role.DEPARTMENT: (ScopeKind.DISTRICT,),
    Role.SUBDISTRICT: (ScopeKind.SUBDISTRICT,),
    Role.COMMUNITY: (ScopeKind.COMMUNITY,),
    Role.GRID: (ScopeKind.GRID,),
    Role.SUPERVISOR: (ScopeKind.PROJECT, ScopeKind.ESTATE),
    Role.CONTRACTOR: (ScopeKind.ORGANIZATION,),
    Role.PROPERTY: (ScopeKind.ORGANIZATION,),
    Role.COMMITTEE: (ScopeKind.ESTATE,),
    Role.RESIDENT: (ScopeKind.DWELLING,),
}


class UserManager(BaseUserManager):
    def visible_to(self, user: Any) -> models.QuerySet:
        """A user reads their own account; superusers (the admin) read all accounts."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all() if user.is_superuser else self.filter(pk=user.pk)


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RoleAssignmentQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(user=user)


class RoleAssignment(models.Model):
    """One role over one node. A user's reach is the union of their assignments.

    The scope is a (kind, id) pair rather than a foreign key because the nodes live in apps
    that depend on this one (areas, orgs, renewal); services check that the node exists.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    scope_kind = models.CharField(_("scope kind"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(_("scope id"))
    scope_label = models.CharField(_("scope"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role", "scope_kind", "scope_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_kind", "scope_id"], name="unique_role_assignment"
            )
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_id"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.scope_label or self.scope_id}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ApiTokenQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ApiToken(models.Model):
    """A bearer token for /api/v1. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
