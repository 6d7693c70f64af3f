"""Overview: every corridor on one map, the headline figures with their sources, and a legend."""

import streamlit as st

from atlas.spec import MapSpec
from ui import data
from ui.sidebar import active_layers, online_tiles, show_planned
from ui.state import language, write_query_params
from ui.widgets import figure_metric, map_panel, selection_details, view_picker

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

view_name, view = view_picker("overview", t)
spec = MapSpec(
    kind="overview",
    language=lang,
    layers=active_layers(),
    show_planned=show_planned(),
    view_name=view_name,
    view=view,
)

content, selected = map_panel(spec, "overview", t, online=online_tiles())
st.caption(t("overview.width_note"))
with st.container(key="map-details"):
    selection_details(tables, selected, t)

write_query_params(spec.query_params())
