"""Bring your own data: uploads are checked like data/, rejected whole, and drawn over the curated atlas."""

from __future__ import annotations

import csv
import io
import json
import time
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import replace

import pytest
from conftest import REPO_DIR

from atlas import overlay
from atlas.i18n import Translator
from loaders import Tables, load_all
from loaders._schema import table_schema
from loaders.uploads import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_PROBLEMS_SHOWN,
    MAX_ROWS,
    TEMPLATE_NAMES,
    FileUpload,
    UploadResult,
    check_uploads,
    template_files,
)

TEMPLATES = template_files()
TEMPLATE_ROWS = {
    name: list(csv.DictReader(io.StringIO(TEMPLATES[f"{name}.csv"].decode("utf-8-sig"))))
    for name in ("places", "services", "service_stops", "cargo")
}


@pytest.fixture(scope="module")
def curated() -> Tables:
    result = load_all()
    assert result.tables is not None
    return result.tables


def csv_bytes(table: str, rows: list[dict[str, str]], *, bom: bool = False) -> bytes:
    """A CSV for `table`: each row is the template's example row with some values changed."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table_schema(table).field_names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**TEMPLATE_ROWS[table][0], **row})
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def geojson_bytes(features: list[dict], **document) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features, **document}).encode()


def place_feature(coordinates: list, **properties) -> dict:
    base = {k: v for k, v in TEMPLATE_ROWS["places"][0].items() if k not in ("lat_deg", "lon_deg")}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": {**base, **properties},
    }


def check(curated: Tables, *files: tuple[str, str, bytes], geography: bool = False) -> UploadResult:
    return check_uploads([FileUpload(*file) for file in files], curated, geography=geography)


def whats(result: UploadResult) -> list[str]:
    return [f"{p.row}:{p.field}: {p.what}" for p in result.problems]


def test_templates_exist_with_the_schema_columns() -> None:
    assert set(TEMPLATE_NAMES) == {path.name for path in (REPO_DIR / "data" / "templates").iterdir()}
    for table, rows in TEMPLATE_ROWS.items():
        assert list(rows[0]) == table_schema(table).field_names


def test_the_csv_templates_load_together(curated: Tables) -> None:
    """The templates are a working example: a new place, a service calling there and at a curated port."""
    result = check(
        curated,
        *((name, f"{name}.csv", TEMPLATES[f"{name}.csv"]) for name in TEMPLATE_ROWS),
        geography=True,
    )
    assert result.problems == ()
    assert result.data.row_counts == {"places": 1, "services": 1, "service_stops": 2, "cargo": 1}
    assert str(result.data.places["lat_deg"].dtype) == "Float64"
    assert result.data.places.crs == "EPSG:4326"


def test_the_geojson_template_gives_the_same_place(curated: Tables) -> None:
    from_json = check(curated, ("places", "places.geojson", TEMPLATES["places.geojson"]), geography=True)
    from_csv = check(curated, ("places", "places.csv", TEMPLATES["places.csv"]))
    assert from_json.problems == ()
    columns = [c for c in from_csv.data.places.columns if c != "geometry"]
    assert from_json.data.places[columns].equals(from_csv.data.places[columns])


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_utf8_with_or_without_bom(curated: Tables, bom: bool) -> None:
    result = check(curated, ("places", "places.csv", csv_bytes("places", [{}], bom=bom)))
    assert result.ok
    assert result.data.places.loc[0, "name_vi"] == "Cảng ví dụ (thay dòng này)"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("gb18030", "海防港"),
        ("cp1252", "Café"),
        ("cp1258", unicodedata.normalize("NFD", "Cảng Hải Phòng")),
    ],
    ids=["gb18030", "cp1252", "cp1258"],
)
def test_other_encodings_are_refused_on_the_first_bad_line(curated: Tables, encoding: str, text: str) -> None:
    data = b"id,name_en\nmy_port,Port\nmy_other," + text.encode(encoding) + b"\n"
    result = check(curated, ("places", "places.csv", data))
    assert result.data is None
    [problem] = result.problems
    assert (problem.row, problem.what[:29]) == (3, "text is not valid UTF-8 (byte")
    assert "UTF-8" in problem.action


def test_utf16_is_named(curated: Tables) -> None:
    result = check(curated, ("places", "places.csv", "id,kind\n".encode("utf-16")))
    assert whats(result) == ["1:None: the file is UTF-16 text (Excel's 'Unicode text')"]


def test_a_file_over_the_size_limit_is_refused_before_reading(curated: Tables) -> None:
    result = check(curated, ("places", "big.csv", b"x" * (MAX_FILE_BYTES + 1)))
    assert whats(result) == ["None:None: file is 1.0 MB; at most 1 MB is accepted"]


def test_a_file_over_the_row_limit_is_refused(curated: Tables) -> None:
    rows = [{"id": f"my_place_{n}"} for n in range(MAX_ROWS + 1)]
    result = check(curated, ("places", "places.csv", csv_bytes("places", rows)))
    assert whats(result) == [f"None:None: {MAX_ROWS + 1} rows; at most {MAX_ROWS} are accepted in one upload"]


def test_an_unknown_file_type_is_refused(curated: Tables) -> None:
    result = check(curated, ("places", "places.xlsx", b"PK\x03\x04"))
    assert whats(result) == ["None:None: a .xlsx file cannot be read"]


# --- worst-case files: bounded time and bounded output ----------------------------------------
# One check of a hostile file must cost well under a second of server CPU. The budget leaves room
# for a loaded two-core CI machine; the quadratic checks this replaces took 97 s for 20,000 keys.
CHECK_BUDGET_S = 2.0
# Everything the page is sent about the problems (their text), whatever the file.
OUTPUT_BUDGET_CHARS = 64_000


def geojson_with_keys(count: int) -> bytes:
    """One place whose properties are `count` distinct keys: the worst header a GeoJSON can have."""
    properties = {f"k{n:x}": 0 for n in range(count)}
    return geojson_bytes([{"type": "Feature", "geometry": None, "properties": properties}])


def header_only_csv(size: int) -> bytes:
    """A CSV that is nothing but a header line of `size` bytes of distinct unknown columns."""
    names, total = [], 0
    while total < size:
        names.append(f"c{len(names)}")
        total += len(names[-1]) + 1
    return (",".join(names) + "\n").encode()


def every_cell_wrong_csv() -> bytes:
    """The most problems a file within the limits can hold: every cell of MAX_ROWS rows is wrong."""
    fields = table_schema("places").field_names
    line = ",".join(["x\u202e "] * len(fields))
    return ("\n".join([",".join(fields), *[line] * MAX_ROWS]) + "\n").encode()


WORST_CASES = {
    "geojson-20k-keys": ("places.geojson", geojson_with_keys(20_000)),
    "geojson-80k-keys-1mb": ("places.geojson", geojson_with_keys(80_000)),
    "csv-1mb-header-only": ("places.csv", header_only_csv(MAX_FILE_BYTES - 16)),
    "csv-every-cell-wrong": ("places.csv", every_cell_wrong_csv()),
}


@pytest.mark.parametrize(("name", "data"), WORST_CASES.values(), ids=WORST_CASES.keys())
def test_a_worst_case_file_costs_bounded_time_and_output(curated: Tables, name: str, data: bytes) -> None:
    assert len(data) <= MAX_FILE_BYTES, "the case must be within the size limit to reach the checks"
    started = time.process_time()
    result = check(curated, ("places", name, data))
    spent = time.process_time() - started
    assert not result.ok
    assert spent < CHECK_BUDGET_S, f"{spent:.1f} s of CPU for one {len(data):,}-byte upload"
    assert len(result.problems) <= MAX_PROBLEMS_SHOWN
    assert sum(len(str(problem)) for problem in result.problems) < OUTPUT_BUDGET_CHARS


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "places.geojson",
            geojson_with_keys(MAX_COLUMNS + 1),
            f"more than {MAX_COLUMNS} distinct properties",
        ),
        ("places.csv", header_only_csv(10_000), "the header has 1,852 columns"),
    ],
    ids=["geojson", "csv"],
)
def test_a_table_far_wider_than_ours_is_one_problem(
    curated: Tables, name: str, data: bytes, expected: str
) -> None:
    [problem] = check(curated, ("places", name, data)).problems
    assert problem.what.startswith(expected) and problem.row is None
    assert "start from the template" in problem.action


def test_problems_beyond_the_limit_are_counted_not_listed(curated: Tables) -> None:
    result = check(curated, ("places", "places.csv", every_cell_wrong_csv()))
    assert len(result.problems) == MAX_PROBLEMS_SHOWN
    assert result.omitted > 10_000
    assert result.problem_count == MAX_PROBLEMS_SHOWN + result.omitted
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems), "first rows first"


def test_a_long_value_is_quoted_short(curated: Tables) -> None:
    result = check(curated, ("places", "places.csv", csv_bytes("places", [{"lat_deg": "9" * 5_000}])))
    assert [p.field for p in result.problems] == ["lat_deg"]
    assert len(result.problems[0].what) < 120


def test_one_bad_row_rejects_the_whole_upload(curated: Tables) -> None:
    """Nothing is half-loaded: a good places file is dropped too when the services file has a bad row."""
    places = csv_bytes("places", [{}])
    services = csv_bytes("services", [{}, {"service_id": "my_second", "mode": "boat"}])
    stops = csv_bytes("service_stops", [{}, {"stop_seq": "2", "place_id": "qinzhou"}])
    result = check(
        curated,
        ("places", "p.csv", places),
        ("services", "s.csv", services),
        ("service_stops", "st.csv", stops),
    )
    assert result.data is None
    assert "3:mode: 'boat' is not an allowed value" in whats(result)
    assert result.problems[0].file in {"services.csv (s.csv)", "service_stops.csv (st.csv)"}


def test_every_problem_names_row_field_and_what_to_do(curated: Tables) -> None:
    rows = [{"id": "my_a", "lat_deg": "91"}, {"id": "my_b", "kind": ""}, {"id": "my_a"}]
    result = check(curated, ("places", "places.csv", csv_bytes("places", rows)))
    assert set(whats(result)) == {
        "2:lat_deg: 91 is out of range",
        "3:kind: value is missing",
        "4:id: duplicate key 'my_a' (also on row 2)",
    }
    assert all(p.file == "places.csv" and p.action for p in result.problems)


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        ("places", {"id": "tan_vu"}, "2:id: 'tan_vu' is already the id of a curated place"),
        (
            "services",
            {"service_id": "beibu_haiphong_kolkata"},
            "2:service_id: 'beibu_haiphong_kolkata' is already the id of a curated service",
        ),
    ],
    ids=["place", "service"],
)
def test_curated_ids_cannot_be_reused(curated: Tables, table: str, row: dict, expected: str) -> None:
    result = check(curated, (table, f"{table}.csv", csv_bytes(table, [row])))
    assert expected in whats(result)
    assert "new id" in next(p.action for p in result.problems if p.field in ("id", "service_id"))


def test_stops_may_call_at_curated_places_and_uploaded_ones(curated: Tables) -> None:
    stops = csv_bytes(
        "service_stops",
        [{"place_id": "my_example_port"}, {"stop_seq": "2", "place_id": "kolkata"}],
    )
    result = check(
        curated,
        ("places", "p.csv", csv_bytes("places", [{}])),
        ("services", "s.csv", csv_bytes("services", [{}])),
        ("service_stops", "st.csv", stops),
    )
    assert result.ok
    merged = overlay.merge_tables(curated, result.data)
    routes, skipped = overlay.route_user_services(merged, result.data)
    assert skipped == []
    assert [stop.place_id for stop in routes[0].plan.stops] == ["my_example_port", "kolkata"]


def test_stops_must_point_at_known_places_and_own_services(curated: Tables) -> None:
    stops = csv_bytes(
        "service_stops",
        [
            {"place_id": "nowhere"},
            {"stop_seq": "2", "place_id": "qinzhou"},
            {"service_id": "beibu_haiphong_kolkata", "stop_seq": "4", "place_id": "qinzhou"},
        ],
    )
    result = check(
        curated, ("services", "s.csv", csv_bytes("services", [{}])), ("service_stops", "st.csv", stops)
    )
    assert "2:place_id: 'nowhere' is not an id in the curated places or your places" in whats(result)
    curated_parent = "4:service_id: 'beibu_haiphong_kolkata' is a curated service"
    assert any(what.startswith(curated_parent) for what in whats(result))


def test_services_need_their_stops(curated: Tables) -> None:
    result = check(curated, ("services", "s.csv", csv_bytes("services", [{}])))
    assert whats(result) == [
        "2:service_id: 'my_example_service' has 0 stops; at least 2 are needed to draw it"
    ]


def test_cargo_may_belong_to_a_curated_service_without_reusing_its_rows(curated: Tables) -> None:
    taken = curated.cargo.iloc[0]
    free_seq = str(int(curated.cargo["seq"].max()) + 1)
    rows = [
        {"service_id": taken["service_id"], "direction": taken["direction"], "seq": free_seq},
        {"service_id": taken["service_id"], "direction": taken["direction"], "seq": str(taken["seq"])},
    ]
    result = check(curated, ("cargo", "c.csv", csv_bytes("cargo", rows)))
    assert whats(result) == [
        f"3:seq: {taken['service_id']} {taken['direction']} #{taken['seq']} is already in the curated cargo"
    ]
    assert check(curated, ("cargo", "c.csv", csv_bytes("cargo", rows[:1]))).ok


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("１２", "2:lat_deg: '１２' is not a plain number"),
        ("1_0", "2:lat_deg: '1_0' is not a plain number"),
        ("nan", "2:lat_deg: nan is out of range"),
        ("1e400", "2:lat_deg: 1e400 is out of range"),
        ("-inf", "2:lat_deg: -inf is out of range"),
    ],
    ids=["fullwidth", "underscore", "nan", "huge", "minus-inf"],
)
def test_numbers_must_be_plain_and_finite(curated: Tables, value: str, expected: str) -> None:
    result = check(curated, ("places", "p.csv", csv_bytes("places", [{"lat_deg": value}])))
    assert expected in whats(result)


@pytest.mark.parametrize("value", ["NaN", "inf", "1e999"])
def test_non_finite_numbers_are_refused_in_every_numeric_column(curated: Tables, value: str) -> None:
    stops = csv_bytes(
        "service_stops",
        [{"place_id": "qinzhou", "port_hours": value}, {"stop_seq": "2", "place_id": "kolkata"}],
    )
    result = check(
        curated, ("services", "s.csv", csv_bytes("services", [{}])), ("service_stops", "st.csv", stops)
    )
    assert [p.field for p in result.problems] == ["port_hours"]


CONTROL_TEXTS = {
    "bidi-override": "Cảng\u202eevil",
    "nul": "Port\x00",
    "escape": "Port\x1b[31m",
    "lrm": "Port\u200e",
    "rlm": "\u200fPort",
    "alm": "Port\u061c",
    "isolate": "Port\u2067x\u2069",
    "bom": "\ufeffPort",
}


@pytest.mark.parametrize("text", CONTROL_TEXTS.values(), ids=CONTROL_TEXTS.keys())
def test_control_characters_are_refused(curated: Tables, text: str) -> None:
    result = check(curated, ("places", "p.csv", csv_bytes("places", [{"name_en": text}])))
    assert any(
        w.startswith("2:name_en: value contains an invisible control character (U+") for w in whats(result)
    )


def test_joiners_that_scripts_need_are_accepted(curated: Tables) -> None:
    result = check(
        curated, ("places", "p.csv", csv_bytes("places", [{"name_en": "Port \u0915\u094d\u200d\u0937"}]))
    )
    assert result.ok, whats(result)


def test_geography_is_checked_like_the_curated_places(curated: Tables) -> None:
    swapped = {"lat_deg": "106.77421", "lon_deg": "20.83601"}
    assert not check(curated, ("places", "p.csv", csv_bytes("places", [swapped])), geography=True).ok
    inland = {"lat_deg": "21.0245", "lon_deg": "105.8412", "kind": "port"}
    result = check(curated, ("places", "p.csv", csv_bytes("places", [inland])), geography=True)
    [problem] = result.problems
    assert problem.what.startswith("a port ") and "km from the coast" in problem.what


def test_geojson_rows_are_features_and_coordinates_come_from_the_point(curated: Tables) -> None:
    features = [
        place_feature([106.77421, 20.83601]),
        place_feature([106.8, 20.8], id="my_second", lat_deg=21.5),
        place_feature([106.8, 20.8], id="my_third", colour="red"),
    ]
    result = check(curated, ("places", "p.geojson", geojson_bytes(features)))
    assert set(whats(result)) == {
        "2:lat_deg: feature 2: property lat_deg = 21.5 differs from the Point's 20.8",
    }
    result = check(curated, ("places", "p.geojson", geojson_bytes([features[0], features[2]])))
    # A property no feature should have concerns the file, not one row.
    assert whats(result) == ["None:colour: unknown column"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b'{"type": "Feature"}', "None:None: not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": {}}', "None:None: 'features' is not a list of Features"),
        (b'{"type": "FeatureCollection", "features": [NaN]}', "None:None: not valid JSON"),
        (
            b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
            "None:None: the JSON is nested more than",
        ),
        (b"[" * 100_000, "None:None: the JSON is nested more than"),
        (b'{"type": "FeatureCollection", "features": [', "1:None: not valid JSON"),
    ],
    ids=["feature", "features-object", "nan-literal", "just-too-deep", "very-deep", "truncated"],
)
def test_malformed_geojson_is_refused(curated: Tables, document: bytes, expected: str) -> None:
    result = check(curated, ("places", "p.geojson", document))
    assert result.data is None
    assert whats(result)[0].startswith(expected)


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        ({"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, "needs a Point geometry"),
        ({"type": "Point", "coordinates": ["HUGE", 20]}, "inf is out of range"),
        ({"type": "Point", "coordinates": [10**400, 20]}, "is out of range"),
        ({"type": "Point", "coordinates": ["106", "20"]}, "needs a Point geometry"),
        (None, "needs a Point geometry"),
    ],
    ids=["line", "huge-float", "huge-int", "strings", "null"],
)
def test_places_need_a_finite_point(curated: Tables, geometry: dict | None, expected: str) -> None:
    feature = {**place_feature([0, 0]), "geometry": geometry}
    # json.dumps would write 1e400 as Infinity, which is not JSON; a file can still hold 1e400.
    document = geojson_bytes([feature]).replace(b'"HUGE"', b"1e400")
    result = check(curated, ("places", "p.geojson", document))
    assert result.data is None
    assert any(expected in p.what for p in result.problems), whats(result)


def test_geojson_properties_must_be_plain_values(curated: Tables) -> None:
    feature = place_feature([106.77421, 20.83601], name_en={"nested": ["x"]})
    result = check(curated, ("places", "p.geojson", geojson_bytes([feature])))
    assert whats(result) == ["1:name_en: feature 1: value is not text or a number"]


def test_uploaded_rows_draw_with_your_data_tooltips(curated: Tables) -> None:
    result = check(
        curated,
        *(
            (name, f"{name}.csv", TEMPLATES[f"{name}.csv"])
            for name in ("places", "services", "service_stops")
        ),
    )
    merged = overlay.merge_tables(curated, result.data)
    t = Translator(merged.translations, "vi")
    dots = overlay.user_place_records(merged, result.data, "vi", t)
    assert [d["id"] for d in dots] == ["my_example_port"]
    assert dots[0]["tooltip"].splitlines()[:2] == [t("yours.tooltip_prefix"), "Cảng ví dụ (thay dòng này)"]
    routes, _ = overlay.route_user_services(merged, result.data)
    paths = overlay.user_route_records(merged, routes, "vi", t)
    assert paths and all(p["tooltip"].startswith(t("yours.tooltip_prefix")) for p in paths)
    # The user's source is listed as theirs, not as one of the atlas's.
    assert merged.sources.iloc[-1]["publisher"] == overlay.USER_PUBLISHER
    assert len(merged.places) == len(curated.places) + 1


def test_the_same_place_twice_in_a_row_is_refused(curated: Tables) -> None:
    """Two consecutive stops at the same place make no leg (it crashed the sea page): refused."""
    services = csv_bytes("services", [{"kind": "scheduled"}])
    stops = csv_bytes("service_stops", [{"place_id": "qinzhou"}, {"stop_seq": "2", "place_id": "qinzhou"}])
    result = check(curated, ("services", "s.csv", services), ("service_stops", "st.csv", stops))
    assert whats(result) == [
        "3:place_id: 'my_example_service' calls at 'qinzhou' right after 'qinzhou', at the same point: "
        "there is no leg between them"
    ]


@pytest.mark.parametrize(
    ("mode", "place", "allowed"),
    [
        ("sea", "lang_son", "port, terminal"),
        ("sea", "huu_nghi", "port, terminal"),
        ("air", "qinzhou", "airport"),
    ],
    ids=["sea-at-a-city", "sea-at-a-border-gate", "air-at-a-port"],
)
def test_a_service_calls_only_where_its_mode_can(
    curated: Tables, mode: str, place: str, allowed: str
) -> None:
    kinds = dict(zip(curated.places["id"], curated.places["kind"], strict=True))
    services = csv_bytes("services", [{"mode": mode}])
    first = "hph_airport" if mode == "air" else "tan_vu"
    stops = csv_bytes("service_stops", [{"place_id": first}, {"stop_seq": "2", "place_id": place}])
    result = check(curated, ("services", "s.csv", services), ("service_stops", "st.csv", stops))
    assert (
        f"3:place_id: {place!r} is a {kinds[place].replace('_', ' ')}; "
        f"a {mode} service calls only at: {allowed}" in whats(result)
    )


def test_a_service_that_cannot_be_routed_is_skipped_not_raised(curated: Tables) -> None:
    """Defence in depth behind the checks: a zero-length leg is reported, never a traceback."""
    services = csv_bytes("services", [{"kind": "scheduled"}])
    stops = csv_bytes("service_stops", [{"place_id": "qinzhou"}, {"stop_seq": "2", "place_id": "tan_vu"}])
    result = check(curated, ("services", "s.csv", services), ("service_stops", "st.csv", stops))
    assert result.ok, whats(result)
    stops_frame = result.data.service_stops.copy()
    stops_frame["place_id"] = "qinzhou"
    data = replace(result.data, service_stops=stops_frame)
    routes, skipped = overlay.route_user_services(overlay.merge_tables(curated, data), data)
    assert routes == [] and [s.service_id for s in skipped] == ["my_example_service"]


@pytest.fixture
def app_test() -> Iterator:
    from streamlit.testing.v1 import AppTest

    with warnings.catch_warnings():
        # AppTest leaves its temporary directory to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        app = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=120)
        app.switch_page("app_pages/your_data.py")
        yield app


def test_page_without_uploads_offers_the_templates(app_test) -> None:
    app_test.run()
    assert not app_test.exception
    assert app_test.title[0].value == "Your data on the map"
    assert [u.label for u in app_test.file_uploader] == [
        "Places (CSV or GeoJSON)",
        "Services",
        "Stops of your services",
        "Cargo",
    ]
    assert app_test.info[0].value == "No file uploaded yet."


def test_page_lists_every_problem_and_loads_nothing(app_test) -> None:
    app_test.run()
    app_test.file_uploader[0].set_value(("mine.csv", csv_bytes("places", [{"lat_deg": "nan"}]), "text/csv"))
    app_test.run()
    assert not app_test.exception
    assert app_test.error[0].value.startswith("Nothing was loaded")
    problems = app_test.dataframe[0].value
    assert list(problems.columns) == ["File", "Row", "Field", "Problem", "What to do"]
    assert problems.iloc[0].tolist()[:3] == ["places.csv (mine.csv)", 2, "lat_deg"]
    assert not app_test.get("deck_gl_json_chart")


def test_page_shows_the_first_problems_and_counts_the_rest(app_test) -> None:
    app_test.run()
    app_test.file_uploader[0].set_value(("mine.csv", every_cell_wrong_csv(), "text/csv"))
    app_test.run()
    assert not app_test.exception
    result = check_uploads([FileUpload("places", "mine.csv", every_cell_wrong_csv())], load_all().tables)
    assert app_test.error[0].value.startswith(f"Nothing was loaded: fix the {result.problem_count:,} problem")
    assert len(app_test.dataframe[0].value) == MAX_PROBLEMS_SHOWN
    assert any(f"and {result.omitted:,} more problems" in caption.value for caption in app_test.caption)


def test_a_new_session_gets_new_uploaders() -> None:
    """After a server restart the browser reconnects to a new session, which holds no file. With the
    old widget keys the browser kept showing the old file while the page said "No file uploaded yet";
    new keys make it draw empty uploaders."""
    from streamlit.testing.v1 import AppTest

    ids = []
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            app = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=120)
            app.switch_page("app_pages/your_data.py").run()
        assert not app.exception
        assert app.info[0].value == "No file uploaded yet."
        ids.append({uploader.id for uploader in app.file_uploader})
    assert len(ids[0]) == 4 and not ids[0] & ids[1]


def test_page_draws_accepted_data_over_the_curated_map(app_test) -> None:
    app_test.run()
    for uploader, name in zip(app_test.file_uploader, ("places", "services", "service_stops"), strict=False):
        uploader.set_value((f"{name}.csv", TEMPLATES[f"{name}.csv"], "text/csv"))
    app_test.run()
    assert not app_test.exception
    assert app_test.success[0].value.startswith("Loaded for this session: 1 places, 1 services, 2 stops")
    deck = json.loads(app_test.get("deck_gl_json_chart")[0].proto.json)
    ids = [layer["id"] for layer in deck["layers"]]
    assert ids[-4:] == ["curated-context", "user-routes", "places", "place-labels"]
    labels = next(layer for layer in deck["layers"] if layer["id"] == "place-labels")["data"]
    assert [label["label"] for label in labels] == ["Example port"]
    # The legend is the content's: the uploads and the faded curated context, nothing else.
    legend = " ".join(m.value for m in app_test.markdown if "atlas-legend" in m.value)
    assert "Your places (black outline) and services" in legend
    assert "Atlas data (faded)" in legend and "Port" not in legend
    app_test.button[0].click().run()
    assert app_test.info[0].value == "No file uploaded yet."


def test_an_uploaded_status_needs_its_date_and_source(curated: Tables) -> None:
    """Uploads follow the curated rule: a status says when and by which source it was confirmed."""
    places = csv_bytes("places", [{"status": "operating"}])
    services = csv_bytes("services", [{"status_as_of": "", "status_source_ids": ""}])
    result = check(curated, ("places", "p.csv", places), ("services", "s.csv", services))
    assert result.data is None
    assert set(whats(result)) >= {
        "2:status_as_of: status 'operating' has no date",
        "2:status_source_ids: status 'operating' names no source",
        "2:status_as_of: status 'illustrative' has no date",
        "2:status_source_ids: status 'illustrative' names no source",
    }
