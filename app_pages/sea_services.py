"""Sea services: a rotation on real sea lanes, its distances and days, and what-if passage closures."""

import pandas as pd
import streamlit as st

from atlas.compare import sea_co2e_kg
from atlas.i18n import localized, short_label
from atlas.lookup import rows_by
from atlas.model import DEFAULT_SPEED_KN, service_row
from atlas.numbers import compact, number, signed
from atlas.spec import CLOSABLE, MAX_SPEED_KN, MIN_SPEED_KN, MapSpec
from ui import data
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import map_panel, selection_details, sources_list, view_picker

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("sea.title"))

services = data.sea_services()
if st.session_state.get("service") not in services:
    st.session_state["service"] = services[0]
names = {sid: localized(service_row(tables, sid).to_dict(), lang) for sid in services}
st.session_state.setdefault("speed", DEFAULT_SPEED_KN)
st.session_state.setdefault("closed", [])
controls = st.columns([2, 1, 2])
service_id = controls[0].selectbox(t("sea.service"), services, key="service", format_func=names.get)
speed = controls[1].slider(
    t("sea.speed"), MIN_SPEED_KN, MAX_SPEED_KN, step=0.5, key="speed", help=t("sea.speed.help")
)
closed = controls[2].multiselect(
    t("sea.closed"),
    list(CLOSABLE),
    key="closed",
    format_func=lambda p: t(f"passage.{p}"),
    help=t("sea.closed.help"),
    placeholder=t("sea.closed.placeholder"),
)

row = service_row(tables, service_id)
speed_kn = float(speed)
baseline = data.service_plan(service_id, (), speed_kn)
scenario = data.service_plan(service_id, tuple(closed), speed_kn) if closed else None
shown = scenario or baseline

# Always hold the note's place: an element that appears only for some services would shift the map's
# position on the page, and Streamlit would then mount a new map (new WebGL context, every shader
# compiled again, the basemap fetched again) instead of updating the one on screen.
note = st.empty()
if row["kind"] == "partner_lane":
    note.info(t("sea.partner_lane_note"))


def nm(value: float) -> str:
    return t("unit.nm_value", value=number(value, lang))


def days(value: float) -> str:
    return t("unit.days_value", value=number(value, lang, 1))


metrics = st.columns(5)
# CO₂e of one TEU carried the whole rotation, with the container-ship factor of data/assumptions.csv.
co2e = sea_co2e_kg(tables, shown.rotation.distance_km)
delta_co2e = (
    t("unit.kg_co2e_value", value=signed(co2e - sea_co2e_kg(tables, baseline.rotation.distance_km), lang))
    if scenario
    else None
)
delta_nm = (
    t("unit.nm_value", value=signed(scenario.rotation.distance_nm - baseline.rotation.distance_nm, lang))
    if scenario
    else None
)
delta_days = (
    t("unit.days_value", value=signed(scenario.rotation.total_days - baseline.rotation.total_days, lang, 1))
    if scenario
    else None
)
metrics[0].metric(
    t("sea.total_distance"), nm(shown.rotation.distance_nm), delta=delta_nm, delta_color="inverse"
)
metrics[0].caption(t("unit.km_value", value=number(shown.rotation.distance_km, lang)))
metrics[1].metric(
    t("sea.total_days"), days(shown.rotation.total_days), delta=delta_days, delta_color="inverse"
)
metrics[1].caption(t("sea.round_trip") if shown.rotation.round_trip else t("sea.one_way"))
if shown.headway_days:
    metrics[2].metric(t("sea.sailings_per_year"), number(shown.sailings_per_year, lang, 1))
    metrics[2].caption(t("sea.headway", text=row["frequency_text"], days=compact(shown.headway_days, lang)))
if shown.vessels_needed:
    metrics[3].metric(
        t("sea.vessels_needed"), number(shown.vessels_needed, lang), help=t("sea.vessels_needed.help")
    )
metrics[4].metric(
    t("sea.co2e_per_teu"),
    t("unit.kg_co2e_value", value=number(co2e, lang)),
    delta=delta_co2e,
    delta_color="inverse",
    help=t("sea.co2e_per_teu.help"),
)

view_name, view = view_picker("sea", t)
spec = MapSpec(
    kind="sea_services",
    language=lang,
    service_id=service_id,
    closed=tuple(closed),
    speed_kn=speed_kn,
    view_name=view_name,
    view=view,
)

content, selected = map_panel(spec, "sea", t, online=online_tiles())
with st.container(key="map-details"):
    selection_details(tables, selected, t)


def leg_table(plan) -> pd.DataFrame:
    places = rows_by(tables.places, "id")
    stops = [short_label(localized(places[s.place_id], lang)) for s in plan.stops]
    rows = []
    for index, leg in enumerate(plan.rotation.legs):
        rows.append(
            {
                t("sea.leg"): f"{stops[index % len(stops)]} → {stops[(index + 1) % len(stops)]}",
                t("unit.nm"): number(leg.distance_nm, lang),
                "km": number(leg.distance_km, lang),
                t("sea.days"): number(leg.days, lang, 1),
                t("sea.passages"): ", ".join(t(f"passage.{p}") for p in leg.passages) or "—",
                t("sea.detour_ratio"): number(leg.detour_ratio, lang, 2),
                t("sea.passage_ratio"): number(leg.passage_detour_ratio, lang, 2),
                t("sea.gaps"): f"{number(leg.origin_gap_nm, lang)} / {number(leg.destination_gap_nm, lang)}",
                t("sea.method"): t(f"method.{leg.method}"),
            }
        )
    return pd.DataFrame(rows)


st.subheader(t("sea.legs"))
data_table(leg_table(shown), f"{service_id}_legs.csv")
st.caption(t("sea.legs_note"))
if scenario is not None:
    st.subheader(t("sea.baseline_legs"))
    data_table(leg_table(baseline), f"{service_id}_baseline_legs.csv")

cargo = tables.cargo.loc[tables.cargo["service_id"] == service_id]
if not cargo.empty:
    st.subheader(t("sea.cargo"))
    for column, direction in zip(st.columns(2), ("export_from_china", "import_to_china"), strict=True):
        items = cargo.loc[cargo["direction"] == direction].sort_values("seq")
        column.markdown(f"**{t(f'direction.{direction}')}**")
        column.dataframe(
            pd.DataFrame(
                {
                    t("cargo.commodity"): [localized(r, lang, "commodity") for r in items.to_dict("records")],
                    t("cargo.hs_chapter"): items["hs_chapter"].fillna("—"),
                }
            ),
            hide_index=True,
            width="stretch",
        )

st.subheader(t("sources.title"))
st.caption(t("sea.assumptions", speed=compact(speed_kn, lang)))
sources_list(tables, content.source_ids, t)

write_query_params(spec.query_params())
