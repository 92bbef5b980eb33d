"""Shantytown expropriation projects (棚改征收): which compounds a decision covers.

A compound in an expropriation project is demolished, not renewed: the renewal programme
refuses it (renewal.md). Households, visits, valuations and agreements belong here too.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinju.areas.models import District, Estate


class ExpropriationProjectQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ExpropriationProjectQuerySet:
        """Seen by whoever sees one of its compounds."""
        return self.filter(estates__in=Estate.objects.visible_to(user).values("pk")).distinct()


class ExpropriationProject(models.Model):
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="expropriation_projects",
    )
    name = models.CharField(_("name"), max_length=100)
    estates = models.ManyToManyField(
        Estate, verbose_name=_("compounds"), related_name="expropriation_projects"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ExpropriationProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("expropriation project")
        verbose_name_plural = _("expropriation projects")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_expropriation_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.district_id
