"""Records for each map layer, in the chosen language, with text tooltips that name their sources.

Tooltips are plain text (Streamlit escapes data values in them), so a name can never inject markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

import geo
from loaders import Tables, split_ids

from . import style
from .citations import source_label
from .i18n import localized, nfc, place_label
from .lookup import once_per, rows_by
from .model import AirLink, CorridorLine, ServicePlan, service_row
from .numbers import amount, compact, number, signed
from .status_text import status_with_as_of

Translate = Callable[..., str]
Record = dict[str, Any]

SOLID = [0, 0]
DASHED = [3, 2]
# Degrees: simplification tolerances for the zoom levels the app uses.
WORLD_TOLERANCE_DEG = 0.05
REGION_TOLERANCE_DEG = 0.005
POINT_KINDS = ("port", "terminal", "border_gate", "rail_border_station", "airport", "city")
ZONE_KINDS = ("economic_zone", "industrial_park")
# What each kind of dot stands for in a legend (cities carry no legend entry: they are context).
PLACE_LEGEND = {
    "port": "legend.port",
    "terminal": "legend.port",
    "border_gate": "legend.gate",
    "rail_border_station": "legend.rail_station",
    "airport": "legend.airport",
}
CORRIDOR_LEGEND = {"road": "legend.road", "rail": "legend.rail", "high_speed_rail": "legend.hsr"}


def position(place: dict) -> list[float]:
    """[lon, lat] rounded to 5 decimals (~1 m): every layer places a given place at the same point."""
    return [round(float(place["lon_deg"]), 5), round(float(place["lat_deg"]), 5)]


def deck_text(text: str) -> str:
    """Text for a layer's data: NFC, and never taken for a deck.gl JSON expression.

    deck.gl's JSON converter turns a string that starts with '@@=' into a function and one that starts
    with '@@#' into a constant, even inside a layer's data: a place named '@@=…' broke the whole map
    ("Function calls not allowed in JSON expressions"). A zero-width space in front keeps it text.
    """
    text = nfc(text)
    return "\u200b" + text if text.startswith("@@") else text


# Every dot and label reads its place's row: built once per table (atlas.lookup), as plain dicts,
# since a pandas lookup per record was most of a map content's time.


def place_rows(tables: Tables) -> dict[str, dict[str, Any]]:
    """Every place's row by id, in table order (read-only: shared by every caller)."""
    places = tables.places
    return once_per([places], "place_rows", lambda: {r["id"]: r for r in places.to_dict("records")})


def place_records(
    tables: Tables,
    language: str,
    t: Translate,
    kinds: Sequence[str] = POINT_KINDS,
    only: Iterable[str] | None = None,
) -> list[Record]:
    """Dots for places of the given kinds (optionally only some ids)."""
    wanted_kinds = set(kinds)
    wanted_ids = None if only is None else set(only)
    records = []
    for row in place_rows(tables).values():
        if row["kind"] not in wanted_kinds or (wanted_ids is not None and row["id"] not in wanted_ids):
            continue
        colour = style.PLACE_COLOURS[row["kind"]]
        hollow = row["status"] in ("planned", "suspended")
        name = localized(row, language)
        status = status_with_as_of(t, row["status"], row.get("status_as_of"))
        lines = [name, t(f"kind.{row['kind']}") + (f" · {status}" if status else "")]
        if row["coord_method"] == "approximate":
            lines.append(t("map.approximate_location"))
        lines.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]), t)))
        record = {
            "id": row["id"],
            "position": position(row),
            "color": colour,
            "fill": [255, 255, 255, 255] if hollow else colour,
            "radius": 4 if row["kind"] == "city" else 6,
            "tooltip": deck_text("\n".join(lines)),
        }
        legend = "legend.planned" if hollow else PLACE_LEGEND.get(row["kind"])
        records.append(record | ({"legend": legend} if legend else {}))
    return records


def label_records(place_records_: Sequence[Record], tables: Tables, language: str) -> list[Record]:
    """One label per dot, in the chosen language."""
    rows = place_rows(tables)
    return [
        {
            "id": r["id"],
            "position": r["position"],
            "label": deck_text(place_label(rows[r["id"]], language)),
            "priority": _label_priority(rows[r["id"]]),
        }
        for r in place_records_
    ]


def _label_priority(place: dict) -> int:
    """Operating places win a crowded spot over planned or suspended ones of the same kind, and a
    place with a curated short label (a port a service calls at) over one without."""
    status_penalty = 30 if place.get("status") in ("planned", "suspended") else 0
    curated_bonus = 15 if isinstance(place.get("label_en"), str) and place["label_en"] else 0
    # The atlas is about Hai Phong: in a crowded spot its own ports are labelled first.
    home_bonus = 5 if place.get("country") == "VN" else 0
    return _LABEL_PRIORITY.get(place["kind"], 0) - status_penalty + curated_bonus + home_bonus


# When labels collide the higher priority one is drawn.
_LABEL_PRIORITY = {
    "port": 90,
    "terminal": 90,
    "airport": 60,
    "border_gate": 70,
    "rail_border_station": 50,
    "city": 40,
    "economic_zone": 20,
    "industrial_park": 10,
}


def zone_records(tables: Tables, language: str, t: Translate) -> list[Record]:
    """Rings for economic zones and industrial parks, with their area figure when the data has one."""
    records = []
    figures = tables.figures
    for row in tables.places.loc[tables.places["kind"].isin(ZONE_KINDS)].to_dict("records"):
        lines = [localized(row, language), t(f"kind.{row['kind']}")]
        area = figures.loc[(figures["entity_id"] == row["id"]) & (figures["metric"] == "area")]
        for fig in area.to_dict("records"):
            # "Area: more than 7,000 ha", "面积：超过7,000公顷": the unit in the reader's language.
            lines.append(t("map.area", text=figure_text(fig, t)))
        lines.append(t("map.approximate_location") if row["coord_method"] == "approximate" else "")
        lines.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]), t)))
        records.append(
            {
                "id": row["id"],
                "position": position(row),
                "color": style.GREEN,
                "radius": 11,
                "tooltip": deck_text("\n".join(line for line in lines if line)),
                "legend": "legend.zone",
            }
        )
    return records


def _paths(geometry: Any, tolerance_deg: float) -> list[list[list[float]]]:
    return geo.to_path_parts(geo.simplify_for_display(geometry, tolerance_deg))


# A leg's shape depends on its ends, closures and method, not on the speed: changing the speed slider
# must not simplify every route again. Bounded by legs × scenarios, a few hundred entries at most.
_LEG_PATHS: dict[tuple, list[list[list[float]]]] = {}


def _leg_paths(leg: geo.SeaRoute, tolerance_deg: float) -> list[list[list[float]]]:
    key = (leg.origin, leg.destination, leg.closed, leg.method, tolerance_deg)
    if key not in _LEG_PATHS:
        _LEG_PATHS[key] = _paths(leg.geometry, tolerance_deg)
    return _LEG_PATHS[key]


def service_records(
    tables: Tables,
    plan: ServicePlan,
    language: str,
    t: Translate,
    *,
    colour: style.Rgba | None = None,
    width: float = 4.0,
    dashed: bool = False,
    tolerance_deg: float = WORLD_TOLERANCE_DEG,
    label_key: str = "map.service",
    legend_key: str | None = None,
) -> list[Record]:
    """One record per drawn part of every leg of a planned service; `leg` is the leg's index."""
    row = service_row(tables, plan.service_id)
    name = localized(row.to_dict(), language)
    colour = colour or style.SERVICE_COLOURS[row["kind"]]
    legend = legend_key or SERVICE_LEGEND.get(row["kind"], "legend.scheduled_service")
    records = []
    for index, leg in enumerate(plan.rotation.legs):
        origin = plan.stops[index % len(plan.stops)].place_id
        destination = plan.stops[(index + 1) % len(plan.stops)].place_id
        tooltip = [
            t(label_key, name=name),
            t(
                "map.leg",
                origin=_place_name(tables, origin, language),
                destination=_place_name(tables, destination, language),
            ),
            t(
                "map.leg_distance",
                nm=number(leg.distance_nm, language),
                km=number(leg.distance_km, language),
                days=number(leg.days, language, 1),
                speed=compact(leg.speed_kn, language),
            ),
        ]
        if leg.passages:
            tooltip.append(t("map.passages", passages=", ".join(t(f"passage.{p}") for p in leg.passages)))
        if leg.method == "great_circle_fallback":
            tooltip.append(t("map.fallback"))
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]), t)))
        for path in _leg_paths(leg, tolerance_deg):
            records.append(
                {
                    "id": plan.service_id,
                    "leg": index,
                    "path": path,
                    "color": style.SCENARIO_COLOUR if leg.method == "great_circle_fallback" else colour,
                    "width": width,
                    "dash": DASHED if dashed or leg.method == "great_circle_fallback" else SOLID,
                    "tooltip": deck_text("\n".join(tooltip)),
                    "legend": legend,
                }
            )
    return records


SERVICE_LEGEND = {"scheduled": "legend.scheduled_service", "partner_lane": "legend.partner_lane"}


def _place_name(tables: Tables, place_id: str, language: str) -> str:
    return localized(rows_by(tables.places, "id")[place_id], language)


def corridor_records(
    tables: Tables, lines: Sequence[CorridorLine], language: str, t: Translate
) -> list[Record]:
    """Road and rail corridors: solid when operating, dashed when proposed or under construction."""
    corridors = tables.corridors.set_index("corridor_id")
    records = []
    for line in lines:
        row = corridors.loc[line.corridor_id]
        tooltip = [
            localized(row.to_dict(), language),
            t(f"mode.{row['mode']}") + " · " + status_with_as_of(t, row["status"], row["status_as_of"]),
            t("map.computed_length", km=number(line.route.length_km, language)),
        ]
        if line.difference is not None:
            tooltip.append(
                t(
                    "map.published_length",
                    km=number(line.published_km, language),
                    pct=signed(line.difference.difference_pct, language),
                )
            )
        tooltip.append(t("map.schematic"))
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]), t)))
        operating = row["status"] == "operating"
        legend = CORRIDOR_LEGEND[row["mode"]] + ("" if operating else "_proposed")
        for path in geo.to_path_parts(line.route.geometry):
            records.append(
                {
                    "id": line.corridor_id,
                    "path": [[round(x, 5), round(y, 5)] for x, y in path],
                    "color": style.CORRIDOR_COLOURS[row["mode"]],
                    "width": 3.5,
                    "dash": SOLID if operating else DASHED,
                    "tooltip": deck_text("\n".join(tooltip)),
                    "legend": legend,
                }
            )
    return records


def air_records(tables: Tables, links: Sequence[AirLink], language: str, t: Translate) -> list[Record]:
    records = []
    for link in links:
        row = service_row(tables, link.service_id)
        tooltip = [
            localized(row.to_dict(), language),
            t(
                "map.air_distance",
                km=number(link.arc.distance_km, language),
                nm=number(link.arc.distance_nm, language),
            ),
        ]
        if isinstance(row["start_date"], str):
            tooltip.append(t("map.since", date=row["start_date"]))
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]), t)))
        for path in geo.to_path_parts(link.arc.geometry):
            records.append(
                {
                    "id": link.service_id,
                    "path": [[round(x, 4), round(y, 4)] for x, y in path],
                    "color": style.AIR_COLOUR,
                    "width": 3.0,
                    "dash": [2, 2],
                    "tooltip": deck_text("\n".join(tooltip)),
                    "legend": "legend.air",
                }
            )
    return records


def sailings_width(sailings_per_year: float | None) -> float:
    """Line width grows with frequency: 3 px for rare or unknown, up to 9 px for weekly or more."""
    if not sailings_per_year:
        return 3.0
    return float(min(9.0, 3.0 + sailings_per_year / 52.0 * 6.0))


def figure_text(fig: pd.Series | dict, t: Translate) -> str:
    """'more than 50 billion USD' in the chosen language ('超过500亿美元': Chinese uses no spaces)."""
    unit = fig["unit"] if t.language == "en" else fig[f"unit_{t.language}"]
    qualifier = qualifier_text(fig["qualifier"], t)
    quantity = amount(fig["value"], unit, t.language)
    return nfc(qualifier + quantity if t.language == "zh" else f"{qualifier} {quantity}".strip())


def qualifier_text(qualifier: str, t: Translate) -> str:
    """'about', 'more than' … in the language; nothing for an exact figure."""
    return "" if qualifier == "exact" else t(f"qualifier.{qualifier}")


# Pixels: a pair's marker, and the smart-gate ring drawn around it.
GATE_MARKER_RADIUS_PX = 7
SMART_GATE_RING_RADIUS_PX = 12
# Where a pair's label may go, in order of preference: beside the marker (clear of a pilot ring), else a
# little above or below it on either side. Pairs a few kilometres apart (Hữu Nghị, Cốc Nam, Tân Thanh)
# are ~15 px apart at border zoom: side-by-side labels of neighbours only fit staggered.
_GATE_LABEL_OFFSETS: tuple[tuple[float, float], ...] = tuple(
    (side * (SMART_GATE_RING_RADIUS_PX + 4.0), rise)
    for rise in (0.0, -10.0, 10.0, -20.0, 20.0)
    for side in (1, -1)
)
# Farther out, joined to the marker by a leader line: for a pair wedged between two others.
_GATE_LABEL_CALLOUTS: tuple[tuple[float, float], ...] = tuple(
    (side * run, rise)
    for run, rise in (
        (40.0, 0.0),
        (30.0, -30.0),
        (30.0, 30.0),
        (40.0, -45.0),
        (40.0, 45.0),
        (60.0, -20.0),
        (60.0, 20.0),
        (50.0, -65.0),
        (50.0, 65.0),
    )
    for side in (-1, 1)
)
# Gate-pair labels win a crowded border map over towns; the pilot and higher levels first.
_GATE_LABEL_PRIORITY = 200
_LEVEL_RANK = {
    "international": 6,
    "bilateral_main": 5,
    "railway": 4,
    "freight_opening": 3,
    "auxiliary": 2,
    "unspecified": 1,
}


def gate_pair_position(tables: Tables, pair: dict) -> list[float]:
    """Where a pair's marker goes: halfway between its two sides (for most pairs they are under a
    kilometre apart; the railway pair's stations ~20 km, the marker then sits on the line between)."""
    places = tables.places.set_index("id")
    vn, cn = places.loc[pair["vn_place_id"]], places.loc[pair["cn_place_id"]]
    lon = (float(vn["lon_deg"]) + float(cn["lon_deg"])) / 2
    lat = (float(vn["lat_deg"]) + float(cn["lat_deg"])) / 2
    return [round(lon, 5), round(lat, 5)]


def gate_pair_records(tables: Tables, pairs: pd.DataFrame, language: str, t: Translate) -> list[Record]:
    """One marker per gate pair: its colour says the level (style.GATE_LEVEL_COLOURS), filled when
    operating and hollow when suspended or planned."""
    places = tables.places.set_index("id")
    records = []
    for row in pairs.to_dict("records"):
        names = [
            localized(places.loc[row[side]].to_dict(), language) for side in ("vn_place_id", "cn_place_id")
        ]
        tooltip = [
            f"{names[0]} – {names[1]}",
            f"{t('level.' + row['level'])} · {status_with_as_of(t, row['status'], row['status_as_of'])}",
            localized(row, language, "status_note"),
        ]
        if row["smart_gate_pilot"]:
            tooltip.append(t("gates.pilot_short"))
            tooltip.append(t("gates.road_tooltip", markers=row["smart_gate_road_markers"]))
        tooltip.append(t("gates.marker_note"))
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]), t)))
        colour = style.GATE_LEVEL_COLOURS[row["level"]]
        operating = row["status"] == "operating"
        records.append(
            {
                "id": row["pair_id"],
                "position": gate_pair_position(tables, row),
                "color": colour,
                "fill": colour if operating else [255, 255, 255, 255],
                "radius": GATE_MARKER_RADIUS_PX,
                "tooltip": deck_text("\n".join(tooltip)),
                "legend": f"legend.pair.{row['level']}" + ("" if operating else ".closed"),
            }
        )
    return records


def smart_gate_road_records(tables: Tables, pairs: pd.DataFrame) -> list[Record]:
    """A ring around each smart-gate pilot pair for its dedicated freight road. No public source gives
    a road's position (searched 2026-12-01), so the ring is drawn at the pair, as the legend says."""
    pilot = pairs.loc[pairs["smart_gate_pilot"].fillna(False)]
    return [
        {
            "id": f"{row['pair_id']}:freight_road",
            "position": gate_pair_position(tables, row),
            "color": style.SMART_GATE_COLOUR,
            "radius": SMART_GATE_RING_RADIUS_PX,
            "legend": "legend.smart_gate_road",
        }
        for row in pilot.to_dict("records")
    ]


def gate_pair_label_records(tables: Tables, pairs: pd.DataFrame, language: str, t: Translate) -> list[Record]:
    """A label per pair: its short name, and on a second line the freight road's border markers for a
    smart-gate pilot pair ("1119–1120号界碑") or the status when it is not operating ("暂停")."""
    records = []
    for row in pairs.to_dict("records"):
        lines = [localized(row, language, "label")]
        if row["smart_gate_pilot"]:
            lines.append(t("gates.road_value", markers=row["smart_gate_road_markers"]))
        if row["status"] != "operating":
            lines.append(t(f"status.{row['status']}"))
        label = "\n".join(lines)
        records.append(
            {
                "id": row["pair_id"],
                "position": gate_pair_position(tables, row),
                "label": deck_text(label),
                "priority": _GATE_LABEL_PRIORITY
                + _LEVEL_RANK.get(row["level"], 0)
                + (10 if row["smart_gate_pilot"] else 0),
                "offsets": [list(offset) for offset in _GATE_LABEL_OFFSETS],
                "callouts": [list(offset) for offset in _GATE_LABEL_CALLOUTS],
            }
        )
    return records
