"""Residents place the order (群众点单): needs surveys of a renewal project, the household codes
that open them, and the answers that come in through every channel.

A survey belongs to one project and has versions: opening a version freezes its questions;
changing them afterwards makes the next version. Every household (dwelling) has at most one
counted answer per survey (`Response`, unique in the database); each submission that changes
it is kept as an append-only `Submission`, so the history of a household's answers stays.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinju.areas.models import Dwelling
from xinju.core.models import AppendOnlyModel, AppendOnlyQuerySet
from xinju.renewal.models import Project, ProjectPartQuerySet


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.DRAFT: frozenset({SurveyStatus.OPEN}),
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    MENU = "menu", _("Renewal menu (pick and rank)")
    CONSENT = "consent", _("Consent to the renewal (yes / no)")
    RATING = "rating", _("Rating")
    TEXT = "text", _("Free text")
    PHOTO = "photo", _("Photo")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online, by the household")
    DOOR = "door", _("Door to door, by a grid worker")
    PAPER = "paper", _("Paper letter, typed in")


class SurveyQuerySet(ProjectPartQuerySet):
    """A project's surveys are seen by whoever sees the project."""


class Survey(models.Model):
    """One version of a project's needs survey."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="surveys"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(
        _("explanation"), blank=True, help_text=_("Plain words for residents: why, and how long.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")
        ordering = ["project", "version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="one_survey_version"),
            # At most one version of a project's survey is open at a time.
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="open"), name="one_open_survey"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def audit_district_id(self) -> int:
        return self.project.audit_district_id

    def as_audit(self) -> dict[str, Any]:
        return {
            "project": self.project_id,
            "version": self.version,
            "title": self.title,
            "status": self.status,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }


class QuestionQuerySet(ProjectPartQuerySet):
    PROJECT_PATH = "survey__project"


class Question(models.Model):
    """A question of one survey version. `choices` holds the options of choice questions
    ([{"value", "label"}]) and the catalog item codes a renewal menu offers; `show_if` a
    simple condition ({"question": key, "equals": value}) on an earlier question."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    max_ranked = models.PositiveSmallIntegerField(_("items to rank at most"), null=True, blank=True)
    rating_max = models.PositiveSmallIntegerField(_("highest rating"), null=True, blank=True)
    show_if = models.JSONField(_("show if"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="unique_question_key"),
        ]

    def __str__(self) -> str:
        return self.text

    def as_spec(self) -> dict[str, Any]:
        """The question as data: what a new version copies and what validation reads."""
        return {
            "key": self.key,
            "order": self.order,
            "kind": self.kind,
            "text": self.text,
            "help_text": self.help_text,
            "required": self.required,
            "choices": self.choices,
            "max_ranked": self.max_ranked,
            "rating_max": self.rating_max,
            "show_if": self.show_if,
        }


class HouseholdCodeQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> HouseholdCodeQuerySet:
        return self.filter(dwelling__in=Dwelling.objects.visible_to(user).values("pk"))

    def active(self) -> HouseholdCodeQuerySet:
        return self.filter(revoked_at__isnull=True)


class HouseholdCode(models.Model):
    """The code on a household's letter: it opens that household's surveys and suggestions,
    and nothing else. Revoked codes stay, so a reprinted letter is a new code."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.CASCADE, related_name="codes"
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = HouseholdCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("household code")
        verbose_name_plural = _("household codes")
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_code_per_dwelling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code[:3]}…"  # never the whole code in a log or a list

    @property
    def audit_district_id(self) -> int:
        return self.dwelling.estate.community.subdistrict.district_id


class ResponseQuerySet(ProjectPartQuerySet):
    PROJECT_PATH = "survey__project"


class Response(models.Model):
    """A household's counted answer to a survey: one per (survey, dwelling), by a database
    constraint. `current` is the submission that counts. `consents` repeats that submission's
    consent so that the database can count consenting households."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="responses"
    )
    current = models.OneToOneField(
        "Submission",
        verbose_name=_("counted submission"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consents = models.BooleanField(_("consents"), null=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("household answer")
        verbose_name_plural = _("household answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "dwelling"], name="one_answer_per_household"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.dwelling_id}"

    @property
    def channel(self) -> str:
        return self.current.channel

    @property
    def by_household(self) -> bool:
        """Given by the household itself: then no worker may replace it."""
        return self.current.channel == Channel.ONLINE


class SubmissionQuerySet(AppendOnlyQuerySet, ProjectPartQuerySet):
    PROJECT_PATH = "survey__project"


class SubmissionState(models.TextChoices):
    COUNTED = "counted", _("Counted")
    UNCHECKED = "unchecked", _("Typed in, waiting for a second worker's check")
    REFUSED = "refused", _("Not counted: the household had answered itself")


class Submission(AppendOnlyModel):
    """One set of answers as it arrived, never changed. `client_id` makes a resend (a retry
    from a phone with a poor connection) the same submission."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="submissions"
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    values = models.JSONField(_("answers"))
    state = models.CharField(_("state"), max_length=10, choices=SubmissionState.choices)
    client_id = models.UUIDField(_("client id"), unique=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["survey", "dwelling", "created_at"]
        indexes = [models.Index(fields=["survey", "dwelling"], name="submission_household")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.dwelling_id} {self.channel}"


class PaperCheckQuerySet(AppendOnlyQuerySet, ProjectPartQuerySet):
    PROJECT_PATH = "submission__survey__project"


class PaperCheck(AppendOnlyModel):
    """A second worker's check of a typed-in paper letter: only then does it count."""

    submission = models.OneToOneField(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        related_name="paper_check",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agrees = models.BooleanField(_("matches the letter"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    objects = PaperCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper check")
        verbose_name_plural = _("paper checks")

    def __str__(self) -> str:
        return f"{self.submission_id} {'✓' if self.agrees else '✗'}"
