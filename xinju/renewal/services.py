"""Every write of the renewal programme. Each function is atomic and records an audit event.

Who may call what is stated in each docstring and checked here, not in the views: a page, an
API call, a task and the demo generator all get the same answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinju.accounts.models import Role
from xinju.areas.models import District, Dwelling, Estate
from xinju.areas.selectors import figures_by
from xinju.core import audit
from xinju.core.db import save_unique
from xinju.core.exceptions import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    PermissionDenied,
)
from xinju.core.images import prepare_photo
from xinju.orgs.models import Organization, OrgKind

from . import eligibility, rules, selectors
from .models import (
    FUNDING_TRANSITIONS,
    HUNDRED,
    STAGE_ORDER,
    TRANSITIONS,
    Batch,
    CatalogItem,
    Category,
    FundingLine,
    FundingSource,
    FundingStatus,
    PhotoKind,
    ProgressEntry,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
    ProjectStage,
    Stage,
    StageMove,
)
from .permissions import can_add_photos, can_plan, can_report

MAX_REPORT_PHOTOS = 12


# --- helpers -------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _require_plan(actor: Any, project: Project) -> None:
    if actor is not None and not can_plan(actor, project):
        raise PermissionDenied(_("Only headquarters plans and runs renewal projects."))


def _require_hq_of(actor: Any, district: District) -> None:
    if actor is None:
        return
    if not District.objects.visible_to(actor, roles=[Role.HQ]).filter(pk=district.pk).exists():
        raise PermissionDenied(_("Only headquarters of the district plans its renewal."))


def _decimal(
    value: Any,
    *,
    field: str,
    places: int = 2,
    minimum: Decimal | None = None,
    digits: int = 12,
) -> Decimal:
    """`value` as a Decimal of at most `digits` digits, `places` of them after the point (the
    column's max_digits and decimal_places)."""
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise InvalidInput(_("Enter a number."), field=field)
    # Checked before rounding: quantizing a huge number raises, and the column would refuse it.
    if abs(number) >= Decimal(10) ** (digits - places):
        raise InvalidInput(_("The number is too large."), field=field)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInput(_("Use at most %(n)s decimal places.") % {"n": places}, field=field)
    if minimum is not None and number < minimum:
        raise InvalidInput(_("Must be at least %(min)s.") % {"min": minimum}, field=field)
    return number.quantize(Decimal(1).scaleb(-places))


def _not_future(day: dt.date, *, field: str) -> None:
    if day > _today():
        raise InvalidInput(_("The date cannot be in the future."), field=field)


def _locked(project: Project) -> Project:
    """The project row, locked for this transaction, so two requests move it one at a time."""
    # of=("self",): on PostgreSQL a plain FOR UPDATE would also lock the joined batch and
    # compound, queuing every project of a batch behind one another.
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("batch", "estate")
        .get(pk=project.pk)
    )


def _project_figures(estate: Estate) -> dict[str, Any]:
    figures = figures_by(None, "estate_id", Dwelling.objects.filter(estate=estate)).get(estate.pk)
    if figures is None or not figures.households:
        raise InvalidInput(
            _("%(estate)s has no households in the register yet; import them first.")
            % {"estate": estate.name},
            field="estate",
        )
    return {
        "households": figures.households,
        "residents": figures.residents,
        "buildings": figures.buildings,
        "floor_area": figures.area,
    }


# --- batches -------------------------------------------------------------------------------


# The largest values the columns hold (PostgreSQL integer and smallint).
MAX_TARGET = 2_147_483_647
MAX_CONSENT_TERM = 32_767


def _check_targets(households: int, estates: int | None, numerator: int, denominator: int) -> None:
    if not 0 < households <= MAX_TARGET:
        raise InvalidInput(
            _("The target must be between one household and %(max)s.") % {"max": MAX_TARGET},
            field="target_households",
        )
    if estates is not None and not 0 < estates <= MAX_TARGET:
        raise InvalidInput(
            _("The target must be between one compound and %(max)s.") % {"max": MAX_TARGET},
            field="target_estates",
        )
    if not (0 < numerator <= denominator <= MAX_CONSENT_TERM):
        raise InvalidInput(
            _("The consent share must be a fraction between 0 and 1, such as 2/3."),
            field="consent_numerator",
        )


@transaction.atomic
def open_batch(
    *,
    actor: Any,
    district: District,
    year: int,
    target_households: int,
    target_estates: int | None = None,
    name: str = "",
    consent_numerator: int = 2,
    consent_denominator: int = 3,
    note: str = "",
) -> Batch:
    """Open a year's renewal plan for a district.

    Who: headquarters of the district (actor None: the system). Guarantees: one batch per
    district and year — a second try answers Conflict; targets are positive.
    """
    _require_hq_of(actor, district)
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("Enter a year between 2000 and 2100."), field="year")
    _check_targets(target_households, target_estates, consent_numerator, consent_denominator)
    batch = Batch(
        district=district,
        year=year,
        name=name.strip() or _("%(year)s renewal batch") % {"year": year},
        target_households=target_households,
        target_estates=target_estates,
        consent_numerator=consent_numerator,
        consent_denominator=consent_denominator,
        note=note,
    )
    save_unique(
        batch,
        conflict=_("%(district)s already has a batch for %(year)s.")
        % {"district": district.name, "year": year},
        field="year",
    )
    audit.record(actor=actor, verb="renewal.batch.open", target=batch, after=batch.as_audit())
    return batch


@transaction.atomic
def change_batch(
    *,
    actor: Any,
    batch: Batch,
    target_households: int,
    target_estates: int | None,
    name: str,
    consent_numerator: int,
    consent_denominator: int,
    note: str = "",
) -> Batch:
    """Change a batch's targets or consent rule.

    Who: headquarters of the district. Guarantees: the late-built compounds already in the
    batch still fit in 15% of the new household target, or nothing changes.
    """
    batch = (
        Batch.objects.select_for_update(of=("self",)).select_related("district").get(pk=batch.pk)
    )
    _require_hq_of(actor, batch.district)
    _check_targets(target_households, target_estates, consent_numerator, consent_denominator)
    late = eligibility.late_built_households(batch)
    if not rules.late_built_fits(already=late, adding=0, target_households=target_households):
        raise InvalidInput(
            _(
                "Compounds built 2001–2005 already hold %(late)s households, more than 15%% "
                "of %(target)s."
            )
            % {"late": late, "target": target_households},
            field="target_households",
        )
    before = batch.as_audit()
    batch.target_households = target_households
    batch.target_estates = target_estates
    batch.name = name.strip() or batch.name
    batch.consent_numerator = consent_numerator
    batch.consent_denominator = consent_denominator
    batch.note = note
    batch.save()
    audit.record(
        actor=actor,
        verb="renewal.batch.change",
        target=batch,
        before=before,
        after=batch.as_audit(),
    )
    return batch


@transaction.atomic
def add_estate(*, actor: Any, batch: Batch, estate: Estate, note: str = "") -> Project:
    """Add a compound to a batch: its renewal project, in the needs-survey stage.

    Who: headquarters of the district. Guarantees: the eligibility rules of renewal.md hold
    (built up to 2000; 2001–2005 within 15% of the batch's households; not to be
    expropriated); a compound is in one project only — a second add is refused (InvalidInput,
    or Conflict when two adds race); the
    compound's households, residents, buildings and floor area are counted into the project.
    """
    batch = (
        Batch.objects.select_for_update(of=("self",)).select_related("district").get(pk=batch.pk)
    )
    _require_hq_of(actor, batch.district)
    problems = eligibility.problems(batch=batch, estate=estate)
    if problems:
        raise InvalidInput(
            problems[0],
            errors=[{"field": "estate", "message": m} for m in problems],
            field="estate",
        )
    project = Project(
        batch=batch,
        estate=estate,
        late_built=rules.eligibility_by_year(estate.built_year) == rules.Eligibility.LATE_BUILT,
        note=note,
        **_project_figures(estate),
    )
    save_unique(
        project,
        conflict=_("%(estate)s is already in a renewal project.") % {"estate": estate.name},
        field="estate",
    )
    ProjectStage.objects.bulk_create(ProjectStage(project=project, stage=s) for s in STAGE_ORDER)
    audit.record(actor=actor, verb="renewal.project.add", target=project, after=project.as_audit())
    return project


@transaction.atomic
def withdraw_project(*, actor: Any, project: Project, reason: str) -> None:
    """Take a compound out of its batch before the design starts (e.g. residents did not
    consent). Who: headquarters. The audit trail keeps what the project was."""
    project = _locked(project)
    _require_plan(actor, project)
    if project.stage != Stage.SURVEY:
        raise IllegalTransition(
            _("Only a project still in its needs survey can be withdrawn."), field="stage"
        )
    if not reason.strip():
        raise InvalidInput(_("Say why the compound is withdrawn."), field="reason")
    # What goes with it is kept in the audit trail: its items, funding and photos.
    before = {
        **project.as_audit(),
        "items": [i.as_audit() for i in project.items.all()],
        "funding": [f.as_audit() for f in project.funding.all()],
        "photos": [p.caption or p.image.name for p in project.photos.all()],
    }
    files = [f for p in project.photos.all() for f in (p.image, p.thumbnail) if f]
    district_id = project.batch.district_id
    label = str(project)
    project.stages.all().delete()
    project.delete()
    # The photo files go once the rows are gone for good (not if the transaction rolls back).
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    audit.record(
        actor=actor,
        verb="renewal.project.withdraw",
        before=before,
        after={"reason": reason.strip()},
        label=label,
        district_id=district_id,
    )


# --- stages --------------------------------------------------------------------------------


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def _entry_problems(project: Project, to_stage: str) -> list[str]:
    """What must hold before a project may enter a stage."""
    problems = []
    if to_stage == Stage.PUBLICITY:
        if project.designer_id is None:
            problems.append(_("Choose the designer before publishing the design."))
        if not project.items.exists():
            problems.append(_("List the project's items before publishing the design."))
    if to_stage == Stage.CONSTRUCTION and project.contractor_id is None:
        problems.append(_("Choose the contractor before construction starts."))
    if to_stage == Stage.ACCEPTANCE:
        # Every item, not the rounded roll-up: items at 100% and 99.99% roll up to 100.00%.
        unfinished = project.items.filter(percent__lt=HUNDRED).first()
        if project.progress < HUNDRED:
            problems.append(
                _("Construction ends when every item is at 100%%; the project is at %(p)s%%.")
                % {"p": project.progress}
            )
        elif unfinished is not None:
            problems.append(
                _("Construction ends when every item is at 100%%; “%(item)s” is at %(p)s%%.")
                % {"item": unfinished, "p": unfinished.percent}
            )
    return problems


@transaction.atomic
def move_stage(
    *, actor: Any, project: Project, to_stage: str, on: dt.date, note: str = ""
) -> Project:
    """Move a project to its next stage (or back where the process sends it back) on a date.

    Who: headquarters. Guarantees: only moves of `TRANSITIONS` are made; the date is not in
    the future nor before the stage being left began; the stage left ends and the stage
    entered starts on that date. Sending the same move again (a double click) changes nothing.
    """
    project = _locked(project)
    _require_plan(actor, project)
    if to_stage not in STAGE_ORDER:
        raise InvalidInput(_("Unknown stage."), field="stage")
    last = project.moves.order_by("-moved_on", "-created_at").first()
    if project.stage == to_stage and last and last.to_stage == to_stage and last.moved_on == on:
        return project  # the same move, sent twice
    if to_stage not in TRANSITIONS[project.stage]:
        raise IllegalTransition(
            _("A project in “%(from)s” cannot move to “%(to)s”.")
            % {"from": _stage_label(project.stage), "to": _stage_label(to_stage)},
            field="stage",
        )
    _not_future(on, field="on")
    current = project.stages.get(stage=project.stage)
    floor = max(
        d for d in (current.actual_start, last.moved_on if last else None, dt.date.min) if d
    )
    if on < floor:
        raise InvalidInput(
            _("The date cannot be before %(date)s, when “%(stage)s” began.")
            % {"date": floor.isoformat(), "stage": _stage_label(project.stage)},
            field="on",
        )
    problems = _entry_problems(project, to_stage)
    if problems:
        raise IllegalTransition(
            problems[0], errors=[{"field": "stage", "message": m} for m in problems], field="stage"
        )
    before = project.as_audit()
    current.actual_end = on
    if current.actual_start is None:
        # The needs survey began when the compound joined the batch, unless told otherwise.
        joined = timezone.localtime(project.created_at).date()
        current.actual_start = min(joined, on) if last is None else last.moved_on
    current.save(update_fields=["actual_end", "actual_start"])
    entered = project.stages.get(stage=to_stage)
    if entered.actual_start is None:
        entered.actual_start = on
    entered.actual_end = None  # entered again after a step back: open once more
    if to_stage == Stage.HANDOVER:
        entered.actual_start = on
        entered.actual_end = on  # handing over is an act, not a period
    entered.save(update_fields=["actual_start", "actual_end"])
    StageMove.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=to_stage,
        moved_on=on,
        note=note.strip()[:255],
        moved_by=actor if getattr(actor, "pk", None) else None,
    )
    project.stage = to_stage
    project.save(update_fields=["stage", "updated_at"])
    audit.record(
        actor=actor,
        verb="renewal.project.move",
        target=project,
        before=before,
        after={**project.as_audit(), "on": on.isoformat(), "note": note.strip()},
    )
    return project


@transaction.atomic
def plan_stages(
    *,
    actor: Any,
    project: Project,
    plans: Mapping[str, tuple[dt.date | None, dt.date | None]],
) -> Project:
    """Set planned start and end dates of stages. Who: headquarters. Guarantees: each end is
    on or after its start, and each stage starts no earlier than the one before it starts."""
    project = _locked(project)
    _require_plan(actor, project)
    rows = {s.stage: s for s in project.stages.all()}
    errors = []
    for stage, (start, end) in plans.items():
        if stage not in rows:
            errors.append({"field": stage, "message": _("Unknown stage.")})
        elif start and end and end < start:
            errors.append(
                {
                    "field": stage,
                    "message": _("“%(stage)s” cannot end before it starts.")
                    % {"stage": _stage_label(stage)},
                }
            )
    merged = {s: plans.get(s, (rows[s].planned_start, rows[s].planned_end)) for s in STAGE_ORDER}
    previous: tuple[str, dt.date] | None = None
    for stage in STAGE_ORDER:
        start = merged[stage][0]
        if start is None:
            continue
        if previous and start < previous[1]:
            errors.append(
                {
                    "field": stage,
                    "message": _("“%(stage)s” cannot start before “%(prev)s” does.")
                    % {"stage": _stage_label(stage), "prev": _stage_label(previous[0])},
                }
            )
        previous = (stage, start)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors, field=errors[0]["field"])
    before = {s: [str(r.planned_start), str(r.planned_end)] for s, r in rows.items()}
    for stage, (start, end) in plans.items():
        row = rows[stage]
        row.planned_start, row.planned_end = start, end
        row.save(update_fields=["planned_start", "planned_end"])
    audit.record(
        actor=actor,
        verb="renewal.project.plan",
        target=project,
        before=before,
        after={s: [str(a), str(b)] for s, (a, b) in plans.items()},
    )
    return project


@transaction.atomic
def assign_organisations(
    *,
    actor: Any,
    project: Project,
    designer: Organization | None,
    contractor: Organization | None,
) -> Project:
    """Set the project's designer and contractor. Who: headquarters. Guarantees: each is an
    organisation of the right kind; the contractor cannot change once construction started."""
    project = _locked(project)
    _require_plan(actor, project)
    if designer is not None and designer.kind != OrgKind.DESIGNER:
        raise InvalidInput(_("Choose a planning and design institute."), field="designer")
    if contractor is not None and contractor.kind != OrgKind.CONTRACTOR:
        raise InvalidInput(_("Choose a construction contractor."), field="contractor")
    if project.is_started and contractor != project.contractor:
        raise IllegalTransition(
            _("The contractor cannot change once construction has started."), field="contractor"
        )
    before = project.as_audit()
    project.designer = designer
    project.contractor = contractor
    project.save(update_fields=["designer", "contractor", "updated_at"])
    audit.record(
        actor=actor,
        verb="renewal.project.organisations",
        target=project,
        before=before,
        after=project.as_audit(),
    )
    return project


# --- items ---------------------------------------------------------------------------------


def _editable_items(project: Project) -> None:
    if project.is_completed:
        raise IllegalTransition(
            _("The works are completed; their items can no longer change."), field="item"
        )


def _refresh_progress(project: Project) -> None:
    project.progress = rules.rolled_up_progress(
        project.items.order_by().values_list("budget", "percent")
    )
    project.save(update_fields=["progress", "updated_at"])


@transaction.atomic
def add_item(
    *,
    actor: Any,
    project: Project,
    catalog_item: CatalogItem,
    quantity: Any,
    budget: Any,
    description: str = "",
) -> ProjectItem:
    """Add a work to a project. Who: headquarters. Guarantees: quantity > 0, budget ≥ 0 (yuan,
    two places); the same catalog item with the same description is not added twice; the
    project's progress is rolled up again."""
    project = _locked(project)
    _require_plan(actor, project)
    _editable_items(project)
    if not catalog_item.is_active:
        raise InvalidInput(_("This item is no longer offered."), field="catalog_item")
    errors = []
    try:
        qty = _decimal(quantity, field="quantity", minimum=Decimal("0.01"))
    except InvalidInput as exc:
        errors.append({"field": "quantity", "message": exc.message})
    try:
        money = _decimal(budget, field="budget", minimum=Decimal("0"), digits=14)
    except InvalidInput as exc:
        errors.append({"field": "budget", "message": exc.message})
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors, field=errors[0]["field"])
    item = ProjectItem(
        project=project,
        catalog_item=catalog_item,
        description=description.strip()[:255],
        quantity=qty,
        budget=money,
    )
    save_unique(
        item,
        conflict=_("The project already has “%(item)s”; change that item instead.")
        % {"item": item},
        field="catalog_item",
    )
    _refresh_progress(project)
    audit.record(
        actor=actor,
        verb="renewal.item.add",
        target=item,
        after=item.as_audit(),
    )
    return item


@transaction.atomic
def change_item(
    *, actor: Any, item: ProjectItem, quantity: Any, budget: Any, description: str
) -> ProjectItem:
    """Change an item's quantity, budget or description. Who: headquarters."""
    project = _locked(item.project)
    _require_plan(actor, project)
    _editable_items(project)
    item = ProjectItem.objects.select_for_update().get(pk=item.pk)
    before = item.as_audit()
    item.quantity = _decimal(quantity, field="quantity", minimum=Decimal("0.01"))
    item.budget = _decimal(budget, field="budget", minimum=Decimal("0"), digits=14)
    item.description = description.strip()[:255]
    save_unique(
        item,
        conflict=_("The project already has “%(item)s”.") % {"item": item},
        field="description",
        force_insert=False,
    )
    _refresh_progress(project)
    audit.record(
        actor=actor,
        verb="renewal.item.change",
        target=item,
        before=before,
        after=item.as_audit(),
    )
    return item


@transaction.atomic
def remove_item(*, actor: Any, item: ProjectItem) -> None:
    """Remove an item that has no progress reported. Who: headquarters."""
    project = _locked(item.project)
    _require_plan(actor, project)
    _editable_items(project)
    if item.entries.exists():
        raise IllegalTransition(
            _("Progress has been reported on “%(item)s”; it cannot be removed.") % {"item": item},
            field="item",
        )
    before = item.as_audit()
    label = str(item)
    item.delete()
    _refresh_progress(project)
    audit.record(
        actor=actor,
        verb="renewal.item.remove",
        before=before,
        label=label,
        district_id=project.batch.district_id,
    )


# --- funding -------------------------------------------------------------------------------


@transaction.atomic
def add_funding(
    *,
    actor: Any,
    project: Project,
    source: str,
    amount: Any,
    status: str = FundingStatus.COMMITTED,
    note: str = "",
    client_id: uuid.UUID | None = None,
) -> FundingLine:
    """Record an amount from a source. Who: headquarters. Guarantees: a known source, an
    amount > 0 in yuan with two places; the same `client_id` sent again (a double click)
    returns the first line and writes nothing."""
    project = _locked(project)
    _require_plan(actor, project)
    if client_id is not None:
        existing = FundingLine.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.project_id != project.pk:
                raise Conflict(_("This form was sent for another project."), field="client_id")
            return existing
    if source not in FundingSource.values:
        raise InvalidInput(_("Choose a funding source."), field="source")
    if status not in FundingStatus.values:
        raise InvalidInput(_("Choose a status."), field="status")
    line = FundingLine.objects.create(
        project=project,
        source=source,
        amount=_decimal(amount, field="amount", minimum=Decimal("0.01"), digits=14),
        status=status,
        note=note.strip()[:255],
        client_id=client_id,
    )
    audit.record(
        actor=actor,
        verb="renewal.funding.add",
        target=line,
        after=line.as_audit(),
    )
    return line


@transaction.atomic
def advance_funding(*, actor: Any, line: FundingLine, to_status: str) -> FundingLine:
    """Move a funding line from committed to received to spent. Who: headquarters. Sending
    the same move again changes nothing."""
    line = (
        FundingLine.objects.select_for_update(of=("self",))
        .select_related("project__batch")
        .get(pk=line.pk)
    )
    _require_plan(actor, line.project)
    if line.status == to_status:
        return line
    if to_status not in FUNDING_TRANSITIONS.get(line.status, frozenset()):
        raise IllegalTransition(
            _("Funding that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": FundingStatus(line.status).label,
                "to": FundingStatus(to_status).label
                if to_status in FundingStatus.values
                else to_status,
            },
            field="status",
        )
    before = line.as_audit()
    line.status = to_status
    line.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        verb="renewal.funding.advance",
        target=line,
        before=before,
        after=line.as_audit(),
    )
    return line


# --- progress and photos -------------------------------------------------------------------


@transaction.atomic
def report_progress(
    *,
    actor: Any,
    project: Project,
    reported_on: dt.date,
    percents: Mapping[int, Any],
    note: str = "",
    client_id: uuid.UUID | None = None,
    photos: Sequence[IO[bytes]] = (),
) -> ProgressReport:
    """Report the works' progress on a date: a percentage per item, a note, photos.

    Who: headquarters and the project's contractor. Guarantees: only during construction;
    the date is not in the future nor before construction began; each percentage is 0–100 and
    belongs to an item of the project; an item's progress is its latest report's; the
    project's progress is rolled up by budget. Resending with the same `client_id` returns the
    first report and writes nothing.
    """
    client_id = client_id or uuid.uuid4()
    if actor is not None and not can_report(actor, project):
        raise PermissionDenied(_("Only headquarters and the project's contractor report progress."))
    if len(photos) > MAX_REPORT_PHOTOS:
        raise InvalidInput(
            _("Send at most %(n)s photos with one report.") % {"n": MAX_REPORT_PHOTOS},
            field="photos",
        )
    # Photos are checked and shrunk before the project is locked: other reports need not wait.
    prepared = [prepare_photo(p, field="photos") for p in photos]
    # Looked up after the lock: a resend racing the first request waits, then finds it.
    project = _locked(project)
    existing = ProgressReport.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.project_id != project.pk:
            raise Conflict(_("This report was sent for another project."), field="client_id")
        return existing
    if project.stage != Stage.CONSTRUCTION:
        raise IllegalTransition(
            _("Progress is reported during construction; the project is in “%(stage)s”.")
            % {"stage": _stage_label(project.stage)},
            field="stage",
        )
    _not_future(reported_on, field="reported_on")
    started = project.stages.get(stage=Stage.CONSTRUCTION).actual_start
    if started and reported_on < started:
        raise InvalidInput(
            _("Construction began on %(date)s; the report cannot be dated earlier.")
            % {"date": started.isoformat()},
            field="reported_on",
        )
    items = {i.pk: i for i in project.items.select_for_update()}
    errors = []
    values: dict[int, Decimal] = {}
    for raw_id, raw in percents.items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            item_id = -1
        if item_id not in items:
            errors.append({"field": f"item-{raw_id}", "message": _("Not an item of this project.")})
            continue
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = _decimal(raw, field=f"item-{item_id}", minimum=Decimal("0"))
        except InvalidInput as exc:
            errors.append(
                {"field": f"item-{item_id}", "message": f"{items[item_id]}: {exc.message}"}
            )
            continue
        if value > 100:
            errors.append(
                {
                    "field": f"item-{item_id}",
                    "message": _("%(item)s: a percentage is at most 100.")
                    % {"item": items[item_id]},
                }
            )
            continue
        values[item_id] = value
    if not values and not errors:
        errors.append(
            {"field": "percents", "message": _("Give the progress of at least one item.")}
        )
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors, field=errors[0]["field"])
    for item_id, value in values.items():
        item = items[item_id]
        if item.percent_on is None or reported_on >= item.percent_on:
            item.percent = value
            item.percent_on = reported_on
            item.save(update_fields=["percent", "percent_on"])
    progress = rules.rolled_up_progress((i.budget, i.percent) for i in items.values())
    report = ProgressReport.objects.create(
        project=project,
        reported_on=reported_on,
        note=note.strip(),
        progress=progress,
        client_id=client_id,
        reported_by=actor if getattr(actor, "pk", None) else None,
    )
    ProgressEntry.objects.bulk_create(
        ProgressEntry(report=report, item_id=item_id, percent=value)
        for item_id, value in values.items()
    )
    project.progress = progress
    project.save(update_fields=["progress", "updated_at"])
    for photo in prepared:
        _store_photo(actor, project, photo, kind=PhotoKind.PROGRESS, report=report)
    audit.record(
        actor=actor,
        verb="renewal.progress.report",
        target=report,
        after={
            "project": project.pk,
            "on": reported_on.isoformat(),
            "percents": {str(k): str(v) for k, v in values.items()},
            "progress": str(progress),
            "photos": len(prepared),
        },
    )
    return report


def _store_photo(
    actor: Any,
    project: Project,
    photo: Any,
    *,
    kind: str,
    caption: str = "",
    spot: str = "",
    report: ProgressReport | None = None,
) -> tuple[ProjectPhoto, bool]:
    existing = ProjectPhoto.objects.filter(project=project, sha256=photo.sha256).first()
    if existing is not None:
        return existing, False
    row = ProjectPhoto(
        project=project,
        kind=kind,
        width=photo.width,
        height=photo.height,
        caption=caption.strip()[:200],
        spot=spot.strip()[:100],
        taken_at=photo.taken_at,
        report=report,
        sha256=photo.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    name = photo.sha256[:32]
    row.image.save(f"{name}.jpg", ContentFile(photo.content), save=False)
    row.thumbnail.save(f"{name}.jpg", ContentFile(photo.thumbnail), save=False)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # The same photo arrived twice at once: the other request's row stands.
        row.image.delete(save=False)
        row.thumbnail.delete(save=False)
        return ProjectPhoto.objects.get(project=project, sha256=photo.sha256), False
    return row, True


@transaction.atomic
def add_photo(
    *,
    actor: Any,
    project: Project,
    upload: IO[bytes],
    kind: str,
    caption: str = "",
    spot: str = "",
) -> ProjectPhoto:
    """Add a before, during or after photo. Who: headquarters, the compound's subdistrict and
    community, the contractor. Guarantees: a real image of at most 10 MB, resized, with a
    thumbnail; the same image sent again (a retried upload) is the same photo."""
    if actor is not None and not can_add_photos(actor, project):
        raise PermissionDenied(_("Your role cannot add photos to this project."))
    if kind not in PhotoKind.values:
        raise InvalidInput(_("Choose before, during or after."), field="kind")
    photo = prepare_photo(upload)
    row, created = _store_photo(actor, project, photo, kind=kind, caption=caption, spot=spot)
    if created:
        audit.record(
            actor=actor,
            verb="renewal.photo.add",
            target=row,
            after={"project": project.pk, "kind": kind, "caption": row.caption, "spot": row.spot},
        )
    return row


# --- the catalog ---------------------------------------------------------------------------


def _catalog_snapshot(entry: Category | CatalogItem) -> dict[str, Any]:
    fields = ("code", "name", "description", "order")
    extra = (
        ("category_id", "unit", "indicator", "is_active") if isinstance(entry, CatalogItem) else ()
    )
    return {f: str(getattr(entry, f)) for f in (*fields, *extra)}


@transaction.atomic
def save_catalog_entry(*, actor: Any, entry: Category | CatalogItem) -> Category | CatalogItem:
    """Create or change a category or catalog item (the admin's save). Who: staff with the
    admin's permission (checked by the admin). Guarantees: an item feeding an indicator uses
    its unit; the change is audited. Entries are never deleted: an item is withdrawn by
    no longer offering it, since projects refer to it."""
    entry.full_clean()
    kind = "category" if isinstance(entry, Category) else "item"
    before = None
    if entry.pk is not None:
        old = type(entry).objects.filter(pk=entry.pk).first()
        before = _catalog_snapshot(old) if old is not None else None
        if (
            isinstance(entry, CatalogItem)
            and old is not None
            and (old.unit, old.indicator) != (entry.unit, entry.indicator)
            and selectors.catalog_item_in_use(entry)
        ):
            # Recorded quantities are in the old unit; changing it would rewrite them all.
            raise InvalidInput(
                _(
                    "Projects already count “%(item)s” in %(unit)s; add a new item instead "
                    "of changing its unit or indicator."
                )
                % {"item": old.name, "unit": old.get_unit_display()},
                field="unit",
            )
    entry.save()
    audit.record(
        actor=actor,
        verb=f"renewal.catalog.{kind}.{'change' if before else 'add'}",
        target=entry,
        before=before,
        after=_catalog_snapshot(entry),
    )
    return entry
