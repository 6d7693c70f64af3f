"""The Compare page through the router: its deep link in three languages, the map, the table, and
assumptions that change the result and stay in the link."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import REPO_DIR
from test_app_pages import open_app, text

import loaders
from atlas import compare as cmp
from atlas.numbers import number

LINK = {"from": "qinzhou", "to": "hai_phong", "tonnes": "20", "set": "road_speed_kmh:40"}


@pytest.fixture(scope="module")
def tables() -> loaders.Tables:
    return loaders.load_all(geography=False).tables


@pytest.mark.parametrize("language", ["en", "vi", "zh"])
def test_deep_link_restores_the_comparison(language: str, tables: loaders.Tables) -> None:
    at = open_app("compare.py", lang=language, **LINK)
    assert not at.exception and not at.error
    assert [title.value for title in at.title] == [text("compare.title", language)]
    assert text("compare.note", language) in [info.value for info in at.info]
    assert at.selectbox(key="compare_from").value == "qinzhou"
    assert at.selectbox(key="compare_to").value == "hai_phong"
    assert at.radio(key="compare_unit").value == "tonnes"
    assert at.number_input(key="compare_amount").value == 20.0
    assert at.number_input(key="compare_a_road_speed_kmh").value == 40.0

    expected = cmp.compare(tables, "qinzhou", "hai_phong", cmp.Consignment(tonnes=20), {"road_speed_kmh": 40})
    table = at.dataframe[0].value
    assert len(table) == len(expected.options)
    co2e = table[text("compare.co2e_kg", language)].tolist()
    # In the reader's format: vi writes 1.548,3 where en writes 1,548.3.
    assert co2e == [number(o.co2e_kg, language, 1) for o in expected.options]
    if language == "vi":
        assert all("," in value for value in co2e)

    (chart,) = at.get("deck_gl_json_chart")
    spec = json.loads(chart.proto.json)
    routes = next(layer for layer in spec["layers"] if layer["id"] == "compare-routes")
    assert len(routes["data"]) == sum(len(o.legs) for o in expected.options)
    assert len({tuple(r["color"]) for r in routes["data"]}) == len(expected.options)
    assert at.query_params["set"] == "road_speed_kmh:40"
    assert at.query_params["from"] == "qinzhou" and at.query_params["tonnes"] == "20"


def test_changing_an_assumption_changes_the_result_and_the_link() -> None:
    at = open_app("compare.py", **{"from": "hanoi", "to": "hai_phong", "teu": "1"})
    column = text("compare.co2e_kg")
    before = at.dataframe[0].value[column].tolist()
    at.number_input(key="compare_a_road_co2e_ttw").set_value(0.2).run()
    assert not at.exception
    after = at.dataframe[0].value[column].tolist()
    assert after[0] > before[0]
    assert at.query_params["set"] == "road_co2e_ttw:0.2"
    at.button[0].click().run()
    assert at.dataframe[0].value[column].tolist() == before
    assert "set" not in at.query_params


def test_preset_to_kolkata_is_sea_only() -> None:
    at = open_app("compare.py")
    at.selectbox(key="compare_preset").set_value("qinzhou__kolkata").run()
    assert not at.exception
    assert at.selectbox(key="compare_to").value == "kolkata"
    table = at.dataframe[0].value
    assert len(table) == 1
    assert text("compare.schedule") in [h.value for h in at.subheader]


def test_a_bad_link_is_ignored_not_fatal() -> None:
    at = open_app(
        "compare.py", **{"from": "atlantis", "to": "hai_phong", "teu": "-3", "set": "x:1,road_factor:nan"}
    )
    assert not at.exception and not at.error
    assert at.selectbox(key="compare_from").value == "nanning"
    assert at.number_input(key="compare_amount").value == 1.0


def test_day_slider_moves_the_ships(tables: loaders.Tables) -> None:
    at = open_app("compare.py", **{"from": "qinzhou", "to": "kolkata", "teu": "1"})
    assert not at.exception

    def ships(at) -> list[list[float]]:
        spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
        layer = next(layer for layer in spec["layers"] if layer["id"] == "compare-vessels")
        return [record["position"] for record in layer["data"]]

    before = ships(at)
    assert 1 <= len(before) <= 2
    day = at.slider(key="compare_day")
    day.set_value(day.value + dt.timedelta(days=5)).run()
    assert not at.exception
    after = ships(at)
    assert after and after != before


def test_uploaded_places_can_be_compared(tables: loaders.Tables) -> None:
    """A place uploaded on "Your data" (here: a factory near Bắc Ninh) is offered as an origin."""
    from streamlit.testing.v1 import AppTest
    from test_app_pages import APP_PATH, TIMEOUT_S

    from loaders.uploads import FileUpload, check_uploads

    template = (REPO_DIR / "data" / "templates" / "places.csv").read_text(encoding="utf-8-sig")
    header, row = template.splitlines()[:2]
    factory = row.replace("my_example_port,port,", "my_factory,city,").replace(
        "20.83601,106.77421", "21.18600,106.07600"
    )
    result = check_uploads([FileUpload("places", "places.csv", f"{header}\n{factory}\n".encode())], tables)
    assert result.ok, result.problems
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT_S)
    at.session_state["yours_result"] = result
    at.session_state["yours_digest"] = "test"
    at.query_params.update({"from": "my_factory", "to": "nanning", "teu": "1"})
    at.switch_page("app_pages/compare.py")
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="compare_from").value == "my_factory"
    modes = {label.split(" · ")[0] for label in at.dataframe[0].value[text("compare.option")]}
    assert text("mode.road") in modes and text("mode.rail") in modes


def test_play_moves_the_ships_a_day_at_a_time_and_stop_holds_them() -> None:
    """"Play" steps the day (the map reruns on its own while playing); "Stop" gives the slider back.
    The link keeps the day, so a shared link shows the ships where the sender saw them."""
    at = open_app("compare.py", **{"from": "qinzhou", "to": "kolkata", "teu": "1", "day": "2026-12-01"})
    assert not at.exception
    assert at.slider(key="compare_day").value == dt.date(2026, 12, 1)
    assert at.query_params["day"] == "2026-12-01"
    at.button(key="compare_play").click().run()
    assert not at.exception
    assert at.button(key="compare_play").label == text("compare.stop")
    assert at.slider(key="compare_day").disabled
    # The run after the click already drew the map one step on.
    assert at.session_state["compare_day"] == dt.date(2026, 12, 2)
    assert at.query_params["day"] == "2026-12-02"
    at.button(key="compare_play").click().run()
    assert at.button(key="compare_play").label == text("compare.play")
    assert not at.slider(key="compare_day").disabled
