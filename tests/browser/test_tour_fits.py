"""Every tour scene fits a projector: at 1280 × 720 the map, title, caption, legend and sources are
on one screen, with nothing below the fold and nothing to scroll sideways."""

from __future__ import annotations

import pytest

from atlas.export import embedded_tables
from atlas.tour import load_scenes

from .harness import save_screenshot, wait_for_map

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
SCENES = len(load_scenes("story", embedded_tables())[0].scenes)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_scene_fits_a_1280_by_720_projector(open_page, language: str) -> None:
    app = open_page(f"presentation?tour=story&scene=1&lang={language}", viewport=PROJECTOR)
    too_tall = []
    for number in range(1, SCENES + 1):
        if number > 1:
            app.goto(f"presentation?tour=story&scene={number}&lang={language}")
        wait_for_map(app.page)
        save_screenshot(app.page, f"tour-{language}-{number:02d}-1280x720")
        # Streamlit scrolls its main area, not the document: measure both.
        height, width = app.page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
                const page = document.scrollingElement;
                return [Math.max(main.scrollHeight - main.clientHeight, page.scrollHeight - innerHeight),
                        Math.max(main.scrollWidth - main.clientWidth, page.scrollWidth - innerWidth)];
            }"""
        )
        sources = app.page.locator(".st-key-tour-notes").last.bounding_box()
        if (
            height > 1
            or width > 1
            or sources is None
            or sources["y"] + sources["height"] > PROJECTOR["height"]
        ):
            too_tall.append((number, height, width))
    assert too_tall == [], f"scenes that do not fit (scene, px below, px beside): {too_tall}"
