"""Writes to the register. Every one runs in a transaction and leaves an audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinju.core import audit
from xinju.core.exceptions import Conflict, IllegalTransition, InvalidInput, PermissionDenied

from . import exporter, importer, selectors
from .models import (
    ExportStatus,
    ImportStatus,
    RegisterExport,
    RegisterImport,
)
from .permissions import can_import

logger = logging.getLogger(__name__)


# --- register import -------------------------------------------------------------------------


@transaction.atomic
def start_import(*, actor: Any, upload: UploadedFile) -> RegisterImport:
    """Accept an uploaded register file and schedule its import.

    Who: users with an importing role (headquarters, subdistrict, community). Guarantees: the
    same file sent again while its import is still running returns that import (a double
    click or a retry starts nothing new); the import runs after this transaction commits —
    in this request for a small file, as a background task for a large one.
    """
    if not can_import(actor):
        raise PermissionDenied(_("Your role cannot import registers."))
    if upload.size > settings.XINJU_IMPORT_MAX_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.XINJU_IMPORT_MAX_BYTES // 2**20},
            field="file",
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise InvalidInput(_("Upload an Excel workbook (.xlsx)."), field="file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    expire_stale_jobs()
    # The same file again, while its import runs or after it succeeded, is that import:
    # a double click or a retry neither starts a second one nor reports every row as a
    # duplicate of the first.
    earlier = (
        RegisterImport.objects.filter(
            created_by=actor, sha256=sha, status__in=(*_RUNNING, ImportStatus.DONE)
        )
        .order_by("-created_at")
        .first()
    )
    if earlier:
        return earlier
    job = RegisterImport(
        id=uuid.uuid4(),
        created_by=actor,
        original_name=upload.name[:255],
        size=upload.size,
        sha256=sha,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    upload.seek(0)
    job.file.save(f"{job.id}.xlsx", upload, save=False)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        # Two requests with the same file raced; the other one's import stands.
        job.file.delete(save=False)
        running = RegisterImport.objects.filter(
            created_by=actor, sha256=sha, status__in=_RUNNING
        ).first()
        if running is None:
            raise Conflict(_("This file is being imported already.")) from None
        return running
    audit.record(
        actor=actor,
        verb="register.import.start",
        target=job,
        after={"file": job.original_name, "size": job.size, "sha256": sha},
    )
    if job.size <= settings.XINJU_IMPORT_BACKGROUND_BYTES:
        transaction.on_commit(lambda: run_import(job_id=job.pk))
    else:
        from .tasks import import_register

        transaction.on_commit(lambda: import_register.enqueue(str(job.pk)))
    return job


_RUNNING = (ImportStatus.PENDING, ImportStatus.READING, ImportStatus.WRITING)


def _problem(message: str) -> list[dict[str, Any]]:
    """A job's problem that belongs to no sheet, row or column."""
    return [{"sheet": "", "row": None, "column": None, "message": message}]


def _move(job: RegisterImport | RegisterExport, to: str, **fields: Any) -> bool:
    """Compare-and-set a job's status along its transition table; False if someone else
    moved it first."""
    if to not in job.TRANSITIONS[job.status]:
        raise IllegalTransition(
            _("A job cannot go from %(a)s to %(b)s.") % {"a": job.status, "b": to}
        )
    changed = type(job).objects.filter(pk=job.pk, status=job.status).update(status=to, **fields)
    if changed:
        job.status = to
        for key, value in fields.items():
            setattr(job, key, value)
    return bool(changed)


def run_import(*, job_id: Any) -> RegisterImport:
    """Check every row of the job's file and, if all are good, write them in one transaction.

    Called after `start_import` commits (directly, or by the `import_register` task). Safe to
    call twice: only a pending job is claimed, so a retried task does nothing.
    """
    job = RegisterImport.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.PENDING or not _move(
        job, ImportStatus.READING, started_at=timezone.now()
    ):
        return job
    # Problems are stored as text: in the language of the person who uploaded the file.
    with translation.override(job.language):
        return _run_import(job)


def _run_import(job: RegisterImport) -> RegisterImport:
    try:
        with job.file.open("rb") as stream:
            book = importer.open_workbook(stream)
            issues = importer.Issues()
            sheets = importer.read_sheets(book, issues)
        if issues:
            raise importer.ImportRejected(issues)
        total = importer.row_count(sheets)
        RegisterImport.objects.filter(pk=job.pk).update(total_rows=total)

        def progress(n: int) -> None:
            RegisterImport.objects.filter(pk=job.pk).update(processed_rows=F("processed_rows") + n)

        plan = importer.Validator(user=job.created_by, progress=progress).run(sheets)
        _move(job, ImportStatus.WRITING, processed_rows=total, total_rows=total)
        with transaction.atomic():
            counts = importer.write(plan)
            _move(job, ImportStatus.DONE, counts=counts, finished_at=timezone.now())
            audit.record(
                actor=job.created_by,
                verb="register.import",
                target=job,
                after={"file": job.original_name, **counts},
            )
    except importer.ImportRejected as rejected:
        _finish_rejected(job, rejected.issues.as_list(), rejected.issues.total)
    except IntegrityError:
        # Someone wrote the same rows between our check and our write; nothing of ours stayed.
        _finish_rejected(
            job,
            _problem(
                _(
                    "Some of these rows were added to the register while the file was being checked. "
                    "Nothing was written; upload the file again to see which rows."
                )
            ),
        )
    except Exception:
        logger.exception("register import %s failed", job.pk)
        job.refresh_from_db(fields=["status"])
        if not job.finished:
            with transaction.atomic():
                _move(
                    job,
                    ImportStatus.FAILED,
                    finished_at=timezone.now(),
                    errors=_problem(
                        _(
                            "The import failed on our side. Nothing was written; please try again later."
                        )
                    ),
                )
                audit.record(actor=job.created_by, verb="register.import.fail", target=job)
    finally:
        if job.file:
            job.file.delete(save=False)
            RegisterImport.objects.filter(pk=job.pk).update(file="")
    return job


def _finish_rejected(
    job: RegisterImport, errors: list[dict[str, Any]], total: int | None = None
) -> None:
    job.refresh_from_db(fields=["status"])
    with transaction.atomic():
        _move(
            job,
            ImportStatus.REJECTED,
            errors=errors,
            counts={"problems": total if total is not None else len(errors)},
            finished_at=timezone.now(),
        )
        audit.record(
            actor=job.created_by,
            verb="register.import.reject",
            target=job,
            after={"file": job.original_name, "problems": len(errors)},
        )


# --- register export -------------------------------------------------------------------------


def _filters_key(filters: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class ExportRequest:
    """What became of a request to export: a workbook written now (small), a job queued
    (large), or neither (nothing in scope matches the filters)."""

    stream: IO[bytes] | None = None
    job: RegisterExport | None = None


def request_export(*, actor: Any, filters: Mapping[str, Any]) -> ExportRequest:
    """Export the register within the actor's scope, narrowed by `filters`.

    Up to XINJU_EXPORT_INLINE_DWELLINGS dwellings are written while the user waits; more are
    queued (`start_export`). Exports carry personal data (masked as the actor's roles
    require), so each is recorded in the audit trail — for a small one in its own short
    transaction, before the workbook is written outside any (SQLite would otherwise hold
    its write lock for the whole workbook).
    """
    dwellings = selectors.dwellings(actor, selectors.DwellingFilters(**filters))
    count = dwellings.count()
    if not count:
        return ExportRequest()
    if count > settings.XINJU_EXPORT_INLINE_DWELLINGS:
        return ExportRequest(job=start_export(actor=actor, filters=filters))
    with transaction.atomic():
        audit.record(
            actor=actor,
            verb="register.export",
            label=_("Register export"),
            after={"filters": dict(filters), "dwellings": count},
            district_id=selectors.home_district_id(actor),
        )
    return ExportRequest(stream=exporter.register_workbook(actor, dwellings))


@transaction.atomic
def start_export(*, actor: Any, filters: Mapping[str, Any]) -> RegisterExport:
    """Queue a large export; the same request made again while it runs returns that export."""
    key = _filters_key(filters)
    expire_stale_jobs()
    running = RegisterExport.objects.filter(
        created_by=actor, filters_hash=key, status__in=(ExportStatus.PENDING, ExportStatus.RUNNING)
    ).first()
    if running:
        return running
    job = RegisterExport(id=uuid.uuid4(), created_by=actor, filters=dict(filters), filters_hash=key)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        return RegisterExport.objects.get(
            created_by=actor,
            filters_hash=key,
            status__in=(ExportStatus.PENDING, ExportStatus.RUNNING),
        )
    audit.record(actor=actor, verb="register.export", target=job, after={"filters": dict(filters)})
    from .tasks import export_register

    transaction.on_commit(lambda: export_register.enqueue(str(job.pk)))
    return job


def run_export(*, export_id: Any) -> RegisterExport:
    """Write a queued export to a private file. Called by the `export_register` task; a retry
    of a claimed or finished export does nothing."""
    job = RegisterExport.objects.select_related("created_by").get(pk=export_id)
    if job.status != ExportStatus.PENDING or not _move(job, ExportStatus.RUNNING):
        return job
    try:
        dwellings = selectors.dwellings(job.created_by, selectors.DwellingFilters(**job.filters))
        RegisterExport.objects.filter(pk=job.pk).update(total_rows=exporter.row_count(dwellings))

        def progress(n: int) -> None:
            RegisterExport.objects.filter(pk=job.pk).update(processed_rows=F("processed_rows") + n)

        with exporter.register_workbook(job.created_by, dwellings, progress) as stream:
            job.file.save(f"{job.pk}.xlsx", File(stream), save=False)
        _move(job, ExportStatus.DONE, file=job.file.name, finished_at=timezone.now())
    except Exception:
        logger.exception("register export %s failed", job.pk)
        job.refresh_from_db(fields=["status"])
        if not job.finished:
            _move(job, ExportStatus.FAILED, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def prune_exports(*, older_than: dt.timedelta) -> int:
    """Delete the files of exports finished more than `older_than` ago (personal data is not
    kept longer than it is needed). Run daily by `manage.py prune_exports`."""
    cutoff = timezone.now() - older_than
    pruned = 0
    for job in RegisterExport.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        RegisterExport.objects.filter(pk=job.pk).update(file="")
        pruned += 1
    return pruned


# --- jobs that never finished ----------------------------------------------------------------


def expire_stale_jobs(*, older_than: dt.timedelta | None = None) -> int:
    """Fail imports and exports still unfinished long after they began (their worker died,
    or their task was lost), so that the same file or the same export can be asked for
    again. Run by `start_import` / `start_export` and daily by `manage.py expire_jobs`."""
    age = older_than or dt.timedelta(minutes=settings.XINJU_JOB_STALE_MINUTES)
    cutoff = timezone.now() - age
    expired = 0
    for job in RegisterImport.objects.filter(status__in=_RUNNING, created_at__lt=cutoff):
        with transaction.atomic():
            moved = _move(
                job,
                ImportStatus.FAILED,
                finished_at=timezone.now(),
                errors=_problem(
                    _(
                        "The import did not finish (the background worker stopped). Nothing was written; upload the file again."
                    )
                ),
            )
            if moved:
                audit.record(actor=None, verb="register.import.expire", target=job)
                expired += 1
        if job.file:
            job.file.delete(save=False)
    running = (ExportStatus.PENDING, ExportStatus.RUNNING)
    for export in RegisterExport.objects.filter(status__in=running, created_at__lt=cutoff):
        expired += _move(export, ExportStatus.FAILED, finished_at=timezone.now())
    return expired
