"""atlas/: languages, views, label placement, layer records and exports, on tiny literal fixtures.

The layer tests use the embedded data once (a module fixture), because tooltips and dash styles are
only interesting on the real places, services and sources. Everything else is literal.
"""

from __future__ import annotations

import ast
import io
import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from conftest import REPO_DIR
from shapely.geometry import LineString, Point

import geo
import loaders
from atlas import exports, layers, model, style
from atlas.deck import basemap_detail, leader_lines
from atlas.i18n import LANGUAGES, Translator, localized, pick_language, short_label
from atlas.labels import declutter, project
from atlas.numbers import amount
from atlas.views import VIEW_PRESETS, MapView, parse_view, view_param
from loaders.uploads import UPLOAD_TABLES
from ui.sidebar import LAYER_FILTERS

# Where UI keys are looked up: the router, the pages and the code they call.
CODE_DIRS = ("app_pages", "ui", "atlas")
SOURCE_LINE = re.compile(r"^Source: \S", re.MULTILINE)
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")


def translation_table(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A translations.csv-like frame; empty strings and None stand for missing translations."""
    return pd.DataFrame(rows, columns=["key", "en", "vi", "zh"])


def is_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


# --- i18n: picking a language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "locale", "expected"),
    [
        ("zh", "vi-VN", "zh"),
        ("en", "zh-CN", "en"),
        (None, "vi-VN", "vi"),
        (None, "zh-CN", "zh"),
        (None, "zh_TW", "zh"),
        (None, "VI", "vi"),
        (None, "fr-FR", "en"),
        (None, None, "en"),
        ("xx", "vi-VN", "vi"),
        ("", None, "en"),
    ],
    ids=[
        "query-beats-locale",
        "query-en-beats-zh-locale",
        "vi-locale",
        "zh-locale",
        "underscore-locale",
        "upper-case-locale",
        "unknown-locale",
        "nothing",
        "bad-query-falls-to-locale",
        "empty-query",
    ],
)
def test_pick_language(query: str | None, locale: str | None, expected: str) -> None:
    """A shared `?lang=` link must win over the reader's browser; anything unknown reads English."""
    assert pick_language(query, locale) == expected


# --- i18n: translating UI keys --------------------------------------------------------------------


@pytest.fixture
def translations() -> pd.DataFrame:
    """Three keys: a complete one, one with the Vietnamese and Chinese missing, one with a field."""
    return translation_table(
        [
            ("page.cargo", "Cargo", "Hàng hóa", "货物"),
            ("legend.air", "Air link", "", None),
            ("cargo.no_match", "No commodity matches “{query}”.", "Không có mặt hàng khớp “{query}”.", ""),
        ]
    )


@pytest.mark.parametrize(
    ("language", "key", "expected"),
    [
        ("vi", "page.cargo", "Hàng hóa"),
        ("zh", "page.cargo", "货物"),
        ("vi", "legend.air", "Air link"),
        ("zh", "legend.air", "Air link"),
    ],
    ids=["vi", "zh", "empty-vi-falls-back-to-en", "missing-zh-falls-back-to-en"],
)
def test_translator_falls_back_to_english(
    translations: pd.DataFrame, language: str, key: str, expected: str
) -> None:
    """An untranslated string shows in English rather than as a blank button or label."""
    assert Translator(translations, language)(key) == expected


def test_translator_formats_fields(translations: pd.DataFrame) -> None:
    assert Translator(translations, "vi")("cargo.no_match", query="tinh bột") == (
        "Không có mặt hàng khớp “tinh bột”."
    )


def test_translator_missing_key_raises(translations: pd.DataFrame) -> None:
    """A typo in a key must fail loudly in tests, not ship as an empty label."""
    t = Translator(translations, "en")
    assert not t.has("page.cargoo")
    with pytest.raises(KeyError, match=r"page\.cargoo"):
        t("page.cargoo")


def test_translator_rejects_unknown_language(translations: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="fr"):
        Translator(translations, "fr")


def test_translator_output_is_nfc() -> None:
    """Text typed with combining tone marks is composed, so deck.gl draws one glyph per letter."""
    decomposed = unicodedata.normalize("NFD", "Lạng Sơn")
    t = Translator(translation_table([("view.border", "Lang Son border", decomposed, "谅山")]), "vi")
    assert t("view.border") == "Lạng Sơn"
    assert is_nfc(t("view.border"))


# --- i18n: naming places --------------------------------------------------------------------------

HAI_PHONG = {"country": "VN", "name_en": "Hai Phong", "name_vi": "Hải Phòng", "name_zh": "海防"}
# A Vietnamese place whose Chinese name the sources do not give.
PO_NHUNG = {
    "country": "VN",
    "name_en": "Po Nhung Border Gate",
    "name_vi": "Cửa khẩu Pò Nhùng",
    "name_zh": None,
}
# A foreign place without a Chinese name.
ANTWERP = {
    "country": "BE",
    "name_en": "Port of Antwerp-Bruges",
    "name_vi": "Cảng Antwerp-Bruges",
    "name_zh": "",
}
# A place known only by its Vietnamese name.
VI_ONLY = {"country": "VN", "name_en": None, "name_vi": "Cảng Tân Vũ", "name_zh": None}


@pytest.mark.parametrize(
    ("row", "language", "expected"),
    [
        (HAI_PHONG, "en", "Hai Phong"),
        (HAI_PHONG, "vi", "Hải Phòng"),
        (HAI_PHONG, "zh", "海防"),
        (PO_NHUNG, "zh", "Cửa khẩu Pò Nhùng"),
        (ANTWERP, "zh", "Port of Antwerp-Bruges"),
        (VI_ONLY, "en", "Cảng Tân Vũ"),
    ],
    ids=["en", "vi", "zh", "zh-falls-back-to-vi-in-vn", "zh-falls-back-to-en-abroad", "en-falls-back-to-vi"],
)
def test_localized_falls_back_sensibly(row: dict, language: str, expected: str) -> None:
    """A Vietnamese place keeps its own name (with diacritics) when there is no Chinese one."""
    assert localized(row, language) == expected


def test_localized_returns_nfc() -> None:
    row = {"country": "VN", "name_vi": unicodedata.normalize("NFD", "Lạch Huyện")}
    assert localized(row, "vi") == "Lạch Huyện"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cảng Tân Vũ (Chi nhánh Cảng Tân Vũ – Công ty Cổ phần Cảng Hải Phòng)", "Cảng Tân Vũ"),
        ("南宁吴圩国际机场（吴圩）", "南宁吴圩国际机场"),
        ("Hai Phong", "Hai Phong"),
        ("(unnamed)", "(unnamed)"),
    ],
    ids=["ascii-parenthesis", "full-width-parenthesis", "nothing-to-cut", "all-parenthesis-kept"],
)
def test_short_label(name: str, expected: str) -> None:
    """Map labels drop the parenthesised detail; a name that is only detail stays whole."""
    assert short_label(name) == expected


# --- views ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(VIEW_PRESETS))
def test_parse_view_reads_presets(name: str) -> None:
    assert parse_view(name, "world") == (name, VIEW_PRESETS[name])


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("21.5,107.1,7.5", MapView(21.5, 107.1, 7.5)),
        ("-33.9,18.4,3", MapView(-33.9, 18.4, 3.0)),
        ("21.5,107.1,40", MapView(21.5, 107.1, 16.0)),
        ("21.5,107.1,-2", MapView(21.5, 107.1, 0.0)),
    ],
    ids=["tonkin", "southern-hemisphere", "zoom-clamped-high", "zoom-clamped-low"],
)
def test_parse_view_reads_custom_views(param: str, expected: MapView) -> None:
    assert parse_view(param, "world") == ("custom", expected)


@pytest.mark.parametrize(
    "param",
    [
        None,
        "",
        "mars",
        "21.5,107.1",
        "21.5,107.1,7,1",
        "a,b,c",
        "nan,107,7",
        "21,inf,7",
        "86,107,7",
        "21,181,7",
    ],
    ids=[
        "none",
        "empty",
        "unknown-preset",
        "two-numbers",
        "four-numbers",
        "words",
        "nan",
        "inf",
        "lat-out-of-range",
        "lon-out-of-range",
    ],
)
def test_parse_view_falls_back_to_the_default(param: str | None) -> None:
    """A mangled link still opens the page, on its usual view."""
    assert parse_view(param, "tonkin") == ("tonkin", VIEW_PRESETS["tonkin"])


@pytest.mark.parametrize(
    ("name", "view"),
    [
        ("suez", VIEW_PRESETS["suez"]),
        ("custom", MapView(21.5, 107.1, 7.5)),
        ("custom", MapView(-8.25, -40.5, 2.0)),
    ],
    ids=["preset", "custom", "custom-negative"],
)
def test_view_param_round_trips(name: str, view: MapView) -> None:
    """What the address bar holds opens the same view again."""
    assert parse_view(view_param(name, view), "world") == (name, view)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (VIEW_PRESETS["world"], "globe"),
        (VIEW_PRESETS["asia"], "world"),
        (VIEW_PRESETS["tonkin"], "region"),
        (VIEW_PRESETS["border"], "region"),
        (MapView(48.0, 2.3, 8.0), "world"),
    ],
    ids=["world", "asia", "tonkin", "border", "zoomed-in-outside-the-region"],
)
def test_basemap_detail_follows_the_view(view: MapView, expected: str) -> None:
    """The 1:10m files only cover the region: zoomed in elsewhere, the 1:50m land must be used."""
    assert basemap_detail(view) == expected


# --- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat", "zoom", "expected"),
    [
        (0.0, 0.0, 0.0, (256.0, 256.0)),
        (-180.0, 0.0, 0.0, (0.0, 256.0)),
        (180.0, 0.0, 1.0, (1024.0, 512.0)),
        (0.0, 0.0, 3.0, (2048.0, 2048.0)),
    ],
    ids=["origin", "west-edge", "east-edge-zoom-1", "origin-zoom-3"],
)
def test_project_matches_web_mercator(
    lon: float, lat: float, zoom: float, expected: tuple[float, float]
) -> None:
    """deck.gl's world is 512 px wide at zoom 0 and doubles with each zoom level."""
    assert project(lon, lat, zoom) == pytest.approx(expected)


def test_project_clamps_the_poles() -> None:
    """Mercator has no poles: a latitude of 90° is drawn at the top edge, not at infinity."""
    assert project(0.0, 90.0, 0.0) == pytest.approx((256.0, 0.0), abs=0.5)
    assert project(0.0, -90.0, 0.0) == pytest.approx((256.0, 512.0), abs=0.5)


TONKIN = VIEW_PRESETS["tonkin"]


def test_declutter_keeps_the_higher_priority_label_of_an_overlap() -> None:
    """Five places on one spot: the port gets the right side, the gate the left, the city above, the
    station below, the park nothing."""
    records = [
        {"position": [106.68345, 20.86481], "label": "Hải Phòng", "priority": 40},
        {"position": [106.68345, 20.86481], "label": "Cảng Hải Phòng", "priority": 90},
        {"position": [106.68345, 20.86481], "label": "Khu công nghiệp", "priority": 10},
        {"position": [106.68345, 20.86481], "label": "Cửa khẩu", "priority": 70},
        {"position": [106.68345, 20.86481], "label": "Ga", "priority": 30},
    ]
    kept = declutter(records, TONKIN)
    assert [(r["label"], r["anchor"]) for r in kept] == [
        ("Cảng Hải Phòng", "start"), ("Cửa khẩu", "end"), ("Hải Phòng", "middle"), ("Ga", "middle"),
    ]
    assert [(r["offset"][0] > 0, r["offset"][1]) for r in kept[:2]] == [(True, 0), (False, 0)]
    assert kept[2]["offset"][1] < 0 < kept[3]["offset"][1]


def test_declutter_moves_a_crowded_label_round_its_dot() -> None:
    """Qinzhou and Tân Vũ at the cargo map's zoom: Qinzhou's label cannot go right or left of its dot
    (Tân Vũ's label is there), so it goes round it rather than being dropped (data/places.csv)."""
    records = [
        {"position": [106.77421, 20.83601], "label": "Tân Vũ", "priority": 110},
        {"position": [108.647, 21.68317], "label": "Khâm Châu", "priority": 105},
    ]
    view = MapView(latitude=12.7, longitude=101.9, zoom=3.64)
    kept = declutter(records, view)
    assert [r["label"] for r in kept] == ["Tân Vũ", "Khâm Châu"]


def test_declutter_keeps_far_apart_labels() -> None:
    """Hải Phòng and Lạng Sơn are ~110 km apart: both fit at the Gulf of Tonkin view."""
    records = [
        {"position": [106.68345, 20.86481], "label": "Hải Phòng", "priority": 40},
        {"position": [106.76101, 21.85264], "label": "Lạng Sơn", "priority": 40},
    ]
    kept = declutter(records, TONKIN)
    assert [r["label"] for r in kept] == ["Hải Phòng", "Lạng Sơn"]
    assert {r["anchor"] for r in kept} == {"start"}


def test_declutter_ties_keep_input_order() -> None:
    records = [
        {"position": [106.68345, 20.86481], "label": label, "priority": 50}
        for label in ("first", "second", "third", "fourth", "fifth")
    ]
    assert [r["label"] for r in declutter(records, TONKIN)] == ["first", "second", "third", "fourth"]


def test_declutter_depends_on_zoom() -> None:
    """Lạng Sơn, Đồng Đăng, the Hữu Nghị gate and two stations (a few km apart) crowd each other at the
    world view, where only four places round one spot are free, but all fit at the border view."""
    records = [
        {"position": [106.76101, 21.85264], "label": "Lạng Sơn", "priority": 40},
        {"position": [106.71083, 21.97111], "label": "Cửa khẩu quốc tế Hữu Nghị", "priority": 70},
        {"position": [106.69667, 21.94583], "label": "Đồng Đăng", "priority": 40},
        {"position": [106.75, 21.86], "label": "Ga Lạng Sơn", "priority": 30},
        {"position": [106.70, 21.96], "label": "Ga Đồng Đăng", "priority": 30},
    ]
    assert len(declutter(records, VIEW_PRESETS["world"])) == 4
    assert len(declutter(records, VIEW_PRESETS["border"])) == 5


# Three gate pairs ~2 km apart on a NW–SE line (Tân Thanh, Cốc Nam, Hữu Nghị): ~15 px at zoom 9. The
# two smart-gate pairs' labels have a second line (their freight road's border markers).
CLUSTER_NAMES = ("Tân Thanh\nmốc 1088/2–1089", "Cốc Nam", "Hữu Nghị\nmốc 1119–1120")
CLUSTER = [[106.68389, 22.00306], [106.6984, 21.98586], [106.71083, 21.97111]]
STAGGER = [[12, 0], [-12, 0], [12, -10], [12, 10], [-12, -10], [-12, 10]]
CALLOUTS = [[-40, 0], [40, 0], [-30, 30], [30, 30]]
AT_ZOOM_9 = MapView(21.99, 106.70, 9.0)


def test_staggered_labels_never_sit_nearer_to_a_neighbour() -> None:
    """Without callouts the middle pair of the cluster cannot be labelled without its label sitting
    next to a neighbour's marker, where a reader takes it for that neighbour's: it is left out."""
    records = [
        {"position": pos, "label": name, "priority": priority, "offsets": STAGGER}
        for pos, name, priority in zip(CLUSTER, CLUSTER_NAMES, (50, 40, 60), strict=True)
    ]
    kept = {r["label"].split("\n")[0]: r for r in declutter(records, AT_ZOOM_9)}
    assert set(kept) == {"Tân Thanh", "Hữu Nghị"}
    assert all("offsets" not in r and "leader" not in r for r in kept.values())


def test_a_wedged_label_becomes_a_callout_with_a_leader() -> None:
    records = [
        {"position": pos, "label": name, "priority": priority, "offsets": STAGGER, "callouts": CALLOUTS}
        for pos, name, priority in zip(CLUSTER, CLUSTER_NAMES, (50, 40, 60), strict=True)
    ]
    kept = {r["label"].split("\n")[0]: r for r in declutter(records, AT_ZOOM_9, frame_px=(800.0, 560.0))}
    assert set(kept) == {"Tân Thanh", "Cốc Nam", "Hữu Nghị"}
    assert kept["Cốc Nam"]["leader"] is True
    assert kept["Cốc Nam"]["offset"] in CALLOUTS
    assert "leader" not in kept["Hữu Nghị"]


def test_a_leader_line_ends_where_its_label_starts() -> None:
    label = {"position": CLUSTER[1], "offset": [-40, 0], "leader": True}
    ((start, end),) = leader_lines([label], AT_ZOOM_9)
    assert start == CLUSTER[1]
    x0, y0 = project(*start, AT_ZOOM_9.zoom)
    x1, y1 = project(*end, AT_ZOOM_9.zoom)
    assert (x1 - x0, y1 - y0) == pytest.approx((-40, 0), abs=0.5)


# --- layers (on the embedded data) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def tables() -> loaders.Tables:
    result = loaders.load_all()
    assert result.problems == ()
    return result.tables


@pytest.fixture(scope="module")
def t_en(tables: loaders.Tables) -> Translator:
    return Translator(tables.translations, "en")


@pytest.fixture(scope="module")
def plans(tables: loaders.Tables) -> dict[str, model.ServicePlan]:
    return {sid: model.plan_service(tables, sid) for sid in model.sea_services(tables)}


@pytest.fixture(scope="module")
def all_records(
    tables: loaders.Tables, t_en: Translator, plans: dict[str, model.ServicePlan]
) -> dict[str, list[dict]]:
    """Every kind of map record the pages draw, in English."""
    services = tables.services.set_index("service_id")
    sea = []
    for sid, plan in plans.items():
        sea += layers.service_records(
            tables, plan, "en", t_en, dashed=services.loc[sid, "kind"] == "partner_lane"
        )
    return {
        "places": layers.place_records(tables, "en", t_en, kinds=layers.POINT_KINDS + layers.ZONE_KINDS),
        "zones": layers.zone_records(tables, "en", t_en),
        "sea": sea,
        "corridors": layers.corridor_records(tables, model.corridor_lines(tables), "en", t_en),
        "air": layers.air_records(tables, model.air_links(tables), "en", t_en),
    }


RECORD_KINDS = ["places", "zones", "sea", "corridors", "air"]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_tooltips_are_plain_text_with_a_source(kind: str, all_records: dict[str, list[dict]]) -> None:
    """Tooltips are text, never markup (an exported page would run it), and every one cites a source."""
    records = all_records[kind]
    assert records
    for record in records:
        tooltip = record["tooltip"]
        assert not HTML_TAG.search(tooltip), tooltip
        assert SOURCE_LINE.search(tooltip), tooltip
        assert is_nfc(tooltip)


def test_partner_lanes_are_dashed_and_scheduled_services_solid(
    tables: loaders.Tables, all_records: dict[str, list[dict]]
) -> None:
    """Line style carries status for colour-blind readers: a partner lane is not a scheduled service."""
    kinds = tables.services.set_index("service_id")["kind"]
    seen = set()
    for record in all_records["sea"]:
        kind = kinds[record["id"]]
        seen.add(kind)
        if kind == "partner_lane":
            assert record["dash"] == layers.DASHED, record["id"]
        elif record["color"] != style.SCENARIO_COLOUR:  # a great-circle fallback leg is always dashed
            assert record["dash"] == layers.SOLID, record["id"]
    assert seen == {"scheduled", "partner_lane"}


@pytest.mark.parametrize("kind", ["sea", "corridors", "air"])
def test_paths_never_jump_across_the_map(kind: str, all_records: dict[str, list[dict]]) -> None:
    """Without wrap_longitude a PathLayer draws a 180°+ step as a line across the whole world."""
    for record in all_records[kind]:
        for (x0, _), (x1, _) in zip(record["path"], record["path"][1:], strict=False):
            assert abs(x1 - x0) <= 180, record["id"]


@pytest.mark.parametrize(
    ("lower", "higher"),
    [(None, 12.0), (0.0, 12.0), (12.0, 26.0), (26.0, 52.0), (52.0, 104.0)],
    ids=["unknown", "zero", "monthly-fortnightly", "fortnightly-weekly", "weekly-twice-weekly"],
)
def test_sailings_width_grows_with_frequency(lower: float | None, higher: float) -> None:
    assert layers.sailings_width(lower) <= layers.sailings_width(higher)


@pytest.mark.parametrize("sailings", [None, 0.0, 1.0, 52.0, 365.0], ids=str)
def test_sailings_width_stays_readable(sailings: float | None) -> None:
    """3 px is still visible on a projector; more than 9 px hides what is under the line."""
    assert 3.0 <= layers.sailings_width(sailings) <= 9.0


# --- exports --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.invalid","click")', '\'=HYPERLINK("http://example.invalid","click")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("Hải Phòng", "Hải Phòng"),
        ("a=b", "a=b"),
        (-2, -2),
        (1.5, 1.5),
        (None, None),
    ],
    ids=["hyperlink", "plus", "minus", "at", "tab", "vietnamese", "equals-inside", "int", "float", "none"],
)
def test_defuse_formula(value: object, expected: object) -> None:
    """OWASP CSV injection: text that a spreadsheet would evaluate gets an apostrophe; numbers do not."""
    assert exports.defuse_formula(value) == expected


@pytest.fixture
def small_frame() -> pd.DataFrame:
    """Two rows: a Vietnamese name, a Chinese name, a formula-looking name and a negative number."""
    return pd.DataFrame(
        {"name": ["Hải Phòng", '=HYPERLINK("x")'], "name_zh": ["海防", "谅山"], "offset_m": [-2, 300]}
    )


def test_csv_bytes_has_a_bom_and_round_trips(small_frame: pd.DataFrame) -> None:
    """Excel needs the BOM to read UTF-8; Vietnamese and Chinese must come back unchanged."""
    data = exports.csv_bytes(small_frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back["name"]) == ["Hải Phòng", '\'=HYPERLINK("x")']
    assert list(back["name_zh"]) == ["海防", "谅山"]
    assert list(back["offset_m"]) == [-2, 300]


@pytest.fixture
def small_layers() -> dict[str, gpd.GeoDataFrame]:
    """A place and a line at the Hai Phong and Lạng Sơn coordinates of data/places.csv."""
    places = gpd.GeoDataFrame(
        {"id": ["hai_phong", "lang_son"], "name_vi": ["Hải Phòng", "Lạng Sơn"]},
        geometry=[Point(106.68345, 20.86481), Point(106.76101, 21.85264)],
        crs="EPSG:4326",
    )
    routes = gpd.GeoDataFrame(
        {"route_id": ["hai_phong-lang_son"], "distance_km": [110.0]},
        geometry=[LineString([(106.68345, 20.86481), (106.76101, 21.85264)])],
        crs="EPSG:4326",
    )
    return {"places": places, "routes": routes}


NOTE = "Corridor Atlas export — data as of 2025-01-01.\nSources:\n- [art000] Báo Hải Phòng"


def test_geojson_bytes_carries_the_sources_note(small_layers: dict[str, gpd.GeoDataFrame]) -> None:
    collection = json.loads(exports.geojson_bytes(small_layers["places"], NOTE).decode("utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert collection["corridor_atlas_sources"] == NOTE
    assert [f["properties"]["name_vi"] for f in collection["features"]] == ["Hải Phòng", "Lạng Sơn"]


def test_geopackage_bytes_has_places_routes_and_sources(
    small_layers: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    """The GeoPackage opens in GIS software, with the provenance as its own table."""
    path = tmp_path / "export.gpkg"
    path.write_bytes(exports.geopackage_bytes(small_layers, NOTE))
    assert sorted(name for name, _ in pyogrio.list_layers(path)) == ["places", "routes", "sources"]
    places = gpd.read_file(path, layer="places")
    assert list(places["name_vi"]) == ["Hải Phòng", "Lạng Sơn"]
    assert places.crs.to_epsg() == 4326
    sources = gpd.read_file(path, layer="sources")
    assert "\n".join(sources["note"]) == NOTE


# --- translation completeness ---------------------------------------------------------------------


def code_files() -> list[Path]:
    files = [REPO_DIR / "app.py"]
    for directory in CODE_DIRS:
        files += sorted((REPO_DIR / directory).rglob("*.py"))
    return files


def datapackage_enum(resource: str, field: str) -> list[str]:
    package = json.loads((loaders.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for res in package["resources"]:
        if res["name"] == resource:
            for spec in res["schema"]["fields"]:
                if spec["name"] == field:
                    return list(spec["constraints"]["enum"])
    raise LookupError(f"{resource}.{field} has no enum in data/datapackage.json")


def dynamic_key_values() -> dict[str, list[str]]:
    """What each f-string key prefix (t(f"status.{x}")) can be completed with."""
    statuses = {
        *datapackage_enum("places", "status"),
        *datapackage_enum("gate_pairs", "status"),
        *datapackage_enum("corridors", "status"),
        *datapackage_enum("services", "status"),
    }
    return {
        "status.": sorted(statuses),
        "kind.": datapackage_enum("places", "kind"),
        "level.": datapackage_enum("gate_pairs", "level"),
        "mode.": sorted({*datapackage_enum("corridors", "mode"), *datapackage_enum("services", "mode")}),
        "agreement.": datapackage_enum("agreements", "kind"),
        "direction.": datapackage_enum("cargo", "direction"),
        "qualifier.": [q for q in datapackage_enum("figures", "qualifier") if q != "exact"],
        "coord.": datapackage_enum("places", "coord_method"),
        "passage.": sorted(
            {*geo.SHORTHANDS, *geo.CLOSABLE_PASSAGES, "south_africa", "chili", *geo.ALWAYS_CLOSED}
        ),
        "method.": ["searoute", "refined", "great_circle_fallback"],
        "view.": [*VIEW_PRESETS, "custom"],
        "layer.": list(LAYER_FILTERS),
        "sidebar.basemap.": ["offline", "online"],
        "yours.upload.": list(UPLOAD_TABLES),
    }


@pytest.fixture(scope="module")
def translation_rows() -> pd.DataFrame:
    # keep_default_na: a translation reading "NA" or "null" is text, not a missing value.
    return pd.read_csv(loaders.DATA_DIR / "translations.csv", dtype=str, keep_default_na=False)


def used_keys() -> tuple[set[str], set[str]]:
    """Keys passed to t(…) in the code: literal ones, and the prefixes of f-string ones.

    `label_key=` (a parameter of layers.service_records, passed on to t) counts as a literal key.
    The code is parsed, not grepped, so `t("key")` in a docstring is not mistaken for a call.
    """
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name) and node.func.id == "t" and node.args:
                    key = node.args[0]
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        literal.add(key.value)
                    elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
                        prefixes.add(key.values[0].value)
                literal |= {
                    kw.value.value
                    for kw in node.keywords
                    if kw.arg == "label_key" and isinstance(kw.value, ast.Constant)
                }
            elif isinstance(node, ast.FunctionDef):
                params = node.args.kwonlyargs
                for param, default in zip(params, node.args.kw_defaults, strict=True):
                    if param.arg == "label_key" and isinstance(default, ast.Constant):
                        literal.add(default.value)
    return literal, prefixes


def test_every_literal_key_in_the_code_is_translated(translation_rows: pd.DataFrame) -> None:
    literal, _ = used_keys()
    assert len(literal) > 50, 'the key scan found suspiciously few t("…") calls'
    assert sorted(literal - set(translation_rows["key"])) == []


def test_every_dynamic_key_prefix_is_known() -> None:
    """A new t(f"prefix.{x}") needs its possible values listed in dynamic_key_values() below."""
    _, prefixes = used_keys()
    assert prefixes, 'the key scan found no t(f"…") calls'
    assert sorted(prefixes - set(dynamic_key_values())) == []


@pytest.mark.parametrize("prefix", list(dynamic_key_values()))
def test_every_dynamic_key_is_translated(prefix: str, translation_rows: pd.DataFrame) -> None:
    """Enum values from data/datapackage.json (and the code's own choices) all have a label."""
    keys = {prefix + value for value in dynamic_key_values()[prefix]}
    assert sorted(keys - set(translation_rows["key"])) == []


def test_translation_keys_are_unique(translation_rows: pd.DataFrame) -> None:
    duplicated = translation_rows.loc[translation_rows["key"].duplicated(), "key"]
    assert list(duplicated) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_is_present_and_nfc(language: str, translation_rows: pd.DataFrame) -> None:
    empty = translation_rows.loc[translation_rows[language].str.strip() == "", "key"]
    assert list(empty) == []
    decomposed = [
        k for k, v in zip(translation_rows["key"], translation_rows[language], strict=True) if not is_nfc(v)
    ]
    assert decomposed == []


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_translations_keep_the_same_fields(language: str, translation_rows: pd.DataFrame) -> None:
    """`{query}` in English but `{truy_vấn}` in Vietnamese would raise KeyError at run time."""
    field = re.compile(r"\{(\w*)\}")
    for row in translation_rows.itertuples(index=False):
        assert set(field.findall(getattr(row, language))) == set(field.findall(row.en)), row.key


def test_chinese_translations_are_chinese(translation_rows: pd.DataFrame) -> None:
    """A Chinese column copied from English would pass every other check; only pure templates such as
    "{origin} → {destination}" have no Chinese in them."""
    words = re.compile(r"[A-Za-z]{2,}")
    field = re.compile(r"\{\w*\}")
    untranslated = [
        row.key
        for row in translation_rows.itertuples(index=False)
        if words.search(field.sub("", row.en)) and not has_cjk(row.zh)
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("value", "unit", "language", "expected"),
    [
        (50, "十亿美元", "zh", "500亿美元"),
        (174.7, "十亿越南盾", "zh", "1747亿越南盾"),
        (300, "百万吨/年", "zh", "3亿吨/年"),
        (9.3, "百万标箱/年", "zh", "930万标箱/年"),
        (7000, "公顷", "zh", "7,000公顷"),
        (50, "tỷ USD", "vi", "50 tỷ USD"),
        (9.3, "million TEU per year", "en", "9.3 million TEU per year"),
    ],
    ids=["billion-usd", "billion-vnd", "million-t", "million-teu", "plain-zh", "vi", "en"],
)
def test_amounts_read_as_each_language_writes_them(value, unit, language, expected) -> None:
    """Issue 11: the Chinese page said '超过 50 十亿美元'; Chinese counts in 万 and 亿."""
    assert amount(value, unit, language) == expected
