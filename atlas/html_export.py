"""The map on screen as one standalone HTML file that opens offline on another laptop.

deck.gl's JavaScript (pydeck's bundled copy) and the 1:50m Natural Earth land and borders are inlined,
so the file needs no server, no tile provider and no CDN. pydeck's own `to_html(offline=True)` still
links Mapbox, Bootstrap and deck.gl CSS from CDNs, so the page is written here instead.

Data is never markup: tooltips are text (deck.gl sets them with `innerText`), the deck JSON is embedded
with `<`, `>` and `&` escaped (a name containing `</script>` cannot end the script), every visible string
is HTML-escaped, and a Content-Security-Policy lets only the two inlined scripts run (no inline event
handlers, no network).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

import pydeck as pdk

from loaders import Tables, basemap

from . import style
from .deck import basemap_detail, basemap_layers, build_deck, label_layer, path_layer, place_layer, zone_layer
from .exports import sources_note
from .i18n import Translator, nfc
from .labels import declutter
from .slides import MapContent, MapSpec, data_date, embedded_tables, map_content

# The basemap layers the app loads by URL, and the 1:50m file each is replaced with in an export.
INLINE_BASEMAP: dict[str, str] = {"basemap-land": "land_50m", "basemap-borders": "borders_50m"}
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
html, body {{ margin: 0; padding: 0; height: 100%; overflow: hidden;
  font-family: "Noto Sans", "Noto Sans CJK SC", "Segoe UI", Arial, sans-serif; color: #1e1e1e; }}
#deck-container {{ position: absolute; inset: 0; background: {sea}; }}
.atlas-panel {{ position: absolute; z-index: 2; background: rgba(255, 255, 255, 0.92);
  border-radius: 6px; padding: 8px 12px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.2); }}
.atlas-title {{ top: 10px; left: 10px; max-width: 60%; }}
.atlas-title h1 {{ font-size: 20px; margin: 0; }}
.atlas-title p {{ font-size: 14px; margin: 4px 0 0; }}
.atlas-legend {{ right: 10px; bottom: 64px; font-size: 13px; line-height: 1.9; max-width: 40%; }}
.atlas-legend span.chip {{ white-space: nowrap; margin-right: 12px; display: inline-block; }}
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
    """The deck's JSON with the basemap inlined and no tile provider.

    Raises ValueError for any other layer that loads its data from a URL: it would be blank offline.
    """
    spec = json.loads(deck.to_json())
    for key in ("mapProvider", "mapStyle", "googleMapsKey", "mapboxKey"):
        spec.pop(key, None)
    for layer in spec.get("layers", []):
        data = layer.get("data")
        if not isinstance(data, str):
            continue
        if layer.get("id") not in INLINE_BASEMAP:
            raise ValueError(
                f"layer {layer.get('id')!r} loads {data!r}, which a standalone file cannot reach"
            )
        layer["data"] = _basemap_geojson(INLINE_BASEMAP[layer["id"]])
    return spec


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _legend_html(items: Sequence[tuple[str, Sequence[int], str]]) -> str:
    if not items:
        return ""
    chips = []
    for label, colour, shape in items:
        hex_colour = style.hex_colour(list(colour))
        if shape in ("line", "dashed"):
            border = "dashed" if shape == "dashed" else "solid"
            mark = (
                f'<span style="display:inline-block;width:26px;border-top:4px {border} {hex_colour};'
                'vertical-align:middle"></span>'
            )
        else:
            fill = hex_colour if shape == "dot" else "#ffffff" if shape == "hollow" else "transparent"
            mark = (
                '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
                f'border:2px solid {hex_colour};background:{fill};vertical-align:middle"></span>'
            )
        chips.append(f'<span class="chip">{mark} {escape(nfc(label))}</span>')
    return f'<aside class="atlas-panel atlas-legend">{"<br>".join(chips)}</aside>'


def deck_html(
    deck: pdk.Deck,
    *,
    title: str,
    sources_note: str,
    summary: str | None = None,
    subtitle: str = "",
    legend: Sequence[tuple[str, Sequence[int], str]] = (),
    language: str = "en",
) -> str:
    """A standalone HTML page of a deck: works from file:// with no network.

    `sources_note` is shown in full under a visible `summary` line (by default its first line, which
    carries the data date). `legend` items are (label, colour, 'line' | 'dashed' | 'dot' | 'ring' |
    'hollow'). Layers with URL data other than the basemap are refused (ValueError).
    """
    init = (
        f"const jsonInput = {script_json(standalone_deck_json(deck))};\n"
        f"const tooltip = {script_json(TOOLTIP)};\n"
        "createDeck({container: document.getElementById('deck-container'), jsonInput, tooltip,"
        " customLibraries: null, configuration: null});"
    )
    bundle = deckgl_bundle()
    # Only these two scripts may run: no inline handlers (onerror=…), no remote code, no requests.
    csp = (
        "default-src 'none'; "
        f"script-src '{_sha256(bundle)}' '{_sha256(init)}' 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; worker-src blob:; connect-src data: blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    note = nfc(sources_note)
    first_line = summary if summary is not None else note.splitlines()[0] if note else ""
    return _PAGE.format(
        lang=escape(language),
        csp=csp,
        title=escape(nfc(title)),
        subtitle=f"<p>{escape(nfc(subtitle))}</p>" if subtitle else "",
        sea=style.hex_colour(style.SEA_FILL),
        legend=_legend_html(legend),
        summary=escape(nfc(first_line)),
        note=escape(note),
        bundle=bundle,
        init=init,
    )


def content_layers(content: MapContent, spec: MapSpec) -> list[pdk.Layer]:
    """The deck layers for a page's map content, built as the pages build them."""
    deck_layers = basemap_layers(basemap_detail(spec.view))
    if content.zones:
        deck_layers.append(zone_layer(content.zones))
    deck_layers += [path_layer(layer_id, records) for layer_id, records in content.paths]
    deck_layers.append(place_layer(content.places))
    size = round(content.label_size_px)
    deck_layers.append(label_layer(declutter(content.labels, spec.view, size), size_px=size))
    return deck_layers


def map_html(spec: MapSpec, tables: Tables | None = None) -> str:
    """The standalone HTML of a page's map (same records, legend and sources as the PNG/PDF)."""
    tables = tables or embedded_tables()
    t = Translator(tables.translations, spec.language)
    content = map_content(spec, tables, t)
    date = data_date(tables)
    deck = build_deck(content_layers(content, spec), spec.view)
    used = tables.sources.loc[tables.sources["source_id"].isin(content.source_ids)]
    note = sources_note(_with_sources(tables, used), date)
    return deck_html(
        deck,
        title=spec.title,
        subtitle=spec.subtitle or content.subtitle,
        sources_note=note,
        summary=f"{t('export.data_as_of', date=date)} {t('export.basemap')}. "
        + t("export.sources", sources=f"{len(used)} ▸"),
        legend=[(t(item.key), item.colour, item.shape) for item in content.legend],
        language=spec.language,
    )


def _with_sources(tables: Tables, sources: Any) -> Tables:
    return replace(tables, sources=sources)
