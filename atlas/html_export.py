"""The map on screen as one standalone HTML file that opens offline on another laptop.

deck.gl's JavaScript (pydeck's bundled copy, 4.3 MB) and the Natural Earth land and borders the view
uses are inlined (1:50m; the 1:10m regional cut when zoomed into the region, as in the app — about the
same size), so the file needs no server, no tile provider and no CDN. pydeck's own
`to_html(offline=True)` still links Mapbox, Bootstrap and deck.gl CSS from CDNs, so the page is written
here instead.

Data is never markup: tooltips are text (deck.gl sets them with `innerText`), the deck JSON is embedded
with `<`, `>` and `&` escaped (a name containing `</script>` cannot end the script), every visible string
is HTML-escaped, and a Content-Security-Policy lets only the two inlined scripts run (no inline event
handlers, no network).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import pydeck as pdk

from loaders import Tables, basemap

from . import style
from .content import MapContent
from .deck import LABEL_FONT_FACE_CSS, content_deck
from .exports import content_sources_note
from .i18n import Translator, nfc
from .legend import legend_html
from .mercator import project, unproject
from .views import MapView

TOOLTIP: dict[str, Any] = {
    "text": "{tooltip}",
    "style": {
        "fontFamily": "Noto Sans, Noto Sans CJK SC, Arial Unicode MS, sans-serif",
        "fontSize": "14px",
        "whiteSpace": "pre-line",
        "maxWidth": "360px",
        "backgroundColor": "rgba(255, 255, 255, 0.96)",
        "color": "#1e1e1e",
        "border": "1px solid #999",
    },
}
# Dashes are cut at their on-screen size within this half-width and half-height (pixels) around the
# initial view (a full-HD screen, twice over) and OUTSIDE_DASH_FACTOR times longer beyond it: each
# dash is a record carrying its tooltip, so a Pacific lane cut finely would add megabytes.
DASH_WINDOW_PX = (1920.0, 1080.0)
OUTSIDE_DASH_FACTOR = 8.0
MAX_OUTSIDE_DASHES = 150
Box = tuple[float, float, float, float]
_BUNDLE_PATH = Path(pdk.__file__).resolve().parent / "nbextension" / "static" / "index.js"

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Corridor Atlas">
<title>{title}</title>
<style>
{label_font_face}
html, body {{ margin: 0; padding: 0; height: 100%; overflow: hidden;
  font-family: "Noto Sans", "Noto Sans CJK SC", "Segoe UI", Arial, sans-serif; color: #1e1e1e; }}
#deck-container {{ position: absolute; inset: 0; background: {sea}; }}
.atlas-panel {{ position: absolute; z-index: 2; background: rgba(255, 255, 255, 0.92);
  border-radius: 6px; padding: 8px 12px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.2); }}
.atlas-title {{ top: 10px; left: 10px; max-width: 60%; }}
.atlas-title h1 {{ font-size: 20px; margin: 0; }}
.atlas-title p {{ font-size: 14px; margin: 4px 0 0; }}
.atlas-legend {{ right: 10px; bottom: 64px; font-size: 13px; line-height: 1.9; max-width: 40%; }}
.atlas-legend span.chip {{ white-space: nowrap; margin-right: 12px; display: block; }}
.atlas-sources {{ left: 10px; right: 10px; bottom: 10px; font-size: 12px; max-height: 45%; overflow: auto; }}
.atlas-sources summary {{ cursor: pointer; font-weight: 600; }}
.atlas-sources pre {{ white-space: pre-wrap; font-family: inherit; margin: 6px 0 0; }}
</style>
</head>
<body>
<div id="deck-container"></div>
<header class="atlas-panel atlas-title"><h1>{title}</h1>{subtitle}</header>
{legend}
<footer class="atlas-panel atlas-sources" id="atlas-sources">
<details><summary>{summary}</summary><pre>{note}</pre></details>
</footer>
<script>{bundle}</script>
<script>{init}</script>
</body>
</html>
"""


@functools.cache
def deckgl_bundle() -> str:
    """pydeck's self-contained deck.gl bundle (the one `to_html(offline=True)` embeds)."""
    text = _BUNDLE_PATH.read_text(encoding="utf-8")
    # Either sequence would end or disturb the inline <script> the bundle is placed in.
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError(f"{_BUNDLE_PATH} cannot be inlined: it contains '</script' or '<!--'")
    return text


@functools.cache
def _basemap_geojson(layer_name: str) -> dict[str, Any]:
    """A basemap layer as a FeatureCollection without properties (only the shapes are drawn)."""
    collection = json.loads(basemap.basemap_path(layer_name).read_text(encoding="utf-8"))
    features = [
        {"type": "Feature", "properties": {}, "geometry": f["geometry"]} for f in collection["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def script_json(value: Any) -> str:
    """JSON that is safe inside an inline <script>: no `<`, `>` or `&` survives (each becomes a
    \\u escape, which JSON reads back as the same character), nor U+2028/2029."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def standalone_deck_json(deck: pdk.Deck) -> dict[str, Any]:
    """The deck's JSON with the basemap inlined, no tile provider, and dashes drawn as pieces.

    pydeck's offline bundle has no PathStyleExtension (deck.gl's JSON converter refuses it and the
    layer fails), so dashed paths are cut into dashes here, sized for the initial view.
    Raises ValueError for any other layer that loads its data from a URL: it would be blank offline.
    """
    spec = json.loads(deck.to_json())
    for key in ("mapProvider", "mapStyle", "googleMapsKey", "mapboxKey"):
        spec.pop(key, None)
    view = spec.get("initialViewState", {})
    zoom = float(view.get("zoom", 0.0))
    centre = project(float(view.get("longitude", 0.0)), float(view.get("latitude", 0.0)), zoom)
    window = (
        centre[0] - DASH_WINDOW_PX[0],
        centre[1] - DASH_WINDOW_PX[1],
        centre[0] + DASH_WINDOW_PX[0],
        centre[1] + DASH_WINDOW_PX[1],
    )
    for layer in spec.get("layers", []):
        data = layer.get("data")
        if isinstance(data, str):
            layer["data"] = _basemap_geojson(_basemap_layer_name(layer.get("id"), data))
        if any(ext.get("@@type") == "PathStyleExtension" for ext in layer.get("extensions", [])):
            _dash_in_python(layer, zoom, window)
    return spec


def _basemap_layer_name(layer_id: object, url: str) -> str:
    """The embedded basemap file a layer's URL names (app/static/basemap/land_50m.geojson → land_50m)."""
    prefix = basemap.STATIC_URL_PREFIX + "/"
    name = url.removeprefix(prefix).removesuffix(".geojson")
    if not url.startswith(prefix) or name not in basemap.LAYER_NAMES:
        raise ValueError(f"layer {layer_id!r} loads {url!r}: a standalone file cannot reach it")
    return name


def _accessor_field(value: Any) -> str | None:
    return value.removeprefix("@@=") if isinstance(value, str) and value.startswith("@@=") else None


def _dash_in_python(layer: dict[str, Any], zoom: float, window: Box) -> None:
    """Replace a PathStyleExtension dash accessor by one record per dash."""
    dash_field = _accessor_field(layer.pop("getDashArray", None))
    path_field = _accessor_field(layer.get("getPath")) or "path"
    width_field = _accessor_field(layer.get("getWidth"))
    layer.pop("dashJustified", None)
    layer["extensions"] = [e for e in layer["extensions"] if e.get("@@type") != "PathStyleExtension"]
    if not layer["extensions"]:
        del layer["extensions"]
    if dash_field is None or not isinstance(layer.get("data"), list):
        return
    records = []
    for record in layer["data"]:
        dash = record.pop(dash_field, None)
        if not dash or not any(dash):
            records.append(record)
            continue
        width = float(record.get(width_field, 1.0)) if width_field else float(layer.get("getWidth", 1.0))
        for piece in dash_path(record[path_field], dash[0] * width, dash[1] * width, zoom, window):
            records.append(record | {path_field: piece})
    layer["data"] = records


def dash_path(
    path: Sequence[Sequence[float]],
    dash_px: float,
    gap_px: float,
    zoom: float,
    window: Box | None = None,
) -> list[list[list[float]]]:
    """The dashes of a [lon, lat] path as deck.gl would dash it on screen at `zoom`, each a
    [lon, lat] path of its own. Outside `window` (Web Mercator pixels at that zoom), where nobody looks
    before zooming out, dashes are at least OUTSIDE_DASH_FACTOR times longer and at most
    MAX_OUTSIDE_DASHES fit the whole path, to keep the file small."""
    points = [project(lon, lat, zoom) for lon, lat, *_ in path]
    if dash_px <= 0 or len(points) < 2:
        return [[list(p[:2]) for p in path]]
    total = sum(math.dist(a, b) for a, b in itertools.pairwise(points))
    outside = max(OUTSIDE_DASH_FACTOR, total / (dash_px + gap_px) / MAX_OUTSIDE_DASHES)

    def length(point: tuple[float, float], drawing: bool) -> float:
        inside = window is None or (window[0] <= point[0] <= window[2] and window[1] <= point[1] <= window[3])
        return (dash_px if drawing else gap_px) * (1.0 if inside else outside)

    pieces: list[list[tuple[float, float]]] = []
    current = [points[0]]
    drawing = True
    left = length(points[0], drawing)
    for a, b in itertools.pairwise(points):
        step, done = math.dist(a, b), 0.0
        while step - done > left:
            done += left
            cut = (a[0] + (b[0] - a[0]) * done / step, a[1] + (b[1] - a[1]) * done / step)
            if drawing:
                pieces.append([*current, cut])
            current = [cut]
            drawing = not drawing
            left = length(cut, drawing)
        left -= step - done
        if drawing:
            current.append(b)
    if drawing and len(current) > 1:
        pieces.append(current)
    return [[list(unproject(x, y, zoom)) for x, y in piece] for piece in pieces]


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def deck_html(
    deck: pdk.Deck,
    *,
    title: str,
    sources_note: str,
    summary: str | None = None,
    subtitle: str = "",
    legend: str = "",
    language: str = "en",
) -> str:
    """A standalone HTML page of a deck: works from file:// with no network.

    `sources_note` is shown in full under a visible `summary` line (by default its first line, which
    carries the data date). `legend` is the legend's HTML (`atlas.legend.legend_html`). Layers with URL
    data other than the basemap are refused (ValueError).
    """
    init = (
        f"const jsonInput = {script_json(standalone_deck_json(deck))};\n"
        f"const tooltip = {script_json(TOOLTIP)};\n"
        # A global handle, so a test (or a curious reader in the console) can inspect the layers.
        "window.corridorAtlasDeck = createDeck({container: document.getElementById('deck-container'),"
        " jsonInput, tooltip, customLibraries: null, configuration: null});"
    )
    bundle = deckgl_bundle()
    # Only these two scripts may run: no inline handlers (onerror=…), no remote code, no requests.
    csp = (
        "default-src 'none'; "
        f"script-src '{_sha256(bundle)}' '{_sha256(init)}'; "
        "style-src 'unsafe-inline'; img-src data: blob:; worker-src blob:; connect-src data: blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    note = nfc(sources_note)
    first_line = summary if summary is not None else note.splitlines()[0] if note else ""
    return _PAGE.format(
        lang=escape(language),
        csp=csp,
        # The map labels' "J" face (see atlas.deck.LABEL_FONT_FACE_CSS).
        label_font_face=LABEL_FONT_FACE_CSS,
        title=escape(nfc(title)),
        subtitle=f"<p>{escape(nfc(subtitle))}</p>" if subtitle else "",
        sea=style.hex_colour(style.SEA_FILL),
        legend=f'<aside class="atlas-panel atlas-legend">{legend}</aside>' if legend else "",
        summary=escape(nfc(first_line)),
        note=escape(note),
        bundle=bundle,
        init=init,
    )


def map_html(content: MapContent, view: MapView, tables: Tables) -> str:
    """The standalone HTML of a map content at a view: the deck the page draws, its legend and
    sources, in the content's language."""
    t = Translator(tables.translations, content.spec.language)
    return deck_html(
        content_deck(content, view),
        title=content.title,
        subtitle=content.subtitle,
        sources_note=content_sources_note(tables, content),
        summary="  ·  ".join(
            [
                t("export.data_as_of", date=content.data_date),
                t("export.basemap"),
                t("export.sources", sources=f"{len(content.source_ids)} ▸"),
            ]
        ),
        legend=legend_html(content.legend, t, css_class="atlas-legend-chips"),
        language=content.spec.language,
    )
