"""Hostile names uploaded through the Your data page never run a script in a real browser.

A stranger's CSV names its places with HTML that would run a script, and with a deck.gl JSON
expression; the page must show both as literal text (tooltip, details), draw the map, and log no error.
"""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page

from loaders._schema import table_schema
from loaders.uploads import template_files

from .harness import (
    MAP_CANVAS_SELECTOR,
    deck_errors,
    exception_elements,
    expect_rerun,
    wait_for_app,
    wait_for_map,
)

SCRIPT_NAME = "<img src=x onerror=alert(1)></script><script>document.title='pwned'</script>"
EXPRESSION_NAME = "@@=constructor.constructor('alert(2)')()"
FORMULA_NAME = '=HYPERLINK("http://example.invalid/","x")'
# Tan Vu, Lach Huyen and Nam Do Son (data/places.csv): real coordinates, so the geography checks pass.
TAN_VU = ("20.83601", "106.77421")
LACH_HUYEN = ("20.79804", "106.90500")
NAM_DO_SON = ("20.62906", "106.79937")
# The map opens centred on the first place, so the place is under the middle of the canvas.
PAGE = f"your_data?view={TAN_VU[0]},{TAN_VU[1]},9"
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
# Streamlit probes for its base path under a deep link (/your_data/_stcore/health → 404, then /).
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


def places_csv(rows: list[tuple[str, str, str]]) -> bytes:
    """The places template with one row per (name, lat, lon)."""
    example = next(csv.DictReader(io.StringIO(template_files()["places.csv"].decode("utf-8-sig"))))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table_schema("places").field_names, lineterminator="\n")
    writer.writeheader()
    for number, (name, lat, lon) in enumerate(rows):
        writer.writerow(
            {**example, "id": f"my_place_{number}", "name_en": name, "lat_deg": lat, "lon_deg": lon}
        )
    return buffer.getvalue().encode()


class Watch:
    """Dialogs a script opened, and console errors other than Streamlit's own base-path probes."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith(BASE_PATH_PROBES):
            self.errors.append(f"{message.text} ({url})")


def upload(page: Page, index: int, name: str, data: bytes) -> None:
    with expect_rerun(page):
        page.locator(UPLOAD_INPUT).nth(index).set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
        )
    wait_for_app(page)


@pytest.mark.browser
def test_hostile_names_show_as_text_and_run_nothing(open_page) -> None:
    app = open_page(PAGE)
    watch = Watch(app.page)
    title = app.page.title()
    upload(
        app.page,
        0,
        "places.csv",
        places_csv([(SCRIPT_NAME, *TAN_VU), (EXPRESSION_NAME, *LACH_HUYEN), (FORMULA_NAME, *NAM_DO_SON)]),
    )
    assert exception_elements(app.page) == []
    assert app.page.get_by_text("Loaded for this session: 3 places").count() == 1
    wait_for_map(app.page)

    canvas = app.page.locator(MAP_CANVAS_SELECTOR).first.bounding_box()
    centre = (canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    app.page.mouse.move(*centre)
    tooltip = app.page.locator(".deck-tooltip")
    tooltip.wait_for(state="visible")
    assert SCRIPT_NAME in tooltip.inner_text()
    with expect_rerun(app.page):
        app.page.mouse.click(*centre)
    details = app.page.locator('[data-testid="stText"]').first.inner_text()
    assert SCRIPT_NAME in details

    # A second look after the clicks' reruns: still nothing ran, nothing failed, nothing left the machine.
    wait_for_map(app.page)
    assert watch.dialogs == []
    assert app.page.title() == title
    assert app.page.locator('img[src="x"]').count() == 0
    assert app.page_errors == []
    assert watch.errors == []
    assert deck_errors(app.console) == []
    assert exception_elements(app.page) == []
    assert app.blocked_urls == []


@pytest.mark.browser
def test_rejected_hostile_file_lists_its_problems_inertly(open_page) -> None:
    """A file name and a cell value are echoed in the problem list: as table text, not markup."""
    app = open_page("your_data")
    watch = Watch(app.page)
    bad = places_csv([(SCRIPT_NAME, *TAN_VU)]).replace(b",port,", b",<img src=x onerror=alert(3)>,", 1)
    upload(app.page, 0, "<img src=x onerror=alert(4)>.csv", bad)
    assert app.page.get_by_text("Nothing was loaded: fix the 1 problem(s)").count() == 1
    problems = app.page.locator('[data-testid="stDataFrameResizable"]')
    problems.wait_for(state="visible")
    # Glide keeps an accessible copy of the cells as DOM text: the markup is there, as text only.
    problems.get_by_text("<img src=x onerror=alert(4)>.csv", exact=False).first.wait_for(state="attached")
    assert watch.dialogs == []
    assert app.page.locator('img[src="x"]').count() == 0
    assert watch.errors == []
    assert app.page_errors == []
    assert app.blocked_urls == []
