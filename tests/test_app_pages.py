"""Smoke test: every page runs through the router (app.py), titles itself, and draws a sound map.

Streamlit's AppTest runs the app in this process, with no server and no browser. A pydeck chart shows
up as `deck_gl_json_chart`; its JSON is what the browser would receive.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_DIR
from streamlit.testing.v1 import AppTest
from test_deck_snapshots import NO_MAP_STYLE, expression_problems

import loaders
from atlas.deck import LAYER_IDS
from atlas.i18n import Translator

APP_PATH = REPO_DIR / "app.py"
# Pages import geopandas and route sea lanes on a cold cache: be generous.
TIMEOUT_S = 120

# (page file in app_pages/, title key in data/translations.csv, draws a map). The presentation's
# title is its first scene's, from data/tours/, so it has no key; "Your data" draws a map only
# once something is uploaded.
PAGES = [
    ("overview.py", "overview.title", True),
    ("sea_services.py", "sea.title", True),
    ("border_gates.py", "gates.title", True),
    ("cargo.py", "cargo.title", True),
    ("partners.py", "partners.title", True),
    ("data_sources.py", "data.title", False),
    ("presentation.py", None, True),
    ("your_data.py", "yours.title", False),
    ("compare.py", "compare.title", True),
]
PAGE_IDS = [page.removesuffix(".py") for page, _, _ in PAGES]
MAP_PAGES = [pytest.param(page, id=page.removesuffix(".py")) for page, _, has_map in PAGES if has_map]


@functools.cache
def translator(language: str) -> Translator:
    return Translator(loaders.load_translations(), language)


def text(key: str, language: str = "en", **values: object) -> str:
    """UI text as the app shows it, from data/translations.csv."""
    return translator(language)(key, **values)


def open_app(page: str | None = None, **query: str) -> AppTest:
    """A fresh session: `query` is the link's query string, `page` the page it lands on."""
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT_S)
    at.query_params.update(query)
    if page is not None:
        # The page's URL path is its file name, so Streamlit resolves it before the first run too.
        at.switch_page(f"app_pages/{page}")
    return at.run()


def deck_spec(at: AppTest) -> dict[str, Any]:
    """The page's only deck, as JSON."""
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer_ids(spec: dict[str, Any]) -> list[str]:
    return [layer["id"] for layer in spec["layers"]]


def labels(spec: dict[str, Any]) -> list[str]:
    """Text drawn on the map (the TextLayer's records)."""
    return [
        record["label"]
        for layer in spec["layers"]
        if layer["@@type"] == "TextLayer"
        for record in layer["data"]
    ]


def routed_pages() -> list[str]:
    """Page files that app.py hands to st.navigation, read from its source."""
    tree = ast.parse(APP_PATH.read_text(encoding="utf-8"))
    return [
        Path(node.args[0].value).name
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def test_every_routed_page_is_smoke_tested() -> None:
    """A page added to the router needs a row in PAGES (its title key, whether it draws a map)."""
    routed = routed_pages()
    assert len(routed) >= 6
    assert sorted(set(routed) - {page for page, _, _ in PAGES}) == []


@pytest.fixture(scope="module")
def app() -> AppTest:
    """One session for the smoke test: it starts on the overview, like a visitor, then navigates."""
    at = open_app()
    assert not at.exception
    return at


@pytest.mark.parametrize(("page", "title_key", "has_map"), PAGES, ids=PAGE_IDS)
def test_page_runs_with_its_title(app: AppTest, page: str, title_key: str | None, has_map: bool) -> None:
    at = app.switch_page(f"app_pages/{page}").run()

    assert not at.exception
    titles = [title.value for title in at.title]
    if title_key is None:
        assert len(titles) == 1 and titles[0].strip()
    else:
        assert titles == [text(title_key)]
    # The embedded data is valid: no page shows a data problem.
    assert not at.error
    # The shared sidebar is drawn on every page (the router ran, not the page file alone).
    assert at.selectbox(key="lang").value == "en"
    assert len(at.get("deck_gl_json_chart")) == (1 if has_map else 0)


@pytest.mark.parametrize("page", MAP_PAGES)
def test_map_deck_is_sound(app: AppTest, page: str) -> None:
    """The FIELD-NOTES pitfalls on the real decks: stable known ids, labels present, only accessors as
    expressions, a repeating MapView, no tile server, and text (not HTML) tooltips."""
    at = app.switch_page(f"app_pages/{page}").run()
    spec = deck_spec(at)
    ids = layer_ids(spec)

    assert set(ids) <= set(LAYER_IDS)
    assert len(set(ids)) == len(ids)
    assert {"basemap-sea", "basemap-land", "place-labels"} <= set(ids)
    assert labels(spec)
    assert expression_problems(spec) == []
    assert spec["views"] == [{"@@type": "MapView", "controller": True, "repeat": True}]
    assert spec.get("mapProvider") is None
    assert spec["mapStyle"] == NO_MAP_STYLE
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert "text" in tooltip and "html" not in tooltip

    # Same input, same JSON: nothing random (layer ids) and nothing order-dependent between runs.
    assert deck_spec(at.run()) == spec
