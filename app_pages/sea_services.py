"""Sea services: a rotation on real sea lanes, its distances and days, and what-if passage closures."""

import pandas as pd
import streamlit as st

import geo
from atlas import style
from atlas.deck import basemap_detail, basemap_layers, build_deck, label_layer, path_layer, place_layer
from atlas.i18n import localized, short_label
from atlas.labels import declutter
from atlas.model import DEFAULT_SPEED_KN, sea_services, service_row
from atlas.slides import MapSpec
from loaders import split_ids
from ui import data
from ui.export_panel import export_panel
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.widgets import (
    legend,
    map_chart,
    selection_details,
    sources_list,
    view_picker,
    view_query_value,
)

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("sea.title"))

services = sea_services(tables)
if st.session_state.get("service") not in services:
    st.session_state["service"] = services[0]
names = {sid: localized(service_row(tables, sid).to_dict(), lang) for sid in services}
st.session_state.setdefault("speed", DEFAULT_SPEED_KN)
st.session_state.setdefault("closed", [])
controls = st.columns([2, 1, 2])
service_id = controls[0].selectbox(t("sea.service"), services, key="service", format_func=names.get)
speed = controls[1].slider(t("sea.speed"), 8.0, 24.0, step=0.5, key="speed", help=t("sea.speed.help"))
closable = [*geo.SHORTHANDS, *geo.CLOSABLE_PASSAGES]
closed = controls[2].multiselect(
    t("sea.closed"),
    closable,
    key="closed",
    format_func=lambda p: t(f"passage.{p}"),
    help=t("sea.closed.help"),
    placeholder=t("sea.closed.placeholder"),
)

row = service_row(tables, service_id)
baseline = data.service_plan(service_id, (), float(speed))
scenario = data.service_plan(service_id, tuple(closed), float(speed)) if closed else None
shown = scenario or baseline

# Always hold the note's place: an element that appears only for some services would shift the map's
# position on the page, and Streamlit would then mount a new map (new WebGL context, every shader
# compiled again, the basemap fetched again) instead of updating the one on screen.
note = st.empty()
if row["kind"] == "partner_lane":
    note.info(t("sea.partner_lane_note"))

metrics = st.columns(4)
delta_nm = f"{scenario.rotation.distance_nm - baseline.rotation.distance_nm:+,.0f} nm" if scenario else None
delta_days = f"{scenario.rotation.total_days - baseline.rotation.total_days:+.1f}" if scenario else None
metrics[0].metric(
    t("sea.total_distance"), f"{shown.rotation.distance_nm:,.0f} nm", delta=delta_nm, delta_color="inverse"
)
metrics[0].caption(f"{shown.rotation.distance_km:,.0f} km")
metrics[1].metric(
    t("sea.total_days"), f"{shown.rotation.total_days:.1f}", delta=delta_days, delta_color="inverse"
)
metrics[1].caption(t("sea.round_trip") if shown.rotation.round_trip else t("sea.one_way"))
if shown.headway_days:
    metrics[2].metric(t("sea.sailings_per_year"), f"{shown.sailings_per_year:.1f}")
    metrics[2].caption(t("sea.headway", text=row["frequency_text"], days=f"{shown.headway_days:g}"))
if shown.vessels_needed:
    metrics[3].metric(t("sea.vessels_needed"), f"{shown.vessels_needed}", help=t("sea.vessels_needed.help"))

default_view = {
    "beibu_haiphong_kolkata": "asia",
    "lane_haiphong_antwerp": "suez",
    "lane_haiphong_los_angeles": "pacific",
}.get(service_id, "world")
view_name, view = view_picker("sea", default_view, t)

speed_kn = float(speed)
routes = data.service_records(service_id, (), speed_kn, lang, width=5.0 if scenario is None else 4.0)
deck_layers = [*basemap_layers(basemap_detail(view)), path_layer("sea-routes", routes)]
if scenario is not None:
    scenario_routes = data.service_records(
        service_id,
        tuple(closed),
        speed_kn,
        lang,
        colour=tuple(style.SCENARIO_COLOUR),
        width=4.0,
        dashed=True,
        label_key="map.scenario",
    )
    deck_layers.append(path_layer("scenario-routes", scenario_routes))
stop_ids = tuple(s.place_id for s in baseline.stops)
deck_layers += [
    place_layer(data.place_records(lang, ("port", "terminal"), stop_ids)),
    label_layer(declutter(data.label_records(lang, ("port", "terminal"), stop_ids), view), size_px=14),
]

map_column, detail_column = st.columns([3, 1])
with map_column:
    selected = map_chart(build_deck(deck_layers, view, online_tiles=online_tiles()), "sea")
    legend(
        [(t("legend.baseline"), style.SERVICE_COLOURS[row["kind"]], "line")]
        + ([(t("legend.scenario"), style.SCENARIO_COLOUR, "dashed")] if scenario else [])
    )
    export_panel(
        MapSpec(
            "sea_services",
            t("sea.title"),
            view,
            lang,
            service_id=service_id,
            closed=tuple(closed),
            speed_kn=speed_kn,
        ),
        t,
    )
with detail_column:
    selection_details(tables, selected, t)


def leg_table(plan) -> pd.DataFrame:
    places = tables.places.set_index("id")
    stops = [short_label(localized(places.loc[s.place_id].to_dict(), lang)) for s in plan.stops]
    rows = []
    for index, leg in enumerate(plan.rotation.legs):
        rows.append(
            {
                t("sea.leg"): f"{stops[index % len(stops)]} → {stops[(index + 1) % len(stops)]}",
                "nm": round(leg.distance_nm),
                "km": round(leg.distance_km),
                t("sea.days"): round(leg.days, 1),
                t("sea.passages"): ", ".join(t(f"passage.{p}") for p in leg.passages) or "—",
                t("sea.detour_ratio"): round(leg.detour_ratio, 2),
                t("sea.passage_ratio"): round(leg.passage_detour_ratio, 2),
                t("sea.gaps"): f"{leg.origin_gap_nm:.0f} / {leg.destination_gap_nm:.0f}",
                t("sea.method"): t(f"method.{leg.method}"),
            }
        )
    return pd.DataFrame(rows)


st.subheader(t("sea.legs"))
st.dataframe(leg_table(shown), hide_index=True, width="stretch")
st.caption(t("sea.legs_note"))
if scenario is not None:
    st.subheader(t("sea.baseline_legs"))
    st.dataframe(leg_table(baseline), hide_index=True, width="stretch")

cargo = tables.cargo.loc[tables.cargo["service_id"] == service_id]
if not cargo.empty:
    st.subheader(t("sea.cargo"))
    for column, direction in zip(st.columns(2), ("westbound", "eastbound"), strict=True):
        items = cargo.loc[cargo["direction"] == direction].sort_values("seq")
        column.markdown(f"**{t(f'direction.{direction}')}**")
        column.dataframe(
            pd.DataFrame(
                {
                    t("cargo.commodity"): items[f"commodity_{lang}"],
                    t("cargo.hs_chapter"): items["hs_chapter"].fillna("—"),
                }
            ),
            hide_index=True,
            width="stretch",
        )

st.subheader(t("sources.title"))
st.caption(t("sea.assumptions", speed=f"{speed:g}"))
sources_list(
    tables,
    split_ids(row["source_ids"])
    + [
        sid
        for s in baseline.stops
        for sid in split_ids(tables.places.set_index("id").loc[s.place_id, "source_ids"])
    ],
    t,
)

write_query_params(
    {
        "service": service_id,
        "closed": ",".join(closed),
        "speed": f"{speed:g}",
        "view": view_query_value(view_name, view),
    }
)
