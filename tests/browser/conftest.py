"""Fixtures for the real-browser tests: one Streamlit server and one Chromium for the whole session,
a fresh offline browser context for every page.

    @pytest.mark.browser
    def test_border_gates_in_chinese(open_page):
        app = open_page("border_gates?lang=zh", viewport=PHONE)
        wait_for_map(app.page)
        assert deck_errors(app.console) == []

Without /usr/bin/chromium the tests are skipped, unless CORRIDOR_ATLAS_REQUIRE_BROWSER=1 (CI), where
they fail. CORRIDOR_ATLAS_BROWSER_APP=<path to a script> points the server at another app.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from . import harness

APP_ENV = "CORRIDOR_ATLAS_BROWSER_APP"

OpenPage = Callable[..., harness.AppPage]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report on the test item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium, or a skip (a failure under CI) when it is not installed."""
    reason = harness.chromium_missing_reason()
    if reason is not None:
        if harness.browser_required():
            pytest.fail(f"{reason} ({harness.REQUIRE_BROWSER_ENV}=1: browser tests must not skip)",
                        pytrace=False)
        pytest.skip(reason)
    return harness.CHROMIUM_PATH


@pytest.fixture(scope="session")
def app_server(chromium_executable: Path) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of `streamlit run app.py` started from the repository root."""
    script = Path(os.environ.get(APP_ENV) or harness.REPO_DIR / "app.py").resolve()
    if not script.is_file():
        pytest.fail(f"no app to test: {script} does not exist", pytrace=False)
    try:
        server = harness.start_app_server(script.parent, script.name)
    except harness.ServerStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright_driver(chromium_executable: Path) -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Headless Chromium shared by every browser test (each page gets its own context)."""
    chromium = harness.launch_chromium(playwright_driver)
    yield chromium
    chromium.close()


@pytest.fixture
def open_page(request: pytest.FixtureRequest, browser: Browser, app_server: str) -> Iterator[OpenPage]:
    """Factory: `open_page(path="", *, viewport=DESKTOP, locale="en-US", wait=True) -> AppPage`.

    Each call opens a new offline context at `path` (e.g. "cargo?lang=vi") and, unless wait=False,
    returns once Streamlit's script run is over. A failing test leaves a screenshot of every page it
    opened in tests/artifacts/screenshots/.
    """
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("tests that drive the browser must be marked @pytest.mark.browser", pytrace=False)
    pages: list[harness.AppPage] = []

    def open_app_page(path: str = "", *, viewport: ViewportSize = harness.DESKTOP, locale: str = "en-US",
                      wait: bool = True) -> harness.AppPage:
        app_page = harness.new_app_page(browser, app_server, viewport=viewport, locale=locale)
        pages.append(app_page)
        app_page.goto(path, wait=wait)
        return app_page

    yield open_app_page
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    for number, app_page in enumerate(pages):
        if failed and not app_page.page.is_closed():
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            # A crashed page cannot be photographed; the test's own error says more than this would.
            with contextlib.suppress(PlaywrightError):
                harness.save_screenshot(app_page.page, f"FAILED-{name}-{number}", full_page=True)
        app_page.close()
