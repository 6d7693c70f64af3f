"""Overview: every corridor on one map, the headline figures with their sources, and a legend."""

import streamlit as st

from atlas import layers, style
from atlas.deck import (
    basemap_detail,
    basemap_layers,
    build_deck,
    label_layer,
    path_layer,
    place_layer,
    zone_layer,
)
from atlas.labels import declutter
from atlas.model import sea_services
from ui import data
from ui.sidebar import layer_on, online_tiles, show_planned
from ui.state import language, write_query_params
from ui.widgets import figure_metric, legend, map_chart, place_details, view_picker, view_query_value

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("overview.title"))
st.caption(t("overview.subtitle"))

HEADLINE_FIGURES = (
    "hp_fdi_total",
    "hp_new_industrial_parks_area",
    "southern_ez_area",
    "lang_son_vehicle_growth",
)
for column, figure_id in zip(st.columns(len(HEADLINE_FIGURES)), HEADLINE_FIGURES, strict=True):
    figure_metric(tables, figure_id, t, column)

view_name, view = view_picker("overview", "world", t)

deck_layers = basemap_layers(basemap_detail(view))
if layer_on("zones"):
    deck_layers.append(zone_layer(layers.zone_records(tables, lang, t)))
if layer_on("corridors"):
    lines = [
        c
        for c in data.corridor_lines()
        if show_planned()
        or tables.corridors.set_index("corridor_id").loc[c.corridor_id, "status"] == "operating"
    ]
    deck_layers.append(path_layer("land-corridors", layers.corridor_records(tables, lines, lang, t)))
if layer_on("air"):
    deck_layers.append(path_layer("air-links", layers.air_records(tables, data.air_links(), lang, t)))
routes = []
for service_id in sea_services(tables):
    kind = tables.services.set_index("service_id").loc[service_id, "kind"]
    if (kind == "scheduled" and layer_on("sea")) or (kind == "partner_lane" and layer_on("lanes")):
        plan = data.service_plan(service_id, (), 14.0)
        routes += layers.service_records(
            tables,
            plan,
            lang,
            t,
            width=layers.sailings_width(plan.sailings_per_year),
            dashed=kind == "partner_lane",
        )
deck_layers.append(path_layer("sea-routes", routes))
kinds = [
    k
    for k, on in (
        ("port", True),
        ("terminal", True),
        ("airport", layer_on("air")),
        ("border_gate", layer_on("gates")),
        ("rail_border_station", layer_on("gates")),
        ("city", layer_on("cities")),
    )
    if on
]
dots = layers.place_records(tables, lang, t, kinds=kinds)
if not show_planned():
    planned = set(tables.places.loc[tables.places["status"] == "planned", "id"])
    dots = [d for d in dots if d["id"] not in planned]
deck_layers += [place_layer(dots), label_layer(declutter(layers.label_records(dots, tables, lang), view))]

map_column, detail_column = st.columns([3, 1])
with map_column:
    selected = map_chart(build_deck(deck_layers, view, online_tiles=online_tiles()), "overview")
    legend(
        [
            (t("legend.scheduled_service"), style.BLUE, "line"),
            (t("legend.partner_lane"), style.PURPLE, "dashed"),
            (t("legend.air"), style.ORANGE, "dashed"),
            (t("legend.road"), style.GREEN, "line"),
            (t("legend.rail"), style.BLACK, "line"),
            (t("legend.hsr"), style.SKY, "line"),
            (t("legend.proposed"), style.GREY, "dashed"),
            (t("legend.port"), style.BLUE, "dot"),
            (t("legend.gate"), style.VERMILLION, "dot"),
            (t("legend.airport"), style.ORANGE, "dot"),
            (t("legend.planned"), style.GREY, "ring"),
            (t("legend.zone"), style.GREEN, "ring"),
        ]
    )
    st.caption(t("overview.width_note"))
with detail_column:
    if selected and "position" in selected:
        place_details(tables, selected["id"], t)
    elif selected:
        st.info(selected.get("tooltip", ""))
    else:
        st.caption(t("map.click_hint"))

write_query_params({"view": view_query_value(view_name, view)})
