"""Base models and the audit trail every service writes to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are never changed or removed once written (audit events, ballots, payments).

    Corrections are new rows pointing at what they correct.
    """

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are append-only")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Headquarters reads the trail of its own district(s); superusers read it all,
        including installation-wide changes (accounts, organisations). Nobody else reads it."""
        from xinju.accounts.scope import scope_for

        from .permissions import can_read_audit

        if not can_read_audit(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(district_id__in=scope_for(user, roles=["hq"]).ids("district"))


class AuditEvent(AppendOnlyModel):
    """Who did what to which object, when, with the state before and after.

    Written by `xinju.core.audit.record` inside the service's transaction, so an event exists
    exactly when its change does. Personal data in `before`/`after` is stored masked.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept beside the key so the trail reads well even for system jobs and renamed users.
    actor_label = models.CharField(_("actor label"), max_length=150)
    verb = models.CharField(_("verb"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, on_delete=models.PROTECT
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=255, blank=True)
    # The district the change belongs to (none for installation-wide changes): headquarters
    # reads its own district's trail. An id, not a key: the area tree lives in a later app.
    district_id = models.PositiveBigIntegerField(
        _("district"), null=True, blank=True, db_index=True
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
