"""The one place that turns prepared records into a pydeck Deck, with stable layer ids.

Layer ids never change between runs: JSON snapshots stay stable and click selections survive reruns
(see shared FIELD-NOTES). String constants are quoted ("'auto'") because pydeck turns every plain
string argument into a JavaScript expression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pydeck as pdk

from loaders import basemap

from . import style
from .mercator import WORLD_PX_AT_ZOOM_0, project, unproject
from .views import MapView

if TYPE_CHECKING:
    from .content import MapContent

Detail = Literal["globe", "world", "region"]

LAYER_IDS = (
    "basemap-sea",
    "basemap-land",
    "basemap-borders",
    "zones",
    "land-corridors",
    "air-links",
    "label-leaders",
    "smart-gate-roads",
    "gate-pairs",
    "sea-routes",
    "scenario-routes",
    "places",
    "place-labels",
    "tour-highlights",
    "user-routes",
    "compare-routes",
    "compare-vessels",
)

# Why labels take their "J" from another face. deck.gl's font atlas (FontAtlasManager in @deck.gl/layers
# 9.x, the same code in Streamlit's and in pydeck's bundle) gives each glyph a cell
# ceil(actualBoundingBoxRight - actualBoundingBoxLeft) wide and draws the glyph at the cell's left edge.
# A glyph whose ink starts left of its origin (actualBoundingBoxLeft > 0) loses that overhang on the left
# and as much again on the right. Noto Sans "J" reaches 5 of 64 px left of its origin: its cell is 7 px
# for 17 px of ink, the stem falls outside, and "New Jersey" reads "New ,ersey" (73 % of the J's ink is
# lost; no "Missing character" is logged). No TextLayer prop reaches this: `fontSettings.buffer` only pads
# between cells, and `sdf` measures the same way. So "J" (U+004A, the one letter of our labels that Noto
# Sans overhangs by more than a pixel) comes from a face whose J starts at its origin: Noto Sans CJK's
# Latin J (local font, loaded as soon as a canvas asks for it). Everything else stays Noto Sans.
# The page must carry LABEL_FONT_FACE_CSS (app.py and the HTML export do); without it, or without Noto
# Sans CJK, the family is skipped and the stack is the plain Noto Sans one.
# tests/browser/test_label_glyphs.py checks every label character in deck.gl's real atlas.
LABEL_J_FAMILY = "Corridor Atlas J"
LABEL_FONT_FACE_CSS = (
    f"@font-face {{ font-family: '{LABEL_J_FAMILY}'; "
    "src: local('Noto Sans CJK SC'), local('NotoSansCJKsc-Regular'), local('Noto Sans CJK JP'), "
    "local('NotoSansCJKjp-Regular'); unicode-range: U+004A; }"
)
LABEL_FONT = f"'{LABEL_J_FAMILY}, Noto Sans, Noto Sans CJK SC, Noto Sans SC, Arial Unicode MS, sans-serif'"
# How the map may move, given to deck.gl's MapState (deck.gl 9.x) with the view (`view_limits`). Its
# default (normalize) keeps the world's full height on screen: on a phone's 358 × 560 map it raised a
# fitted world view from zoom −0.59 to 0.13 and showed 230° of the 316° the overview draws. And on a
# map wider than the world the repeating MapView draws the world twice, labels cut at the edges
# (Streamlit does not tell the app how wide the map is: views are fitted for SCREEN_MAP_PX).
# `maxBounds` one world wide, centred on the view, fixes both where it can: deck.gl then raises the zoom
# in the browser until that world fills the map's real width (and height), so no copy is ever in view.
# A world shorter than the map (512·2^z px < MAP_MIN_HEIGHT_PX: world views on a phone) cannot fill
# the height without losing width: there the view goes without bounds (normalize=false) at its zoom.
MAP_MIN_HEIGHT_PX = 560.0
_PATH_STYLE = {"@@type": "PathStyleExtension", "dash": True}
# Covers the world once; the repeating MapView draws it again east and west.
_WORLD = [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]


def basemap_detail(view: MapView) -> Detail:
    """1:10m land and borders when zoomed into the region they cover, 1:110m for whole-world views
    (a pixel is coarser than 1:50m there), 1:50m everywhere else."""
    west, south, east, north = basemap.REGION_BOUNDS
    inside = west + 2 <= view.longitude <= east - 2 and south + 2 <= view.latitude <= north - 2
    if inside and view.zoom >= 5:
        return "region"
    return "globe" if view.zoom < basemap.WORLD_DETAIL_MAX_ZOOM else "world"


_BASEMAP_FILES: dict[str, tuple[str, str]] = {
    "globe": ("land_110m", "borders_110m"),
    "world": ("land_50m", "borders_50m"),
    "region": ("land_10m_region", "borders_10m_region"),
}


def basemap_layers(detail: Detail) -> list[pdk.Layer]:
    """Sea, land and country borders from the embedded Natural Earth files (no network needed)."""
    land, borders = _BASEMAP_FILES[detail]
    return [
        pdk.Layer(
            "PolygonLayer",
            id="basemap-sea",
            data=[{"polygon": _WORLD[0]}],
            get_polygon="polygon",
            stroked=False,
            _sub_layer_props=_unfaded_fill("fill", style.SEA_FILL),
            pickable=False,
        ),
        # No outline: the cuts at ±180° and at the regional box edges must stay invisible.
        pdk.Layer(
            "GeoJsonLayer",
            id="basemap-land",
            data=basemap.basemap_url(land),
            filled=True,
            stroked=False,
            _sub_layer_props=_unfaded_fill("polygons-fill", style.LAND_FILL),
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            id="basemap-borders",
            data=basemap.basemap_url(borders),
            filled=False,
            stroked=True,
            get_line_color=style.BORDER_LINE,
            line_width_units="'pixels'",
            get_line_width=1.4 if detail == "region" else 0.8,
            # The routes' dash extension (never dashed here): the borders then draw with the very
            # shader program the routes use, not a second PathLayer program, which costs ~1 s to
            # compile in software WebGL (bench/trace.py).
            extensions=[_PATH_STYLE],
            pickable=False,
        ),
    ]


def _unfaded_fill(sublayer: str, colour: style.Rgba) -> dict[str, dict[str, style.Rgba]]:
    """A fill colour given to the layer's fill sublayer, not to the layer.

    While an object on a map is selected, Streamlit's pydeck chart redraws every object of every
    layer that has its own colour accessor (getFillColor, getColor …) at 40 % opacity except the
    selected one. On the sea and land that let the "Loading map…" box behind the deck show through
    the whole map after a click on a port (issue 11). A layer without the accessor is left alone,
    and deck.gl hands `_subLayerProps` to the sublayer that draws the fill.
    """
    return {sublayer: {"getFillColor": colour}}


def path_layer(layer_id: str, records: Sequence[dict[str, Any]], *, width_px: float = 3.0) -> pdk.Layer:
    """Paths with per-record `path`, `color`, `width` (pixels), `dash` ([0, 0] solid, [dash, gap]
    dashed: proposed or planned links) and `tooltip`."""
    return pdk.Layer(
        "PathLayer",
        id=layer_id,
        data=list(records),
        get_path="path",
        get_color="color",
        get_width="width",
        width_units="'pixels'",
        width_min_pixels=max(1.0, width_px / 2),
        get_dash_array="dash",
        dash_justified=True,
        extensions=[_PATH_STYLE],
        cap_rounded=True,
        joint_rounded=True,
        pickable=True,
        auto_highlight=True,
    )


def place_layer(records: Sequence[dict[str, Any]], layer_id: str = "places") -> pdk.Layer:
    """Places (or gate pairs) as dots: filled when operating, hollow when planned or suspended."""
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=list(records),
        get_position="position",
        get_fill_color="fill",
        get_line_color="color",
        get_radius="radius",
        radius_units="'pixels'",
        stroked=True,
        filled=True,
        line_width_units="'pixels'",
        get_line_width=2,
        pickable=True,
        auto_highlight=True,
    )


def ring_layer(
    layer_id: str, records: Sequence[dict[str, Any]], *, line_width_px: float, pickable: bool
) -> pdk.Layer:
    """Unfilled circles of per-record `color` and `radius` (pixels): zones, highlighted places."""
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=list(records),
        get_position="position",
        get_line_color="color",
        get_radius="radius",
        radius_units="'pixels'",
        stroked=True,
        filled=False,
        line_width_units="'pixels'",
        get_line_width=line_width_px,
        pickable=pickable,
    )


def zone_layer(records: Sequence[dict[str, Any]]) -> pdk.Layer:
    """Economic zones and parks: rings around their (approximate) centroids."""
    return ring_layer("zones", records, line_width_px=2.5, pickable=True)


def leader_lines(labels: Sequence[dict[str, Any]], view: MapView) -> list[list[list[float]]]:
    """For each callout label, a line from its point to where the label starts, at this view."""
    lines = []
    for label in labels:
        x, y = project(label["position"][0], label["position"][1], view.zoom)
        dx, dy = label["offset"]
        lines.append([list(label["position"]), list(unproject(x + float(dx), y + float(dy), view.zoom))])
    return lines


def leader_layer(labels: Sequence[dict[str, Any]], view: MapView) -> pdk.Layer:
    """Thin lines joining callout labels (placed away from a crowded point) to their points."""
    return pdk.Layer(
        "PathLayer",
        id="label-leaders",
        data=[{"path": line, "dash": [0, 0]} for line in leader_lines(labels, view)],
        get_path="path",
        # No getColor: deck.gl's default black, which stays while a place is selected, as its label
        # does (see _unfaded_fill).
        get_width=1.2,
        width_units="'pixels'",
        get_dash_array="dash",
        # The routes' dash extension: the same shader program as every other path (see basemap).
        extensions=[_PATH_STYLE],
        pickable=False,
    )


def label_layer(records: Sequence[dict[str, Any]], *, size_px: int = 13) -> pdk.Layer:
    """Labels in any script: character_set 'auto' makes deck.gl build glyphs for ạ, ộ, 海 …

    Declutter the records first (`atlas.labels.declutter`): deck.gl's CollisionFilterExtension
    decides by a label's anchor point, not its box, and knows nothing of the frame's edges (tried in
    headless Chromium: labels 20 px into each other were all drawn). Records without a placement go
    right of their dot.
    """
    placed = [{"anchor": "start", "offset": [9, 0], **record} for record in records]
    return pdk.Layer(
        "TextLayer",
        id="place-labels",
        data=placed,
        get_position="position",
        get_text="label",
        get_size=size_px,
        size_units="'pixels'",
        # Given to the glyphs' sublayer, so labels keep their colour while a place is selected
        # (see _unfaded_fill).
        _sub_layer_props={"characters": {"getColor": style.BLACK}},
        get_text_anchor="anchor",
        get_alignment_baseline="'center'",
        get_pixel_offset="offset",
        character_set="'auto'",
        font_family=LABEL_FONT,
        # A halo drawn by the glyph program itself (signed distance field), not background boxes: the
        # boxes are a shader program of their own, ~1.4 s of the first paint in software WebGL
        # (bench/trace.py: 5 → 4 programs), and they covered dots next to a label. Outline width is
        # in the atlas's pixels (fontSize 32): 5 is about 2 px at the 13 px labels.
        font_settings={"sdf": True, "fontSize": 32, "buffer": 6, "radius": 12},
        outline_width=5,
        outline_color=style.LABEL_HALO,
        pickable=False,
    )


def view_limits(view: MapView) -> dict[str, Any]:
    """`maxBounds` one world wide around the view, or `normalize: false` for a world shorter than the
    map (see MAP_MIN_HEIGHT_PX)."""
    if WORLD_PX_AT_ZOOM_0 * 2**view.zoom < MAP_MIN_HEIGHT_PX:
        return {"normalize": False}
    return {"maxBounds": [[view.longitude - 180.0, -90.0], [view.longitude + 180.0, 90.0]]}


def build_deck(layers: Sequence[pdk.Layer], view: MapView, *, online_tiles: bool = False) -> pdk.Deck:
    """A deck over the embedded basemap (default) or online Carto tiles.

    With `map_provider=None` no tile server is contacted (passing `map_style=None` as well would make
    Streamlit fill in its default online style). The MapView repeats so Pacific routes, split at
    ±180°, join up across the date line.
    """
    options: dict[str, Any] = (
        {"map_provider": "carto", "map_style": "light"} if online_tiles else {"map_provider": None}
    )
    return pdk.Deck(
        layers=list(layers),
        initial_view_state=pdk.ViewState(
            latitude=view.latitude,
            longitude=view.longitude,
            zoom=view.zoom,
            pitch=0,
            bearing=0,
            # A fitted world view on a narrow screen is below zoom 0; deck.gl clamps to minZoom.
            min_zoom=min(0.0, math.floor(view.zoom)),
            **view_limits(view),
        ),
        views=[pdk.View(type="MapView", controller=True, repeat=True)],
        tooltip={
            "text": "{tooltip}",
            "style": {"fontFamily": "Noto Sans, Noto Sans CJK SC, sans-serif", "fontSize": "14px"},
        },
        **options,
    )


def content_layers(
    content: MapContent, view: MapView, frame_px: tuple[float, float] | None = None
) -> list[pdk.Layer]:
    """The deck layers of a map content at a view: basemap, the content's layers in order, labels.

    The one place a content becomes pydeck: pages, the tour and the HTML export all call it.
    """
    deck_layers = basemap_layers(basemap_detail(view))
    for layer in content.layers:
        if layer.kind == "path":
            deck_layers.append(path_layer(layer.id, layer.records))
        elif layer.kind == "dots":
            deck_layers.append(place_layer(layer.records, layer.id))
        elif layer.id == "zones":
            deck_layers.append(zone_layer(layer.records))
        else:
            # Rings that say something on hover (a comparison's ships) are pickable; tour rings are not.
            pickable = any("tooltip" in record for record in layer.records)
            deck_layers.append(ring_layer(layer.id, layer.records, line_width_px=4, pickable=pickable))
    labels = content.placed_labels(view, *(() if frame_px is None else (frame_px,)))
    leaders = [label for label in labels if label.get("leader")]
    if leaders:
        # Under the dots and rings, over the lines: a leader never hides the marker it points from.
        first_point = next(
            (index for index, layer in enumerate(deck_layers) if layer.type == "ScatterplotLayer"),
            len(deck_layers),
        )
        deck_layers.insert(first_point, leader_layer(leaders, view))
    deck_layers.append(label_layer(labels, size_px=round(content.label_size_px)))
    return deck_layers


def content_deck(
    content: MapContent,
    view: MapView,
    *,
    online_tiles: bool = False,
    frame_px: tuple[float, float] | None = None,
) -> pdk.Deck:
    """The deck of a content at a view; labels are kept inside a map of `frame_px` (the screen's)."""
    return build_deck(content_layers(content, view, frame_px), view, online_tiles=online_tiles)
