"""The exported HTML map, opened from a file in Chromium with every network request refused.

It must paint the basemap and its labels, show a hostile place name as text in its tooltip without
running it, and need nothing from the network (a laptop in a meeting room may have none).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from atlas import export, html_export
from atlas.spec import MapSpec, spec_from_link
from atlas.views import VIEW_PRESETS

from .harness import ConsoleEntry, deck_errors, format_fractions, is_uniform, map_colour_fractions

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
# An airport alone on the Gulf of Tonkin view, so the mouse finds its dot and nothing else.
HOSTILE_PLACE = "nng_airport"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
VIEWPORT = {"width": 1280, "height": 720}
TIMEOUT_S = 30.0
MIN_SHARE = 0.02


@dataclass
class OfflinePage:
    page: Page
    context: BrowserContext
    console: list[ConsoleEntry] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def export_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The overview of the Gulf of Tonkin as standalone HTML, with one place named like an attack."""
    tables = export.embedded_tables()
    places = tables.places.copy()
    places.loc[places["id"] == HOSTILE_PLACE, ["name_en", "name_vi", "name_zh"]] = HOSTILE
    hostile = replace(tables, places=places)
    spec = MapSpec(kind="overview", language="vi", view_name="tonkin", view=VIEW_PRESETS["tonkin"])
    content = export.content_for(spec, hostile)
    path = tmp_path_factory.mktemp("export") / "corridor-atlas-overview.html"
    path.write_text(html_export.map_html(content, content.view(), hostile), encoding="utf-8")
    return path


@pytest.fixture
def offline_page(browser: Browser, export_file: Path) -> Iterator[OfflinePage]:
    """The export opened from file://; anything else it asks for is refused and recorded."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    opened = OfflinePage(context.new_page(), context)

    def refuse_network(route: Route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.fallback()
        else:
            opened.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def on_dialog(dialog) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", refuse_network)
    opened.page.on("console", lambda message: opened.console.append(ConsoleEntry(message.type, message.text)))
    opened.page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
    opened.page.on("dialog", on_dialog)
    opened.page.goto(export_file.as_uri(), wait_until="load")
    yield opened
    context.close()


def wait_for_paint(page: Page) -> bytes:
    """The deck canvas once it shows sea and land and two screenshots in a row agree."""
    canvas = page.locator("#deck-container canvas").first
    canvas.wait_for(state="attached", timeout=TIMEOUT_S * 1000)
    deadline = time.monotonic() + TIMEOUT_S
    previous, reason = None, "not painted"
    while time.monotonic() < deadline:
        png = canvas.screenshot(animations="disabled")
        fractions = map_colour_fractions(png)
        if is_uniform(png):
            reason = "canvas is uniform"
        elif fractions["sea"] <= MIN_SHARE or fractions["land"] <= MIN_SHARE:
            reason = format_fractions(fractions)
        elif png == previous:
            return png
        previous = png
        page.wait_for_timeout(250)
    raise AssertionError(f"the exported map did not paint in {TIMEOUT_S:.0f} s: {reason}")


def csp_refusals(console: list[ConsoleEntry]) -> list[str]:
    return [
        entry.text
        for entry in console
        if "Content Security Policy" in entry.text or "Refused to" in entry.text
    ]


def test_export_paints_offline_with_labels(offline_page: OfflinePage) -> None:
    page = offline_page.page
    png = wait_for_paint(page)
    layers = page.evaluate(
        """() => window.corridorAtlasDeck.layerManager.getLayers()
            .filter((layer) => !layer.parent)
            .map((layer) => ({id: layer.id, loaded: layer.isLoaded}))"""
    )
    loaded = {layer["id"] for layer in layers if layer["loaded"]}

    fractions = map_colour_fractions(png)
    assert fractions["land"] > MIN_SHARE and fractions["other"] > 0.005, format_fractions(fractions)
    assert {"basemap-land", "basemap-borders", "sea-routes", "places", "place-labels"} <= loaded, layers
    assert deck_errors(offline_page.console) == [], "deck.gl warned (a missing glyph or a failed layer)"
    assert offline_page.page_errors == []
    assert csp_refusals(offline_page.console) == []
    assert offline_page.dialogs == [], "a name in the data ran as code"
    assert offline_page.blocked == [], "the export asked the network for:\n" + "\n".join(offline_page.blocked)


def test_hostile_name_shows_as_text_in_its_tooltip(offline_page: OfflinePage) -> None:
    page = offline_page.page
    wait_for_paint(page)
    lon, lat = export.embedded_tables().places.set_index("id").loc[HOSTILE_PLACE, ["lon_deg", "lat_deg"]]
    x, y = page.evaluate(
        "([lon, lat]) => window.corridorAtlasDeck.getViewports()[0].project([lon, lat])", [lon, lat]
    )
    picked = page.evaluate(
        "([x, y]) => window.corridorAtlasDeck.pickObject({x, y, radius: 3})?.object?.id ?? null", [x, y]
    )
    assert picked == HOSTILE_PLACE

    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip")
    tooltip.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
    page.wait_for_timeout(300)

    assert HOSTILE in tooltip.inner_text()
    assert tooltip.locator("img, script").count() == 0
    assert offline_page.dialogs == []
    assert offline_page.page_errors == []
    assert csp_refusals(offline_page.console) == []
    assert offline_page.blocked == []


EXPORT_LINKS = {
    "overview": "/overview?lang=en",
    "sea-what-if": "/sea_services?service=lane_haiphong_antwerp&closed=red_sea&lang=vi",
    "border-gates": "/border_gates?lang=zh",
    "partners": "/partners?lang=en",
    "cargo": "/cargo?q=%E6%B7%80%E7%B2%89&lang=zh",
}


@pytest.mark.parametrize("link", EXPORT_LINKS.values(), ids=EXPORT_LINKS.keys())
def test_every_map_kind_exports_an_html_file_that_paints_offline(
    browser: Browser, tmp_path: Path, link: str
) -> None:
    """`python -m atlas.export LINK --format html` for each map kind: opened from file:// with the
    network refused, it paints land and draws every layer of the content, labels included."""
    path = tmp_path / "map.html"
    path.write_bytes(export.export_link(link, "html"))
    content = export.content_for(spec_from_link(link), export.embedded_tables())
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    blocked: list[str] = []
    console: list[ConsoleEntry] = []

    def refuse_network(route: Route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.fallback()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", refuse_network)
    page = context.new_page()
    page.on("console", lambda message: console.append(ConsoleEntry(message.type, message.text)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        canvas = page.locator("#deck-container canvas").first
        canvas.wait_for(state="attached", timeout=TIMEOUT_S * 1000)
        deadline, previous, png = time.monotonic() + TIMEOUT_S, None, b""
        while time.monotonic() < deadline:
            png = canvas.screenshot(animations="disabled")
            if not is_uniform(png) and map_colour_fractions(png)["land"] > MIN_SHARE and png == previous:
                break
            previous = png
            page.wait_for_timeout(250)
        assert map_colour_fractions(png)["land"] > MIN_SHARE, format_fractions(map_colour_fractions(png))
        loaded = set(
            page.evaluate(
                """() => window.corridorAtlasDeck.layerManager.getLayers()
                    .filter((layer) => !layer.parent && layer.isLoaded).map((layer) => layer.id)"""
            )
        )
        assert {layer.id for layer in content.layers} | {"basemap-land", "place-labels"} <= loaded
        assert deck_errors(console) == [] and blocked == []
    finally:
        context.close()
