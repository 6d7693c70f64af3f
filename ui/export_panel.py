"""Downloads of the map on screen: a slide (PNG), a handout (PDF), an offline map (HTML), and the
places and routes it shows (CSV, GeoJSON, GeoPackage), each with its sources and data date.

Files are made only when a button is clicked (deferred downloads, in a worker thread) and cached per
map spec, so a page that nobody exports from pays nothing for the panel.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from atlas import exports, html_export, slides
from atlas.i18n import Translator
from atlas.layers import source_label
from loaders import Tables, split_ids

from .data import tables as load_tables


def export_panel(spec: slides.MapSpec, t: Translator) -> None:
    """An expander of download buttons for the map `spec` describes (see `atlas.slides.MapSpec`)."""
    tables = load_tables()
    stem = f"corridor-atlas-{spec.page.replace('_', '-')}-{spec.language}"
    buttons: list[tuple[str, Callable[[slides.MapSpec, Tables], bytes], str, str]] = [
        ("export.png", _png, "png", "image/png"),
        ("export.pdf", _pdf, "pdf", "application/pdf"),
        ("export.html", _html, "html", "text/html"),
        ("export.places_csv", _places_csv, "csv", "text/csv"),
        ("export.routes_geojson", _routes_geojson, "geojson", "application/geo+json"),
        ("export.gpkg", _geopackage, "gpkg", "application/geopackage+sqlite3"),
    ]
    with st.expander(t("export.heading")):
        columns = st.columns(3)
        for index, (key, make, extension, mime) in enumerate(buttons):
            columns[index % 3].download_button(
                t(key),
                data=functools.partial(make, spec, tables),
                file_name=f"{stem}.{extension}",
                mime=mime,
                on_click="ignore",
                key=f"export_{spec.page}_{extension}",
            )
        st.caption(t("export.note", date=slides.data_date(tables)))


# `_tables` is not hashed (leading underscore): the embedded data is the same for the whole process.
@st.cache_data(show_spinner=False, max_entries=32)
def _png(spec: slides.MapSpec, _tables: Tables) -> bytes:
    return slides.map_png(spec, _tables)


@st.cache_data(show_spinner=False, max_entries=32)
def _pdf(spec: slides.MapSpec, _tables: Tables) -> bytes:
    return slides.map_pdf(spec, _tables)


@st.cache_data(show_spinner=False, max_entries=16)
def _html(spec: slides.MapSpec, _tables: Tables) -> bytes:
    return html_export.map_html(spec, _tables).encode("utf-8")


def _selection(spec: slides.MapSpec, tables: Tables) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None, str]:
    """The places and routes the map shows, and their sources note."""
    content = slides.map_content(spec, tables, Translator(tables.translations, spec.language))
    places = exports.places_frame(tables)
    places = places.loc[places["id"].isin([p["id"] for p in (*content.places, *content.zones)])]
    routes = (
        exports.routes_frame(tables, content.plans, content.lines) if content.plans or content.lines else None
    )
    return places, routes, slides.map_sources_note(tables, content)


@st.cache_data(show_spinner=False, max_entries=32)
def _places_csv(spec: slides.MapSpec, _tables: Tables) -> bytes:
    places, _, _ = _selection(spec, _tables)
    # A CSV has no room for a note, so each row names its sources and the data date.
    frame = places.drop(columns="geometry").assign(
        sources=[source_label(_tables, split_ids(ids)) for ids in places["source_ids"]],
        data_as_of=slides.data_date(_tables),
    )
    return exports.csv_bytes(frame)


@st.cache_data(show_spinner=False, max_entries=32)
def _routes_geojson(spec: slides.MapSpec, _tables: Tables) -> bytes:
    _, routes, note = _selection(spec, _tables)
    empty = gpd.GeoDataFrame({"route_id": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return exports.geojson_bytes(routes if routes is not None else empty, note)


@st.cache_data(show_spinner=False, max_entries=16)
def _geopackage(spec: slides.MapSpec, _tables: Tables) -> bytes:
    places, routes, note = _selection(spec, _tables)
    frames = {"places": places} | ({"routes": routes} if routes is not None else {})
    return exports.geopackage_bytes(frames, note)
