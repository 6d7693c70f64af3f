"""Sea legs through searoute: scenarios, passages, endpoints, fallback and caching."""

from __future__ import annotations

import time

import pytest
import searoute
import shapely

import geo
from geo import _sea

PORTS = {
    # Copied from data/places.csv (lon, lat) so these tests read no data files.
    "tan_vu": (106.77421, 20.83601),
    "lach_huyen": (106.905, 20.79804),
    "qinzhou": (108.647, 21.68317),
    "kolkata": (88.31472, 22.54611),
    "antwerp": (4.33667, 51.27),
    "los_angeles": (-118.2625, 33.73),
    "new_york_nj": (-74.16561, 40.67784),
    "singapore": (103.80, 1.26),  # not a curated place: a point in Singapore Strait
}
ARCTIC_CIRCLE_LAT = 66.5


def _max_lat(route: geo.SeaRoute) -> float:
    return max(lat for part in shapely.get_parts(route.geometry) for _, lat in part.coords)


def _lons(route: geo.SeaRoute) -> list[float]:
    return [lon for part in shapely.get_parts(route.geometry) for lon, _ in part.coords]


def test_hai_phong_to_antwerp_goes_through_suez():
    route = geo.sea_route(PORTS["lach_huyen"], PORTS["antwerp"], speed_kn=14)
    assert route.distance_nm == pytest.approx(9700, rel=0.03)
    assert route.passages == ("malacca", "babalmandab", "suez", "gibraltar")
    assert route.distance_km == pytest.approx(route.distance_nm * 1.852)
    assert route.hours == pytest.approx(route.distance_nm / 14)
    assert route.days == pytest.approx(route.hours / 24)


@pytest.mark.parametrize("closed", [("red_sea",), ("suez",), ("suez", "babalmandab")])
def test_red_sea_closure_goes_round_the_cape_never_the_arctic(closed):
    """searoute replaces its default restrictions when given a list: with Suez alone closed and the
    Arctic forgotten, Hai Phong → Antwerp would go through the Bering Strait (FIELD-NOTES)."""
    route = geo.sea_route(PORTS["tan_vu"], PORTS["antwerp"], closed=closed)
    assert route.distance_nm == pytest.approx(13000, rel=0.03)
    assert "south_africa" in route.passages
    assert "suez" not in route.passages
    assert _max_lat(route) < ARCTIC_CIRCLE_LAT
    assert not set(route.passages) & {"northwest", "bering"}


def test_new_york_with_panama_closed_avoids_panama():
    route = geo.sea_route(PORTS["lach_huyen"], PORTS["new_york_nj"], closed=("panama",))
    assert "panama" not in route.passages
    assert {"suez", "south_africa"} & set(route.passages)
    assert _max_lat(route) < ARCTIC_CIRCLE_LAT


def test_new_york_with_suez_closed_goes_through_panama_and_across_the_pacific():
    route = geo.sea_route(PORTS["new_york_nj"], PORTS["lach_huyen"], closed=("red_sea",))
    assert "panama" in route.passages
    assert route.geometry.geom_type == "MultiLineString"


@pytest.mark.parametrize(
    ("origin", "destination"), [("lach_huyen", "los_angeles"), ("los_angeles", "lach_huyen")]
)
def test_hai_phong_los_angeles_crosses_the_pacific_both_ways(origin, destination):
    route = geo.sea_route(PORTS[origin], PORTS[destination])
    assert route.geometry.geom_type == "MultiLineString"
    lons = _lons(route)
    assert all(-180 <= lon <= 180 for lon in lons)
    assert 180.0 in lons and -180.0 in lons
    # Across the Pacific, not westwards round Africa: nothing between Africa and India.
    assert not any(20 < lon < 90 for lon in lons)
    assert route.detour_ratio < 1.1
    assert route.passages == ()


def test_pacific_distances_are_symmetric():
    east = geo.sea_route(PORTS["lach_huyen"], PORTS["los_angeles"])
    west = geo.sea_route(PORTS["los_angeles"], PORTS["lach_huyen"])
    assert east.distance_nm == pytest.approx(west.distance_nm, rel=1e-9)


def test_route_starts_and_ends_at_the_ports_and_reports_the_connectors():
    route = geo.sea_route(PORTS["tan_vu"], PORTS["kolkata"])
    parts = shapely.get_parts(route.geometry)
    first, last = parts[0].coords, parts[-1].coords
    assert first[0] == PORTS["tan_vu"]
    assert last[-1] == PORTS["kolkata"]
    assert route.origin_gap_nm == pytest.approx(geo.great_circle_nm(first[0], first[1]))
    assert route.destination_gap_nm == pytest.approx(geo.great_circle_nm(last[-2], last[-1]))
    # Kolkata's docks lie up the Hooghly, beyond the end of searoute's network.
    assert 15 < route.destination_gap_nm < 30


def test_land_forces_a_long_way_round_kolkata_and_the_passage_ratio_says_so():
    """Hai Phong → Kolkata must pass Singapore: ~2.9 times the great circle, which runs over Laos,
    Thailand and Myanmar. Measured against the chain through the Malacca Strait it is plausible."""
    route = geo.sea_route(PORTS["tan_vu"], PORTS["kolkata"])
    assert route.passages == ("malacca",)
    assert route.detour_ratio > 2.5
    assert route.passage_detour_ratio < 1.3
    assert route.passage_reference_nm > route.great_circle_nm


def test_closing_malacca_sends_kolkata_traffic_through_sunda():
    route = geo.sea_route(PORTS["tan_vu"], PORTS["kolkata"], closed=("malacca",))
    assert "malacca" not in route.passages
    assert "sunda" in route.passages


def test_passage_names_are_validated():
    with pytest.raises(ValueError, match="valid names: babalmandab, bosporus, gibraltar"):
        geo.sea_route(PORTS["tan_vu"], PORTS["antwerp"], closed=("suez_canal",))
    with pytest.raises(ValueError, match="northwest"):
        geo.sea_route(PORTS["tan_vu"], PORTS["antwerp"], closed=("northwest",))


def test_closed_accepts_a_single_name_and_any_iterable():
    as_string = geo.sea_route(PORTS["tan_vu"], PORTS["antwerp"], closed="red_sea")
    as_list = geo.sea_route(PORTS["tan_vu"], PORTS["antwerp"], closed=["babalmandab", "suez"])
    assert as_string == as_list
    assert as_string.closed == ("babalmandab", "suez")


def test_restrictions_always_include_the_arctic():
    assert geo.restrictions_for(()) == ("bering", "northwest")
    assert geo.restrictions_for(["red_sea"]) == ("babalmandab", "bering", "northwest", "suez")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"origin": (106.78, 20.85), "destination": (106.78, 20.85)}, "coincide"),
        ({"origin": (106.78, 20.85), "destination": (4.3, 51.28), "speed_kn": 0}, "speed_kn"),
        ({"origin": (20.85, 206.78), "destination": (4.3, 51.28)}, "lon, lat"),
    ],
)
def test_invalid_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        geo.sea_route(**kwargs)


def test_with_speed_retimes_without_rerouting():
    route = geo.sea_route(PORTS["tan_vu"], PORTS["singapore"], speed_kn=10)
    faster = geo.with_speed(route, 20)
    assert faster.distance_nm == route.distance_nm
    assert faster.hours == pytest.approx(route.hours / 2)


def test_searoute_failure_falls_back_to_a_great_circle(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("network unavailable")

    # The route engine reads searoute's network through setup_M (and no longer calls searoute()).
    monkeypatch.setattr(searoute, "setup_M", broken)
    # Points used by no other test, so the route cache cannot answer for the broken searoute.
    origin, destination = (150.5, -35.5), (171.5, -41.5)
    route = geo.sea_route(origin, destination)
    assert route.method == "great_circle_fallback"
    assert route.detour_ratio == pytest.approx(1.0)
    assert route.passages == ()
    assert shapely.get_parts(route.geometry)[0].coords[0] == origin


def test_searoute_without_a_path_falls_back(monkeypatch):
    monkeypatch.setattr(_sea, "shortest_path", lambda *args, **kwargs: None)
    route = geo.sea_route((150.6, -35.6), (171.6, -41.6))
    assert route.method == "great_circle_fallback"
    assert route.distance_nm == pytest.approx(route.great_circle_nm)


def test_repeated_calls_are_cached():
    legs = [(PORTS["qinzhou"], PORTS["tan_vu"]), (PORTS["tan_vu"], PORTS["kolkata"])]
    for a, b in legs:
        geo.sea_route(a, b)
    start = time.perf_counter()
    for _ in range(100):
        for a, b in legs:
            geo.sea_route(a, b)
    assert time.perf_counter() - start < 0.05


def test_passage_locations_cover_every_closable_passage():
    locations = geo.passage_locations()
    assert set(geo.CLOSABLE_PASSAGES) <= set(locations)
    suez_lon, suez_lat = locations["suez"]
    assert 32 < suez_lon < 35 and 27 < suez_lat < 31.5


def test_distance_agrees_with_searoute_in_nautical_miles():
    """Same sphere and the same 1,852 m mile as searoute's ``units="naut"``. searoute leaves out the
    connectors from the ports to its network, and joins the network at the node nearest each port;
    the coastal router may join at a better one and straightens the network's zig-zags, so the route
    is never longer than searoute's plus connectors, and shorter by a few per cent at most."""
    singapore, antwerp = PORTS["singapore"], PORTS["antwerp"]
    route = geo.sea_route(singapore, antwerp)
    raw = searoute.searoute(
        list(singapore), list(antwerp), units="naut", restrictions=["bering", "northwest"]
    )
    connectors = route.origin_network_nm + route.destination_network_nm
    assert route.distance_nm <= raw["properties"]["length"] + connectors + 0.5
    assert route.distance_nm >= raw["properties"]["length"] * 0.97
