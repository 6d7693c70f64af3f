"""Compare corridors: door-to-door time, distance and CO₂e by sea, road, rail and air, on one map.

The page only draws: `atlas.compare` builds the options and the map content. The link keeps the
places, the consignment and every changed assumption (`from`, `to`, `teu` or `tonnes`, `set=id:value,…`).
"""

import contextlib
import datetime as dt
import json
import math

import pandas as pd
import streamlit as st

from atlas import compare as cmp
from atlas import overlay, style
from atlas.content import FIT_PADDING_PX
from atlas.deck import (
    basemap_detail,
    basemap_layers,
    build_deck,
    label_layer,
    path_layer,
    place_layer,
    ring_layer,
)
from atlas.exports import csv_bytes
from atlas.framing import bounds_of, coordinates, fit_view
from atlas.i18n import localized
from atlas.labels import declutter
from loaders import Tables
from ui import data
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import (
    labelled_legend,
    map_chart,
    map_size,
    md_escape,
    selection_details,
    sources_list,
    view_picker,
    view_query_value,
)

curated = data.tables()
lang = language()
t = data.translator(lang)


def with_uploads() -> Tables:
    """The curated tables plus the places and services uploaded on "Your data" in this session.

    The merged tables are kept per upload, so the comparison's lookups are built once for them.
    """
    result = st.session_state.get("yours_result")
    if result is None or not result.ok or result.data is None:
        return curated
    digest = st.session_state.get("yours_digest")
    kept = st.session_state.get("_compare_merged")
    if kept is None or kept[0] != digest:
        kept = (digest, overlay.merge_tables(curated, result.data))
        st.session_state["_compare_merged"] = kept
    return kept[1]


tables = with_uploads()
defaults = {a.assumption_id: a for a in cmp.Assumptions(tables.assumptions)}
place_ids = list(tables.places["id"])
place_rows = tables.places.set_index("id")


def place_name(place_id: str) -> str:
    return localized(place_rows.loc[place_id].to_dict(), lang)


def read_link_once() -> None:
    """Seed this page's widgets from a shared link, once per session."""
    if st.session_state.get("_compare_link_read"):
        return
    params = st.query_params
    if params.get("from") in place_ids:
        st.session_state["compare_from"] = params["from"]
    if params.get("to") in place_ids:
        st.session_state["compare_to"] = params["to"]
    for unit in ("teu", "tonnes"):
        with contextlib.suppress(ValueError, TypeError):
            amount = float(params.get(unit, ""))
            if math.isfinite(amount) and amount > 0:
                st.session_state["compare_unit"] = unit
                st.session_state["compare_amount"] = min(amount, 1e6)
    for item in (params.get("set") or "").split(",")[:100]:
        key, _, value = item.partition(":")
        with contextlib.suppress(ValueError):
            number = float(value)
            if key in defaults and math.isfinite(number) and number >= 0:
                st.session_state[f"compare_a_{key}"] = min(number, 1e6)
    st.session_state["_compare_link_read"] = True


def apply_preset() -> None:
    choice = st.session_state.get("compare_preset")
    if choice and choice != "custom":
        origin, destination = choice.split("__")
        st.session_state["compare_from"], st.session_state["compare_to"] = origin, destination


def reset_assumptions() -> None:
    for key in defaults:
        st.session_state[f"compare_a_{key}"] = defaults[key].value


read_link_once()
st.session_state.setdefault("compare_from", cmp.PRESETS[0][0])
st.session_state.setdefault("compare_to", cmp.PRESETS[0][1])
st.session_state.setdefault("compare_unit", "teu")
st.session_state.setdefault("compare_amount", 1.0)
preset_keys = [f"{o}__{d}" for o, d in cmp.PRESETS]
current = f"{st.session_state['compare_from']}__{st.session_state['compare_to']}"
st.session_state["compare_preset"] = current if current in preset_keys else "custom"

st.title(t("compare.title"))
st.info(t("compare.note"))

st.selectbox(
    t("compare.preset"),
    [*preset_keys, "custom"],
    key="compare_preset",
    on_change=apply_preset,
    format_func=lambda k: (
        t("compare.preset.custom") if k == "custom" else " → ".join(place_name(p) for p in k.split("__"))
    ),
)
controls = st.columns([2, 2, 1, 1])
origin = controls[0].selectbox(t("compare.origin"), place_ids, key="compare_from", format_func=place_name)
destination = controls[1].selectbox(
    t("compare.destination"), place_ids, key="compare_to", format_func=place_name
)
unit = controls[2].radio(
    t("compare.unit"),
    ["teu", "tonnes"],
    key="compare_unit",
    format_func=lambda u: t(cmp.TEXT_KEYS["unit"][u]),
)
amount = controls[3].number_input(
    t("compare.amount"), min_value=0.1, max_value=1e6, step=1.0, key="compare_amount"
)

with st.expander(t("compare.assumptions")):
    st.caption(t("compare.assumptions.help"))
    st.button(t("compare.reset"), on_click=reset_assumptions)
    columns = st.columns(3)
    for index, (key, default) in enumerate(defaults.items()):
        st.session_state.setdefault(f"compare_a_{key}", default.value)
        columns[index % 3].number_input(
            f"{key} ({default.unit}) · {t(cmp.TEXT_KEYS['basis'][default.basis])}",
            min_value=0.0,
            max_value=1e6,
            format="%g",
            key=f"compare_a_{key}",
            help=default.notes or None,
        )
overrides = {
    key: float(st.session_state[f"compare_a_{key}"])
    for key, default in defaults.items()
    if float(st.session_state[f"compare_a_{key}"]) != default.value
}
consignment = cmp.Consignment(teu=float(amount)) if unit == "teu" else cmp.Consignment(tonnes=float(amount))

view_name, chosen_view = view_picker("compare", t)
write_query_params(
    {
        "from": origin,
        "to": destination,
        unit: f"{float(amount):g}",
        "set": ",".join(f"{k}:{v:g}" for k, v in sorted(overrides.items())) or None,
        "view": view_query_value(view_name, chosen_view),
    }
)

if origin == destination:
    st.warning(t("compare.same_place"))
    st.stop()
try:
    comparison = cmp.compare(tables, origin, destination, consignment, overrides)
except cmp.CompareError as error:
    st.error(md_escape(str(error)))
    st.stop()
if not comparison.options:
    st.warning(t("compare.no_options"))
    st.stop()

labels = {o.option_id: cmp.option_label(tables, o, lang, t(f"mode.{o.mode}")) for o in comparison.options}
colours = {
    o.option_id: style.hex_colour(cmp.OPTION_COLOURS[i % len(cmp.OPTION_COLOURS)])
    for i, o in enumerate(comparison.options)
}
components = {c: t(cmp.TEXT_KEYS["component"][c]) for c in cmp.COMPONENTS}

sailing = next((o for o in comparison.options if o.mode == "sea"), None)
# The day slider sits under the sailings, below the map: its value from the last run places the ships.
ship_day = st.session_state.get("compare_day") or dt.date.today()
vessels = ()
if sailing is not None:
    with contextlib.suppress(cmp.CompareError):
        vessels = cmp.vessel_positions(tables, sailing.via, ship_day, overrides)


def vessel_text(vessel: cmp.VesselPosition, place: str) -> str:
    # Literal keys, so the interface check sees which fields each text is given.
    if vessel.status == "in_port":
        return t("compare.vessel.in_port", n=vessel.vessel, place=place)
    return t("compare.vessel.at_sea", n=vessel.vessel, place=place)


content = cmp.compare_map_content(tables, comparison, lang, vessels=vessels, vessel_text=vessel_text)
size = map_size()
# Without a chosen view, the map fits every option it draws (atlas.framing, as on the other maps).
drawn = bounds_of(coordinates([*content["paths"], *content["places"]]))
view = chosen_view or fit_view(drawn, *size, padding_px=FIT_PADDING_PX)
label_records = declutter(content["places"], view, frame_px=size)
deck_layers = [
    *basemap_layers(basemap_detail(view)),
    path_layer("compare-routes", content["paths"], width_px=4.0),
    place_layer(content["places"]),
    label_layer(label_records, size_px=13),
    ring_layer("compare-vessels", content["vessels"], line_width_px=3.0, pickable=True),
]
map_column, detail_column = st.columns([3, 1])
with map_column:
    selected = map_chart(build_deck(deck_layers, view, online_tiles=online_tiles()), "compare")
    labelled_legend(
        [
            (labels[o.option_id], cmp.OPTION_COLOURS[i % len(cmp.OPTION_COLOURS)], "line")
            for i, o in enumerate(comparison.options)
        ]
        + [(t("compare.estimate"), style.GREY, "dashed")]
        + ([(t("compare.vessel.legend"), style.BLACK, "ring")] if content["vessels"] else [])
    )
with detail_column:
    selection_details(tables, selected, t, hint=False)

st.subheader(t("compare.options"))
rows = []
for option in comparison.options:
    hours = option.hours
    freight = t("compare.freight.not_stated") if option.carries_freight is None else "✓"
    rows.append(
        {
            t("compare.option"): labels[option.option_id],
            t("compare.distance_km"): round(option.distance_km),
            t("compare.total_hours"): round(option.total_hours, 1),
            t("compare.days"): round(option.total_hours / 24, 1),
            **{components[c]: round(hours[c], 1) for c in cmp.COMPONENTS},
            t("compare.co2e_kg"): round(option.co2e_kg, 1),
            t("compare.estimate"): "✓" if option.has_estimates else "",
            t("compare.freight"): freight if option.mode == "air" else "✓",
        }
    )
data_table(pd.DataFrame(rows))

# Option names are long ("Road · Hữu Nghị International Border Gate – …"): full width, room for them.
AXIS = {"labelLimit": 420}
# Streamlit fits the whole chart (axes and legend too) into the height: leave room for them.
BAR_HEIGHT = 36 * len(comparison.options) + 60
charts = (st.container(), st.container())
time_rows = [
    {"option": labels[o.option_id], "component": components[c], "hours": round(o.hours[c], 2)}
    for o in comparison.options
    for c in cmp.COMPONENTS
]
charts[0].caption(t("compare.time_chart"))
charts[0].vega_lite_chart(
    {
        "data": {"values": time_rows},
        "height": BAR_HEIGHT + 60,
        "mark": "bar",
        "encoding": {
            "y": {"field": "option", "type": "nominal", "title": None, "sort": None, "axis": AXIS},
            "x": {
                "field": "hours",
                "type": "quantitative",
                "stack": "zero",
                "title": t("compare.total_hours"),
            },
            "color": {
                "field": "component",
                "type": "nominal",
                "title": None,
                "sort": list(components.values()),
                "scale": {
                    "domain": list(components.values()),
                    "range": [
                        style.hex_colour(c) for c in (style.BLUE, style.ORANGE, style.GREY, style.VERMILLION)
                    ],
                },
                "legend": {"orient": "bottom", "direction": "horizontal", "labelLimit": 240},
            },
        },
    },
    width="stretch",
)
charts[1].caption(t("compare.co2e_chart"))
charts[1].vega_lite_chart(
    {
        "data": {
            "values": [{"option": labels[o.option_id], "kg": round(o.co2e_kg, 1)} for o in comparison.options]
        },
        "height": BAR_HEIGHT,
        "mark": "bar",
        "encoding": {
            "y": {"field": "option", "type": "nominal", "title": None, "sort": None, "axis": AXIS},
            "x": {"field": "kg", "type": "quantitative", "title": t("compare.co2e_kg")},
            "color": {
                "field": "option",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": list(labels.values()), "range": list(colours.values())},
            },
        },
    },
    width="stretch",
)

if sailing is not None:
    st.subheader(t("compare.schedule"))
    ready = st.date_input(t("compare.schedule.from"), value=dt.date.today(), key="compare_ready")
    last_day = ready + dt.timedelta(weeks=12)
    # Kept inside the window when the ready date moves (the slider refuses a value outside it).
    st.session_state["compare_day"] = min(max(ship_day, ready), last_day)
    st.slider(t("compare.schedule.day"), min_value=ready, max_value=last_day, key="compare_day")
    with contextlib.suppress(cmp.CompareError):
        table = cmp.service_timetable(tables, sailing.via, ready, 12, overrides)
        st.write(
            t("compare.schedule.next", dates=", ".join(d.date().isoformat() for d in table.next_departures))
        )
        st.write(
            t("compare.schedule.wait", hours=f"{table.average_wait_hours:g}", days=f"{table.headway_days:g}")
        )
        st.write(
            t(
                "compare.schedule.vessels",
                vessels=table.vessels,
                rotation=f"{table.rotation_days:.1f}",
                hours=f"{table.port_call_hours:g}",
                bare=table.vessels_without_port_time,
            )
        )
        st.caption(t("compare.schedule.calendar"))
        data_table(pd.DataFrame({t("compare.schedule.calendar"): [d.isoformat() for d in table.calendar]}))

with st.expander(t("compare.legs")):
    leg_rows = [
        {
            t("compare.option"): labels[option.option_id],
            t("compare.leg"): f"{place_name(leg.origin_id)} → {place_name(leg.destination_id)}",
            t("compare.distance_km"): round(leg.distance_km, 1),
            t("compare.basis"): t(cmp.TEXT_KEYS["basis"][leg.basis]),
            t("compare.total_hours"): round(leg.total_hours, 1),
            t("compare.co2e_kg"): round(leg.co2e_kg, 1),
            t("compare.used"): ", ".join(leg.assumption_ids),
        }
        for option in comparison.options
        for leg in option.legs
    ]
    data_table(pd.DataFrame(leg_rows))

st.caption(t("compare.download"))
downloads = st.columns(3)
stem = f"compare_{origin}_{destination}"
downloads[0].download_button(
    t("compare.download.csv"),
    csv_bytes(cmp.legs_frame(comparison)),
    file_name=f"{stem}.csv",
    mime="text/csv",
    key="compare_csv",
)
downloads[1].download_button(
    t("compare.download.geojson"),
    json.dumps(cmp.comparison_geojson(comparison), ensure_ascii=False).encode("utf-8"),
    file_name=f"{stem}.geojson",
    mime="application/geo+json",
    key="compare_geojson",
)
downloads[2].download_button(
    t("compare.download.json"),
    json.dumps(cmp.comparison_record(comparison), ensure_ascii=False, indent=1).encode("utf-8"),
    file_name=f"{stem}.json",
    mime="application/json",
    key="compare_json",
)

st.subheader(t("compare.used"))
used_ids = list(dict.fromkeys(a for o in comparison.options for a in o.assumption_ids))
data_table(
    pd.DataFrame(
        [
            {
                "id": a.assumption_id,
                t("compare.value"): a.value,
                t("compare.unit_col"): a.unit,
                t("compare.basis_col"): t(cmp.TEXT_KEYS["basis"][a.basis])
                + (f" ({t('compare.changed')})" if a.overridden else ""),
                t("compare.sources"): ", ".join(a.source_ids),
            }
            for a in (comparison.assumptions[i] for i in used_ids)
        ]
    ),
)
st.caption(t("compare.sources"))
sources_list(
    tables,
    [
        *(s for o in comparison.options for s in o.source_ids),
        *(s for i in used_ids for s in comparison.assumptions[i].source_ids),
    ],
    t,
)
