"""Validation of a data directory against data/datapackage.json and the project's own rules.

Used by the app at start-up and by the command line (`python -m loaders.validate`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ._checks import (
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
    smart_gate_road_problems,
    status_problems,
    stop_places,
    stop_problems,
    translation_gap_problems,
)
from ._paths import resolve_data_dir
from ._problems import DataError, Problem
from ._read import RawTable, decode_csv_bytes, parse_csv_text, text_problems
from ._schema import table_schemas

_PARTIAL_DATE_COLUMNS = {
    "sources": ["published_date"],
    "places": ["status_as_of"],
    "gate_pairs": ["status_as_of"],
    "services": ["start_date", "status_as_of"],
    "agreements": ["date"],
    "figures": ["as_of"],
    "corridors": ["status_as_of"],
    "assumptions": ["as_of"],
}


# Text columns a page shows in the reader's language: given in one language, given in all three.
_TRANSLATED_TEXT = {
    "gate_pairs": ("label", "status_note", "smart_gate_note"),
    "agreements": ("title", "parties", "topic"),
    "sources": ("title", "publisher"),
}


@dataclass
class ValidationResult:
    """Tables that could be read (as raw strings) and every problem found."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_raw_table(
    path: Path, file_label: str, allow_bom: bool = False
) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV strictly; problems say why it could not be read."""
    if not path.is_file():
        return None, [
            Problem(
                file_label,
                None,
                None,
                "file is missing",
                "restore it (git checkout data/) or create it with the header row from data/README.md",
            )
        ]
    text, problems = decode_csv_bytes(file_label, path.read_bytes(), allow_bom=allow_bom)
    if text is None:
        return None, problems
    return parse_csv_text(file_label, text)


def validate_data_dir(
    data_dir: Path | str | None = None,
    *,
    geography: bool = True,
    interface: bool = True,
    today: dt.date | None = None,
) -> ValidationResult:
    """Run every check on a data directory; never raises for bad data.

    `interface=False` skips the check that translations.csv holds all the app's text: for data-only
    fixtures whose translations are a stub. The app and the command line always run it."""
    directory = resolve_data_dir(data_dir)
    result = ValidationResult()
    try:
        schemas = table_schemas()
    except DataError as error:
        return ValidationResult(problems=list(error.problems))
    usable: dict[str, RawTable] = {}
    for name, schema in schemas.items():
        table, problems = read_raw_table(directory / schema.path, schema.path)
        result.problems.extend(problems)
        if table is None:
            continue
        result.tables[name] = table
        header = header_problems(table, schema)
        result.problems.extend(header)
        if header:
            continue
        good_rows, shape = row_shape_problems(table)
        result.problems.extend(shape)
        typed = frictionless_problems(table, schema, good_rows)
        result.problems.extend(typed)
        result.problems.extend(text_problems(table))
        result.problems.extend(cell_problems(table, schema, typed))
        usable[name] = table
    result.problems.extend(_cross_table_problems(usable, directory, today or dt.date.today()))
    if interface and "translations" in usable:
        from ._interface_text import translation_problems

        result.problems.extend(translation_problems(usable["translations"]))
    basemap: list[Problem] = []
    if geography:
        from .basemap import basemap_problems

        basemap = basemap_problems()
        result.problems.extend(basemap)
    if geography and not basemap and "places" in usable and not _has_problems(result.problems, "places.csv"):
        from ._geography import place_geography_problems

        result.problems.extend(place_geography_problems(usable["places"]))
    result.problems = _unique_in_order(result.problems)
    return result


def _has_problems(problems: list[Problem], file: str) -> bool:
    return any(problem.file == file for problem in problems)


def _unique_in_order(problems: list[Problem]) -> list[Problem]:
    # Basemap problems (static/basemap/…) come after every data file's.
    order = {name: index for index, name in enumerate(s.path for s in table_schemas().values())}
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (order.get(p.file, 99), p.row or 0))


def _cross_table_problems(tables: dict[str, RawTable], directory: Path, today: dt.date) -> list[Problem]:
    """Keys between tables, id lists, sequences, dates, and which side of a border a gate is on."""
    problems: list[Problem] = []
    sources = id_set(tables.get("sources"), "source_id")
    places = id_set(tables.get("places"), "id")
    services = id_set(tables.get("services"), "service_id")
    corridors = id_set(tables.get("corridors"), "corridor_id")
    pairs = id_set(tables.get("gate_pairs"), "pair_id")
    for table in tables.values():
        problems.extend(reference_problems(table, "source_ids", sources, "sources.csv", many=True))
        problems.extend(reference_problems(table, "status_source_ids", sources, "sources.csv", many=True))
        problems.extend(status_problems(table))
    if "corridors" in tables:
        problems.extend(
            reference_problems(tables["corridors"], "length_source_ids", sources, "sources.csv", many=True)
        )
    if "gate_pairs" in tables:
        for column in ("vn_place_id", "cn_place_id"):
            problems.extend(reference_problems(tables["gate_pairs"], column, places, "places.csv"))
        if "places" in tables:
            problems.extend(_gate_side_problems(tables["gate_pairs"], tables["places"]))
        problems.extend(smart_gate_road_problems(tables["gate_pairs"]))
    if "service_stops" in tables:
        stops = tables["service_stops"]
        problems.extend(reference_problems(stops, "service_id", services, "services.csv"))
        problems.extend(reference_problems(stops, "place_id", places, "places.csv"))
        problems.extend(sequence_problems(stops, "service_id", "stop_seq", "stops"))
        problems.extend(
            stop_problems(stops, service_modes(tables.get("services")), stop_places(tables.get("places")))
        )
        if "services" in tables:
            problems.extend(
                _too_few_problems(tables["services"], "service_id", stops, "stops", "service_stops.csv")
            )
    if "cargo" in tables:
        problems.extend(reference_problems(tables["cargo"], "service_id", services, "services.csv"))
    if "agreements" in tables:
        problems.extend(
            reference_problems(tables["agreements"], "place_ids", places, "places.csv", many=True)
        )
    if "figures" in tables and None not in (places, services, pairs, corridors):
        entities = places | services | pairs | corridors
        problems.extend(
            reference_problems(
                tables["figures"],
                "entity_id",
                entities,
                "places.csv, services.csv, gate_pairs.csv or corridors.csv",
            )
        )
    if "corridor_waypoints" in tables:
        waypoints = tables["corridor_waypoints"]
        problems.extend(reference_problems(waypoints, "corridor_id", corridors, "corridors.csv"))
        problems.extend(reference_problems(waypoints, "place_id", places, "places.csv"))
        problems.extend(sequence_problems(waypoints, "corridor_id", "seq", "waypoints"))
        if "corridors" in tables:
            problems.extend(
                _too_few_problems(
                    tables["corridors"], "corridor_id", waypoints, "waypoints", "corridor_waypoints.csv"
                )
            )
    if "sources" in tables:
        problems.extend(_article_file_problems(tables["sources"], directory))
    if "assumptions" in tables:
        problems.extend(_assumption_basis_problems(tables["assumptions"]))
    for name, stems in _TRANSLATED_TEXT.items():
        if name in tables:
            required = table_schemas()[name].required_fields
            problems.extend(translation_gap_problems(tables[name], stems, required))
    for name, columns in _PARTIAL_DATE_COLUMNS.items():
        for column in columns:
            if name in tables:
                problems.extend(partial_date_problems(tables[name], column, today))
    return problems


def _gate_side_problems(pairs: RawTable, places: RawTable) -> list[Problem]:
    """The vn side of a pair must be in VN and the cn side in CN."""
    country = {row["id"]: row["country"] for _, row in column_cells(places, "id")}
    problems: list[Problem] = []
    for line, row in column_cells(pairs, "vn_place_id"):
        for column, expected in (("vn_place_id", "VN"), ("cn_place_id", "CN")):
            actual = country.get(row[column])
            if actual is not None and actual != expected:
                problems.append(
                    Problem(
                        pairs.file,
                        line,
                        column,
                        f"{row[column]!r} is in {actual}, not {expected}",
                        "swap the two sides or pick the right place",
                    )
                )
    return problems


def _too_few_problems(
    parents: RawTable, key: str, children: RawTable, what: str, child_file: str
) -> list[Problem]:
    counts: dict[str, int] = {}
    for _, row in column_cells(children, key):
        counts[row[key]] = counts.get(row[key], 0) + 1
    return [
        Problem(
            parents.file,
            line,
            key,
            f"{row[key]!r} has {counts.get(row[key], 0)} {what}; at least 2 are needed to draw it",
            f"add its {what} to {child_file}",
        )
        for line, row in column_cells(parents, key)
        if counts.get(row[key], 0) < 2
    ]


def _article_file_problems(sources: RawTable, directory: Path) -> list[Problem]:
    return [
        Problem(
            sources.file,
            line,
            "file",
            f"the article copy {row['file']!r} is missing",
            "copy the article into data/sources/ so the project stands alone",
        )
        for line, row in column_cells(sources, "file")
        if row["file"] and not (directory / row["file"]).is_file()
    ]


def _assumption_basis_problems(assumptions: RawTable) -> list[Problem]:
    """A sourced figure names its source; an assumption says why it was chosen."""
    problems: list[Problem] = []
    for line, row in column_cells(assumptions, "basis"):
        if row["basis"] == "sourced" and not row["source_ids"]:
            problems.append(
                Problem(
                    assumptions.file,
                    line,
                    "source_ids",
                    f"{row['assumption_id']!r} is marked sourced but names no source",
                    "add the source's id from sources.csv, or mark the row basis=assumption",
                )
            )
        if row["basis"] == "assumption" and not row["notes"]:
            problems.append(
                Problem(
                    assumptions.file,
                    line,
                    "notes",
                    f"{row['assumption_id']!r} is an assumption without a note",
                    "say in notes what the figure covers and why it was chosen",
                )
            )
    return problems
