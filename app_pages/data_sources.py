"""Data & sources: the curated tables, their validation status, every source, and downloads."""

import datetime as dt

import pandas as pd
import streamlit as st

from atlas import exports
from atlas.model import sea_services
from atlas.status_text import status_with_as_of
from loaders import validate_data_dir
from loaders.freshness import DEFAULT_MAX_AGE_DAYS, freshness_summary, stale_statuses
from ui import data
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import sources_list

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("data.title"))
st.caption(t("data.scope"))


@st.cache_resource(show_spinner=False)
def validation_summary() -> tuple[int, int]:
    result = validate_data_dir()
    return len(result.tables), len(result.problems)


table_count, problem_count = validation_summary()
if problem_count == 0:
    st.success(t("data.valid", tables=table_count))
else:
    st.error(t("data.invalid", problems=problem_count))

# How current the statuses are: oldest and newest "as of" per table, and those to check.
today = dt.date.today()
st.subheader(t("data.freshness"))
st.caption(t("data.freshness_note", days=DEFAULT_MAX_AGE_DAYS))
summary = freshness_summary(tables, today)
data_table(
    pd.DataFrame(
        {
            t("data.freshness_table"): [f"{entry.table}.csv" for entry in summary],
            t("data.freshness_statuses"): [entry.statuses for entry in summary],
            t("data.freshness_oldest"): [entry.oldest or "—" for entry in summary],
            t("data.freshness_newest"): [entry.newest or "—" for entry in summary],
            t("data.freshness_check"): [
                f"{entry.stale} · {t('data.freshness_flag')}" if entry.stale else "—" for entry in summary
            ],
        }
    ),
)
stale = stale_statuses(tables, today)
if stale:
    data_table(
        pd.DataFrame(
            {
                t("data.freshness_table"): [f"{entry.table}.csv" for entry in stale],
                t("data.freshness_row"): [entry.row_id for entry in stale],
                t("data.freshness_status"): [
                    status_with_as_of(t, entry.status, entry.as_of) for entry in stale
                ],
                t("data.freshness_age"): [entry.age_days for entry in stale],
                t("data.freshness_check"): [t("data.freshness_flag")] * len(stale),
            }
        ),
    )
else:
    st.success(t("data.freshness_all_current", days=DEFAULT_MAX_AGE_DAYS))

names = [
    "places",
    "gate_pairs",
    "services",
    "service_stops",
    "cargo",
    "agreements",
    "figures",
    "corridors",
    "corridor_waypoints",
    "sources",
]
for name, tab in zip(names, st.tabs(names), strict=True):
    frame = getattr(tables, name)
    with tab:
        shown = frame.drop(columns="geometry") if "geometry" in frame.columns else frame
        data_table(shown)
        st.download_button(
            t("data.download_csv", name=f"{name}.csv"),
            exports.csv_bytes(shown),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"csv_{name}",
        )

st.subheader(t("data.geodata"))
data_date = max(v for v in tables.sources["accessed_date"].dt.date.astype(str))
note = exports.sources_note(tables, data_date)
plans = [data.service_plan(sid, (), 14.0) for sid in sea_services(tables)]
routes = exports.routes_frame(tables, plans, data.corridor_lines())
places = exports.places_frame(tables)
columns = st.columns(3)
columns[0].download_button(
    t("data.download_places_geojson"),
    exports.geojson_bytes(places, note),
    file_name="places.geojson",
    mime="application/geo+json",
)
columns[1].download_button(
    t("data.download_routes_geojson"),
    exports.geojson_bytes(routes, note),
    file_name="routes.geojson",
    mime="application/geo+json",
)
columns[2].download_button(
    t("data.download_gpkg"),
    exports.geopackage_bytes({"places": places, "routes": routes}, note),
    file_name="corridor-atlas.gpkg",
    mime="application/geopackage+sqlite3",
)
st.caption(t("data.export_note", date=data_date, today=dt.date.today().isoformat()))

st.subheader(t("sources.title"))
sources_list(tables, list(tables.sources["source_id"]), t)
write_query_params({})
