"""People of the register and their ties to dwellings.

- Person: a natural person, with the personal data (ID number, mobile) that is masked for
  everyone who does not need it.
- Ownership: the title over a dwelling, current until `ended_on`; Owner rows name who holds
  it — one person, several co-owners, or an organisation (an enterprise's staff housing, a
  developer's unsold units). The set of holders is the *owner identity* the owners' meeting
  counts (Interp. art. 9); the area is the dwelling's exclusive area and its source.
- Residency: who lives in a dwelling, as owner, family member or tenant.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinju.areas.models import Dwelling
from xinju.core.identifiers import mask_id_number, mask_mobile, validate_id_number, validate_mobile


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonQuerySet(models.QuerySet):
    """A person is visible where one of their current homes or titles is."""

    def visible_to(self, user: Any, *, roles: Any = None) -> PersonQuerySet:
        dwellings = Dwelling.objects.visible_to(user, roles=roles).values("pk")
        return self.filter(
            Q(pk__in=Residency.objects.current().filter(dwelling__in=dwellings).values("person_id"))
            | Q(
                pk__in=Owner.objects.filter(
                    ownership__in=Ownership.objects.current().filter(dwelling__in=dwellings),
                    person__isnull=False,
                ).values("person_id")
            )
        )


class Person(models.Model):
    name = models.CharField(_("name"), max_length=64, db_index=True)
    # Chinese names sort by their pinyin (pypinyin), kept beside the name.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, db_index=True)
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_id_number],
    )
    phone = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_pinyin", "id"]

    def __str__(self) -> str:
        return self.name

    def as_audit(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number": mask_id_number(self.id_number),
            "phone": mask_mobile(self.phone),
            "gender": self.gender,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }


class TitleStatus(models.TextChoices):
    """Interp. art. 9(a): unsold and sold-but-undelivered units all count as one head."""

    DELIVERED = "delivered", _("Sold and delivered")
    UNSOLD = "unsold", _("Unsold (developer)")
    UNDELIVERED = "undelivered", _("Sold, not yet delivered")


class OwnershipQuerySet(models.QuerySet):
    def current(self) -> OwnershipQuerySet:
        return self.filter(ended_on__isnull=True)

    def visible_to(self, user: Any, *, roles: Any = None) -> OwnershipQuerySet:
        return self.filter(dwelling__in=Dwelling.objects.visible_to(user, roles=roles).values("pk"))


class Ownership(models.Model):
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="ownerships"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TitleStatus.choices, default=TitleStatus.DELIVERED
    )
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    started_on = models.DateField(_("held since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["dwelling_id", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(ended_on__isnull=True),
                name="one_current_title_per_dwelling",
            )
        ]

    def __str__(self) -> str:
        return _("Title of dwelling #%(id)s") % {"id": self.dwelling_id}


class Owner(models.Model):
    """One holder on a title: a person or an organisation, never both."""

    ownership = models.ForeignKey(
        Ownership, verbose_name=_("ownership"), on_delete=models.CASCADE, related_name="owners"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    # Co-owners are one voter; they name who casts the vote (owners-votes.md).
    is_representative = models.BooleanField(_("casts the vote"), default=False)

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["ownership_id", "-is_representative", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="owner_is_person_or_organization",
            ),
            models.UniqueConstraint(
                fields=["ownership", "person"],
                condition=Q(person__isnull=False),
                name="unique_person_on_title",
            ),
            models.UniqueConstraint(
                fields=["ownership", "organization"],
                condition=Q(organization__isnull=False),
                name="unique_organization_on_title",
            ),
            # Co-owners are one voter: at most one of them casts the vote.
            models.UniqueConstraint(
                fields=["ownership"],
                condition=Q(is_representative=True),
                name="one_representative_per_title",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.organization)


class Relation(models.TextChoices):
    OWNER = "owner", _("Owner")
    FAMILY = "family", _("Family member")
    TENANT = "tenant", _("Tenant")
    OTHER = "other", _("Other")


class ResidencyQuerySet(models.QuerySet):
    def current(self) -> ResidencyQuerySet:
        return self.filter(moved_out_on__isnull=True)

    def visible_to(self, user: Any, *, roles: Any = None) -> ResidencyQuerySet:
        return self.filter(dwelling__in=Dwelling.objects.visible_to(user, roles=roles).values("pk"))


class Residency(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="residencies"
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="residencies"
    )
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    is_head = models.BooleanField(_("head of household"), default=False)
    moved_in_on = models.DateField(_("moved in"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out"), null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["dwelling_id", "-is_head", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "dwelling"],
                condition=Q(moved_out_on__isnull=True),
                name="one_current_residency_per_person_and_dwelling",
            ),
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(is_head=True, moved_out_on__isnull=True),
                name="one_current_head_per_dwelling",
            ),
        ]
        indexes = [models.Index(fields=["dwelling", "moved_out_on"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.dwelling_id}"
