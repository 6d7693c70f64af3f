"""Faults the app must survive: no network, a sea leg the route engine cannot find, broken data files,
and many sessions at once (the shared data is loaded once per process, not once per visitor)."""

from __future__ import annotations

import json
import shutil
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import searoute
from conftest import REPO_DIR
from streamlit.testing.v1 import AppTest

import geo
import loaders
from atlas import layers, model, style
from atlas.i18n import Translator
from loaders._paths import DATA_DIR_ENV
from loaders.uploads import template_files
from ui import data as ui_data

APP_PATH = str(REPO_DIR / "app.py")
TIMEOUT_S = 120


@pytest.fixture(autouse=True)
def _quiet_apptest() -> Iterator[None]:
    with warnings.catch_warnings():
        # AppTest leaves its temporary directory to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        yield


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT_S)
    if page is not None:
        at.switch_page(f"app_pages/{page}")
    return at.run()


def leaving_urls(value: Any) -> list[str]:
    """Every string in a deck's JSON that would make the browser leave the machine."""
    if isinstance(value, dict):
        return [url for item in value.values() for url in leaving_urls(item)]
    if isinstance(value, list):
        return [url for item in value for url in leaving_urls(item)]
    if isinstance(value, str) and value.lower().startswith(("http:", "https:", "mapbox:", "//")):
        return [value]
    return []


def test_default_decks_need_no_network() -> None:
    """Offline is the default: no map style, no tile server, every layer's data served by the app.

    Covers the Your data page with an upload, the one map the page smoke tests do not open."""
    at = open_app("your_data.py")
    for uploader, name in zip(at.file_uploader, ("places", "services", "service_stops"), strict=False):
        uploader.set_value((f"{name}.csv", template_files()[f"{name}.csv"], "text/csv"))
    at.run()
    at2 = open_app()
    decks = [json.loads(chart.proto.json) for app in (at, at2) for chart in app.get("deck_gl_json_chart")]
    assert len(decks) == 2
    for deck in decks:
        assert deck.get("mapProvider") is None
        assert deck["mapStyle"] == "__MAP_STYLE__"  # pydeck's "unset": Streamlit then draws no style
        assert leaving_urls(deck) == []
        basemap = [layer["data"] for layer in deck["layers"] if layer["id"].startswith("basemap-")]
        assert basemap[1:] and all(url.startswith("app/static/basemap/") for url in basemap[1:])


@pytest.fixture
def searoute_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """searoute raising for every leg, with geo's and the app's route caches emptied either side."""

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("searoute is down")

    # geo reads searoute's network through setup_M (it no longer calls searoute.searoute).
    monkeypatch.setattr(searoute, "setup_M", fail)
    geo.clear_route_cache()
    ui_data.service_plan.clear()
    yield
    monkeypatch.undo()
    geo.clear_route_cache()
    ui_data.service_plan.clear()


def test_a_failed_leg_is_drawn_as_a_marked_great_circle(searoute_down: None) -> None:
    tables = loaders.load_all(geography=False).tables
    t = Translator(tables.translations, "en")
    plan = model.plan_service(tables, "lane_haiphong_antwerp")
    assert [leg.method for leg in plan.rotation.legs] == ["great_circle_fallback"]

    records = layers.service_records(tables, plan, "en", t)
    assert records
    for record in records:
        assert record["color"] == style.VERMILLION == style.SCENARIO_COLOUR
        assert record["dash"] == layers.DASHED
        assert t("map.fallback") in record["tooltip"].splitlines()


def test_the_sea_page_says_which_legs_fell_back(searoute_down: None) -> None:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT_S)
    at.query_params["service"] = "lane_haiphong_antwerp"
    at.switch_page("app_pages/sea_services.py").run()
    assert not at.exception
    t = Translator(loaders.load_translations(), "en")
    legs = at.dataframe[0].value
    assert set(legs[t("sea.method")]) == {t("method.great_circle_fallback")}
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    routes = next(layer for layer in deck["layers"] if layer["id"] == "sea-routes")["data"]
    assert {tuple(r["color"]) for r in routes} == {tuple(style.VERMILLION)}


@pytest.fixture
def broken_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of data/ that the app reads through CORRIDOR_ATLAS_DATA_DIR; tests break it."""
    target = tmp_path / "data"
    shutil.copytree(REPO_DIR / "data", target)
    monkeypatch.setenv(DATA_DIR_ENV, str(target))
    ui_data.load_result.clear()
    yield target
    monkeypatch.delenv(DATA_DIR_ENV)
    ui_data.load_result.clear()
    ui_data.translator.clear()


def _delete_places(directory: Path) -> None:
    (directory / "places.csv").unlink()


def _unbalanced_quote(directory: Path) -> None:
    path = directory / "services.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",sea,scheduled,", ',sea,"scheduled,', 1), encoding="utf-8")


def _windows_1258_translations(directory: Path) -> None:
    """As Excel saves Vietnamese text on Windows: Windows-1258 with decomposed tone marks."""
    path = directory / "translations.csv"
    text = unicodedata.normalize("NFD", path.read_text(encoding="utf-8"))
    path.write_bytes(text.encode("cp1258", "replace"))


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_delete_places, "places.csv:-:-: file is missing — restore it"),
        (_unbalanced_quote, "services.csv:"),
        (_windows_1258_translations, "translations.csv:"),
    ],
    ids=["missing-file", "unparseable-csv", "not-utf8"],
)
def test_broken_data_opens_the_app_and_says_what_to_do(
    broken_data_dir: Path, breakage, expected: str
) -> None:
    breakage(broken_data_dir)
    at = open_app()
    assert not at.exception
    assert "problem(s); the maps are hidden until they are fixed" in at.error[0].value
    problems = at.code[0].value
    assert expected in problems
    assert " — " in problems.splitlines()[0]
    assert not at.get("deck_gl_json_chart")


def test_a_missing_data_directory_is_named(broken_data_dir: Path) -> None:
    shutil.rmtree(broken_data_dir)
    at = open_app()
    assert not at.exception
    assert "sources.csv:-:-: file is missing" in at.code[0].value


def test_shared_data_is_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every session reads the same cached tables: ten visitors cost one load, not ten."""
    calls: list[None] = []
    real_load_all = ui_data.load_all

    def counting_load_all(*args: object, **kwargs: object) -> loaders.LoadResult:
        calls.append(None)
        return real_load_all(*args, **kwargs)

    monkeypatch.setattr(ui_data, "load_all", counting_load_all)
    ui_data.load_result.clear()
    try:
        sessions = [open_app(page) for page in ("overview.py", "cargo.py", None)]
        assert all(not at.exception for at in sessions)
        assert len(calls) == 1
        assert sessions[0].session_state["lang"] == "en"
    finally:
        ui_data.load_result.clear()


# --- the embedded schema and basemap ---------------------------------------------------------------


@pytest.fixture
def schema_and_basemap_caches() -> Iterator[None]:
    """The schema and basemap are read once per process: start and end each test with a fresh read."""
    from loaders import _geography, basemap
    from loaders._schema import table_schemas

    def clear() -> None:
        table_schemas.cache_clear()
        basemap._read_layer.cache_clear()
        basemap.land_union.cache_clear()
        for name in dir(_geography):
            function = getattr(_geography, name)
            if callable(getattr(function, "cache_clear", None)):
                function.cache_clear()
        ui_data.load_result.clear()
        ui_data.translator.clear()

    clear()
    yield
    clear()


def _datapackage_missing(path: Path) -> None:
    path.unlink()


def _datapackage_truncated(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8")[:500], encoding="utf-8")


def _datapackage_without_schemas(path: Path) -> None:
    package = json.loads(path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        del resource["schema"]
    path.write_text(json.dumps(package), encoding="utf-8")


DATAPACKAGE_BREAKAGES = {
    "missing": (_datapackage_missing, "file is missing"),
    "truncated": (_datapackage_truncated, "not valid JSON"),
    "no-schemas": (_datapackage_without_schemas, "not a data package with a schema for each resource"),
}


@pytest.fixture
def broken_datapackage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema_and_basemap_caches: None):
    from loaders import _schema

    def breaking(breakage) -> Path:
        path = tmp_path / "datapackage.json"
        shutil.copy(_schema.DATAPACKAGE_PATH, path)
        breakage(path)
        monkeypatch.setattr(_schema, "DATAPACKAGE_PATH", path)
        return path

    return breaking


@pytest.mark.parametrize(
    ("breakage", "expected"), DATAPACKAGE_BREAKAGES.values(), ids=DATAPACKAGE_BREAKAGES.keys()
)
def test_a_broken_datapackage_is_a_problem_not_a_traceback(
    broken_datapackage, breakage, expected: str
) -> None:
    broken_datapackage(breakage)
    [problem] = loaders.validate_data_dir().problems
    assert str(problem).startswith(f"datapackage.json:-:-: {expected}")
    assert "git checkout data/datapackage.json" in problem.action
    at = open_app()
    assert not at.exception
    assert f"datapackage.json:-:-: {expected}" in at.code[0].value


def test_the_validator_command_names_a_broken_datapackage(tmp_path: Path) -> None:
    import subprocess
    import sys

    broken = tmp_path / "datapackage.json"
    broken.write_text("{not json", encoding="utf-8")
    script = (
        "import pathlib, sys; import loaders._schema as schema; "
        f"schema.DATAPACKAGE_PATH = pathlib.Path({str(broken)!r}); "
        "from loaders.validate import main; sys.exit(main([]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_DIR, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 1
    assert completed.stdout.startswith("datapackage.json:-:-: not valid JSON")
    assert "Traceback" not in completed.stdout + completed.stderr


def _basemap_missing(path: Path) -> None:
    path.unlink()


def _basemap_corrupt(path: Path) -> None:
    path.write_bytes(b'{"type": "FeatureCollection", "features": [')


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [(_basemap_missing, "basemap file is missing"), (_basemap_corrupt, "basemap file cannot be read")],
    ids=["missing", "corrupt"],
)
def test_a_broken_basemap_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema_and_basemap_caches: None, breakage, expected: str
) -> None:
    from loaders import basemap

    copy = tmp_path / "basemap"
    shutil.copytree(basemap.BASEMAP_DIR, copy)
    breakage(copy / "land_50m.geojson")
    monkeypatch.setattr(basemap, "BASEMAP_DIR", copy)
    [problem] = [str(p) for p in loaders.validate_data_dir().problems]
    assert problem.startswith(f"static/basemap/land_50m.geojson:-:-: {expected}")
    assert problem.endswith(f" — run {basemap.BUILD_COMMAND}")
    at = open_app()
    assert not at.exception
    assert f"static/basemap/land_50m.geojson:-:-: {expected}" in at.code[0].value
    assert not at.get("deck_gl_json_chart")
