"""Door-to-door comparison of corridors: time, distance and CO₂e by sea, road, rail and air.

Pure and typed, no Streamlit: tables in, options out. Every figure comes from the data (places,
services, gate pairs, corridors) or from ``assumptions.csv`` (speeds, dwell, border time, TEU weight,
CO₂e factors), and each leg names the assumption ids and sources it used. A caller can override any
assumption by id.

Method (ISO 14083 / GLEC Framework): CO₂e = activity × intensity factor, well-to-wheel. Road, rail and
air use tonne-km × (tank-to-wheel + well-to-tank); sea uses TEU-km × a well-to-wheel factor. Time is
line haul at a stated speed, waiting for the next departure (a shipment that arrives at random waits
half the headway on average), terminal dwell and border crossing. Results are estimates for
comparison, not quotes.

    python -m atlas.compare nanning hai_phong [--teu 1 | --tonnes 10] [--json] [--set road_speed_kmh=40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import itertools
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

import geo
from loaders import Tables, split_ids

from . import style
from .i18n import localized, place_label

COMPONENTS = ("line_haul", "wait", "dwell", "border")
MODES = ("sea", "road", "rail", "air")
HOURS_PER_WEEK = 168.0
# Staying aboard round most of a rotation (Tân Vũ → Kolkata → Qinzhou for Hai Phong → Qinzhou) is no
# one's choice: through other calls, a sea option is offered only if it sails less than this many
# times the direct sea route between the two ports.
MAX_ROTATION_DETOUR = 1.5
# Choosing a route, a straight-line guess counts double against a curated corridor, so a leg leaves
# the corridors only where the straight line is less than half as long. Distances reported are unweighted.
ESTIMATE_WEIGHT = 2.0

BASES = ("corridor", "published_length", "straight_line_estimate", "sea_route", "great_circle")
"""How a leg's distance was obtained."""

# Translation keys (data/translations.csv) of the values the page shows, spelled out so that a test
# can check that each one exists.
TEXT_KEYS: dict[str, dict[str, str]] = {
    "unit": {"teu": "compare.unit.teu", "tonnes": "compare.unit.tonnes"},
    "component": {c: "compare.component." + c for c in COMPONENTS},
    "basis": {b: "compare.basis." + b for b in (*BASES, "sourced", "assumption")},
    "vessel": {"at_sea": "compare.vessel.at_sea", "in_port": "compare.vessel.in_port"},
}

PRESETS: tuple[tuple[str, str], ...] = (
    ("nanning", "hai_phong"),
    ("nanning", "hanoi"),
    ("qinzhou", "hai_phong"),
    ("pingxiang", "hai_phong"),
    ("qinzhou", "kolkata"),
)
"""The comparisons the source articles imply (origin place id, destination place id)."""

# Okabe–Ito colours in a fixed order, so an option keeps its colour between the map and the charts.
OPTION_COLOURS: tuple[style.Rgba, ...] = (
    style.BLUE,
    style.VERMILLION,
    style.GREEN,
    style.ORANGE,
    style.SKY,
    style.PURPLE,
    style.BLACK,
)


def tonne_km_co2e_kg(tonnes: float, km: float, kg_per_unit_km: float) -> float:
    """CO₂e of moving ``tonnes`` (or TEU) over ``km`` at an intensity in kg CO₂e per t-km (or TEU-km)."""
    return tonnes * km * kg_per_unit_km


class CompareError(ValueError):
    """Bad input to the comparison (unknown place, bad consignment or override), said plainly."""


@dataclass(frozen=True)
class Assumption:
    assumption_id: str
    mode: str
    parameter: str
    value: float
    unit: str
    basis: str
    source_ids: tuple[str, ...]
    as_of: str
    notes: str
    overridden: bool = False


def _assumption_rows(table: pd.DataFrame) -> dict[str, Assumption]:
    return {
        row.assumption_id: Assumption(
            row.assumption_id,
            row.mode,
            row.parameter,
            float(row.value),
            row.unit,
            row.basis,
            tuple(split_ids(row.source_ids)),
            "" if pd.isna(row.as_of) else str(row.as_of),
            "" if pd.isna(row.notes) else str(row.notes),
        )
        for row in table.itertuples(index=False)
    }


class Assumptions:
    """The defaults from assumptions.csv with the caller's overrides applied (id → value)."""

    def __init__(
        self, table: pd.DataFrame | Mapping[str, Assumption], overrides: Mapping[str, float] | None = None
    ) -> None:
        rows = dict(table) if isinstance(table, Mapping) else _assumption_rows(table)
        for key, value in (overrides or {}).items():
            if key not in rows:
                raise CompareError(
                    f"unknown assumption {key!r}; known assumptions: {', '.join(sorted(rows))}"
                )
            number = float(value)
            if not math.isfinite(number) or number < 0:
                raise CompareError(f"assumption {key!r} must be a number >= 0, not {value!r}")
            if number == rows[key].value:
                continue
            original = rows[key]
            rows[key] = Assumption(
                original.assumption_id,
                original.mode,
                original.parameter,
                number,
                original.unit,
                "assumption",
                original.source_ids,
                original.as_of,
                f"changed by the user from {original.value:g} {original.unit}",
                overridden=True,
            )
        self._rows = rows

    def __getitem__(self, assumption_id: str) -> Assumption:
        if assumption_id not in self._rows:
            raise CompareError(f"assumptions.csv has no row {assumption_id!r}; restore it from git")
        return self._rows[assumption_id]

    def value(self, assumption_id: str) -> float:
        return self[assumption_id].value

    def __iter__(self):
        return iter(self._rows.values())

    def overrides(self) -> dict[str, float]:
        return {a.assumption_id: a.value for a in self._rows.values() if a.overridden}


@dataclass(frozen=True)
class Consignment:
    """What is shipped: a number of TEU or a number of tonnes (one of the two)."""

    teu: float | None = None
    tonnes: float | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.teu, self.tonnes) if v is not None]
        if len(given) != 1:
            raise CompareError("give the consignment as TEU or as tonnes, not both or neither")
        if not (math.isfinite(given[0]) and given[0] > 0):
            raise CompareError(f"the consignment must be a positive number, not {given[0]!r}")

    def in_tonnes(self, tonnes_per_teu: float) -> float:
        return self.tonnes if self.tonnes is not None else float(self.teu) * tonnes_per_teu

    def in_teu(self, tonnes_per_teu: float) -> float:
        if self.teu is not None:
            return self.teu
        if tonnes_per_teu <= 0:
            raise CompareError("teu_cargo_tonnes must be > 0 to convert tonnes to TEU")
        return float(self.tonnes) / tonnes_per_teu

    def label(self) -> str:
        return f"{self.teu:g} TEU" if self.teu is not None else f"{self.tonnes:g} t"


@dataclass(frozen=True)
class Leg:
    """One leg of an option. ``basis``: how the distance was obtained (corridor, published length,
    straight-line estimate × factor, sea route, great circle)."""

    mode: str
    origin_id: str
    destination_id: str
    distance_km: float
    basis: str
    hours: Mapping[str, float]
    activity: float
    activity_unit: str
    factor: float
    co2e_kg: float
    assumption_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    path: tuple[tuple[float, float], ...]
    via: str = ""

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())


@dataclass(frozen=True)
class Option:
    option_id: str
    mode: str
    via: str
    legs: tuple[Leg, ...]
    carries_freight: bool | None = None
    notes: tuple[str, ...] = ()

    @property
    def distance_km(self) -> float:
        return sum(leg.distance_km for leg in self.legs)

    @property
    def hours(self) -> dict[str, float]:
        return {c: sum(leg.hours.get(c, 0.0) for leg in self.legs) for c in COMPONENTS}

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())

    @property
    def co2e_kg(self) -> float:
        return sum(leg.co2e_kg for leg in self.legs)

    @property
    def assumption_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for leg in self.legs for a in leg.assumption_ids))

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for leg in self.legs for s in leg.source_ids))

    @property
    def has_estimates(self) -> bool:
        return any(leg.basis == "straight_line_estimate" for leg in self.legs)


@dataclass(frozen=True)
class Comparison:
    origin_id: str
    destination_id: str
    consignment: Consignment
    options: tuple[Option, ...]
    assumptions: Assumptions = field(repr=False)


@dataclass(frozen=True)
class _Place:
    place_id: str
    kind: str
    country: str
    point: geo.LonLat


def _places(tables: Tables) -> dict[str, _Place]:
    frame = tables.places
    return {
        pid: _Place(pid, kind, country, (float(lon), float(lat)))
        for pid, kind, country, lon, lat in zip(
            frame["id"], frame["kind"], frame["country"], frame["lon_deg"], frame["lat_deg"], strict=True
        )
    }


def _km(a: _Place, b: _Place) -> float:
    return geo.great_circle_km(a.point, b.point)


@dataclass(frozen=True)
class _Edge:
    to: str
    km: float
    basis: str
    corridor_id: str | None


def _network(tables: Tables, modes: Iterable[str]) -> dict[str, list[_Edge]]:
    """Operating corridors of the given modes as an undirected graph of waypoint places.

    A segment is as long as its great-circle distance, scaled so the corridor matches its published
    length where one is given (the corridors are drawn schematically through towns).
    """
    places = _places(tables)
    graph: dict[str, list[_Edge]] = {}
    corridors = tables.corridors
    chosen = corridors.loc[corridors["mode"].isin(list(modes)) & (corridors["status"] == "operating")]
    for corridor in chosen.itertuples(index=False):
        ids = list(
            tables.corridor_waypoints.loc[
                tables.corridor_waypoints["corridor_id"] == corridor.corridor_id, "place_id"
            ]
        )
        segments = [(a, b, _km(places[a], places[b])) for a, b in itertools.pairwise(ids)]
        computed = sum(km for _, _, km in segments)
        published = corridor.published_length_km
        scale = float(published) / computed if not pd.isna(published) and computed > 0 else 1.0
        basis = "published_length" if scale != 1.0 else "corridor"
        for a, b, km in segments:
            graph.setdefault(a, []).append(_Edge(b, km * scale, basis, corridor.corridor_id))
            graph.setdefault(b, []).append(_Edge(a, km * scale, basis, corridor.corridor_id))
    return graph


class _Data:
    """The tables as plain lookups, built once per Tables object: a rerun only redoes the arithmetic."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.places = _places(tables)
        self.roads = _network(tables, ["road"])
        self.rails = _network(tables, ["rail"])
        waypoints = tables.corridor_waypoints
        self.waypoints = {
            cid: list(group["place_id"]) for cid, group in waypoints.groupby("corridor_id", sort=False)
        }
        self.corridor_sources = {
            row.corridor_id: tuple(split_ids(row.source_ids))
            for row in tables.corridors.itertuples(index=False)
        }
        self.rail_ends = _corridor_ends(tables, "rail")
        self.gate_pairs = list(tables.gate_pairs.itertuples(index=False))
        self.services = list(tables.services.itertuples(index=False))
        stops = tables.service_stops
        self.stops = {sid: list(group["place_id"]) for sid, group in stops.groupby("service_id", sort=False)}
        self.assumption_rows = _assumption_rows(tables.assumptions)
        self._names: dict[str, dict[str, str]] = {}
        self._arcs: dict[tuple[str, str], geo.AirArc] = {}

    def air_arc(self, a: str, b: str) -> geo.AirArc:
        if (a, b) not in self._arcs:
            self._arcs[(a, b)] = geo.air_arc(self.places[a].point, self.places[b].point)
        return self._arcs[(a, b)]

    def names(self, language: str) -> dict[str, str]:
        if language not in self._names:
            self._names[language] = {
                row["id"]: place_label(row, language) for row in self.tables.places.to_dict("records")
            }
        return self._names[language]


_DATA: list[tuple[Tables, _Data]] = []


def prepared(tables: Tables) -> _Data:
    """The lookups for these tables (kept for the last few Tables objects; tables are read-only)."""
    for known, data in _DATA:
        if known is tables:
            return data
    data = _Data(tables)
    _DATA.insert(0, (tables, data))
    del _DATA[4:]
    return data


# Leg shapes do not depend on speed or consignment: built once per pair of points.
_SHAPES: dict[tuple[str, tuple[float, ...]], tuple[tuple[float, float], ...]] = {}


def _shape(kind: str, a: geo.LonLat, b: geo.LonLat, geometry: Any) -> tuple[tuple[float, float], ...]:
    key = (kind, (*a, *b))
    if key not in _SHAPES:
        path: list[tuple[float, float]] = []
        for part in geo.to_path_parts(geometry):
            path.extend((float(x), float(y)) for x, y in part)
        _SHAPES[key] = tuple(path)
    return _SHAPES[key]


@dataclass(frozen=True)
class _Piece:
    origin_id: str
    destination_id: str
    km: float
    basis: str
    corridor_id: str | None


def _route_pieces(
    places: Mapping[str, _Place],
    graph: Mapping[str, list[_Edge]],
    origin: str,
    destination: str,
    factor: float,
) -> list[_Piece]:
    """Shortest way from origin to destination over the corridors, with straight-line connectors
    (great circle × factor, an estimate) between the ends and corridor places of the same country.

    The ends are assumed to be in one country (border crossings are separate legs).
    """
    if origin == destination:
        return []
    country = places[origin].country
    nodes = {n for n in graph if places[n].country == country} | {origin, destination}

    def neighbours(node: str) -> Iterable[_Edge]:
        for edge in graph.get(node, ()):
            if edge.to in nodes:
                yield edge
        if node in (origin, destination) or node in graph:
            for other in nodes:
                if other != node and (other in (origin, destination) or node in (origin, destination)):
                    yield _Edge(
                        other, _km(places[node], places[other]) * factor, "straight_line_estimate", None
                    )

    best = {origin: 0.0}
    previous: dict[str, tuple[str, _Edge]] = {}
    queue = [(0.0, origin)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == destination:
            break
        if cost > best.get(node, math.inf):
            continue
        for edge in neighbours(node):
            weight = ESTIMATE_WEIGHT if edge.basis == "straight_line_estimate" else 1.0
            candidate = cost + edge.km * weight
            if candidate < best.get(edge.to, math.inf) - 1e-9:
                best[edge.to] = candidate
                previous[edge.to] = (node, edge)
                heapq.heappush(queue, (candidate, edge.to))
    pieces: list[_Piece] = []
    node = destination
    while node != origin:
        before, edge = previous[node]
        pieces.append(_Piece(before, node, edge.km, edge.basis, edge.corridor_id))
        node = before
    pieces.reverse()
    return _merge_corridor_pieces(pieces)


def _merge_corridor_pieces(pieces: list[_Piece]) -> list[_Piece]:
    """Consecutive pieces of one corridor become one leg; each estimate stays its own leg."""
    merged: list[_Piece] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if last and piece.corridor_id and last.corridor_id == piece.corridor_id:
            merged[-1] = _Piece(
                last.origin_id, piece.destination_id, last.km + piece.km, last.basis, last.corridor_id
            )
        else:
            merged.append(piece)
    return merged


class _Builder:
    """Builds legs for one comparison: holds the places, networks and assumptions it needs."""

    def __init__(self, data: _Data, assumptions: Assumptions, consignment: Consignment) -> None:
        self.data = data
        self.a = assumptions
        self.places = data.places
        self.roads = data.roads
        self.rails = data.rails
        tonnes_per_teu = assumptions.value("teu_cargo_tonnes")
        self.tonnes = consignment.in_tonnes(tonnes_per_teu)
        self.teu = consignment.in_teu(tonnes_per_teu)
        # The TEU weight is used only to convert: TEU to tonnes for t-km modes, tonnes to TEU for sea.
        self.tonnes_from_teu = ("teu_cargo_tonnes",) if consignment.teu is not None else ()
        self.teu_from_tonnes = ("teu_cargo_tonnes",) if consignment.tonnes is not None else ()
        self.corridor_sources = data.corridor_sources

    def _path(self, *ids: str) -> tuple[tuple[float, float], ...]:
        return tuple(self.places[i].point for i in ids)

    def _corridor_path(self, piece: _Piece) -> tuple[tuple[float, float], ...]:
        if piece.corridor_id is None:
            return self._path(piece.origin_id, piece.destination_id)
        ids = self.data.waypoints[piece.corridor_id]
        i, j = ids.index(piece.origin_id), ids.index(piece.destination_id)
        chosen = ids[i : j + 1] if i <= j else list(reversed(ids[j : i + 1]))
        return self._path(*chosen)

    def _tonne_km_co2e(self, km: float, ttw: str, wtt: str) -> tuple[float, float, float]:
        factor = self.a.value(ttw) + self.a.value(wtt)
        return self.tonnes * km, factor, tonne_km_co2e_kg(self.tonnes, km, factor)

    def land_legs(self, mode: str, origin: str, destination: str, first_wait: bool = False) -> list[Leg]:
        """Road (or rail line-haul) legs between two places of one country."""
        if mode == "road":
            graph, factor_id, speed_id, ttw, wtt = (
                self.roads,
                "road_factor",
                "road_speed_kmh",
                "road_co2e_ttw",
                "road_co2e_wtt",
            )
        else:
            graph, factor_id, speed_id, ttw, wtt = (
                self.rails,
                "rail_factor",
                "rail_speed_kmh",
                "rail_co2e_ttw",
                "rail_co2e_wtt",
            )
        pieces = _route_pieces(self.places, graph, origin, destination, self.a.value(factor_id))
        speed = self.a.value(speed_id)
        if speed <= 0:
            raise CompareError(f"{speed_id} must be > 0")
        legs: list[Leg] = []
        for index, piece in enumerate(pieces):
            activity, factor, co2e = self._tonne_km_co2e(piece.km, ttw, wtt)
            used = [*self.tonnes_from_teu, speed_id, ttw, wtt]
            if piece.basis == "straight_line_estimate":
                used.append(factor_id)
            hours = {"line_haul": piece.km / speed}
            if mode == "road" and first_wait and index == 0:
                hours["wait"] = self.a.value("road_wait_hours")
                used.append("road_wait_hours")
            legs.append(
                Leg(
                    mode,
                    piece.origin_id,
                    piece.destination_id,
                    piece.km,
                    piece.basis,
                    hours,
                    activity,
                    "t-km",
                    factor,
                    co2e,
                    tuple(used),
                    self.corridor_sources.get(piece.corridor_id, ()) if piece.corridor_id else (),
                    self._corridor_path(piece),
                    via=piece.corridor_id or "",
                )
            )
        return legs

    def crossing_leg(self, mode: str, a: str, b: str, hours_id: str, source_ids: tuple[str, ...]) -> Leg:
        """The short hop across the border between the two sides of a gate pair."""
        km = _km(self.places[a], self.places[b])
        ttw, wtt, speed_id = (
            ("road_co2e_ttw", "road_co2e_wtt", "road_speed_kmh")
            if mode == "road"
            else ("rail_co2e_ttw", "rail_co2e_wtt", "rail_speed_kmh")
        )
        activity, factor, co2e = self._tonne_km_co2e(km, ttw, wtt)
        return Leg(
            mode,
            a,
            b,
            km,
            "great_circle",
            {"line_haul": km / self.a.value(speed_id), "border": self.a.value(hours_id)},
            activity,
            "t-km",
            factor,
            co2e,
            (*self.tonnes_from_teu, speed_id, ttw, wtt, hours_id),
            source_ids,
            self._path(a, b),
        )


def _nearest(places: Mapping[str, _Place], to: str, candidates: Iterable[str]) -> str | None:
    chosen = [c for c in candidates if places[c].country == places[to].country]
    return min(chosen, key=lambda c: _km(places[to], places[c]), default=None)


def _road_options(b: _Builder, origin: str, destination: str) -> list[Option]:
    places = b.places
    o, d = places[origin], places[destination]
    if o.country == d.country:
        legs = b.land_legs("road", origin, destination, first_wait=True)
        return [Option("road__direct", "road", "direct", tuple(legs))] if legs else []
    if {o.country, d.country} != {"CN", "VN"}:
        return []
    options: list[Option] = []
    road_pairs = [p for p in b.data.gate_pairs if p.status == "operating" and p.level != "railway"]
    for pair in road_pairs:
        start, end = (
            (pair.cn_place_id, pair.vn_place_id)
            if o.country == "CN"
            else (pair.vn_place_id, pair.cn_place_id)
        )
        sources = tuple(split_ids(pair.source_ids))
        legs = [
            *b.land_legs("road", origin, start, first_wait=True),
            b.crossing_leg("road", start, end, "road_border_hours", sources),
            *b.land_legs("road", end, destination),
        ]
        options.append(Option(f"road__{pair.pair_id}", "road", pair.pair_id, tuple(legs)))
    return options


def _rail_options(b: _Builder, origin: str, destination: str) -> list[Option]:
    places = b.places
    o, d = places[origin], places[destination]
    if {o.country, d.country} != {"CN", "VN"}:
        return []
    rail_pairs = [p for p in b.data.gate_pairs if p.status == "operating" and p.level == "railway"]
    options: list[Option] = []
    # The sources name the trains' ends: Nanning and Yên Viên (Hà Nội); the corridors end at Hà Nội and
    # at the border stations. Intermediate stations are not container terminals in the data.
    terminals = {"nanning", *b.data.rail_ends}
    for pair in rail_pairs:
        start, end = (
            (pair.cn_place_id, pair.vn_place_id)
            if o.country == "CN"
            else (pair.vn_place_id, pair.cn_place_id)
        )
        first = _nearest(places, origin, terminals)
        last = _nearest(places, destination, terminals)
        if first is None or last is None:
            continue
        haul = [
            *b.land_legs("rail", first, start),
            b.crossing_leg("rail", start, end, "rail_border_hours", tuple(split_ids(pair.source_ids))),
            *b.land_legs("rail", end, last),
        ]
        headway = (
            HOURS_PER_WEEK / b.a.value("rail_trains_per_week")
            if b.a.value("rail_trains_per_week")
            else math.inf
        )
        first_rail = haul[0]
        haul[0] = _with_hours(
            first_rail,
            {"wait": headway / 2.0, "dwell": 2.0 * b.a.value("rail_terminal_hours")},
            ("rail_trains_per_week", "rail_terminal_hours"),
        )
        legs = [
            *b.land_legs("road", origin, first, first_wait=True),
            *haul,
            *b.land_legs("road", last, destination),
        ]
        options.append(Option(f"rail__{pair.pair_id}", "rail", pair.pair_id, tuple(legs)))
    return options


def _corridor_ends(tables: Tables, mode: str) -> set[str]:
    corridors = tables.corridors
    chosen = corridors.loc[(corridors["mode"] == mode) & (corridors["status"] == "operating"), "corridor_id"]
    ends: set[str] = set()
    waypoints = tables.corridor_waypoints
    for corridor_id in chosen:
        ids = list(waypoints.loc[waypoints["corridor_id"] == corridor_id, "place_id"])
        ends.update((ids[0], ids[-1]))
    return ends


def _with_hours(leg: Leg, extra: Mapping[str, float], assumption_ids: Sequence[str]) -> Leg:
    hours = dict(leg.hours)
    for key, value in extra.items():
        hours[key] = hours.get(key, 0.0) + value
    return Leg(
        leg.mode,
        leg.origin_id,
        leg.destination_id,
        leg.distance_km,
        leg.basis,
        hours,
        leg.activity,
        leg.activity_unit,
        leg.factor,
        leg.co2e_kg,
        tuple(dict.fromkeys([*leg.assumption_ids, *assumption_ids])),
        leg.source_ids,
        leg.path,
        leg.via,
    )


def _access_ok(b: _Builder, end: str, hub: str, main_km: float) -> bool:
    """A road leg to or from a port or airport is sensible when it stays in one country and is no
    longer than the main haul."""
    return b.places[end].country == b.places[hub].country and _km(b.places[end], b.places[hub]) <= main_km


def _sea_options(b: _Builder, origin: str, destination: str, ready: dt.datetime | None) -> list[Option]:
    scheduled = [s for s in b.data.services if s.mode == "sea" and s.kind == "scheduled"]
    options: list[Option] = []
    for service in scheduled:
        stops = b.data.stops.get(service.service_id, [])
        same_country = [s for s in stops if b.places[s].country == b.places[origin].country]
        board = _nearest(b.places, origin, same_country)
        alight = _nearest(
            b.places, destination, [s for s in stops if b.places[s].country == b.places[destination].country]
        )
        if board is None or alight is None or board == alight:
            continue
        i, j = stops.index(board), stops.index(alight)
        # A scheduled service sails a round trip (back from the last call to the first), so cargo
        # can also go "backwards" in the list of calls, round the end of the rotation.
        calls = stops[i : j + 1] if i < j else [*stops[i:], *stops[: j + 1]]
        speed_kn = b.a.value("sea_speed_kn")
        if speed_kn <= 0:
            raise CompareError("sea_speed_kn must be > 0")
        routes = [
            geo.sea_route(b.places[x].point, b.places[y].point, speed_kn=speed_kn)
            for x, y in itertools.pairwise(calls)
        ]
        sea_km = sum(r.distance_km for r in routes)
        if len(calls) > 2:
            direct = geo.sea_route(b.places[board].point, b.places[alight].point, speed_kn=speed_kn)
            if sea_km > MAX_ROTATION_DETOUR * direct.distance_km:
                continue
        if not (_access_ok(b, origin, board, sea_km) and _access_ok(b, destination, alight, sea_km)):
            continue
        headway_h = None if pd.isna(service.frequency_days) else float(service.frequency_days) * 24.0
        wait = headway_h / 2.0 if headway_h else 0.0
        used = ["sea_speed_kn", "sea_port_dwell_hours", "sea_co2e_wtw_teu"]
        if not pd.isna(service.start_date) and headway_h and ready is not None:
            offset_h = sum(r.hours for r in _routes_before(b, stops, i, speed_kn)) + i * b.a.value(
                "sea_port_call_hours"
            )
            first = _parse_date(service.start_date) + dt.timedelta(hours=offset_h)
            wait = wait_hours(first, headway_h / 24.0, ready)
            used.append("sea_port_call_hours")
        calls_between = len(calls) - 2
        if calls_between:
            used.append("sea_port_call_hours")
        dwell = 2.0 * b.a.value("sea_port_dwell_hours") + calls_between * b.a.value("sea_port_call_hours")
        factor = b.a.value("sea_co2e_wtw_teu")
        activity = b.teu * sea_km
        co2e = tonne_km_co2e_kg(b.teu, sea_km, factor)
        used[:0] = b.teu_from_tonnes
        path = tuple(point for r in routes for point in _shape("sea", r.origin, r.destination, r.geometry))
        sea_leg = Leg(
            "sea",
            board,
            alight,
            sea_km,
            "sea_route",
            {"line_haul": sum(r.hours for r in routes), "wait": wait, "dwell": dwell},
            activity,
            "TEU-km",
            factor,
            co2e,
            tuple(used),
            tuple(split_ids(service.source_ids)),
            path,
            via=service.service_id,
        )
        legs = [
            *b.land_legs("road", origin, board, first_wait=True),
            sea_leg,
            *b.land_legs("road", alight, destination),
        ]
        options.append(Option(f"sea__{service.service_id}", "sea", service.service_id, tuple(legs)))
    return options


def _routes_before(b: _Builder, stops: Sequence[str], i: int, speed_kn: float) -> list[geo.SeaRoute]:
    return [
        geo.sea_route(b.places[x].point, b.places[y].point, speed_kn=speed_kn)
        for x, y in itertools.pairwise(stops[: i + 1])
    ]


def _air_options(b: _Builder, origin: str, destination: str) -> list[Option]:
    options: list[Option] = []
    for service in [s for s in b.data.services if s.mode == "air"]:
        stops = b.data.stops.get(service.service_id, [])
        board = _nearest(b.places, origin, stops)
        alight = _nearest(b.places, destination, stops)
        if board is None or alight is None or board == alight:
            continue
        arc = b.data.air_arc(board, alight)
        if not (
            _access_ok(b, origin, board, arc.distance_km)
            and _access_ok(b, destination, alight, arc.distance_km)
        ):
            continue
        speed = b.a.value("air_speed_kmh")
        if speed <= 0:
            raise CompareError("air_speed_kmh must be > 0")
        activity, factor, co2e = b._tonne_km_co2e(arc.distance_km, "air_co2e_ttw", "air_co2e_wtt")
        path = _shape("air", b.places[board].point, b.places[alight].point, arc.geometry)
        air_leg = Leg(
            "air",
            board,
            alight,
            arc.distance_km,
            "great_circle",
            {
                "line_haul": arc.distance_km / speed,
                "wait": b.a.value("air_headway_hours") / 2.0,
                "dwell": 2.0 * b.a.value("air_handling_hours"),
            },
            activity,
            "t-km",
            factor,
            co2e,
            (
                *b.tonnes_from_teu,
                "air_speed_kmh",
                "air_headway_hours",
                "air_handling_hours",
                "air_co2e_ttw",
                "air_co2e_wtt",
            ),
            tuple(split_ids(service.source_ids)),
            path,
            via=service.service_id,
        )
        legs = [
            *b.land_legs("road", origin, board, first_wait=True),
            air_leg,
            *b.land_legs("road", alight, destination),
        ]
        # services.csv has no freight column and the source does not say the flight carries cargo.
        options.append(
            Option(
                f"air__{service.service_id}",
                "air",
                service.service_id,
                tuple(legs),
                carries_freight=None,
                notes=("air_freight_not_stated",),
            )
        )
    return options


def compare(
    tables: Tables,
    origin: str,
    destination: str,
    consignment: Consignment | None = None,
    overrides: Mapping[str, float] | None = None,
    ready: dt.datetime | None = None,
) -> Comparison:
    """Every sensible option from origin to destination (place ids) for a consignment (default 1 TEU).

    ``overrides`` maps assumption ids to values; ``ready`` is when the cargo is ready at the origin
    (then the sea wait is until the next sailing, otherwise the average wait, half the headway).
    """
    data = prepared(tables)
    known = data.places
    for role, place_id in (("origin", origin), ("destination", destination)):
        if place_id not in known:
            raise CompareError(f"unknown {role} place {place_id!r}; use an id from places.csv, e.g. nanning")
    if origin == destination:
        raise CompareError("origin and destination are the same place")
    consignment = consignment or Consignment(teu=1.0)
    assumptions = Assumptions(data.assumption_rows, overrides)
    builder = _Builder(data, assumptions, consignment)
    options = [
        *_sea_options(builder, origin, destination, ready),
        *_road_options(builder, origin, destination),
        *_rail_options(builder, origin, destination),
        *_air_options(builder, origin, destination),
    ]
    return Comparison(origin, destination, consignment, tuple(options), assumptions)


def _parse_date(value: object) -> dt.datetime:
    text = str(value)
    parts = [int(p) for p in text.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.datetime(parts[0], parts[1], parts[2])


def average_wait_hours(headway_hours: float) -> float:
    """Mean wait for a shipment that arrives at a random moment: half the time between departures."""
    if not headway_hours > 0:
        raise ValueError("headway_hours must be > 0")
    return headway_hours / 2.0


def next_departures(
    first: dt.datetime | dt.date, headway_days: float, after: dt.datetime | dt.date, count: int = 5
) -> list[dt.datetime]:
    """The next ``count`` departures at or after ``after``, for a service that first left at ``first``
    and leaves every ``headway_days`` since (no departures before the first)."""
    if not headway_days > 0:
        raise ValueError("headway_days must be > 0")
    if count < 0:
        raise ValueError("count must be >= 0")
    start, moment = _as_datetime(first), _as_datetime(after)
    step = dt.timedelta(days=headway_days)
    n = 0 if moment <= start else math.ceil(round((moment - start) / step, 9))
    # The rounding absorbs float noise in the ratio, but must never give a departure before `after`
    # (0.4 ms after the first sailing rounded to the first sailing itself: a negative wait).
    if start + n * step < moment:
        n += 1
    return [start + (n + k) * step for k in range(count)]


def wait_hours(first: dt.datetime | dt.date, headway_days: float, ready: dt.datetime | dt.date) -> float:
    """Hours from ``ready`` to the next departure (0 if one leaves at that moment)."""
    departure = next_departures(first, headway_days, ready, 1)[0]
    return (departure - _as_datetime(ready)).total_seconds() / 3600.0


def sailing_calendar(
    first: dt.datetime | dt.date, headway_days: float, start: dt.date, weeks: int = 12
) -> list[dt.date]:
    """Sailing dates in the ``weeks`` weeks from ``start`` (inclusive), e.g. a 12-week calendar."""
    end = _as_datetime(start) + dt.timedelta(weeks=weeks)
    count = math.ceil(weeks * 7 / headway_days) + 1
    return [d.date() for d in next_departures(first, headway_days, start, count) if d < end]


def vessels_needed(
    sea_days: float, calls: int, port_call_hours: float, headway_days: float
) -> tuple[int, float]:
    """Ships needed for one departure every ``headway_days`` when each of ``calls`` calls per rotation
    takes ``port_call_hours`` alongside; also the rotation in days. An 18.1-day sea loop with three
    24-hour calls is a 21.1-day rotation: at a 21-day headway that is two ships, not one."""
    if calls < 0 or port_call_hours < 0:
        raise ValueError("calls and port_call_hours must be >= 0")
    rotation_days = sea_days + calls * port_call_hours / 24.0
    return geo.vessels_needed(rotation_days, headway_days), rotation_days


@dataclass(frozen=True)
class Timetable:
    """A scheduled sea service's sailings seen from one date, and the fleet its frequency needs."""

    service_id: str
    first_sailing: dt.date
    headway_days: float
    next_departures: tuple[dt.datetime, ...]
    calendar: tuple[dt.date, ...]
    average_wait_hours: float
    sea_days: float
    calls: int
    port_call_hours: float
    rotation_days: float
    vessels: int
    vessels_without_port_time: int


def service_timetable(
    tables: Tables,
    service_id: str,
    start: dt.date,
    weeks: int = 12,
    overrides: Mapping[str, float] | None = None,
) -> Timetable:
    """Next sailings from ``start``, a calendar of ``weeks`` weeks, the average wait, and the vessels
    the round trip needs counting ``sea_port_call_hours`` at every call (an editable assumption).
    Raises CompareError for a service without a first sailing or a frequency."""
    from .model import plan_service

    data = prepared(tables)
    assumptions = Assumptions(data.assumption_rows, overrides)
    row = next((s for s in data.services if s.service_id == service_id), None)
    if row is None:
        raise CompareError(f"unknown service {service_id!r}; use an id from services.csv")
    if pd.isna(row.frequency_days) or pd.isna(row.start_date):
        raise CompareError(f"{service_id!r} has no first sailing and frequency in services.csv")
    headway = float(row.frequency_days)
    first = _parse_date(row.start_date).date()
    plan = plan_service(tables, service_id, speed_kn=assumptions.value("sea_speed_kn"))
    port_hours = assumptions.value("sea_port_call_hours")
    calls = len(plan.stops)
    vessels, rotation_days = vessels_needed(plan.rotation.sea_days, calls, port_hours, headway)
    return Timetable(
        service_id,
        first,
        headway,
        tuple(next_departures(first, headway, start, 3)),
        tuple(sailing_calendar(first, headway, start, weeks)),
        average_wait_hours(headway * 24.0),
        plan.rotation.sea_days,
        calls,
        port_hours,
        rotation_days,
        vessels,
        geo.vessels_needed(plan.rotation.sea_days, headway),
    )


def sea_co2e_kg(
    tables: Tables, distance_km: float, teu: float = 1.0, overrides: Mapping[str, float] | None = None
) -> float:
    """CO₂e of carrying ``teu`` TEU over a sea distance with the container ship factor
    (``sea_co2e_wtw_teu``): what the sea services what-if can show as ΔCO₂e beside Δnm and Δdays."""
    assumptions = Assumptions(prepared(tables).assumption_rows, overrides)
    return tonne_km_co2e_kg(teu, distance_km, assumptions.value("sea_co2e_wtw_teu"))


@dataclass(frozen=True)
class VesselPosition:
    """Where one ship of a rotation is at a moment: at sea on leg ``leg_index`` (towards
    ``place_id``), in port at ``place_id``, or not yet in service."""

    vessel: int
    point: geo.LonLat
    status: str
    place_id: str
    leg_index: int | None


def vessel_positions(
    tables: Tables,
    service_id: str,
    moment: dt.datetime | dt.date,
    overrides: Mapping[str, float] | None = None,
) -> tuple[VesselPosition, ...]:
    """Every vessel the service needs (port time counted), placed along its rotation at ``moment``.

    Vessel k (from 0) leaves the first call at first sailing + k × headway and every
    vessels × headway after; a rotation is the sea legs at ``sea_speed_kn`` with
    ``sea_port_call_hours`` at each call (the first call's at the end). A vessel whose rotation is
    shorter than vessels × headway waits at the first call for its next departure.
    """
    import shapely

    from .model import plan_service

    data = prepared(tables)
    assumptions = Assumptions(data.assumption_rows, overrides)
    row = next((s for s in data.services if s.service_id == service_id), None)
    if row is None or pd.isna(row.frequency_days) or pd.isna(row.start_date):
        raise CompareError(f"{service_id!r} has no first sailing and frequency in services.csv")
    headway_h = float(row.frequency_days) * 24.0
    plan = plan_service(tables, service_id, speed_kn=assumptions.value("sea_speed_kn"))
    port_h = assumptions.value("sea_port_call_hours")
    stops = [stop.place_id for stop in plan.stops]
    vessels, _ = vessels_needed(plan.rotation.sea_days, len(stops), port_h, headway_h / 24.0)
    cycle_h = vessels * headway_h
    start = _parse_date(row.start_date)
    elapsed_h = (_as_datetime(moment) - start).total_seconds() / 3600.0
    positions: list[VesselPosition] = []
    for k in range(vessels):
        since = elapsed_h - k * headway_h
        if since < 0:
            positions.append(
                VesselPosition(k + 1, data.places[stops[0]].point, "not_started", stops[0], None)
            )
            continue
        clock = since % cycle_h
        placed = None
        for index, leg in enumerate(plan.rotation.legs):
            target = stops[(index + 1) % len(stops)]
            if clock < leg.hours:
                point = shapely.line_interpolate_point(leg.geometry, clock / leg.hours, normalized=True)
                placed = VesselPosition(k + 1, (float(point.x), float(point.y)), "at_sea", target, index)
                break
            clock -= leg.hours
            if clock < port_h:
                placed = VesselPosition(k + 1, data.places[target].point, "in_port", target, None)
                break
            clock -= port_h
        if placed is None:
            placed = VesselPosition(k + 1, data.places[stops[0]].point, "in_port", stops[0], None)
        positions.append(placed)
    return tuple(positions)


def _as_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)


def option_record(option: Option, assumptions: Assumptions) -> dict[str, Any]:
    """An option as plain JSON-ready data: what the command line prints and the page tabulates."""
    used = [assumptions[a] for a in option.assumption_ids]
    return {
        "option_id": option.option_id,
        "mode": option.mode,
        "via": option.via,
        "carries_freight": option.carries_freight,
        "notes": list(option.notes),
        "distance_km": round(option.distance_km, 1),
        "hours": {"total": round(option.total_hours, 1), **{k: round(v, 1) for k, v in option.hours.items()}},
        "co2e_kg": round(option.co2e_kg, 1),
        "has_estimates": option.has_estimates,
        "legs": [
            {
                "mode": leg.mode,
                "from": leg.origin_id,
                "to": leg.destination_id,
                "via": leg.via,
                "distance_km": round(leg.distance_km, 1),
                "distance_basis": leg.basis,
                "hours": {k: round(v, 2) for k, v in leg.hours.items()},
                "activity": round(leg.activity, 1),
                "activity_unit": leg.activity_unit,
                "factor_kg_co2e_per_unit": leg.factor,
                "co2e_kg": round(leg.co2e_kg, 2),
                "assumptions": list(leg.assumption_ids),
                "sources": list(leg.source_ids),
            }
            for leg in option.legs
        ],
        "assumptions": [
            {
                "id": a.assumption_id,
                "value": a.value,
                "unit": a.unit,
                "basis": a.basis,
                "source": list(a.source_ids),
                "as_of": a.as_of,
                "notes": a.notes,
            }
            for a in used
        ],
        "sources": list(dict.fromkeys([*option.source_ids, *(s for a in used for s in a.source_ids)])),
    }


def comparison_record(comparison: Comparison) -> dict[str, Any]:
    return {
        "origin": comparison.origin_id,
        "destination": comparison.destination_id,
        "consignment": comparison.consignment.label(),
        "method": "ISO 14083 / GLEC Framework: activity × well-to-wheel factor; estimates, not quotes",
        "options": [option_record(o, comparison.assumptions) for o in comparison.options],
    }


def option_label(tables: Tables, option: Option, language: str, mode_name: str) -> str:
    """ "Road · Hữu Nghị – Youyiguan", "Sea · Beibu Gulf Port – …": the mode and what it goes through."""
    data = prepared(tables)
    names = data.names(language)
    pair = next((p for p in data.gate_pairs if p.pair_id == option.via), None)
    service = next((s for s in data.services if s.service_id == option.via), None)
    if pair is not None:
        via = " – ".join(names.get(side, side) for side in (pair.vn_place_id, pair.cn_place_id))
    elif service is not None:
        via = localized(service._asdict(), language)
    else:
        via = ""
    return f"{mode_name} · {via}" if via else mode_name


def legs_frame(comparison: Comparison) -> pd.DataFrame:
    """One row per leg of every option, with the time components, CO₂e and the ids of the
    assumptions and sources it used: the comparison's CSV export."""
    rows = []
    for option in comparison.options:
        for number, leg in enumerate(option.legs, start=1):
            rows.append(
                {
                    "option_id": option.option_id,
                    "option_mode": option.mode,
                    "leg": number,
                    "mode": leg.mode,
                    "from_place_id": leg.origin_id,
                    "to_place_id": leg.destination_id,
                    "via": leg.via,
                    "distance_km": round(leg.distance_km, 2),
                    "distance_basis": leg.basis,
                    **{f"{c}_hours": round(leg.hours.get(c, 0.0), 3) for c in COMPONENTS},
                    "activity": round(leg.activity, 2),
                    "activity_unit": leg.activity_unit,
                    "factor_kg_co2e_per_unit": leg.factor,
                    "co2e_kg": round(leg.co2e_kg, 3),
                    "assumption_ids": ";".join(leg.assumption_ids),
                    "source_ids": ";".join(leg.source_ids),
                }
            )
    return pd.DataFrame(rows)


def comparison_geojson(comparison: Comparison) -> dict[str, Any]:
    """The legs as GeoJSON LineStrings ([lon, lat], EPSG:4326) with the same properties as the CSV."""
    frame = legs_frame(comparison)
    legs = [leg for option in comparison.options for leg in option.legs]
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[round(x, 5), round(y, 5)] for x, y in leg.path],
            },
            "properties": properties,
        }
        for leg, properties in zip(legs, frame.to_dict("records"), strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "name": f"compare_{comparison.origin_id}_{comparison.destination_id}",
        "features": features,
    }


def _format_table(comparison: Comparison) -> str:
    lines = [
        f"{comparison.origin_id} → {comparison.destination_id}, {comparison.consignment.label()} "
        "(estimates for comparison, not quotes)",
        f"{'option':<34} {'km':>8} {'hours':>8} {'haul':>7} {'wait':>7} {'dwell':>7} {'border':>7} "
        f"{'kg CO2e':>9}",
    ]
    for option in comparison.options:
        h = option.hours
        lines.append(
            f"{option.option_id:<34} {option.distance_km:>8.0f} {option.total_hours:>8.1f} "
            f"{h['line_haul']:>7.1f} {h['wait']:>7.1f} {h['dwell']:>7.1f} {h['border']:>7.1f} "
            f"{option.co2e_kg:>9.1f}"
        )
        for leg in option.legs:
            marker = " (straight-line estimate)" if leg.basis == "straight_line_estimate" else ""
            lines.append(
                f"    {leg.mode:<5} {leg.origin_id} → {leg.destination_id}: {leg.distance_km:.0f} km{marker}"
                f"  [{', '.join(leg.assumption_ids)}]"
            )
    if not comparison.options:
        lines.append("no option found between these places in the data")
    lines.append("sources and assumptions: --json lists the source of every figure")
    return "\n".join(lines)


def _parse_overrides(values: Sequence[str]) -> dict[str, float]:
    overrides: dict[str, float] = {}
    for item in values:
        key, sep, value = item.partition("=")
        try:
            overrides[key.strip()] = float(value)
        except ValueError:
            raise CompareError(f"--set needs assumption_id=number, not {item!r}") from None
        if not sep:
            raise CompareError(f"--set needs assumption_id=number, not {item!r}")
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.compare", description=__doc__.splitlines()[0])
    parser.add_argument("origin", help="place id, e.g. nanning")
    parser.add_argument("destination", help="place id, e.g. hai_phong")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--teu", type=float, help="consignment in TEU (default 1)")
    size.add_argument("--tonnes", type=float, help="consignment in tonnes")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--set", action="append", default=[], metavar="ID=VALUE", help="override an assumption"
    )
    parser.add_argument("--ready", help="date the cargo is ready (YYYY-MM-DD): wait for the next sailing")
    args = parser.parse_args(argv)

    from loaders import load_all

    result = load_all(geography=False)
    if result.tables is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 2
    try:
        consignment = (
            Consignment(tonnes=args.tonnes) if args.tonnes is not None else Consignment(teu=args.teu or 1.0)
        )
        ready = dt.datetime.fromisoformat(args.ready) if args.ready else None
        comparison = compare(
            result.tables, args.origin, args.destination, consignment, _parse_overrides(args.set), ready
        )
    except (CompareError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(comparison_record(comparison), ensure_ascii=False, indent=1))
    else:
        print(_format_table(comparison))
    return 0


if __name__ == "__main__":
    sys.exit(main())
