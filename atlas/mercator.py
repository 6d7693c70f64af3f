"""Web Mercator, written once: deck.gl's 512-pixel world at zoom 0 and EPSG:3857 metres.

Every map renderer (labels, framing, slides, the HTML export's dashes) projects through here, with
one latitude clamp: deck.gl and EPSG:3857 both stop at ±85.051129°, where the square world ends.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_M = 6_378_137.0
WORLD_M = 2 * math.pi * EARTH_RADIUS_M
MAX_LAT = 85.051129
WORLD_PX_AT_ZOOM_0 = 512.0


def clamp_lat(lat: float) -> float:
    return max(-MAX_LAT, min(MAX_LAT, lat))


def project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates at a zoom level (x east, y south, origin at 180°W, 85°N)."""
    scale = WORLD_PX_AT_ZOOM_0 * 2**zoom
    phi = math.radians(clamp_lat(lat))
    x = (lon + 180.0) / 360.0 * scale
    y = (1.0 - math.log(math.tan(math.pi / 4 + phi / 2)) / math.pi) / 2.0 * scale
    return x, y


def unproject(x: float, y: float, zoom: float) -> tuple[float, float]:
    """(lon, lat) of Web Mercator pixel coordinates, rounded to 5 decimals (~1 m)."""
    scale = WORLD_PX_AT_ZOOM_0 * 2**zoom
    lon = x / scale * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
    return round(lon, 5), round(lat, 5)


def to_metres(lon, lat):
    """EPSG:3857 metres of (lon, lat) degrees; arrays in, arrays out."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT))
    return EARTH_RADIUS_M * lam, EARTH_RADIUS_M * np.log(np.tan(np.pi / 4 + phi / 2))


def from_metres(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) degrees of EPSG:3857 metres."""
    return math.degrees(x / EARTH_RADIUS_M), math.degrees(
        2 * math.atan(math.exp(y / EARTH_RADIUS_M)) - math.pi / 2
    )


def mercator_y(lat: float) -> float:
    """Unitless Mercator ordinate ln(tan(π/4 + φ/2)) of a (clamped) latitude."""
    return math.log(math.tan(math.pi / 4 + math.radians(clamp_lat(lat)) / 2))
