"""Does a line cross land? Land is always passed in, so this module stays pure and testable."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from ._antimeridian import split_at_antimeridian
from ._distance import EARTH_RADIUS_KM, geometry_length_km

EndpointBuffer = float | tuple[float, float]


def geodesic_circle(center: tuple[float, float], radius_km: float, n_vertices: int = 64) -> Polygon:
    """Polygon of the points at ``radius_km`` along great circles from ``center`` (lon/lat).

    Used to exempt a port's surroundings, where coastlines in a world layer are too coarse to judge;
    not meant for circles that straddle ±180° or a pole.
    """
    lon0, lat0 = math.radians(center[0]), math.radians(center[1])
    delta = radius_km / EARTH_RADIUS_KM
    bearings = np.linspace(0.0, 2.0 * math.pi, n_vertices, endpoint=False)
    lat = np.arcsin(math.sin(lat0) * math.cos(delta) + math.cos(lat0) * math.sin(delta) * np.cos(bearings))
    lon = lon0 + np.arctan2(
        np.sin(bearings) * math.sin(delta) * math.cos(lat0),
        math.cos(delta) - math.sin(lat0) * np.sin(lat),
    )
    return Polygon(np.column_stack((np.degrees(lon), np.degrees(lat))))


def _outside_endpoints(
    line: BaseGeometry, endpoint_buffer_km: EndpointBuffer, exempt: BaseGeometry | None = None
) -> BaseGeometry:
    """The part of a route farther than the buffers from its first and last vertex, outside ``exempt``."""
    split = split_at_antimeridian(line)
    parts = shapely.get_parts(split)
    start = parts[0].coords[0]
    end = parts[-1].coords[-1]
    start_km, end_km = (
        endpoint_buffer_km if isinstance(endpoint_buffer_km, tuple) else (endpoint_buffer_km,) * 2
    )
    holes = [geodesic_circle(point, km) for point, km in ((start, start_km), (end, end_km)) if km > 0]
    if exempt is not None:
        holes.append(exempt)
    if not holes:
        return split
    return split.difference(shapely.union_all(holes))


def land_crossing_km(
    line: BaseGeometry,
    land: BaseGeometry,
    endpoint_buffer_km: EndpointBuffer = 5.0,
    exempt: BaseGeometry | None = None,
) -> float:
    """Length in km of a route that lies on land, ignoring the first and last ``endpoint_buffer_km``
    and anything inside ``exempt`` (e.g. `canal_zones`).

    ``endpoint_buffer_km`` is one radius for both ends or an (origin, destination) pair: ports sit in
    harbours and river mouths that a world land layer draws as land.
    """
    outside = _outside_endpoints(line, endpoint_buffer_km, exempt)
    if outside.is_empty:
        return 0.0
    # Preparing only attaches a spatial index to the caller's geometry; it does not change it.
    shapely.prepare(land)
    if not land.intersects(outside):
        return 0.0
    return geometry_length_km(outside.intersection(land))


def crosses_land(
    line: BaseGeometry,
    land: BaseGeometry,
    endpoint_buffer_km: EndpointBuffer = 5.0,
    exempt: BaseGeometry | None = None,
) -> bool:
    """True when any part of a route beyond the endpoint buffers and outside ``exempt`` touches land."""
    return land_crossing_km(line, land, endpoint_buffer_km, exempt) > 0.0
