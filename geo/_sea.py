"""Sea legs: a coastal router near the ports, searoute's network across the oceans, measured and checked.

Each endpoint is snapped to the sea on the coastline (`snap_to_water`): a port in a harbour or dock that
the coastline draws as land is joined straight to the nearest water (its *gap*); a river port, more than
`HARBOUR_KM` from the sea but listed as a port by searoute (UN/LOCODE), is joined along its river,
reported as ``river_nm``; anything else inland raises `InlandPointError`. From the water point a
least-cost path over a raster of the coastline (`_raster`) reaches every network node in a window
around the port; one Dijkstra search over searoute's network (`_network`) then picks the join nodes and
the ocean path together, or a direct coastal path when both ports share a raster window and that is
shorter. Coastal stretches are straightened against the vector land, so they do not cut it.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, get_args

import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from ._antimeridian import split_at_antimeridian, unwrap_longitudes
from ._coast import (
    Bounds,
    Coastline,
    CoastSnap,
    InlandPointError,
    _around,
    default_coastline,
    nearest_listed_port,
    snap_to_water,
)
from ._distance import (
    KM_PER_NM,
    LonLat,
    great_circle_km,
    great_circle_nm,
    interpolate_great_circle,
    path_length_km,
)
from ._network import Network, network, node_coords, shortest_path
from ._passages import REPORTED_PASSAGES, resolve_closed, restrictions_for
from ._patches import apply_patches
from ._raster import cost_field, pull_taut, water_grid

Method = Literal["searoute", "refined", "great_circle_fallback"]
"""``refined``: routed by the coastal router at both ends (and searoute's network between them unless
``via_network`` is False); ``great_circle_fallback``: no sea path was found. ``searoute`` (plain network
path) is no longer produced; the name stays valid for stored results and translations."""
METHODS: frozenset[str] = frozenset(get_args(Method))

DEFAULT_SPEED_KN = 14.0
"""Planning speed when a caller gives none: a round slow-steaming figure for container ships, an
assumption of this project rather than a published service speed."""

DENSIFY_KM = 50.0
"""Vertex spacing for great-circle fallbacks."""

HARBOUR_KM = 5.0
"""An endpoint up to this far from the sea on the 1:10m coastline is a harbour, dock or reclaimed
terminal that the coastline draws as land (Tân Vũ 2 km, Lạch Huyện 1.8 km, Antwerp 2.4 km)."""
COARSE_HARBOUR_KM = 12.0
"""The same on the 1:50m coastline, which is simplified by 0.03° (~3 km) and closes many estuaries."""
RIVER_PORT_MAX_KM = 150.0
"""A listed port up to this far from the sea is a river port (Kolkata: 43 km up the Hooghly from the
1:10m estuary)."""
LISTED_PORT_MATCH_KM = 10.0
"""An endpoint is a listed port when searoute's UN/LOCODE port list has one within this distance."""

ACCESS_WINDOWS: tuple[tuple[float, float], ...] = ((150.0, 1.0), (400.0, 2.0), (800.0, 4.0))
"""(half size, cell size) in km of the rasters tried, in order, to join an endpoint to the network:
searoute's nodes are 20-200 km apart along coasts; open-ocean points need the larger window."""
COARSE_CELL_FACTOR = 2.0
"""Cells are this much larger where only the 1:50m coastline is known (simplified by ~3 km anyway)."""
MAX_LINKS = 40
"""Network nodes an endpoint links to (the nearest through water)."""
OCEAN_SHORTCUT_MAX_KM = 2500.0
"""Longest straight segment that straightening the network path may draw."""
DIRECT_MAX_KM = 1200.0
"""Legs shorter than this are also tried entirely on one raster (Qinzhou → Hai Phong)."""
DIRECT_MARGIN_KM = 120.0
DIRECT_CELL_KM = 1.0
DIRECT_MAX_CELLS = 800
"""Cells along the longer side of a direct-leg raster, at most: bounds time and memory."""

COORD_DECIMALS = 6
"""~0.1 m: removes float noise from unwrapping without moving anything visibly."""


@dataclass(frozen=True)
class SeaRoute:
    """One sea leg between two (lon, lat) points.

    ``geometry`` has longitudes in [-180, 180] and is split at the antimeridian (MultiLineString) when
    it crosses it. ``detour_ratio`` is route length over great-circle length; where land forces a
    long way round (Hai Phong → Kolkata passes Singapore), ``passage_detour_ratio`` compares instead
    with the great-circle chain through the passages the route uses.

    The gaps are the straight connectors from each endpoint to the sea on the coastline (0 at sea): a
    harbour basin or dock the coastline draws as land, or, for a river port, its river, drawn straight
    and counted in ``river_nm`` (the coastline has no rivers). ``origin_network_nm`` and
    ``destination_network_nm`` are the great-circle distances from each endpoint to searoute's nearest
    network node (where plain searoute would have started); ``coastal_nm`` is the length routed by the
    coastal router rather than taken from the network; ``coastline`` names the land it routed around;
    ``via_network`` is False for a short leg routed entirely along the coast.
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
    river_nm: float = 0.0
    coastal_nm: float = 0.0
    origin_network_nm: float = 0.0
    destination_network_nm: float = 0.0
    coastline: tuple[str, ...] = ()
    via_network: bool = True


@dataclass(frozen=True)
class _Path:
    """The speed-independent part of a route, cached once per (origin, destination, closures)."""

    coords: tuple[tuple[float, float], ...]
    passages: tuple[str, ...]
    method: Method
    origin_gap_km: float
    destination_gap_km: float
    river_km: float
    coastal_km: float
    origin_network_km: float
    destination_network_km: float
    coastline: tuple[str, ...] = ()
    via_network: bool = False


def sea_route(
    origin: Sequence[float],
    destination: Sequence[float],
    closed: Iterable[str] = (),
    speed_kn: float = DEFAULT_SPEED_KN,
) -> SeaRoute:
    """Sea route between two (lon, lat) points with the named passages closed.

    ``closed`` takes passage names (see `CLOSABLE_PASSAGES`) and the shorthand ``red_sea``; the Arctic
    passages are always closed. Raises ValueError for unknown names, identical endpoints or a
    non-positive speed, and InlandPointError (a ValueError) for an endpoint that is neither at sea,
    nor in a harbour, nor a listed river port. Results are cached: repeated calls cost a dictionary
    lookup.
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
        river_nm=path.river_km / KM_PER_NM,
        coastal_nm=path.coastal_km / KM_PER_NM,
        origin_network_nm=path.origin_network_km / KM_PER_NM,
        destination_network_nm=path.destination_network_km / KM_PER_NM,
        coastline=path.coastline,
        via_network=path.via_network,
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
    """A route and its reverse are one path: the greedy straightening depends on its direction, so
    each pair is routed in one canonical direction and reversed for the other (exactly symmetric).
    Paths given by `preload_route_paths` (a disk cache outside geo) are taken as they are."""
    key = (origin, destination, closed)
    known = _KNOWN_PATHS.get(key)
    if known is not None:
        return known
    if destination < origin:
        path = _reversed(_route_path(destination, origin, closed))
    else:
        path = _route_path_forward(origin, destination, closed)
    with _KNOWN_LOCK:
        _KNOWN_PATHS[key] = path
    return path


# The measured lengths of a path, stored as plain numbers in a snapshot.
_PATH_KM_FIELDS: tuple[str, ...] = (
    "origin_gap_km",
    "destination_gap_km",
    "river_km",
    "coastal_km",
    "origin_network_km",
    "destination_network_km",
)


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
            "coastline": list(path.coastline),
            "via_network": path.via_network,
            **{name: getattr(path, name) for name in _PATH_KM_FIELDS},
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
        parsed[key] = _Path(
            coords=coords,
            passages=tuple(str(name) for name in record["passages"]),
            method=method,
            coastline=tuple(str(name) for name in record["coastline"]),
            via_network=bool(record["via_network"]),
            **{name: float(record[name]) for name in _PATH_KM_FIELDS},
        )
    locations = {str(name): _as_point(point) for name, point in snapshot["passage_locations"].items()}
    if any(name not in locations for path in parsed.values() for name in path.passages):
        raise ValueError("a route passes a passage whose position is not given")
    with _KNOWN_LOCK:
        _KNOWN_PATHS.update(parsed)
        if locations and not _PASSAGE_LOCATIONS:
            _PASSAGE_LOCATIONS.update(locations)
    return len(parsed)


def _reversed(path: _Path) -> _Path:
    return replace(
        path,
        coords=tuple(reversed(path.coords)),
        passages=tuple(reversed(path.passages)),
        origin_gap_km=path.destination_gap_km,
        destination_gap_km=path.origin_gap_km,
        origin_network_km=path.destination_network_km,
        destination_network_km=path.origin_network_km,
        coastline=tuple(reversed(path.coastline)),
    )


def _route_path_forward(origin: LonLat, destination: LonLat, closed: tuple[str, ...]) -> _Path:
    """Coastal access at both ends, searoute's network in between (or a direct coastal path)."""
    coastline = default_coastline()
    try:
        net: Network | None = network()
    except Exception:  # a broken or missing network means "no network path", as for searoute itself
        net = None
    start = _access(origin, coastline, net)
    end = _access(destination, coastline, net)
    direct = _direct_path(start.snap.water, end.snap.water, coastline)
    path = (
        shortest_path(
            net,
            restrictions_for(closed),
            {node: link.km for node, link in start.links.items()},
            {node: link.km for node, link in end.links.items()},
            direct_km=direct.km if direct else None,
        )
        if net is not None
        else None
    )
    if path is None:
        arc = interpolate_great_circle(origin, destination, _n_points(origin, destination))
        return _Path(
            _rounded(arc),
            (),
            "great_circle_fallback",
            0.0,
            0.0,
            0.0,
            0.0,
            start.nearest_node_km,
            end.nearest_node_km,
        )

    if not path.nodes:
        assert direct is not None
        coords = [origin, *direct.coords, destination]
        coastal_km = path_length_km(direct.coords)
    else:
        assert net is not None
        first, last = path.nodes[0], path.nodes[-1]
        lead_in = start.taut_path(net.node(first), first, coastline)
        lead_out = list(reversed(end.taut_path(net.node(last), last, coastline)))
        coastal_km = path_length_km(lead_in) + path_length_km(lead_out)
        sea, _ = apply_patches(_smooth(lead_in, net, path.nodes, lead_out, coastline))
        coords = [origin, *sea, destination]
    passages = tuple(dict.fromkeys(p for p in path.passages if p in REPORTED_PASSAGES))
    return _finish(coords, passages, start, end, coastal_km, via_network=bool(path.nodes))


def _finish(
    coords: list[tuple[float, float]],
    passages: tuple[str, ...],
    start: _Access,
    end: _Access,
    coastal_km: float,
    via_network: bool,
) -> _Path:
    """Unwrap, drop repeated vertices, and carry the endpoint measurements."""
    cleaned = _rounded(unwrap_longitudes(coords))
    origin_gap_km = great_circle_km(cleaned[0], cleaned[1])
    destination_gap_km = great_circle_km(cleaned[-2], cleaned[-1])
    return _Path(
        coords=cleaned,
        passages=passages,
        method="refined",
        origin_gap_km=origin_gap_km,
        destination_gap_km=destination_gap_km,
        river_km=origin_gap_km * start.river + destination_gap_km * end.river,
        coastal_km=coastal_km,
        origin_network_km=start.nearest_node_km,
        destination_network_km=end.nearest_node_km,
        coastline=tuple(dict.fromkeys((start.snap.resolution, end.snap.resolution))),
        via_network=via_network,
    )


def _smooth(
    lead_in: Sequence[LonLat],
    net: Network,
    nodes: Sequence[int],
    lead_out: Sequence[LonLat],
    coastline: Coastline,
) -> list[tuple[float, float]]:
    """The whole sea path (coastal lead-in, network, lead-out) with its zig-zags pulled taut.

    searoute's lanes bend at nodes placed for many routes at once; a single route that visits a node
    only to turn back (Sunda → Kolkata with Malacca closed, past Sri Lanka's lanes; a port whose
    nearest lane runs the other way) is straightened where the straight line stays at sea. Nodes at
    the ends of passage edges (straits and canals) are kept, so straightening never changes the
    passages a route uses.
    """
    offset = len(lead_in) - 1
    coords = unwrap_longitudes([*lead_in, *node_coords(net, nodes)[1:-1], *lead_out])
    fixed = {0, len(coords) - 1}
    for i, (a, b) in enumerate(itertools.pairwise(nodes)):
        if (a, b) in net.passage_of:
            fixed.update((offset + i, offset + i + 1))
    smoothed: list[tuple[float, float]] = [coords[0]]
    for lo, hi in itertools.pairwise(sorted(fixed)):
        piece = coords[lo : hi + 1]
        lons = [lon for lon, _ in piece]
        if hi - lo < 2 or min(lons) < -180.0 or max(lons) > 180.0:
            smoothed.extend(piece[1:])
            continue
        lats = [lat for _, lat in piece]
        land = _window_land((min(lons), min(lats), max(lons), max(lats)), coastline)
        smoothed.extend(pull_taut(piece, land, max_km=OCEAN_SHORTCUT_MAX_KM)[1:])
    return smoothed


@dataclass(frozen=True)
class _Link:
    """A way through water from an endpoint's water point to one network node."""

    km: float
    cells: tuple[LonLat, ...]


@dataclass(frozen=True)
class _Access:
    """How one endpoint reaches the sea and the network: its coast snap, whether the stretch to the
    sea is a river, and links to the network nodes of a window around it."""

    snap: CoastSnap
    river: bool
    links: dict[int, _Link]
    bounds: Bounds
    nearest_node_km: float

    def taut_path(self, node_point: LonLat, node: int, coastline: Coastline) -> list[tuple[float, float]]:
        """Start cell → ... → network node, straightened against the window's land."""
        raw = [*self.links[node].cells, node_point]
        return _taut(tuple(raw), self.bounds, coastline)


@lru_cache(maxsize=512)
def _taut(raw: tuple[LonLat, ...], bounds: Bounds, coastline: Coastline) -> list[tuple[float, float]]:
    return pull_taut(raw, _window_land(bounds, coastline))


@lru_cache(maxsize=16)
def _window_land(bounds: Bounds, coastline: Coastline) -> BaseGeometry:
    return coastline.land_in(bounds)


def _is_river_port(snap: CoastSnap, coastline: Coastline) -> bool:
    """Whether an endpoint's connector to the sea is a river; raises InlandPointError inland."""
    harbour_km = HARBOUR_KM if snap.resolution == coastline.fine_name else COARSE_HARBOUR_KM
    if snap.coast_km <= harbour_km:
        return False
    port = nearest_listed_port(snap.point)
    if snap.coast_km <= RIVER_PORT_MAX_KM and port.km <= LISTED_PORT_MATCH_KM:
        return True
    lon, lat = snap.point
    raise InlandPointError(
        f"({lon:.5f}, {lat:.5f}) is {snap.coast_km:.0f} km from the sea ({snap.resolution} coastline), "
        f"and no river port of searoute's UN/LOCODE list is within {LISTED_PORT_MATCH_KM:.0f} km "
        f"(nearest: {port.name} {port.locode}, {port.km:.0f} km): a sea leg must start and end at a "
        "port on the coast or on a river"
    )


def check_port(point: Sequence[float], coastline: Coastline | None = None) -> CoastSnap:
    """Where a sea leg from ``point`` meets the sea; raises InlandPointError when it cannot be a port
    (more than `HARBOUR_KM` from the sea and not a listed river port)."""
    coastline = coastline or default_coastline()
    snap = snap_to_water(_as_point(point), coastline)
    _is_river_port(snap, coastline)
    return snap


@lru_cache(maxsize=512)
def _access(point: LonLat, coastline: Coastline, net: Network | None) -> _Access:
    snap = snap_to_water(point, coastline)
    river = _is_river_port(snap, coastline)
    bounds = _around(snap.water, ACCESS_WINDOWS[0][0])
    if net is None:
        return _Access(snap, river, {}, bounds, math.inf)
    nearest_km = net.nearest_km(point)
    bounds = _around(snap.water, ACCESS_WINDOWS[-1][0])
    factor = 1.0 if coastline.is_fine_at(snap.water) else COARSE_CELL_FACTOR
    for half_km, cell_km in ACCESS_WINDOWS:
        bounds = _around(snap.water, half_km)
        grid = water_grid(coastline, bounds, cell_km * factor)
        start = grid.nearest_water(snap.water)
        if start is None:
            continue
        field = cost_field(grid, start)
        costs: dict[int, tuple[float, tuple[int, int]]] = {}
        for node in net.nodes_in(bounds):
            cell = grid.cell_of(net.node(node))
            if cell is None:
                continue
            km = float(field.km[cell])
            if math.isfinite(km):
                costs[int(node)] = (km + great_circle_km(grid.centre(cell), net.node(node)), cell)
        if costs:
            best = sorted(costs, key=lambda n: costs[n][0])[:MAX_LINKS]
            links = {n: _Link(costs[n][0], tuple(field.path_to(costs[n][1]))) for n in best}
            return _Access(snap, river, links, bounds, nearest_km)
    return _Access(snap, river, {}, bounds, nearest_km)


@dataclass(frozen=True)
class _Direct:
    km: float
    coords: tuple[LonLat, ...]


@lru_cache(maxsize=1024)
def _direct_path(a: LonLat, b: LonLat, coastline: Coastline) -> _Direct | None:
    """Shortest path through water between two water points close enough to share one raster."""
    span_km = great_circle_km(a, b)
    if span_km > DIRECT_MAX_KM or span_km < 1e-6:
        return None
    margin_km = max(DIRECT_MARGIN_KM, 0.4 * span_km)
    west, south, east, north = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
    lo, hi = _around((west, south), margin_km), _around((east, north), margin_km)
    bounds = (lo[0], lo[1], hi[2], hi[3])
    cell_km = max(DIRECT_CELL_KM, (span_km + 2 * margin_km) / DIRECT_MAX_CELLS)
    grid = water_grid(coastline, bounds, cell_km)
    start, goal = grid.nearest_water(a), grid.nearest_water(b)
    if start is None or goal is None:
        return None
    field = cost_field(grid, start, ports=(goal,))
    cost = float(field.km[goal])
    if not math.isfinite(cost):
        return None
    coords = tuple(pull_taut(field.path_to(goal), grid.land))
    return _Direct(cost, coords)


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
    # Imported on first use: a process whose routes all come from the disk cache never needs searoute
    # (0.7 s with networkx).
    import searoute

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
    if not passages:
        return great_circle_nm(origin, destination)
    locations = passage_locations()
    chain = [origin, *(locations[name] for name in passages), destination]
    return path_length_km(chain) / KM_PER_NM


CANALS: tuple[str, ...] = ("panama", "suez")
"""Passages that cut through land: a world land layer draws them as land."""


def canal_zones(buffer_km: float = 20.0) -> BaseGeometry:
    """Area within ``buffer_km`` of searoute's Suez and Panama edges, to exempt from land checks."""
    import searoute  # see _locate_passages

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
    _access.cache_clear()
    _direct_path.cache_clear()
    _taut.cache_clear()
    _window_land.cache_clear()
    with _KNOWN_LOCK:
        _KNOWN_PATHS.clear()
