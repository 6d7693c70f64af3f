"""Framing: the bounds of everything a map draws, and the view that fits them on a screen or slide.

Longitudes are on a circle: a Pacific lane drawn from Hai Phong to Los Angeles covers 106°E → 118°W
across ±180°, not the 224° between them the other way. Bounds are the shortest longitude arc that
holds every drawn point (east may exceed 180), so the fitted view never cuts a route at the date line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import mercator
from .views import MapView

# The largest zoom a fitted view uses: one place alone should not fill the screen with a single dot.
MAX_FIT_ZOOM = 9.0
# deck.gl draws below zoom 0 when minZoom allows it: a narrow phone needs that to show the world.
MIN_FIT_ZOOM = -1.0
# A fitted view keeps the ends of what it draws this far inside the frame even when its padding does
# not fit (one-world views on a phone): a dot and the start of its label stay visible.
END_MARGIN_PX = 24.0


@dataclass(frozen=True)
class Bounds:
    """(west, south, east, north) in degrees; west ≤ east, east may pass 180 (the arc crosses ±180°)."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float, slack_deg: float = 1e-6) -> bool:
        inside_lat = self.south - slack_deg <= lat <= self.north + slack_deg
        shifted = self.west + (lon - self.west) % 360.0
        return inside_lat and shifted <= self.east + slack_deg


def coordinates(records: Iterable[dict]) -> list[tuple[float, float]]:
    """Every (lon, lat) a layer's records draw: path vertices and point positions."""
    points: list[tuple[float, float]] = []
    for record in records:
        if "path" in record:
            points += [(float(p[0]), float(p[1])) for p in record["path"]]
        elif "position" in record:
            points.append((float(record["position"][0]), float(record["position"][1])))
    return points


def bounds_of(points: Sequence[tuple[float, float]]) -> Bounds | None:
    """The smallest box that holds the points: latitudes min..max, longitudes the shortest arc."""
    if not points:
        return None
    lats = [lat for _, lat in points]
    lons = sorted({((lon + 180.0) % 360.0) - 180.0 for lon, _ in points})
    # The arc that covers every longitude is the circle minus its largest empty gap.
    gaps = [(lons[(i + 1) % len(lons)] - lons[i]) % 360.0 for i in range(len(lons))]
    if len(lons) == 1:
        west = east = lons[0]
    else:
        widest = max(range(len(gaps)), key=gaps.__getitem__)
        west = lons[(widest + 1) % len(lons)]
        east = west + (360.0 - gaps[widest])
    return Bounds(west, min(lats), east, max(lats))


def fit_view(
    bounds: Bounds | None,
    width_px: float,
    height_px: float,
    *,
    padding_px: tuple[float, float, float, float] = (48.0, 140.0, 56.0, 48.0),
    fallback: MapView | None = None,
) -> MapView:
    """The centre and zoom at which `bounds` fill a map of this size inside the padding
    (top, right, bottom, left; the right is wider because labels sit right of their dots)."""
    if bounds is None:
        return fallback or MapView(20.0, 100.0, 1.0)
    # On a narrow map the padding shrinks with it: a phone cannot spare 150 px for labels.
    scale = min(1.0, width_px / 800.0)
    top, right, bottom, left = (padding_px[0], padding_px[1] * scale, padding_px[2], padding_px[3] * scale)
    usable_w = max(width_px - left - right, 40.0)
    usable_h = max(height_px - top - bottom, 40.0)
    span_x = (bounds.east - bounds.west) / 360.0
    y_north, y_south = mercator.mercator_y(bounds.north), mercator.mercator_y(bounds.south)
    span_y = (y_north - y_south) / (2 * math.pi)
    world = mercator.WORLD_PX_AT_ZOOM_0
    zooms = [MAX_FIT_ZOOM]
    if span_x > 0:
        zooms.append(math.log2(usable_w / (span_x * world)))
    if span_y > 0:
        zooms.append(math.log2(usable_h / (span_y * world)))
    # Never wider than one world: the repeating map would show a route twice, and a slide cannot.
    one_world = math.log2(width_px / world)
    zoom = max(MIN_FIT_ZOOM, one_world, min(zooms))
    # Centre on the middle of the padded box, in pixels at that zoom (the padding is asymmetric).
    scale_px = world * 2**zoom
    x_mid = ((bounds.west + bounds.east) / 2 + 180.0) / 360.0 * scale_px + (right - left) / 2
    y_mid = (1 - (y_north + y_south) / 2 / math.pi) / 2 * scale_px + (bottom - top) / 2
    # When the zoom was held up (one world, MIN_FIT_ZOOM) the padded box cannot hold the bounds: the
    # padding's shift must then not push an end out of the frame (New York off a phone's world view).
    x_west, x_east = ((lon + 180.0) / 360.0 * scale_px for lon in (bounds.west, bounds.east))
    y_top, y_bottom = ((1 - y / math.pi) / 2 * scale_px for y in (y_north, y_south))
    x_mid = _keep_inside(x_mid, x_west, x_east, width_px)
    y_mid = _keep_inside(y_mid, y_top, y_bottom, height_px)
    lon, lat = mercator.unproject(x_mid, y_mid, zoom)
    lon = ((lon + 180.0) % 360.0) - 180.0
    return MapView(round(mercator.clamp_lat(lat), 4), round(lon, 4), round(zoom, 2))


def _keep_inside(mid: float, low: float, high: float, size: float) -> float:
    """The centre nearest `mid` at which low..high (pixels) lies within a frame `size` wide, at least
    END_MARGIN_PX from its edges where there is room (a dot on the very edge is half cut)."""
    spare = size - (high - low)
    if spare < 0:
        return mid
    margin = min(spare / 2, END_MARGIN_PX)
    return min(max(mid, high + margin - size / 2), low - margin + size / 2)


def view_box(view: MapView, width_px: float, height_px: float) -> Bounds:
    """What a map of this size shows at a view (west/east may leave ±180)."""
    cx, cy = mercator.project(view.longitude, view.latitude, view.zoom)
    west, north = mercator.unproject(cx - width_px / 2, cy - height_px / 2, view.zoom)
    east, south = mercator.unproject(cx + width_px / 2, cy + height_px / 2, view.zoom)
    # unproject does not wrap: a frame wider than its centre's hemisphere keeps east > 180.
    return Bounds(west, south, east, north)
