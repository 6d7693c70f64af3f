"""The committed offline basemap (static/basemap/) and its loader: sizes, validity, geography near
Hai Phong and the Lạng Sơn border, and the antimeridian. No network: the files are read from disk."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from loaders import basemap

HAI_PHONG = Point(106.68, 20.86)
GULF_OF_TONKIN = Point(107.5, 20.5)
LANG_SON_CITY = Point(106.76, 21.85)
PINGXIANG = Point(106.75, 22.10)
# Approximate position of the Hữu Nghị border gate (Đồng Đăng side), from the project brief.
HUU_NGHI_GATE = Point(106.7268, 21.9953)
UTM_48N = "EPSG:32648"

# Bytes. The whole-world views load land_110m and borders_110m, closer views land_50m and borders_50m;
# the rest is regional or server-side.
SIZE_BUDGETS = {
    "land_110m": 100_000,
    "borders_110m": 110_000,
    "land_50m": 480_000,
    "borders_50m": 180_000,
    "land_10m_region": 500_000,
    "land_10m_coasts": 300_000,
    "borders_10m_region": 120_000,
    "countries_50m": 1_200_000,
    "countries_10m_region": 700_000,
}
OVERVIEW_BUDGET = 600_000
WORLD_VIEW_BUDGET = 200_000
DECIMALS = {name: 3 if "10m" in name else 2 for name in basemap.LAYER_NAMES}


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    """Every layer read once through the loader."""
    return {
        "land_110m": basemap.load_land("110m"),
        "land_50m": basemap.load_land("50m"),
        "land_10m_region": basemap.load_land("10m_region"),
        "land_10m_coasts": basemap.load_coast_windows(),
        "borders_110m": basemap.load_borders("110m"),
        "borders_50m": basemap.load_borders("50m"),
        "borders_10m_region": basemap.load_borders("10m_region"),
        "countries_50m": basemap.load_countries("50m"),
        "countries_10m_region": basemap.load_countries("10m_region"),
    }


def test_budgets_cover_every_layer() -> None:
    assert set(SIZE_BUDGETS) == set(basemap.LAYER_NAMES)


@pytest.mark.parametrize("layer_name", basemap.LAYER_NAMES)
def test_layer_file_is_compact_and_within_budget(layer_name: str) -> None:
    text = basemap.basemap_path(layer_name).read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("\n"), "one line: no indentation"
    assert '": ' not in text and '", "' not in text, "compact separators"
    assert len(text.encode("utf-8")) <= SIZE_BUDGETS[layer_name]


@pytest.mark.parametrize("layer_name", basemap.LAYER_NAMES)
def test_coordinates_are_rounded(layer_name: str) -> None:
    text = basemap.basemap_path(layer_name).read_text(encoding="utf-8")
    too_precise = re.search(rf"\d\.\d{{{DECIMALS[layer_name] + 1},}}", text)
    assert too_precise is None, f"{too_precise.group()} has more than {DECIMALS[layer_name]} decimals"


def test_overview_layers_fit_the_page_budget() -> None:
    sizes = [basemap.basemap_path(name).stat().st_size for name in ("land_50m", "borders_50m")]
    assert sum(sizes) <= OVERVIEW_BUDGET


def test_world_view_layers_are_a_third_of_the_overview_layers() -> None:
    world = sum(basemap.basemap_path(name).stat().st_size for name in ("land_110m", "borders_110m"))
    overview = sum(basemap.basemap_path(name).stat().st_size for name in ("land_50m", "borders_50m"))
    assert world <= WORLD_VIEW_BUDGET and world * 3 <= overview


@pytest.mark.parametrize("layer_name", basemap.LAYER_NAMES)
def test_every_geometry_is_valid_lon_lat(layers: dict[str, gpd.GeoDataFrame], layer_name: str) -> None:
    frame = layers[layer_name]
    assert frame.crs == "EPSG:4326"
    assert len(frame) > 0
    assert frame.is_valid.all()
    assert not frame.is_empty.any()
    west, south, east, north = frame.total_bounds
    assert -180 <= west and east <= 180 and -90 <= south and north <= 90


@pytest.mark.parametrize("layer_name", ["land_10m_region", "borders_10m_region", "countries_10m_region"])
def test_regional_layers_stay_in_the_region_box(layers: dict[str, gpd.GeoDataFrame], layer_name: str) -> None:
    west, south, east, north = basemap.REGION_BOUNDS
    bounds = layers[layer_name].total_bounds
    assert west <= bounds[0] and south <= bounds[1] and bounds[2] <= east and bounds[3] <= north


@pytest.mark.parametrize("resolution", ["110m", "50m", "10m_region"])
def test_hai_phong_is_land_and_the_gulf_of_tonkin_is_sea(resolution: basemap.LandResolution) -> None:
    land = basemap.land_union(resolution)
    assert land.intersects(HAI_PHONG)
    assert not land.intersects(GULF_OF_TONKIN)


def test_land_union_is_cached() -> None:
    assert basemap.land_union("50m") is basemap.land_union("50m")


@pytest.mark.parametrize("resolution", ["50m", "10m_region"])
@pytest.mark.parametrize(
    ("point", "iso_a2"), [(LANG_SON_CITY, "VN"), (PINGXIANG, "CN")], ids=["Lạng Sơn", "Pingxiang"]
)
def test_border_towns_lie_in_their_country(
    layers: dict[str, gpd.GeoDataFrame], resolution: str, point: Point, iso_a2: str
) -> None:
    countries = layers[f"countries_{resolution}"]
    assert countries[countries.intersects(point)].iso_a2.tolist() == [iso_a2]


def test_codes_survive_reading(layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Namibia's code "NA" must not turn into a missing value; Kosovo has no ISO code at all."""
    codes = dict(zip(layers["countries_50m"].name, layers["countries_50m"].iso_a2, strict=True))
    assert codes["Namibia"] == "NA"
    assert codes["Kosovo"] == ""
    assert codes["Vietnam"] == "VN"


def test_vn_cn_border_passes_the_huu_nghi_gate(layers: dict[str, gpd.GeoDataFrame]) -> None:
    borders = layers["borders_10m_region"]
    vn_cn = borders[(borders.iso_a2_a == "CN") & (borders.iso_a2_b == "VN")]
    assert len(vn_cn) == 1
    gate = gpd.GeoSeries([HUU_NGHI_GATE], crs="EPSG:4326").to_crs(UTM_48N).iloc[0]
    assert vn_cn.to_crs(UTM_48N).distance(gate).min() <= 1_500


@pytest.mark.parametrize("layer_name", ["borders_110m", "borders_50m", "borders_10m_region"])
def test_borders_hold_no_coastline(layers: dict[str, gpd.GeoDataFrame], layer_name: str) -> None:
    """Hai Phong is on the coast and over 100 km from any land border; a coastline would pass by it."""
    # Only nearby lines: UTM zone 48N cannot project the far side of the world.
    borders = layers[layer_name].cx[100:114, 14:28].to_crs(UTM_48N)
    assert len(borders) > 0
    hai_phong = gpd.GeoSeries([HAI_PHONG], crs="EPSG:4326").to_crs(UTM_48N).iloc[0]
    assert borders.distance(hai_phong).min() > 50_000


def _edge_longitude_steps(frame: gpd.GeoDataFrame) -> np.ndarray:
    """|Δlon| of every polygon edge, except edges along a pole (antimeridian cuts close Antarctica there)."""
    rings = shapely.get_rings(frame.geometry.explode(index_parts=False).to_numpy())
    steps = []
    for ring in rings:
        coords = shapely.get_coordinates(ring)
        along_pole = (np.abs(coords[:-1, 1]) == 90) & (np.abs(coords[1:, 1]) == 90)
        steps.append(np.abs(np.diff(coords[:, 0]))[~along_pole])
    return np.concatenate(steps)


@pytest.mark.parametrize("layer_name", ["land_110m", "land_50m", "countries_50m"])
def test_no_polygon_is_smeared_across_the_antimeridian(
    layers: dict[str, gpd.GeoDataFrame], layer_name: str
) -> None:
    """A ring joined across ±180° has one edge jumping nearly 360°; cut rings stop at ±180 instead."""
    assert _edge_longitude_steps(layers[layer_name]).max() < 180


@pytest.mark.parametrize("resolution", ["110m", "50m"])
@pytest.mark.parametrize(
    ("point", "is_land"),
    [
        # Seas a polygon smeared across the map would cover: Russia's latitudes, Fiji's latitudes.
        (Point(-150.0, 45.0), False),
        (Point(-20.0, -16.5), False),
        # Land on both sides of the cut: Chukotka east of 180°, Viti Levu (Fiji) west of it.
        (Point(-175.0, 67.0), True),
        (Point(178.0, -17.8), True),
    ],
    ids=["North Pacific", "South Atlantic", "Chukotka", "Viti Levu"],
)
def test_land_either_side_of_the_antimeridian(resolution: str, point: Point, is_land: bool) -> None:
    assert basemap.land_union(resolution).intersects(point) is is_land


def test_fiji_and_russia_are_cut_at_the_antimeridian(layers: dict[str, gpd.GeoDataFrame]) -> None:
    countries = layers["countries_50m"].set_index("name").geometry
    fiji = shapely.get_parts(countries["Fiji"])
    assert max(part.bounds[2] - part.bounds[0] for part in fiji) < 5
    russia = shapely.get_parts(countries["Russia"])
    assert any(part.bounds[2] < 0 for part in russia), "Chukotka beyond 180° is its own polygon"


def test_basemap_url_is_relative_to_the_streamlit_static_route() -> None:
    assert basemap.basemap_url("land_50m") == "app/static/basemap/land_50m.geojson"


def test_unknown_layer_is_rejected() -> None:
    with pytest.raises(ValueError, match="land_50m"):
        basemap.basemap_path("land_1m")


def test_missing_file_names_the_build_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basemap, "BASEMAP_DIR", tmp_path)
    basemap._read_layer.cache_clear()  # layers are read once per process; forget the real ones
    with pytest.raises(
        basemap.BasemapMissingError, match=r"land_50m\.geojson.*python scripts/build_basemap\.py"
    ):
        basemap.load_land("50m")
    with pytest.raises(FileNotFoundError):
        basemap.basemap_url("borders_50m")
    basemap._read_layer.cache_clear()


def test_coast_windows_carry_their_bounds_and_stay_inside_them(layers: dict[str, gpd.GeoDataFrame]) -> None:
    windows = layers["land_10m_coasts"]
    assert {"bay_of_bengal", "north_sea"} <= set(windows.window)
    for row in windows.itertuples():
        west, south, east, north = row.geometry.bounds
        assert row.west <= west and row.south <= south and east <= row.east and north <= row.north


def test_routing_coastline_is_fine_in_the_windows_and_coarse_elsewhere() -> None:
    coastline = basemap.routing_coastline()
    assert coastline.is_fine_at((88.3, 22.5))  # Kolkata
    assert coastline.is_fine_at((4.3, 51.3))  # Antwerp
    assert coastline.is_fine_at((106.7, 20.8))  # Hai Phong
    assert not coastline.is_fine_at((151.2, -33.9))  # Sydney
