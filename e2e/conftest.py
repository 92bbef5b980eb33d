"""Browser tests: Debian's chromium, driven by playwright, against pytest-django's live_server.

pytest-playwright supplies the browser, context and page fixtures; this file only points it at
the system chromium (a browser is never downloaded), serves the application with live_server,
and adds what every test here wants: a sign-in through the real login form, a full-page
screenshot per test in test-results/, and a check that no page raised a JavaScript error or
failed to load one of its scripts or style sheets.

The browser is /usr/bin/chromium (XINJU_CHROMIUM overrides the path). When it is missing the
tests are skipped, or fail when XINJU_REQUIRE_BROWSER=1 (set it in CI, so that a machine
without the browser cannot pass by skipping everything).

The data: the root conftest's `world` fixture asks for `db`, and pytest-django turns that into
`transactional_db` for every test that uses live_server (here through `base_url`), so the
world is committed and the server's thread sees it; the tables are emptied after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect

# Playwright's sync API keeps an asyncio loop running in the main thread for the whole
# session, so Django would refuse the ORM calls the tests (and pytest-django's database
# teardown) make from that thread. Nothing here is truly concurrent: the test thread waits
# while the live server's thread answers the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("XINJU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# pytest-playwright empties its --output folder (default "test-results") when any pytest
# session starts — a unit-test run too — so each run leaves only its own screenshots here.
# XINJU_SCREENSHOTS puts them elsewhere (to keep them, or to collect them in CI).
SCREENSHOTS = Path(os.environ.get("XINJU_SCREENSHOTS", ROOT / "test-results"))
# The pages load these; `make assets` copies them from node_modules (they are not committed).
VENDOR_FILES = (
    "static/vendor/bootstrap/bootstrap.min.css",
    "static/vendor/bootstrap/bootstrap.bundle.min.js",
    "static/vendor/htmx/htmx.min.js",
    "static/vendor/echarts/echarts.min.js",
)
PASSWORD = "pw-for-tests"  # every user of xinju.core.testing.world has it


@pytest.fixture(scope="session", autouse=True)
def _chromium() -> Path:
    """The system browser, or a skip (a failure when XINJU_REQUIRE_BROWSER=1) without it.

    Session-scoped and autouse, so it runs before pytest-playwright tries to launch anything.
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = (
            f"the browser tests need chromium at {CHROMIUM}; "
            "install it with: apt-get install chromium fonts-noto-cjk"
        )
        if os.environ.get("XINJU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"XINJU_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session", autouse=True)
def _assets() -> None:
    """Without the vendored files the pages have no HTMX and no styles: say so plainly rather
    than let the tab test fail with a timeout."""
    missing = [name for name in VENDOR_FILES if not (ROOT / name).is_file()]
    if missing:
        pytest.fail(
            f"static files missing ({', '.join(missing)}): run `make assets` first", pytrace=False
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], _chromium: Path
) -> dict[str, Any]:
    """pytest-playwright's launch options (it honours --headed and --slowmo), with Debian's
    chromium instead of a downloaded one."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(_chromium),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(django_db_setup: None, live_server: Any) -> str:
    """pytest-playwright gives every context this base URL, so tests write page.goto("/…").

    Depending on django_db_setup first makes the server start against the test database.
    """
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A browser set up like the district workers' own: Chinese, in Nanchang's time zone.

    (The site ignores Accept-Language — see xinju.core.middleware — so the locale only makes
    the browser itself realistic.) The viewport is left to playwright's default, so a test can
    set its own with @pytest.mark.browser_context_args(viewport=…).
    """
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _chinese_by_default(chinese: None) -> None:
    """The root conftest makes every test speak English; the browser tests see the site as its
    users do, in its production default, Simplified Chinese (the root `chinese` fixture)."""


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    """The live server speaks plain HTTP. Production settings (XINJU_SECRET_KEY set, DEBUG
    off) would mark cookies Secure and expect collected, hashed static files; pin what the
    live server needs so the tests do not depend on the machine's environment."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _file_name(node: pytest.Item, suffix: str = "") -> Path:
    # test_register.py::test_x[chromium] + "hq" → test_register.test_x-chromium-hq.png
    raw = f"{Path(str(node.path)).stem}.{node.name}{'-' + suffix if suffix else ''}"
    return SCREENSHOTS / (re.sub(r"[^\w.]+", "-", raw).strip("-") + ".png")


def _watch(page: Page) -> list[str]:
    """Collect what should never happen on any page: a JavaScript error, or a script or style
    sheet that did not load (a missing vendored file, a broken {% static %})."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error on {page.url}: {error}"))

    def check(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    page.on("response", check)
    # Generous for a loaded machine; a passing run takes a fraction of it.
    page.set_default_timeout(10_000)
    return problems


def _finish(page: Page, path: Path, problems: list[str]) -> list[str]:
    """Save the page's last state — also when the test failed, when it is most useful."""
    if not page.is_closed():
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=True)
    return problems


@pytest.fixture
def page(page: Page, request: pytest.FixtureRequest) -> Iterator[Page]:
    """pytest-playwright's page, watched (see _watch) and photographed when the test ends."""
    problems = _watch(page)
    yield page
    _finish(page, _file_name(request.node), problems)
    assert not problems, "the page had problems:\n" + "\n".join(problems)


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(
    new_context: Callable[..., Any], request: pytest.FixtureRequest
) -> Iterator[OpenPage]:
    """open_page(name, **context_args): a page in a fresh browser context — a second person
    signed in beside the first. Watched like `page`; its screenshot is suffixed with name."""
    opened: list[tuple[Page, str, list[str]]] = []

    def _open(name: str, **context_args: Any) -> Page:
        new = new_context(**context_args).new_page()
        opened.append((new, name, _watch(new)))
        return new

    yield _open
    problems = [
        p
        for new, name, watched in opened
        for p in _finish(new, _file_name(request.node, name), watched)
    ]
    assert not problems, "a page had problems:\n" + "\n".join(problems)


SignIn = Callable[[Page, Any], None]


@pytest.fixture
def sign_in() -> SignIn:
    """sign_in(page, user): through the login form, as a person would; lands on the cockpit
    (those who answer for an area) or the register (everyone else)."""

    def _sign_in(page: Page, user: Any) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("#sign-in")
        # A wrong password would leave us on the login page with an error instead.
        expect(page).to_have_url(re.compile(r"/(register|cockpit)/$"))

    return _sign_in
