"""Cargo: every commodity by service and direction on the map, searchable in any of the three languages."""

import pandas as pd
import streamlit as st

from atlas.content import cargo_matches
from atlas.i18n import localized
from atlas.model import service_row
from atlas.spec import MapSpec, parse_query
from ui import data
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import map_panel, md_escape, selection_details, sources_list, view_picker

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("cargo.title"))
query = st.text_input(t("cargo.search"), key="cargo_query", placeholder=t("cargo.search.placeholder"))
query = parse_query(query).strip()

cargo = tables.cargo.copy()
if query:
    cargo = cargo.loc[sorted(cargo_matches(cargo, query))]
if query and cargo.empty:
    # The query is the visitor's (or a link's) text: shown literally, never as Markdown.
    st.warning(t("cargo.no_match", query=md_escape(query)))

view_name, view = view_picker("cargo", t)
spec = MapSpec(kind="cargo", language=lang, query=query, view_name=view_name, view=view)
content, selected = map_panel(spec, "cargo", t, online=online_tiles())
st.caption(t("cargo.map_note"))
with st.container(key="map-details"):
    selection_details(tables, selected, t)

if not cargo.empty:
    data_table(
        pd.DataFrame(
            {
                t("cargo.service"): [
                    localized(service_row(tables, s).to_dict(), lang) for s in cargo["service_id"]
                ],
                t("cargo.direction"): [t(f"direction.{d}") for d in cargo["direction"]],
                t("cargo.commodity"): [localized(r, lang, "commodity") for r in cargo.to_dict("records")],
                t("cargo.hs_chapter"): cargo["hs_chapter"].fillna("—"),
                t("cargo.source_wording"): cargo["source_wording"],
            }
        ),
        "cargo.csv",
    )
    st.caption(t("cargo.direction_note"))

st.subheader(t("sources.title"))
sources_list(tables, content.source_ids, t)
write_query_params(spec.query_params())
