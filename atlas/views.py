"""Map views: named presets and the `view=` deep-link parameter."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class MapView:
    """Where the map looks: centre and zoom (Web Mercator zoom levels)."""

    latitude: float
    longitude: float
    zoom: float

    def to_param(self) -> str:
        return f"{self.latitude:.4f},{self.longitude:.4f},{self.zoom:.2f}"


VIEW_PRESETS: dict[str, MapView] = {
    # Centred east of Asia so both the Suez and the Pacific lanes fit at once.
    "world": MapView(22.0, 95.0, 0.9),
    "asia": MapView(17.0, 98.0, 3.3),
    "tonkin": MapView(21.2, 107.7, 6.6),
    "border": MapView(21.98, 106.75, 9.6),
    "suez": MapView(25.0, 55.0, 1.7),
    "pacific": MapView(28.0, -170.0, 1.3),
    "atlantic": MapView(25.0, -40.0, 1.4),
}

_MIN_ZOOM, _MAX_ZOOM = 0.0, 16.0


def parse_view(param: str | None, default: str) -> tuple[str, MapView]:
    """Read a `view=` value: a preset name or `lat,lon,zoom`. Anything unusable gives the default."""
    if param in VIEW_PRESETS:
        return param, VIEW_PRESETS[param]
    if param:
        parts = param.split(",")
        if len(parts) == 3:
            try:
                lat, lon, zoom = (float(part) for part in parts)
            except ValueError:
                return default, VIEW_PRESETS[default]
            if all(math.isfinite(v) for v in (lat, lon, zoom)) and -85 <= lat <= 85 and -180 <= lon <= 180:
                return "custom", MapView(lat, lon, min(max(zoom, _MIN_ZOOM), _MAX_ZOOM))
    return default, VIEW_PRESETS[default]


def view_param(name: str, view: MapView) -> str:
    """The deep-link value for a view: its preset name, or coordinates for a custom view."""
    return name if name in VIEW_PRESETS else view.to_param()
