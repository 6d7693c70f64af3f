"""The presentation page through the router: deep links, Back / Next, languages, chrome and exits.

AppTest runs the app in this process, without a server or a browser; what the browser would receive
is checked (the deck JSON, the CSS, the address bar's query string).
"""

from __future__ import annotations

import functools
import json
import unicodedata

import pytest
from conftest import REPO_DIR
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

import loaders
from atlas.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from atlas.tour import HIGHLIGHT_LAYER_ID, Tour, load_scenes
from ui.auth import PASSCODE_ENV
from ui.presentation import PRESENTATION_CSS, plain_markdown

APP_PATH = REPO_DIR / "app.py"
# Pages import geopandas and route sea lanes on a cold cache: be generous.
TIMEOUT_S = 120
SCENES = 12


@pytest.fixture(autouse=True)
def open_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the page, not sign-in: no passcode from the environment."""
    monkeypatch.delenv(PASSCODE_ENV, raising=False)


@functools.cache
def story() -> Tour:
    result = loaders.load_all(geography=False)
    assert result.tables is not None
    tour, problems = load_scenes("story", result.tables)
    assert tour is not None, problems
    return tour


@functools.cache
def text(key: str, language: str = "en", **values: object) -> str:
    return Translator(loaders.load_translations(), language)(key, **values)


def present(**query: str) -> AppTest:
    """A fresh session opened on /presentation with the given query string."""
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT_S)
    at.secrets["unrelated"] = "isolates the test from any real secrets.toml"
    at.query_params.update(query)
    at.switch_page("app_pages/presentation.py")
    return at.run()


def shown_title(at: AppTest) -> str:
    return at.title[0].value


def expected_title(number: int, language: str) -> str:
    return plain_markdown(story().scene(number).title(language))


def deck(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def test_deep_link_opens_the_scene_in_its_language() -> None:
    at = present(tour="story", scene="3", lang="vi")
    assert not at.exception
    assert shown_title(at) == expected_title(3, "vi")
    assert plain_markdown(story().scene(3).caption("vi")) in [m.value for m in at.markdown]
    assert text("tour.counter", "vi", number=3, total=SCENES) in [m.value for m in at.markdown]
    assert at.query_params == {"tour": "story", "scene": "3", "lang": "vi"}


def test_scene_map_is_drawn_here_with_its_view_and_rings() -> None:
    at = present(tour="story", scene="5", lang="en")
    spec = deck(at)
    scene = story().scene(5)
    view = spec["initialViewState"]
    assert (view["latitude"], view["longitude"], view["zoom"]) == (
        scene.view.latitude,
        scene.view.longitude,
        scene.view.zoom,
    )
    rings = next(layer for layer in spec["layers"] if layer["id"] == HIGHLIGHT_LAYER_ID)
    assert [ring["id"] for ring in rings["data"]] == list(scene.highlight)
    assert "gate-pairs" in [layer["id"] for layer in spec["layers"]]
    # Offline basemap: no tile provider, and pydeck's placeholder instead of an online style.
    assert spec.get("mapProvider") is None
    assert spec["mapStyle"] == "__MAP_STYLE__"


def test_chrome_is_hidden_with_our_constant_css() -> None:
    at = present(tour="story")
    styles = [m.value for m in at.markdown if m.value.lstrip().startswith("<style>")]
    assert styles == [PRESENTATION_CSS.strip()], "exactly one style block, and it is the constant"
    for selector in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]', '[data-testid="stToolbar"]'):
        assert selector in PRESENTATION_CSS.split("{")[0], f"{selector} is hidden"
    assert "display: none !important" in PRESENTATION_CSS


def test_next_and_back_step_through_and_keep_the_link_current() -> None:
    at = present(tour="story", lang="en")
    assert shown_title(at) == expected_title(1, "en")
    assert at.button(key="tour-back").disabled
    at.button(key="tour-next").click().run()
    assert shown_title(at) == expected_title(2, "en")
    assert at.query_params["scene"] == "2"
    at.button(key="tour-next").click().run()
    at.button(key="tour-back").click().run()
    assert shown_title(at) == expected_title(2, "en")
    assert at.query_params == {"tour": "story", "scene": "2", "lang": "en"}


def test_the_last_scene_cannot_go_further() -> None:
    at = present(tour="story", scene=str(SCENES), lang="en")
    assert at.button(key="tour-next").disabled
    assert not at.button(key="tour-back").disabled


def test_language_buttons_switch_the_captions() -> None:
    at = present(tour="story", scene="4", lang="vi")
    assert at.button(key="tour-lang-vi").disabled, "the current language is marked"
    at.button(key="tour-lang-zh").click().run()
    assert shown_title(at) == expected_title(4, "zh")
    assert at.query_params == {"tour": "story", "scene": "4", "lang": "zh"}
    # The sidebar's own language box follows (it is hidden here, but used after Exit).
    assert at.sidebar.selectbox[0].value == "zh"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_scene_renders_in_every_language(language: str) -> None:
    at = present(tour="story", lang=language)
    for number in range(1, SCENES + 1):
        assert not at.exception, (number, [e.value for e in at.exception])
        assert shown_title(at) == expected_title(number, language)
        layers = [layer["id"] for layer in deck(at)["layers"]]
        assert layers[-2:] == [HIGHLIGHT_LAYER_ID, "place-labels"]
        if number < SCENES:
            at.button(key="tour-next").click().run()


@pytest.mark.parametrize(
    ("scene", "shown"),
    [("99", SCENES), ("0", 1), ("abc", 1)],
    ids=["past-the-end", "zero", "word"],
)
def test_a_mangled_scene_shows_the_nearest_and_fixes_the_link(scene: str, shown: int) -> None:
    at = present(tour="story", scene=scene, lang="en")
    assert not at.exception
    assert shown_title(at) == expected_title(shown, "en")
    assert at.query_params["scene"] == str(shown)


def test_an_unknown_tour_says_so_without_a_traceback() -> None:
    at = present(tour="../../etc/passwd", lang="en")
    assert not at.exception
    assert [e.value for e in at.error] == [text("tour.problems", count=1)]
    assert "tours/../../etc/passwd.csv:-:-: no such tour" in at.code[0].value
    assert len(at.get("deck_gl_json_chart")) == 0
    assert at.get("page_link")[0].proto.label == text("tour.exit")


def test_exit_goes_back_to_the_overview_in_the_same_language() -> None:
    link = present(tour="story", lang="vi").get("page_link")[0].proto
    assert link.label == text("tour.exit", "vi")
    assert link.page_script_hash == calc_hash("overview")
    assert link.query_string == "lang=vi"


def test_controls_need_no_icon_font_or_emoji() -> None:
    """Projector laptops may be offline and lack a colour-emoji font: plain text and ◀ ▶ only."""
    at = present(tour="story", lang="en")
    labels = [button.label for button in at.button] + [at.get("page_link")[0].proto.label]
    assert set(labels) >= {text("tour.back"), text("tour.next"), *LANGUAGE_NAMES.values()}
    for label in labels:
        assert ":material/" not in label
        assert all(unicodedata.category(char) != "So" or char in "◀▶" for char in label), label
    assert all(not button.proto.icon for button in at.button)
