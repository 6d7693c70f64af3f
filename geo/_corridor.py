"""Road and rail corridors from curated waypoints, and air links as great-circle arcs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import LineString, MultiLineString

from ._antimeridian import split_at_antimeridian
from ._distance import KM_PER_NM, LonLat, great_circle_km, interpolate_great_circle, path_length_km


@dataclass(frozen=True)
class LandRoute:
    """A road or rail corridor drawn through its waypoints; ``length_km`` joins them by great circles."""

    geometry: LineString
    length_km: float


@dataclass(frozen=True)
class LengthDifference:
    """Computed against published length: positive when the drawing is longer than published."""

    computed_km: float
    published_km: float
    difference_km: float
    difference_pct: float


@dataclass(frozen=True)
class AirArc:
    """A great-circle arc between two airports, split at the antimeridian when it crosses it."""

    geometry: LineString | MultiLineString
    distance_km: float
    distance_nm: float


def land_route(waypoints: Sequence[Sequence[float]]) -> LandRoute:
    """Corridor through curated (lon, lat) waypoints, in order.

    Waypoints are towns and stations on the line, so the length is a lower bound of the track
    length: compare it with the published figure through `length_difference`.
    """
    points = [(float(w[0]), float(w[1])) for w in waypoints]
    if len(points) < 2:
        raise ValueError("a corridor needs at least two waypoints")
    return LandRoute(geometry=LineString(points), length_km=path_length_km(points))


def length_difference(computed_km: float, published_km: float) -> LengthDifference:
    """Difference between a drawn length and the published one, in km and percent of published."""
    if not published_km > 0:
        raise ValueError("published_km must be > 0")
    difference = computed_km - published_km
    return LengthDifference(
        computed_km=computed_km,
        published_km=published_km,
        difference_km=difference,
        difference_pct=100.0 * difference / published_km,
    )


def air_arc(a: LonLat, b: LonLat, n_points: int = 64) -> AirArc:
    """Great-circle arc from a to b with ``n_points`` vertices, and its length."""
    distance_km = great_circle_km(a, b)
    coords = interpolate_great_circle(a, b, n_points)
    return AirArc(
        geometry=split_at_antimeridian(coords),
        distance_km=distance_km,
        distance_nm=distance_km / KM_PER_NM,
    )
