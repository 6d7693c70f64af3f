"""Every character of every map label draws whole, in all three scripts — checked in deck.gl's real
font atlas and on screen, because a cut glyph logs nothing ("Missing character" is only for absent
ones).

deck.gl's font atlas gives a glyph a cell ceil(actualBoundingBoxRight - actualBoundingBoxLeft) wide and
draws it at the cell's left edge, so a glyph whose ink starts left of its origin is cut on both sides:
Noto Sans "J" kept 26 % of its ink and "New Jersey" read "New ,ersey" (atlas/deck.py LABEL_FONT).

The pages are standalone exports (atlas.html_export.deck_html: the same page CSS, deck.gl bundle and
label_layer as the HTML export), opened from file:// with every other request refused.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Route

from atlas import html_export
from atlas.deck import build_deck, label_layer
from atlas.export import embedded_tables
from atlas.i18n import place_label
from atlas.layers import deck_text
from atlas.views import MapView

from .harness import deck_errors, wait_for_app, wait_for_map

pytestmark = pytest.mark.browser

LANGUAGES = ("vi", "en", "zh")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
VIEWPORT = {"width": 1280, "height": 720}
TIMEOUT_S = 30.0
# A glyph is whole when its atlas cell holds this share of the ink the browser draws for it. Antialiased
# edges and a one-pixel overhang (Noto Sans "ì": 99.6 %) pass; the cut "J" (26 %) does not.
WHOLE_SHARE = 0.95
# On screen, at 48 px: an intact Noto Sans "J" is about half as wide as its "N"; the cut one was a fifth.
MIN_J_TO_N_WIDTH = 0.35
MIN_J_TO_N_HEIGHT = 0.8
BIG_LABEL_PX = 48
# Darker than this (0-255 grey) is label ink; the label background and the sea are far lighter.
INK_GREY = 128
SCREEN_LABEL = "New Jersey"
VIEW = MapView(latitude=0.0, longitude=0.0, zoom=2.0)
COLD_APP_TIMEOUT_MS = 120_000


def all_place_labels() -> list[str]:
    """The label of every place in every language: the text the maps can show."""
    rows = embedded_tables().places.to_dict("records")
    labels = {deck_text(place_label(row, language)) for row in rows for language in LANGUAGES}
    return sorted(label for label in labels if label)


def label_page(tmp_path: Path, name: str, labels: list[str], *, size_px: int) -> Path:
    """A standalone page whose only layer is label_layer, the first label at the view's centre."""
    records = [
        {"position": [0.0, 0.0] if index == 0 else [120.0, -60.0 + index * 0.01], "label": label}
        for index, label in enumerate(labels)
    ]
    deck = build_deck([label_layer(records, size_px=size_px)], VIEW)
    path = tmp_path / f"{name}.html"
    path.write_text(html_export.deck_html(deck, title=name, sources_note="test"), encoding="utf-8")
    return path


@pytest.fixture
def open_offline(browser: Browser) -> Iterator:
    """Factory: open a page from file:// in a fresh context that refuses any other request."""
    contexts = []

    def open_file(path: Path) -> Page:
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, service_workers="block")
        contexts.append(context)

        def refuse_network(route: Route) -> None:
            if route.request.url.startswith(LOCAL_SCHEMES):
                route.fallback()
            else:
                route.abort("blockedbyclient")

        context.route("**/*", refuse_network)
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(
            """() => {
                const deck = window.corridorAtlasDeck;
                const layer = deck?.layerManager?.getLayers().find((l) => l.id === 'place-labels');
                return Boolean(layer?.isLoaded && layer.state.fontAtlasManager?.atlas);
            }""",
            timeout=TIMEOUT_S * 1000,
        )
        return page

    yield open_file
    for context in contexts:
        context.close()


# For each glyph in the label layer's atlas: the ink inside its cell, and the ink the same character
# has when the browser draws it on its own with the atlas's font (alpha sums).
ATLAS_INK_JS = """() => {
    const layer = window.corridorAtlasDeck.layerManager.getLayers().find((l) => l.id === 'place-labels');
    const manager = layer.state.fontAtlasManager;
    const {mapping, data: atlasCanvas} = manager.atlas;
    const {fontFamily, fontSize, fontWeight} = manager.props;
    const atlas = atlasCanvas.getContext('2d').getImageData(0, 0, atlasCanvas.width, atlasCanvas.height);
    const side = fontSize * 4;
    const scratch = document.createElement('canvas');
    scratch.width = scratch.height = side;
    const ctx = scratch.getContext('2d', {willReadFrequently: true});
    ctx.font = `${fontWeight} ${fontSize}px ${fontFamily}`;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    const glyphs = [];
    for (const [char, cell] of Object.entries(mapping)) {
        let inCell = 0;
        const [x0, x1] = [Math.max(0, Math.floor(cell.x)), Math.min(atlas.width, cell.x + cell.width)];
        const [y0, y1] = [Math.max(0, Math.floor(cell.y)), Math.min(atlas.height, cell.y + cell.height)];
        for (let y = y0; y < y1; y++) {
            for (let x = x0; x < x1; x++) {
                inCell += atlas.data[4 * (y * atlas.width + x) + 3];
            }
        }
        ctx.clearRect(0, 0, side, side);
        ctx.fillText(char, fontSize * 1.5, fontSize * 2);
        const drawn = ctx.getImageData(0, 0, side, side).data;
        let ink = 0;
        for (let i = 3; i < drawn.length; i += 4) ink += drawn[i];
        glyphs.push({char, inCell, ink});
    }
    return {fontFamily, glyphs};
}"""


def test_every_label_character_is_whole_in_the_font_atlas(tmp_path: Path, open_offline) -> None:
    labels = all_place_labels()
    page = open_offline(label_page(tmp_path, "all-labels", labels, size_px=13))
    result = page.evaluate(ATLAS_INK_JS)

    glyphs = {glyph["char"]: glyph for glyph in result["glyphs"]}
    wanted = {char for label in labels for char in label if not char.isspace()} - {"\u200b"}
    assert wanted <= glyphs.keys(), f"not in the atlas: {sorted(wanted - glyphs.keys())}"
    cut = {
        char: round(glyph["inCell"] / glyph["ink"], 3)
        for char, glyph in glyphs.items()
        if char in wanted and glyph["ink"] > 0 and glyph["inCell"] < WHOLE_SHARE * glyph["ink"]
    }
    assert cut == {}, (
        f"deck.gl's atlas cell holds only this share of each glyph's ink (font {result['fontFamily']}): {cut}"
    )


def ink_runs(png: bytes, left: int, top: int, right: int, bottom: int) -> list[tuple[int, int, int, int]]:
    """Runs of columns with label ink in a box of the screenshot: (x0, x1, y0, y1), left to right."""
    image = Image.open(io.BytesIO(png)).convert("L").crop((left, top, right, bottom))
    width, height = image.size
    pixels = image.load()
    inked = [[y for y in range(height) if pixels[x, y] < INK_GREY] for x in range(width)]
    runs: list[tuple[int, int, int, int]] = []
    start = None
    for x in range(width + 1):
        if x < width and inked[x]:
            start = x if start is None else start
        elif start is not None:
            rows = [y for column in inked[start:x] for y in column]
            runs.append((start, x, min(rows), max(rows) + 1))
            start = None
    return runs


def test_the_j_of_new_jersey_draws_as_wide_as_a_letter_on_screen(tmp_path: Path, open_offline) -> None:
    page = open_offline(label_page(tmp_path, "new-jersey", [SCREEN_LABEL], size_px=BIG_LABEL_PX))
    x, y = page.evaluate("() => window.corridorAtlasDeck.getViewports()[0].project([0, 0])")
    # Two frames in a row alike: the label has been drawn with its atlas.
    deadline, previous = time.monotonic() + TIMEOUT_S, None
    while (png := page.screenshot()) != previous and time.monotonic() < deadline:
        previous = png
        page.wait_for_timeout(250)
    runs = ink_runs(png, int(x), int(y) - BIG_LABEL_PX, int(x) + BIG_LABEL_PX * len(SCREEN_LABEL),
                    int(y) + BIG_LABEL_PX)

    # One run per letter: N e w | J e r s e y.
    letters = [char for char in SCREEN_LABEL if not char.isspace()]
    assert len(runs) == len(letters), f"{len(runs)} ink runs for {len(letters)} letters: {runs}"
    n_run, j_run = runs[0], runs[letters.index("J")]
    n_width, j_width = n_run[1] - n_run[0], j_run[1] - j_run[0]
    n_height, j_height = n_run[3] - n_run[2], j_run[3] - j_run[2]
    assert j_width >= MIN_J_TO_N_WIDTH * n_width, (
        f'"J" is {j_width} px wide beside an "N" of {n_width} px: the glyph is cut ({runs})'
    )
    assert j_height >= MIN_J_TO_N_HEIGHT * n_height, (
        f'"J" is {j_height} px tall beside an "N" of {n_height} px: the glyph is cut ({runs})'
    )


def test_the_app_gives_map_labels_a_whole_j(open_page) -> None:
    """The app's pages carry the "J" face (app.py): a canvas measuring "J" in the labels' font finds its
    ink starting at its origin, which is what deck.gl's atlas needs to keep it whole."""
    app = open_page("?lang=en&view=atlantic", wait=False)
    # A guard, not a target: the first page of a cold server on a busy 2-core machine is slow.
    wait_for_app(app.page, timeout_ms=COLD_APP_TIMEOUT_MS)
    wait_for_map(app.page, timeout_ms=COLD_APP_TIMEOUT_MS)
    family = label_layer([]).font_family.strip("'")
    left = app.page.evaluate(
        """(family) => {
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `normal 64px ${family}`;
            return ctx.measureText('J').actualBoundingBoxLeft;
        }""",
        family,
    )
    assert left <= 0, f'"J" in {family} starts {left} px left of its origin: deck.gl\'s atlas would cut it'
    assert deck_errors(app.console) == []
