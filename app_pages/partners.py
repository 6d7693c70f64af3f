"""Partners & agreements: Hai Phong's partners on the map and a timeline of agreements."""

import altair as alt
import pandas as pd
import streamlit as st

from atlas import layers, style
from atlas.deck import basemap_detail, basemap_layers, build_deck, label_layer, path_layer, place_layer
from atlas.labels import declutter
from atlas.model import sea_services
from atlas.slides import MapSpec
from loaders import split_ids
from loaders._checks import parse_partial_date
from ui import data
from ui.export_panel import export_panel
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import (
    legend,
    map_chart,
    md_escape,
    place_details,
    sources_list,
    view_picker,
    view_query_value,
)

tables = data.tables()
lang = language()
t = data.translator(lang)
agreements = tables.agreements.copy()

st.title(t("partners.title"))
view_name, view = view_picker("partners", "world", t)

partner_ids = sorted({pid for v in agreements["place_ids"] for pid in split_ids(v)})
lanes = []
for service_id in sea_services(tables):
    if tables.services.set_index("service_id").loc[service_id, "kind"] == "partner_lane":
        lanes += layers.service_records(tables, data.service_plan(service_id, (), 14.0), lang, t, dashed=True)
dots = layers.place_records(tables, lang, t, kinds=layers.POINT_KINDS + layers.ZONE_KINDS, only=partner_ids)
deck_layers = [
    *basemap_layers(basemap_detail(view)),
    path_layer("sea-routes", lanes),
    place_layer(dots),
    label_layer(declutter(layers.label_records(dots, tables, lang), view)),
]

map_column, detail_column = st.columns([3, 1])
with map_column:
    selected = map_chart(build_deck(deck_layers, view, online_tiles=online_tiles()), "partners")
    legend(
        [
            (t("legend.partner_lane"), style.PURPLE, "dashed"),
            (t("legend.port"), style.BLUE, "dot"),
            (t("legend.zone"), style.GREEN, "dot"),
        ]
    )
    export_panel(MapSpec("partners", t("partners.title"), view, lang), t)
with detail_column:
    if selected and "position" in selected:
        place_details(tables, selected["id"], t)
        related = agreements.loc[
            agreements["place_ids"].str.split(";").apply(lambda ids: selected["id"] in ids)
        ]
        for row in related.to_dict("records"):
            title = row["title_vi"] if lang == "vi" else row["title_en"]
            st.markdown(f"- **{row['date'] or '—'}** · {md_escape(title)}")
    else:
        st.caption(t("map.click_hint"))

st.subheader(t("partners.timeline"))
agreements["when"] = [parse_partial_date(v) if isinstance(v, str) else None for v in agreements["date"]]
agreements["title"] = agreements["title_vi"] if lang == "vi" else agreements["title_en"]
agreements["kind_label"] = [t(f"agreement.{k}") for k in agreements["kind"]]
dated = agreements.dropna(subset=["when"])
dated = dated.assign(when=pd.to_datetime(dated["when"]))
timeline = (
    alt.Chart(dated)
    .mark_circle(size=160)
    .encode(
        x=alt.X("when:T", title=t("partners.date")),
        y=alt.Y("kind_label:N", title=None),
        color=alt.Color(
            "kind_label:N",
            legend=None,
            scale=alt.Scale(
                range=["#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#1e1e1e"]
            ),
        ),
        tooltip=[
            alt.Tooltip("date:N", title=t("partners.date")),
            alt.Tooltip("title:N", title=""),
            alt.Tooltip("parties:N", title=t("partners.parties")),
        ],
    )
    .properties(height=260)
)
st.altair_chart(timeline, width="stretch")
data_table(
    pd.DataFrame(
        {
            t("partners.date"): agreements["date"].fillna("—"),
            t("partners.kind"): agreements["kind_label"],
            t("partners.agreement"): agreements["title"],
            t("partners.parties"): agreements["parties"],
            t("partners.topic"): agreements["topic_en"],
        }
    ).sort_values(t("partners.date")),
    "agreements.csv",
)
st.caption(t("partners.date_note"))

st.subheader(t("sources.title"))
sources_list(tables, [sid for v in agreements["source_ids"] for sid in split_ids(v)], t)
write_query_params({"view": view_query_value(view_name, view)})
