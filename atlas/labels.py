"""Label placement: keep the labels that fit at the initial view, most important first.

Positions are projected to Web Mercator pixels the way deck.gl does (512-pixel world at zoom 0), and a
label is dropped when its box would overlap a label already kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .views import MapView

_WORLD_PX_AT_ZOOM_0 = 512.0
# Noto Sans at 13 px averages ~7 px per Latin character; CJK glyphs are about square.
_CHAR_PX = 7.2
_CJK_PX = 13.5
_LINE_PX = 18.0
_DOT_OFFSET_PX = 9.0
_MAX_MERCATOR_LAT = 85.05


def project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates at a zoom level."""
    scale = _WORLD_PX_AT_ZOOM_0 * 2**zoom
    lat = max(-_MAX_MERCATOR_LAT, min(_MAX_MERCATOR_LAT, lat))
    x = (lon + 180.0) / 360.0 * scale
    y = (
        (1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi)
        / 2.0
        * scale
    )
    return x, y


def text_width_px(text: str, size_px: float = 13.0) -> float:
    """Rough rendered width of a label."""
    width = sum(_CJK_PX if ord(char) > 0x2E80 else _CHAR_PX for char in text)
    return width * size_px / 13.0


def declutter(
    records: Sequence[dict[str, Any]], view: MapView, size_px: float = 13.0
) -> list[dict[str, Any]]:
    """Labels that do not overlap, chosen by descending `priority` (ties keep input order).

    Each label goes to the right of its dot if there is room, else to the left; the kept records gain
    `anchor` ("start" / "end") and `offset` (pixels) for the TextLayer.
    """
    kept: list[dict[str, Any]] = []
    boxes: list[tuple[float, float, float, float]] = []
    order = sorted(range(len(records)), key=lambda i: -records[i].get("priority", 0))
    for index in order:
        record = records[index]
        x, y = project(record["position"][0], record["position"][1], view.zoom)
        width = text_width_px(record["label"], size_px)
        top, bottom = y - _LINE_PX / 2, y + _LINE_PX / 2
        placements = (
            ("start", [_DOT_OFFSET_PX, 0], (x + _DOT_OFFSET_PX, top, x + _DOT_OFFSET_PX + width, bottom)),
            ("end", [-_DOT_OFFSET_PX, 0], (x - _DOT_OFFSET_PX - width, top, x - _DOT_OFFSET_PX, bottom)),
        )
        for anchor, offset, box in placements:
            if not any(_overlaps(box, other) for other in boxes):
                kept.append({**record, "anchor": anchor, "offset": offset})
                boxes.append(box)
                break
    return kept


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
