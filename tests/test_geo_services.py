"""Every leg of every curated sea service, in every scenario, is plausible and stays at sea.

Plausible means a detour ratio ≤ 1.6. Where land lies on the great circle itself (Hai Phong → Kolkata
runs over Laos and Myanmar; Hai Phong → Antwerp over Asia) no ship can approach that ratio, so the
leg is measured against the great-circle chain through the passages it uses instead.
"""

from __future__ import annotations

import pytest

import geo
import loaders
from loaders.basemap import land_union, routing_coastline

MAX_DETOUR_RATIO = 1.6
SCENARIOS = {"normal": (), "red_sea_closed": ("red_sea",), "panama_closed": ("panama",)}

DEFAULT_PORT_BUFFER_KM = 5.0
PORT_BUFFER_KM = {
    # Kolkata's docks are ~130 km up the Hooghly; Natural Earth 1:50m draws the whole estuary above
    # ~22° N as land and searoute's network stops 24 nm short of the docks (reported as the gap).
    "kolkata": 80.0,
    # The Western Scheldt is narrower than 1:50m resolves; the route follows the river to Antwerp.
    "antwerp": 40.0,
    # Port Newark-Elizabeth is reached through the Kill van Kull, a few hundred metres wide.
    "new_york_nj": 10.0,
}


def _sea_legs() -> list[tuple[str, str, str]]:
    """(service_id, from place, to place) for every leg, both ways round each rotation."""
    services = loaders.load_services()
    stops = loaders.load_service_stops()
    legs = []
    for service_id in services.loc[services["mode"] == "sea", "service_id"]:
        ids = list(stops.loc[stops["service_id"] == service_id, "place_id"])
        for a, b in zip(ids, [*ids[1:], ids[0]], strict=True):
            legs.append((service_id, a, b))
    return legs


LEGS = _sea_legs()


@pytest.fixture(scope="module")
def places() -> dict[str, tuple[float, float]]:
    frame = loaders.load_places()
    return {row.id: (float(row.lon_deg), float(row.lat_deg)) for row in frame.itertuples()}


@pytest.fixture(scope="module")
def canals():
    return geo.canal_zones()


@pytest.fixture(scope="module")
def routing_land():
    """The land the engine routes around: 1:10m in its fine windows, 1:50m elsewhere. Checking a
    route that follows the 1:10m coast against 1:50m land there would flag the simplification."""
    return routing_coastline().land_in((-180.0, -90.0, 180.0, 90.0))


def test_the_curated_services_have_legs():
    services = {service for service, _, _ in LEGS}
    assert "beibu_haiphong_kolkata" in services
    assert len(LEGS) >= 6


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("service", "start", "end"), LEGS, ids=[f"{s}:{a}-{b}" for s, a, b in LEGS])
def test_leg_is_plausible_and_at_sea(service, start, end, scenario, places, canals, routing_land):
    route = geo.sea_route(places[start], places[end], closed=SCENARIOS[scenario])
    assert route.method != "great_circle_fallback"
    buffers = (
        PORT_BUFFER_KM.get(start, DEFAULT_PORT_BUFFER_KM),
        PORT_BUFFER_KM.get(end, DEFAULT_PORT_BUFFER_KM),
    )
    great_circle = geo.air_arc(places[start], places[end]).geometry
    if geo.crosses_land(great_circle, land_union("50m"), endpoint_buffer_km=buffers):
        assert route.passage_detour_ratio <= MAX_DETOUR_RATIO
    else:
        assert route.detour_ratio <= MAX_DETOUR_RATIO
    assert geo.land_crossing_km(route.geometry, routing_land, buffers, exempt=canals) == 0.0
    assert geo.land_crossing_km(route.geometry, land_union("10m_region"), buffers) == 0.0
    assert not set(route.passages) & set(geo.resolve_closed(SCENARIOS[scenario]))


def test_beibu_rotation_and_the_fleet_its_headway_needs(places):
    """One sailing every three weeks (art000). The data gives no port time, so the round trip is sea
    time only: ~6,100 nm, ~18 days at 14 kn, which one ship covers within the 21-day headway."""
    rotation = geo.rotation([places["qinzhou"], places["tan_vu"], places["kolkata"]], speed_kn=14)
    assert rotation.distance_nm == pytest.approx(6100, rel=0.05)
    assert rotation.port_days is None
    assert geo.vessels_needed(rotation.total_days, 21) == 1
    assert geo.vessels_needed(rotation.total_days + 4, 21) == 2
    assert geo.sailings_per_year(21) == pytest.approx(17.39, abs=0.01)
