"""Downloads of the map on screen: a slide (PNG), a handout (PDF), an offline map (HTML), and the
places and routes it shows (CSV, GeoJSON, GeoPackage), each with its sources and data date.

Every file renders the page's own map content at the page's own view: none decides what to draw.
Files are made only when a button is clicked (deferred downloads, in a worker thread) and cached per
spec and view; the slide renderer and matplotlib are imported only then, so a page that nobody
exports from pays nothing for the panel.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from atlas.content import MapContent
from atlas.i18n import Translator
from atlas.spec import MapSpec
from atlas.views import MapView
from loaders import Tables

from .data import tables as load_tables

FORMATS: tuple[tuple[str, str, str], ...] = (
    ("export.png", "png", "image/png"),
    ("export.pdf", "pdf", "application/pdf"),
    ("export.html", "html", "text/html"),
    ("export.places_csv", "csv", "text/csv"),
    ("export.routes_geojson", "geojson", "application/geo+json"),
    ("export.gpkg", "gpkg", "application/geopackage+sqlite3"),
)


def export_panel(
    content: MapContent, view: MapView, t: Translator, *, tables: Tables | None = None, upload_key: str = ""
) -> None:
    """An expander of download buttons for the map on screen; `tables` and `upload_key` (the uploads'
    digest) when the map draws this session's uploads."""
    tables = tables or load_tables()
    spec = content.spec
    stem = f"corridor-atlas-{spec.kind.replace('_', '-')}-{spec.language}"
    # Drawn only once opened (on_change="rerun"): six buttons fewer for every first paint and every
    # rerun of a page nobody exports from.
    with st.expander(t("export.heading"), key=f"export_panel_{spec.kind}", on_change="rerun") as panel:
        if not panel.open:
            return
        columns = st.columns(3)
        for index, (key, extension, mime) in enumerate(FORMATS):
            columns[index % 3].download_button(
                t(key),
                data=functools.partial(_file, extension, spec, view, upload_key, content, tables),
                file_name=f"{stem}.{extension}",
                mime=mime,
                on_click="ignore",
                key=f"export_{spec.kind}_{extension}",
            )
        st.caption(t("export.note", date=content.data_date))


# Only `spec`, `view` and the upload's digest are hashed: the content and the tables follow from them.
@st.cache_data(show_spinner=False, max_entries=64)
def _file(
    extension: str, spec: MapSpec, view: MapView, upload_key: str, _content: MapContent, _tables: Tables
) -> bytes:
    from atlas import export

    make: Callable[[MapContent, MapView, Tables], bytes] = export.WRITERS[extension]
    return make(_content, view, _tables)
