"""Register workbooks for tests: the template's sheets with rows given as lists."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from xinju.areas.importer import SHEETS


def headers(sheet_key: str) -> list[str]:
    spec = next(s for s in SHEETS if s.key == sheet_key)
    return [c.header for c in spec.columns]


def workbook(
    rows: dict[str, list[list[Any]]],
    *,
    drop_sheets: tuple[str, ...] = (),
    name: str = "register.xlsx",
) -> io.BytesIO:
    """An xlsx with every template sheet (except `drop_sheets`), headers first, then `rows[key]`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in SHEETS:
        if spec.key in drop_sheets:
            continue
        sheet = book.create_sheet(spec.name)
        sheet.append(headers(spec.key))
        for row in rows.get(spec.key, []):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


def new_compound_rows(
    world: Any, ids: list[str], *, code: str = "NEW-001"
) -> dict[str, list[list[Any]]]:
    """A valid new compound in world.c1: one building of 2 entrances × 2 units on floor 1,
    an owner for each dwelling (the first co-owned) and a resident in each."""
    unit = [(code, "1", e, "101") for e in ("1", "2")] + [(code, "1", e, "102") for e in ("1", "2")]
    return {
        "estates": [
            [
                code,
                "新建测试小区",
                world.c1.name,
                "洪都大道1号",
                1990,
                "房改房",
                "否",
                115.91,
                28.64,
                "",
                "",
            ]
        ],
        "buildings": [[code, "1", world.g1.name, 6, None, ""]],
        "dwellings": [
            [*u, 1, 60.5 + i, "不动产登记", "住宅", "已售已交付", ""] for i, u in enumerate(unit)
        ],
        "owners": [
            [*unit[0], "个人", "王一", ids[0], "13900000001", "是"],
            [*unit[0], "个人", "李二", ids[1], "13900000002", "否"],
            [*unit[1], "个人", "张三", ids[2], "13900000003", ""],
            [*unit[2], "个人", "赵四", ids[3], "", ""],
            [*unit[3], "个人", "钱五", ids[4], "", ""],
        ],
        "residents": [
            [*unit[0], "王一", ids[0], "13900000001", "业主", "是", "2001-05-01"],
            [*unit[1], "张三", ids[2], "", "业主", "是", ""],
            [*unit[1], "张小三", ids[5], "", "家庭成员", "否", ""],
            [*unit[2], "孙六", ids[6], "", "租户", "是", ""],
        ],
    }
