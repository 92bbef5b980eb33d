"""Organisations the district works with: departments, utilities, contractors, designers,
property companies, and enterprises or developers that own dwellings."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinju.core.identifiers import mask_mobile, validate_credit_code, validate_mobile


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", _("Government department")
    UTILITY = "utility", _("Utility company")
    CONTRACTOR = "contractor", _("Construction contractor")
    DESIGNER = "designer", _("Planning and design institute")
    PROPERTY = "property", _("Property company")
    ENTERPRISE = "enterprise", _("Enterprise (owner of staff housing)")
    DEVELOPER = "developer", _("Developer")


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> OrganizationQuerySet:
        """Reference data: any signed-in user may read organisations (names, codes, kinds)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()

    def of_kind(self, *kinds: str) -> OrganizationQuerySet:
        return self.filter(kind__in=kinds)


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    # Optional: real bodies named in the programme are kept without a code we cannot verify.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    contact_person = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(
        _("contact mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def as_audit(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "short_name": self.short_name,
            "credit_code": self.credit_code,
            "contact_person": self.contact_person,
            "contact_phone": mask_mobile(self.contact_phone),
            "address": self.address,
        }
