"""Which places a map leaves unlabelled at a view, and which closer views would label them.

A label that fits nowhere at a view is left out (`atlas.labels.declutter`): no label over a label,
none cut at the edge. Streamlit does not report the pan and zoom a visitor drags to, so the labels
cannot be laid out again as a person zooms in; instead the page says how many places have no label
and names the preset views that would label them — a click away, and laid out for that view.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import MapContent, Record
from .labels import nearest_copy_pixel
from .mercator import WORLD_PX_AT_ZOOM_0, project
from .views import VIEW_PRESETS, MapView

# More would crowd the caption; the views are listed by how many of the missing labels they show.
MAX_VIEWS = 2


@dataclass(frozen=True)
class LabelHint:
    """`missing` labels are not drawn at the view; each of `views` (preset name, how many of them
    it labels) would show some."""

    missing: tuple[str, ...]
    views: tuple[tuple[str, int], ...]


def label_hint(content: MapContent, view: MapView, frame_px: tuple[float, float]) -> LabelHint:
    missing = _unlabelled(content, view, frame_px)
    if not missing:
        return LabelHint((), ())
    wanted = {_key(record) for record in missing}
    views = []
    for name, preset in VIEW_PRESETS.items():
        if preset.zoom <= view.zoom:
            continue
        shown = sum(_key(record) in wanted for record in content.placed_labels(preset, frame_px))
        if shown:
            views.append((name, shown))
    views.sort(key=lambda item: -item[1])
    return LabelHint(tuple(record["label"] for record in missing), tuple(views[:MAX_VIEWS]))


def _unlabelled(content: MapContent, view: MapView, frame_px: tuple[float, float]) -> list[Record]:
    """Labels not drawn whose dot is on the map (a city off the frame is not missing a label)."""
    placed = {_key(record) for record in content.placed_labels(view, frame_px)}
    return [
        record
        for record in content.labels
        if _key(record) not in placed and _on_map(record["position"], view, frame_px)
    ]


def _on_map(position: list[float], view: MapView, frame_px: tuple[float, float]) -> bool:
    cx, cy = project(view.longitude, view.latitude, view.zoom)
    # The world copy nearest the centre, as drawn (and as the labels are laid out).
    x, y = nearest_copy_pixel(position, view.zoom, (cx, cy), WORLD_PX_AT_ZOOM_0 * 2**view.zoom)
    width, height = frame_px
    return abs(x - cx) <= width / 2 and abs(y - cy) <= height / 2


def _key(record: Record) -> tuple[str, float, float]:
    return record["label"], float(record["position"][0]), float(record["position"][1])
