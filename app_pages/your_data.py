"""Your data: upload places, services with their stops, and cargo; see them over the curated corridors.

Uploaded text is only ever shown as text: dataframes, plain-text tooltips, st.text. Never as Markdown.
"""

import hashlib
import secrets

import pandas as pd
import streamlit as st

from atlas import exports, overlay
from atlas.spec import MapSpec
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
from ui.widgets import map_panel, view_picker, view_query_value

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
session = data.session_data()
for item in st.session_state["yours_routes"][1]:
    st.warning(t("yours.skipped", service=item.service_id, reason=item.reason))

view_name, chosen_view = view_picker("yours", t)
spec = MapSpec(kind="your_data", language=lang, view_name=view_name, view=chosen_view)
# The same map model as every page: the uploads over the faded curated corridors, fitted to the uploads.
_, selected = map_panel(spec, "yours", t, online=online_tiles(), session=session)
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
