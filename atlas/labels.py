"""Label placement: keep the labels that fit at the initial view, most important first.

Positions are projected to Web Mercator pixels the way deck.gl does (512-pixel world at zoom 0), and a
label moves round its dot (right, left, above, below; or through the record's own candidate offsets
and callouts) and is dropped only when every position would overlap a label already kept or leave
the frame.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import ImageFont

from .mercator import WORLD_PX_AT_ZOOM_0, project
from .views import MapView

# The faces deck.gl draws labels in (atlas/deck.py LABEL_FONT), from Debian's fonts-noto-core and
# fonts-noto-cjk (scripts/install_browser_deps.sh). Glyphs are measured at 4× and scaled back, which
# keeps FreeType's hinting from rounding each advance to whole pixels.
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
_MEASURE_SCALE = 4
# Without the fonts: Noto Sans at 13 px averages ~7 px per Latin character (CJK glyphs are square),
# and the estimate runs up to 6 px short on labels like "Khâm Châu": hence the margin.
_CHAR_PX = 7.2
_CJK_PX = 13.5
_ESTIMATE_MARGIN = 1.1
# The label's background reaches this far beyond its text left and right (label_layer's padding).
_BACKGROUND_PAD_PX = 3.0
_LINE_PX = 18.0
_DOT_OFFSET_PX = 9.0
# Pixels between a callout label and any other dot or marker.
_CALLOUT_CLEARANCE_PX = 24.0
# Keys of the candidate placements a record may carry; the placed label keeps only its choice.
_CANDIDATE_KEYS = frozenset({"offsets", "callouts"})
# How far a staggered label keeps off another dot or marker (gate markers are 7 px in radius).
_POINT_PX = 6.0
# Labels keep this far from the frame's edge.
_EDGE_PX = 4.0


def text_width_px(text: str, size_px: float = 13.0) -> float:
    """Rendered width of a label (of its longest line): measured in the label fonts (Noto Sans, Noto
    Sans CJK: what the browser draws with) where they are installed, else estimated with a margin."""
    return max(_line_width_px(line, size_px) for line in text.split("\n"))


# Labels repeat (every view a hint tries, every language switch): measuring a line in FreeType is
# ~0.5 ms, most of what laying a map's labels out again cost.
@functools.lru_cache(maxsize=4096)
def _line_width_px(text: str, size_px: float) -> float:
    fonts = _label_fonts(round(size_px * _MEASURE_SCALE))
    if fonts is not None:
        latin, cjk = fonts
        measured = sum((cjk if _is_cjk(char) else latin).getlength(char) for char in text)
        return measured / _MEASURE_SCALE
    width = sum(_CJK_PX if _is_cjk(char) else _CHAR_PX for char in text)
    return width * size_px / 13.0 * _ESTIMATE_MARGIN


def _is_cjk(char: str) -> bool:
    return ord(char) > 0x2E80


@functools.cache
def _label_fonts(size: int) -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont] | None:
    try:
        return tuple(ImageFont.truetype(str(path), size) for path in _FONT_FILES)  # type: ignore[return-value]
    except OSError:
        return None


def declutter(
    records: Sequence[dict[str, Any]],
    view: MapView,
    size_px: float = 13.0,
    frame_px: tuple[float, float] | None = None,
) -> list[dict[str, Any]]:
    """Labels that do not overlap, chosen by descending `priority` (ties keep input order).

    Each label goes to the right of its dot if there is room, else to the left, above or below it
    (centred); only a label that fits none of the four is left out. The kept records gain `anchor`
    ("start" / "end" / "middle") and `offset` (pixels, y down) for the TextLayer. A record may list
    its own candidate `offsets` ([dx, dy] pixels, tried in order; dx < 0 puts the label left of its
    point) instead: the border map staggers the labels of gate pairs a few pixels apart. Such a label
    also keeps off the other records' points and never sits nearer to another point than to its own.
    Where none fits, a record's `callouts` (offsets farther out) are tried: a label placed there gains
    `leader` (True) and the renderers draw a line from its point to it. With `frame_px` (the map's
    width and height), a placement that would leave the frame at this view is not used: a label is
    never cut at the edge.
    """
    line_px = max(_LINE_PX, size_px * 1.45)
    centre = project(view.longitude, view.latitude, view.zoom)
    world_px = WORLD_PX_AT_ZOOM_0 * 2**view.zoom
    kept: list[dict[str, Any]] = []
    boxes: list[tuple[float, float, float, float]] = []
    points = [nearest_copy_pixel(record["position"], view.zoom, centre, world_px) for record in records]
    order = sorted(range(len(records)), key=lambda i: -records[i].get("priority", 0))
    for index in order:
        record = records[index]
        x, y = points[index]
        staggered = "offsets" in record
        height = line_px * (1 + record["label"].count("\n"))
        if staggered:
            width = text_width_px(record["label"], size_px)
            candidates = [(*_placement(x, y, dx, dy, width, height), False) for dx, dy in record["offsets"]]
            candidates += [
                (*_placement(x, y, dx, dy, width, height), True) for dx, dy in record.get("callouts", ())
            ]
        else:
            width = text_width_px(record["label"], size_px) + 2 * _BACKGROUND_PAD_PX
            candidates = [(*placement, False) for placement in _placements(x, y, width, height)]
        for anchor, offset, box, leader in candidates:
            if frame_px is not None and not _inside(box, centre, frame_px):
                continue
            if staggered and _nearer_to_another(box, index, points, leader=leader):
                continue
            # The repeating map draws every label once per world: a label must also clear the copies
            # of the others one world to each side.
            if not any(
                _overlaps(box, other, shift) for other in boxes for shift in (-world_px, 0.0, world_px)
            ):
                placed = {key: value for key, value in record.items() if key not in _CANDIDATE_KEYS}
                kept.append(
                    {**placed, "anchor": anchor, "offset": offset} | ({"leader": True} if leader else {})
                )
                boxes.append(box)
                break
    return kept


def nearest_copy_pixel(
    position: Sequence[float], zoom: float, centre: tuple[float, float], world_px: float
) -> tuple[float, float]:
    x, y = project(position[0], position[1], zoom)
    # The repeating map draws each place once per world: use the copy nearest the centre.
    return x - round((x - centre[0]) / world_px) * world_px, y


def _nearer_to_another(
    box: tuple[float, float, float, float],
    own: int,
    points: Sequence[tuple[float, float]],
    *,
    leader: bool = False,
) -> bool:
    """True when a staggered label would hide another point, or sit nearer to one than to its own (a
    reader then takes it for that point's label). A callout's leader line says whose label it is,
    but a label right beside another dot still reads as that dot's: a callout keeps well clear."""
    clearance = _CALLOUT_CLEARANCE_PX if leader else max(_distance(box, points[own]), _POINT_PX)
    return any(_distance(box, point) < clearance for other, point in enumerate(points) if other != own)


def _distance(box: tuple[float, float, float, float], point: tuple[float, float]) -> float:
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return float((dx * dx + dy * dy) ** 0.5)


def _placement(
    x: float, y: float, dx: float, dy: float, width: float, height: float
) -> tuple[str, list[float], tuple[float, float, float, float]]:
    """A label's anchor, pixel offset and box when it starts (dx >= 0) or ends (dx < 0) at x + dx.

    The offset keeps the caller's numbers (ints stay ints), so deck JSON snapshots stay byte-stable."""
    top, bottom = y + dy - height / 2, y + dy + height / 2
    if dx >= 0:
        return "start", [dx, dy], (x + dx, top, x + dx + width, bottom)
    return "end", [dx, dy], (x + dx - width, top, x + dx, bottom)


def _placements(
    x: float, y: float, width: float, line_px: float
) -> tuple[tuple[str, list[float], tuple[float, float, float, float]], ...]:
    """(anchor, offset, box) right of, left of, above and below a dot at (x, y), in that order."""
    top, bottom = y - line_px / 2, y + line_px / 2
    inner = _DOT_OFFSET_PX - _BACKGROUND_PAD_PX
    # A full line (and a pixel) up or down: the box clears the boxes right and left of the dot.
    rise = line_px + 1.0
    return (
        # The text starts (or ends) _DOT_OFFSET_PX from the dot; its background one pad nearer.
        ("start", [_DOT_OFFSET_PX, 0], (x + inner, top, x + inner + width, bottom)),
        ("end", [-_DOT_OFFSET_PX, 0], (x - inner - width, top, x - inner, bottom)),
        ("middle", [0, -rise], (x - width / 2, top - rise, x + width / 2, bottom - rise)),
        ("middle", [0, rise], (x - width / 2, top + rise, x + width / 2, bottom + rise)),
    )


def _inside(
    box: tuple[float, float, float, float], centre: tuple[float, float], frame_px: tuple[float, float]
) -> bool:
    half_w, half_h = frame_px[0] / 2 - _EDGE_PX, frame_px[1] / 2 - _EDGE_PX
    return (
        centre[0] - half_w <= box[0]
        and box[2] <= centre[0] + half_w
        and centre[1] - half_h <= box[1]
        and box[3] <= centre[1] + half_h
    )


def _overlaps(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], shift: float = 0.0
) -> bool:
    return a[0] < b[2] + shift and b[0] + shift < a[2] and a[1] < b[3] and b[1] < a[3]
