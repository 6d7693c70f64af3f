"""Offline Natural Earth basemap: the GeoJSON layers that scripts/build_basemap.py writes to
static/basemap/, for drawing (as URLs the browser fetches) and for land and country checks."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

import geo

from ._problems import Problem

BASEMAP_DIR = Path(__file__).resolve().parent.parent / "static" / "basemap"
# Streamlit serves <repo>/static/ at app/static/ when server.enableStaticServing is on; a relative URL
# keeps working behind a proxy path prefix.
STATIC_URL_PREFIX = "app/static/basemap"
BUILD_COMMAND = "python scripts/build_basemap.py"

LAYER_NAMES: tuple[str, ...] = (
    "land_110m",
    "land_50m",
    "land_10m_region",
    "land_10m_coasts",
    "borders_110m",
    "borders_50m",
    "borders_10m_region",
    "countries_50m",
    "countries_10m_region",
)
# The regional 1:10m layers cover only this box (lon 95..125, lat 0..30).
REGION_BOUNDS: tuple[float, float, float, float] = (95.0, 0.0, 125.0, 30.0)
# Below this zoom a screen pixel spans more than 0.12° (360° / (512 px · 2^2.5)), coarser than the
# 1:110m layers' detail: the whole-world views draw land_110m + borders_110m (169 KB, 5 k land
# vertices) instead of 1:50m (578 KB, 29 k vertices), which the browser would fetch, parse and
# tessellate for nothing (bench/trace.py).
WORLD_DETAIL_MAX_ZOOM = 2.5

LandResolution = Literal["110m", "50m", "10m_region"]
BorderResolution = Literal["110m", "50m", "10m_region"]
CountryResolution = Literal["50m", "10m_region"]


class BasemapMissingError(FileNotFoundError):
    """A basemap layer file is absent: the generated files were not built or not checked out."""


def basemap_path(layer_name: str) -> Path:
    """Path of a layer file such as `land_50m`; raises BasemapMissingError if it is absent."""
    if layer_name not in LAYER_NAMES:
        raise ValueError(f"unknown basemap layer {layer_name!r}; expected one of {', '.join(LAYER_NAMES)}")
    path = BASEMAP_DIR / f"{layer_name}.geojson"
    if not path.is_file():
        raise BasemapMissingError(f"basemap file {path} is missing: run {BUILD_COMMAND}")
    return path


def basemap_problems() -> list[Problem]:
    """Every layer file missing or unreadable, as problems: the app needs all of them to draw."""
    problems = []
    for layer_name in LAYER_NAMES:
        label = f"static/basemap/{layer_name}.geojson"
        if not (BASEMAP_DIR / f"{layer_name}.geojson").is_file():
            problems.append(Problem(label, None, None, "basemap file is missing", f"run {BUILD_COMMAND}"))
            continue
        try:
            frame = _read_layer(layer_name)
        except Exception as error:  # GDAL, pyogrio and shapely each raise their own types
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    f"basemap file cannot be read ({type(error).__name__})",
                    f"run {BUILD_COMMAND}",
                )
            )
            continue
        if frame.empty or frame.geometry.isna().all():
            problems.append(
                Problem(label, None, None, "basemap file holds no shapes", f"run {BUILD_COMMAND}")
            )
    return problems


def basemap_url(layer_name: str) -> str:
    """Relative URL the browser fetches for a layer, e.g. `app/static/basemap/land_50m.geojson`."""
    # Resolving the path first turns a missing file into an error here, not a silently blank map.
    return f"{STATIC_URL_PREFIX}/{basemap_path(layer_name).name}"


@functools.cache
def _read_layer(layer_name: str) -> gpd.GeoDataFrame:
    """Read once per process; callers treat the frame as read-only (validation runs it many times)."""
    # GeoJSON is lon/lat WGS 84 by definition (RFC 7946), so the reader sets EPSG:4326.
    return gpd.read_file(basemap_path(layer_name))


def load_land(resolution: LandResolution) -> gpd.GeoDataFrame:
    """Land polygons (one MultiPolygon row) in EPSG:4326."""
    return _read_layer(f"land_{resolution}")


def load_borders(resolution: BorderResolution) -> gpd.GeoDataFrame:
    """Land borders between countries, one row per pair: `iso_a2_a`, `name_a`, `iso_a2_b`, `name_b`
    (sorted so that a < b; iso_a2 is empty for areas without a code, e.g. Kosovo)."""
    return _read_layer(f"borders_{resolution}")


def load_countries(resolution: CountryResolution) -> gpd.GeoDataFrame:
    """Country polygons with `iso_a2` (ISO 3166-1 alpha-2, empty where there is none) and `name`."""
    return _read_layer(f"countries_{resolution}")


@functools.lru_cache(maxsize=4)
def land_union(resolution: LandResolution) -> BaseGeometry:
    """All land of one resolution as a single prepared geometry, for repeated "does this cross land"
    tests; outside REGION_BOUNDS the `10m_region` land is empty."""
    union = load_land(resolution).union_all()
    shapely.prepare(union)
    return union


@functools.cache
def routing_coastline() -> geo.Coastline:
    """The coastline the sea-route engine routes around: Natural Earth 1:10m land in the regional box
    and the `land_10m_coasts` windows (each feature carries its window's bounds), 1:50m elsewhere."""
    windows = load_coast_windows()
    # The layers' polygons are disjoint already; a union would only cost seconds at start-up.
    fine = [*load_land("10m_region").geometry, *windows.geometry]
    bounds = [REGION_BOUNDS, *((r.west, r.south, r.east, r.north) for r in windows.itertuples())]
    return geo.coastline_from(fine, bounds, list(load_land("50m").geometry))


def load_coast_windows() -> gpd.GeoDataFrame:
    """1:10m land inside the extra coastal windows: one row per window (`window`, `west`, `south`,
    `east`, `north`)."""
    return _read_layer("land_10m_coasts")
