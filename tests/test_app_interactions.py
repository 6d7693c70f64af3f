"""Interaction tests: set a widget or open a link, and check what changed on the page and the map."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest
from test_app_pages import deck_spec, labels, layer_ids, open_app, text

import loaders
from atlas.model import sea_services
from atlas.views import VIEW_PRESETS, MapView
from loaders._paths import DATA_DIR_ENV

ANTWERP = "lane_haiphong_antwerp"
LOS_ANGELES = "lane_haiphong_los_angeles"


def distance_nm(at: AppTest) -> int:
    """The "Total distance" metric, e.g. "13,031 nm" → 13031."""
    (metric,) = [m for m in at.metric if m.label == text("sea.total_distance", at.session_state["lang"])]
    return int(metric.value.removesuffix(" nm").replace(",", ""))


def has_cjk(value: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in value)


# --- sea services: what-if scenarios --------------------------------------------------------------


def test_closing_the_red_sea_sends_the_antwerp_lane_round_the_cape() -> None:
    """FIELD-NOTES: with Suez and Bab-el-Mandeb shut, Hai Phong → Antwerp goes round the Cape of Good
    Hope, ~13,000 nm instead of ~9,700 (and not over the Arctic)."""
    at = open_app("sea_services.py")
    at.selectbox(key="service").set_value(ANTWERP).run()
    assert 9_000 < distance_nm(at) < 10_500
    assert "scenario-routes" not in layer_ids(deck_spec(at))

    at.multiselect(key="closed").select("red_sea").run()

    assert not at.exception
    assert 12_500 < distance_nm(at) < 13_500
    assert "scenario-routes" in layer_ids(deck_spec(at))
    scenario_legs, baseline_legs = (frame.value for frame in at.dataframe[:2])
    passages = text("sea.passages")
    assert any(text("passage.south_africa") in value for value in scenario_legs[passages])
    for closed_or_arctic in ("passage.suez", "passage.babalmandab", "passage.northwest", "passage.bering"):
        assert not any(text(closed_or_arctic) in value for value in scenario_legs[passages])
    assert any(text("passage.suez") in value for value in baseline_legs[passages])


def test_closing_panama_leaves_the_los_angeles_lane_unchanged() -> None:
    """The transpacific lane never used Panama: the scenario must not invent a detour."""
    at = open_app("sea_services.py")
    at.selectbox(key="service").set_value(LOS_ANGELES).run()
    before = distance_nm(at)

    at.multiselect(key="closed").select("panama").run()

    assert not at.exception
    assert distance_nm(at) == before
    assert at.metric[0].delta == "+0 nm"


# --- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "names"),
    [("vi", {"Lạng Sơn", "Chi Ma – Ái Điểm"}), ("zh", {"谅山", "峙马—爱店"})],
    ids=["vi", "zh"],
)
def test_language_switch_translates_page_and_map_labels(language: str, names: set[str]) -> None:
    """Place names on the map change script with the UI, diacritics and characters intact (NFC)."""
    at = open_app("border_gates.py")
    assert names.isdisjoint(labels(deck_spec(at)))

    at.selectbox(key="lang").set_value(language).run()

    assert not at.exception
    assert [title.value for title in at.title] == [text("gates.title", language)]
    drawn = labels(deck_spec(at))
    assert names <= set(drawn)
    assert all(unicodedata.normalize("NFC", label) == label for label in drawn)
    if language == "zh":
        assert sum(map(has_cjk, drawn)) > len(drawn) / 2
    assert at.query_params["lang"] == language


# --- deep links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "expected_view", "expected_param"),
    [
        ("suez", VIEW_PRESETS["suez"], "suez"),
        ("21.5,107.1,7.5", MapView(21.5, 107.1, 7.5), "21.5000,107.1000,7.50"),
    ],
    ids=["preset-view", "custom-view"],
)
def test_shared_link_restores_the_scenario(view: str, expected_view: MapView, expected_param: str) -> None:
    """A link to the sea page opens the same service, closures, language and view, and the address
    bar afterwards still holds a link that opens exactly the same map."""
    at = open_app("sea_services.py", lang="zh", service=ANTWERP, closed="red_sea", view=view)

    assert not at.exception
    assert [title.value for title in at.title] == [text("sea.title", "zh")]
    assert at.selectbox(key="lang").value == "zh"
    assert at.selectbox(key="service").value == ANTWERP
    assert at.multiselect(key="closed").value == ["red_sea"]
    spec = deck_spec(at)
    assert "scenario-routes" in layer_ids(spec)
    start = spec["initialViewState"]
    assert (start["latitude"], start["longitude"], start["zoom"]) == (
        expected_view.latitude,
        expected_view.longitude,
        expected_view.zoom,
    )
    assert at.query_params == {
        "lang": "zh",
        "service": ANTWERP,
        "closed": "red_sea",
        "speed": "14",
        "view": expected_param,
    }

    again = open_app("sea_services.py", **at.query_params)
    assert deck_spec(again) == spec


def test_mangled_link_opens_the_default_page() -> None:
    """Unknown values are dropped one by one; what is valid (the Panama closure) is kept."""
    at = open_app(
        "sea_services.py", lang="xx", service="nope", closed="bogus,panama", speed="fast", view="1,2"
    )

    assert not at.exception
    assert [title.value for title in at.title] == [text("sea.title")]
    assert at.selectbox(key="service").value == sea_services(loaders.load_all(geography=False).tables)[0]
    assert at.multiselect(key="closed").value == ["panama"]
    assert at.slider(key="speed").value == 14.0
    # An unreadable view falls back to fitting the map's content, which the link then leaves out.
    assert "view" not in at.query_params


def test_link_with_nan_speed_opens_the_page() -> None:
    at = open_app("sea_services.py", service=ANTWERP, speed="nan")

    assert not at.exception
    assert at.slider(key="speed").value == 14.0


def test_shared_view_link_logs_no_widget_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    logged: list[str] = []
    # Streamlit logs this warning once per process; reset that so the test sees it.
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    monkeypatch.setattr(
        policies._LOGGER, "warning", lambda message, *args, **_: logged.append(message % args)
    )

    open_app("sea_services.py", service=ANTWERP, view="pacific")

    assert logged == []


# --- sidebar filters ------------------------------------------------------------------------------


def test_layer_filter_removes_the_air_link() -> None:
    at = open_app()
    assert "air-links" in layer_ids(deck_spec(at))

    at.multiselect(key="layers").unselect("air").run()

    ids = layer_ids(deck_spec(at))
    assert "air-links" not in ids
    assert {"sea-routes", "land-corridors", "place-labels"} <= set(ids)


def test_hiding_planned_places_removes_them_from_the_map() -> None:
    """Nam Đồ Sơn port is planned: drawn hollow by default, gone when planned items are hidden."""
    at = open_app()
    places = next(layer for layer in deck_spec(at)["layers"] if layer["id"] == "places")
    assert "nam_do_son" in {record["id"] for record in places["data"]}

    at.toggle(key="show_planned").set_value(False).run()

    places = next(layer for layer in deck_spec(at)["layers"] if layer["id"] == "places")
    assert "nam_do_son" not in {record["id"] for record in places["data"]}


def test_online_basemap_switches_the_deck_to_carto() -> None:
    at = open_app()
    assert deck_spec(at).get("mapProvider") is None

    at.radio(key="basemap").set_value("online").run()

    assert deck_spec(at)["mapProvider"] == "carto"


# --- cargo search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["tinh bột", "starch", "STARCH", "淀粉", "bột"],
    ids=["vi", "en", "upper", "zh", "part-of-a-word"],
)
def test_cargo_search_finds_starch_in_any_language(query: str) -> None:
    at = open_app("cargo.py")

    at.text_input(key="cargo_query").input(query).run()

    assert not at.warning
    (table,) = at.dataframe
    assert list(table.value[text("cargo.commodity")]) == ["Starch"]


@pytest.mark.parametrize(
    "query", [" starch ", unicodedata.normalize("NFD", "tinh bột")], ids=["padded", "decomposed-vietnamese"]
)
def test_cargo_search_forgives_how_the_query_was_typed(query: str) -> None:
    at = open_app("cargo.py")

    at.text_input(key="cargo_query").input(query).run()

    assert not at.warning
    (table,) = at.dataframe
    assert list(table.value[text("cargo.commodity")]) == ["Starch"]


def test_cargo_search_without_a_match_says_so() -> None:
    at = open_app("cargo.py")

    at.text_input(key="cargo_query").input("xyzzy").run()

    assert [warning.value for warning in at.warning] == [text("cargo.no_match", query="xyzzy")]
    assert not at.dataframe


# --- data & sources -------------------------------------------------------------------------------


def test_data_page_offers_every_download() -> None:
    """Each table as CSV, and places and routes as GeoJSON and GeoPackage."""
    at = open_app("data_sources.py")

    buttons = {
        button.proto.label: button.proto.url.rsplit(".", 1)[-1] for button in at.get("download_button")
    }

    for name in ("places", "services", "cargo", "sources"):
        assert buttons[text("data.download_csv", name=f"{name}.csv")] == "csv"
    assert buttons[text("data.download_places_geojson")] == "geojson"
    assert buttons[text("data.download_routes_geojson")] == "geojson"
    assert buttons[text("data.download_gpkg")] == "gpkg"


# --- broken data at start-up ----------------------------------------------------------------------


@pytest.fixture
def broken_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A copy of data/ where Nam Đồ Sơn's latitude reads "twenty"; yields the expected location."""
    target = tmp_path / "data"
    shutil.copytree(loaders.DATA_DIR, target)
    places = target / "places.csv"
    lines = places.read_text(encoding="utf-8").splitlines(keepends=True)
    (row,) = [number for number, line in enumerate(lines, start=1) if line.startswith("nam_do_son,")]
    assert ",20.62906,106.79937," in lines[row - 1]
    lines[row - 1] = lines[row - 1].replace(",20.62906,106.79937,", ",twenty,106.79937,")
    places.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(target))
    # A fresh server start: the data and everything built from it (the translators too) are cached
    # once per process. Forget the good copy now and the broken one afterwards.
    st.cache_resource.clear()
    yield f"places.csv:{row}:lat_deg"
    st.cache_resource.clear()


def test_broken_data_shows_where_not_a_traceback(broken_data: str) -> None:
    at = open_app()

    assert not at.exception
    assert len(at.error) == 1
    report = "\n".join(code.value for code in at.code)
    assert broken_data in report
    assert "'twenty' is not a number" in report


def test_broken_data_report_is_in_the_main_area(broken_data: str) -> None:
    at = open_app()

    assert len(at.main.error) == 1
    assert not at.sidebar.error
