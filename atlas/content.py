"""The one map model: a spec (what a deep link carries) in, a map content out.

`map_content(spec, tables, t, plan)` decides everything a map shows — its layers' records, the labels
that compete for room, the legend (only what is drawn), the sources, the data date and the bounds
that framing fits. The page (pydeck, `atlas.deck.content_deck`), the presentation tour, the slide
(`atlas.slides`), the standalone HTML (`atlas.html_export`) and the data files (`atlas.exports`) all
render a content; none of them chooses, filters, labels or frames on its own.

Routes come in through `plan` (service id, closed passages, speed → ServicePlan) so the app passes
its cached planner and scripts pass `atlas.model.plan_service`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from loaders import Tables, split_ids

from . import compare as cmp
from . import layers, model, overlay, style
from .citations import source_label
from .framing import Bounds, bounds_of, coordinates, fit_view
from .i18n import Translator, localized, place_label
from .labels import declutter
from .lookup import rows_by
from .numbers import number
from .search import folded, matches
from .spec import MapSpec
from .views import MapView

Record = dict[str, Any]
PlanFn = Callable[[str, tuple[str, ...], float], model.ServicePlan]
LayerKind = Literal["path", "dots", "rings"]
Shape = Literal["line", "dashed", "dot", "ring", "hollow"]

# The size every map of the app is drawn at (the pages' deck height, 16:9): fitted views, label
# decluttering and the slide frame are all computed for it, so screen and exports agree.
MAP_SIZE_PX: tuple[float, float] = (560.0 * 16 / 9, 560.0)
# The map as a page shows it (full width of the main area): a 1280-px laptop or projector with the
# sidebar open leaves ~800 px, a 390-px phone 358 px (1 rem of padding each side). A view fitted for
# the screen also fits the wider slide; on a wider screen deck.gl zooms a world view in until the world
# fills the map (atlas/deck.py view_limits).
SCREEN_MAP_PX: tuple[float, float] = (800.0, 560.0)
PHONE_MAP_PX: tuple[float, float] = (358.0, 560.0)
# Room the fitted view leaves inside the map (top, right, bottom, left): a slide's title and subtitle
# cover the top, its footer and scale bar the bottom, and labels sit right of their dots.
FIT_PADDING_PX: tuple[float, float, float, float] = (96.0, 150.0, 72.0, 40.0)
SCREEN_LABEL_PX = 13.0
PROJECTOR_LABEL_PX = 20.0
HIGHLIGHT_LAYER_ID = "tour-highlights"
# Highlighted places are labelled before anything else when labels would collide.
HIGHLIGHT_PRIORITY = 1000
# Added to the label priority of a service's first and last port (a port outranks a city by 50).
SERVICE_END_PRIORITY = 20
# Lines a little wider on a projector: projectors wash out thin strokes.
PROJECTOR_ROUTE_WIDTH = 6.0
EMPHASIS_WIDTH = 8.0
DIMMED_ALPHA = 60

TITLE_KEYS = {
    "overview": "overview.title",
    "sea_services": "sea.title",
    "border_gates": "gates.title",
    "partners": "partners.title",
    "cargo": "cargo.title",
    "compare": "compare.title",
    "your_data": "yours.title",
}
# Legend entries in a fixed reading order: lines, then places.
LEGEND_ORDER: tuple[str, ...] = (
    "legend.scheduled_service",
    "legend.baseline",
    "legend.scenario",
    "legend.cargo_match",
    "legend.cargo_other",
    "legend.partner_lane",
    "legend.air",
    "legend.gate_pair",
    "legend.pilot",
    "legend.planned_or_suspended",
    "legend.road",
    "legend.road_proposed",
    "legend.rail",
    "legend.rail_proposed",
    "legend.hsr",
    "legend.hsr_proposed",
    "legend.port",
    "legend.gate",
    *(f"legend.pair.{level}{closed}" for closed in ("", ".closed") for level in style.GATE_LEVEL_COLOURS),
    "legend.smart_gate_road",
    "legend.rail_station",
    "legend.airport",
    "legend.planned",
    "legend.zone",
    "legend.highlight",
    "compare.estimate",
    "compare.vessel.legend",
    "yours.legend.yours",
    "yours.legend.curated",
)
# Legend swatches that stand for a class, not for one record's colour and shape: a hollow dot means
# planned or suspended whatever the place's colour; a dashed comparison leg is an estimate whatever
# its option; uploaded places are outlined black; the curated context is faded grey.
_LEGEND_OVERRIDE: dict[str, tuple[tuple[int, ...], Shape | None]] = {
    "legend.planned": (tuple(style.GREY), None),
    "compare.estimate": (tuple(style.GREY), "dashed"),
    "yours.legend.yours": (tuple(style.BLACK), "ring"),
    "yours.legend.curated": (tuple(style.GREY), "line"),
}
# A comparison's options are named from the data: their legend key carries the option id.
OPTION_LEGEND_PREFIX = "compare.option:"


@dataclass(frozen=True)
class LegendItem:
    """A legend entry: a translation key, or (`text`) a label already in the reader's language."""

    key: str
    colour: tuple[int, ...]
    shape: Shape
    text: str = ""

    def label(self, t: Translator) -> str:
        return self.text or t(self.key)


@dataclass(frozen=True)
class ContentLayer:
    """One drawn layer: a stable id, how it is drawn, and its records (never empty in a content)."""

    id: str
    kind: LayerKind
    records: tuple[Record, ...]


@dataclass(frozen=True)
class MapContent:
    """Everything one map shows, in drawing order, ready for any renderer."""

    spec: MapSpec
    title: str
    subtitle: str
    layers: tuple[ContentLayer, ...]
    labels: tuple[Record, ...]
    label_size_px: float
    legend: tuple[LegendItem, ...]
    source_ids: tuple[str, ...]
    data_date: str
    bounds: Bounds | None
    plans: tuple[model.ServicePlan, ...] = ()
    lines: tuple[model.CorridorLine, ...] = ()
    # The comparison a `compare` map draws (atlas.compare.Comparison): its table and charts use it.
    comparison: Any = None

    def layer(self, layer_id: str) -> ContentLayer | None:
        return next((layer for layer in self.layers if layer.id == layer_id), None)

    @property
    def place_ids(self) -> tuple[str, ...]:
        """Ids of the places and zones drawn (for the data exports)."""
        ids = [r["id"] for layer in self.layers if layer.kind != "path" for r in layer.records if "id" in r]
        return tuple(dict.fromkeys(ids))

    def view(self, size_px: tuple[float, float] = SCREEN_MAP_PX) -> MapView:
        """The spec's view, or the view that fits everything the selection draws at this size."""
        if self.spec.view is not None:
            return self.spec.view
        return fit_view(self.bounds, *size_px, padding_px=FIT_PADDING_PX)

    def placed_labels(self, view: MapView, frame_px: tuple[float, float] = SCREEN_MAP_PX) -> list[Record]:
        """The labels that fit at a view without overlapping or leaving a map of `frame_px`, each
        with its anchor and offset."""
        return declutter(self.labels, view, self.label_size_px, frame_px)


@dataclass(frozen=True)
class Uploads:
    """What a visitor uploaded on "Your data" (session only, never in a link): the checked rows
    (`loaders.uploads.UserData`) and their routes (`atlas.overlay.route_user_services`)."""

    user: Any
    routes: tuple[Any, ...]


def map_content(
    spec: MapSpec,
    tables: Tables,
    t: Translator,
    plan: PlanFn | None = None,
    uploads: Uploads | None = None,
) -> MapContent:
    """The content of the map `spec` describes. `plan` defaults to routing without a cache.

    `tables` are the curated tables, or (with `uploads`) the curated tables merged with the
    visitor's. A comparison that cannot be made raises `atlas.compare.CompareError` (a ValueError)
    with a sentence for the reader."""
    planner: PlanFn = plan or (lambda sid, closed, speed: model.plan_service(tables, sid, closed, speed))
    built = _BUILDERS[spec.kind](_Context(spec, tables, t, planner, uploads))
    return built.finish()


# ---------------------------------------------------------------------------------------------------
# Building: one context per call collects layers, labels, sources and the framing points.


@dataclass
class _Context:
    spec: MapSpec
    tables: Tables
    t: Translator
    plan: PlanFn
    uploads: Uploads | None = None

    def __post_init__(self) -> None:
        self.layers: list[ContentLayer] = []
        self.dots: list[Record] = []
        self.sources: list[str] = []
        self.frame_points: list[tuple[float, float]] = []
        self.plans: list[model.ServicePlan] = []
        self.lines: list[model.CorridorLine] = []
        # Labels of things other than place dots (gate pairs), competing with the place labels.
        self.labels: list[Record] = []
        # Places this map draws as part of something else (a gate's pair marker), by place id: the
        # position a highlight of the place rings instead, its own label left out.
        self.drawn_at: dict[str, list[float]] = {}
        self.subtitle = ""
        self.comparison: Any = None
        # Places labelled before any other (the ends of a comparison), and dots drawn unlabelled.
        self.first_labels: list[str] = []
        self.unlabelled: set[str] = set()
        self.legend: list[LegendItem] = []

    @property
    def language(self) -> str:
        return self.spec.language

    @property
    def projector(self) -> bool:
        return self.spec.style == "projector"

    def add(self, layer_id: str, kind: LayerKind, records: Iterable[Record], *, frame: bool = True) -> None:
        """Add a layer (skipped when empty); its coordinates count for framing unless frame=False."""
        records = tuple(records)
        if not records:
            return
        self.layers.append(ContentLayer(layer_id, kind, records))
        if frame:
            self.frame_points += coordinates(records)

    def cite(self, frame: pd.DataFrame, key: str, ids: Iterable[str]) -> None:
        rows = rows_by(frame, key)  # indexed once per table: a set_index per call was a new language's cost
        self.sources += [sid for rid in ids if rid in rows for sid in split_ids(rows[rid]["source_ids"])]

    def places(
        self, kinds: Sequence[str], only: Iterable[str] | None = None, *, frame: bool = True
    ) -> list[Record]:
        return self.add_dots(self.place_dots(kinds, only), frame=frame)

    def place_dots(self, kinds: Sequence[str], only: Iterable[str] | None = None) -> list[Record]:
        """The dots of these places (planned ones only if the spec shows them), not yet drawn."""
        dots = layers.place_records(self.tables, self.language, self.t, kinds=kinds, only=only)
        if not self.spec.show_planned:
            planned = set(self.tables.places.loc[self.tables.places["status"] == "planned", "id"])
            dots = [d for d in dots if d["id"] not in planned]
        return dots

    def add_dots(self, dots: list[Record], *, frame: bool = True) -> list[Record]:
        """Draw place dots (cited; framed unless frame=False)."""
        self.dots += dots
        if frame:
            self.frame_points += coordinates(dots)
        self.cite(self.tables.places, "id", [d["id"] for d in dots])
        return dots

    def finish(self) -> MapContent:
        spec, tables, t = self.spec, self.tables, self.t
        if self.dots:
            self.add("places", "dots", self.dots, frame=False)
        highlight = [
            r | {"position": self.drawn_at.get(r["id"], r["position"])}
            for r in highlight_records(tables, spec.highlight)
        ]
        self.add(HIGHLIGHT_LAYER_ID, "rings", highlight)
        size = PROJECTOR_LABEL_PX if self.projector else SCREEN_LABEL_PX
        labels = [
            *_service_ends_first(
                layers.label_records(
                    [d for d in self.dots if d["id"] not in self.unlabelled], tables, self.language
                ),
                self.plans,
            ),
            *self.labels,
            *_highlight_labels(
                tables,
                [p for p in (*spec.highlight, *self.first_labels) if p not in self.drawn_at],
                self.language,
            ),
        ]
        return MapContent(
            spec=spec.without_view() if spec.view is None else spec,
            title=t(TITLE_KEYS[spec.kind]),
            subtitle=self.subtitle,
            layers=tuple(self.layers),
            labels=tuple(_one_label_per_place(labels)),
            label_size_px=size,
            legend=(*self.legend, *legend_items(self.layers)),
            source_ids=tuple(dict.fromkeys(self.sources)),
            data_date=data_date(tables),
            bounds=bounds_of(self.frame_points),
            plans=tuple(self.plans),
            lines=tuple(self.lines),
            comparison=self.comparison,
        )


def _overview(c: _Context) -> _Context:
    spec, tables, t, lang = c.spec, c.tables, c.t, c.language
    if spec.layer_on("zones"):
        zones = layers.zone_records(tables, lang, t)
        c.add("zones", "rings", zones)
        c.cite(tables.places, "id", [z["id"] for z in zones])
    if spec.layer_on("corridors"):
        status = tables.corridors.set_index("corridor_id")["status"]
        c.lines = [
            line
            for line in model.corridor_lines(tables)
            if spec.show_planned or status[line.corridor_id] == "operating"
        ]
        c.add("land-corridors", "path", layers.corridor_records(tables, c.lines, lang, t))
        c.cite(tables.corridors, "corridor_id", [line.corridor_id for line in c.lines])
    if spec.layer_on("air"):
        links = model.air_links(tables)
        c.add("air-links", "path", _emphasise(layers.air_records(tables, links, lang, t), spec.service_id))
        c.cite(tables.services, "service_id", [a.service_id for a in links])
    kinds = tables.services.set_index("service_id")["kind"]
    routes: list[Record] = []
    for service_id in model.sea_services(tables):
        kind = kinds[service_id]
        if (kind == "scheduled" and spec.layer_on("sea")) or (
            kind == "partner_lane" and spec.layer_on("lanes")
        ):
            plan = c.plan(service_id, (), model.DEFAULT_SPEED_KN)
            c.plans.append(plan)
            routes += layers.service_records(
                tables,
                plan,
                lang,
                t,
                width=layers.sailings_width(plan.sailings_per_year),
                dashed=kind == "partner_lane",
            )
            c.cite(tables.services, "service_id", [service_id])
    c.add("sea-routes", "path", _emphasise(routes, spec.service_id))
    place_kinds = [
        kind
        for kind, shown in (
            ("port", True),
            ("terminal", True),
            ("airport", spec.layer_on("air")),
            ("border_gate", spec.layer_on("gates")),
            ("rail_border_station", spec.layer_on("gates")),
            ("city", spec.layer_on("cities")),
        )
        if shown
    ]
    c.places(place_kinds)
    return c


def _sea(c: _Context) -> _Context:
    spec, tables, t, lang = c.spec, c.tables, c.t, c.language
    services = model.sea_services(tables)
    service_id = spec.service_id if spec.service_id in services else services[0]
    row = model.service_row(tables, service_id)
    width = PROJECTOR_ROUTE_WIDTH if c.projector else 5.0 if not spec.closed else 4.0
    baseline = c.plan(service_id, (), spec.speed_kn)
    c.plans.append(baseline)
    c.add(
        "sea-routes",
        "path",
        layers.service_records(tables, baseline, lang, t, width=width, legend_key="legend.baseline"),
    )
    scenario = None
    if spec.closed:
        scenario = c.plan(service_id, spec.closed, spec.speed_kn)
        c.plans.append(scenario)
        records = layers.service_records(
            tables,
            scenario,
            lang,
            t,
            colour=style.SCENARIO_COLOUR,
            width=PROJECTOR_ROUTE_WIDTH if c.projector else 4.0,
            dashed=True,
            label_key="map.scenario",
            legend_key="legend.scenario",
        )
        c.add("scenario-routes", "path", records)
    c.sources += split_ids(row["source_ids"])
    c.places(("port", "terminal"), [s.place_id for s in baseline.stops])
    c.subtitle = sea_subtitle(localized(row.to_dict(), lang), baseline, scenario, spec.closed, t)
    return c


def _gates(c: _Context) -> _Context:
    """Each gate pair as one marker (colour: level; hollow: suspended or planned) with its label, a blue
    ring for the smart-gate pilot's freight roads, the corridors, and towns for orientation."""
    spec, tables, t, lang = c.spec, c.tables, c.t, c.language
    if spec.layer_on("corridors"):
        c.lines = list(model.corridor_lines(tables))
        # Corridors run on to Hà Nội and Nanning: the map frames the border, not their far ends.
        c.add("land-corridors", "path", layers.corridor_records(tables, c.lines, lang, t), frame=False)
        c.cite(tables.corridors, "corridor_id", [line.corridor_id for line in c.lines])
    shown = tables.gate_pairs
    if not spec.show_planned:
        shown = shown.loc[shown["status"] == "operating"]
    c.add("smart-gate-roads", "rings", layers.smart_gate_road_records(tables, shown))
    markers = layers.gate_pair_records(tables, shown, lang, t)
    c.add("gate-pairs", "dots", markers)
    # A tour scene highlights gates by place: ring the pair's marker and label the pair first.
    highlighted = set(spec.highlight)
    for row, marker in zip(shown.to_dict("records"), markers, strict=True):
        c.drawn_at |= {row["vn_place_id"]: marker["position"], row["cn_place_id"]: marker["position"]}
    c.labels += [
        label | {"priority": HIGHLIGHT_PRIORITY}
        if {row["vn_place_id"], row["cn_place_id"]} & highlighted
        else label
        for row, label in zip(
            shown.to_dict("records"), layers.gate_pair_label_records(tables, shown, lang, t), strict=True
        )
    ]
    c.cite(tables.gate_pairs, "pair_id", shown["pair_id"])
    # The markers stand between the two sides: their places' sources back the positions.
    c.cite(tables.places, "id", [*shown["vn_place_id"], *shown["cn_place_id"]])
    c.places(("city",), frame=False)
    return c


def _partners(c: _Context) -> _Context:
    tables, t, lang = c.tables, c.t, c.language
    kinds = tables.services.set_index("service_id")["kind"]
    lanes: list[Record] = []
    for service_id in model.sea_services(tables):
        if kinds[service_id] == "partner_lane":
            plan = c.plan(service_id, (), model.DEFAULT_SPEED_KN)
            c.plans.append(plan)
            lanes += layers.service_records(tables, plan, lang, t, dashed=True)
            c.cite(tables.services, "service_id", [service_id])
    c.add("sea-routes", "path", _emphasise(lanes, c.spec.service_id))
    partner_ids = sorted({pid for v in tables.agreements["place_ids"] for pid in split_ids(v)})
    c.places(layers.POINT_KINDS + layers.ZONE_KINDS, partner_ids)
    c.sources += [sid for v in tables.agreements["source_ids"] for sid in split_ids(v)]
    return c


def _cargo(c: _Context) -> _Context:
    """Each service with a cargo list, every leg carrying the commodities of its direction; a search
    highlights the services and legs that carry a match and dims the rest."""
    spec, tables, t, lang = c.spec, c.tables, c.t, c.language
    cargo = tables.cargo
    matched = cargo_matches(cargo, spec.query) if spec.query else None
    routes: list[Record] = []
    stops: list[str] = []
    for service_id in dict.fromkeys(cargo["service_id"]):
        if service_id not in set(model.sea_services(tables)):
            continue
        plan = c.plan(service_id, (), model.DEFAULT_SPEED_KN)
        c.plans.append(plan)
        stops += [s.place_id for s in plan.stops]
        items = cargo.loc[cargo["service_id"] == service_id]
        for record in layers.service_records(
            tables, plan, lang, t, width=5.0, legend_key="legend.cargo_match"
        ):
            direction = cargo_direction(plan, record["leg"])
            carried = items.loc[items["direction"] == direction]
            hits = carried if matched is None else carried.loc[carried.index.isin(matched)]
            record = record | {
                "tooltip": layers.deck_text(
                    record["tooltip"] + "\n" + cargo_tooltip(carried, direction, tables, lang, t)
                )
            }
            if matched is not None and hits.empty:
                record = _dim(record) | {"legend": "legend.cargo_other"}
            routes.append(record)
        c.cite(tables.services, "service_id", [service_id])
        c.sources += [sid for v in items["source_ids"] for sid in split_ids(v)]
    c.add("sea-routes", "path", routes)
    c.places(("port", "terminal"), list(dict.fromkeys(stops)))
    return c


def _compare(c: _Context) -> _Context:
    """Every option from the spec's origin to its destination, each in its own colour, legs
    labelled by their tooltips, straight-line estimates dashed; the ships of the sea option's
    service where they are on the spec's day."""
    spec, tables, t, lang = c.spec, c.tables, c.t, c.language
    origin = spec.origin or cmp.PRESETS[0][0]
    destination = spec.destination or cmp.PRESETS[0][1]
    consignment = (
        cmp.Consignment(teu=spec.amount) if spec.unit == "teu" else cmp.Consignment(tonnes=spec.amount)
    )
    known = set(tables.assumptions["assumption_id"])
    overrides = {key: value for key, value in spec.overrides if key in known}
    comparison = cmp.compare(tables, origin, destination, consignment, overrides)
    c.comparison = comparison
    names = {pid: place_label(row, lang) for pid, row in layers.place_rows(tables).items()}
    routes: list[Record] = []
    passed: list[str] = []
    for index, option in enumerate(comparison.options):
        colour = list(cmp.OPTION_COLOURS[index % len(cmp.OPTION_COLOURS)])
        label = cmp.option_label(tables, option, lang, t(f"mode.{option.mode}"))
        c.legend.append(LegendItem(OPTION_LEGEND_PREFIX + option.option_id, tuple(colour), "line", label))
        for leg in option.legs:
            estimate = leg.basis == "straight_line_estimate"
            facts = " · ".join(
                (
                    t("unit.km_value", value=number(leg.distance_km, lang)),
                    t("unit.hours_value", value=number(leg.total_hours, lang, 1)),
                    t("unit.kg_co2e_value", value=number(leg.co2e_kg, lang)),
                )
            )
            lines = [
                label,
                f"{names.get(leg.origin_id, leg.origin_id)} → "
                f"{names.get(leg.destination_id, leg.destination_id)}",
                facts,
            ]
            if estimate:
                lines.append(t("compare.estimate"))
            routes.append(
                {
                    "id": option.option_id,
                    "path": [[round(x, 5), round(y, 5)] for x, y in leg.path],
                    "color": colour,
                    "width": PROJECTOR_ROUTE_WIDTH if c.projector else 5.0 if leg.mode != "road" else 4.0,
                    "dash": layers.DASHED if estimate else layers.SOLID,
                    "tooltip": layers.deck_text("\n".join(lines)),
                    **({"legend": "compare.estimate"} if estimate else {}),
                }
            )
            passed += [leg.origin_id, leg.destination_id]
        c.sources += option.source_ids
    c.add("compare-routes", "path", routes)
    # The places' labels name their kind ("Cửa khẩu …", "Ga …", "Sân bay …"): the legend keeps its
    # room for the options, which only colour tells apart.
    c.add_dots(_unlisted(c.place_dots(layers.POINT_KINDS, list(dict.fromkeys(passed)))))
    c.first_labels = [origin, destination]
    used = dict.fromkeys(a for o in comparison.options for a in o.assumption_ids)
    c.sources += [s for a in used for s in comparison.assumptions[a].source_ids]
    sailing = next((o for o in comparison.options if o.mode == "sea"), None)
    if spec.day is not None and sailing is not None:
        c.add("compare-vessels", "rings", _vessel_records(tables, sailing.via, spec.day, overrides, names, t))
    c.subtitle = f"{names.get(origin, origin)} → {names.get(destination, destination)} · " + (
        t("compare.amount_teu", value=number(spec.amount, lang, 1 if spec.amount % 1 else 0))
        if spec.unit == "teu"
        else t("compare.amount_tonnes", value=number(spec.amount, lang, 1 if spec.amount % 1 else 0))
    )
    return c


def _vessel_records(
    tables: Tables,
    service_id: str,
    day: Any,
    overrides: dict[str, float],
    names: dict[str, str],
    t: Translator,
) -> list[Record]:
    try:
        vessels = cmp.vessel_positions(tables, service_id, day, overrides)
    except cmp.CompareError:
        return []
    records = []
    for vessel in vessels:
        if vessel.status == "not_started":
            continue
        place = names.get(vessel.place_id, vessel.place_id)
        # Literal keys, so the interface check sees which fields each text is given.
        text = (
            t("compare.vessel.in_port", n=vessel.vessel, place=place)
            if vessel.status == "in_port"
            else t("compare.vessel.at_sea", n=vessel.vessel, place=place)
        )
        records.append(
            {
                "position": [round(vessel.point[0], 5), round(vessel.point[1], 5)],
                "color": style.BLACK,
                "radius": 9,
                "tooltip": layers.deck_text(text),
                "legend": "compare.vessel.legend",
            }
        )
    return records


def _your_data(c: _Context) -> _Context:
    """The visitor's uploads over the curated corridors (faded); the map fits the uploads. Without
    uploads (a link cannot carry them) it shows the curated context alone."""
    tables, t, lang = c.tables, c.t, c.language
    context: list[Record] = []
    for service_id in model.sea_services(tables):
        if c.uploads is not None and service_id in set(c.uploads.user.services["service_id"]):
            continue
        context += layers.service_records(tables, c.plan(service_id, (), model.DEFAULT_SPEED_KN), lang, t)
    context += layers.corridor_records(tables, model.corridor_lines(tables), lang, t)
    faded = [r | {"legend": "yours.legend.curated"} for r in overlay.faded(context)]
    c.add("curated-context", "path", faded, frame=c.uploads is None)
    user_ids: set[str] = set()
    if c.uploads is not None:
        user = c.uploads.user
        user_ids = set(user.places["id"])
        routes = overlay.user_route_records(tables, list(c.uploads.routes), lang, t)
        # Uploaded sea services go into the data exports with the curated ones.
        c.plans += [route.plan for route in c.uploads.routes if route.plan is not None]
        c.add("user-routes", "path", [r | {"legend": "yours.legend.yours"} for r in routes])
    curated_kinds = ("port", "terminal", "border_gate", "airport")
    curated = [
        pid
        for pid in tables.places.loc[tables.places["kind"].isin(curated_kinds), "id"]
        if pid not in user_ids
    ]
    # Faded context: drawn, not labelled, not in the legend (one "curated" entry stands for it all).
    c.add_dots(_unlisted(overlay.faded(c.place_dots(curated_kinds, curated))), frame=c.uploads is None)
    c.unlabelled |= set(curated)
    if c.uploads is not None:
        mine = overlay.user_place_records(tables, c.uploads.user, lang, t)
        c.dots += [d | {"legend": "yours.legend.yours"} for d in mine]
        c.frame_points += coordinates(mine)
    return c


_BUILDERS: dict[str, Callable[[_Context], _Context]] = {
    "overview": _overview,
    "sea_services": _sea,
    "border_gates": _gates,
    "partners": _partners,
    "cargo": _cargo,
    "compare": _compare,
    "your_data": _your_data,
}


# ---------------------------------------------------------------------------------------------------
# Pieces shared by the builders (and by the pages' side panels).


def cargo_direction(plan: model.ServicePlan, leg_index: int) -> str:
    """Outward legs carry the list of exports from China; the return leg of a round trip the list of
    imports into China (the source names neither list's port of loading: this is a drawing choice)."""
    last = len(plan.rotation.legs) - 1
    return "import_to_china" if plan.rotation.round_trip and leg_index == last else "export_from_china"


def cargo_matches(cargo: pd.DataFrame, query: str) -> set[int]:
    """Index labels of the cargo rows a search finds: in any language or HS chapter, ignoring case,
    NFC/NFD and diacritics ("tinh bot" finds "tinh bột")."""
    needle = folded(query)
    if not needle:
        return set(cargo.index)
    haystack = (
        cargo["commodity_en"].fillna("")
        + " "
        + cargo["commodity_vi"].fillna("")
        + " "
        + cargo["commodity_zh"].fillna("")
        + " "
        + cargo["hs_chapter"].fillna("")
    )
    return {index for index, text in haystack.items() if matches(needle, text)}


def cargo_tooltip(items: pd.DataFrame, direction: str, tables: Tables, language: str, t: Translator) -> str:
    lines = [t(f"direction.{direction}") + ":"]
    for row in items.sort_values("seq").to_dict("records"):
        hs = f" (HS {row['hs_chapter']})" if isinstance(row["hs_chapter"], str) and row["hs_chapter"] else ""
        lines.append(f"• {localized(row, language, 'commodity')}{hs}")
    sources = [sid for v in items["source_ids"] for sid in split_ids(v)]
    if sources:
        lines.append(t("map.source", sources=source_label(tables, sources, t)))
    return "\n".join(lines)


def sea_subtitle(
    name: str,
    baseline: model.ServicePlan,
    scenario: model.ServicePlan | None,
    closed: Sequence[str],
    t: Translator,
) -> str:
    """'Service · 9,731 nm' or 'Service · What-if: Red Sea · 9,731 → 13,020 nm', in the reader's format."""
    lang = t.language
    base = number(baseline.rotation.distance_nm, lang)
    if scenario is None:
        return f"{name} · {t('unit.nm_value', value=base)}"
    # The passages as the user named them ("Red Sea"), not as resolved (Suez, Bab-el-Mandeb).
    names = ", ".join(t(f"passage.{p}") if t.has(f"passage.{p}") else p for p in closed)
    changed = number(scenario.rotation.distance_nm, lang)
    return f"{name} · {t('map.scenario', name=names)} · {base} → {t('unit.nm_value', value=changed)}"


def highlight_records(tables: Tables, place_ids: Iterable[str]) -> list[Record]:
    """A thick black ring per highlighted place: visible on land, sea and over coloured lines alike."""
    rows = layers.place_rows(tables)
    return [
        {
            "id": pid,
            "position": layers.position(rows[pid]),
            "color": style.BLACK,
            "radius": 16,
            "legend": "legend.highlight",
        }
        for pid in dict.fromkeys(place_ids)
        if pid in rows
    ]


def _highlight_labels(tables: Tables, place_ids: Iterable[str], language: str) -> list[Record]:
    rows = layers.place_rows(tables)
    return [
        {
            "id": pid,
            "position": layers.position(rows[pid]),
            "label": layers.deck_text(place_label(rows[pid], language)),
            "priority": HIGHLIGHT_PRIORITY,
        }
        for pid in dict.fromkeys(place_ids)
        if pid in rows
    ]


def _service_ends_first(records: Sequence[Record], plans: Sequence[model.ServicePlan]) -> list[Record]:
    """Where labels crowd, a service's first and last ports (where the line ends) win over a place
    beside them: without its label a route's end is an unnamed dot."""
    ends = {plan.stops[i].place_id for plan in plans if plan.stops for i in (0, -1)}
    return [r | {"priority": r["priority"] + SERVICE_END_PRIORITY} if r["id"] in ends else r for r in records]


def _one_label_per_place(records: Sequence[Record]) -> list[Record]:
    """One label per place: a highlighted place's label replaces its ordinary one."""
    best: dict[Any, Record] = {}
    for record in records:
        key = record.get("id") or tuple(record["position"])
        if key not in best or record["priority"] > best[key]["priority"]:
            best[key] = record
    return list(best.values())


def _emphasise(records: list[Record], service_id: str | None) -> list[Record]:
    """The spec's own service drawn wider, and last so it lies on top."""
    if service_id is None:
        return records
    others = [r for r in records if r["id"] != service_id]
    own = [r | {"width": max(float(r["width"]), EMPHASIS_WIDTH)} for r in records if r["id"] == service_id]
    return others + own


def _unlisted(records: Iterable[Record]) -> list[Record]:
    """The records without their legend key: drawn, but standing for no legend entry."""
    return [{k: v for k, v in record.items() if k != "legend"} for record in records]


def _dim(record: Record) -> Record:
    return record | {"color": [*record["color"][:3], DIMMED_ALPHA]}


def legend_items(content_layers: Iterable[ContentLayer]) -> tuple[LegendItem, ...]:
    """The legend of what is drawn: one entry per `legend` key the records carry, drawn as they are."""
    found: dict[str, LegendItem] = {}
    for layer in content_layers:
        for record in layer.records:
            key = record.get("legend")
            if not key or key in found:
                continue
            colour, shape = _LEGEND_OVERRIDE.get(key, (tuple(record["color"]), None))
            found[key] = LegendItem(key, colour, shape or _shape(layer.kind, record))
    order = {key: index for index, key in enumerate(LEGEND_ORDER)}
    return tuple(sorted(found.values(), key=lambda item: order.get(item.key, len(order))))


def _shape(kind: LayerKind, record: Record) -> Shape:
    if kind == "path":
        return "dashed" if any(record.get("dash") or layers.SOLID) else "line"
    if kind == "rings":
        return "ring"
    return "hollow" if record.get("fill") != record.get("color") else "dot"


def data_date(tables: Tables) -> str:
    """The date of the data: when the newest source was last read (as on the Data & sources page)."""
    latest = pd.to_datetime(tables.sources["accessed_date"]).max()
    return "undated" if pd.isna(latest) else latest.date().isoformat()
