"""Distances on a spherical Earth.

Everything here works on unit vectors rather than on planar lon/lat, so a segment that crosses ±180°
(or uses unwrapped longitudes such as 241.9°) is measured the short way, exactly as a ship or plane
would fly it. The sphere has the IUGG mean radius; the error against the WGS84 ellipsoid is below
0.5 %, far smaller than the uncertainty of any curated route.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius (same value searoute uses)."""

KM_PER_NM = 1.852
"""Exact, by definition of the international nautical mile."""

LonLat = tuple[float, float]


def _to_unit_vectors(coords: np.ndarray) -> np.ndarray:
    """Convert an (n, 2) array of lon/lat degrees to (n, 3) unit vectors."""
    lon = np.radians(coords[:, 0])
    lat = np.radians(coords[:, 1])
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def _angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Central angle (radians) between unit vectors, row by row.

    atan2 of cross and dot stays accurate for both tiny and near-antipodal angles, unlike acos.
    """
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    dot = np.einsum("...i,...i->...", u, v)
    return np.arctan2(cross, dot)


def great_circle_km(a: LonLat, b: LonLat) -> float:
    """Great-circle distance in km between two (lon, lat) points.

    The Vincenty form of the spherical central angle (atan2 of two sums), accurate for points both very
    close and nearly antipodal; plain floats because this is called per vertex in hot loops.
    """
    lon1, lat1, lon2, lat2 = (math.radians(float(v)) for v in (a[0], a[1], b[0], b[1]))
    dlon = lon2 - lon1
    sin1, cos1, sin2, cos2 = math.sin(lat1), math.cos(lat1), math.sin(lat2), math.cos(lat2)
    across = math.hypot(cos2 * math.sin(dlon), cos1 * sin2 - sin1 * cos2 * math.cos(dlon))
    along = sin1 * sin2 + cos1 * cos2 * math.cos(dlon)
    return math.atan2(across, along) * EARTH_RADIUS_KM


def great_circle_nm(a: LonLat, b: LonLat) -> float:
    """Great-circle distance in nautical miles between two (lon, lat) points."""
    return great_circle_km(a, b) / KM_PER_NM


def path_length_km(coords: Iterable[Sequence[float]]) -> float:
    """Length in km of a path given as (lon, lat) vertices joined by great-circle segments."""
    array = np.asarray([(float(c[0]), float(c[1])) for c in coords], dtype=float)
    if len(array) < 2:
        return 0.0
    vectors = _to_unit_vectors(array)
    return float(_angle_between(vectors[:-1], vectors[1:]).sum() * EARTH_RADIUS_KM)


def geometry_length_km(geometry: BaseGeometry) -> float:
    """Great-circle length in km of a (Multi)LineString; parts are summed, never joined."""
    return sum(path_length_km(part.coords) for part in _line_parts(geometry))


def _line_parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    """Linear parts of any geometry: lines as they are, polygon rings as boundaries."""
    parts: list[BaseGeometry] = []
    for part in shapely.get_parts(geometry):
        if part.geom_type == "LineString" or part.geom_type == "LinearRing":
            parts.append(part)
        elif part.geom_type == "Polygon":
            parts.extend(shapely.get_parts(part.boundary))
        elif part.geom_type == "GeometryCollection":
            parts.extend(_line_parts(part))
    return parts


def _point_to_segments_angle(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest central angle from unit vector p to each great-circle segment a[i]-b[i].

    The foot of the perpendicular from p onto the great circle through a and b counts only when it
    falls between a and b; otherwise the nearer endpoint is the closest point.
    """
    normal = np.cross(a, b)
    norm = np.linalg.norm(normal, axis=1)
    to_ends = np.minimum(_angle_between(p, a), _angle_between(p, b))
    valid = norm > 1e-15
    unit_normal = np.zeros_like(normal)
    unit_normal[valid] = normal[valid] / norm[valid, None]
    foot = p - np.einsum("ij,j->i", unit_normal, p)[:, None] * unit_normal
    inside = (np.einsum("ij,ij->i", np.cross(a, foot), unit_normal) >= 0) & (
        np.einsum("ij,ij->i", np.cross(foot, b), unit_normal) >= 0
    )
    cross_track = np.abs(np.arcsin(np.clip(unit_normal @ p, -1.0, 1.0)))
    return np.where(valid & inside, np.minimum(cross_track, to_ends), to_ends)


def distance_to_geometry_km(point: LonLat, geometry: BaseGeometry) -> float:
    """Great-circle distance in km from a (lon, lat) point to the nearest point of a geometry.

    Lines and polygon boundaries are treated as chains of great-circle segments; a point inside a
    polygon is at distance 0. Points and multipoints are measured vertex by vertex.
    """
    if geometry.is_empty:
        raise ValueError("distance to an empty geometry is undefined")
    where = shapely.Point(point)
    parts = shapely.get_parts(geometry)
    if any(part.geom_type == "Polygon" and part.covers(where) for part in _flatten(parts)):
        return 0.0
    p = _to_unit_vectors(np.array([point], dtype=float))[0]
    best = np.inf
    for line in _line_parts(geometry):
        vectors = _to_unit_vectors(np.asarray(line.coords, dtype=float)[:, :2])
        if len(vectors) == 1:
            best = min(best, float(_angle_between(p, vectors[0])))
        else:
            best = min(best, float(_point_to_segments_angle(p, vectors[:-1], vectors[1:]).min()))
    for part in _flatten(parts):
        if part.geom_type == "Point":
            vector = _to_unit_vectors(np.array([part.coords[0][:2]], dtype=float))[0]
            best = min(best, float(_angle_between(p, vector)))
    return float(best * EARTH_RADIUS_KM)


def _flatten(parts: Iterable[BaseGeometry]) -> list[BaseGeometry]:
    """Single-part geometries, descending into geometry collections."""
    flat: list[BaseGeometry] = []
    for part in parts:
        if part.geom_type == "GeometryCollection":
            flat.extend(_flatten(shapely.get_parts(part)))
        else:
            flat.append(part)
    return flat


def _continue_longitude(previous: float, lon: float) -> float:
    """``lon`` shifted by whole turns to lie within 180° of ``previous``."""
    return lon + 360.0 * round((previous - lon) / 360.0)


def interpolate_great_circle(a: LonLat, b: LonLat, n_points: int) -> list[tuple[float, float]]:
    """``n_points`` vertices evenly spaced along the great circle from a to b, both ends included.

    Spherical linear interpolation of unit vectors. Longitudes come back continuous (the first is
    a's, each next within 180° of the last), so an arc over the Pacific may leave [-180, 180] and
    must be split before storage.
    """
    if n_points < 2:
        raise ValueError("n_points must be >= 2")
    ends = _to_unit_vectors(np.array([a, b], dtype=float))
    omega = float(_angle_between(ends[0], ends[1]))
    if np.isclose(omega, np.pi):
        raise ValueError("antipodal points have no unique great circle")
    t = np.linspace(0.0, 1.0, n_points)[1:-1]
    if omega < 1e-12:
        inner = np.repeat(ends[:1], len(t), axis=0)
    else:
        inner = (np.sin((1 - t) * omega)[:, None] * ends[0] + np.sin(t * omega)[:, None] * ends[1]) / np.sin(
            omega
        )
    lons = np.degrees(np.arctan2(inner[:, 1], inner[:, 0]))
    lats = np.degrees(np.arcsin(np.clip(inner[:, 2], -1.0, 1.0)))
    points: list[tuple[float, float]] = [(float(a[0]), float(a[1]))]
    for lon, lat in zip(lons, lats, strict=True):
        points.append((_continue_longitude(points[-1][0], float(lon)), float(lat)))
    points.append((_continue_longitude(points[-1][0], float(b[0])), float(b[1])))
    return points
