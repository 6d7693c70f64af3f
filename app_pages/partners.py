"""Partners & agreements: Hai Phong's partners on the map and a timeline of agreements."""

import json

import altair as alt
import pandas as pd
import streamlit as st

from atlas.i18n import localized
from atlas.spec import MapSpec
from atlas.timeline import date_text, label_sides, month_ticks, period_of
from loaders import split_ids
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
agreements["title"] = [localized(row, lang, "title") for row in agreements.to_dict("records")]
agreements["parties"] = [localized(row, lang, "parties") for row in agreements.to_dict("records")]
agreements["kind_label"] = [t(f"agreement.{k}") for k in agreements["kind"]]
periods = [period_of(v) for v in agreements["date"]]
dated = agreements.loc[[p is not None for p in periods]].assign(
    start=[pd.Timestamp(p.start) for p in periods if p],
    # Bars end at the start of the day after the period: the whole last day is inside.
    end=[pd.Timestamp(p.end) + pd.Timedelta(days=1) for p in periods if p],
    precision=[p.precision for p in periods if p],
    when_text=[date_text(p, lang) for p in periods if p],
)
ticks = month_ticks([p for p in periods if p], lang)
# A chain of conditions (Vega's expressions have no dictionary lookup to rely on).
tick_labels = " : ".join(
    f"utcFormat(datum.value, '%Y-%m') == '{day:%Y-%m}' ? {json.dumps(label, ensure_ascii=False)}"
    for day, label in ticks
) + " : ''"
x_axis = alt.Axis(
    values=[alt.DateTime(year=day.year, month=day.month, date=1, utc=True) for day, _ in ticks],
    # Month names in the reader's language (Babel), not Vega's English ones. Dates are days, read in
    # UTC throughout (scale and labels), so no time zone moves one across midnight.
    labelExpr=tick_labels,
    labelAngle=0,
    labelOverlap=True,
    grid=True,
)
rows = alt.Y("kind_label:N", title=None, axis=alt.Axis(labelLimit=400))  # never cut "Memorandum of …"
colour = alt.Color(
    "kind_label:N",
    legend=None,
    scale=alt.Scale(range=["#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#1e1e1e"]),
)
tooltip = [
    alt.Tooltip("when_text:N", title=t("partners.date")),
    alt.Tooltip("title:N", title=t("partners.agreement")),
    alt.Tooltip("parties:N", title=t("partners.parties")),
]
base = alt.Chart(dated).encode(y=rows, color=colour, tooltip=tooltip)
x = alt.X("start:T", title=t("partners.date"), axis=x_axis, scale=alt.Scale(type="utc"))
# A year or a month from the source is a bar over that whole period, not a dot on its first day.
spans = base.transform_filter("datum.precision != 'day'").mark_bar(height=14, opacity=0.45).encode(
    x=x, x2="end:T"
)
days = base.transform_filter("datum.precision == 'day'").mark_circle(size=150, opacity=0.9).encode(x=x)
# Each mark says when: one label per row and date, above it, or below where the previous label of its
# row is too close.
marks = dated.drop_duplicates(["kind_label", "when_text"])
labelled = marks.assign(middle=marks["start"] + (marks["end"] - marks["start"]) / 2)
labelled = labelled.assign(below=label_sides(labelled["kind_label"].tolist(), labelled["middle"].tolist()))
label_x = alt.X("middle:T", title=t("partners.date"), axis=x_axis, scale=alt.Scale(type="utc"))
labels = alt.layer(
    *(
        alt.Chart(labelled.loc[labelled["below"] == below])
        .mark_text(dy=16 if below else -16, fontSize=11, color="#333333")
        .encode(x=label_x, y=rows, text="when_text:N")
        for below in (False, True)
    )
)
# Rows tall enough for a date label above and one below each mark.
timeline = (spans + days + labels).properties(height=64 * dated["kind_label"].nunique())
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
