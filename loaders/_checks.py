"""Table checks: header, types and constraints (Frictionless), then keys across tables."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from ._problems import Problem
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
}


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
    from frictionless import Resource, Schema

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
                f"{cell!r} is not {_article(field_type)} {field_type}",
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
            f"{cell!r} is not an allowed value",
            f"use one of: {', '.join(constraints['enum'])}",
        )
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        hint = _PATTERN_HINTS.get(pattern)
        if hint is None and "[0-9]{4}" in pattern:
            hint = "write the date as YYYY, YYYY-MM or YYYY-MM-DD"
        return Problem(file, line, name, f"{cell!r} is not in the expected form", hint or f"match {pattern}")
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None or high is not None:
        bounds = f"{'' if low is None else low}..{'' if high is None else high}"
        advice = f"use a value in {bounds}"
        if name in ("lat_deg", "lon_deg"):
            advice += "; if latitude and longitude are swapped, exchange the two columns"
        return Problem(file, line, name, f"{cell} is out of range", advice)
    return Problem(file, line, name, f"{cell!r} breaks a constraint", "correct the value")


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
                        f"{value!r} is not an id in {target}",
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
                    f"{value!r} is not a real calendar date",
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
                    f"{what} of {key!r} are numbered {numbers}, not 1..{len(numbers)}",
                    "number them 1, 2, 3 … in order with no gap",
                )
            )
    return problems
