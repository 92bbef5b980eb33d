"""Figure 3: importing the district's register through the real service path, and the same
rows written by a raw COPY for comparison.

Three steps, each a worker process started by run.py:
  prepare   a migrated database with the area skeleton (district, subdistricts, communities,
            grids) and the organisations copied from the demo database, an HQ user, and the
            register workbook built from the demo; run.py clones it for the next two steps
  run       start_import() queues the job (the task backend is "db", so nothing runs yet),
            then run_import() is timed: reading, checking and writing in one transaction
  raw-copy  the rows the import wrote, read back into memory, then COPY'd into a clone of the
            skeleton in one transaction; the ratio raw ÷ import says how close the import
            comes to what the database itself needs
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from xinju.accounts import services as accounts
from xinju.accounts.models import Role, ScopeKind, User
from xinju.areas import importer, services
from xinju.areas.models import (
    Building,
    Community,
    District,
    Dwelling,
    Entrance,
    Estate,
    Grid,
    ImportStatus,
    Subdistrict,
)
from xinju.orgs.models import Organization
from xinju.people.models import Owner, Ownership, Person, Residency

from . import register_file
from .profiling import profiled

SKELETON: tuple[type[models.Model], ...] = (District, Subdistrict, Community, Grid, Organization)
# What an import writes, parents first (the order COPY must follow for the foreign keys).
WRITTEN: tuple[type[models.Model], ...] = (
    Estate,
    Building,
    Entrance,
    Dwelling,
    Person,
    Ownership,
    Owner,
    Residency,
)
HQ_USERNAME = "bench-hq"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type[models.Model]) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)


def _counts(conn: psycopg.Connection, tables: tuple[type[models.Model], ...]) -> dict[str, int]:
    return {
        m._meta.label: conn.execute(f"SELECT count(*) FROM {_table(m)}").fetchone()[0]
        for m in tables
    }


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Skeleton + HQ user in this (fresh) database; the workbook from the --source database."""
    call_command("migrate", interactive=False, verbosity=0)
    with psycopg.connect(args.source) as source, transaction.atomic():
        with connection.cursor() as cursor:
            for model in SKELETON:
                cols = _columns(model)
                # Binary COPY from one database straight into the other, same ids.
                with (
                    source.cursor().copy(
                        f"COPY (SELECT {cols} FROM {_table(model)}) TO STDOUT (FORMAT BINARY)"
                    ) as out,
                    cursor.cursor.copy(
                        f"COPY {_table(model)} ({cols}) FROM STDIN (FORMAT BINARY)"
                    ) as into,
                ):
                    for block in out:
                        into.write(block)
            for statement in connection.ops.sequence_reset_sql(no_style(), list(SKELETON)):
                cursor.execute(statement)
        district = District.objects.get()
        user = accounts.create_user(
            actor=None, username=HQ_USERNAME, password=None, display_name="基准测试指挥部"
        )
        accounts.assign_role(
            actor=None,
            user=user,
            role=Role.HQ,
            scope_kind=ScopeKind.DISTRICT,
            scope_id=district.pk,
        )
    skeleton = {m._meta.label: m.objects.count() for m in SKELETON}
    started = time.perf_counter()
    sheets = register_file.build(args.source, Path(args.file))
    built = time.perf_counter() - started
    # run.py copies this database next; a template must have no open connection.
    connection.close()
    return {
        "skeleton": skeleton,
        "sheets": sheets,
        "file_bytes": Path(args.file).stat().st_size,
        "build_seconds": built,
    }


def _instrument() -> tuple[dict[str, float], dict[str, float]]:
    """Time the import's phases and its inserts per table, by wrapping (not changing) them."""
    phases: dict[str, float] = {}
    tables: dict[str, float] = {}

    def timed(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[key] = phases.get(key, 0.0) + time.perf_counter() - started

        return wrapper

    insert_rows = importer.insert_rows

    def insert_timed(model: type[models.Model], *a: Any, **kw: Any) -> int:
        started = time.perf_counter()
        try:
            return insert_rows(model, *a, **kw)
        finally:
            label = model._meta.label
            tables[label] = tables.get(label, 0.0) + time.perf_counter() - started

    importer.open_workbook = timed("open", importer.open_workbook)
    importer.read_sheets = timed("read", importer.read_sheets)
    importer.Validator.run = timed("validate", importer.Validator.run)  # type: ignore[method-assign]
    importer.write = timed("write", importer.write)
    importer.insert_rows = insert_timed
    return phases, tables


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Queue the job as the HQ user, then time run_import() to its committed write."""
    user = User.objects.get(username=HQ_USERNAME)
    data = Path(args.file).read_bytes()
    upload = SimpleUploadedFile("register.xlsx", data, content_type=XLSX)
    job = services.start_import(actor=user, upload=upload)
    if job.status != ImportStatus.PENDING:
        raise RuntimeError(f"the job should wait for its task, but is {job.status}")
    phases, tables = _instrument()
    started = time.perf_counter()
    with profiled(args.profile):
        job = services.run_import(job_id=job.pk)
    seconds = time.perf_counter() - started
    if job.status != ImportStatus.DONE:
        raise RuntimeError(f"the import ended {job.status}: {(job.errors or [])[:5]}")
    phases["commit etc."] = seconds - sum(phases.values())
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        written = _counts(conn, WRITTEN)
    connection.close()
    return {
        "seconds": seconds,
        "counts": job.counts,
        "written": written,
        "file_bytes": len(data),
        "phases": phases,
        "insert_seconds": tables,
    }


def raw_copy(args: argparse.Namespace) -> dict[str, Any]:
    """COPY the rows the import wrote (read from --source) into this skeleton database."""
    specs = [(m, _table(m), _columns(m)) for m in WRITTEN]
    with psycopg.connect(args.source) as source:
        # Prepared before any clock starts: plain tuples, as psycopg returns them.
        data = {
            m._meta.label: source.execute(f"SELECT {cols} FROM {table} ORDER BY 1").fetchall()
            for m, table, cols in specs
        }
        imported = _counts(source, WRITTEN)
    samples: list[float] = []
    per_table: dict[str, float] = {}
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        for _ in range(max(1, args.repeat)):
            # Empty tables with their indexes, as the import found them.
            conn.execute("TRUNCATE " + ", ".join(t for _m, t, _c in specs) + " CASCADE")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cur:
                for m, table, cols in specs:
                    t0 = time.perf_counter()
                    with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                        for row in data[m._meta.label]:
                            copy.write_row(row)
                    per_table[m._meta.label] = time.perf_counter() - t0
            conn.commit()
            samples.append(time.perf_counter() - started)
        copied = _counts(conn, WRITTEN)
    return {
        "samples": samples,
        "imported": imported,
        "copied": copied,
        "same_counts": imported == copied,
        "insert_seconds": per_table,
    }
