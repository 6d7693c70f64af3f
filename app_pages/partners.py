"""Partners & agreements: Hai Phong's partners on the map and a timeline of agreements."""

import altair as alt
import pandas as pd
import streamlit as st

from atlas.i18n import localized
from atlas.spec import MapSpec
from loaders import split_ids
from loaders._checks import parse_partial_date
from ui import data
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import map_panel, md_escape, place_details, sources_list, view_picker

tables = data.tables()
lang = language()
t = data.translator(lang)
agreements = tables.agreements.copy()

st.title(t("partners.title"))
view_name, view = view_picker("partners", t)
spec = MapSpec(kind="partners", language=lang, view_name=view_name, view=view)

content, selected = map_panel(spec, "partners", t, online=online_tiles())
with st.container(key="map-details"):
    if selected and "position" in selected:
        place_details(tables, selected["id"], t)
        related = agreements.loc[
            agreements["place_ids"].str.split(";").apply(lambda ids: selected["id"] in ids)
        ]
        for row in related.to_dict("records"):
            title = localized(row, lang, "title")
            st.markdown(f"- **{md_escape(row['date'] or '—')}** · {md_escape(title)}")
    else:
        st.caption(t("map.click_hint"))

st.subheader(t("partners.timeline"))
agreements["when"] = [parse_partial_date(v) if isinstance(v, str) else None for v in agreements["date"]]
agreements["title"] = [localized(row, lang, "title") for row in agreements.to_dict("records")]
agreements["parties"] = [localized(row, lang, "parties") for row in agreements.to_dict("records")]
agreements["kind_label"] = [t(f"agreement.{k}") for k in agreements["kind"]]
dated = agreements.dropna(subset=["when"])
dated = dated.assign(when=pd.to_datetime(dated["when"]))
timeline = (
    alt.Chart(dated)
    .mark_circle(size=160)
    .encode(
        x=alt.X("when:T", title=t("partners.date")),
        # Category names run to ~40 characters ("Memorandum of understanding"): never cut them.
        y=alt.Y("kind_label:N", title=None, axis=alt.Axis(labelLimit=400)),
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
            t("partners.topic"): [localized(row, lang, "topic") for row in agreements.to_dict("records")],
        }
    ).sort_values(t("partners.date")),
    "agreements.csv",
)
st.caption(t("partners.date_note"))

st.subheader(t("sources.title"))
sources_list(tables, [sid for v in agreements["source_ids"] for sid in split_ids(v)], t)
write_query_params(spec.query_params())
