"""The curated tables that fix searoute's coarse coastal network stay at sea and keep legs plausible.

Land comes from the repository's Natural Earth layers through loaders.basemap: 1:10m around the Gulf of
Tonkin (`10m_region`), 1:50m elsewhere.
"""

from __future__ import annotations

import itertools

import pytest
import searoute
import shapely

import geo
from loaders.basemap import land_union

MAX_DETOUR_RATIO = 1.6
PORT_BUFFER_KM = 3.0
"""Ports sit in harbours drawn as land even at 1:10m (Beihai's terminal is inside the coastline)."""
CLEARANCE_DEG = 0.015
"""~1.5 km at these latitudes: curated legs must keep at least this far from 10m land."""

PAIRS = list(itertools.permutations(geo.APPROACHES, 2))
CROSS_CLUSTER = [(a, b) for a, b in PAIRS if a.cluster != b.cluster]


@pytest.fixture(scope="module")
def land_10m():
    return land_union("10m_region")


@pytest.fixture(scope="module")
def land_50m():
    return land_union("50m")


def _pair_id(pair: tuple[geo.Approach, geo.Approach]) -> str:
    return f"{pair[0].name}-{pair[1].name}"


def test_raw_searoute_detours_in_the_gulf_of_tonkin():
    """The bug the tables fix: searoute's network runs Qinzhou → Tân Vũ far south and back."""
    qinzhou, tan_vu = (108.647, 21.68317), (106.77421, 20.83601)
    raw = searoute.searoute(list(qinzhou), list(tan_vu), units="naut", restrictions=["bering", "northwest"])
    assert raw["properties"]["length"] / geo.great_circle_nm(qinzhou, tan_vu) > 2.0
    refined = geo.sea_route(qinzhou, tan_vu)
    assert refined.method == "refined"
    assert refined.detour_ratio <= MAX_DETOUR_RATIO


@pytest.mark.parametrize("approach", geo.APPROACHES, ids=lambda a: a.name)
def test_approach_waypoints_are_at_sea(approach, land_10m):
    chain = shapely.LineString([approach.port, *approach.waypoints])
    assert not geo.crosses_land(chain, land_10m, endpoint_buffer_km=(PORT_BUFFER_KM, 0.0))
    assert (
        not shapely.LineString(approach.waypoints + approach.waypoints[-1:])
        .buffer(CLEARANCE_DEG)
        .intersects(land_10m)
    )


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_regional_legs_stay_at_sea(pair, land_10m):
    start, end = pair
    route = geo.sea_route(start.port, end.port)
    assert route.method == "refined"
    assert not geo.crosses_land(route.geometry, land_10m, endpoint_buffer_km=PORT_BUFFER_KM)
    sea_part = shapely.LineString(geo.regional_path(start, end))
    assert not sea_part.buffer(CLEARANCE_DEG).intersects(land_10m)


@pytest.mark.parametrize("pair", CROSS_CLUSTER, ids=_pair_id)
def test_legs_between_hai_phong_and_beibu_are_plausible(pair):
    start, end = pair
    route = geo.sea_route(start.port, end.port)
    assert route.detour_ratio <= MAX_DETOUR_RATIO
    # The only straight, unchecked connectors are port → first curated waypoint.
    assert route.origin_gap_nm == pytest.approx(geo.great_circle_nm(start.port, start.waypoints[0]))
    assert route.destination_gap_nm == pytest.approx(geo.great_circle_nm(end.waypoints[0], end.port))


@pytest.mark.parametrize("approach", geo.APPROACHES, ids=lambda a: a.name)
@pytest.mark.parametrize(
    "far_port",
    [(103.80, 1.26), (121.50, 31.23), (88.31472, 22.54611)],
    ids=["singapore", "shanghai", "kolkata"],
)
def test_approaches_join_the_network_at_sea(approach, far_port, land_10m):
    """The straight connector from an approach's sea end to searoute's path must not cut a headland."""
    route = geo.sea_route(approach.port, far_port)
    assert route.method == "refined"
    near_port = shapely.clip_by_rect(route.geometry, 105.5, 19.5, 110.0, 22.5)
    assert not geo.crosses_land(near_port, land_10m, endpoint_buffer_km=(PORT_BUFFER_KM, 0.0))


def test_find_approach_picks_the_nearest_port_within_reach():
    for approach in geo.APPROACHES:
        assert geo.find_approach(approach.port) is approach
    # Tân Vũ and Lạch Huyện are 14 km apart: points near either must not get the other's approach.
    assert geo.find_approach((106.78, 20.84)).name == "tan_vu"
    assert geo.find_approach((106.90, 20.80)).name == "lach_huyen"
    assert geo.find_approach((106.50, 20.50)) is None


@pytest.mark.parametrize("patch", geo.NETWORK_PATCHES, ids=lambda p: p.name)
def test_network_patches_replace_a_real_edge_that_crosses_land(patch, land_50m):
    graph = searoute.setup_M()
    a, b = patch.ends
    assert graph.has_edge(a, b)
    assert shapely.LineString(patch.ends).intersects(land_50m)
    assert not shapely.LineString([a, *patch.via, b]).intersects(land_50m)


def test_patched_route_avoids_isla_guadalupe(land_50m):
    route = geo.sea_route((-74.15, 40.68), (106.90, 20.79), closed=("suez",))
    pacific = shapely.clip_by_rect(route.geometry, -125.0, 25.0, -115.0, 35.0)
    assert not pacific.is_empty
    assert not pacific.intersects(land_50m)
