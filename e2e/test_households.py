"""The households list on a phone: the page fits the screen, and a search by a resident's
name finds their household."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from xinju.core.testing.world import World
from xinju.people.models import Person, Relation, Residency
from xinju.people.names import pinyin_key

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}  # an iPhone 12–15 screen in CSS pixels
NAME = "欧阳晓测"  # a name no factory makes, so the search has exactly one right answer


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_households_list_fits_a_phone_and_finds_a_resident_by_name(
    page: Page, sign_in: Any, world: World
) -> None:
    dwelling = world.d2
    family = Residency.objects.get(dwelling=dwelling, relation=Relation.FAMILY).person
    Person.objects.filter(pk=family.pk).update(name=NAME, name_pinyin=pinyin_key(NAME))

    sign_in(page, world.users["community"][0])
    page.goto("/register/households/")
    rows = page.locator("#register tbody tr")
    expect(rows).to_have_count(8)  # 洪科社区 holds E1's eight dwellings

    # Nothing makes the page wider than the phone: the navbar collapses behind its toggler
    # and the ten-column table stays inside its .table-responsive box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    navbar = page.locator("nav.navbar").bounding_box()
    assert navbar is not None and navbar["width"] <= PHONE["width"]
    menu = page.locator("#nav")
    expect(menu).to_be_hidden()
    page.locator(".navbar-toggler").click()
    # Bootstrap ignores a toggle while the menu is still sliding: wait until it has opened.
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(menu.locator(".nav-link")).to_have_count(
        6
    )  # cockpit, renewal, register, compounds, households, import
    page.locator(".navbar-toggler").click()  # closed again, out of the screenshot's way
    expect(menu).to_be_hidden()

    # The search: HTMX swaps the results and keeps the query in the address.
    page.evaluate("window.sameDocument = true")
    search = page.locator("input[name=q]")
    search.fill(NAME)
    search.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(f'a[href="/register/households/{dwelling.pk}/"]')).to_have_text(
        dwelling.number
    )
    expect(page).to_have_url(re.compile(r"/register/households/\?.*q=[^&]+"))
    assert page.evaluate("window.sameDocument === true"), "the search reloaded the whole page"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_export_after_a_search_exports_what_the_search_found(
    page: Page, sign_in: Any, world: World
) -> None:
    sign_in(page, world.users["community"][0])
    page.goto("/register/households/")
    search = page.locator("input[name=q]")
    search.fill(world.e1.name + " 1栋1单元101")
    search.press("Enter")
    expect(page.locator("#register tbody tr")).to_have_count(1)

    with page.expect_download() as download:
        page.locator("#export").click()
    # openpyxl goes by the file name's extension, which playwright's download path lacks.
    data = io.BytesIO(Path(download.value.path()).read_bytes())
    book = openpyxl.load_workbook(data, read_only=True)
    units = [row for row in book["房屋"].iter_rows(min_row=2, values_only=True) if row[0]]
    # The one household on the screen, not the eight of the worker's whole scope.
    assert len(units) == 1, f"the export holds {len(units)} dwellings"
