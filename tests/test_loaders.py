"""Loaders: one per table, typed by data/datapackage.json; contract tests on the embedded data and
golden tests on the tiny fixture directory."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from conftest import TEST_DATA_DIR

import loaders
from loaders import DataError, load_all, load_table, split_ids
from loaders._schema import table_schemas

GOLDEN_DIR = TEST_DATA_DIR / "golden_loaders"
TABLES = list(table_schemas())
PANDAS_TYPES = {"string": "string", "number": "Float64", "integer": "Int64", "boolean": "boolean"}


@pytest.fixture(scope="module")
def tables() -> loaders.Tables:
    result = load_all()
    assert result.problems == ()
    return result.tables


@pytest.mark.parametrize("name", TABLES)
def test_columns_and_types_follow_the_schema(name: str) -> None:
    """The schema is the public contract: column order and types come from datapackage.json."""
    frame = load_table(name)
    schema = table_schemas()[name]
    assert list(frame.columns) == schema.field_names
    for field in schema.descriptor["fields"]:
        if field["type"] in PANDAS_TYPES:
            assert str(frame[field["name"]].dtype) == PANDAS_TYPES[field["type"]], field["name"]


@pytest.mark.parametrize("name", TABLES)
def test_primary_keys_are_unique(name: str) -> None:
    frame = load_table(name)
    key = table_schemas()[name].descriptor["primaryKey"]
    assert not frame.duplicated(subset=key if isinstance(key, list) else [key]).any()


# Every curated table but sources (they are the references) and translations (our own text) names
# its sources, child tables (stops, waypoints) included: each row says where it comes from.
# An assumption may have no source: its basis says so, and the validator requires one for every
# sourced row.
SOURCED_TABLES = [
    n for n in TABLES if "source_ids" in table_schemas()[n].field_names and n != "assumptions"
]
STATUS_TABLES = [n for n in TABLES if "status" in table_schemas()[n].field_names]


def test_every_curated_table_is_sourced() -> None:
    assert sorted(set(TABLES) - set(SOURCED_TABLES)) == ["assumptions", "sources", "translations"]
    assert {"service_stops", "corridor_waypoints"} <= set(SOURCED_TABLES)


@pytest.mark.parametrize("name", STATUS_TABLES)
def test_every_status_has_a_date_and_a_source(name: str, tables: loaders.Tables) -> None:
    """The contract of status_as_of / status_source_ids: a status is never shown without both."""
    frame = getattr(tables, name)
    assert {"status_as_of", "status_source_ids"} <= set(frame.columns)
    known = set(tables.sources["source_id"])
    with_status = frame.loc[frame["status"].notna()]
    assert len(with_status) > 0
    for row in with_status.itertuples(index=False):
        assert isinstance(row.status_as_of, str) and row.status_as_of[:4].isdigit(), row
        ids = split_ids(row.status_source_ids)
        assert ids and set(ids) <= known, row


def test_statuses_verified_in_2025_and_2026(tables: loaders.Tables) -> None:
    """Spot checks of the status updates and their dates (issue 10)."""
    pairs = tables.gate_pairs.set_index("pair_id")
    for pair in ("tan_thanh__po_chai", "coc_nam__lung_nghi"):
        assert pairs.loc[pair, "status"] == "operating"
        assert pairs.loc[pair, "status_as_of"] >= "2025-12-10"
    corridors = tables.corridors.set_index("corridor_id")
    assert corridors.loc["hsr_chongzuo_pingxiang", "status"] == "operating"
    assert corridors.loc["hsr_chongzuo_pingxiang", "status_as_of"] == "2025-12-05"
    assert corridors.loc["hsr_chongzuo_pingxiang", "name_zh"] == "南凭高铁崇凭段"
    assert corridors.loc["hsr_nanning_chongzuo", "name_zh"] == "南凭高铁南崇段"


def test_readings_of_the_sources(tables: loaders.Tables) -> None:
    """Directions seen from China, the Kolkata call an assumption, units and qualifiers as published."""
    assert set(tables.cargo["direction"]) == {"export_from_china", "import_to_china"}
    stops = tables.service_stops.set_index(["service_id", "place_id"])
    assert stops.loc[("beibu_haiphong_kolkata", "kolkata"), "stop_basis"] == "assumed"
    places = tables.places.set_index("id")
    assert places.loc["kolkata", "waterfront"] == "river"
    figures = tables.figures.set_index("figure_id")
    assert figures.loc["lach_huyen_max_vessel", "unit"] == "DWT"
    assert figures.loc["pola_area", "qualifier"] == "up_to"
    assert figures.loc["lang_son_vehicle_growth", "entity_id"] == "lang_son"
    assert figures.loc["lang_son_chongzuo_meetings", "qualifier"] == "at_least"
    lengths = figures.loc[figures["entity_id"] == "rail_hanoi_dong_dang", "value"]
    assert sorted(lengths) == [162, 167]
    assert "香辛料" in set(tables.cargo["commodity_zh"])


@pytest.mark.parametrize("name", SOURCED_TABLES)
def test_every_row_names_a_source_that_exists(name: str, tables: loaders.Tables) -> None:
    frame = getattr(tables, name)
    known = set(tables.sources["source_id"])
    for value in frame["source_ids"]:
        ids = split_ids(value)
        assert ids and set(ids) <= known, value


def test_every_sourced_assumption_names_a_source_that_exists(tables: loaders.Tables) -> None:
    known = set(tables.sources["source_id"])
    sourced = tables.assumptions.loc[tables.assumptions["basis"] == "sourced"]
    assert len(sourced) >= 5
    for value in sourced["source_ids"]:
        ids = split_ids(value)
        assert ids and set(ids) <= known, value
    for value in tables.assumptions["source_ids"].dropna():
        assert set(split_ids(value)) <= known, value


@pytest.mark.parametrize("name", TABLES)
def test_text_is_nfc(name: str) -> None:
    frame = load_table(name)
    for column in frame.select_dtypes(include="string").columns:
        for value in frame[column].dropna():
            assert unicodedata.normalize("NFC", value) == value, (column, value)


def test_places_are_points_in_wgs84(tables: loaders.Tables) -> None:
    places = tables.places
    assert isinstance(places, gpd.GeoDataFrame)
    assert places.crs.to_epsg() == 4326
    assert (places.geometry.x == places["lon_deg"].astype(float)).all()
    assert (places.geometry.y == places["lat_deg"].astype(float)).all()


def test_vietnamese_and_chinese_names_keep_their_script(tables: loaders.Tables) -> None:
    names = tables.places.set_index("id")
    assert names.loc["huu_nghi", "name_vi"] == "Cửa khẩu quốc tế Hữu Nghị"
    assert names.loc["youyiguan", "name_zh"] == "友谊关口岸"
    assert names.loc["lang_son", "name_vi"] == "Lạng Sơn"


@pytest.mark.parametrize(
    ("place_id", "coord_method"),
    [("coc_nam", "approximate"), ("po_nhung", "approximate"), ("hph_airport", "reference")],
    ids=["coc-nam-no-reference", "po-nhung-location-unknown", "cat-bi-airport"],
)
def test_unreferenced_points_are_marked_approximate(
    tables: loaders.Tables, place_id: str, coord_method: str
) -> None:
    row = tables.places.set_index("id").loc[place_id]
    assert row["coord_method"] == coord_method
    assert row["coord_reference"]


def test_source_articles_are_copied_into_the_project(tables: loaders.Tables) -> None:
    articles = tables.sources.loc[tables.sources["kind"] == "article"]
    assert len(articles) == 5
    for file in articles["file"]:
        assert (loaders.DATA_DIR / file).is_file()


def test_every_source_article_fact_is_covered(tables: loaders.Tables) -> None:
    """Spot checks of the brief's list: service, frequency, cargo, flight, pilot, gates, agreements."""
    service = tables.services.set_index("service_id").loc["beibu_haiphong_kolkata"]
    assert service["frequency_days"] == 21
    assert service["frequency_text"] == "lịch tàu một chuyến trong ba tuần"
    assert len(tables.cargo.loc[tables.cargo["service_id"] == "beibu_haiphong_kolkata"]) == 8
    assert tables.services.set_index("service_id").loc["nanning_haiphong_air", "start_date"] == "2025-01-07"
    assert tables.gate_pairs.set_index("pair_id").loc["huu_nghi__youyiguan", "smart_gate_pilot"]
    pairs = set(tables.gate_pairs["pair_id"])
    assert {
        "chi_ma__aidian",
        "binh_nghi__pingerguan",
        "po_nhung__youai",
        "tan_thanh__po_chai",
        "coc_nam__lung_nghi",
    } <= pairs
    agreements = set(tables.agreements["agreement_id"])
    assert {
        "mou_haiphong_nynj_2023",
        "mou_haiphong_los_angeles_2023",
        "mou_haiphong_deep_c_2025",
        "mou_haiphong_nanning_2025_plan",
        "decision_865_smart_gate_2024",
    } <= agreements
    assert tables.figures.set_index("figure_id").loc["pola_throughput", "value"] == 9.3


def test_loading_a_missing_table_raises_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError) as raised:
        load_table("places", tmp_path)
    assert str(raised.value.problems[0]).startswith("places.csv:-:-: file is missing")


def test_load_all_returns_problems_instead_of_raising(tmp_path: Path, minimal_data_dir: Path) -> None:
    (minimal_data_dir / "cargo.csv").write_bytes(b"")
    result = load_all(minimal_data_dir, interface=False)
    assert result.tables is None
    assert [str(p).split(" — ")[0] for p in result.problems] == ["cargo.csv:-:-: file is empty"]


def _as_records(frame: pd.DataFrame) -> list[dict]:
    plain = frame.drop(columns="geometry", errors="ignore").astype(object)
    return json.loads(plain.where(plain.notna(), None).to_json(orient="records", force_ascii=False))


@pytest.mark.parametrize("name", TABLES)
def test_loader_golden_output_on_the_minimal_fixture(name: str, minimal_data_dir: Path) -> None:
    """Loaders return exactly these rows and values for tests/data/minimal (UPDATE_GOLDEN=1 rewrites)."""
    records = _as_records(loaders.tables.TABLE_LOADERS[name](minimal_data_dir))
    golden = GOLDEN_DIR / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        golden.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert records == json.loads(golden.read_text(encoding="utf-8"))


# Words of the English notes that a Chinese text never needs (names keep their own script, so a
# Vietnamese name such as "Pò Nhùng" may stay; English prose may not).
ENGLISH_WORDS = re.compile(r"\b(the|and|of|pair|gate|road|since|from|was|were|trucks|pilot)\b", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("gate_pairs", ["label_zh", "status_note_zh"]),
        ("agreements", ["title_zh", "parties_zh", "topic_zh"]),
    ],
    ids=["gate_pairs", "agreements"],
)
def test_texts_a_page_shows_are_in_chinese(table: str, columns: list[str], tables: loaders.Tables) -> None:
    """Issue 11: a Chinese page fell back to English notes, titles and parties for want of _zh columns."""
    frame = getattr(tables, table)
    for column in columns:
        for value in frame[column]:
            assert isinstance(value, str) and CJK.search(value), (column, value)
            assert not ENGLISH_WORDS.search(value), (column, value)


def test_every_pilot_pair_names_its_freight_road(tables: loaders.Tables) -> None:
    """Decision 865/QĐ-TTg: the pilot runs on the freight roads at markers 1119–1120 and 1088/2–1089."""
    pairs = tables.gate_pairs.set_index("pair_id")
    pilot = pairs.loc[pairs["smart_gate_pilot"]]
    assert dict(pilot["smart_gate_road_markers"]) == {
        "huu_nghi__youyiguan": "1119–1120",
        "tan_thanh__po_chai": "1088/2–1089",
    }
    assert pilot["smart_gate_note_zh"].str.contains("865/QĐ-TTg").all()
    assert pairs.loc[~pairs["smart_gate_pilot"], "smart_gate_road_markers"].isna().all()
