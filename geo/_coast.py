"""The coastline the coastal router sails along: land polygons, fine where we have them, coarse elsewhere.

A `Coastline` holds Natural Earth 1:10m land inside a few windows (the regions the app draws up close)
and 1:50m land for the rest of the world. geo never reads files: `default_coastline` asks
``loaders.basemap`` for the committed layers, and every public function also accepts a coastline
passed in, so tests can route over land they build themselves.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from ._distance import LonLat, great_circle_km

Bounds = tuple[float, float, float, float]
"""west, south, east, north in degrees."""


class InlandPointError(ValueError):
    """A route endpoint lies too far from the sea to be a port on it (or in a lake)."""


@dataclass(frozen=True, eq=False)
class Coastline:
    """Land to route around: ``fine`` polygons are authoritative inside ``fine_windows``, ``coarse``
    polygons everywhere else. Compared and hashed by identity (it is a cache key)."""

    fine: tuple[Polygon, ...]
    fine_windows: tuple[Bounds, ...]
    coarse: tuple[Polygon, ...]
    fine_name: str = "Natural Earth 1:10m"
    coarse_name: str = "Natural Earth 1:50m"
    _fine_tree: shapely.STRtree = field(init=False, repr=False)
    _coarse_tree: shapely.STRtree = field(init=False, repr=False)
    _windows: BaseGeometry = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fine_tree", shapely.STRtree(self.fine))
        object.__setattr__(self, "_coarse_tree", shapely.STRtree(self.coarse))
        object.__setattr__(self, "_windows", shapely.union_all([box(*b) for b in self.fine_windows]))

    def is_fine_at(self, point: LonLat) -> bool:
        """True where the fine layer is authoritative."""
        return any(w <= point[0] <= e and s <= point[1] <= n for w, s, e, n in self.fine_windows)

    def resolution_at(self, point: LonLat) -> str:
        return self.fine_name if self.is_fine_at(point) else self.coarse_name

    def land_in(self, bounds: Bounds) -> BaseGeometry:
        """All land inside ``bounds``: fine inside the fine windows, coarse outside them. Prepared."""
        window = box(*bounds)
        pieces: list[BaseGeometry] = []
        fine_cover = window.intersection(self._windows)
        if not fine_cover.is_empty:
            for index in self._fine_tree.query(fine_cover):
                pieces.extend(_polygons(self.fine[index].intersection(fine_cover)))
        coarse_cover = window.difference(self._windows)
        if not coarse_cover.is_empty:
            for index in self._coarse_tree.query(coarse_cover):
                pieces.extend(_polygons(self.coarse[index].intersection(coarse_cover)))
        # Only areas: an intersection can also yield the lines or points where land touches a window's
        # edge, which would stand in a route's way like a wall.
        land = shapely.union_all(pieces) if pieces else Polygon()
        shapely.prepare(land)
        return land


@dataclass(frozen=True)
class CoastSnap:
    """Where a route endpoint meets the sea on the coastline.

    ``coast_km`` is 0 for a point at sea; otherwise the distance over land (a harbour basin, a dock or
    a river the coastline does not resolve) to the nearest water, at ``water``.
    """

    point: LonLat
    water: LonLat
    coast_km: float
    resolution: str


SNAP_SEARCH_KM = 200.0
"""How far inland a point may be for its distance to the sea to be measured exactly; beyond, the
error says "more than" this."""


def snap_to_water(point: LonLat, coastline: Coastline) -> CoastSnap:
    """The nearest point at sea (just off the coast) for ``point``; the point itself when at sea."""
    resolution = coastline.resolution_at(point)
    land = coastline.land_in(_around(point, SNAP_SEARCH_KM))
    here = Point(point)
    if not land.intersects(here):
        return CoastSnap(point, point, 0.0, resolution)
    # The nearest coast point is nudged seawards so that the water point is not on the boundary.
    coast = _nearest_coast_point(land, point, math.cos(math.radians(point[1])))
    if coast is None:
        raise InlandPointError(
            f"({point[0]:.5f}, {point[1]:.5f}) is more than {SNAP_SEARCH_KM:.0f} km from the sea "
            f"({resolution} coastline)"
        )
    water = _step_off(coast, point, land)
    return CoastSnap(point, water, great_circle_km(point, water), resolution)


def _nearest_coast_point(land: BaseGeometry, point: LonLat, scale: float) -> LonLat | None:
    """Nearest point of the land's boundary, measured in a frame stretched by cos(lat) so that
    degrees of longitude count as much as they measure; None if only the search box's edge is near."""
    boundary = land.boundary
    if boundary.is_empty:
        return None
    stretched = shapely.affinity.scale(boundary, xfact=scale, yfact=1.0, origin=point)
    _, nearest = nearest_points(Point(point), stretched)
    coast = (point[0] + (nearest.x - point[0]) / scale, nearest.y)
    window = _around(point, SNAP_SEARCH_KM)
    # A nearest point on the window's cut edge is not coast: the sea is farther than the search.
    west, south, east, north = window
    on_edge = min(abs(coast[0] - west), abs(coast[0] - east), abs(coast[1] - south), abs(coast[1] - north))
    if on_edge < 1e-9:
        return None
    return coast


def _step_off(coast: LonLat, inland: LonLat, land: BaseGeometry) -> LonLat:
    """A point just beyond the coast, on the far side from ``inland``, that is not on land."""
    dx, dy = coast[0] - inland[0], coast[1] - inland[1]
    norm = math.hypot(dx, dy) or 1.0
    for step in (0.0005, 0.001, 0.002, 0.004, 0.008):
        candidate = (coast[0] + dx / norm * step, coast[1] + dy / norm * step)
        if not land.intersects(Point(candidate)):
            return candidate
    return coast


def _around(point: LonLat, half_km: float) -> Bounds:
    """A lon/lat box of about ``half_km`` either side of ``point``, clipped to the world."""
    half_lat = half_km / 111.195
    half_lon = half_lat / max(math.cos(math.radians(point[1])), 0.05)
    return (
        max(-180.0, point[0] - half_lon),
        max(-90.0, point[1] - half_lat),
        min(180.0, point[0] + half_lon),
        min(90.0, point[1] + half_lat),
    )


@dataclass(frozen=True)
class ListedPort:
    """A port from searoute's port list (UN/LOCODE-coded; the package's ``ports.geojson``)."""

    locode: str
    name: str
    point: LonLat
    km: float


@functools.cache
def _listed_ports() -> tuple[np.ndarray, tuple[tuple[str, str], ...]]:
    import json
    from pathlib import Path

    import searoute

    path = Path(searoute.__file__).parent / "data" / "ports.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    coords = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype=float)
    names = tuple(
        (str(f["properties"].get("port", "")), str(f["properties"].get("name", ""))) for f in features
    )
    return coords, names


def nearest_listed_port(point: LonLat) -> ListedPort:
    """The nearest port in searoute's UN/LOCODE list."""
    coords, names = _listed_ports()
    lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    lon0, lat0 = math.radians(point[0]), math.radians(point[1])
    cos_angle = np.sin(lat) * math.sin(lat0) + np.cos(lat) * math.cos(lat0) * np.cos(lon - lon0)
    index = int(np.argmax(cos_angle))
    nearest = (float(coords[index, 0]), float(coords[index, 1]))
    return ListedPort(names[index][0], names[index][1], nearest, great_circle_km(point, nearest))


LandInput = BaseGeometry | Sequence[BaseGeometry]


def _polygons(geometry: LandInput) -> tuple[Polygon, ...]:
    parts = shapely.get_parts(np.asarray(geometry if isinstance(geometry, Sequence) else [geometry]))
    return tuple(p for p in parts if isinstance(p, Polygon) and not p.is_empty)


def coastline_from(fine: LandInput, fine_windows: Sequence[Bounds], coarse: LandInput) -> Coastline:
    """A coastline from land geometries: polygons, multipolygons or sequences of them, which need not
    be unioned (the land of one layer does not overlap itself)."""
    return Coastline(_polygons(fine), tuple(tuple(map(float, b)) for b in fine_windows), _polygons(coarse))  # type: ignore[arg-type]


@functools.cache
def default_coastline() -> Coastline:
    """The repository's Natural Earth coastline (1:10m windows, 1:50m world), read once.

    The import is here rather than at module level: only the loaders know where the basemap lives,
    and geo stays importable and usable with a coastline passed in when the files are absent.
    """
    from loaders.basemap import routing_coastline

    return routing_coastline()
