"""Sea legs: searoute's shortest path, refined near ports, measured and checked for plausibility."""

from __future__ import annotations

import itertools
import math
import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, get_args

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from ._antimeridian import split_at_antimeridian, unwrap_longitudes
from ._approaches import find_approach, regional_path
from ._distance import (
    KM_PER_NM,
    LonLat,
    great_circle_km,
    great_circle_nm,
    interpolate_great_circle,
    path_length_km,
)
from ._passages import REPORTED_PASSAGES, resolve_closed, restrictions_for
from ._patches import apply_patches

Method = Literal["searoute", "refined", "great_circle_fallback"]
METHODS: frozenset[str] = frozenset(get_args(Method))

DEFAULT_SPEED_KN = 14.0
"""Planning speed when a caller gives none: a round slow-steaming figure for container ships, an
assumption of this project rather than a published service speed."""

JOIN_SEARCH_KM = 150.0
"""How far into searoute's path a port's connector may join it (see `_join_start`)."""

DENSIFY_KM = 50.0
"""Vertex spacing for straight legs drawn as great circles (direct regional legs, fallbacks)."""

COORD_DECIMALS = 6
"""~0.1 m: removes float noise from unwrapping without moving anything visibly."""

# searoute stores restrictions on a graph shared by every caller (`setup_M` is cached), so two
# threads routing with different closures at once could swap them; Streamlit runs sessions in threads.
_SEAROUTE_LOCK = threading.Lock()


@dataclass(frozen=True)
class SeaRoute:
    """One sea leg between two (lon, lat) points.

    ``geometry`` has longitudes in [-180, 180] and is split at the antimeridian (MultiLineString) when
    it crosses it. ``detour_ratio`` is route length over great-circle length; where land forces a
    long way round (Hai Phong → Kolkata passes Singapore), ``passage_detour_ratio`` compares instead
    with the great-circle chain through the passages the route uses. The gaps are the straight,
    unrouted connectors from each endpoint to the first routed or curated vertex.
    """

    origin: LonLat
    destination: LonLat
    distance_nm: float
    distance_km: float
    speed_kn: float
    hours: float
    days: float
    passages: tuple[str, ...]
    closed: tuple[str, ...]
    geometry: LineString | MultiLineString
    great_circle_nm: float
    detour_ratio: float
    passage_reference_nm: float
    passage_detour_ratio: float
    origin_gap_nm: float
    destination_gap_nm: float
    method: Method


@dataclass(frozen=True)
class _Path:
    """The speed-independent part of a route, cached once per (origin, destination, closures)."""

    coords: tuple[tuple[float, float], ...]
    passages: tuple[str, ...]
    method: Method
    origin_gap_km: float
    destination_gap_km: float


def sea_route(
    origin: Sequence[float],
    destination: Sequence[float],
    closed: Iterable[str] = (),
    speed_kn: float = DEFAULT_SPEED_KN,
) -> SeaRoute:
    """Sea route between two (lon, lat) points with the named passages closed.

    ``closed`` takes passage names (see `CLOSABLE_PASSAGES`) and the shorthand ``red_sea``; the Arctic
    passages are always closed. Raises ValueError for unknown names, identical endpoints or a
    non-positive speed. Results are cached: repeated calls cost a dictionary lookup.
    """
    return _sea_route_cached(
        _as_point(origin), _as_point(destination), resolve_closed(closed), float(speed_kn)
    )


def _as_point(point: Sequence[float]) -> LonLat:
    """A hashable (lon, lat) tuple, validated."""
    lon, lat = (float(v) for v in point)
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"({lon}, {lat}) is not a (lon, lat) point with lon in [-180, 180]")
    return (lon, lat)


@lru_cache(maxsize=4096)
def _sea_route_cached(
    origin: LonLat, destination: LonLat, closed: tuple[str, ...], speed_kn: float
) -> SeaRoute:
    if not speed_kn > 0:
        raise ValueError("speed_kn must be > 0")
    if great_circle_km(origin, destination) < 1e-6:
        raise ValueError("origin and destination coincide")
    path = _route_path(origin, destination, closed)
    distance_km = path_length_km(path.coords)
    distance_nm = distance_km / KM_PER_NM
    hours = distance_nm / speed_kn
    gc_nm = great_circle_nm(origin, destination)
    reference_nm = _passage_reference_nm(origin, destination, path.passages)
    return SeaRoute(
        origin=origin,
        destination=destination,
        distance_nm=distance_nm,
        distance_km=distance_km,
        speed_kn=speed_kn,
        hours=hours,
        days=hours / 24.0,
        passages=path.passages,
        closed=closed,
        geometry=split_at_antimeridian(path.coords),
        great_circle_nm=gc_nm,
        detour_ratio=distance_nm / gc_nm,
        passage_reference_nm=reference_nm,
        passage_detour_ratio=distance_nm / reference_nm,
        origin_gap_nm=path.origin_gap_km / KM_PER_NM,
        destination_gap_nm=path.destination_gap_km / KM_PER_NM,
        method=path.method,
    )


def with_speed(route: SeaRoute, speed_kn: float) -> SeaRoute:
    """The same route timed at another speed."""
    if not speed_kn > 0:
        raise ValueError("speed_kn must be > 0")
    hours = route.distance_nm / speed_kn
    return replace(route, speed_kn=float(speed_kn), hours=hours, days=hours / 24.0)


# Every path this process computed or was given (`preload_route_paths`), so that a disk cache outside
# geo can store them and seed the next process; geo itself never reads or writes files.
_KNOWN_PATHS: dict[tuple[LonLat, LonLat, tuple[str, ...]], _Path] = {}
_KNOWN_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def _route_path(origin: LonLat, destination: LonLat, closed: tuple[str, ...]) -> _Path:
    key = (origin, destination, closed)
    known = _KNOWN_PATHS.get(key)
    if known is not None:
        return known
    path = _compute_route_path(origin, destination, closed)
    with _KNOWN_LOCK:
        _KNOWN_PATHS[key] = path
    return path


def route_paths_snapshot() -> dict[str, Any]:
    """Every speed-independent leg path known to this process, and the passage positions the
    detour ratios use, as JSON-able data for `preload_route_paths`."""
    with _KNOWN_LOCK:
        items = list(_KNOWN_PATHS.items())
    paths = [
        {
            "origin": list(origin),
            "destination": list(destination),
            "closed": list(closed),
            "coords": [list(point) for point in path.coords],
            "passages": list(path.passages),
            "method": path.method,
            "origin_gap_km": path.origin_gap_km,
            "destination_gap_km": path.destination_gap_km,
        }
        for (origin, destination, closed), path in items
    ]
    locations = passage_locations() if any(path.passages for _, path in items) else {}
    return {"paths": paths, "passage_locations": {name: list(point) for name, point in locations.items()}}


def preload_route_paths(snapshot: dict[str, Any]) -> int:
    """Seed the route cache with a `route_paths_snapshot` (e.g. read back from disk); returns how
    many paths were taken. Raises ValueError, TypeError or KeyError, taking nothing, when any part is
    malformed."""
    if not isinstance(snapshot, dict):
        raise TypeError("a route snapshot must be a mapping")
    parsed: dict[tuple[LonLat, LonLat, tuple[str, ...]], _Path] = {}
    for record in snapshot["paths"]:
        if not isinstance(record, dict):
            raise TypeError("a route record must be a mapping")
        method = record["method"]
        if method not in METHODS:
            raise ValueError(f"unknown route method {method!r}")
        coords = tuple((float(lon), float(lat)) for lon, lat in record["coords"])
        if len(coords) < 2:
            raise ValueError("a route needs at least two points")
        key = (_as_point(record["origin"]), _as_point(record["destination"]),
               tuple(str(name) for name in record["closed"]))
        passages = tuple(str(name) for name in record["passages"])
        parsed[key] = _Path(coords, passages, method,
                            float(record["origin_gap_km"]), float(record["destination_gap_km"]))
    locations = {str(name): _as_point(point) for name, point in snapshot["passage_locations"].items()}
    if any(name not in locations for path in parsed.values() for name in path.passages):
        raise ValueError("a route passes a passage whose position is not given")
    with _KNOWN_LOCK:
        _KNOWN_PATHS.update(parsed)
        if locations and not _PASSAGE_LOCATIONS:
            _PASSAGE_LOCATIONS.update(locations)
    return len(parsed)


def _compute_route_path(origin: LonLat, destination: LonLat, closed: tuple[str, ...]) -> _Path:
    """Port → approach → searoute path or regional waypoints → approach → port, unwrapped."""
    start = find_approach(origin)
    end = find_approach(destination)
    head = [origin, *(start.waypoints if start else ())]
    tail = [*(reversed(end.waypoints) if end else ()), destination]

    regional = regional_path(start, end) if start and end else None
    if regional is not None:
        middle = _densify(regional)
        coords = [*head[:-1], *middle, *tail[1:]]
        return _finish(coords, (), "refined", origin, destination)

    network = _searoute_path(head[-1], tail[0], restrictions_for(closed))
    if network is None:
        arc = interpolate_great_circle(origin, destination, _n_points(origin, destination))
        return _Path(_rounded(arc), (), "great_circle_fallback", 0.0, 0.0)
    network_coords, passages = network
    network_coords, patched = apply_patches(network_coords)
    network_coords = _join_start(head[-1], network_coords)
    network_coords = list(reversed(_join_start(tail[0], list(reversed(network_coords)))))
    method: Method = "refined" if start or end or patched else "searoute"
    return _finish([*head, *network_coords, *tail], passages, method, origin, destination)


def _finish(
    coords: list[tuple[float, float]],
    passages: tuple[str, ...],
    method: Method,
    origin: LonLat,
    destination: LonLat,
) -> _Path:
    """Unwrap, drop repeated vertices, and measure the connectors at both ends."""
    cleaned = _rounded(unwrap_longitudes(coords))
    return _Path(
        coords=cleaned,
        passages=passages,
        method=method,
        origin_gap_km=great_circle_km(origin, cleaned[1]),
        destination_gap_km=great_circle_km(destination, cleaned[-2]),
    )


def _rounded(coords: Iterable[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Coordinates rounded to `COORD_DECIMALS`, without consecutive duplicates."""
    kept: list[tuple[float, float]] = []
    for lon, lat in coords:
        point = (round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS))
        if not kept or point != kept[-1]:
            kept.append(point)
    return tuple(kept)


def _n_points(a: LonLat, b: LonLat) -> int:
    return max(2, math.ceil(great_circle_km(a, b) / DENSIFY_KM) + 1)


def _densify(waypoints: Sequence[LonLat]) -> list[tuple[float, float]]:
    """Waypoints joined by great-circle arcs with a vertex every `DENSIFY_KM` or so."""
    coords: list[tuple[float, float]] = [waypoints[0]]
    for a, b in itertools.pairwise(waypoints):
        coords.extend(interpolate_great_circle(a, b, _n_points(a, b))[1:])
    return coords


def _searoute_path(
    origin: LonLat, destination: LonLat, restrictions: tuple[str, ...]
) -> tuple[list[tuple[float, float]], tuple[str, ...]] | None:
    """searoute's path (unwrapped coordinates) and its passages in travel order; None if it fails."""
    import searoute  # on first use: with routes from a disk cache a process never needs it (0.7 s)

    try:
        with _SEAROUTE_LOCK, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            feature = searoute.searoute(
                list(origin),
                list(destination),
                units="naut",
                restrictions=list(restrictions),
                return_passages=True,
            )
    except Exception:  # searoute raises bare Exceptions; any failure means "no network path"
        return None
    coords = [(float(x), float(y)) for x, y in feature["geometry"]["coordinates"]]
    if len(coords) < 2 or any("No path found" in str(w.message) for w in caught):
        return None
    names = [p for p in feature["properties"].get("traversed_passages", []) if p in REPORTED_PASSAGES]
    return coords, _order_passages(names, coords)


def _order_passages(names: Iterable[str], coords: Sequence[tuple[float, float]]) -> tuple[str, ...]:
    """Passages sorted by where the route passes them (searoute returns an unordered set)."""
    locations = passage_locations()
    vertices = _unit_vectors(coords)

    def position(name: str) -> int:
        # The nearest vertex has the largest dot product with the passage's unit vector.
        return int(np.argmax(vertices @ _unit_vectors([locations[name]])[0]))

    return tuple(sorted(set(names), key=position))


def _unit_vectors(coords: Sequence[Sequence[float]]) -> np.ndarray:
    lon, lat = np.radians(np.asarray(coords, dtype=float)[:, :2]).T
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


_PASSAGE_LOCATIONS: dict[str, LonLat] = {}


def passage_locations() -> dict[str, LonLat]:
    """Mean position of the network edges searoute tags with each passage name (computed once per
    process, or given by `preload_route_paths`; read-only)."""
    if not _PASSAGE_LOCATIONS:
        located = _locate_passages()
        with _KNOWN_LOCK:
            _PASSAGE_LOCATIONS.update(located)
    return _PASSAGE_LOCATIONS


def _locate_passages() -> dict[str, LonLat]:
    import searoute  # see _searoute_path

    graph = searoute.setup_M()
    sums: dict[str, list[float]] = {}
    for u, neighbours in graph.adj.items():
        for v, data in neighbours.items():
            name = data.get("passage")
            if name in REPORTED_PASSAGES:
                # Unit vectors, not lon/lat, so that Bering's edges on both sides of ±180° average
                # to a point in the strait rather than in Africa.
                acc = sums.setdefault(name, [0.0, 0.0, 0.0])
                for lon, lat in (u, v):
                    lam, phi = math.radians(lon), math.radians(lat)
                    acc[0] += math.cos(phi) * math.cos(lam)
                    acc[1] += math.cos(phi) * math.sin(lam)
                    acc[2] += math.sin(phi)
    return {
        name: (math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y))))
        for name, (x, y, z) in sums.items()
    }


def _passage_reference_nm(origin: LonLat, destination: LonLat, passages: Sequence[str]) -> float:
    """Great-circle chain origin → each passage used, in order → destination."""
    locations = passage_locations() if passages else {}
    chain = [origin, *(locations[name] for name in passages), destination]
    return path_length_km(chain) / KM_PER_NM


def _join_start(anchor: tuple[float, float], coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Join a connector from ``anchor`` to searoute's path at the path's nearest point near its start.

    searoute snaps an endpoint to its nearest network node, which may lie beyond the port: the line
    would then overshoot and double back. Only the first `JOIN_SEARCH_KM` of the path are searched,
    so a route that later passes close to its start again is not cut short.
    """
    prefix_end = 1
    travelled = 0.0
    while prefix_end < len(coords) - 1 and travelled < JOIN_SEARCH_KM:
        travelled += great_circle_km(coords[prefix_end - 1], coords[prefix_end])
        prefix_end += 1
    anchor_near = (anchor[0] + 360.0 * round((coords[0][0] - anchor[0]) / 360.0), anchor[1])
    prefix = LineString(coords[: prefix_end + 1])
    along = prefix.project(Point(anchor_near))
    if along <= 0.0:
        return coords
    joined = prefix.interpolate(along)
    # Drop the vertices the join point has passed.
    cumulative = 0.0
    for i in range(1, len(coords)):
        cumulative += math.dist(coords[i - 1], coords[i])
        if cumulative >= along:
            return [(joined.x, joined.y), *coords[i:]]
    return coords


CANALS: tuple[str, ...] = ("panama", "suez")
"""Passages that cut through land: a world land layer draws them as land."""


def canal_zones(buffer_km: float = 20.0) -> BaseGeometry:
    """Area within ``buffer_km`` of searoute's Suez and Panama edges, to exempt from land checks."""
    import searoute  # see _searoute_path

    graph = searoute.setup_M()
    edges = [
        LineString([u, v])
        for u, neighbours in graph.adj.items()
        for v, data in neighbours.items()
        if data.get("passage") in CANALS
    ]
    # Degrees of latitude are ~111 km everywhere; both canals are near the equator, where degrees of
    # longitude are too, so a planar buffer is accurate enough here.
    return shapely.union_all([edge.buffer(buffer_km / 111.0) for edge in edges])


def clear_route_cache() -> None:
    """Forget every cached route (for benchmarks and for tests that patch searoute)."""
    _sea_route_cached.cache_clear()
    _route_path.cache_clear()
    with _KNOWN_LOCK:
        _KNOWN_PATHS.clear()
