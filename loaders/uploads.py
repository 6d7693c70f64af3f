"""Your own data for one session: places, services with their stops, and cargo, as CSV or GeoJSON.

Uploads are checked with the schema and the checks of `data/` (Frictionless types and constraints,
text, keys, dates, and the geography of places) plus a few rules for files from strangers: size and
row limits, UTF-8 only, plain ASCII numbers, no control characters, no deeply nested JSON. A problem
in any file rejects every file: nothing is half-loaded. Uploaded ids must not reuse curated ids;
stops may call at curated places and cargo may belong to curated services.

No Streamlit here: the page hands over bytes and draws the problems or the tables returned.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

import geopandas as gpd
import pandas as pd

from ._checks import (
    StopPlace,
    cell_problems,
    column_cells,
    frictionless_problems,
    header_problems,
    id_set,
    partial_date_problems,
    reference_problems,
    row_shape_problems,
    sequence_problems,
    service_modes,
    status_problems,
    stop_places,
    stop_problems,
)
from ._paths import TEMPLATES_DIR
from ._problems import DataError, Problem, quoted
from ._read import RawTable, decode_csv_bytes, parse_csv_text, text_problems
from ._schema import TableSchema, table_schema
from .bundle import Tables
from .tables import _typed

UPLOAD_TABLES: tuple[str, ...] = ("places", "services", "service_stops", "cargo")
# 1 MiB: Streamlit's uploader is given the same limit (in MB), this check is for every other caller.
MAX_FILE_BYTES = 1_048_576
# Geography checks cost ~10 ms a place and a sea leg ~16 ms to route: one upload stays within seconds.
MAX_ROWS = 500
MAX_CELL_CHARS = 1_000
# The widest table (places) has 20 columns. A header far wider is not a table of ours, and every
# extra column would be one "unknown column" problem: a 1 MB header line held 140,000 of them.
MAX_COLUMNS = 50
# Problems shown at once: enough to fix a file in a few rounds; the rest is counted ("and N more").
MAX_PROBLEMS_SHOWN = 100
# A FeatureCollection of points nests 5 deep; anything far deeper is not a table of places.
MAX_JSON_DEPTH = 16
FILE_TYPES: tuple[str, ...] = ("csv", "geojson", "json")
TEMPLATE_NAMES: tuple[str, ...] = (
    "places.csv",
    "places.geojson",
    "services.csv",
    "service_stops.csv",
    "cargo.csv",
)

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class FileUpload:
    """One uploaded file, for one of UPLOAD_TABLES."""

    table: str
    name: str
    data: bytes


@dataclass(frozen=True)
class UserData:
    """Accepted uploads, typed like the curated tables (empty frames for tables not uploaded)."""

    places: gpd.GeoDataFrame
    services: pd.DataFrame
    service_stops: pd.DataFrame
    cargo: pd.DataFrame

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in UPLOAD_TABLES}


@dataclass(frozen=True)
class UploadResult:
    """The user's data when every file is clean; otherwise the first MAX_PROBLEMS_SHOWN problems and
    how many more were found (`omitted`), and no data."""

    data: UserData | None
    problems: tuple[Problem, ...]
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.omitted


def template_files() -> dict[str, bytes]:
    """The downloadable templates (data/templates/), by file name."""
    return {name: (TEMPLATES_DIR / name).read_bytes() for name in TEMPLATE_NAMES}


def file_label(table: str, name: str) -> str:
    """How problems name an uploaded file: its own name, and the table it was uploaded as."""
    path = table_schema(table).path
    short = name if len(name) <= 80 else name[:77] + "…"
    return path if short == path else f"{path} ({short})"


def check_uploads(files: Sequence[FileUpload], curated: Tables, *, geography: bool = True) -> UploadResult:
    """Read and check every uploaded file against the schema, each other and the curated data."""
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    for upload in files:
        if upload.table not in UPLOAD_TABLES:
            raise ValueError(f"cannot upload {upload.table!r}; use one of {', '.join(UPLOAD_TABLES)}")
        if upload.table in tables:
            raise ValueError(f"two files for {upload.table!r}; upload one file per table")
        table, read = read_upload(upload)
        problems.extend(read)
        if table is None:
            continue
        schema = table_schema(upload.table)
        header = header_problems(table, schema)
        if header:
            if _is_geojson(upload.name):
                # A GeoJSON file has no header line: a missing or unknown property concerns every feature.
                header = [replace(p, row=None) for p in header]
            problems.extend(header)
            continue
        problems.extend(table_problems(table, schema))
        tables[upload.table] = table
    problems.extend(_cross_problems(tables, curated))
    if geography and "places" in tables and not _mentions(problems, tables["places"].file):
        from ._geography import place_geography_problems

        problems.extend(place_geography_problems(tables["places"]))
    # One list, file by file in the order uploaded, each file's problems by row.
    order = {file_label(f.table, f.name): index for index, f in enumerate(files)}
    problems = sorted(dict.fromkeys(problems), key=lambda p: (order.get(p.file, len(order)), p.row or 0))
    if problems:
        return _rejected(problems)
    try:
        return UploadResult(_user_data(tables), ())
    except DataError as error:
        return _rejected(error.problems)


def _rejected(problems: Sequence[Problem]) -> UploadResult:
    shown = tuple(problems[:MAX_PROBLEMS_SHOWN])
    return UploadResult(None, shown, omitted=len(problems) - len(shown))


def read_upload(upload: FileUpload) -> tuple[RawTable | None, list[Problem]]:
    """Bytes to a table of strings, or problems saying why the file cannot be read at all."""
    label = file_label(upload.table, upload.name)
    if len(upload.data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                label,
                None,
                None,
                f"file is {len(upload.data) / 1_048_576:.1f} MB; at most {MAX_FILE_BYTES / 1_048_576:g} MB "
                "is accepted",
                f"upload at most {MAX_ROWS} rows; larger datasets belong in the data "
                "directory (see README: scaling)",
            )
        ]
    suffix = _suffix(upload.name)
    if suffix not in FILE_TYPES:
        return None, [
            Problem(
                label,
                None,
                None,
                f"a .{suffix or '(no extension)'} file cannot be read",
                "upload a .csv (UTF-8) or .geojson file made from the template",
            )
        ]
    if upload.data.startswith(_UTF16_BOMS):
        return None, [
            Problem(
                label,
                1,
                None,
                "the file is UTF-16 text (Excel's 'Unicode text')",
                "save it as 'CSV UTF-8 (comma delimited)'; other encodings are refused",
            )
        ]
    text, problems = decode_csv_bytes(label, upload.data, allow_bom=True)
    if text is None:
        return None, problems
    if suffix == "csv":
        table, problems = parse_csv_text(label, text)
    else:
        table, problems = _parse_geojson(label, upload.table, text)
    if table is None:
        return None, problems
    if len(table.rows) > MAX_ROWS:
        return None, [_too_many_rows(label, len(table.rows))]
    if len(table.header) > MAX_COLUMNS:
        return None, [_too_many_columns(label, upload.table, f"the header has {len(table.header):,} columns")]
    return table, problems


def _too_many_rows(label: str, count: int) -> Problem:
    return Problem(
        label,
        None,
        None,
        f"{count:,} rows; at most {MAX_ROWS} are accepted in one upload",
        "upload fewer rows; larger datasets belong in the data directory (see README: scaling)",
    )


def _too_many_columns(label: str, table: str, what: str) -> Problem:
    expected = table_schema(table).field_names
    return Problem(
        label,
        None,
        None,
        f"{what}; the {table.replace('_', ' ')} table has {len(expected)} (at most {MAX_COLUMNS} are read)",
        f"start from the template; the columns are: {', '.join(expected)}",
    )


def table_problems(table: RawTable, schema: TableSchema) -> list[Problem]:
    """The checks of data/ on one table, plus the rules for uploads (numbers, controls, lengths)."""
    header = header_problems(table, schema)
    if header:
        return header
    good_rows, problems = row_shape_problems(table)
    typed = frictionless_problems(table, schema, good_rows)
    problems += typed + text_problems(table) + status_problems(table)
    problems += cell_problems(table, schema, typed, max_chars=MAX_CELL_CHARS)
    return problems


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _is_geojson(name: str) -> bool:
    return _suffix(name) in ("geojson", "json")


def _mentions(problems: Iterable[Problem], file: str) -> bool:
    return any(problem.file == file for problem in problems)


def _cross_problems(tables: dict[str, RawTable], curated: Tables) -> list[Problem]:
    """Curated ids not reused; stops, cargo and services that point at things that exist."""
    problems: list[Problem] = []
    curated_places = set(curated.places["id"])
    curated_services = set(curated.services["service_id"])
    places = tables.get("places")
    services = tables.get("services")
    stops = tables.get("service_stops")
    if places is not None:
        problems += _collision_problems(places, "id", curated_places, "place")
    if services is not None:
        problems += _collision_problems(services, "service_id", curated_services, "service")
        problems += partial_date_problems(services, "start_date", dt.date.today())
        problems += _stop_count_problems(services, stops)
    own_services = id_set(services, "service_id") or set()
    known_places = curated_places | (id_set(places, "id") or set())
    if stops is not None:
        problems += _curated_parent_problems(stops, curated_services)
        problems += reference_problems(
            stops, "service_id", own_services | curated_services, "your services file"
        )
        problems += reference_problems(stops, "place_id", known_places, "the curated places or your places")
        problems += sequence_problems(stops, "service_id", "stop_seq", "stops")
        problems += stop_problems(
            stops,
            {**_curated_service_modes(curated), **service_modes(services)},
            {**_curated_stop_places(curated), **stop_places(places)},
        )
    cargo = tables.get("cargo")
    if cargo is not None:
        problems += reference_problems(
            cargo, "service_id", own_services | curated_services, "the curated services or your services"
        )
        problems += _cargo_key_problems(cargo, curated.cargo)
    return problems


def _curated_service_modes(curated: Tables) -> dict[str, tuple[str, str]]:
    services = curated.services
    return dict(
        zip(services["service_id"], zip(services["mode"], services["kind"], strict=True), strict=True)
    )


def _curated_stop_places(curated: Tables) -> dict[str, StopPlace]:
    places = curated.places
    return {
        place_id: StopPlace(kind, repr(float(lon)), repr(float(lat)))
        for place_id, kind, lon, lat in zip(
            places["id"], places["kind"], places["lon_deg"], places["lat_deg"], strict=True
        )
    }


def _collision_problems(table: RawTable, column: str, curated: set[str], what: str) -> list[Problem]:
    return [
        Problem(
            table.file,
            line,
            column,
            f"{quoted(row[column])} is already the id of a curated {what}",
            f"give your {what} a new id (e.g. my_{row[column]}); to use the curated {what}, refer to "
            "its id instead of uploading it",
        )
        for line, row in column_cells(table, column)
        if row[column] in curated
    ]


def _curated_parent_problems(stops: RawTable, curated_services: set[str]) -> list[Problem]:
    return [
        Problem(
            stops.file,
            line,
            "service_id",
            f"{quoted(row['service_id'])} is a curated service; its stops cannot be changed by an upload",
            "upload your own service under a new id in the services file and give it these stops",
        )
        for line, row in column_cells(stops, "service_id")
        if row["service_id"] in curated_services
    ]


def _stop_count_problems(services: RawTable, stops: RawTable | None) -> list[Problem]:
    counts: dict[str, int] = {}
    for _, row in column_cells(stops, "service_id") if stops is not None else []:
        counts[row["service_id"]] = counts.get(row["service_id"], 0) + 1
    return [
        Problem(
            services.file,
            line,
            "service_id",
            f"{quoted(row['service_id'])} has {counts.get(row['service_id'], 0)} stops; at least 2 are "
            "needed to draw it",
            "upload its stops (in call order) in the stops file together with this file",
        )
        for line, row in column_cells(services, "service_id")
        if counts.get(row["service_id"], 0) < 2
    ]


def _cargo_key_problems(cargo: RawTable, curated: pd.DataFrame) -> list[Problem]:
    taken = set(zip(curated["service_id"], curated["direction"], curated["seq"].astype(str), strict=True))
    return [
        Problem(
            cargo.file,
            line,
            "seq",
            f"{row['service_id']} {row['direction']} #{row['seq']} is already in the curated cargo",
            "number your rows after the curated ones for that service and direction",
        )
        for line, row in column_cells(cargo, "seq")
        if (row["service_id"], row["direction"], row["seq"]) in taken
    ]


def _user_data(raw: dict[str, RawTable]) -> UserData:
    frames: dict[str, pd.DataFrame] = {}
    for name in UPLOAD_TABLES:
        schema = table_schema(name)
        rows = raw[name].rows if name in raw else []
        header = raw[name].header if name in raw else schema.field_names
        frame = pd.DataFrame(rows, columns=header, dtype="string")
        frames[name] = _typed(frame[schema.field_names], schema)
    places = frames["places"]
    points = gpd.points_from_xy(places["lon_deg"].astype(float), places["lat_deg"].astype(float))
    frames["places"] = gpd.GeoDataFrame(places, geometry=points, crs="EPSG:4326")
    return UserData(**frames)


def _parse_geojson(label: str, table: str, text: str) -> tuple[RawTable | None, list[Problem]]:
    """A FeatureCollection to a table: properties are the columns; a place's Point gives lon/lat."""
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        return None, [
            Problem(
                label,
                None,
                None,
                f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep",
                "upload a FeatureCollection of features with plain properties (see the template)",
            )
        ]
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, ValueError) as error:
        line = getattr(error, "lineno", None)
        return None, [
            Problem(label, line, None, f"not valid JSON ({error})", "export the file again as GeoJSON")
        ]
    features, problem = _features(label, document)
    if problem is not None:
        return None, [problem]
    if len(features) > MAX_ROWS:
        return None, [_too_many_rows(label, len(features))]
    return _feature_table(label, table, features)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _json_depth(text: str) -> int:
    """How deeply arrays and objects nest, counted without recursion (strings are skipped)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
        else:
            depth -= 1
    return deepest


def _features(label: str, document: object) -> tuple[list[dict[str, Any]], Problem | None]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return [], Problem(
            label,
            None,
            None,
            "not a GeoJSON FeatureCollection",
            "export a FeatureCollection (see the template)",
        )
    features = document.get("features")
    if not isinstance(features, list) or not all(
        isinstance(f, dict) and f.get("type") == "Feature" for f in features
    ):
        return [], Problem(
            label, None, None, "'features' is not a list of Features", "export the file again as GeoJSON"
        )
    return features, None


def _feature_table(
    label: str, table: str, features: list[dict[str, Any]]
) -> tuple[RawTable | None, list[Problem]]:
    """One row per feature; `lines` hold feature numbers (1-based), which problems report as rows."""
    problems: list[Problem] = []
    records: list[dict[str, str]] = []
    keys: set[str] = set()
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            problems.append(_feature_problem(label, number, None, "properties are not an object"))
            continue
        keys.update(properties)
        if len(keys) > MAX_COLUMNS:
            # Before any per-key work: 80,000 distinct keys must cost one problem, not 80,000.
            return None, [_too_many_columns(label, table, f"more than {MAX_COLUMNS} distinct properties")]
        record: dict[str, str] = {}
        for key, value in properties.items():
            cell = _cell_text(value)
            if cell is None:
                problems.append(_feature_problem(label, number, str(key), "value is not text or a number"))
            else:
                record[str(key)] = cell
        problems += _geometry_cells(label, table, number, feature.get("geometry"), record)
        records.append(record)
    if problems:
        return None, problems
    header = list(dict.fromkeys(key for record in records for key in record))
    if not header:
        header = table_schema(table).field_names
    rows = [[record.get(key, "") for key in header] for record in records]
    return RawTable(label, header, rows, list(range(1, len(rows) + 1))), []


def _feature_problem(label: str, number: int, field: str | None, what: str) -> Problem:
    return Problem(
        label, number, field, f"feature {number}: {what}", "use plain text or numbers (see the template)"
    )


def _cell_text(value: object) -> str | None:
    """A JSON property as CSV text; None for objects and lists, which a table cell cannot hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    return None


def _geometry_cells(
    label: str, table: str, number: int, geometry: object, record: dict[str, str]
) -> list[Problem]:
    """Places take lon_deg/lat_deg from a Point; other tables carry no geometry."""
    if table != "places":
        if geometry is None:
            return []
        return [
            Problem(
                label,
                number,
                None,
                f"feature {number}: a {table.replace('_', ' ')} row has no geometry",
                "set geometry to null; only places are drawn from their own coordinates",
            )
        ]
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if (
        not isinstance(geometry, dict)
        or geometry.get("type") != "Point"
        or not isinstance(coordinates, list)
        or len(coordinates) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
    ):
        return [
            Problem(
                label,
                number,
                "geometry",
                f"feature {number}: a place needs a Point geometry [longitude, latitude]",
                "give each place a Point in EPSG:4326 (WGS 84), longitude first",
            )
        ]
    lon, lat = (_cell_text(c) or "" for c in coordinates[:2])
    problems = []
    for name, value in (("lon_deg", lon), ("lat_deg", lat)):
        given = record.get(name)
        if given is not None and not _same_number(given, value):
            problems.append(
                Problem(
                    label,
                    number,
                    name,
                    f"feature {number}: property {name} = {given} differs from the Point's {value}",
                    f"remove the {name} property or make it match the geometry",
                )
            )
        record[name] = value
    return problems


def _same_number(text: str, value: str) -> bool:
    try:
        return math.isclose(float(text), float(value), abs_tol=1e-9)
    except ValueError:
        return False
