"""Every write of the needs surveys. Each function is atomic and audited.

Who may call what:
- community workers, subdistrict offices and headquarters reaching the project's compound
  build surveys, open and close them, and issue household codes;
- a household answers online with its code (the caller has checked the code: actor None);
- a grid worker answers door to door for the households of their own grids;
- a community or grid worker types in a returned paper letter; a second worker checks it
  before it counts.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinju.accounts.models import Role
from xinju.areas.models import Dwelling, Estate
from xinju.core import audit
from xinju.core.db import save_unique
from xinju.core.exceptions import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from xinju.renewal.models import CatalogItem, Project

from . import answers
from .models import (
    SURVEY_TRANSITIONS,
    Channel,
    HouseholdCode,
    PaperCheck,
    Question,
    QuestionKind,
    Response,
    Submission,
    SubmissionState,
    Survey,
    SurveyStatus,
)

BUILD_ROLES = (Role.HQ, Role.SUBDISTRICT, Role.COMMUNITY)
PAPER_ROLES = (Role.COMMUNITY, Role.GRID)
# Household codes: no 0/O, 1/I/L, so a code read aloud or typed from a letter is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def _require_builder(actor: Any, project: Project) -> None:
    if actor is None:
        return
    if not Project.objects.visible_to(actor, roles=BUILD_ROLES).filter(pk=project.pk).exists():
        raise PermissionDenied(_("Only community, subdistrict and headquarters staff run surveys."))


def _locked_survey(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=("self",))
        .select_related("project__batch", "project__estate")
        .get(pk=survey.pk)
    )


# --- surveys and questions -----------------------------------------------------------------


@transaction.atomic
def create_survey(*, actor: Any, project: Project, title: str, intro: str = "") -> Survey:
    """Start the first version of a project's needs survey, as a draft."""
    _require_builder(actor, project)
    if not title.strip():
        raise InvalidInput(_("Give the survey a title."), field="title")
    if Survey.objects.filter(project=project).exists():
        raise Conflict(
            _("The project has a survey already; make a new version of it instead."),
            field="title",
        )
    survey = Survey(project=project, title=title.strip()[:200], intro=intro.strip())
    survey.created_by = actor if getattr(actor, "pk", None) else None
    save_unique(survey, conflict=_("The project has a survey already."), field="title")
    audit.record(actor=actor, verb="survey.create", target=survey, after=survey.as_audit())
    return survey


def _check_spec(survey: Survey, spec: Mapping[str, Any]) -> list[dict[str, str]]:
    """Problems of a question before it is added to a draft."""
    errors = []
    kind = spec["kind"]
    choices = spec.get("choices") or []
    if kind not in QuestionKind.values:
        errors.append({"field": "kind", "message": _("Unknown question type.")})
    if not str(spec.get("key") or "").strip():
        errors.append({"field": "key", "message": _("Give the question a key.")})
    if not str(spec.get("text") or "").strip():
        errors.append({"field": "text", "message": _("Write the question.")})
    if kind in ("single", "multiple") and len(choices) < 2:
        errors.append({"field": "choices", "message": _("Give at least two options.")})
    if kind == "menu":
        codes = [str(c) for c in choices]
        offered = set(
            CatalogItem.objects.filter(code__in=codes, is_active=True).values_list(
                "code", flat=True
            )
        )
        missing = [c for c in codes if c not in offered]
        if not codes or missing:
            errors.append(
                {
                    "field": "choices",
                    "message": _("Offer items of the catalog: %(codes)s is not one.")
                    % {"codes": "、".join(missing) or "—"},
                }
            )
        limit = spec.get("max_ranked")
        if not limit or not 1 <= limit <= max(len(codes), 1):
            errors.append(
                {
                    "field": "max_ranked",
                    "message": _("Residents rank between 1 and as many items as are offered."),
                }
            )
    if kind == "rating" and not 2 <= (spec.get("rating_max") or 5) <= 10:
        errors.append({"field": "rating_max", "message": _("A rating goes up to 2–10.")})
    condition = spec.get("show_if")
    if condition:
        earlier = set(survey.questions.values_list("key", flat=True))
        if condition.get("question") not in earlier:
            errors.append(
                {
                    "field": "show_if",
                    "message": _("A condition can only refer to an earlier question."),
                }
            )
    return errors


@transaction.atomic
def add_question(
    *,
    actor: Any,
    survey: Survey,
    key: str,
    kind: str,
    text: str,
    required: bool = False,
    choices: Sequence[Any] = (),
    max_ranked: int | None = None,
    rating_max: int | None = None,
    show_if: Mapping[str, Any] | None = None,
    help_text: str = "",
) -> Question:
    """Add a question to a draft. An open or closed survey's questions are frozen."""
    survey = _locked_survey(survey)
    _require_builder(actor, survey.project)
    if survey.status != SurveyStatus.DRAFT:
        raise IllegalTransition(
            _("The survey is open or closed: its questions are frozen. Make a new version."),
            field="status",
        )
    spec = {
        "key": key.strip(),
        "kind": kind,
        "text": text.strip(),
        "required": required,
        "choices": list(choices),
        "max_ranked": max_ranked,
        "rating_max": rating_max if kind == QuestionKind.RATING else None,
        "show_if": dict(show_if) if show_if else None,
        "help_text": help_text.strip(),
    }
    errors = _check_spec(survey, spec)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors, field=errors[0]["field"])
    if kind == QuestionKind.RATING and not rating_max:
        spec["rating_max"] = 5
    order = survey.questions.count() + 1
    question = Question(survey=survey, order=order, **spec)
    save_unique(question, conflict=_("The survey has a question with this key."), field="key")
    audit.record(
        actor=actor,
        verb="survey.question.add",
        target=survey,
        after=question.as_spec(),
    )
    return question


def _move(survey: Survey, to: str) -> None:
    if to not in SURVEY_TRANSITIONS[survey.status]:
        raise IllegalTransition(
            _("A survey that is “%(from)s” cannot become “%(to)s”.")
            % {"from": SurveyStatus(survey.status).label, "to": SurveyStatus(to).label},
            field="status",
        )


@transaction.atomic
def open_survey(*, actor: Any, survey: Survey, closes_at: dt.datetime) -> Survey:
    """Open a draft until `closes_at`: its questions freeze. Opening a new version closes the
    version before it (answers given to it stay with it)."""
    survey = _locked_survey(survey)
    _require_builder(actor, survey.project)
    _move(survey, SurveyStatus.OPEN)
    if not survey.questions.exists():
        raise InvalidInput(_("Add at least one question."), field="questions")
    now = timezone.now()
    if closes_at <= now:
        raise InvalidInput(_("The closing time must be in the future."), field="closes_at")
    before = survey.as_audit()
    if survey.previous_id:
        earlier = Survey.objects.select_for_update(of=("self",)).get(pk=survey.previous_id)
        if earlier.status == SurveyStatus.OPEN:
            earlier.status, earlier.closed_at = SurveyStatus.CLOSED, now
            earlier.save(update_fields=["status", "closed_at"])
    survey.status, survey.opened_at, survey.closes_at = SurveyStatus.OPEN, now, closes_at
    survey.save(update_fields=["status", "opened_at", "closes_at"])
    audit.record(
        actor=actor, verb="survey.open", target=survey, before=before, after=survey.as_audit()
    )
    return survey


@transaction.atomic
def close_survey(*, actor: Any, survey: Survey) -> Survey:
    """Close an open survey now (also done at its closing time by the expiry command)."""
    survey = _locked_survey(survey)
    _require_builder(actor, survey.project)
    if survey.status == SurveyStatus.CLOSED:
        return survey
    _move(survey, SurveyStatus.CLOSED)
    before = survey.as_audit()
    survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor, verb="survey.close", target=survey, before=before, after=survey.as_audit()
    )
    return survey


@transaction.atomic
def new_version(*, actor: Any, survey: Survey) -> Survey:
    """A draft copy of an open or closed survey's questions, to change them."""
    survey = _locked_survey(survey)
    _require_builder(actor, survey.project)
    if survey.status == SurveyStatus.DRAFT:
        raise IllegalTransition(
            _("A draft can be changed directly; a new version is for a frozen survey."),
            field="status",
        )
    if Survey.objects.filter(previous=survey).exists():
        raise Conflict(_("This version has a newer one already."), field="version")
    latest = Survey.objects.filter(project=survey.project).order_by("-version").first()
    draft = Survey.objects.create(
        project=survey.project,
        version=latest.version + 1,
        title=survey.title,
        intro=survey.intro,
        previous=survey,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Question.objects.bulk_create(
        Question(survey=draft, **q.as_spec()) for q in survey.questions.all()
    )
    audit.record(actor=actor, verb="survey.version", target=draft, after=draft.as_audit())
    return draft


# --- household codes -----------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def issue_codes(*, actor: Any, estate: Estate) -> int:
    """Give every household of a compound without an active code a new one. Returns how
    many were issued; running it again issues none."""
    if (
        actor is not None
        and not Dwelling.objects.visible_to(actor, roles=BUILD_ROLES).filter(estate=estate).exists()
    ):
        raise PermissionDenied(_("Only community, subdistrict and headquarters staff issue codes."))
    without = list(
        Dwelling.objects.filter(estate=estate)
        .exclude(pk__in=HouseholdCode.objects.active().values("dwelling_id"))
        .values_list("pk", flat=True)
    )
    for attempt in range(3):
        try:
            with transaction.atomic():
                HouseholdCode.objects.bulk_create(
                    HouseholdCode(dwelling_id=d, code=_new_code()) for d in without
                )
            break
        except IntegrityError:  # two random codes met (about 1 in 10^14): draw them again
            if attempt == 2:
                raise
    audit.record(
        actor=actor,
        verb="survey.codes.issue",
        target=estate,
        after={"issued": len(without)},
    )
    return len(without)


@transaction.atomic
def reissue_code(*, actor: Any, dwelling: Dwelling) -> HouseholdCode:
    """Revoke a household's code (a lost letter) and give it a new one to print."""
    if (
        actor is not None
        and not Dwelling.objects.visible_to(actor, roles=BUILD_ROLES)
        .filter(pk=dwelling.pk)
        .exists()
    ):
        raise NotFound(_("Not found."))
    HouseholdCode.objects.filter(dwelling=dwelling, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    code = HouseholdCode.objects.create(dwelling=dwelling, code=_new_code())
    audit.record(actor=actor, verb="survey.code.reissue", target=code, label=str(dwelling))
    return code


# --- answers -------------------------------------------------------------------------------


def _check_channel(actor: Any, channel: str, dwelling: Dwelling) -> None:
    if channel == Channel.ONLINE:
        if actor is not None:
            raise PermissionDenied(_("Only the household answers online, with its code."))
        return
    if actor is None:
        raise PermissionDenied(_("A worker's answer needs the worker."))
    roles = (Role.GRID,) if channel == Channel.DOOR else PAPER_ROLES
    if not Dwelling.objects.visible_to(actor, roles=roles).filter(pk=dwelling.pk).exists():
        raise NotFound(_("Not found."))


@transaction.atomic
def submit_answer(
    *,
    actor: Any,
    survey: Survey,
    dwelling: Dwelling,
    values: Mapping[str, Any],
    channel: str,
    client_id: uuid.UUID,
) -> Submission:
    """Record a household's answers. Idempotent on `client_id`: a resend returns the first
    submission and writes nothing. One counted answer per household (a database constraint):
    a later answer replaces the earlier one, except that a worker never replaces an answer
    the household gave itself (Conflict). A typed-in paper letter waits for a second
    worker's check (`check_paper`) before it counts.

    Raises InvalidInput naming each question that fails, IllegalTransition when the survey
    is not open, NotFound for a household outside the worker's grids."""
    existing = Submission.objects.filter(client_id=client_id).first()
    if existing is not None:
        if (existing.survey_id, existing.dwelling_id) != (survey.pk, dwelling.pk):
            raise Conflict(_("This answer was sent for another household."), field="client_id")
        return existing
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    _check_channel(actor, channel, dwelling)
    survey = Survey.objects.select_related("project").get(pk=survey.pk)
    now = timezone.now()
    if survey.status != SurveyStatus.OPEN or (survey.closes_at and survey.closes_at <= now):
        raise IllegalTransition(_("The survey is not open for answers."), field="survey")
    if dwelling.estate_id != survey.project.estate_id:
        raise NotFound(_("Not found."))
    specs = [q.as_spec() for q in survey.questions.all()]
    cleaned, errors = answers.clean(specs, values)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors, field=errors[0]["field"])
    response = _locked_response(survey, dwelling)
    _keep_households_own(response, channel, field="dwelling")
    state = SubmissionState.UNCHECKED if channel == Channel.PAPER else SubmissionState.COUNTED
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                survey=survey,
                dwelling=dwelling,
                channel=channel,
                values=cleaned,
                state=state,
                client_id=client_id,
                entered_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # The same resend raced the first: the first one stands.
        return Submission.objects.get(client_id=client_id)
    if state == SubmissionState.COUNTED:
        _count(survey, dwelling, submission, specs, response)
    audit.record(
        actor=actor,
        verb=f"survey.answer.{channel}",
        target=survey,
        after={"dwelling": dwelling.pk, "submission": submission.pk, "state": state},
    )
    return submission


def _locked_response(survey: Survey, dwelling: Dwelling) -> Response | None:
    """The household's counted answer, locked for this transaction, or None.

    Locked alone, never joined to its submission: when another transaction has just replaced
    the answer, PostgreSQL re-reads the locked row but not the joined one, and the join would
    drop the row as if there were no answer."""
    return (
        Response.objects.select_for_update(of=("self",))
        .filter(survey=survey, dwelling=dwelling)
        .first()
    )


def _keep_households_own(response: Response | None, channel: str, *, field: str) -> None:
    """A worker never replaces an answer the household gave itself."""
    if response is not None and response.by_household and channel != Channel.ONLINE:
        raise Conflict(
            _("The household answered this survey itself; a worker cannot replace its answer."),
            field=field,
        )


def _count(
    survey: Survey,
    dwelling: Dwelling,
    submission: Submission,
    specs: list[dict[str, Any]],
    response: Response | None,
) -> Response:
    """Make `submission` the household's counted answer, under the unique constraint."""
    consent = answers.consents(specs, submission.values)
    if response is None:
        try:
            with transaction.atomic():
                return Response.objects.create(
                    survey=survey, dwelling=dwelling, current=submission, consents=consent
                )
        except IntegrityError:
            # Another answer for the household committed first: replace it, under its lock.
            response = _locked_response(survey, dwelling)
            _keep_households_own(response, submission.channel, field="dwelling")
    response.current, response.consents = submission, consent
    response.save(update_fields=["current", "consents", "updated_at"])
    return response


@transaction.atomic
def check_paper(*, actor: Any, submission: Submission, agrees: bool, note: str = "") -> PaperCheck:
    """A second worker compares a typed-in letter with the paper. If it matches, it counts
    (unless the household has answered online itself); if not, it stays uncounted and the
    letter is typed in again."""
    submission = Submission.objects.select_related("survey__project", "dwelling").get(
        pk=submission.pk
    )
    if submission.channel != Channel.PAPER:
        raise IllegalTransition(_("Only typed-in paper letters are checked."), field="submission")
    _check_channel(actor, Channel.PAPER, submission.dwelling)
    if submission.entered_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("The worker who typed a letter in cannot check it too."))
    if PaperCheck.objects.filter(submission=submission).exists():
        raise Conflict(_("This letter has been checked already."), field="submission")
    check = PaperCheck.objects.create(
        submission=submission, checked_by=actor, agrees=agrees, note=note.strip()[:255]
    )
    if agrees:
        response = _locked_response(submission.survey, submission.dwelling)
        _keep_households_own(response, Channel.PAPER, field="submission")
        specs = [q.as_spec() for q in submission.survey.questions.all()]
        _count(submission.survey, submission.dwelling, submission, specs, response)
    audit.record(
        actor=actor,
        verb="survey.paper.check",
        target=submission.survey,
        after={"submission": submission.pk, "agrees": agrees},
    )
    return check
