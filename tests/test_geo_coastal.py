"""The coastal router: any coastal point joins the sea-lane network through water, short legs follow
the coast, inland points are refused, river ports say so, and the figures the curated approaches
used to give (geo/_approaches.py, removed) still hold.

Land comes from the repository's Natural Earth layers through loaders.basemap: 1:10m around the Gulf of
Tonkin (`10m_region`) and in the coastal windows, 1:50m elsewhere.
"""

from __future__ import annotations

import itertools

import pytest
import searoute
import shapely

import geo
from loaders.basemap import land_union, routing_coastline

PORTS = {
    # data/places.csv positions (the points the curated approaches were drawn from).
    "tan_vu": (106.77421, 20.83601),
    "lach_huyen": (106.905, 20.79804),
    "qinzhou": (108.647, 21.68317),
    "fangchenggang": (108.38238, 21.67451),
    "beihai": (109.11045, 21.49002),
    "kolkata": (88.31472, 22.54611),
    "antwerp": (4.33667, 51.27),
    "los_angeles": (-118.2625, 33.73),
    "new_york_nj": (-74.16561, 40.67784),
}
QINZHOU_WPI = (108.583, 21.733)
"""The position of the issue's reproduction (Qinzhou as a new user would give it)."""
PORT_BUFFER_KM = 3.0
"""Ports sit in harbours drawn as land even at 1:10m (Beihai's terminal is inside the coastline)."""
LAND_TOLERANCE_KM = 0.25
"""Stated tolerance: a leg may cut at most this much 1:10m land outside its port zones, where a raster
cell that is only partly water meets a bank (the 1:10m vertices themselves sit on a ~0.37 km grid)."""

CURATED_FIGURES = [
    # (origin, destination, closed, nm the curated approaches gave, relative tolerance)
    ("tan_vu", "kolkata", (), 2965, 0.03),
    ("kolkata", "qinzhou", (), 2987, 0.03),
    ("lach_huyen", "antwerp", (), 9687, 0.03),
    ("lach_huyen", "antwerp", ("red_sea",), 13031, 0.03),
    ("lach_huyen", "new_york_nj", (), 11507, 0.03),
    ("new_york_nj", "lach_huyen", (), 11507, 0.03),
    ("lach_huyen", "los_angeles", (), 6984, 0.03),
    ("los_angeles", "lach_huyen", (), 6984, 0.03),
]
GULF_PORTS = ["tan_vu", "lach_huyen", "qinzhou", "fangchenggang", "beihai"]


@pytest.fixture(scope="module")
def land_10m():
    return land_union("10m_region")


def test_the_issue_is_fixed_for_a_point_the_curated_tables_did_not_know():
    """Issue 14: Qinzhou at its World Port Index position gave 310 nm for a ~117 nm crossing."""
    tan_vu = (106.77, 20.85)
    raw = searoute.searoute(
        list(QINZHOU_WPI), list(tan_vu), units="naut", restrictions=["bering", "northwest"]
    )
    assert raw["properties"]["length"] / geo.great_circle_nm(QINZHOU_WPI, tan_vu) > 2.0
    route = geo.sea_route(QINZHOU_WPI, tan_vu)
    assert route.detour_ratio < 1.2
    assert route.distance_nm < 145 * 1.03
    assert route.via_network is False


def test_qinzhou_to_tan_vu_keeps_off_the_island_maze():
    """The curated approaches gave 145 nm, going south of the whole Cát Bà–Cô Tô arc. The router
    keeps out of Bái Tử Long Bay (inshore of the arc, ~121 nm) but takes the wide gap in the arc."""
    route = geo.sea_route(PORTS["qinzhou"], PORTS["tan_vu"])
    assert 125 <= route.distance_nm <= 145 * 1.03
    # Not inshore of the islands: the route passes south of 20.95° N at 107.3° E.
    crossing = shapely.LineString([(107.3, 19.0), (107.3, 22.0)]).intersection(route.geometry)
    assert crossing.y < 20.95


@pytest.mark.parametrize(("origin", "destination", "closed", "expected_nm", "rel"), CURATED_FIGURES)
def test_the_curated_figures_hold(origin, destination, closed, expected_nm, rel):
    route = geo.sea_route(PORTS[origin], PORTS[destination], closed=closed)
    assert route.method == "refined"
    assert route.distance_nm == pytest.approx(expected_nm, rel=rel)


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(GULF_PORTS, 2)))
def test_gulf_of_tonkin_legs_stay_at_sea_and_are_plausible(a, b, land_10m):
    route = geo.sea_route(PORTS[a], PORTS[b])
    assert route.method == "refined"
    # Qinzhou and Fangchenggang lie in neighbouring bays either side of a peninsula: 1.66.
    assert route.detour_ratio <= 1.7
    crossing = geo.land_crossing_km(route.geometry, land_10m, endpoint_buffer_km=PORT_BUFFER_KM)
    assert crossing <= LAND_TOLERANCE_KM


@pytest.mark.parametrize("port", GULF_PORTS)
@pytest.mark.parametrize(
    "far_port",
    # Yangshan at searoute's listed position (CNYAN).
    [(103.80, 1.26), (122.069069, 30.625412), PORTS["kolkata"]],
    ids=["singapore", "yangshan", "kolkata"],
)
def test_gulf_ports_join_the_network_at_sea(port, far_port, land_10m):
    route = geo.sea_route(PORTS[port], far_port)
    assert route.via_network
    near_port = shapely.clip_by_rect(route.geometry, 105.5, 19.5, 110.0, 22.5)
    crossing = geo.land_crossing_km(near_port, land_10m, endpoint_buffer_km=(PORT_BUFFER_KM, 0.0))
    assert crossing <= LAND_TOLERANCE_KM


def test_every_leg_reports_its_snap_distances():
    route = geo.sea_route(QINZHOU_WPI, PORTS["kolkata"])
    # Plain searoute would join its network at the nearest node, ~12 km off Qinzhou.
    assert 0 < route.origin_network_nm < 30
    assert route.origin_gap_nm < 1.0
    assert route.coastal_nm > 0
    assert route.coastline == ("Natural Earth 1:10m",)


def test_kolkata_is_a_river_port_and_says_so():
    """Kolkata's docks are ~130 km up the Hooghly; the 1:10m coastline's estuary ends ~43 km short."""
    route = geo.sea_route(PORTS["tan_vu"], PORTS["kolkata"])
    assert 15 < route.river_nm < 30
    assert route.river_nm == pytest.approx(route.destination_gap_nm)
    assert geo.sea_route(PORTS["kolkata"], PORTS["tan_vu"]).river_nm == pytest.approx(route.river_nm)


def test_antwerp_is_reached_up_the_scheldt_on_water():
    """The 1:10m coastline draws the Western Scheldt as water to within ~2 km of the docks."""
    route = geo.sea_route(PORTS["lach_huyen"], PORTS["antwerp"])
    assert route.river_nm == 0.0
    assert route.destination_gap_nm < 2.0


@pytest.mark.parametrize(
    ("point", "where"),
    [
        ((106.30, 21.35), "Bắc Giang, ~70 km from the Gulf of Tonkin"),
        ((104.05, 12.85), "Tonlé Sap lake, which Natural Earth land does not cut out"),
        ((106.76, 21.85), "Lạng Sơn city, ~90 km from the sea and no port"),
    ],
)
def test_inland_points_and_lakes_are_refused_with_the_distance(point, where):
    with pytest.raises(geo.InlandPointError, match=r"km from the sea") as caught:
        geo.sea_route(point, PORTS["tan_vu"])
    assert "port on the coast or on a river" in str(caught.value) or "more than" in str(caught.value)


def test_shanghai_city_centre_is_not_a_port_on_the_sea():
    """The Bund is 16 km up the Huangpu on the 1:50m coastline and 19 km from CNSHA's listed point."""
    with pytest.raises(geo.InlandPointError, match=r"16 km from the sea \(Natural Earth 1:50m"):
        geo.sea_route((121.50, 31.23), PORTS["tan_vu"])


def test_an_inland_error_is_a_value_error():
    assert issubclass(geo.InlandPointError, ValueError)


def test_a_point_at_sea_has_no_gap():
    snap = geo.snap_to_water((107.5, 20.5), routing_coastline())
    assert snap.coast_km == 0.0 and snap.water == (107.5, 20.5)


@pytest.mark.parametrize("patch", geo.NETWORK_PATCHES, ids=lambda p: p.name)
def test_network_patches_replace_a_real_edge_that_crosses_land(patch):
    land_50m = land_union("50m")
    graph = searoute.setup_M()
    a, b = patch.ends
    assert graph.has_edge(a, b)
    assert shapely.LineString(patch.ends).intersects(land_50m)
    assert not shapely.LineString([a, *patch.via, b]).intersects(land_50m)


def test_patched_route_avoids_isla_guadalupe():
    route = geo.sea_route((-74.15, 40.68), (106.90, 20.79), closed=("suez",))
    pacific = shapely.clip_by_rect(route.geometry, -125.0, 25.0, -115.0, 35.0)
    assert not pacific.is_empty
    assert not pacific.intersects(land_union("50m"))


# atlas/layers.py draws sea legs simplified by these tolerances (degrees): world and region zooms.
DISPLAY_TOLERANCES_DEG = (0.05, 0.005)


@pytest.mark.parametrize("tolerance_deg", DISPLAY_TOLERANCES_DEG)
def test_drawn_gulf_legs_enter_land_no_deeper_than_the_display_tolerance(tolerance_deg, land_10m):
    """Douglas-Peucker may cut a headland by up to its tolerance, which at the zoom it is used for is
    about a pixel (0.05° at world zoom, 0.005° at regional zoom); the drawn line must never go deeper
    into land than that."""
    land = shapely.clip_by_rect(land_10m, 105.5, 19.5, 110.5, 22.5).buffer(-tolerance_deg)
    for a, b in itertools.permutations(GULF_PORTS, 2):
        drawn = geo.simplify_for_display(geo.sea_route(PORTS[a], PORTS[b]).geometry, tolerance_deg)
        assert geo.land_crossing_km(drawn, land, endpoint_buffer_km=PORT_BUFFER_KM) == 0.0, (a, b)
