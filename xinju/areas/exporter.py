"""The register as xlsx, in the import template's format (so an export can be imported into
another installation). Personal data is masked where the user's roles do not reach it."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

import xlsxwriter
from django.db.models import OuterRef, QuerySet, Subquery

from xinju.people.models import Owner, Ownership, Residency
from xinju.people.permissions import PiiPolicy

from . import importer
from .models import Building, Dwelling, Estate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_WORDS = {
    "kind": importer.KIND_WORDS,
    "area_source": importer.SOURCE_WORDS,
    "use": importer.USE_WORDS,
    "title_status": importer.STATUS_WORDS,
    "relation": importer.RELATION_WORDS,
}


def _word(kind: str, value: str) -> str:
    return _WORDS[kind].get(value, (value,))[0]


def _yes(value: bool) -> str:
    return "是" if value else "否"


def row_count(dwellings: QuerySet[Dwelling]) -> int:
    """About how many rows an export of these dwellings writes (for its progress bar)."""
    ids = dwellings.order_by().values("pk")
    return (
        dwellings.count()
        + Owner.objects.filter(
            ownership__ended_on__isnull=True, ownership__dwelling__in=ids
        ).count()
        + Residency.objects.current().filter(dwelling__in=ids).count()
    )


def register_workbook(
    user: Any, dwellings: QuerySet[Dwelling], progress: Callable[[int], None] | None = None
) -> io.BufferedRandom:
    """Write the visible dwellings (already filtered by scope) with their compounds, buildings,
    owners and residents. Rows stream from the database; memory stays flat. `progress(n)` is
    told every few thousand rows."""
    progress = progress or (lambda n: None)
    pii = PiiPolicy(user, dwellings)
    ids = dwellings.order_by().values("pk")
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    estate_ids = dwellings.order_by().values("estate_id")

    def sheet(spec: importer.SheetSpec, rows: Iterable[tuple[Any, ...]]) -> None:
        ws = book.add_worksheet(spec.name)
        for col, column in enumerate(spec.columns):
            ws.write_string(0, col, column.header, head)
            ws.set_column(col, col, column.width)
        for r, row in enumerate(rows, start=1):
            if r % 5000 == 0:
                progress(5000)
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))

    estates = Estate.objects.filter(pk__in=estate_ids).select_related(
        "community", "property_company"
    )
    sheet(
        importer.ESTATES,
        (
            (
                e.code,
                e.name,
                e.community.code,
                e.address,
                e.built_year,
                _word("kind", e.kind),
                _yes(e.is_open),
                str(e.longitude) if e.longitude is not None else "",
                str(e.latitude) if e.latitude is not None else "",
                e.property_company.name if e.property_company else "",
                e.note,
            )
            for e in estates.order_by("code").iterator(chunk_size=2000)
        ),
    )
    buildings = Building.objects.filter(pk__in=dwellings.order_by().values("building_id"))
    sheet(
        importer.BUILDINGS,
        buildings.order_by("estate__code", "id")
        .values_list("estate__code", "number", "grid__code", "floors", "built_year", "note")
        .iterator(chunk_size=5000),
    )
    current_title = Ownership.objects.current().filter(dwelling=OuterRef("pk"))
    sheet(
        importer.DWELLINGS,
        (
            (
                code,
                b,
                e,
                number,
                floor,
                float(area),
                _word("area_source", source),
                _word("use", use),
                _word("title_status", status) if status else "",
                cert or "",
            )
            for code, b, e, floor, number, area, source, use, status, cert in dwellings.annotate(
                title_status=Subquery(current_title.values("status")[:1]),
                title_certificate=Subquery(current_title.values("certificate_no")[:1]),
            )
            .order_by("estate__code", "building_id", "entrance_id", "floor", "number")
            .values_list(
                "estate__code",
                "building__number",
                "entrance__number",
                "floor",
                "number",
                "exclusive_area",
                "area_source",
                "use",
                "title_status",
                "title_certificate",
            )
            .iterator(chunk_size=5000)
        ),
    )
    owners = (
        Owner.objects.filter(ownership__ended_on__isnull=True, ownership__dwelling__in=ids)
        .order_by("ownership__dwelling__estate__code", "ownership__dwelling_id", "id")
        .values_list(
            "ownership__dwelling_id",
            "ownership__dwelling__estate__code",
            "ownership__dwelling__building__number",
            "ownership__dwelling__entrance__number",
            "ownership__dwelling__number",
            "person_id",
            "person__name",
            "person__id_number",
            "person__phone",
            "organization__name",
            "organization__credit_code",
            "is_representative",
        )
    )
    sheet(
        importer.OWNERS,
        (
            (
                code,
                b,
                e,
                n,
                "单位" if org else "个人",
                org or name,
                (credit or "") if org else pii.id_number(id_number, dwelling_id, person=person),
                "" if org else pii.phone(phone, dwelling_id, person=person),
                _yes(rep),
            )
            for dwelling_id, code, b, e, n, person, name, id_number, phone, org, credit, rep in owners.iterator(
                chunk_size=5000
            )
        ),
    )
    residents = (
        Residency.objects.current()
        .filter(dwelling__in=ids)
        .order_by("dwelling__estate__code", "dwelling_id", "-is_head", "id")
        .values_list(
            "dwelling_id",
            "dwelling__estate__code",
            "dwelling__building__number",
            "dwelling__entrance__number",
            "dwelling__number",
            "person_id",
            "person__name",
            "person__id_number",
            "person__phone",
            "relation",
            "is_head",
            "moved_in_on",
        )
    )
    sheet(
        importer.RESIDENTS,
        (
            (
                code,
                b,
                e,
                n,
                name,
                pii.id_number(id_number, dwelling_id, person=person),
                pii.phone(phone, dwelling_id, person=person),
                _word("relation", relation),
                _yes(head),
                moved.isoformat() if moved else "",
            )
            for dwelling_id, code, b, e, n, person, name, id_number, phone, relation, head, moved in residents.iterator(
                chunk_size=5000
            )
        ),
    )
    book.close()
    out.seek(0)
    return out
