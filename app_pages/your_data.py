"""Your data: upload places, services with their stops, and cargo; see them over the curated corridors.

Uploaded text is only ever shown as text: dataframes, plain-text tooltips, st.text. Never as Markdown.
"""

import hashlib
import secrets

import pandas as pd
import streamlit as st

from atlas import exports, layers, overlay, style
from atlas.content import MAP_SIZE_PX, LegendItem
from atlas.deck import basemap_detail, basemap_layers, build_deck, label_layer, path_layer, place_layer
from atlas.framing import bounds_of, coordinates, fit_view
from atlas.labels import declutter
from atlas.model import sea_services
from loaders.uploads import (
    FILE_TYPES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    UPLOAD_TABLES,
    FileUpload,
    check_uploads,
    template_files,
)
from ui import data
from ui.sidebar import online_tiles
from ui.state import language, write_query_params
from ui.tables import data_table
from ui.widgets import legend, map_chart, view_picker, view_query_value

MIME = {"csv": "text/csv", "geojson": "application/geo+json"}
# Streamlit's uploader refuses bigger files in the browser already; check_uploads checks again.
MAX_UPLOAD_MB = max(1, MAX_FILE_BYTES // 1_048_576)

tables = data.tables()
lang = language()
t = data.translator(lang)

st.title(t("yours.title"))
st.caption(t("yours.intro"))

with st.expander(t("yours.templates")):
    st.caption(t("yours.templates_help"))
    templates = template_files()
    for column, (name, content) in zip(st.columns(len(templates)), templates.items(), strict=True):
        column.download_button(
            name, content, file_name=name, mime=MIME[name.rsplit(".", 1)[1]], key=f"template_{name}"
        )


def forget_uploads() -> None:
    """New uploader keys empty every uploader (their values cannot be set through session state)."""
    st.session_state["yours_generation"] = secrets.token_hex(4)
    for key in ("yours_digest", "yours_result", "yours_routes"):
        st.session_state.pop(key, None)


# Uploader keys are new in every session: after a server restart the browser reconnects to a fresh
# session that holds no file, and an old key would let the browser keep showing the old file.
generation = st.session_state.setdefault("yours_generation", secrets.token_hex(4))
uploads = []
for column, table in zip(st.columns(len(UPLOAD_TABLES)), UPLOAD_TABLES, strict=True):
    file = column.file_uploader(
        t(f"yours.upload.{table}"),
        type=list(FILE_TYPES),
        key=f"upload_{table}_{generation}",
        max_upload_size=MAX_UPLOAD_MB,
    )
    if file is not None:
        uploads.append(FileUpload(table, file.name, file.getvalue()))
st.caption(t("yours.limits", mb=MAX_UPLOAD_MB, rows=MAX_ROWS) + " " + t("yours.session_note"))

if not uploads:
    st.info(t("yours.none"))
    write_query_params({})
    st.stop()

digest = hashlib.sha256(
    b"".join(f"{u.table}\0{u.name}\0".encode() + hashlib.sha256(u.data).digest() for u in uploads)
).hexdigest()
if st.session_state.get("yours_digest") != digest:
    with st.spinner(t("yours.checking")):
        result = check_uploads(uploads, tables)
        routes = None
        if result.ok:
            routes = overlay.route_user_services(overlay.merge_tables(tables, result.data), result.data)
    st.session_state.update(yours_digest=digest, yours_result=result, yours_routes=routes)
result = st.session_state["yours_result"]
st.button(t("yours.clear"), on_click=forget_uploads)

if not result.ok:
    st.error(t("yours.rejected", n=f"{result.problem_count:,}"))
    data_table(
        pd.DataFrame(
            {
                t("yours.problem.file"): [p.file for p in result.problems],
                t("yours.problem.row"): [p.row for p in result.problems],
                t("yours.problem.field"): [p.field or "" for p in result.problems],
                t("yours.problem.what"): [p.what for p in result.problems],
                t("yours.problem.action"): [p.action for p in result.problems],
            }
        )
    )
    if result.omitted:
        st.caption(t("yours.more_problems", n=f"{result.omitted:,}"))
    st.caption(t("yours.geojson_rows"))
    write_query_params({})
    st.stop()

user = result.data
counts = user.row_counts
st.success(
    t(
        "yours.accepted",
        places=counts["places"],
        services=counts["services"],
        stops=counts["service_stops"],
        cargo=counts["cargo"],
    )
)
merged = overlay.merge_tables(tables, user)
routes, skipped = st.session_state["yours_routes"]
for item in skipped:
    st.warning(t("yours.skipped", service=item.service_id, reason=item.reason))

view_name, chosen_view = view_picker("yours", t)
curated_routes = []
for service_id in sea_services(tables):
    curated_routes += layers.service_records(tables, data.service_plan(service_id, (), 14.0), lang, t)
curated_routes += layers.corridor_records(tables, data.corridor_lines(), lang, t)
curated_dots = layers.place_records(tables, lang, t, kinds=("port", "terminal", "border_gate", "airport"))
user_dots = overlay.user_place_records(merged, user, lang, t)
user_routes = overlay.user_route_records(merged, routes, lang, t)
# Without a chosen view, the map fits the user's own data (the curated context may run off it).
view = chosen_view or fit_view(bounds_of(coordinates([*user_dots, *user_routes])), *MAP_SIZE_PX)
deck_layers = [
    *basemap_layers(basemap_detail(view)),
    path_layer("sea-routes", overlay.faded(curated_routes)),
    path_layer("user-routes", user_routes),
    place_layer([*overlay.faded(curated_dots), *user_dots]),
    label_layer(declutter(layers.label_records(user_dots, merged, lang), view, frame_px=MAP_SIZE_PX)),
]

map_column, detail_column = st.columns([3, 1])
with map_column:
    selected = map_chart(build_deck(deck_layers, view, online_tiles=online_tiles()), "yours")
    legend(
        [
            LegendItem("yours.legend.yours", tuple(style.BLACK), "ring"),
            LegendItem("yours.legend.curated", tuple(style.GREY), "line"),
        ],
        t,
    )
with detail_column:
    if selected:
        st.caption(t("yours.selected"))
        # st.text, not Markdown: the tooltip holds uploaded names.
        st.text(selected.get("tooltip", ""))
    else:
        st.caption(t("map.click_hint"))

st.subheader(t("yours.tables"))
frames = overlay.user_frames(user)
shown = [name for name in UPLOAD_TABLES if not frames[name].empty]
for name, tab in zip(shown, st.tabs(shown), strict=True):
    with tab:
        data_table(frames[name])
        st.download_button(
            t("yours.download", name=f"{name}.csv"),
            exports.csv_bytes(frames[name]),
            file_name=f"your_{name}.csv",
            mime="text/csv",
            key=f"your_csv_{name}",
        )

write_query_params({"view": view_query_value(view_name, chosen_view)})
