"""Smoke test: every page runs through the router (app.py), titles itself, and draws a sound map.

Streamlit's AppTest runs the app in this process, with no server and no browser. A pydeck chart shows
up as `deck_gl_json_chart`; its JSON is what the browser would receive.
"""

from __future__ import annotations

import functools
import json
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

# (page file in app_pages/, title key in data/translations.csv, draws a map)
PAGES = [
    ("overview.py", "overview.title", True),
    ("sea_services.py", "sea.title", True),
    ("border_gates.py", "gates.title", True),
    ("cargo.py", "cargo.title", False),
    ("partners.py", "partners.title", True),
    ("data_sources.py", "data.title", False),
]


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
    return [record["label"] for layer in spec["layers"] if layer["@@type"] == "TextLayer" for record in layer["data"]]


@pytest.fixture(scope="module")
def app() -> AppTest:
    """One session for the smoke test: it starts on the overview, like a visitor, then navigates."""
    at = open_app()
    assert not at.exception
    return at


@pytest.mark.parametrize(("page", "title_key", "has_map"), PAGES, ids=[p[0].removesuffix(".py") for p in PAGES])
def test_page_runs_with_its_title(app: AppTest, page: str, title_key: str, has_map: bool) -> None:
    at = app.switch_page(f"app_pages/{page}").run()

    assert not at.exception
    assert [title.value for title in at.title] == [text(title_key)]
    # The embedded data is valid: no page shows a data problem.
    assert not at.error
    # The shared sidebar is drawn on every page (the router ran, not the page file alone).
    assert at.selectbox(key="lang").value == "en"
    assert len(at.get("deck_gl_json_chart")) == (1 if has_map else 0)


@pytest.mark.parametrize(
    ("page", "title_key", "has_map"), [p for p in PAGES if p[2]], ids=[p[0].removesuffix(".py") for p in PAGES if p[2]]
)
def test_map_deck_is_sound(app: AppTest, page: str, title_key: str, has_map: bool) -> None:
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
