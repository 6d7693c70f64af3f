"""Border gates: the Lạng Sơn–Guangxi border zoomed in, each gate pair, the smart-gate pilot, corridors."""

import pandas as pd
import streamlit as st

from atlas.i18n import localized
from atlas.lookup import rows_by
from atlas.numbers import number, signed
from atlas.spec import MapSpec
from atlas.status_text import status_with_as_of
from ui import data
from ui.sidebar import active_layers, online_tiles, show_planned
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import figure_metric, map_panel, selection_details, sources_list, view_picker

tables = data.tables()
lang = language()
t = data.translator(lang)
places = rows_by(tables.places, "id")


def name(place_id: str) -> str:
    return localized(places[place_id], lang)


st.title(t("gates.title"))
pilot = tables.gate_pairs.loc[tables.gate_pairs["smart_gate_pilot"].fillna(False)]
for row in pilot.to_dict("records"):
    st.info(
        t(
            "gates.pilot",
            vn=name(row["vn_place_id"]),
            cn=name(row["cn_place_id"]),
            note=localized(row, lang, "smart_gate_note"),
        )
    )

view_name, view = view_picker("gates", t)
spec = MapSpec(
    kind="border_gates",
    language=lang,
    layers=active_layers(),
    show_planned=show_planned(),
    view_name=view_name,
    view=view,
)

content, selected = map_panel(spec, "gates", t, online=online_tiles())
with st.container(key="map-details"):
    figure_metric(tables, "lang_son_vehicle_growth", t)
    if selected and selected.get("id") in set(tables.gate_pairs["pair_id"]):
        st.text(selected.get("tooltip", ""))  # plain text: tooltips hold data values
    else:
        selection_details(tables, selected, t, hint=False)

pairs = tables.gate_pairs
if not show_planned():
    pairs = pairs.loc[pairs["status"] == "operating"]
st.subheader(t("gates.pairs"))
data_table(
    pd.DataFrame(
        {
            t("gates.vn_side"): [name(p) for p in pairs["vn_place_id"]],
            t("gates.cn_side"): [name(p) for p in pairs["cn_place_id"]],
            t("gates.level"): [t(f"level.{v}") for v in pairs["level"]],
            t("gates.status"): [t(f"status.{v}") for v in pairs["status"]],
            t("gates.as_of"): pairs["status_as_of"].astype("string").fillna("—"),
            t("gates.smart_gate"): [
                t("common.yes") if v else t("common.no") for v in pairs["smart_gate_pilot"]
            ],
            t("gates.freight_road"): [
                t("gates.road_value", markers=v) if isinstance(v, str) else "—"
                for v in pairs["smart_gate_road_markers"]
            ],
            t("gates.note"): [localized(r, lang, "status_note") for r in pairs.to_dict("records")],
        }
    ),
    "gate_pairs.csv",
)
st.caption(t("gates.road_note"))

st.subheader(t("gates.corridors"))
corridors = rows_by(tables.corridors, "corridor_id")
data_table(
    pd.DataFrame(
        [
            {
                t("gates.corridor"): localized(corridors[line.corridor_id], lang),
                t("gates.mode"): t(f"mode.{corridors[line.corridor_id]['mode']}"),
                t("gates.status"): status_with_as_of(
                    t,
                    corridors[line.corridor_id]["status"],
                    corridors[line.corridor_id]["status_as_of"],
                ),
                t("gates.computed_km"): number(line.route.length_km, lang),
                t("gates.published_km"): "—"
                if line.published_km is None
                else number(line.published_km, lang),
                t("gates.difference"): "—"
                if line.difference is None
                else signed(line.difference.difference_pct, lang) + "%",
            }
            for line in data.corridor_lines()
        ]
    ),
    "corridors.csv",
)
st.caption(t("gates.corridor_note"))

st.subheader(t("sources.title"))
sources_list(tables, content.source_ids, t)

write_query_params(spec.query_params())
