"""The register workbook the import benchmark reads, built from a database holding the demo.

It follows the import template (`importer.SHEETS`, five sheets): compounds, buildings,
dwellings and owners are filled; the residents sheet has only its header row. Rows are read
with plain SQL from the source database (the benchmark's own Django connection points at
another database) and written in the exporter's style: numbers as numbers, choices as their
Chinese words, ID numbers and phones in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psycopg
import xlsxwriter

from xinju.areas import importer
from xinju.areas.models import Building, Community, Dwelling, Entrance, Estate, Grid
from xinju.orgs.models import Organization
from xinju.people.models import Owner, Ownership, Person

YES, NO = "是", "否"


def _word(words: dict[Any, tuple[str, ...]], value: Any) -> str:
    return words[value][0] if value in words else ("" if value is None else str(value))


def _tables() -> dict[str, str]:
    models = {
        "estate": Estate,
        "building": Building,
        "entrance": Entrance,
        "dwelling": Dwelling,
        "community": Community,
        "grid": Grid,
        "org": Organization,
        "person": Person,
        "title": Ownership,
        "owner": Owner,
    }
    return {key: model._meta.db_table for key, model in models.items()}


def _estates(cur: psycopg.Cursor, t: dict[str, str]) -> Iterable[dict[str, Any]]:
    cur.execute(
        f"""SELECT e.code, e.name, c.code, e.address, e.built_year, e.kind, e.is_open,
                   e.longitude, e.latitude, o.name, e.note
            FROM {t["estate"]} e
            JOIN {t["community"]} c ON c.id = e.community_id
            LEFT JOIN {t["org"]} o ON o.id = e.property_company_id
            ORDER BY e.code"""
    )
    for code, name, community, address, built, kind, is_open, lon, lat, company, note in cur:
        yield {
            "code": code,
            "name": name,
            "community": community,
            "address": address,
            "built_year": built,
            "kind": _word(importer.KIND_WORDS, kind),
            "is_open": YES if is_open else NO,
            "longitude": "" if lon is None else str(lon),
            "latitude": "" if lat is None else str(lat),
            "property_company": company or "",
            "note": note,
        }


def _buildings(cur: psycopg.Cursor, t: dict[str, str]) -> Iterable[dict[str, Any]]:
    cur.execute(
        f"""SELECT e.code, b.number, g.code, b.floors, b.built_year, b.note
            FROM {t["building"]} b
            JOIN {t["estate"]} e ON e.id = b.estate_id
            JOIN {t["grid"]} g ON g.id = b.grid_id
            ORDER BY e.code, b.id"""
    )
    for code, number, grid, floors, built, note in cur:
        yield {
            "estate": code,
            "building": number,
            "grid": grid,
            "floors": floors,
            "built_year": built,
            "note": note,
        }


def _dwellings(cur: psycopg.Cursor, t: dict[str, str]) -> Iterable[dict[str, Any]]:
    cur.execute(
        f"""SELECT e.code, b.number, en.number, d.number, d.floor, d.exclusive_area,
                   d.area_source, d.use, ti.status, ti.certificate_no
            FROM {t["dwelling"]} d
            JOIN {t["estate"]} e ON e.id = d.estate_id
            JOIN {t["building"]} b ON b.id = d.building_id
            JOIN {t["entrance"]} en ON en.id = d.entrance_id
            LEFT JOIN {t["title"]} ti ON ti.dwelling_id = d.id AND ti.ended_on IS NULL
            ORDER BY e.code, d.building_id, d.entrance_id, d.floor, d.number"""
    )
    for code, b, en, number, floor, area, source, use, status, cert in cur:
        yield {
            "estate": code,
            "building": b,
            "entrance": en,
            "number": number,
            "floor": floor,
            "area": float(area),
            "area_source": _word(importer.SOURCE_WORDS, source),
            "use": _word(importer.USE_WORDS, use),
            "title_status": _word(importer.STATUS_WORDS, status) if status else "",
            "certificate_no": cert or "",
        }


def _owners(cur: psycopg.Cursor, t: dict[str, str]) -> Iterable[dict[str, Any]]:
    cur.execute(
        f"""SELECT e.code, b.number, en.number, d.number, p.name, p.id_number, p.phone,
                   o.name, o.credit_code, w.is_representative
            FROM {t["owner"]} w
            JOIN {t["title"]} ti ON ti.id = w.ownership_id AND ti.ended_on IS NULL
            JOIN {t["dwelling"]} d ON d.id = ti.dwelling_id
            JOIN {t["estate"]} e ON e.id = d.estate_id
            JOIN {t["building"]} b ON b.id = d.building_id
            JOIN {t["entrance"]} en ON en.id = d.entrance_id
            LEFT JOIN {t["person"]} p ON p.id = w.person_id
            LEFT JOIN {t["org"]} o ON o.id = w.organization_id
            ORDER BY e.code, d.id, w.id"""
    )
    person_word = importer.OWNER_TYPE_WORDS["person"][0]
    org_word = importer.OWNER_TYPE_WORDS["organization"][0]
    for code, b, en, number, name, id_number, phone, org, credit, rep in cur:
        yield {
            "estate": code,
            "building": b,
            "entrance": en,
            "number": number,
            "owner_type": org_word if org else person_word,
            "name": org or name,
            "id_number": (credit or "") if org else (id_number or ""),
            "phone": "" if org else phone,
            "representative": YES if rep else NO,
        }


def _write_sheet(
    book: xlsxwriter.Workbook,
    spec: importer.SheetSpec,
    rows: Iterable[dict[str, Any]],
) -> int:
    ws = book.add_worksheet(spec.name)
    keys: Sequence[str] = [c.key for c in spec.columns]
    for col, column in enumerate(spec.columns):
        ws.write_string(0, col, column.header)
    count = 0
    for r, row in enumerate(rows, start=1):
        for c, key in enumerate(keys):
            value = row.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
        count += 1
    return count


def build(source_url: str, path: Path) -> dict[str, int]:
    """Write the workbook to `path`; returns the number of data rows per sheet."""
    t = _tables()
    readers = {
        importer.ESTATES.key: _estates,
        importer.BUILDINGS.key: _buildings,
        importer.DWELLINGS.key: _dwellings,
        importer.OWNERS.key: _owners,
    }
    counts: dict[str, int] = {}
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    with psycopg.connect(source_url) as conn:
        for spec in importer.SHEETS:
            reader = readers.get(spec.key)
            if reader is None:  # the residents sheet: its header row only
                counts[spec.key] = _write_sheet(book, spec, ())
                continue
            # A named (server-side) cursor streams the rows instead of loading a sheet at once.
            with conn.cursor(name=f"sheet_{spec.key}") as cur:
                counts[spec.key] = _write_sheet(book, spec, reader(cur, t))
    book.close()
    return counts
