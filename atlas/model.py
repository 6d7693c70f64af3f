"""From tables to drawable things: service rotations on sea lanes, corridors, air arcs.

Pure: tables in, dataclasses out. Route maths lives in `geo/`; this module only joins ids to places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

import geo
from loaders import Tables

from .lookup import once_per, rows_by

# Typical feeder/container service speed; the sources give none, so the UI lets the user change it.
DEFAULT_SPEED_KN = 14.0


@dataclass(frozen=True)
class Stop:
    place_id: str
    point: geo.LonLat
    basis: str
    port_hours: float | None


@dataclass(frozen=True)
class ServicePlan:
    """A sea service's rotation under one scenario, with what the frequency implies."""

    service_id: str
    stops: tuple[Stop, ...]
    rotation: geo.Rotation
    closed: tuple[str, ...]
    headway_days: float | None
    sailings_per_year: float | None
    vessels_needed: int | None


def place_point(tables: Tables, place_id: str) -> geo.LonLat:
    """(lon, lat) of a place id."""
    row = rows_by(tables.places, "id")[place_id]
    return float(row["lon_deg"]), float(row["lat_deg"])


def service_stops(tables: Tables, service_id: str) -> tuple[Stop, ...]:
    """Stops of a service in call order."""
    rows = tables.service_stops.loc[tables.service_stops["service_id"] == service_id]
    return tuple(
        Stop(
            row.place_id,
            place_point(tables, row.place_id),
            row.stop_basis,
            None if pd.isna(row.port_hours) else float(row.port_hours),
        )
        for row in rows.itertuples(index=False)
    )


def service_row(tables: Tables, service_id: str) -> pd.Series:
    return rows_by(tables.services, "service_id")[service_id]


def sea_services(tables: Tables) -> list[str]:
    """Sea services and partner lanes, scheduled ones first."""
    sea = tables.services.loc[tables.services["mode"] == "sea"]
    return list(sea.sort_values("kind", key=lambda k: k != "scheduled", kind="stable")["service_id"])


def plan_service(
    tables: Tables, service_id: str, closed: Iterable[str] = (), speed_kn: float = DEFAULT_SPEED_KN
) -> ServicePlan:
    """Route a sea service; scheduled services go round trip (return leg assumed direct to the first
    call, as the sources do not describe it), partner lanes one way."""
    stops = service_stops(tables, service_id)
    row = service_row(tables, service_id)
    scheduled = row["kind"] == "scheduled"
    hours = [s.port_hours for s in stops]
    rotation = geo.rotation(
        [s.point for s in stops],
        speed_kn=speed_kn,
        closed=tuple(closed),
        port_hours=None if any(h is None for h in hours) else hours,
        round_trip=scheduled,
    )
    headway = None if pd.isna(row["frequency_days"]) else float(row["frequency_days"])
    sailings = geo.sailings_per_year(headway) if headway else None
    vessels = geo.vessels_needed(rotation.total_days, headway) if headway and scheduled else None
    return ServicePlan(service_id, stops, rotation, geo.resolve_closed(closed), headway, sailings, vessels)


@dataclass(frozen=True)
class CorridorLine:
    corridor_id: str
    route: geo.LandRoute
    published_km: float | None
    difference: geo.LengthDifference | None


def corridor_lines(tables: Tables) -> list[CorridorLine]:
    """Every corridor as a line through its waypoints, with the length compared to the published one
    (built once per set of tables: every map content of every language asks for them)."""
    frames = (tables.corridors, tables.corridor_waypoints, tables.places)
    return once_per(frames, "corridor_lines", lambda: _corridor_lines(tables))


def _corridor_lines(tables: Tables) -> list[CorridorLine]:
    lines: list[CorridorLine] = []
    for corridor in tables.corridors.itertuples(index=False):
        waypoints = tables.corridor_waypoints.loc[
            tables.corridor_waypoints["corridor_id"] == corridor.corridor_id
        ]
        route = geo.land_route([place_point(tables, pid) for pid in waypoints["place_id"]])
        published = None if pd.isna(corridor.published_length_km) else float(corridor.published_length_km)
        difference = geo.length_difference(route.length_km, published) if published else None
        lines.append(CorridorLine(corridor.corridor_id, route, published, difference))
    return lines


@dataclass(frozen=True)
class AirLink:
    service_id: str
    origin_id: str
    destination_id: str
    arc: geo.AirArc


def air_links(tables: Tables) -> list[AirLink]:
    """Air services as great-circle arcs between their first two stops."""
    links: list[AirLink] = []
    for service_id in tables.services.loc[tables.services["mode"] == "air", "service_id"]:
        stops = service_stops(tables, service_id)
        links.append(
            AirLink(
                service_id, stops[0].place_id, stops[1].place_id, geo.air_arc(stops[0].point, stops[1].point)
            )
        )
    return links


def sources_for(tables: Tables, source_ids: Iterable[str]) -> pd.DataFrame:
    """The source rows for some ids, in the given order."""
    ids = list(dict.fromkeys(source_ids))
    frame = tables.sources.set_index("source_id")
    return frame.loc[[i for i in ids if i in frame.index]].reset_index()
