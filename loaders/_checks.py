"""Table checks: header, types and constraints (Frictionless), then keys across tables."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from frictionless import Resource, Schema

from ._problems import Problem, quoted, shortened
from ._read import RawTable
from ._schema import TableSchema

_TYPE_HINTS = {
    "number": "a number with a dot as decimal separator, e.g. 21.0245",
    "integer": "a whole number, e.g. 500",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
}

_PATTERN_HINTS = {
    "^[a-z0-9]+(__?[a-z0-9]+)*$": "use lowercase letters, digits and single underscores, e.g. lach_huyen",
    "^[a-z0-9_]+(;[a-z0-9_]+)*$": "list ids separated by ';' with no spaces, e.g. art000;ref_unlocode",
    "^[A-Z]{2}$": "use the two-letter ISO 3166-1 code, e.g. VN",
    "^[A-Z]{2}[A-Z2-9]{3}$": "use the five-character UN/LOCODE, e.g. VNHPH",
    "^[A-Z]{3}$": "use the three-letter IATA code, e.g. HPH",
    "^[0-9]{2}$": "use a two-digit HS chapter, e.g. 09",
    "^[0-9]+(/[0-9]+)?–[0-9]+(/[0-9]+)?$": "write the two border markers with an en dash, e.g. 1119–1120",
}


# One rule for curated data and uploads. Refused: C0 and C1 controls (tab and line breaks are allowed
# in free text), NUL among them, the byte-order mark, and every text-direction control, which can
# make a name display differently from what it is: LRM, RLM and ALM (U+200E, U+200F, U+061C), the
# embeddings and overrides (U+202A-U+202E) and the isolates (U+2066-U+2069). Joiners (U+200C, U+200D)
# stay: some scripts need them.
# The languages every translated text column comes in (the app's languages).
TEXT_LANGUAGES: tuple[str, ...] = ("en", "vi", "zh")
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", re.ASCII)
_PLAIN_INTEGER = re.compile(r"[-+]?\d+", re.ASCII)


def header_problems(table: RawTable, schema: TableSchema) -> list[Problem]:
    """Missing, unknown or repeated columns. Column order does not matter."""
    problems: list[Problem] = []
    expected = schema.field_names
    seen: set[str] = set()
    for name in table.header:
        if name in seen:
            problems.append(
                Problem(table.file, 1, name, "column appears twice", "delete one of the two columns")
            )
        elif name not in expected:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    "unknown column",
                    f"remove it or rename it to one of: {', '.join(expected)}",
                )
            )
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    "column is missing",
                    "add it to the header (it may be left empty where not required); "
                    f"the columns are: {', '.join(expected)}",
                )
            )
    return problems


def row_shape_problems(table: RawTable) -> tuple[list[int], list[Problem]]:
    """Indexes of rows with the right number of cells, and problems for the others."""
    good: list[int] = []
    problems: list[Problem] = []
    width = len(table.header)
    for index, (row, line) in enumerate(zip(table.rows, table.lines, strict=True)):
        if not any(cell.strip() for cell in row):
            problems.append(Problem(table.file, line, None, "blank row", "delete the row"))
        elif len(row) > width:
            problems.append(
                Problem(
                    table.file,
                    line,
                    None,
                    f"row has {len(row)} cells but the header has {width}",
                    "a value containing a comma must be wrapped in double quotes",
                )
            )
        elif len(row) < width:
            problems.append(
                Problem(
                    table.file,
                    line,
                    None,
                    f"row has {len(row)} cells but the header has {width}",
                    "add the missing cells; an empty value still needs its comma",
                )
            )
        else:
            good.append(index)
    return good, problems


def frictionless_problems(table: RawTable, schema: TableSchema, good_rows: list[int]) -> list[Problem]:
    """Types, required, enums, patterns, ranges, uniqueness and primary key, via Frictionless."""
    order = [table.header.index(name) for name in schema.field_names]
    data = [schema.field_names] + [[table.rows[i][j] for j in order] for i in good_rows]
    # Keys between tables are checked by the project (they include ';' id lists Frictionless cannot see).
    descriptor = {key: value for key, value in schema.descriptor.items() if key != "foreignKeys"}
    # Imported on first use: Frictionless takes ~0.7 s to import, and a process whose validation comes
    # from the disk cache (loaders/cache.py) never needs it.

    resource = Resource(data=data, schema=Schema.from_descriptor(descriptor))
    report = resource.validate()
    problems: list[Problem] = []
    for error in report.tasks[0].errors:
        row_number = getattr(error, "row_number", None)
        line = table.lines[good_rows[row_number - 2]] if row_number else None
        lines = [table.lines[i] for i in good_rows]
        problems.extend(_translate(table.file, line, error, schema, data, row_number, lines))
    return problems


def _translate(
    file: str, line: int | None, error, schema: TableSchema, data, row_number, lines: list[int]
) -> list[Problem]:
    """Turn one Frictionless error into a problem with advice."""
    field_name = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", "")
    if error.type == "type-error":
        field_type = schema.field(field_name)["type"]
        hint = _TYPE_HINTS.get(field_type, f"a value of type {field_type}")
        return [
            Problem(
                file,
                line,
                field_name,
                f"{quoted(cell)} is not {_article(field_type)} {field_type}",
                f"write {hint}",
            )
        ]
    if error.type == "constraint-error":
        return [_constraint_problem(file, line, field_name, cell, schema.field(field_name))]
    if error.type in ("unique-error", "primary-key"):
        if error.type == "primary-key" and isinstance(schema.descriptor.get("primaryKey"), str):
            return []  # a one-column key is already reported as a unique-error on that column
        key = schema.descriptor.get("primaryKey")
        columns = key if isinstance(key, list) else [field_name or key]
        values = ", ".join(repr(data[row_number - 1][schema.field_names.index(c)]) for c in columns)
        return [
            Problem(
                file,
                line,
                field_name or "+".join(columns),
                f"duplicate key {values}{_also_on(error.note, lines)}",
                f"each row needs its own {' + '.join(columns)}",
            )
        ]
    return [Problem(file, line, field_name, error.note or error.type, "correct the row")]


def _also_on(note: str, lines: list[int]) -> str:
    """' (also on row 2)' from Frictionless's 'the same as in the row at position N' (header = 1)."""
    match = re.search(r"position (\d+)", note or "")
    index = int(match.group(1)) - 2 if match else -1
    return f" (also on row {lines[index]})" if 0 <= index < len(lines) else ""


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _constraint_problem(file: str, line: int | None, name: str, cell: str, field: dict) -> Problem:
    constraints = field.get("constraints", {})
    if cell == "" and constraints.get("required"):
        return Problem(
            file, line, name, "value is missing", f"fill in {name}: {field.get('description', '')}"
        )
    if "enum" in constraints and cell not in constraints["enum"]:
        return Problem(
            file,
            line,
            name,
            f"{quoted(cell)} is not an allowed value",
            f"use one of: {', '.join(constraints['enum'])}",
        )
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        hint = _PATTERN_HINTS.get(pattern)
        if hint is None and "[0-9]{4}" in pattern:
            hint = "write the date as YYYY, YYYY-MM or YYYY-MM-DD"
        return Problem(
            file, line, name, f"{quoted(cell)} is not in the expected form", hint or f"match {pattern}"
        )
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None or high is not None:
        bounds = f"{_bound(low)}..{_bound(high)}"
        advice = f"use a value in {bounds}"
        if name in ("lat_deg", "lon_deg"):
            advice += "; if latitude and longitude are swapped, exchange the two columns"
        return Problem(file, line, name, f"{shortened(cell)} is out of range", advice)
    return Problem(file, line, name, f"{quoted(cell)} breaks a constraint", "correct the value")


def _bound(value: float | None) -> str:
    """A range end as people write it: 1,000,000 rather than 1000000.0."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def id_set(table: RawTable | None, column: str) -> set[str] | None:
    """Values of a column, or None when the table could not be read."""
    if table is None or column not in table.header:
        return None
    index = table.header.index(column)
    # Malformed rows still name their id in the usual place; counting them avoids a cascade of
    # "not an id" problems caused by one unquoted comma.
    return {row[index] for row in table.rows if len(row) > index}


def column_cells(table: RawTable, column: str) -> Iterable[tuple[int, dict[str, str]]]:
    """(line, row-as-dict) for every well-shaped row that has the column."""
    if column not in table.header:
        return []
    return (
        (line, dict(zip(table.header, row, strict=True)))
        for row, line in zip(table.rows, table.lines, strict=True)
        if len(row) == len(table.header)
    )


def reference_problems(
    table: RawTable, column: str, known: set[str] | None, target: str, many: bool = False
) -> list[Problem]:
    """Ids in `column` (one, or a ';' list) that do not exist in the target table."""
    if known is None:
        return []
    problems: list[Problem] = []
    for line, row in column_cells(table, column):
        values = [v for v in row[column].split(";")] if many else [row[column]]
        for value in values:
            if value and value not in known:
                problems.append(
                    Problem(
                        table.file,
                        line,
                        column,
                        f"{quoted(value)} is not an id in {target}",
                        f"use an existing id from {target} or add that row there first",
                    )
                )
    return problems


def partial_date_problems(table: RawTable, column: str, today: dt.date) -> list[Problem]:
    """Partial ISO dates that do not exist (2024-02-30) or lie in the future."""
    problems: list[Problem] = []
    for line, row in column_cells(table, column):
        value = row[column]
        parsed = parse_partial_date(value)
        if value and parsed is None and _looks_like_partial_date(value):
            problems.append(
                Problem(
                    table.file,
                    line,
                    column,
                    f"{quoted(value)} is not a real calendar date",
                    "check the day and month",
                )
            )
        elif parsed is not None and parsed > today:
            problems.append(
                Problem(
                    table.file,
                    line,
                    column,
                    f"{value} is in the future",
                    "check the year; the data records what has happened or was announced",
                )
            )
    return problems


def _looks_like_partial_date(value: str) -> bool:
    parts = value.split("-")
    return 1 <= len(parts) <= 3 and all(part.isdigit() for part in parts) and len(parts[0]) == 4


def parse_partial_date(value: str) -> dt.date | None:
    """The first day a partial ISO date can mean (2024 → 2024-01-01), or None."""
    if not _looks_like_partial_date(value):
        return None
    parts = [int(part) for part in value.split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def sequence_problems(table: RawTable, group: str, seq: str, what: str) -> list[Problem]:
    """Each group's sequence must run 1, 2, 3 … with no gap."""
    by_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for line, row in column_cells(table, seq):
        if row[seq].isdigit():
            by_group[row[group]].append((int(row[seq]), line))
    problems: list[Problem] = []
    for key, entries in by_group.items():
        numbers = sorted(number for number, _ in entries)
        if numbers != list(range(1, len(numbers) + 1)):
            line = min(line for _, line in entries)
            problems.append(
                Problem(
                    table.file,
                    line,
                    seq,
                    f"{what} of {quoted(key)} are numbered {numbers}, not 1..{len(numbers)}",
                    "number them 1, 2, 3 … in order with no gap",
                )
            )
    return problems


def status_problems(table: RawTable) -> list[Problem]:
    """A status must say when a source confirmed it (status_as_of) and which source (status_source_ids)."""
    if "status" not in table.header or "status_as_of" not in table.header:
        return []
    problems: list[Problem] = []
    for line, row in column_cells(table, "status"):
        status = row["status"]
        if not status:
            continue
        if not row["status_as_of"]:
            problems.append(
                Problem(
                    table.file,
                    line,
                    "status_as_of",
                    f"status {status!r} has no date",
                    "fill in status_as_of with the date on which a source confirms it "
                    "(YYYY, YYYY-MM or YYYY-MM-DD)",
                )
            )
        if "status_source_ids" in row and not row["status_source_ids"]:
            problems.append(
                Problem(
                    table.file,
                    line,
                    "status_source_ids",
                    f"status {status!r} names no source",
                    "list the ids from sources.csv that confirm it, separated by ';'",
                )
            )
    return problems


def translation_gap_problems(
    table: RawTable, stems: Sequence[str], required: Iterable[str] = ()
) -> list[Problem]:
    """A text given in one language is given in all three (`<stem>_en`, `_vi`, `_zh`): a page in any
    language must never fall back to another language's text. Columns in `required` are skipped (the
    schema already reports them empty)."""
    skip = set(required)
    problems: list[Problem] = []
    for stem in stems:
        columns = [f"{stem}_{code}" for code in TEXT_LANGUAGES]
        if not all(column in table.header for column in columns):
            continue
        for line, row in column_cells(table, columns[0]):
            given = [column for column in columns if row[column].strip()]
            for column in columns:
                if given and column not in given and column not in skip:
                    problems.append(
                        Problem(
                            table.file,
                            line,
                            column,
                            f"{stem} is given in {', '.join(given)} but not in {column}",
                            f"translate it into {column}, or leave every {stem}_* column empty",
                        )
                    )
    return problems


def smart_gate_road_problems(pairs: RawTable) -> list[Problem]:
    """A smart-gate pilot pair names its freight road's border markers; another pair names none."""
    if "smart_gate_road_markers" not in pairs.header or "smart_gate_pilot" not in pairs.header:
        return []
    problems: list[Problem] = []
    for line, row in column_cells(pairs, "smart_gate_pilot"):
        pilot = row["smart_gate_pilot"].strip().lower() == "true"
        markers = row["smart_gate_road_markers"].strip()
        if pilot and not markers:
            problems.append(
                Problem(
                    pairs.file,
                    line,
                    "smart_gate_road_markers",
                    "a smart-gate pilot pair names no freight road",
                    "give the border markers of its dedicated freight road as the source writes them "
                    "(e.g. 1119–1120)",
                )
            )
        elif markers and not pilot:
            problems.append(
                Problem(
                    pairs.file,
                    line,
                    "smart_gate_road_markers",
                    f"freight road {markers!r} is given for a pair outside the smart-gate pilot",
                    "set smart_gate_pilot to true, or empty smart_gate_road_markers",
                )
            )
    return problems


def cell_problems(
    table: RawTable, schema: TableSchema, reported: Iterable[Problem] = (), max_chars: int | None = None
) -> list[Problem]:
    """Invisible control characters; numbers not written as plain finite ASCII (Frictionless reads
    "Infinity", "1e400" and "NaN" as numbers, which the pages then print or divide by); and, with
    `max_chars`, cells longer than that. A cell already in `reported` (row and field) is skipped."""
    types = {field["name"]: field["type"] for field in schema.descriptor["fields"]}
    seen = {(problem.row, problem.field) for problem in reported}
    problems: list[Problem] = []
    for line, row in column_cells(table, schema.field_names[0]):
        for name, cell in row.items():
            if (line, name) in seen:
                continue
            control = CONTROL_CHARACTERS.search(cell)
            if control:
                problems.append(
                    Problem(
                        table.file,
                        line,
                        name,
                        f"value contains an invisible control character (U+{ord(control.group()):04X})",
                        "re-type the value; control and text-direction characters are refused",
                    )
                )
            if max_chars is not None and len(cell) > max_chars:
                problems.append(
                    Problem(
                        table.file,
                        line,
                        name,
                        f"value is {len(cell):,} characters long",
                        f"shorten it to at most {max_chars:,} characters",
                    )
                )
            if cell and not plain_number(cell, types.get(name)):
                problems.append(
                    Problem(
                        table.file,
                        line,
                        name,
                        f"{quoted(cell)} is not a plain {types[name]}",
                        "write digits 0-9 with a dot as decimal separator, e.g. 21.0245",
                    )
                )
    return problems


def plain_number(cell: str, field_type: str | None) -> bool:
    """True unless a numeric cell uses anything but ASCII digits, or is not finite."""
    if field_type == "integer":
        return _PLAIN_INTEGER.fullmatch(cell) is not None
    if field_type == "number":
        return _PLAIN_NUMBER.fullmatch(cell) is not None and math.isfinite(float(cell))
    return True


# Where a service of each mode may call. A sea stop at a city or a border gate is routed inland.
STOP_KINDS: dict[str, frozenset[str]] = {
    "sea": frozenset({"port", "terminal"}),
    "air": frozenset({"airport"}),
}


@dataclass(frozen=True)
class StopPlace:
    """What the stop rules need to know about a place."""

    kind: str
    lon: str
    lat: str


def stop_problems(
    stops: RawTable, services: dict[str, tuple[str, str]], places: dict[str, StopPlace]
) -> list[Problem]:
    """Stops a service cannot make: at a place its mode cannot call at (sea: ports and terminals;
    air: airports), or at the same place (or point) as the call before, which is no leg to route;
    a scheduled service returns from its last call to its first, so those two must differ too.

    `services` maps service_id to (mode, kind); unknown services and places are reported elsewhere."""
    by_service: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    problems: list[Problem] = []
    for line, row in column_cells(stops, "place_id"):
        service, place = services.get(row["service_id"]), places.get(row["place_id"])
        if service is None or place is None:
            continue
        allowed = STOP_KINDS.get(service[0])
        if allowed is not None and place.kind not in allowed:
            problems.append(
                Problem(
                    stops.file,
                    line,
                    "place_id",
                    f"{quoted(row['place_id'])} is a {place.kind.replace('_', ' ')}; a {service[0]} service "
                    f"calls only at: {', '.join(sorted(allowed))}",
                    "pick the port, terminal or airport the service calls at",
                )
            )
        if row["stop_seq"].isdigit():
            by_service[row["service_id"]].append((int(row["stop_seq"]), line, row["place_id"]))
    for service_id, calls in by_service.items():
        calls.sort()
        pairs = list(itertools.pairwise(calls))
        if services[service_id][1] == "scheduled" and len(calls) > 2:
            pairs.append((calls[-1], calls[0]))
        for (_, _, before), (_, line, after) in pairs:
            if _same_point(places[before], places[after]):
                problems.append(
                    Problem(
                        stops.file,
                        line,
                        "place_id",
                        f"{service_id!r} calls at {quoted(after)} right after {quoted(before)}, at the same "
                        "point: there is no leg between them",
                        "remove the repeated call (a scheduled service returns to its first call by itself)",
                    )
                )
    return problems


def _same_point(a: StopPlace, b: StopPlace) -> bool:
    try:
        return math.isclose(float(a.lon), float(b.lon), abs_tol=1e-9) and math.isclose(
            float(a.lat), float(b.lat), abs_tol=1e-9
        )
    except ValueError:
        return False


def stop_places(table: RawTable | None) -> dict[str, StopPlace]:
    """id → StopPlace for the rows of a places table."""
    if table is None:
        return {}
    return {
        row["id"]: StopPlace(row["kind"], row["lon_deg"], row["lat_deg"])
        for _, row in column_cells(table, "id")
        if {"kind", "lon_deg", "lat_deg"} <= row.keys()
    }


def service_modes(table: RawTable | None) -> dict[str, tuple[str, str]]:
    """service_id → (mode, kind) for the rows of a services table."""
    if table is None:
        return {}
    return {
        row["service_id"]: (row["mode"], row["kind"])
        for _, row in column_cells(table, "service_id")
        if {"mode", "kind"} <= row.keys()
    }
