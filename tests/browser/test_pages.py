"""What a person sees, in real headless Chromium with every non-local request blocked.

Each page opens without an error element, its map paints the embedded basemap (land visible offline),
deck.gl logs no error and no missing glyph, and deep links restore the view, Vietnamese text included.
Screenshots of every page land in tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import pytest

from .harness import (
    PHONE,
    deck_errors,
    exception_elements,
    expect_rerun,
    format_fractions,
    map_colour_fractions,
    save_screenshot,
    wait_for_map,
)

pytestmark = pytest.mark.browser

Fractions = dict[str, float]


def _sea_and_land(fractions: Fractions) -> bool:
    return fractions["sea"] > 0.02 and fractions["land"] > 0.02


def _mostly_land(fractions: Fractions) -> bool:
    # The Lạng Sơn border view is inland: no sea, a great deal of land.
    return fractions["land"] > 0.3


MAP_PAGES: list[tuple[str, str, Callable[[Fractions], bool]]] = [
    ("", "Corridor Atlas: Hai Phong's trade corridors", _sea_and_land),
    ("sea_services", "Sea services and what-if scenarios", _sea_and_land),
    ("border_gates", "Lạng Sơn – Guangxi border gates", _mostly_land),
    ("partners", "Partners and agreements", _sea_and_land),
]
TABLE_PAGES = [("cargo", "Cargo by service and direction"), ("data_sources", "Data and sources")]


def _assert_clean(app) -> None:
    assert exception_elements(app.page) == []
    assert app.page_errors == []
    assert deck_errors(app.console) == []
    assert app.blocked_urls == [], "the page tried to leave the machine:\n" + "\n".join(app.blocked_urls)


def _title(app) -> str:
    return app.page.locator("h1").first.inner_text().strip()


@pytest.mark.parametrize(
    ("path", "title", "painted"), MAP_PAGES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_map_page_paints_land_offline(open_page, path: str, title: str, painted) -> None:
    app = open_page(path)
    png = wait_for_map(app.page, until=painted)
    save_screenshot(app.page, f"page-{path or 'overview'}", full_page=True)
    assert _title(app) == title
    assert painted(map_colour_fractions(png)), format_fractions(map_colour_fractions(png))
    _assert_clean(app)


@pytest.mark.parametrize(("path", "title"), TABLE_PAGES, ids=[p for p, _ in TABLE_PAGES])
def test_table_page_renders(open_page, path: str, title: str) -> None:
    app = open_page(path)
    app.page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
    save_screenshot(app.page, f"page-{path}", full_page=True)
    assert _title(app) == title
    _assert_clean(app)


@pytest.mark.parametrize(
    ("lang", "title", "label"),
    [
        ("vi", "Corridor Atlas: các hành lang thương mại của Hải Phòng", "Hải Phòng"),
        ("zh", "Corridor Atlas：海防的贸易走廊", "海防"),
    ],
    ids=["vietnamese", "chinese"],
)
def test_labels_draw_in_every_script(open_page, lang: str, title: str, label: str) -> None:
    """With `character_set 'auto'` deck.gl builds glyphs for ạ, ộ and 海; a missing one logs a warning."""
    app = open_page(f"?lang={lang}&view=tonkin")
    wait_for_map(app.page, until=_sea_and_land)
    save_screenshot(app.page, f"labels-{lang}")
    assert _title(app) == title
    assert not [e for e in app.console if "Missing character" in e.text]
    _assert_clean(app)


def test_deep_link_restores_a_what_if_scenario_in_vietnamese(open_page) -> None:
    app = open_page("sea_services?lang=vi&service=lane_haiphong_antwerp&closed=red_sea&view=suez")
    wait_for_map(app.page, until=_sea_and_land)
    save_screenshot(app.page, "deeplink-sea-vi", full_page=True)
    page = app.page
    assert _title(app) == "Tuyến biển và kịch bản giả định"
    main = page.locator('[data-testid="stMain"]')
    service = main.locator('[data-testid="stSelectbox"]').first
    assert (
        "Hải Phòng – Antwerp-Bruges (tuyến đối tác)"
        in service.inner_text() + service.locator("input").input_value()
    )
    assert (
        "Biển Đỏ (Suez + Bab-el-Mandeb)" in main.locator('[data-testid="stMultiSelect"]').first.inner_text()
    )
    # Round the Cape of Good Hope: ~13,000 nm instead of ~9,700 via Suez (the legs grid is a canvas).
    distance = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert 12_500 <= int(re.sub(r"\D", "", distance)) <= 13_500, distance
    # Vietnamese groups thousands with a dot: +3.344 hải lý.
    assert "+3." in page.locator('[data-testid="stMetricDelta"]').first.inner_text()
    assert "closed=red_sea" in page.url and "lang=vi" in page.url
    _assert_clean(app)


@pytest.mark.parametrize(
    ("lang", "query"), [("vi", "tinh bột"), ("en", "STARCH"), ("zh", "淀粉")], ids=["vi", "en", "zh"]
)
def test_cargo_deep_link_search_draws_the_map_in_every_script(open_page, lang: str, query: str) -> None:
    """A search in any script finds the starch row and the cargo map paints offline beside it."""
    app = open_page(f"cargo?lang={lang}&q={quote(query)}")
    wait_for_map(app.page, until=_sea_and_land)
    table = app.page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(state="visible")
    save_screenshot(app.page, f"deeplink-cargo-{lang}")
    assert app.page.locator('[data-testid="stTextInput"] input').first.input_value() == query
    # The grid draws on a canvas; its accessible row count says one commodity row matched.
    assert table.locator('[role="grid"]').first.get_attribute("aria-rowcount") == "2"
    assert "q=" in app.page.url
    _assert_clean(app)


def test_overview_fits_a_phone(open_page) -> None:
    app = open_page("", viewport=PHONE)
    wait_for_map(app.page, until=_sea_and_land)
    save_screenshot(app.page, "phone-overview", full_page=True)
    overflow = app.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    box = app.page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    _assert_clean(app)


def test_language_switch_relabels_without_errors(open_page) -> None:
    app = open_page("border_gates")
    wait_for_map(app.page, until=_mostly_land)
    app.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    with expect_rerun(app.page):
        app.page.get_by_role("option", name="中文").click()
    wait_for_map(app.page, until=_mostly_land)
    save_screenshot(app.page, "switch-border-zh")
    assert _title(app) == "谅山—广西边境口岸"
    assert "lang=zh" in app.page.url
    _assert_clean(app)
