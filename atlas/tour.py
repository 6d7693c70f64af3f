"""Presentation tours: scenes, stepping through them, and the map layers of one scene.

Pure, no Streamlit. A tour is read and checked by `loaders.tours`; this module turns its rows into
scenes with resolved map views and builds each scene's deck layers with the same record builders as
the pages (larger labels and rings around the places the scene talks about). Routes come in through a
`plan` callable, so the page passes its cached planner and tests pass `atlas.model.plan_service`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydeck as pdk

from loaders import Tables, split_ids
from loaders.tours import TourRow

from . import layers, style
from .deck import (
    basemap_detail,
    basemap_layers,
    label_layer,
    path_layer,
    place_layer,
    ring_layer,
    zone_layer,
)
from .i18n import nfc, place_label
from .labels import declutter
from .model import AirLink, CorridorLine, ServicePlan, sea_services, service_row
from .views import MapView, parse_view

PlanFn = Callable[[str, tuple[str, ...]], ServicePlan]
Translate = Callable[..., str]
Record = dict[str, Any]

LABEL_SIZE_PX = 20
HIGHLIGHT_LAYER_ID = "tour-highlights"
# Highlighted places are labelled before anything else when labels would collide.
_HIGHLIGHT_PRIORITY = 1000
# Lines a little wider than on the pages: projectors wash out thin strokes.
_EMPHASIS_WIDTH = 8.0


@dataclass(frozen=True)
class Scene:
    """One step of a tour: what to draw, where to look, and what to say in each language."""

    number: int
    page_kind: str
    service_id: str | None
    closed: tuple[str, ...]
    view_name: str
    view: MapView
    highlight: tuple[str, ...]
    titles: Mapping[str, str]
    captions: Mapping[str, str]
    source_ids: tuple[str, ...]

    def title(self, language: str) -> str:
        return nfc(self.titles[language])

    def caption(self, language: str) -> str:
        return nfc(self.captions[language])


@dataclass(frozen=True)
class Tour:
    tour_id: str
    scenes: tuple[Scene, ...]

    def scene(self, number: int) -> Scene:
        """Scene by its 1-based number (clamped into the tour)."""
        return self.scenes[clamp_scene(number, len(self.scenes)) - 1]


def build_tour(tour_id: str, rows: Iterable[TourRow]) -> Tour:
    """Scenes from validated rows, with their views resolved."""
    scenes = []
    for row in sorted(rows, key=lambda r: r.scene):
        view_name, view = parse_view(row.view, "world")
        scenes.append(
            Scene(
                number=row.scene,
                page_kind=row.page_kind,
                service_id=row.service_id,
                closed=row.closed,
                view_name=view_name,
                view=view,
                highlight=row.highlight,
                titles=dict(row.titles),
                captions=dict(row.captions),
                source_ids=row.source_ids,
            )
        )
    return Tour(tour_id, tuple(scenes))


def clamp_scene(number: int, count: int) -> int:
    """A scene number inside 1..count (1 for an empty tour)."""
    return max(1, min(number, max(count, 1)))


def scene_number(param: str | None, count: int) -> int:
    """The scene a `scene=` link asks for: 1-based, clamped; anything unreadable is scene 1."""
    if param is None or not param.strip().isdigit():
        return 1
    return clamp_scene(int(param.strip()), count)


def step(number: int, delta: int, count: int) -> int:
    """The scene `delta` steps away, stopping at the first and the last."""
    return clamp_scene(number + delta, count)


def scene_layers(
    tables: Tables,
    scene: Scene,
    language: str,
    t: Translate,
    *,
    plan: PlanFn,
    corridors: Sequence[CorridorLine],
    air: Sequence[AirLink],
) -> list[pdk.Layer]:
    """Every deck layer of a scene, basemap first, labels last."""
    builders = {
        "overview": _overview_layers,
        "sea": _sea_layers,
        "gates": _gates_layers,
        "partners": _partners_layers,
    }
    content, dots = builders[scene.page_kind](tables, scene, language, t, plan, corridors, air)
    rings = highlight_records(tables, scene.highlight)
    labels = [
        *layers.label_records(dots, tables, language),
        *_highlight_labels(tables, scene.highlight, language),
    ]
    return [
        *basemap_layers(basemap_detail(scene.view)),
        *content,
        place_layer(dots),
        highlight_layer(rings),
        label_layer(declutter(_unique_labels(labels), scene.view, LABEL_SIZE_PX), size_px=LABEL_SIZE_PX),
    ]


def scenario_distances(scene: Scene, plan: PlanFn) -> tuple[float, float] | None:
    """(normal, what-if) total sea distance in nm for a scene that closes passages; else None."""
    if not scene.closed or scene.service_id is None:
        return None
    baseline = plan(scene.service_id, ())
    scenario = plan(scene.service_id, scene.closed)
    return baseline.rotation.distance_nm, scenario.rotation.distance_nm


def highlight_records(tables: Tables, place_ids: Iterable[str]) -> list[Record]:
    """A ring per highlighted place, at its coordinates."""
    rows = {row["id"]: row for row in tables.places.to_dict("records")}
    return [
        {"id": pid, "position": _position(rows[pid]), "color": style.BLACK, "radius": 16}
        for pid in dict.fromkeys(place_ids)
        if pid in rows
    ]


def highlight_layer(records: Sequence[Record]) -> pdk.Layer:
    """Thick black rings: visible on land, sea and over coloured lines alike."""
    return ring_layer(HIGHLIGHT_LAYER_ID, records, line_width_px=4, pickable=False)


Built = tuple[list[pdk.Layer], list[Record]]


def _overview_layers(
    tables: Tables,
    scene: Scene,
    language: str,
    t: Translate,
    plan: PlanFn,
    corridors: Sequence[CorridorLine],
    air: Sequence[AirLink],
) -> Built:
    routes: list[Record] = []
    for service_id in sea_services(tables):
        kind = service_row(tables, service_id)["kind"]
        service_plan = plan(service_id, ())
        routes += layers.service_records(
            tables,
            service_plan,
            language,
            t,
            width=layers.sailings_width(service_plan.sailings_per_year),
            dashed=kind == "partner_lane",
        )
    content = [
        zone_layer(layers.zone_records(tables, language, t)),
        path_layer("land-corridors", layers.corridor_records(tables, corridors, language, t)),
        path_layer("air-links", _emphasise(layers.air_records(tables, air, language, t), scene.service_id)),
        path_layer("sea-routes", _emphasise(routes, scene.service_id)),
    ]
    return content, layers.place_records(tables, language, t)


def _sea_layers(
    tables: Tables,
    scene: Scene,
    language: str,
    t: Translate,
    plan: PlanFn,
    corridors: Sequence[CorridorLine],
    air: Sequence[AirLink],
) -> Built:
    assert scene.service_id is not None, "loaders.tours requires a service for sea scenes"
    baseline = plan(scene.service_id, ())
    content = [path_layer("sea-routes", layers.service_records(tables, baseline, language, t, width=6.0))]
    if scene.closed:
        scenario = plan(scene.service_id, scene.closed)
        records = layers.service_records(
            tables,
            scenario,
            language,
            t,
            colour=style.SCENARIO_COLOUR,
            width=6.0,
            dashed=True,
            label_key="map.scenario",
        )
        content.append(path_layer("scenario-routes", records))
    dots = layers.place_records(
        tables, language, t, kinds=("port", "terminal"), only=[s.place_id for s in baseline.stops]
    )
    return content, dots


def _gates_layers(
    tables: Tables,
    scene: Scene,
    language: str,
    t: Translate,
    plan: PlanFn,
    corridors: Sequence[CorridorLine],
    air: Sequence[AirLink],
) -> Built:
    content = [
        path_layer("land-corridors", layers.corridor_records(tables, corridors, language, t)),
        path_layer("gate-pairs", layers.gate_pair_records(tables, tables.gate_pairs, language, t)),
    ]
    dots = layers.place_records(tables, language, t, kinds=("border_gate", "rail_border_station", "city"))
    return content, dots


def _partners_layers(
    tables: Tables,
    scene: Scene,
    language: str,
    t: Translate,
    plan: PlanFn,
    corridors: Sequence[CorridorLine],
    air: Sequence[AirLink],
) -> Built:
    lanes: list[Record] = []
    for service_id in sea_services(tables):
        if service_row(tables, service_id)["kind"] == "partner_lane":
            lanes += layers.service_records(tables, plan(service_id, ()), language, t, dashed=True)
    partner_ids = {pid for value in tables.agreements["place_ids"] for pid in split_ids(value)}
    dots = layers.place_records(
        tables, language, t, kinds=layers.POINT_KINDS + layers.ZONE_KINDS, only=sorted(partner_ids)
    )
    return [path_layer("sea-routes", _emphasise(lanes, scene.service_id))], dots


def _emphasise(records: list[Record], service_id: str | None) -> list[Record]:
    """The scene's own service drawn wider, and last so it lies on top."""
    if service_id is None:
        return records
    others = [r for r in records if r["id"] != service_id]
    own = [r | {"width": max(float(r["width"]), _EMPHASIS_WIDTH)} for r in records if r["id"] == service_id]
    return others + own


def _highlight_labels(tables: Tables, place_ids: Iterable[str], language: str) -> list[Record]:
    rows = {row["id"]: row for row in tables.places.to_dict("records")}
    return [
        {
            "position": _position(rows[pid]),
            "label": layers.deck_text(place_label(rows[pid], language)),
            "priority": _HIGHLIGHT_PRIORITY,
        }
        for pid in dict.fromkeys(place_ids)
        if pid in rows
    ]


def _unique_labels(records: Sequence[Record]) -> list[Record]:
    """One label per position: a highlighted place's label replaces its ordinary one."""
    best: dict[tuple[float, float], Record] = {}
    for record in records:
        key = (record["position"][0], record["position"][1])
        if key not in best or record["priority"] > best[key]["priority"]:
            best[key] = record
    return list(best.values())


def _position(place: Mapping[str, Any]) -> list[float]:
    """[lon, lat] rounded like the page records (5 decimals, ~1 m), so a ring sits exactly on its dot."""
    return [round(float(place["lon_deg"]), 5), round(float(place["lat_deg"]), 5)]
