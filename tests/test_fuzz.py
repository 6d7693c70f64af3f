"""Fuzzing the readers and the validator: whatever a file holds, they answer with problems, never raise.

Over 1,000 generated files per run (the max_examples below add up to 1,250): raw bytes, CSV tables
with the schema's columns and hostile or borderline cells, GeoJSON documents of any shape, uploads of
several related files (routed onto the map when accepted), and data directories for the validator.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import TEST_DATA_DIR
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from atlas import exports, overlay
from loaders import Problem, Tables, load_all, validate_data_dir
from loaders._read import parse_csv_text
from loaders._schema import table_schema, table_schemas
from loaders.uploads import (
    UPLOAD_TABLES,
    FileUpload,
    UploadResult,
    check_uploads,
    read_upload,
    table_problems,
    template_files,
)

FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}

# Values that have broken parsers elsewhere, or that the rules treat specially.
NASTY = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "1e400",
    "-0",
    "１２",
    "1_000",
    "0x1F",
    " 21.0",
    "2024-02-30",
    "9999-12-31",
    "2024-13",
    '=HYPERLINK("http://example.invalid","x")',
    "+1",
    "@SUM(A1)",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "@@=constructor",
    "@@#GL.ONE",
    "[x](javascript:alert(1))",
    "a;b;;c",
    ";",
    '"',
    '""',
    "\x00",
    "\u202eevil",
    "\r\n",
    "Ca\u0300ng",
    "x" * 1_500,
]
CURATED_IDS = ["tan_vu", "qinzhou", "kolkata", "lach_huyen", "beibu_haiphong_kolkata", "art000", "my_place"]
IDS = st.one_of(
    st.from_regex(r"[a-z0-9]{1,6}(_[a-z0-9]{1,4})?", fullmatch=True), st.sampled_from(CURATED_IDS)
)


def cells_for(field: dict) -> st.SearchStrategy[str]:
    """Mostly plausible values for a column, often nasty ones, sometimes anything at all."""
    constraints = field.get("constraints", {})
    plausible: list[st.SearchStrategy[str]] = [IDS]
    if "enum" in constraints:
        plausible.append(st.sampled_from(constraints["enum"]))
    if field["type"] in ("number", "integer"):
        plausible += [
            st.integers(-1_000, 1_000).map(str),
            st.floats(allow_nan=True, allow_infinity=True).map(repr),
            st.floats(-180, 180).map(lambda v: f"{v:.5f}"),
        ]
    if field["type"] == "boolean":
        plausible.append(st.sampled_from(["true", "false", "TRUE", "1", "yes"]))
    return st.one_of(*plausible, st.sampled_from(NASTY), st.text(max_size=30))


@st.composite
def csv_files(draw: st.DrawFn, table: str, max_rows: int = 6) -> bytes:
    """A CSV for `table`: the schema's columns, sometimes one dropped, added or repeated, in any order."""
    fields = table_schema(table).descriptor["fields"]
    names = [field["name"] for field in fields]
    header = draw(st.permutations(names))
    change = draw(st.sampled_from(["none", "none", "none", "drop", "extra", "repeat"]))
    if change == "drop":
        header = header[1:]
    elif change == "extra":
        header = [*header, draw(st.sampled_from(["colour", "", "id"]))]
    elif change == "repeat":
        header = [*header, header[0]]
    by_name = {field["name"]: field for field in fields}
    row = st.tuples(*(cells_for(by_name.get(name, fields[0])) for name in header))
    rows = draw(st.lists(row, max_size=max_rows))
    ragged = draw(st.booleans()) and bool(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for number, row in enumerate(rows):
        writer.writerow(row[:-1] if ragged and number == 0 else row)
    data = buffer.getvalue().encode()
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.sampled_from(NASTY),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=24,
)


@st.composite
def geojson_files(draw: st.DrawFn, table: str) -> bytes:
    """FeatureCollections with schema properties and odd geometries, or any JSON at all."""
    if draw(st.integers(0, 4)) == 0:
        document = draw(JSON_VALUES)
    else:
        fields = table_schema(table).descriptor["fields"]
        features = []
        for _ in range(draw(st.integers(0, 4))):
            names = draw(st.lists(st.sampled_from([f["name"] for f in fields]), unique=True))
            properties = {name: draw(st.one_of(JSON_VALUES, cells_for(fields[0]))) for name in names}
            geometry = draw(
                st.one_of(
                    st.none(),
                    st.builds(
                        lambda c: {"type": "Point", "coordinates": c},
                        st.lists(st.floats() | st.integers() | st.text(max_size=3), max_size=4),
                    ),
                    JSON_VALUES,
                )
            )
            features.append({"type": "Feature", "properties": properties, "geometry": geometry})
        document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, allow_nan=True, ensure_ascii=draw(st.booleans())).encode()


@pytest.fixture(scope="module")
def curated() -> Tables:
    result = load_all(geography=False)
    assert result.tables is not None
    return result.tables


def assert_well_formed(result: UploadResult) -> None:
    """Accepted means no problem; every problem says where and what to do."""
    assert (result.data is None) == bool(result.problems)
    for problem in result.problems:
        assert_problem(problem)


def assert_problem(problem: Problem) -> None:
    assert problem.file and problem.what and problem.action
    assert problem.row is None or problem.row >= 1
    assert " — " in str(problem)


@settings(**FUZZ, max_examples=300)
@given(data=st.binary(max_size=600) | st.text(max_size=300).map(lambda s: s.encode()))
def test_any_bytes_read_or_give_problems(data: bytes) -> None:
    for name in ("x.csv", "x.geojson", "x.txt"):
        table, problems = read_upload(FileUpload("places", name, data))
        assert (table is None) == bool(problems)
        for problem in problems:
            assert_problem(problem)


@settings(**FUZZ, max_examples=300)
@given(data=st.data())
def test_every_schema_checks_any_table_without_raising(data: st.DataObject) -> None:
    """The checks behind data/ and uploads alike, on every table of the data package."""
    name = data.draw(st.sampled_from(sorted(table_schemas())))
    text = data.draw(csv_files(name)).decode("utf-8-sig", "replace")
    table, problems = parse_csv_text(f"{name}.csv", text)
    if table is not None:
        problems = table_problems(table, table_schema(name))
    for problem in problems:
        assert_problem(problem)


@settings(**FUZZ, max_examples=200)
@given(data=st.data())
def test_related_uploads_are_accepted_whole_or_rejected_whole(data: st.DataObject, curated: Tables) -> None:
    """Several files at once, CSV or GeoJSON; accepted ones are merged and routed without raising."""
    tables = data.draw(st.lists(st.sampled_from(UPLOAD_TABLES), min_size=1, max_size=4, unique=True))
    files = []
    for table in tables:
        if data.draw(st.integers(0, 3)) == 0:
            files.append(FileUpload(table, f"{table}.geojson", data.draw(geojson_files(table))))
        else:
            files.append(FileUpload(table, f"{table}.csv", data.draw(csv_files(table, max_rows=4))))
    result = check_uploads(files, curated, geography=False)
    assert_well_formed(result)
    event(f"accepted: {result.ok}")
    if result.ok:
        merged = overlay.merge_tables(curated, result.data)
        routes, skipped = overlay.route_user_services(merged, result.data)
        assert len(routes) + len(skipped) == len(result.data.services)


TEMPLATE_ROWS = {
    table: list(csv.DictReader(io.StringIO(template_files()[f"{table}.csv"].decode("utf-8-sig"))))
    for table in UPLOAD_TABLES
}


@settings(**FUZZ, max_examples=150)
@given(data=st.data())
def test_templates_with_a_cell_changed_are_checked_and_drawn(
    data: st.DataObject, curated: Tables
) -> None:
    """The templates with one cell changed, so that many are accepted: checked with geography, then
    merged, routed and exported."""
    changed = data.draw(st.sampled_from(UPLOAD_TABLES))
    files = []
    for table in UPLOAD_TABLES:
        rows = [dict(row) for row in TEMPLATE_ROWS[table]]
        fields = {field["name"]: field for field in table_schema(table).descriptor["fields"]}
        if table == changed:
            row = data.draw(st.sampled_from(rows))
            name = data.draw(st.sampled_from(sorted(fields)))
            row[name] = data.draw(cells_for(fields[name]))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        files.append(FileUpload(table, f"{table}.csv", buffer.getvalue().encode()))
    result = check_uploads(files, curated)
    assert_well_formed(result)
    event(f"accepted: {result.ok}")
    if result.ok:
        merged = overlay.merge_tables(curated, result.data)
        routes, skipped = overlay.route_user_services(merged, result.data)
        assert len(routes) + len(skipped) == 1
        for frame in overlay.user_frames(result.data).values():
            exports.csv_bytes(frame)


@settings(**FUZZ, max_examples=250)
@given(data=st.data())
def test_geojson_of_any_shape_gives_a_table_or_problems(data: st.DataObject, curated: Tables) -> None:
    table = data.draw(st.sampled_from(UPLOAD_TABLES))
    result = check_uploads(
        [FileUpload(table, "x.geojson", data.draw(geojson_files(table)))],
        curated,
        geography=table == "places",
    )
    assert_well_formed(result)


@settings(**FUZZ, max_examples=50)
@given(data=st.data())
def test_the_data_directory_validator_survives_any_file(data: st.DataObject) -> None:
    """One file of the tiny fixture directory replaced by a generated one."""
    name = data.draw(st.sampled_from(sorted(table_schemas())))
    content = data.draw(csv_files(name) | st.binary(max_size=200))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "data"
        shutil.copytree(TEST_DATA_DIR / "minimal", directory)
        (directory / table_schema(name).path).write_bytes(content)
        result = validate_data_dir(directory, geography=data.draw(st.booleans()))
    for problem in result.problems:
        assert_problem(problem)
