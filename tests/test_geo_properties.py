"""Properties that must hold for any pair of major ports and any set of closures (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import searoute
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import geo

ARCTIC_CIRCLE_LAT = 66.5


def _major_ports() -> list[tuple[float, float]]:
    """searoute's own list of major ports (``t == 1``) away from polar waters, as (lon, lat)."""
    path = Path(searoute.__file__).parent / "data" / "ports.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return sorted(
        (float(lon), float(lat))
        for lon, lat in (f["geometry"]["coordinates"] for f in features if f["properties"].get("t") == 1.0)
        if abs(lat) < 60
    )


PORTS = _major_ports()
ports = st.sampled_from(PORTS)
closures = st.sets(st.sampled_from([*geo.CLOSABLE_PASSAGES, *geo.SHORTHANDS]), max_size=3)
# Each new endpoint costs a raster search (~0.3 s cold), so the world-wide samples stay small.
quick = settings(max_examples=12, deadline=None)


def test_the_port_sample_is_large_and_worldwide():
    assert len(PORTS) > 500
    assert min(lon for lon, _ in PORTS) < -150 and max(lon for lon, _ in PORTS) > 150


def _route(a, b, closed=()):
    """The route, or skip the example when an endpoint is one of the inland "ports" (rail and road
    hubs such as Calgary or Dallas) that searoute's list marks as major: the engine refuses them."""
    try:
        return geo.sea_route(a, b, closed=closed)
    except geo.InlandPointError:
        assume(False)
        raise


def test_nearly_every_major_port_is_accepted():
    """The inland check refuses only a few of searoute's major ports (every 10th tested, for speed)."""
    refused = []
    for port in PORTS[::10]:
        try:
            geo.check_port(port)
        except geo.InlandPointError:
            refused.append(port)
    assert len(refused) <= 0.05 * len(PORTS[::10]), refused


@quick
@given(a=ports, b=ports, closed=closures)
def test_routes_stay_out_of_the_arctic(a, b, closed):
    if a == b:
        return
    route = _route(a, b, closed)
    max_lat = max(lat for part in shapely.get_parts(route.geometry) for _, lat in part.coords)
    # A great-circle fallback is not a sea route and is marked as such; every routed leg must obey.
    assert route.method == "great_circle_fallback" or max_lat <= ARCTIC_CIRCLE_LAT


@quick
@given(a=ports, b=ports, closed=closures)
def test_closed_passages_are_never_used(a, b, closed):
    if a == b:
        return
    route = _route(a, b, closed)
    assert not set(route.passages) & set(geo.resolve_closed(closed))
    assert not set(route.passages) & set(geo.ALWAYS_CLOSED)


@quick
@given(a=ports, b=ports)
def test_distances_are_symmetric(a, b):
    if a == b:
        return
    there, back = _route(a, b), _route(b, a)
    assert there.distance_nm == pytest.approx(back.distance_nm, rel=0.03)
    assert there.method == back.method


@quick
@given(a=ports, b=ports)
def test_a_route_is_never_shorter_than_the_great_circle(a, b):
    if a == b:
        return
    route = _route(a, b)
    assert route.distance_nm >= route.great_circle_nm * (1 - 1e-9)
