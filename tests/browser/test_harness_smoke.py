"""The harness itself: the app runs in Chromium, offline, and its map paints the embedded basemap."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from .harness import (
    LAND_RGB,
    SEA_RGB,
    deck_errors,
    exception_elements,
    format_fractions,
    is_uniform,
    map_colour_fractions,
    save_screenshot,
    wait_for_map,
)

# Both fills cover a visible share of any overview of Hai Phong's corridors.
MIN_SHARE = 0.02


def _png(colours: list[tuple[int, int, int]]) -> bytes:
    image = Image.new("RGB", (len(colours), 1))
    image.putdata(colours)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_colour_fractions_split_sea_land_and_features() -> None:
    """Near-misses from antialiasing count as the fill; a route's blue does not."""
    png = _png([SEA_RGB, (215, 229, 243), LAND_RGB, (0, 114, 178)])

    assert map_colour_fractions(png) == {"sea": 0.5, "land": 0.25, "other": 0.25}
    assert not is_uniform(png)
    assert is_uniform(_png([SEA_RGB, SEA_RGB]))


@pytest.mark.browser
def test_overview_paints_basemap_offline(open_page) -> None:
    app = open_page("")

    png = wait_for_map(app.page, until=lambda f: f["sea"] > MIN_SHARE and f["land"] > MIN_SHARE)
    save_screenshot(app.page, "smoke-overview")

    fractions = map_colour_fractions(png)
    assert fractions["sea"] > MIN_SHARE and fractions["land"] > MIN_SHARE, format_fractions(fractions)
    assert exception_elements(app.page) == []
    assert app.page_errors == []
    assert deck_errors(app.console) == []
    assert app.blocked_urls == [], "the page tried to leave the machine:\n" + "\n".join(app.blocked_urls)
