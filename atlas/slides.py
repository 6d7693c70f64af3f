"""The map on screen as a slide (PNG) or a handout (PDF), drawn on the server with matplotlib.

No browser: the same records `atlas.layers` builds for the deck are drawn over the embedded Natural
Earth basemap. Projection is Web Mercator (EPSG:3857), like the app, so a slide shows what the app's
map shows: the frame is what a 16:9 map of the app's map height (560 px) shows at the view's centre and
zoom — 996 × 560 CSS pixels, drawn at 2000 × 1125 image pixels (13.33 × 7.5 in at 150 dpi). The frame
wraps across ±180° the way deck.gl's repeating MapView does.

Every figure carries its title, a legend, a scale bar, the sources of what it shows, the date of the
data and "illustrative, not for navigation". Text is drawn as text: matplotlib's mathtext is off, so a
'$' in a name is a dollar sign.
"""

from __future__ import annotations

import functools
import io
import math
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from loaders import DataError, Tables, basemap, load_all, split_ids

from . import layers, model, style
from .deck import basemap_detail
from .exports import sources_note
from .i18n import LANGUAGES, Translator, localized, nfc
from .labels import declutter, text_width_px
from .views import MapView

MapPage = Literal["overview", "sea_services", "border_gates", "partners"]
MAP_PAGES: tuple[str, ...] = ("overview", "sea_services", "border_gates", "partners")
# The sidebar's layer filters (ui.sidebar.LAYER_FILTERS; atlas cannot import ui).
LAYER_FILTERS: tuple[str, ...] = ("sea", "lanes", "corridors", "air", "gates", "zones", "cities")

FIGURE_SIZE_PX: tuple[int, int] = (2000, 1125)
DPI = 150
# The app draws its maps 560 px high; a 16:9 frame of that height is ~996 px wide.
REFERENCE_HEIGHT_PX = 560.0
REFERENCE_WIDTH_PX = REFERENCE_HEIGHT_PX * 16 / 9
# deck.gl pixels (line widths, dot radii, label sizes) to figure points.
PT_PER_PX = FIGURE_SIZE_PX[0] / DPI * 72 / REFERENCE_WIDTH_PX

EARTH_RADIUS_M = 6_378_137.0
WORLD_M = 2 * math.pi * EARTH_RADIUS_M
MAX_LAT = 85.051129
_WORLD_PX_AT_ZOOM_0 = 512.0

PREFERRED_FONTS: tuple[str, ...] = ("Noto Sans", "Noto Sans CJK SC")
FALLBACK_FONT = "DejaVu Sans"
DISCLAIMER = "Illustrative, not for navigation."

Record = dict[str, Any]
Shape = Literal["line", "dashed", "dot", "ring", "hollow"]

# One figure at a time: rc_context (PDF font type) is process-wide and downloads render in threads.
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class MapSpec:
    """What to export: which page's map, in which language, at which view.

    `layers` are the sidebar filters in force; `service_id`, `closed` and `speed_kn` are the sea
    services page's choices (closed passages draw the what-if route over the normal one).
    """

    page: MapPage
    title: str
    view: MapView
    language: str = "en"
    layers: tuple[str, ...] = LAYER_FILTERS
    show_planned: bool = True
    service_id: str | None = None
    closed: tuple[str, ...] = ()
    speed_kn: float = model.DEFAULT_SPEED_KN
    subtitle: str = ""

    def __post_init__(self) -> None:
        if self.page not in MAP_PAGES:
            raise ValueError(f"unknown map page {self.page!r}; use one of {', '.join(MAP_PAGES)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}; use one of {', '.join(LANGUAGES)}")
        unknown = set(self.layers) - set(LAYER_FILTERS)
        if unknown:
            raise ValueError(f"unknown layers {sorted(unknown)}; use some of {', '.join(LAYER_FILTERS)}")
        if self.page == "sea_services" and not self.service_id:
            raise ValueError("the sea services map needs a service_id")


@dataclass(frozen=True)
class LegendItem:
    key: str
    colour: tuple[int, ...]
    shape: Shape


@dataclass(frozen=True)
class MapContent:
    """The records one page draws, in drawing order, with their legend and sources."""

    paths: tuple[tuple[str, tuple[Record, ...]], ...]
    zones: tuple[Record, ...]
    places: tuple[Record, ...]
    labels: tuple[Record, ...]
    legend: tuple[LegendItem, ...]
    source_ids: tuple[str, ...]
    plans: tuple[model.ServicePlan, ...] = ()
    lines: tuple[model.CorridorLine, ...] = ()
    label_size_px: float = 13.0
    subtitle: str = ""


@dataclass(frozen=True)
class Frame:
    """A 16:9 map frame in Web Mercator metres; `zoom` is the deck.gl zoom it was drawn at."""

    west: float
    south: float
    east: float
    north: float
    zoom: float

    @property
    def metres_per_px(self) -> float:
        return (self.east - self.west) / REFERENCE_WIDTH_PX

    def bounds_deg(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees; west/east leave ±180 when the frame crosses it."""
        west, south = from_mercator(self.west, self.south)
        east, north = from_mercator(self.east, self.north)
        return west, south, east, north


@dataclass(frozen=True)
class FontChoice:
    families: tuple[str, ...]
    missing: tuple[str, ...] = field(default=())

    @property
    def note(self) -> str:
        """For the file's metadata: which fonts drew the text, and what a fallback may lose."""
        used = ", ".join(self.families)
        if not self.missing:
            return f"fonts: {used}"
        return (
            f"fonts: {used} (fallback: {', '.join(self.missing)} not installed, so Vietnamese or Chinese "
            "glyphs may be missing; install fonts-noto-core and fonts-noto-cjk)"
        )


def choose_fonts(available: Iterable[str] | None = None) -> FontChoice:
    """Noto Sans (Latin and Vietnamese) then Noto Sans CJK SC (Chinese), falling back to DejaVu Sans.

    Only installed families are listed: matplotlib warns about every missing one it is asked for.
    """
    names = set(available) if available is not None else _installed_fonts()
    found = tuple(name for name in PREFERRED_FONTS if name in names)
    missing = tuple(name for name in PREFERRED_FONTS if name not in names)
    return FontChoice((*found, FALLBACK_FONT), missing)


@functools.cache
def _installed_fonts() -> frozenset[str]:
    return frozenset(entry.name for entry in font_manager.fontManager.ttflist)


def to_mercator(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator metres (spherical, as EPSG:3857 and deck.gl); latitude is clamped to ±85.05°."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT))
    return EARTH_RADIUS_M * lam, EARTH_RADIUS_M * np.log(np.tan(np.pi / 4 + phi / 2))


def from_mercator(x: float, y: float) -> tuple[float, float]:
    return math.degrees(x / EARTH_RADIUS_M), math.degrees(
        2 * math.atan(math.exp(y / EARTH_RADIUS_M)) - math.pi / 2
    )


def view_frame(view: MapView) -> Frame:
    """The 16:9 frame around a view. A frame never spans more than the world once (the zoom is raised
    to fit) and never runs off its top or bottom (the centre moves instead)."""
    zoom = max(view.zoom, math.log2(REFERENCE_WIDTH_PX / _WORLD_PX_AT_ZOOM_0))
    metres_per_px = WORLD_M / (_WORLD_PX_AT_ZOOM_0 * 2**zoom)
    half_w = REFERENCE_WIDTH_PX * metres_per_px / 2
    half_h = REFERENCE_HEIGHT_PX * metres_per_px / 2
    x, y = (float(v) for v in to_mercator(view.longitude, view.latitude))
    y = min(max(y, -WORLD_M / 2 + half_h), WORLD_M / 2 - half_h)
    return Frame(x - half_w, y - half_h, x + half_w, y + half_h, zoom)


def view_bounds(view: MapView) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the 16:9 frame a slide of this view shows."""
    return view_frame(view).bounds_deg()


def data_date(tables: Tables) -> str:
    """The date of the data: when the newest source was last read (as on the Data & sources page)."""
    latest = pd.to_datetime(tables.sources["accessed_date"]).max()
    return "undated" if pd.isna(latest) else latest.date().isoformat()


def map_content(spec: MapSpec, tables: Tables, t: Translator) -> MapContent:
    """The records, legend and sources of the page's map, built as the page builds them."""
    return _PAGE_CONTENT[spec.page](spec, tables, t)


def _plan(tables: Tables, service_id: str, closed: tuple[str, ...], speed_kn: float) -> model.ServicePlan:
    return model.plan_service(tables, service_id, closed, speed_kn)


def _place_sources(tables: Tables, ids: Iterable[str]) -> list[str]:
    rows = tables.places.set_index("id")
    return [sid for pid in ids for sid in split_ids(rows.loc[pid, "source_ids"])]


def _row_sources(frame: pd.DataFrame, key: str, ids: Iterable[str]) -> list[str]:
    rows = frame.set_index(key)
    return [sid for rid in ids for sid in split_ids(rows.loc[rid, "source_ids"])]


def _labels(dots: Sequence[Record], tables: Tables, language: str) -> tuple[Record, ...]:
    return tuple(layers.label_records(dots, tables, language))


def _corridor_legend(tables: Tables, lines: Sequence[model.CorridorLine]) -> list[LegendItem]:
    corridors = tables.corridors.set_index("corridor_id")
    modes = {corridors.loc[c.corridor_id, "mode"] for c in lines}
    items = [
        LegendItem(key, tuple(style.CORRIDOR_COLOURS[mode]), "line")
        for mode, key in (("road", "legend.road"), ("rail", "legend.rail"), ("high_speed_rail", "legend.hsr"))
        if mode in modes
    ]
    if any(corridors.loc[c.corridor_id, "status"] != "operating" for c in lines):
        items.append(LegendItem("legend.proposed", tuple(style.GREY), "dashed"))
    return items


def _place_legend(dots: Sequence[Record], tables: Tables) -> list[LegendItem]:
    kinds = set(tables.places.set_index("id").loc[[d["id"] for d in dots], "kind"]) if dots else set()
    items = [
        LegendItem(key, tuple(style.PLACE_COLOURS[kind_list[0]]), "dot")
        for kind_list, key in (
            (("port", "terminal"), "legend.port"),
            (("border_gate",), "legend.gate"),
            (("airport",), "legend.airport"),
            (("economic_zone", "industrial_park"), "legend.zone"),
        )
        if kinds & set(kind_list)
    ]
    if any(d["fill"] != d["color"] for d in dots):
        items.append(LegendItem("legend.planned", tuple(style.GREY), "hollow"))
    return items


def _overview_content(spec: MapSpec, tables: Tables, t: Translator) -> MapContent:
    on = set(spec.layers)
    lang = spec.language
    paths: list[tuple[str, tuple[Record, ...]]] = []
    legend: list[LegendItem] = []
    sources: list[str] = []
    zones: tuple[Record, ...] = ()
    if "zones" in on:
        zones = tuple(layers.zone_records(tables, lang, t))
        sources += _place_sources(tables, [z["id"] for z in zones])
    lines: list[model.CorridorLine] = []
    if "corridors" in on:
        status = tables.corridors.set_index("corridor_id")["status"]
        lines = [
            c
            for c in model.corridor_lines(tables)
            if spec.show_planned or status[c.corridor_id] == "operating"
        ]
        paths.append(("land-corridors", tuple(layers.corridor_records(tables, lines, lang, t))))
        sources += _row_sources(tables.corridors, "corridor_id", [c.corridor_id for c in lines])
    if "air" in on:
        links = model.air_links(tables)
        paths.append(("air-links", tuple(layers.air_records(tables, links, lang, t))))
        sources += _row_sources(tables.services, "service_id", [a.service_id for a in links])
        if links:
            legend.append(LegendItem("legend.air", tuple(style.AIR_COLOUR), "dashed"))
    kinds = tables.services.set_index("service_id")["kind"]
    plans = []
    routes: list[Record] = []
    for service_id in model.sea_services(tables):
        kind = kinds[service_id]
        if (kind == "scheduled" and "sea" in on) or (kind == "partner_lane" and "lanes" in on):
            plan = _plan(tables, service_id, (), model.DEFAULT_SPEED_KN)
            plans.append(plan)
            routes += layers.service_records(
                tables,
                plan,
                lang,
                t,
                width=layers.sailings_width(plan.sailings_per_year),
                dashed=kind == "partner_lane",
            )
    paths.append(("sea-routes", tuple(routes)))
    sources += _row_sources(tables.services, "service_id", [p.service_id for p in plans])
    drawn_kinds = {kinds[p.service_id] for p in plans}
    legend[:0] = [
        item
        for kind, item in (
            ("scheduled", LegendItem("legend.scheduled_service", tuple(style.BLUE), "line")),
            ("partner_lane", LegendItem("legend.partner_lane", tuple(style.PURPLE), "dashed")),
        )
        if kind in drawn_kinds
    ]
    legend += _corridor_legend(tables, lines)
    place_kinds = [
        k
        for k, shown in (
            ("port", True),
            ("terminal", True),
            ("airport", "air" in on),
            ("border_gate", "gates" in on),
            ("rail_border_station", "gates" in on),
            ("city", "cities" in on),
        )
        if shown
    ]
    dots = layers.place_records(tables, lang, t, kinds=place_kinds)
    if not spec.show_planned:
        planned = set(tables.places.loc[tables.places["status"] == "planned", "id"])
        dots = [d for d in dots if d["id"] not in planned]
    legend += _place_legend(dots, tables)
    if zones:
        legend.append(LegendItem("legend.zone", tuple(style.GREEN), "ring"))
    sources += _place_sources(tables, [d["id"] for d in dots])
    return MapContent(
        tuple(paths),
        zones,
        tuple(dots),
        _labels(dots, tables, lang),
        _dedupe(legend),
        tuple(dict.fromkeys(sources)),
        tuple(plans),
        tuple(lines),
    )


def _sea_content(spec: MapSpec, tables: Tables, t: Translator) -> MapContent:
    assert spec.service_id is not None  # checked in MapSpec.__post_init__
    lang = spec.language
    row = model.service_row(tables, spec.service_id)
    baseline = _plan(tables, spec.service_id, (), spec.speed_kn)
    scenario = _plan(tables, spec.service_id, spec.closed, spec.speed_kn) if spec.closed else None
    paths = [
        (
            "sea-routes",
            tuple(layers.service_records(tables, baseline, lang, t, width=5.0 if scenario is None else 4.0)),
        )
    ]
    legend = [LegendItem("legend.baseline", tuple(style.SERVICE_COLOURS[row["kind"]]), "line")]
    if scenario is not None:
        records = layers.service_records(
            tables,
            scenario,
            lang,
            t,
            colour=style.SCENARIO_COLOUR,
            width=4.0,
            dashed=True,
            label_key="map.scenario",
        )
        paths.append(("scenario-routes", tuple(records)))
        legend.append(LegendItem("legend.scenario", tuple(style.SCENARIO_COLOUR), "dashed"))
    stops = [s.place_id for s in baseline.stops]
    dots = layers.place_records(tables, lang, t, kinds=("port", "terminal"), only=stops)
    legend += _place_legend(dots, tables)
    sources = split_ids(row["source_ids"]) + _place_sources(tables, stops)
    plans = (baseline,) if scenario is None else (baseline, scenario)
    return MapContent(
        tuple(paths),
        (),
        tuple(dots),
        _labels(dots, tables, lang),
        tuple(legend),
        tuple(dict.fromkeys(sources)),
        plans,
        label_size_px=14.0,
        subtitle=_sea_subtitle(localized(row.to_dict(), lang), baseline, scenario, spec.closed, t),
    )


def _sea_subtitle(
    name: str,
    baseline: model.ServicePlan,
    scenario: model.ServicePlan | None,
    closed: Sequence[str],
    t: Translator,
) -> str:
    """'Service · 9,731 nm' or 'Service · What-if: Suez Canal · 9,731 → 13,020 nm'."""
    if scenario is None:
        return f"{name} · {baseline.rotation.distance_nm:,.0f} nm"
    # The passages as the user named them ("Red Sea"), not as resolved (Suez, Bab-el-Mandeb).
    names = ", ".join(t(f"passage.{p}") if t.has(f"passage.{p}") else p for p in closed)
    distances = f"{baseline.rotation.distance_nm:,.0f} → {scenario.rotation.distance_nm:,.0f} nm"
    return f"{name} · {t('map.scenario', name=names)} · {distances}"


def _border_content(spec: MapSpec, tables: Tables, t: Translator) -> MapContent:
    lang = spec.language
    paths: list[tuple[str, tuple[Record, ...]]] = []
    lines: list[model.CorridorLine] = []
    sources: list[str] = []
    if "corridors" in spec.layers:
        lines = model.corridor_lines(tables)
        paths.append(("land-corridors", tuple(layers.corridor_records(tables, lines, lang, t))))
        sources += _row_sources(tables.corridors, "corridor_id", [c.corridor_id for c in lines])
    shown = tables.gate_pairs
    if not spec.show_planned:
        shown = shown.loc[shown["status"] == "operating"]
    pairs = layers.gate_pair_records(tables, shown, lang, t)
    paths.append(("gate-pairs", tuple(pairs)))
    sources += _row_sources(tables.gate_pairs, "pair_id", shown["pair_id"])
    all_sides = set(tables.gate_pairs["vn_place_id"]) | set(tables.gate_pairs["cn_place_id"])
    hidden = all_sides - set(shown["vn_place_id"]) - set(shown["cn_place_id"])
    dots = [
        d
        for d in layers.place_records(tables, lang, t, kinds=("border_gate", "rail_border_station", "city"))
        if d["id"] not in hidden
    ]
    sources += _place_sources(tables, [d["id"] for d in dots])
    legend = [LegendItem("legend.gate_pair", tuple(style.VERMILLION), "line")]
    if any(p["width"] > 3.0 for p in pairs):
        legend.append(LegendItem("legend.pilot", tuple(style.VERMILLION), "line"))
    if any(p["dash"] != layers.SOLID for p in pairs):
        legend.append(LegendItem("legend.planned_or_suspended", tuple(style.VERMILLION), "dashed"))
    legend += _corridor_legend(tables, lines) + _place_legend(dots, tables)
    return MapContent(
        tuple(paths),
        (),
        tuple(dots),
        _labels(dots, tables, lang),
        _dedupe(legend),
        tuple(dict.fromkeys(sources)),
        (),
        tuple(lines),
    )


def _partners_content(spec: MapSpec, tables: Tables, t: Translator) -> MapContent:
    lang = spec.language
    partner_ids = sorted({pid for v in tables.agreements["place_ids"] for pid in split_ids(v)})
    kinds = tables.services.set_index("service_id")["kind"]
    plans = [
        _plan(tables, sid, (), model.DEFAULT_SPEED_KN)
        for sid in model.sea_services(tables)
        if kinds[sid] == "partner_lane"
    ]
    lanes = [r for plan in plans for r in layers.service_records(tables, plan, lang, t, dashed=True)]
    dots = layers.place_records(
        tables, lang, t, kinds=layers.POINT_KINDS + layers.ZONE_KINDS, only=partner_ids
    )
    legend = [LegendItem("legend.partner_lane", tuple(style.PURPLE), "dashed"), *_place_legend(dots, tables)]
    sources = _row_sources(tables.services, "service_id", [p.service_id for p in plans])
    sources += _place_sources(tables, [d["id"] for d in dots])
    sources += [sid for v in tables.agreements["source_ids"] for sid in split_ids(v)]
    return MapContent(
        (("sea-routes", tuple(lanes)),),
        (),
        tuple(dots),
        _labels(dots, tables, lang),
        _dedupe(legend),
        tuple(dict.fromkeys(sources)),
        tuple(plans),
    )


_PAGE_CONTENT: dict[str, Callable[[MapSpec, Tables, Translator], MapContent]] = {
    "overview": _overview_content,
    "sea_services": _sea_content,
    "border_gates": _border_content,
    "partners": _partners_content,
}


def _dedupe(items: Iterable[LegendItem]) -> tuple[LegendItem, ...]:
    return tuple(dict.fromkeys(items))


def map_sources_note(tables: Tables, content: MapContent) -> str:
    """`atlas.exports.sources_note` for the sources of what the map shows, with the data date."""
    used = tables.sources.loc[tables.sources["source_id"].isin(content.source_ids)]
    return sources_note(replace(tables, sources=used), data_date(tables))


def sources_line(tables: Tables, source_ids: Iterable[str]) -> list[str]:
    """'Publisher, date' for each source, once each, in order."""
    parts = [layers.source_label(tables, [sid]) for sid in source_ids]
    return list(dict.fromkeys(p for p in parts if p))


@functools.lru_cache(maxsize=1)
def embedded_tables() -> Tables:
    """The embedded data, for callers that have not loaded it (scripts, tests)."""
    result = load_all()
    if result.tables is None:
        raise DataError(list(result.problems))
    return result.tables


@functools.lru_cache(maxsize=8)
def _basemap_mercator(layer_name: str, outside_region: bool = False) -> gpd.GeoSeries:
    """A basemap layer cut to the Mercator latitude range and projected; optionally without the part
    inside the 1:10m region (where the regional layer is drawn instead)."""
    if layer_name.startswith("land_"):
        frame = basemap.load_land(layer_name.removeprefix("land_"))  # type: ignore[arg-type]
    else:
        frame = basemap.load_borders(layer_name.removeprefix("borders_"))  # type: ignore[arg-type]
    geoms = frame.geometry.clip_by_rect(-180, -MAX_LAT, 180, MAX_LAT)
    if outside_region:
        geoms = geoms.difference(shapely.box(*basemap.REGION_BOUNDS))
    geoms = geoms[~geoms.is_empty]
    return gpd.GeoSeries(geoms.values, crs="EPSG:4326").to_crs("EPSG:3857")


def _offsets(x_min: float, x_max: float, frame: Frame) -> list[float]:
    """World copies (multiples of the world's width) at which an x-range shows in the frame."""
    first = math.ceil((frame.west - x_max) / WORLD_M)
    last = math.floor((frame.east - x_min) / WORLD_M)
    return [k * WORLD_M for k in range(first, last + 1)]


def _hex(colour: Sequence[int]) -> str:
    return style.hex_colour(list(colour))


def _rgba(colour: Sequence[int]) -> tuple[float, float, float, float]:
    alpha = colour[3] if len(colour) > 3 else 255
    return colour[0] / 255, colour[1] / 255, colour[2] / 255, alpha / 255


def _draw_basemap(ax: Any, frame: Frame, view: MapView) -> None:
    region = basemap_detail(view) == "region"
    land = ["land_50m", "land_10m_region"] if region else ["land_50m"]
    borders = [("borders_50m", True), ("borders_10m_region", False)] if region else [("borders_50m", False)]
    for name in land:
        _draw_geoseries(
            ax,
            _basemap_mercator(name),
            frame,
            facecolor=_rgba(style.LAND_FILL),
            edgecolor="none",
            linewidth=0,
            zorder=1,
        )
    for name, outside in borders:
        width = (1.4 if name.endswith("region") else 0.8) * PT_PER_PX
        _draw_geoseries(
            ax,
            _basemap_mercator(name, outside),
            frame,
            color=_rgba(style.BORDER_LINE),
            linewidth=width,
            zorder=2,
        )


def _draw_geoseries(ax: Any, series: gpd.GeoSeries, frame: Frame, **kwargs: Any) -> None:
    x_min, _, x_max, _ = series.total_bounds
    for offset in _offsets(x_min, x_max, frame):
        clipped = series.clip_by_rect(frame.west - offset, frame.south, frame.east - offset, frame.north)
        clipped = clipped[~clipped.is_empty]
        if len(clipped):
            clipped.translate(xoff=offset).plot(ax=ax, **kwargs)


def _draw_paths(ax: Any, records: Sequence[Record], frame: Frame, zorder: float) -> None:
    for record in records:
        coords = np.asarray(record["path"], dtype=float)
        if len(coords) < 2:
            continue
        x, y = to_mercator(coords[:, 0], coords[:, 1])
        dash = record.get("dash") or layers.SOLID
        linestyle: Any = "-" if not any(dash) else (0, tuple(float(v) for v in dash))
        for offset in _offsets(float(x.min()), float(x.max()), frame):
            ax.plot(
                x + offset,
                y,
                color=_rgba(record["color"]),
                linewidth=float(record["width"]) * PT_PER_PX,
                linestyle=linestyle,
                solid_capstyle="round",
                solid_joinstyle="round",
                dash_capstyle="butt",
                zorder=zorder,
            )


def _in_frame_x(x: float, frame: Frame) -> float | None:
    """The copy of x (shifted by whole worlds) that lies in the frame, or None."""
    for offset in _offsets(x, x, frame):
        return x + offset
    return None


def _draw_dots(
    ax: Any, records: Sequence[Record], frame: Frame, *, filled: bool, line_px: float, zorder: float
) -> None:
    xs, ys, faces, edges, sizes = [], [], [], [], []
    for record in records:
        x, y = (float(v) for v in to_mercator(*record["position"]))
        for offset in _offsets(x, x, frame):
            xs.append(x + offset)
            ys.append(y)
            faces.append(_rgba(record["fill"]) if filled else (0, 0, 0, 0))
            edges.append(_rgba(record["color"]))
            sizes.append((2 * float(record["radius"]) * PT_PER_PX) ** 2)
    if xs:
        ax.scatter(xs, ys, s=sizes, c=faces, edgecolors=edges, linewidths=line_px * PT_PER_PX, zorder=zorder)


def _draw_labels(
    ax: Any,
    labels: Sequence[Record],
    frame: Frame,
    view: MapView,
    size_px: float,
    fonts: FontChoice,
    avoid: Sequence[Bbox],
) -> list[Text]:
    """The labels that fit (decluttered as the app does), each beside its dot and flipped to the dot's
    left where it would run off the right edge. Labels under the title, legend, scale bar or footer
    are left out rather than half hidden. A white halo, not a box, keeps routes visible under them."""
    shifted = []
    for label in labels:
        x, _ = (float(v) for v in to_mercator(*label["position"]))
        inside = _in_frame_x(x, frame)
        if inside is not None:
            lon = label["position"][0] + (inside - x) / WORLD_M * 360
            shifted.append(label | {"position": [lon, label["position"][1]]})
    kept = declutter(shifted, MapView(view.latitude, view.longitude, frame.zoom), size_px)
    mpp = frame.metres_per_px
    renderer = ax.figure.canvas.get_renderer()
    halo = [patheffects.withStroke(linewidth=3.5, foreground="white")]
    artists = []
    for label in kept:
        x, y = (float(v) for v in to_mercator(*label["position"]))
        text = nfc(label["label"])
        flip = x + (9 + text_width_px(text, size_px)) * mpp > frame.east - 4 * mpp
        artist = ax.text(
            x - 9 * mpp if flip else x + 9 * mpp,
            y,
            text,
            fontsize=size_px * PT_PER_PX,
            family=list(fonts.families),
            ha="right" if flip else "left",
            va="center",
            color=_hex(style.BLACK),
            zorder=7,
            clip_on=True,
            path_effects=halo,
            parse_math=False,
        )
        box = artist.get_window_extent(renderer).expanded(1.02, 1.1)
        if any(box.overlaps(other) for other in avoid):
            artist.remove()
        else:
            artists.append(artist)
    return artists


def _nice_km(target_km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ km not above the target."""
    power = 10 ** math.floor(math.log10(target_km))
    return max(m * power for m in (1, 2, 5) if m * power <= target_km)


@dataclass(frozen=True)
class ScaleBar:
    km: float
    length_m: float
    latitude: float


def scale_bar(frame: Frame, share: float = 0.16) -> ScaleBar:
    """A round number of kilometres about `share` of the frame wide, true at the frame's centre
    latitude: Web Mercator draws a ground length ℓ at latitude φ as ℓ / cos φ metres."""
    _, latitude = from_mercator(0.0, (frame.south + frame.north) / 2)
    stretch = 1 / math.cos(math.radians(latitude))
    km = _nice_km(share * (frame.east - frame.west) / stretch / 1000)
    return ScaleBar(km, km * 1000 * stretch, latitude)


def _draw_scale_bar(ax: Any, frame: Frame, bottom_frac: float, t: Translator, fonts: FontChoice) -> Bbox:
    """The scale bar in the lower left; the latitude it is true at is named when the frame spans
    enough latitude for the scale to vary visibly. Returns its box in display pixels."""
    _, south, _, north = frame.bounds_deg()
    bar = scale_bar(frame)
    km, length, lat = bar.km, bar.length_m, bar.latitude
    width_m, height_m = frame.east - frame.west, frame.north - frame.south
    x0 = frame.west + 0.02 * width_m
    y0 = frame.south + (bottom_frac + 0.035) * height_m
    bar_h = 0.008 * height_m
    text = f"{km:,.0f} km" if km >= 1 else f"{km:g} km"
    if north - south > 8:
        text += " · " + t("export.scale_at", lat=f"{abs(lat):.0f}°{'N' if lat >= 0 else 'S'}")
    label = ax.text(
        x0,
        y0 + bar_h + 0.012 * height_m,
        text,
        fontsize=10,
        family=list(fonts.families),
        ha="left",
        va="bottom",
        color=_hex(style.BLACK),
        zorder=10,
        parse_math=False,
    )
    renderer = ax.figure.canvas.get_renderer()
    text_right = ax.transData.inverted().transform(label.get_window_extent(renderer).p1)[0]
    pad_x, pad_y = 0.008 * width_m, 0.018 * height_m
    background = Rectangle(
        (x0 - pad_x, y0 - pad_y),
        max(length, text_right - x0) + 2 * pad_x,
        0.075 * height_m,
        facecolor=(1, 1, 1, 0.85),
        edgecolor="none",
        zorder=9,
    )
    ax.add_patch(background)
    for index in range(2):
        ax.add_patch(
            Rectangle(
                (x0 + index * length / 2, y0),
                length / 2,
                bar_h,
                zorder=10,
                linewidth=0.8,
                facecolor=_hex(style.BLACK) if index == 0 else "white",
                edgecolor=_hex(style.BLACK),
            )
        )
    return background.get_window_extent(renderer)


def _legend_handle(item: LegendItem) -> Line2D:
    colour = _rgba(item.colour)
    if item.shape in ("line", "dashed"):
        dashes: Any = (0, (3, 2)) if item.shape == "dashed" else "-"
        return Line2D([], [], color=colour, linewidth=3.2, linestyle=dashes)
    face = colour if item.shape == "dot" else (1, 1, 1, 1) if item.shape == "hollow" else (0, 0, 0, 0)
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=9,
        markerfacecolor=face,
        markeredgecolor=colour,
        markeredgewidth=2,
    )


def _wrap(
    parts: Sequence[str],
    prefix: str,
    width_px: float,
    measure: Callable[[str], float],
    max_lines: int,
    more: Callable[[int], str],
) -> list[str]:
    """Fill lines greedily with whole parts ('; '-separated) after a prefix; what does not fit in
    `max_lines` is counted in `more(n)` at the end of the last line."""
    lines: list[str] = []
    current = ""
    for index, part in enumerate(parts):
        head = "" if lines else prefix
        candidate = f"{current}; {part}" if current else part
        if not current or measure(head + candidate) <= width_px:
            current = candidate
            continue
        if len(lines) == max_lines - 1:
            remaining = len(parts) - index
            while "; " in current and measure(f"{head}{current}; {more(remaining)}") > width_px:
                current = current.rsplit("; ", 1)[0]
                remaining += 1
            lines.append(f"{head}{current}; {more(remaining)}")
            return lines
        lines.append(f"{head}{current};")
        current = part
    if current:
        lines.append(("" if lines else prefix) + current)
    return lines


def render_map_figure(spec: MapSpec, tables: Tables | None = None) -> Figure:
    """The map of `spec` as a 16:9 matplotlib Figure (2000 × 1125 px at 150 dpi), not attached to
    pyplot. `map_png` / `map_pdf` draw it and also write the file's metadata."""
    with _RENDER_LOCK:
        return _render(spec, tables or embedded_tables(), choose_fonts())[0]


def _render(spec: MapSpec, tables: Tables, fonts: FontChoice) -> tuple[Figure, MapContent]:
    t = Translator(tables.translations, spec.language)
    content = map_content(spec, tables, t)
    frame = view_frame(spec.view)
    fig = Figure(figsize=(FIGURE_SIZE_PX[0] / DPI, FIGURE_SIZE_PX[1] / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(frame.west, frame.east)
    ax.set_ylim(frame.south, frame.north)
    ax.set_aspect("equal", adjustable="box")
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=_rgba(style.SEA_FILL), zorder=0))

    _draw_basemap(ax, frame, spec.view)
    _draw_dots(ax, content.zones, frame, filled=False, line_px=2.5, zorder=3)
    for index, (_, records) in enumerate(content.paths):
        _draw_paths(ax, records, frame, zorder=4 + index / 10)
    _draw_dots(ax, content.places, frame, filled=True, line_px=2, zorder=6)

    footer = _draw_footer(fig, tables, content, t, fonts)
    overlays = [footer, *_draw_title(fig, spec.title, spec.subtitle or content.subtitle, fonts)]
    if content.legend:
        overlays.append(_draw_legend(fig, content.legend, footer, t, fonts))
    overlays.append(_draw_scale_bar(ax, frame, footer.height / FIGURE_SIZE_PX[1], t, fonts))
    _draw_labels(ax, content.labels, frame, spec.view, content.label_size_px, fonts, overlays)
    return fig, content


def _draw_footer(fig: Figure, tables: Tables, content: MapContent, t: Translator, fonts: FontChoice) -> Bbox:
    """Data date, disclaimer, basemap credit and the map's sources along the bottom edge."""
    size = 8.5
    prop = FontProperties(family=list(fonts.families), size=size)
    renderer = fig.canvas.get_renderer()

    def measure(text: str) -> float:
        return renderer.get_text_width_height_descent(text, prop, ismath=False)[0]

    first = "  ·  ".join(
        [t("export.data_as_of", date=data_date(tables)), t("export.basemap"), "Corridor Atlas"]
    )
    sources = _wrap(
        sources_line(tables, content.source_ids),
        t("export.sources", sources=""),
        FIGURE_SIZE_PX[0] * 0.976,
        measure,
        3,
        lambda n: t("export.more_sources", n=n),
    )
    line_frac = size * 1.45 / 72 / (FIGURE_SIZE_PX[1] / DPI)
    height = line_frac * (1 + len(sources)) + 0.014
    fig.add_artist(
        Rectangle(
            (0, 0),
            1,
            height,
            transform=fig.transFigure,
            facecolor=(1, 1, 1, 0.9),
            edgecolor="none",
            zorder=20,
        )
    )
    for index, line in enumerate([first, *sources]):
        fig.text(
            0.012,
            height - 0.007 - index * line_frac,
            nfc(line),
            fontproperties=prop,
            va="top",
            ha="left",
            color=_hex(style.BLACK),
            zorder=21,
            weight="bold" if index == 0 else "normal",
            parse_math=False,
        )
    return Bbox.from_extents(0, 0, FIGURE_SIZE_PX[0], height * FIGURE_SIZE_PX[1])


def _draw_title(fig: Figure, title: str, subtitle: str, fonts: FontChoice) -> list[Bbox]:
    renderer = fig.canvas.get_renderer()
    boxes = []
    artist = fig.text(
        0.012,
        0.975,
        nfc(title),
        fontsize=21,
        weight="bold",
        family=list(fonts.families),
        va="top",
        ha="left",
        color=_hex(style.BLACK),
        zorder=21,
        bbox={"boxstyle": "round,pad=0.35", "facecolor": (1, 1, 1, 0.88), "edgecolor": "none"},
        parse_math=False,
    )
    boxes.append(artist.get_window_extent(renderer).padded(12))
    if subtitle:
        top = boxes[0].y0 / FIGURE_SIZE_PX[1] - 0.006
        artist = fig.text(
            0.012,
            top,
            nfc(subtitle),
            fontsize=12.5,
            family=list(fonts.families),
            va="top",
            ha="left",
            color=_hex(style.BLACK),
            zorder=21,
            bbox={"boxstyle": "round,pad=0.35", "facecolor": (1, 1, 1, 0.88), "edgecolor": "none"},
            parse_math=False,
        )
        boxes.append(artist.get_window_extent(renderer).padded(8))
    return boxes


def _draw_legend(
    fig: Figure, items: Sequence[LegendItem], footer: Bbox, t: Translator, fonts: FontChoice
) -> Bbox:
    legend = fig.legend(
        [_legend_handle(item) for item in items],
        [nfc(t(item.key)) for item in items],
        loc="lower right",
        bbox_to_anchor=(0.992, footer.y1 / FIGURE_SIZE_PX[1] + 0.012),
        ncols=2 if len(items) > 6 else 1,
        prop=FontProperties(family=list(fonts.families), size=11),
        frameon=True,
        framealpha=0.92,
        edgecolor="none",
        handlelength=2.6,
        borderpad=0.7,
        labelspacing=0.55,
        columnspacing=1.4,
    )
    legend.set_zorder(22)
    for text in legend.get_texts():
        text.set_parse_math(False)
    return legend.get_window_extent(fig.canvas.get_renderer())


def _metadata(spec: MapSpec, tables: Tables, content: MapContent, fonts: FontChoice) -> dict[str, str]:
    return {
        "Title": nfc(spec.title),
        "Subject": map_sources_note(tables, content),
        "Keywords": fonts.note,
        "Creator": "Corridor Atlas",
    }


def map_png(spec: MapSpec, tables: Tables | None = None) -> bytes:
    """The slide as PNG, 2000 × 1125 px; its text chunks hold the title, sources and fonts used."""
    tables = tables or embedded_tables()
    with _RENDER_LOCK:
        fonts = choose_fonts()
        fig, content = _render(spec, tables, fonts)
        meta = _metadata(spec, tables, content, fonts)
        png_meta = {
            "Title": meta["Title"],
            "Description": meta["Subject"],
            "Disclaimer": DISCLAIMER,
            "Comment": meta["Keywords"],
            "Software": meta["Creator"],
        }
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata=png_meta)
        return buffer.getvalue()


def map_pdf(spec: MapSpec, tables: Tables | None = None) -> bytes:
    """The slide as a one-page PDF with embedded (TrueType, searchable) fonts and the sources in its
    metadata."""
    tables = tables or embedded_tables()
    with _RENDER_LOCK:
        fonts = choose_fonts()
        fig, content = _render(spec, tables, fonts)
        meta: dict[str, Any] = _metadata(spec, tables, content, fonts) | {"CreationDate": None}
        buffer = io.BytesIO()
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            fig.savefig(buffer, format="pdf", dpi=DPI, metadata=meta)
        return buffer.getvalue()


def text_artists(fig: Figure) -> list[str]:
    """Every text the figure draws (labels, title, legend, footer), NFC-normalised — for checks."""
    texts = [unicodedata.normalize("NFC", a.get_text()) for a in fig.findobj(Text)]
    return [text for text in texts if text]
