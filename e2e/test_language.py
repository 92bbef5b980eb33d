"""The language switch in the navbar: Simplified Chinese by default, whatever the browser asks
for; English on request, and back. Chinese is recognised by <html lang> (the base template
sets it from the active language) and by the catalogue's own words (`zh`), never by Chinese
text written here, so the tests follow the translation as it grows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from xinju.core.testing.world import World

pytestmark = pytest.mark.browser


def zh(message: str) -> str:
    """The Chinese text of a message id (itself while the catalogue lacks it)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_switching_to_english_and_back_to_chinese(page: Page, sign_in: Any, world: World) -> None:
    sign_in(page, world.users["community"][0])
    page.goto("/register/")
    html, heading = page.locator("html"), page.locator("h1")
    choice = page.locator("#language-form select[name=language]")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(choice).to_have_value("zh-hans")

    # Choosing submits the form (onchange) and comes back to the same page, in English.
    with page.expect_navigation():
        choice.select_option("en")
    expect(page).to_have_url(re.compile(r"/register/$"))
    expect(html).to_have_attribute("lang", "en")
    expect(choice).to_have_value("en")
    expect(heading).to_contain_text("Register")
    expect(page.locator("#nav")).to_contain_text("Households")

    # The choice is remembered for the next pages, whatever the browser's own language.
    page.goto("/register/compounds/")
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Compounds")

    with page.expect_navigation():
        choice.select_option("zh-hans")
    expect(page).to_have_url(re.compile(r"/register/compounds/$"))
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(choice).to_have_value("zh-hans")
    expect(heading).to_have_text(zh("Compounds"))


@pytest.mark.browser_context_args(locale="en-GB")
def test_a_browser_asking_for_english_still_gets_chinese(page: Page) -> None:
    # Staff browsers are often set to English; only the switch changes the language.
    response = page.goto("/accounts/login/")
    assert response is not None
    assert response.request.headers["accept-language"].startswith("en-GB")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text(zh("Sign in to xinju"))
    expect(page.locator("#language-form select[name=language]")).to_have_value("zh-hans")
