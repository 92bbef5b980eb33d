"""Loading many rows at once, for the register import and the demo generator.

The ORM's bulk_create builds a model instance per row; at a district's scale (hundreds of
thousands of rows) that costs more than the database does. These helpers write plain tuples:
COPY on PostgreSQL, executemany on SQLite. They bypass save() and signals, so only services
that validated every row and record the load in the audit trail may call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk loads must run inside the caller's transaction")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, so related rows can be written without a read-back."""
    _require_atomic()
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (transaction_mode IMMEDIATE), so
        # nobody else can take these numbers before we insert them. Numbers reserved
        # earlier in this connection but not yet inserted are remembered, so two
        # reservations in a row do not overlap.
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        marks = connection.__dict__.setdefault("_xinju_reserved", {})
        start = max(highest, row[0] if row else 0, marks.get(table, 0)) + 1
        marks[table] = start + count - 1
        return list(range(start, start + count))


def _adapter(field: models.Field) -> Any:
    if connection.vendor == "postgresql":
        return None  # psycopg adapts Decimal, date and datetime itself
    if isinstance(field, models.DateTimeField):
        return lambda v: connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: connection.ops.adapt_datefield_value(v)
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Insert rows given as tuples in the order of `fields`, plus `constants` on every row.

    Returns the number of rows written. Database constraints still hold: a duplicate raises
    IntegrityError and the caller's transaction rolls everything back.
    """
    _require_atomic()
    constants = dict(constants or {})
    names = list(fields) + list(constants)
    model_fields = [model._meta.get_field(n) for n in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    tail = tuple(constants.values())
    adapters = [_adapter(f) for f in model_fields]
    needs_adapting = any(adapters)
    count = 0

    def prepared() -> Iterable[tuple[Any, ...]]:
        nonlocal count
        for row in rows:
            full = tuple(row) + tail
            if needs_adapting:
                full = tuple(a(v) if a else v for a, v in zip(adapters, full, strict=True))
            count += 1
            yield full

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw psycopg cursor does COPY; Django's wrapper turns its errors into
            # django.db errors (IntegrityError…) as for every other query.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in prepared():
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                list(prepared()),
            )
    return count


def now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()
