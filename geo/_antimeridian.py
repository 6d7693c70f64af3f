"""Longitudes across ±180°: unwrap for maths, normalise and split for storage and drawing.

searoute returns Pacific crossings with *unwrapped* longitudes (Hai Phong → Los Angeles ends near
241.9°, the reverse near -253°). Lines are stored and exported with longitudes in [-180, 180], split
at the antimeridian into a MultiLineString by the ``antimeridian`` package (the GeoJSON RFC 7946
recommendation). The map draws them with ``pdk.View(type="MapView", repeat=True)`` so the parts join
visually. `to_path_parts` gives PathLayer-ready parts none of which jumps by more than 180°.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import antimeridian
import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

Coords = list[tuple[float, float]]


def normalize_longitude(lon: float) -> float:
    """Longitude folded into [-180, 180); 180 itself becomes -180."""
    return ((lon + 180.0) % 360.0) - 180.0


def unwrap_longitudes(coords: Iterable[Sequence[float]]) -> Coords:
    """Shift longitudes by multiples of 360° so no two consecutive vertices are more than 180° apart.

    The first vertex keeps its longitude. This is the form to measure or interpolate in: every
    segment then runs the short way round, as a ship does.
    """
    unwrapped: Coords = []
    for c in coords:
        lon, lat = float(c[0]), float(c[1])
        if unwrapped:
            previous = unwrapped[-1][0]
            lon += 360.0 * round((previous - lon) / 360.0)
        unwrapped.append((lon, lat))
    return unwrapped


def _normalize_coords(coords: Coords) -> Coords:
    """Fold unwrapped coordinates into [-180, 180], keeping a vertex on the antimeridian on the side
    of its predecessor so that it does not count as a crossing of its own."""
    folded: Coords = []
    for lon, lat in coords:
        # Longitudes already in range are kept bit for bit (folding 106.78 gives 106.77999999999997);
        # folded ones are rounded to 1e-9° (0.1 mm) for the same reason.
        value = lon if -180.0 <= lon <= 180.0 else round(normalize_longitude(lon), 9)
        if value == -180.0 and folded and folded[-1][0] > 0:
            value = 180.0
        folded.append((value, lat))
    return folded


def _drop_repeats(coords: Sequence[Sequence[float]]) -> Coords:
    """Coordinates without consecutive duplicates."""
    kept: Coords = []
    for c in coords:
        point = (float(c[0]), float(c[1]))
        if not kept or point != kept[-1]:
            kept.append(point)
    return kept


def _line_parts(geometry: BaseGeometry | Sequence[Sequence[float]]) -> list[Coords]:
    """Coordinate lists of a LineString, a MultiLineString, or a bare coordinate sequence."""
    if isinstance(geometry, BaseGeometry):
        if geometry.geom_type not in ("LineString", "MultiLineString"):
            raise TypeError(f"expected a LineString or MultiLineString, got {geometry.geom_type}")
        return [list(part.coords) for part in shapely.get_parts(geometry) if not part.is_empty]
    return [list(geometry)]


def split_at_antimeridian(
    geometry: BaseGeometry | Sequence[Sequence[float]],
) -> LineString | MultiLineString:
    """Normalise longitudes to [-180, 180] and split every part where it crosses ±180°.

    Accepts unwrapped, normalised or already split lines (the operation is idempotent). Returns a
    LineString when nothing crosses, otherwise a MultiLineString whose parts meet at ±180°.
    """
    parts: list[Coords] = []
    for coords in _line_parts(geometry):
        folded = _normalize_coords(unwrap_longitudes(coords))
        fixed = antimeridian.fix_line_string(LineString(folded), great_circle=True)
        for piece in shapely.get_parts(fixed):
            cleaned = _drop_repeats(piece.coords)
            if len(cleaned) >= 2:
                parts.append(cleaned)
    if not parts:
        raise ValueError("geometry has no segment of non-zero length")
    if len(parts) == 1:
        return LineString(parts[0])
    return MultiLineString(parts)


def to_path_parts(geometry: BaseGeometry | Sequence[Sequence[float]]) -> list[list[list[float]]]:
    """PathLayer-ready coordinates: one ``[[lon, lat], ...]`` list per part, split at ±180°.

    No part jumps by more than 180° of longitude between consecutive vertices, so deck.gl never draws
    a line across the whole world.
    """
    split = split_at_antimeridian(geometry)
    return [[[lon, lat] for lon, lat in part.coords] for part in shapely.get_parts(split)]


def simplify_for_display(
    geometry: BaseGeometry | Sequence[Sequence[float]], tolerance_deg: float, decimals: int = 4
) -> LineString | MultiLineString:
    """Split at ±180°, simplify each part (Douglas-Peucker, in degrees) and round the coordinates.

    Four decimals are ~11 m at the equator, below a pixel at any zoom the app uses; the endpoints of
    every part (ports and ±180° crossings) survive simplification unchanged apart from rounding.
    """
    if tolerance_deg < 0:
        raise ValueError("tolerance_deg must be >= 0")
    parts: list[Coords] = []
    for part in shapely.get_parts(split_at_antimeridian(geometry)):
        simple = shapely.simplify(part, tolerance_deg, preserve_topology=False)
        rounded = _drop_repeats(np.round(np.asarray(simple.coords), decimals))
        if len(rounded) >= 2:
            parts.append(rounded)
    if not parts:
        raise ValueError("geometry vanishes at this precision")
    if len(parts) == 1:
        return LineString(parts[0])
    return MultiLineString(parts)
