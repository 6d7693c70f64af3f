"""Compare corridors: door-to-door time, distance and CO₂e by sea, road, rail and air, on one map.

The page only draws: `atlas.compare` builds the options and the map content. The link keeps the
places, the consignment and every changed assumption (`from`, `to`, `teu` or `tonnes`, `set=id:value,…`).
"""

import contextlib
import datetime as dt
import json

import pandas as pd
import streamlit as st

from atlas import compare as cmp
from atlas import layers, style
from atlas.content import OPTION_LEGEND_PREFIX
from atlas.i18n import localized
from atlas.numbers import chart_locale
from atlas.spec import MAX_AMOUNT, MapSpec, spec_from_params
from ui import data
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import map_panel, md_escape, selection_details, sources_list, view_picker

lang = language()
t = data.translator(lang)
session = data.session_data()
tables = session.tables if session is not None else data.tables()
defaults = {a.assumption_id: a for a in cmp.Assumptions(tables.assumptions)}
place_ids = list(tables.places["id"])
place_rows = layers.place_rows(tables)
# How far the ships move per step when the rotation plays, and how often a step is drawn.
PLAY_STEP = dt.timedelta(days=1)
PLAY_INTERVAL_S = 1.0


def place_name(place_id: str) -> str:
    return localized(place_rows[place_id], lang)


def read_link_once() -> None:
    """Seed this page's widgets from a shared link, once per session (parsed as atlas.spec does)."""
    if st.session_state.get("_compare_link_read"):
        return
    linked = spec_from_params("compare", st.query_params)
    if linked.origin in place_ids:
        st.session_state["compare_from"] = linked.origin
    if linked.destination in place_ids:
        st.session_state["compare_to"] = linked.destination
    if "teu" in st.query_params or "tonnes" in st.query_params:
        st.session_state["compare_unit"] = linked.unit
        st.session_state["compare_amount"] = linked.amount
    for key, value in linked.overrides:
        if key in defaults:
            st.session_state[f"compare_a_{key}"] = value
    if linked.day is not None:
        st.session_state["compare_day"] = linked.day
    st.session_state["_compare_link_read"] = True


def apply_preset() -> None:
    choice = st.session_state.get("compare_preset")
    if choice and choice != "custom":
        origin, destination = choice.split("__")
        st.session_state["compare_from"], st.session_state["compare_to"] = origin, destination


def reset_assumptions() -> None:
    for key in defaults:
        st.session_state[f"compare_a_{key}"] = defaults[key].value


def toggle_play() -> None:
    st.session_state["compare_playing"] = not st.session_state.get("compare_playing", False)


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
    t("compare.amount"), min_value=0.1, max_value=MAX_AMOUNT, step=1.0, format="%g", key="compare_amount"
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
            max_value=MAX_AMOUNT,
            format="%g",
            key=f"compare_a_{key}",
            help=default.notes or None,
        )
overrides = tuple(
    sorted(
        (key, float(st.session_state[f"compare_a_{key}"]))
        for key, default in defaults.items()
        if float(st.session_state[f"compare_a_{key}"]) != default.value
    )
)

if origin == destination:
    st.warning(t("compare.same_place"))
    write_query_params({"from": origin, "to": destination})
    st.stop()

view_name, chosen_view = view_picker("compare", t)
today = dt.date.today()
st.session_state.setdefault("compare_day", today)


def comparison_spec() -> MapSpec:
    """The deep-link state of this comparison: everything the map, table and files are made from."""
    return MapSpec(
        kind="compare",
        language=lang,
        origin=origin,
        destination=destination,
        unit=unit,
        amount=float(amount),
        overrides=overrides,
        day=st.session_state["compare_day"],
        view_name=view_name,
        view=chosen_view,
    )


try:
    content = data.content(comparison_spec(), session)
except cmp.CompareError as error:
    st.error(md_escape(str(error)))
    st.stop()
comparison = content.comparison
if not comparison.options:
    st.warning(t("compare.no_options"))
    st.stop()
sailing = next((o for o in comparison.options if o.mode == "sea"), None)
playing = bool(st.session_state.get("compare_playing")) and sailing is not None


@st.fragment(run_every=PLAY_INTERVAL_S if playing else None)
def comparison_map() -> None:
    """The map (the ships move while the rotation plays: only this part reruns) and the clicked
    place or leg beside it."""
    if playing:
        ready = st.session_state.get("compare_ready", today)
        day = st.session_state["compare_day"] + PLAY_STEP
        st.session_state["compare_day"] = day if day <= ready + dt.timedelta(weeks=12) else ready
    spec = comparison_spec()
    _, selected = map_panel(spec, "compare", t, online=online_tiles(), session=session)
    if sailing is not None:
        day = st.session_state["compare_day"]
        st.caption(t("compare.schedule.day") + f" {day.isoformat()}")
    selection_details(tables, selected, t, hint=False)
    write_query_params(spec.query_params())


comparison_map()

# Each option's name and colour as the map's legend gives them, so table and charts match the map.
options = [item for item in content.legend if item.key.startswith(OPTION_LEGEND_PREFIX)]
labels = {item.key.removeprefix(OPTION_LEGEND_PREFIX): item.text for item in options}
colours = {
    item.key.removeprefix(OPTION_LEGEND_PREFIX): style.hex_colour(list(item.colour)) for item in options
}
components = {c: t(cmp.TEXT_KEYS["component"][c]) for c in cmp.COMPONENTS}

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
data_table(
    pd.DataFrame(rows),
    quantities={
        t("compare.distance_km"): 0,
        t("compare.total_hours"): 1,
        t("compare.days"): 1,
        **{components[c]: 1 for c in cmp.COMPONENTS},
        t("compare.co2e_kg"): 1,
    },
)

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
        "config": {"locale": chart_locale(lang)},
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
        "config": {"locale": chart_locale(lang)},
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
    ready = st.date_input(t("compare.schedule.from"), value=today, key="compare_ready")
    last_day = ready + dt.timedelta(weeks=12)
    # Kept inside the window when the ready date moves (the slider refuses a value outside it).
    st.session_state["compare_day"] = min(max(st.session_state["compare_day"], ready), last_day)
    day_column, play_column = st.columns([4, 1], vertical_alignment="bottom")
    day_column.slider(
        t("compare.schedule.day"), min_value=ready, max_value=last_day, key="compare_day", disabled=playing
    )
    play_column.button(
        t("compare.stop") if playing else t("compare.play"), on_click=toggle_play, key="compare_play"
    )
    with contextlib.suppress(cmp.CompareError):
        table = cmp.service_timetable(tables, sailing.via, ready, 12, dict(overrides))
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
    data_table(
        pd.DataFrame(leg_rows),
        quantities={t("compare.distance_km"): 1, t("compare.total_hours"): 1, t("compare.co2e_kg"): 1},
    )

# The map's files (PNG, PDF, HTML, legs CSV, GeoJSON, GeoPackage) are in its Export panel; this is
# the comparison as data, every number with the assumptions and sources it used.
st.download_button(
    t("compare.download.json"),
    json.dumps(cmp.comparison_record(comparison), ensure_ascii=False, indent=1).encode("utf-8"),
    file_name=f"compare_{origin}_{destination}.json",
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
