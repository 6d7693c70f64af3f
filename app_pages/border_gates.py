"""Border gates: the Lạng Sơn–Guangxi border zoomed in, each gate pair, the smart-gate pilot, corridors."""

import pandas as pd
import streamlit as st

from atlas import style
from atlas.deck import basemap_detail, basemap_layers, build_deck, label_layer, path_layer, place_layer
from atlas.i18n import localized
from atlas.labels import declutter
from atlas.slides import MapSpec
from loaders import split_ids
from ui import data
from ui.export_panel import export_panel
from ui.sidebar import LAYER_FILTERS, layer_on, online_tiles, show_planned
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import (
    figure_metric,
    legend,
    map_chart,
    selection_details,
    sources_list,
    view_picker,
    view_query_value,
)

tables = data.tables()
lang = language()
t = data.translator(lang)
places = tables.places.set_index("id")


def name(place_id: str) -> str:
    return localized(places.loc[place_id].to_dict() | {"id": place_id}, lang)


st.title(t("gates.title"))
pilot = tables.gate_pairs.loc[tables.gate_pairs["smart_gate_pilot"].fillna(False)]
for row in pilot.to_dict("records"):
    st.info(
        t(
            "gates.pilot",
            vn=name(row["vn_place_id"]),
            cn=name(row["cn_place_id"]),
            note=row["smart_gate_note_vi"] if lang == "vi" else row["smart_gate_note_en"],
        )
    )

view_name, view = view_picker("gates", "border", t)

pairs = tables.gate_pairs
if not show_planned():
    pairs = pairs.loc[pairs["status"] == "operating"]
deck_layers = basemap_layers(basemap_detail(view))
if layer_on("corridors"):
    deck_layers.append(path_layer("land-corridors", data.corridor_records(lang)))
deck_layers.append(path_layer("gate-pairs", data.gate_pair_records(lang, operating_only=not show_planned())))
all_sides = set(tables.gate_pairs["vn_place_id"]) | set(tables.gate_pairs["cn_place_id"])
hidden = all_sides - set(pairs["vn_place_id"]) - set(pairs["cn_place_id"])
kinds = ("border_gate", "rail_border_station", "city")
dots = [d for d in data.place_records(lang, kinds) if d["id"] not in hidden]
labels = [r for r in data.label_records(lang, kinds) if r["id"] not in hidden]
deck_layers += [place_layer(dots), label_layer(declutter(labels, view))]

map_column, detail_column = st.columns([3, 1])
with map_column:
    selected = map_chart(build_deck(deck_layers, view, online_tiles=online_tiles()), "gates", height=600)
    legend(
        [
            (t("legend.gate_pair"), style.VERMILLION, "line"),
            (t("legend.pilot"), style.VERMILLION, "line"),
            (t("legend.planned_or_suspended"), style.VERMILLION, "dashed"),
            (t("legend.road"), style.GREEN, "line"),
            (t("legend.rail"), style.BLACK, "line"),
            (t("legend.hsr"), style.SKY, "line"),
            (t("legend.proposed"), style.GREY, "dashed"),
        ]
    )
    export_panel(
        MapSpec(
            "border_gates",
            t("gates.title"),
            view,
            lang,
            layers=tuple(f for f in LAYER_FILTERS if layer_on(f)),
            show_planned=show_planned(),
        ),
        t,
    )
with detail_column:
    figure_metric(tables, "lang_son_vehicle_growth", t)
    selection_details(tables, selected, t, hint=False)

st.subheader(t("gates.pairs"))
data_table(
    pd.DataFrame(
        {
            t("gates.vn_side"): [name(p) for p in pairs["vn_place_id"]],
            t("gates.cn_side"): [name(p) for p in pairs["cn_place_id"]],
            t("gates.level"): [t(f"level.{v}") for v in pairs["level"]],
            t("gates.status"): [t(f"status.{v}") for v in pairs["status"]],
            t("gates.as_of"): pairs["status_date"],
            t("gates.smart_gate"): pairs["smart_gate_pilot"],
            t("gates.note"): pairs["status_note_vi"] if lang == "vi" else pairs["status_note_en"],
        }
    ),
    "gate_pairs.csv",
)

st.subheader(t("gates.corridors"))
corridors = tables.corridors.set_index("corridor_id")
data_table(
    pd.DataFrame(
        [
            {
                t("gates.corridor"): localized(corridors.loc[line.corridor_id].to_dict(), lang),
                t("gates.mode"): t(f"mode.{corridors.loc[line.corridor_id, 'mode']}"),
                t("gates.status"): t(f"status.{corridors.loc[line.corridor_id, 'status']}"),
                t("gates.computed_km"): round(line.route.length_km),
                t("gates.published_km"): line.published_km,
                t("gates.difference"): None
                if line.difference is None
                else f"{line.difference.difference_pct:+.0f}%",
            }
            for line in data.corridor_lines()
        ]
    ),
    "corridors.csv",
)
st.caption(t("gates.corridor_note"))

st.subheader(t("sources.title"))
ids = [sid for v in pd.concat([pairs["source_ids"], tables.corridors["source_ids"]]) for sid in split_ids(v)]
sources_list(tables, ids, t)

write_query_params({"view": view_query_value(view_name, view)})
