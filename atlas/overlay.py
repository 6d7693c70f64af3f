"""The user's uploaded data over the curated atlas: merged tables, routes, and map records.

Pure, no Streamlit. Uploaded rows are appended after the curated ones (ids cannot collide: the upload
checks refuse curated ids), so the record builders of `atlas.layers` draw them with the same text
tooltips as curated rows. Sources the user cites that are not curated get a row saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

import geo
from loaders import Tables, split_ids
from loaders.uploads import UserData

from . import layers, model, style
from .citations import source_label
from .i18n import Translator, localized, nfc
from .numbers import number

Translate = Translator
Record = dict[str, Any]

USER_PUBLISHER = "your upload (not checked by Corridor Atlas)"
# Curated layers are drawn behind the user's data at this opacity (0-255).
FADED_ALPHA = 70
USER_OUTLINE = style.BLACK


@dataclass(frozen=True)
class UserRoute:
    """One uploaded service, routed: a sea plan, or a line through its stops (air, road, rail)."""

    service_id: str
    mode: str
    plan: model.ServicePlan | None = None
    path: geo.AirArc | geo.LandRoute | None = None


@dataclass(frozen=True)
class Skipped:
    """A service that could not be drawn, and why (e.g. two consecutive stops at one point)."""

    service_id: str
    reason: str


def merge_tables(curated: Tables, user: UserData) -> Tables:
    """The curated tables with the user's rows appended; curated rows keep their order."""
    return replace(
        curated,
        sources=_concat(curated.sources, user_sources(curated, user)),
        places=_concat(curated.places, user.places),
        services=_concat(curated.services, user.services),
        service_stops=_concat(curated.service_stops, user.service_stops),
        cargo=_concat(curated.cargo, user.cargo),
    )


def _concat(curated: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Both frames are typed from the same schema, so the columns and dtypes line up."""
    return curated if extra.empty else pd.concat([curated, extra], ignore_index=True)


def user_sources(curated: Tables, user: UserData) -> pd.DataFrame:
    """A source row for every id the user cites that is not a curated source."""
    known = set(curated.sources["source_id"])
    cited = [
        source_id
        for table in (user.places, user.services, user.cargo)
        for value in table["source_ids"]
        for source_id in split_ids(value)
    ]
    new = [source_id for source_id in dict.fromkeys(cited) if source_id not in known]
    rows = [{"source_id": sid, "kind": "reference", "title": sid, "publisher": USER_PUBLISHER} for sid in new]
    return pd.DataFrame(rows, columns=curated.sources.columns).astype(curated.sources.dtypes.to_dict())


def route_user_services(
    merged: Tables, user: UserData, speed_kn: float = model.DEFAULT_SPEED_KN
) -> tuple[list[UserRoute], list[Skipped]]:
    """Route every uploaded service; one that cannot be routed is skipped with its reason, never raised."""
    routes: list[UserRoute] = []
    skipped: list[Skipped] = []
    for row in user.services.itertuples(index=False):
        try:
            routes.append(_route(merged, row.service_id, row.mode, speed_kn))
        except ValueError as error:
            skipped.append(Skipped(row.service_id, str(error)))
    return routes, skipped


def _route(merged: Tables, service_id: str, mode: str, speed_kn: float) -> UserRoute:
    if mode == "sea":
        return UserRoute(service_id, mode, plan=model.plan_service(merged, service_id, (), speed_kn))
    points = [stop.point for stop in model.service_stops(merged, service_id)]
    if mode == "air":
        return UserRoute(service_id, mode, path=geo.air_arc(points[0], points[-1]))
    return UserRoute(service_id, mode, path=geo.land_route(points))


def user_route_records(
    merged: Tables, routes: Sequence[UserRoute], language: str, t: Translate
) -> list[Record]:
    """Paths for the user's services, each tooltip headed 'Your data'."""
    records: list[Record] = []
    for route in routes:
        if route.plan is not None:
            drawn = layers.service_records(
                merged, route.plan, language, t, width=5.0, tolerance_deg=layers.REGION_TOLERANCE_DEG
            )
        else:
            drawn = _line_records(merged, route, language, t)
        records += [_as_yours(record, t) for record in drawn]
    return records


def _line_records(merged: Tables, route: UserRoute, language: str, t: Translate) -> list[Record]:
    row = model.service_row(merged, route.service_id)
    length_km = route.path.distance_km if isinstance(route.path, geo.AirArc) else route.path.length_km
    tooltip = [
        localized(row.to_dict(), language),
        t(f"mode.{route.mode}") if t.has(f"mode.{route.mode}") else route.mode,
        t("map.computed_length", km=number(length_km, language)),
        t("map.schematic"),
        t("map.source", sources=source_label(merged, split_ids(row["source_ids"]), t)),
    ]
    colour = style.AIR_COLOUR if route.mode == "air" else style.CORRIDOR_COLOURS.get(route.mode, style.BLACK)
    return [
        {
            "id": route.service_id,
            "path": [[round(x, 5), round(y, 5)] for x, y in part],
            "color": colour,
            "width": 4.0,
            "dash": [2, 2] if route.mode == "air" else layers.SOLID,
            "tooltip": nfc("\n".join(tooltip)),
        }
        for part in geo.to_path_parts(route.path.geometry)
    ]


def user_place_records(merged: Tables, user: UserData, language: str, t: Translate) -> list[Record]:
    """Dots for the user's places, outlined in black, each tooltip headed 'Your data'."""
    kinds = layers.POINT_KINDS + layers.ZONE_KINDS
    records = layers.place_records(merged, language, t, kinds=kinds, only=list(user.places["id"]))
    return [{**_as_yours(record, t), "color": USER_OUTLINE, "radius": 7} for record in records]


def _as_yours(record: Record, t: Translate) -> Record:
    return {**record, "tooltip": nfc(t("yours.tooltip_prefix") + "\n" + record["tooltip"])}


def faded(records: Iterable[Record], alpha: int = FADED_ALPHA) -> list[Record]:
    """Curated context behind the user's data: the same records, translucent."""
    out = []
    for record in records:
        copy = dict(record)
        for key in ("color", "fill"):
            if key in copy:
                copy[key] = [*copy[key][:3], min(alpha, copy[key][3] if len(copy[key]) > 3 else 255)]
        out.append(copy)
    return out


def user_frames(user: UserData) -> dict[str, pd.DataFrame]:
    """The accepted tables as plain frames for download (places without the geometry column)."""
    return {
        "places": pd.DataFrame(user.places.drop(columns="geometry")),
        "services": user.services,
        "service_stops": user.service_stops,
        "cargo": user.cargo,
    }
