"""Cargo: every commodity by service and direction, searchable, with a chart."""

import unicodedata

import altair as alt
import pandas as pd
import streamlit as st

from atlas.i18n import localized
from atlas.model import service_row
from loaders import split_ids
from ui import data
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import md_escape, sources_list

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("cargo.title"))
query = st.text_input(t("cargo.search"), key="cargo_query", placeholder=t("cargo.search.placeholder"))

cargo = tables.cargo.copy()
cargo["service"] = [localized(service_row(tables, sid).to_dict(), lang) for sid in cargo["service_id"]]
cargo["direction_label"] = [t(f"direction.{d}") for d in cargo["direction"]]
cargo["commodity"] = cargo[f"commodity_{lang}"]
if query:
    # Typed text may come decomposed (Unikey's combining mode, macOS paste) or padded with spaces.
    needle = unicodedata.normalize("NFC", query).strip().casefold()
    haystack = (
        cargo["commodity_en"]
        + " "
        + cargo["commodity_vi"]
        + " "
        + cargo["commodity_zh"]
        + " "
        + cargo["hs_chapter"].fillna("")
    )
    cargo = cargo.loc[haystack.str.casefold().str.contains(needle, regex=False)]

if cargo.empty:
    # The query may come from a link (?q=): it must not become a link or an image in the warning.
    st.warning(t("cargo.no_match", query=md_escape(query)))
else:
    table = pd.DataFrame(
        {
            t("cargo.service"): cargo["service"],
            t("cargo.direction"): cargo["direction_label"],
            t("cargo.commodity"): cargo["commodity"],
            t("cargo.hs_chapter"): cargo["hs_chapter"].fillna("—"),
            t("cargo.source_wording"): cargo["source_wording"],
        }
    )
    data_table(table, "cargo.csv")
    chart = (
        alt.Chart(cargo)
        .mark_bar()
        .encode(
            x=alt.X("count():Q", title=t("cargo.count")),
            y=alt.Y("direction_label:N", title=t("cargo.direction")),
            color=alt.Color("direction_label:N", legend=None, scale=alt.Scale(range=["#0072b2", "#e69f00"])),
            tooltip=[
                alt.Tooltip("direction_label:N", title=t("cargo.direction")),
                alt.Tooltip("count():Q", title=t("cargo.count")),
            ],
        )
        .properties(height=140)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(t("cargo.direction_note"))

st.subheader(t("sources.title"))
sources_list(tables, [sid for v in tables.cargo["source_ids"] for sid in split_ids(v)], t)
write_query_params({"q": query})
