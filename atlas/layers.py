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
from .i18n import localized, nfc, place_label
from .lookup import rows_by
from .model import AirLink, CorridorLine, ServicePlan, service_row
from .numbers import compact, number, signed
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


def source_label(tables: Tables, source_ids: Iterable[str]) -> str:
    """Short citation: publisher and date of each source."""
    rows = rows_by(tables.sources, "source_id")
    parts = []
    for source_id in source_ids:
        if source_id in rows:
            row = rows[source_id]
            date = row["published_date"] if isinstance(row["published_date"], str) else "n.d."
            parts.append(f"{row['publisher'].split(' (')[0]}, {date}")
    return "; ".join(dict.fromkeys(parts))


def place_records(
    tables: Tables,
    language: str,
    t: Translate,
    kinds: Sequence[str] = POINT_KINDS,
    only: Iterable[str] | None = None,
) -> list[Record]:
    """Dots for places of the given kinds (optionally only some ids)."""
    places = tables.places.loc[tables.places["kind"].isin(kinds)]
    if only is not None:
        places = places.loc[places["id"].isin(list(only))]
    records = []
    for row in places.to_dict("records"):
        colour = style.PLACE_COLOURS[row["kind"]]
        hollow = row["status"] in ("planned", "suspended")
        name = localized(row, language)
        status = status_with_as_of(t, row["status"], row.get("status_as_of"))
        lines = [name, t(f"kind.{row['kind']}") + (f" · {status}" if status else "")]
        if row["coord_method"] == "approximate":
            lines.append(t("map.approximate_location"))
        lines.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]))))
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
    rows = {row["id"]: row for row in tables.places.to_dict("records")}
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
            lines.append(
                t(
                    "map.area",
                    qualifier=qualifier_text(fig["qualifier"], t),
                    value=compact(fig["value"], language),
                    unit=fig["unit"],
                ).replace("  ", " ")
            )
        lines.append(t("map.approximate_location") if row["coord_method"] == "approximate" else "")
        lines.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]))))
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
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]))))
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
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]))))
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
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]))))
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
    """'more than 50 billion USD' in the chosen language."""
    value = compact(fig["value"], t.language)
    unit = fig["unit"] if t.language == "en" else fig[f"unit_{t.language}"]
    return nfc(f"{qualifier_text(fig['qualifier'], t)} {value} {unit}".strip())


def qualifier_text(qualifier: str, t: Translate) -> str:
    """'about', 'more than' … in the language; nothing for an exact figure."""
    return "" if qualifier == "exact" else t(f"qualifier.{qualifier}")


def gate_pair_records(tables: Tables, pairs: pd.DataFrame, language: str, t: Translate) -> list[Record]:
    """A short line across the border for each gate pair: thick for the smart-gate pilot, dashed when
    the pair is planned or suspended."""
    places = tables.places.set_index("id")
    records = []
    for row in pairs.to_dict("records"):
        vn, cn = places.loc[row["vn_place_id"]], places.loc[row["cn_place_id"]]
        names = [localized(side.to_dict(), language) for side in (vn, cn)]
        tooltip = [
            f"{names[0]} – {names[1]}",
            f"{t('level.' + row['level'])} · {status_with_as_of(t, row['status'], row['status_as_of'])}",
            localized(row, language, "status_note"),
        ]
        if row["smart_gate_pilot"]:
            tooltip.append(t("gates.pilot_short"))
        tooltip.append(t("map.source", sources=source_label(tables, split_ids(row["source_ids"]))))
        records.append(
            {
                "id": row["pair_id"],
                "path": [
                    [float(vn["lon_deg"]), float(vn["lat_deg"])],
                    [float(cn["lon_deg"]), float(cn["lat_deg"])],
                ],
                "color": style.VERMILLION,
                "width": 6.0 if row["smart_gate_pilot"] else 3.0,
                "dash": SOLID if row["status"] == "operating" else DASHED,
                "tooltip": deck_text("\n".join(tooltip)),
                "legend": "legend.pilot"
                if row["smart_gate_pilot"]
                else "legend.gate_pair"
                if row["status"] == "operating"
                else "legend.planned_or_suspended",
            }
        )
    return records
