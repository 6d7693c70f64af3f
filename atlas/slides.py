"""The map as a slide (PNG) or a handout (PDF), drawn on the server with matplotlib.

A renderer only: it draws a `atlas.content.MapContent` at a view — the records, labels, legend and
sources the content holds, nothing chosen here. Projection is Web Mercator (`atlas.mercator`), like
the app, and the frame is what the app's map (`atlas.content.MAP_SIZE_PX`, 996 × 560 CSS pixels)
shows at that view, drawn at 2000 × 1125 image pixels (13.33 × 7.5 in at 150 dpi). The frame wraps
across ±180° the way deck.gl's repeating MapView does.

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
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from loaders import Tables, basemap

from . import layers, style
from .content import FIT_PADDING_PX, MAP_SIZE_PX, LegendItem, MapContent
from .deck import basemap_detail
from .exports import content_sources_note, sources_line
from .framing import fit_view
from .i18n import Translator, nfc
from .mercator import MAX_LAT, WORLD_M, WORLD_PX_AT_ZOOM_0, from_metres, to_metres
from .numbers import number
from .views import MapView

FIGURE_SIZE_PX: tuple[int, int] = (2000, 1125)
DPI = 150
REFERENCE_WIDTH_PX, REFERENCE_HEIGHT_PX = MAP_SIZE_PX
# deck.gl pixels (line widths, dot radii, label sizes) to figure points.
PT_PER_PX = FIGURE_SIZE_PX[0] / DPI * 72 / REFERENCE_WIDTH_PX

PREFERRED_FONTS: tuple[str, ...] = ("Noto Sans", "Noto Sans CJK SC")
FALLBACK_FONT = "DejaVu Sans"
DISCLAIMER = "Illustrative, not for navigation."

Record = dict[str, Any]

# One figure at a time: rc_context (PDF font type) is process-wide and downloads render in threads.
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class Page:
    """One page of a slide deck or handout: a content at a view, optionally with a caption."""

    content: MapContent
    view: MapView
    title: str = ""
    caption: str = ""
    extra_sources: tuple[str, ...] = ()


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
        west, south = from_metres(self.west, self.south)
        east, north = from_metres(self.east, self.north)
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


def view_frame(view: MapView) -> Frame:
    """The 16:9 frame around a view. A frame never spans more than the world once (the zoom is raised
    to fit) and never runs off its top or bottom (the centre moves instead)."""
    zoom = max(view.zoom, math.log2(REFERENCE_WIDTH_PX / WORLD_PX_AT_ZOOM_0))
    metres_per_px = WORLD_M / (WORLD_PX_AT_ZOOM_0 * 2**zoom)
    half_w = REFERENCE_WIDTH_PX * metres_per_px / 2
    half_h = REFERENCE_HEIGHT_PX * metres_per_px / 2
    x, y = (float(v) for v in to_metres(view.longitude, view.latitude))
    y = min(max(y, -WORLD_M / 2 + half_h), WORLD_M / 2 - half_h)
    return Frame(x - half_w, y - half_h, x + half_w, y + half_h, zoom)


def view_bounds(view: MapView) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the 16:9 frame a slide of this view shows."""
    return view_frame(view).bounds_deg()


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
        x, y = to_metres(coords[:, 0], coords[:, 1])
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
        x, y = (float(v) for v in to_metres(*record["position"]))
        for offset in _offsets(x, x, frame):
            xs.append(x + offset)
            ys.append(y)
            faces.append(_rgba(record["fill"]) if filled else (0, 0, 0, 0))
            edges.append(_rgba(record["color"]))
            sizes.append((2 * float(record["radius"]) * PT_PER_PX) ** 2)
    if xs:
        ax.scatter(xs, ys, s=sizes, c=faces, edgecolors=edges, linewidths=line_px * PT_PER_PX, zorder=zorder)


_HORIZONTAL_ALIGNMENT = {"start": "left", "end": "right", "middle": "center"}


def _draw_labels(
    ax: Any,
    content: MapContent,
    frame: Frame,
    view: MapView,
    fonts: FontChoice,
    avoid: Sequence[Bbox],
) -> list[Text]:
    """The content's labels as the screen places them at this view (same declutter, same place round
    the dot). Labels under the title, legend, scale bar or footer are left out rather than half hidden. A
    white halo, not a box, keeps routes visible under them."""
    size_px = content.label_size_px
    mpp = frame.metres_per_px
    renderer = ax.figure.canvas.get_renderer()
    halo = [patheffects.withStroke(linewidth=3.5, foreground="white")]
    artists = []
    for label in content.placed_labels(MapView(view.latitude, view.longitude, frame.zoom)):
        x, y = (float(v) for v in to_metres(*label["position"]))
        x = _in_frame_x(x, frame)
        if x is None:
            continue
        # The screen's placement: offset in pixels (y down), anchored at the label's start, end or
        # middle (beside the dot, above or below it, or staggered for gate pairs).
        end = label.get("anchor") == "end"
        dx, dy = label.get("offset", [-9, 0] if end else [9, 0])
        artist = ax.text(
            x + float(dx) * mpp,
            y - float(dy) * mpp,
            nfc(label["label"]),
            fontsize=size_px * PT_PER_PX,
            family=list(fonts.families),
            ha=_HORIZONTAL_ALIGNMENT[label.get("anchor", "start")],
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
            if label.get("leader"):
                end_x, end_y = x + float(dx) * mpp, y - float(dy) * mpp
                ax.plot([x, end_x], [y, end_y], color=_hex(style.BLACK), linewidth=0.9, zorder=6.5)
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
    _, latitude = from_metres(0.0, (frame.south + frame.north) / 2)
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
    text = t("unit.km_value", value=number(km, t.language, 0 if km >= 1 else 1))
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


def render_map_figure(content: MapContent, view: MapView, tables: Tables, title: str = "") -> Figure:
    """The content at `view` as a 16:9 matplotlib Figure (2000 × 1125 px at 150 dpi), not attached
    to pyplot (`title` replaces the content's). `map_png` / `map_pdf` draw it and write its metadata."""
    with _RENDER_LOCK:
        return _render(Page(content, view, title=title), tables, choose_fonts())


def _render(page: Page, tables: Tables, fonts: FontChoice) -> Figure:
    """The slide of a page. A fitted map whose legend would hide a place in every corner (a
    comparison's long legend) is fitted again above the legend, so nothing it draws is hidden."""
    fig, legend_box, hidden = _render_at(page, page.view, tables, fonts)
    if hidden < PLACE_WEIGHT or not page.content.spec.fitted or legend_box is None:
        return fig
    legend_px = legend_box.height * REFERENCE_HEIGHT_PX / FIGURE_SIZE_PX[1]
    top, right, bottom, left = FIT_PADDING_PX
    view = fit_view(
        page.content.bounds,
        REFERENCE_WIDTH_PX,
        REFERENCE_HEIGHT_PX,
        padding_px=(top, right, bottom + legend_px, left),
    )
    return _render_at(page, view, tables, fonts)[0]


def _render_at(
    page: Page, view: MapView, tables: Tables, fonts: FontChoice
) -> tuple[Figure, Bbox | None, float]:
    """The slide at a view, the legend's box and the weight of what the legend hides."""
    content = page.content
    t = Translator(tables.translations, content.spec.language)
    frame = view_frame(view)
    fig = Figure(figsize=(FIGURE_SIZE_PX[0] / DPI, FIGURE_SIZE_PX[1] / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(frame.west, frame.east)
    ax.set_ylim(frame.south, frame.north)
    ax.set_aspect("equal", adjustable="box")
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=_rgba(style.SEA_FILL), zorder=0))

    _draw_basemap(ax, frame, view)
    for index, layer in enumerate(content.layers):
        if layer.kind == "path":
            _draw_paths(ax, layer.records, frame, zorder=4 + index / 10)
        elif layer.kind == "dots":
            _draw_dots(ax, layer.records, frame, filled=True, line_px=2, zorder=6)
        else:
            _draw_dots(
                ax, layer.records, frame, filled=False, line_px=2.5 if layer.id == "zones" else 4, zorder=3
            )

    sources = (*content.source_ids, *page.extra_sources)
    footer = _draw_footer(fig, tables, sources, content.data_date, t, fonts)
    title = page.title or content.title
    overlays = [footer, *_draw_title(fig, title, page.caption or content.subtitle, fonts)]
    legend_box, hidden = None, 0.0
    if content.legend:
        points = _drawn_points(ax, content, frame)
        legend_box, hidden = _draw_legend(fig, content.legend, footer, t, fonts, points, avoid=overlays)
        overlays.append(legend_box)
    overlays.append(_draw_scale_bar(ax, frame, footer.height / FIGURE_SIZE_PX[1], t, fonts))
    _draw_labels(ax, content, frame, view, fonts, overlays)
    return fig, legend_box, hidden


def _draw_footer(
    fig: Figure, tables: Tables, source_ids: Sequence[str], date: str, t: Translator, fonts: FontChoice
) -> Bbox:
    """Data date, disclaimer, basemap credit and the map's sources along the bottom edge."""
    size = 8.5
    prop = FontProperties(family=list(fonts.families), size=size)
    renderer = fig.canvas.get_renderer()

    def measure(text: str) -> float:
        return renderer.get_text_width_height_descent(text, prop, ismath=False)[0]

    first = "  ·  ".join([t("export.data_as_of", date=date), t("export.basemap"), "Corridor Atlas"])
    sources = _wrap(
        sources_line(tables, source_ids, t),
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


# What a legend may cover when it has to cover something: a place (dot or label) counts as much as
# this many route vertices.
PLACE_WEIGHT = 25


def _drawn_points(ax: Any, content: MapContent, frame: Frame) -> list[tuple[float, float, int]]:
    """Every drawn coordinate in figure pixels with its weight (places heavy, route vertices light)."""
    points = []
    for layer in content.layers:
        for record in layer.records:
            coords = record.get("path") or [record["position"]]
            weight = 1 if "path" in record else PLACE_WEIGHT
            for lon, lat in coords:
                x, y = (float(v) for v in to_metres(lon, lat))
                x = _in_frame_x(x, frame)
                if x is not None:
                    px, py = ax.transData.transform((x, y))
                    points.append((float(px), float(py), weight))
    return points


def _draw_legend(
    fig: Figure,
    items: Sequence[LegendItem],
    footer: Bbox,
    t: Translator,
    fonts: FontChoice,
    points: Sequence[tuple[float, float, int]] = (),
    avoid: Sequence[Bbox] = (),
) -> tuple[Bbox, float]:
    """The legend in the corner where it hides least of the map: lower right by default, else lower
    left or upper right (a comparison's long legend would otherwise sit on its destination); never
    over the title (`avoid`)."""
    above_footer = footer.y1 / FIGURE_SIZE_PX[1] + 0.012
    corners = (
        ("lower right", (0.992, above_footer)),
        ("lower left", (0.008, above_footer)),
        ("upper right", (0.992, 0.985)),
    )
    best = None
    for loc, anchor in corners:
        legend = _legend_at(fig, items, t, fonts, loc, anchor)
        box = legend.get_window_extent(fig.canvas.get_renderer())
        hidden = sum(w for x, y, w in points if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1)
        if any(box.overlaps(other) for other in avoid):
            hidden = math.inf
        if best is None or hidden < best[0]:
            if best is not None:
                best[1].remove()
            best = (hidden, legend, box)
        else:
            legend.remove()
        if hidden == 0:
            break
    assert best is not None
    return best[2], best[0]


def _legend_at(
    fig: Figure, items: Sequence[LegendItem], t: Translator, fonts: FontChoice, loc: str, anchor: tuple
) -> Any:
    legend = fig.legend(
        [_legend_handle(item) for item in items],
        [nfc(item.label(t)) for item in items],
        loc=loc,
        bbox_to_anchor=anchor,
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
    return legend


def _metadata(title: str, note: str, fonts: FontChoice) -> dict[str, str]:
    return {"Title": nfc(title), "Subject": note, "Keywords": fonts.note, "Creator": "Corridor Atlas"}


def map_png(content: MapContent, view: MapView, tables: Tables) -> bytes:
    """The slide as PNG, 2000 × 1125 px; its text chunks hold the title, sources and fonts used."""
    with _RENDER_LOCK:
        fonts = choose_fonts()
        fig = _render(Page(content, view), tables, fonts)
        meta = _metadata(content.title, content_sources_note(tables, content), fonts)
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


def map_pdf(content: MapContent, view: MapView, tables: Tables) -> bytes:
    """The slide as a one-page PDF with embedded (TrueType, searchable) fonts and the sources in its
    metadata."""
    return pages_pdf([Page(content, view)], tables, content.title)


def pages_pdf(pages: Sequence[Page], tables: Tables, title: str) -> bytes:
    """Several pages in one PDF (the tour handout: one page per scene with its map, title, caption
    and sources)."""
    with _RENDER_LOCK:
        fonts = choose_fonts()
        notes = [content_sources_note(tables, page.content, page.extra_sources) for page in pages]
        meta: dict[str, Any] = _metadata(
            title, notes[0] if len(notes) == 1 else "\n".join(dict.fromkeys(notes)), fonts
        )
        buffer = io.BytesIO()
        with (
            matplotlib.rc_context({"pdf.fonttype": 42}),
            PdfPages(buffer, metadata=meta | {"CreationDate": None}) as pdf,
        ):
            for page in pages:
                pdf.savefig(_render(page, tables, fonts), dpi=DPI)
        return buffer.getvalue()


def text_artists(fig: Figure) -> list[str]:
    """Every text the figure draws (labels, title, legend, footer), NFC-normalised — for checks."""
    texts = [unicodedata.normalize("NFC", a.get_text()) for a in fig.findobj(Text)]
    return [text for text in texts if text]
