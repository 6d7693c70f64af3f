"""Presentation tours: ordered scenes kept as CSV in data/tours/, read and checked against the tables.

The app's vocabulary (its languages, map kinds and view presets) comes from the caller as a
`TourVocabulary`: loaders know data/, not the app (`python -m atlas.tour` is the command-line check).
The schema is described in data/tours/README.md.

Every caption fact must come from the curated tables: a scene lists the rows that back its caption in
`facts` (`table:id`), each of those rows must share a source with the scene's `source_ids`, and every
number in `caption_en` must appear in one of those rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

import geo

from ._checks import column_cells, row_shape_problems
from ._paths import resolve_data_dir
from ._problems import Problem
from ._read import RawTable, text_problems
from ._validation import read_raw_table
from .bundle import Tables
from .tables import split_ids

TOURS_DIRNAME = "tours"


@dataclass(frozen=True)
class TourVocabulary:
    """What the app can show: its languages, map kinds (the pages' URL paths) and view presets."""

    languages: tuple[str, ...]
    page_kinds: tuple[str, ...]
    view_presets: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (
            "scene",
            "page_kind",
            "service_id",
            "closed",
            "view",
            "highlight",
            "from_place_id",
            "to_place_id",
            *(f"title_{lang}" for lang in self.languages),
            *(f"caption_{lang}" for lang in self.languages),
            "facts",
            "source_ids",
            "notes",
        )

    @property
    def required(self) -> frozenset[str]:
        texts = {f"{stem}_{lang}" for stem in ("title", "caption") for lang in self.languages}
        return frozenset(("scene", "page_kind", "view", "facts", "source_ids", *texts))


# table name in Tables → its id column. Cargo has no single id: a fact names the service whose cargo
# list the caption quotes.
FACT_TABLES: dict[str, str] = {
    "figures": "figure_id",
    "agreements": "agreement_id",
    "services": "service_id",
    "gate_pairs": "pair_id",
    "places": "id",
    "corridors": "corridor_id",
    "cargo": "service_id",
    "sources": "source_id",
}
_TOUR_ID = re.compile(r"[a-z0-9_]{1,40}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MAX_ZOOM = 16.0


@dataclass(frozen=True)
class TourRow:
    """One validated scene, as the curator wrote it (ids and texts; nothing resolved yet)."""

    scene: int
    page_kind: str
    service_id: str | None
    closed: tuple[str, ...]
    view: str
    highlight: tuple[str, ...]
    titles: Mapping[str, str]
    captions: Mapping[str, str]
    facts: tuple[str, ...]
    source_ids: tuple[str, ...]
    origin: str | None = None
    destination: str | None = None


@dataclass(frozen=True)
class TourLoad:
    """The scenes of a tour when it is valid; otherwise every problem, and no scenes."""

    tour_id: str
    rows: tuple[TourRow, ...] | None
    problems: tuple[Problem, ...]


def tours_dir(data_dir: Path | str | None = None) -> Path:
    return resolve_data_dir(data_dir) / TOURS_DIRNAME


def tour_ids(data_dir: Path | str | None = None) -> list[str]:
    """Names of the tours on disk (file stems of data/tours/*.csv), sorted."""
    directory = tours_dir(data_dir)
    if not directory.is_dir():
        return []
    return sorted(path.stem for path in directory.glob("*.csv") if _TOUR_ID.fullmatch(path.stem))


def load_tour(
    tour_id: str, tables: Tables, vocabulary: TourVocabulary, data_dir: Path | str | None = None
) -> TourLoad:
    """Read and check one tour. `tour_id` may come from a URL: only names listed on disk are opened."""
    label = f"{TOURS_DIRNAME}/{tour_id}.csv"
    if tour_id not in tour_ids(data_dir):
        known = ", ".join(tour_ids(data_dir)) or "none"
        return TourLoad(
            tour_id,
            None,
            (Problem(label, None, None, "no such tour", f"use one of the tours in data/tours/: {known}"),),
        )
    table, problems = read_raw_table(tours_dir(data_dir) / f"{tour_id}.csv", label)
    if table is None:
        return TourLoad(tour_id, None, tuple(problems))
    problems = validate_tour_table(table, tables, vocabulary)
    if problems:
        return TourLoad(tour_id, None, tuple(problems))
    return TourLoad(tour_id, tuple(_row(cells, vocabulary) for _, cells in column_cells(table, "scene")), ())


def validate_tour_table(table: RawTable, tables: Tables, vocabulary: TourVocabulary) -> list[Problem]:
    """Every problem in a tour file: columns, numbering, kinds, ids, views, captions, facts."""
    problems = _header_problems(table, vocabulary.columns)
    if problems:
        return problems
    _, problems = row_shape_problems(table)
    problems += text_problems(table)
    known = _known_ids(tables)
    numbers: list[tuple[int, int]] = []
    for line, cells in column_cells(table, "scene"):
        problems += _required_problems(table.file, line, cells, vocabulary)
        if cells["scene"].isdigit():
            numbers.append((int(cells["scene"]), line))
        elif cells["scene"]:
            problems.append(
                Problem(
                    table.file, line, "scene", f"{cells['scene']!r} is not a scene number", "use 1, 2, 3 …"
                )
            )
        problems += _kind_problems(table.file, line, cells, tables, vocabulary.page_kinds)
        problems += _id_problems(
            table.file, line, "highlight", cells["highlight"], known["places"], "places.csv"
        )
        problems += _id_problems(
            table.file, line, "source_ids", cells["source_ids"], known["sources"], "sources.csv"
        )
        problems += _comparison_problems(table.file, line, cells, known["places"])
        if cells["view"] and not is_view(cells["view"], vocabulary.view_presets):
            problems.append(
                Problem(
                    table.file,
                    line,
                    "view",
                    f"{cells['view']!r} is not a map view",
                    f"use fit, a preset ({', '.join(vocabulary.view_presets)}) or lat,lon,zoom "
                    f"with -85 ≤ lat ≤ 85, -180 ≤ lon ≤ 180, 0 ≤ zoom ≤ {_MAX_ZOOM:g}",
                )
            )
        problems += _fact_problems(table.file, line, cells, tables)
    if numbers and sorted(n for n, _ in numbers) != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(
                table.file,
                min(line for _, line in numbers),
                "scene",
                f"scenes are numbered {[n for n, _ in numbers]}, not 1..{len(numbers)}",
                "number the rows 1, 2, 3 … in the order they are shown, with no gap",
            )
        )
    elif [n for n, _ in numbers] != sorted(n for n, _ in numbers):
        problems.append(
            Problem(
                table.file,
                numbers[0][1],
                "scene",
                "rows are not in scene order",
                "sort the rows by scene number so the file reads like the tour",
            )
        )
    return sorted(problems, key=lambda p: (p.row or 0, p.field or ""))


def is_view(value: str, presets: Sequence[str]) -> bool:
    """`fit`, a preset name, or `lat,lon,zoom` inside the map's range."""
    if value == "fit" or value in presets:
        return True
    parts = value.split(",")
    if len(parts) != 3:
        return False
    try:
        lat, lon, zoom = (float(part) for part in parts)
    except ValueError:
        return False
    return -85 <= lat <= 85 and -180 <= lon <= 180 and 0 <= zoom <= _MAX_ZOOM


def caption_numbers(text: str) -> set[Decimal]:
    """Numbers in English text: `1,800` is 1800, `9.3` is 9.3, dates give their parts."""
    found = set()
    for token in _NUMBER.findall(text):
        try:
            found.add(Decimal(token.replace(",", "")))
        except InvalidOperation:
            continue
    return found


def _header_problems(table: RawTable, columns: Sequence[str]) -> list[Problem]:
    problems = []
    for name in table.header:
        if name not in columns:
            problems.append(
                Problem(table.file, 1, name, "unknown column", f"remove it or use: {', '.join(columns)}")
            )
    for name in columns:
        if name not in table.header:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    "column is missing",
                    f"add it to the header; the columns are: {', '.join(columns)}",
                )
            )
    return problems


def _required_problems(
    file: str, line: int, cells: Mapping[str, str], vocabulary: TourVocabulary
) -> list[Problem]:
    problems = []
    for name in sorted(vocabulary.required):
        if cells[name]:
            continue
        if name.startswith(("title_", "caption_")):
            stem, lang = name.split("_")
            action = f"write the {stem} in all three languages ({', '.join(vocabulary.languages)})"
            problems.append(Problem(file, line, name, f"{stem} in {lang!r} is missing", action))
        else:
            problems.append(
                Problem(file, line, name, "value is missing", "fill it in; see data/tours/README.md")
            )
    return problems


def _kind_problems(
    file: str, line: int, cells: Mapping[str, str], tables: Tables, page_kinds: Sequence[str]
) -> list[Problem]:
    """The page kind, and the service and closures it allows."""
    kind, service_id = cells["page_kind"], cells["service_id"]
    if kind and kind not in page_kinds:
        return [
            Problem(
                file,
                line,
                "page_kind",
                f"{kind!r} is not a page kind",
                f"use one of: {', '.join(page_kinds)}",
            )
        ]
    services = tables.services.set_index("service_id")
    problems = []
    if service_id and service_id not in services.index:
        problems.append(
            Problem(
                file,
                line,
                "service_id",
                f"{service_id!r} is not an id in services.csv",
                "use an existing service_id from services.csv",
            )
        )
        return problems
    mode = services.loc[service_id, "mode"] if service_id else None
    if kind == "sea_services" and mode != "sea":
        problems.append(
            Problem(
                file,
                line,
                "service_id",
                "a sea_services scene needs a sea service",
                "name a service whose mode is sea",
            )
        )
    if kind == "border_gates" and service_id:
        problems.append(
            Problem(
                file, line, "service_id", "a border_gates scene shows no service", "leave service_id empty"
            )
        )
    if kind == "partners" and service_id and services.loc[service_id, "kind"] != "partner_lane":
        problems.append(
            Problem(
                file,
                line,
                "service_id",
                f"{service_id!r} is not a partner lane",
                "name a service whose kind is partner_lane, or use a sea_services scene",
            )
        )
    closable = (*geo.CLOSABLE_PASSAGES, *geo.SHORTHANDS)
    for name in split_ids(cells["closed"]):
        if name not in closable:
            problems.append(
                Problem(
                    file, line, "closed", f"{name!r} is not a passage", f"use some of: {', '.join(closable)}"
                )
            )
    if cells["closed"] and kind != "sea_services":
        problems.append(
            Problem(
                file,
                line,
                "closed",
                "only a sea_services scene can close passages",
                "set page_kind to sea_services with a sea service, or leave closed empty",
            )
        )
    return problems


def _comparison_problems(file: str, line: int, cells: Mapping[str, str], places: set[str]) -> list[Problem]:
    """A compare scene names two different places; any other scene names none."""
    ends = {field: cells[field] for field in ("from_place_id", "to_place_id")}
    if cells["page_kind"] != "compare":
        return [
            Problem(
                file, line, field, "only a compare scene goes from one place to another", "leave it empty"
            )
            for field, value in ends.items()
            if value
        ]
    problems = [
        Problem(file, line, field, "a compare scene needs both ends", "name a place id from places.csv")
        for field, value in ends.items()
        if not value
    ]
    problems += [
        Problem(
            file, line, field, f"{value!r} is not an id in places.csv", "use an existing id from places.csv"
        )
        for field, value in ends.items()
        if value and value not in places
    ]
    if ends["from_place_id"] and ends["from_place_id"] == ends["to_place_id"]:
        problems.append(
            Problem(file, line, "to_place_id", "a comparison goes between two places", "name another place")
        )
    return problems


def _id_problems(file: str, line: int, field: str, value: str, known: set[str], target: str) -> list[Problem]:
    return [
        Problem(file, line, field, f"{item!r} is not an id in {target}", f"use an existing id from {target}")
        for item in split_ids(value)
        if item not in known
    ]


def _fact_problems(file: str, line: int, cells: Mapping[str, str], tables: Tables) -> list[Problem]:
    """Each fact exists and is backed by a cited source; every number in caption_en is in a fact."""
    problems = []
    cited = set(split_ids(cells["source_ids"]))
    fact_rows: list[pd.DataFrame] = []
    for fact in split_ids(cells["facts"]):
        table_name, _, row_id = fact.partition(":")
        if table_name not in FACT_TABLES or not row_id:
            problems.append(
                Problem(
                    file,
                    line,
                    "facts",
                    f"{fact!r} is not a fact reference",
                    f"write table:id with table one of: {', '.join(FACT_TABLES)}",
                )
            )
            continue
        frame: pd.DataFrame = getattr(tables, table_name)
        rows = frame.loc[frame[FACT_TABLES[table_name]] == row_id]
        if rows.empty:
            problems.append(
                Problem(
                    file,
                    line,
                    "facts",
                    f"{row_id!r} is not an id in {table_name}.csv",
                    f"use an existing {FACT_TABLES[table_name]} from {table_name}.csv",
                )
            )
            continue
        fact_rows.append(rows)
        sources = (
            {row_id}
            if table_name == "sources"
            else {sid for value in rows["source_ids"] for sid in split_ids(value)}
        )
        if cited and not sources & cited:
            problems.append(
                Problem(
                    file,
                    line,
                    "source_ids",
                    f"no cited source backs {fact} (its sources: {', '.join(sorted(sources))})",
                    "add one of its sources to source_ids",
                )
            )
    if fact_rows and not problems:
        in_facts = set().union(*(_frame_numbers(rows) for rows in fact_rows))
        missing = sorted(caption_numbers(cells["caption_en"]) - in_facts)
        if missing:
            problems.append(
                Problem(
                    file,
                    line,
                    "caption_en",
                    f"the caption says {', '.join(str(n) for n in missing)}, which no listed fact contains",
                    "add the table:id that gives it to facts, or correct the caption",
                )
            )
    return problems


def _frame_numbers(rows: pd.DataFrame) -> set[Decimal]:
    numbers: set[Decimal] = set()
    for value in rows.to_numpy().ravel():
        if value is None or value is pd.NA or value is pd.NaT:
            continue
        if isinstance(value, pd.Timestamp):
            value = value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        numbers |= caption_numbers(str(value))
    return numbers


def _known_ids(tables: Tables) -> dict[str, set[str]]:
    return {"places": set(tables.places["id"]), "sources": set(tables.sources["source_id"])}


def _row(cells: Mapping[str, str], vocabulary: TourVocabulary) -> TourRow:
    return TourRow(
        scene=int(cells["scene"]),
        page_kind=cells["page_kind"],
        service_id=cells["service_id"] or None,
        closed=tuple(split_ids(cells["closed"])),
        view=cells["view"],
        highlight=tuple(split_ids(cells["highlight"])),
        titles={lang: cells[f"title_{lang}"] for lang in vocabulary.languages},
        captions={lang: cells[f"caption_{lang}"] for lang in vocabulary.languages},
        facts=tuple(split_ids(cells["facts"])),
        source_ids=tuple(split_ids(cells["source_ids"])),
        origin=cells["from_place_id"] or None,
        destination=cells["to_place_id"] or None,
    )
