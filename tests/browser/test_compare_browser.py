"""The Compare page in real headless Chromium, offline: the map paints land, sea and each option's
colour; the table and both charts are drawn; nothing leaves the machine."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from atlas import compare as cmp

from .harness import (
    deck_errors,
    exception_elements,
    format_fractions,
    map_colour_fractions,
    save_screenshot,
    wait_for_map,
)

pytestmark = pytest.mark.browser


def _has_colour(png: bytes, rgb: tuple[int, int, int], tolerance: int = 24, minimum: int = 30) -> bool:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    near = 0
    for count, colour in image.getcolors(maxcolors=image.width * image.height) or []:
        if all(abs(a - b) <= tolerance for a, b in zip(colour, rgb, strict=True)):
            near += count
    return near >= minimum


def test_comparison_map_paints_offline(open_page) -> None:
    app = open_page("compare?from=nanning&to=hai_phong&teu=1")
    # The page also draws a table and two charts; on a shared CI machine give the map a minute.
    png = wait_for_map(app.page, 60_000, until=lambda f: f["sea"] > 0.02 and f["land"] > 0.02)
    save_screenshot(app.page, "page-compare", full_page=True)
    fractions = map_colour_fractions(png)
    assert fractions["sea"] > 0.02 and fractions["land"] > 0.02, format_fractions(fractions)
    # The first two options (sea in blue, road through Hữu Nghị in vermillion) are on the map.
    for colour in cmp.OPTION_COLOURS[:2]:
        assert _has_colour(png, tuple(colour[:3])), colour
    app.page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
    assert app.page.locator('[data-testid="stVegaLiteChart"]').count() == 2
    assert exception_elements(app.page) == []
    assert app.page_errors == []
    assert deck_errors(app.console) == []
    assert app.blocked_urls == [], "\n".join(app.blocked_urls)
