"""Importing a register from Excel in a browser: download the template, fill it in, upload it;
a file with one bad row is rejected whole with that row pointed out, the corrected file is
written."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from xinju.areas.models import Dwelling, Estate
from xinju.core.identifiers import normalize_id_number
from xinju.core.testing.factories import valid_id_number, valid_mobile
from xinju.core.testing.world import World
from xinju.people.models import Person, Residency

pytestmark = pytest.mark.browser

SHEETS = ("小区", "楼栋", "房屋", "业主", "居民")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CODE, NAME = "E99001", "洪科新苑"  # world's compounds are E00001…; this one is new
BAD_OWNER_ROW = 3  # Excel row of the second owner: row 1 is the header
FAMILY_ID = valid_id_number(male=True)  # the owner of 101's son, who lives with him


def zh(message: str) -> str:
    """The Chinese text of a message id (itself while the catalogue lacks it)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def with_wrong_check_character(id_number: str) -> str:
    # Only the 18th character changes: the length, digits and birth date stay valid, so the
    # one thing wrong is the GB 11643 check character.
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


def register(
    world: World, people: list[tuple[str, str, str]], typo: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """A new compound in 洪科社区 with one building of three dwellings, an owner each (who
    lives there) and one family member. Columns by their template headers.

    `people` are the owners (name, ID number, mobile); `typo`, if given, replaces the second
    owner's ID number in the owners sheet only (Excel row BAD_OWNER_ROW), as a slip of the
    hand would — the residents sheet keeps the right one.
    """
    place = {"小区编码": CODE, "楼栋号": "1", "单元号": "1"}
    units = [("101", 1), ("102", 1), ("201", 2)]
    owner_rows = []
    resident_rows = []
    for i, ((unit, _floor), (name, id_number, phone)) in enumerate(zip(units, people, strict=True)):
        owner_rows.append(
            {**place, "房号": unit, "业主类型": "个人", "姓名或单位名称": name}
            | {"证件号码": typo if typo and i + 2 == BAD_OWNER_ROW else id_number, "手机号": phone}
        )
        resident_rows.append(
            {**place, "房号": unit, "姓名": name, "身份证号": id_number, "手机号": phone}
            | {"与户关系": "业主", "户主": "是"}
        )
    resident_rows.append(
        {**place, "房号": "101", "姓名": "张小明", "身份证号": FAMILY_ID}
        | {"与户关系": "家庭成员", "户主": "否"}
    )
    return {
        "小区": [
            {"小区编码": CODE, "小区名称": NAME, "所属社区": world.c1.name}
            | {"地址": "洪都中大道100号", "建成年份": 1996, "类型": "房改房", "开放式": "否"}
        ],
        "楼栋": [{"小区编码": CODE, "楼栋号": "1", "所属网格": world.g1.name, "层数": 6}],
        "房屋": [
            {**place, "房号": unit, "楼层": floor, "专有部分面积": 65.4, "面积来源": "不动产登记"}
            for unit, floor in units
        ],
        "业主": owner_rows,
        "居民": resident_rows,
    }


def filled(template: bytes, rows: dict[str, list[dict[str, Any]]]) -> bytes:
    """The downloaded template with the rows written under its headers, as a user would."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for sheet, records in rows.items():
        ws = book[sheet]
        columns = {str(c.value).removesuffix(" *"): c.column for c in ws[1] if c.value}
        for offset, record in enumerate(records):
            for header, value in record.items():
                ws.cell(row=2 + offset, column=columns[header], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page: Page, name: str, data: bytes) -> None:
    page.goto("/register/import/")
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    with page.expect_navigation():
        page.click("#upload")
    # Small files are checked while the user waits, so the job page is already final.
    expect(page).to_have_url(re.compile(r"/register/import/[0-9a-f-]{36}/$"))


def test_a_file_with_one_bad_id_number_writes_nothing_and_the_corrected_file_is_imported(
    page: Page, sign_in: Any, world: World
) -> None:
    sign_in(page, world.users["community"][0])
    page.locator("#nav").get_by_role("link", name=zh("Import"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/register/import/$"))

    # The template: an .xlsx with the five sheets, each headed by its columns.
    with page.expect_download() as download_info:
        page.click("#template")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = Path(download.path()).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert set(SHEETS) <= set(book.sheetnames)
    # Every sheet opens with the compound code, the key the rows refer to each other by.
    assert [book[sheet]["A1"].value for sheet in SHEETS] == ["小区编码 *"] * len(SHEETS)

    owners = [
        ("张建国", valid_id_number(male=True), valid_mobile()),
        ("李秀英", valid_id_number(male=False), valid_mobile()),
        ("王志强", valid_id_number(male=True), valid_mobile()),
    ]
    bad = with_wrong_check_character(owners[1][1])

    # 1. One bad ID number: the job page names its sheet, row and column; nothing is written.
    upload(page, "洪科新苑-登记.xlsx", filled(template, register(world, owners, typo=bad)))
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "rejected")
    with translation.override("zh-hans"):
        rejected = translation.ngettext(
            "Nothing was written: the file has %(counter)s problem. Correct it and upload the file again.",
            "Nothing was written: the file has %(counter)s problems. Correct them and upload the file again.",
            1,
        ) % {"counter": 1}
        with pytest.raises(ValueError) as wrong:  # the importer's own words for the problem
            normalize_id_number(bad)
    expect(page.locator("#import-rejected")).to_have_text(rejected)
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("业主")
    expect(cells.nth(1)).to_have_text(str(BAD_OWNER_ROW))
    expect(cells.nth(2)).to_have_text(re.compile(r"^[A-Z]+ 证件号码$"))  # letter and header
    expect(cells.nth(3)).to_have_text(str(wrong.value))
    assert not Estate.objects.filter(code=CODE).exists()
    everyone = [*(o[1] for o in owners), FAMILY_ID]
    assert not Person.objects.filter(id_number__in=everyone).exists()

    # 2. The corrected file: imported, and the compound is in the register and its list.
    upload(page, "洪科新苑-登记（改）.xlsx", filled(template, register(world, owners)))
    expect(status).to_have_attribute("data-status", "done")
    done = page.locator("#import-done")
    expect(done).to_contain_text(zh("Imported."))
    counts = {"e": 1, "b": 1, "d": 3, "o": 3, "r": 4}
    expect(done).to_contain_text(
        zh(
            "%(e)s compounds, %(b)s buildings, %(d)s dwellings, %(o)s owners and %(r)s residents were added."
        )
        % counts
    )
    estate = Estate.objects.get(code=CODE)
    assert (estate.name, estate.community_id) == (NAME, world.c1.pk)
    assert Dwelling.objects.filter(estate=estate).count() == 3
    assert Residency.objects.current().filter(dwelling__estate=estate).count() == 4
    assert Person.objects.filter(id_number__in=everyone).count() == 4

    page.locator("#nav").get_by_role("link", name=zh("Compounds"), exact=True).click()
    page.get_by_role("link", name=NAME, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/register/compounds/{estate.pk}/$"))
    expect(page.locator('#estate-facts dd[data-fact="built_year"]')).to_have_text("1996")
    expect(page.locator('[data-figure="households"]')).to_have_text("3")


def test_a_grid_worker_cannot_import(page: Page, sign_in: Any, world: World) -> None:
    sign_in(page, world.users["grid"][0])
    # Community workers have the link (see above); grid workers neither see nor reach it.
    expect(page.locator("#nav").get_by_role("link", name=zh("Import"), exact=True)).to_have_count(0)
    response = page.goto("/register/import/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text(zh("Not found"))
