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
from atlas.model import DEFAULT_SPEED_KN, sea_services
from atlas.slides import MapSpec
from ui import data
from ui.export_panel import export_panel
from ui.sidebar import LAYER_FILTERS, layer_on, online_tiles, show_planned
from ui.state import language, write_query_params
from ui.widgets import (
    figure_metric,
    legend,
    map_chart,
    selection_details,
    view_picker,
    view_query_value,
)

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
    deck_layers.append(zone_layer(data.zone_records(lang)))
if layer_on("corridors"):
    deck_layers.append(
        path_layer("land-corridors", data.corridor_records(lang, operating_only=not show_planned()))
    )
if layer_on("air"):
    deck_layers.append(path_layer("air-links", data.air_records(lang)))
routes = []
services = tables.services.set_index("service_id")
for service_id in sea_services(tables):
    kind = services.loc[service_id, "kind"]
    if (kind == "scheduled" and layer_on("sea")) or (kind == "partner_lane" and layer_on("lanes")):
        plan = data.service_plan(service_id, (), DEFAULT_SPEED_KN)
        width = layers.sailings_width(plan.sailings_per_year)
        routes += data.service_records(
            service_id, (), DEFAULT_SPEED_KN, lang, width=width, dashed=kind == "partner_lane"
        )
deck_layers.append(path_layer("sea-routes", routes))
kinds = tuple(
    kind
    for kind, on in (
        ("port", True),
        ("terminal", True),
        ("airport", layer_on("air")),
        ("border_gate", layer_on("gates")),
        ("rail_border_station", layer_on("gates")),
        ("city", layer_on("cities")),
    )
    if on
)
hidden = set() if show_planned() else set(tables.places.loc[tables.places["status"] == "planned", "id"])
dots = [d for d in data.place_records(lang, kinds) if d["id"] not in hidden]
labels = [r for r in data.label_records(lang, kinds) if r["id"] not in hidden]
deck_layers += [place_layer(dots), label_layer(declutter(labels, view))]

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
    export_panel(
        MapSpec(
            "overview",
            t("overview.title"),
            view,
            lang,
            layers=tuple(f for f in LAYER_FILTERS if layer_on(f)),
            show_planned=show_planned(),
        ),
        t,
    )
with detail_column:
    selection_details(tables, selected, t)

write_query_params({"view": view_query_value(view_name, view)})
