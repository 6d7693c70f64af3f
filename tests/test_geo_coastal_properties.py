"""Properties of the coastal router for random pairs of points on the Natural Earth 1:10m coastline.

In three regions (the Gulf of Tonkin, the Bay of Bengal, the North Sea), for any two coastal points:

* the route does not cross 1:10m land beyond `LAND_TOLERANCE_KM`, outside its straight connectors to
  the sea (reported as the gaps) and `PORT_ZONE_KM` beyond them;
* where the straight line between the points stays at sea, the route is within 10 % of it;
* elsewhere it is within 15 % of a shortest water path computed here independently: a plain Dijkstra
  (scipy.sparse.csgraph) over an 8-connected 2 km grid of the same land, without the router's
  near-shore preference, its 1 km raster or its straightening;
* it is symmetric within 2 %.

Example counts are small: each new endpoint costs the router a raster search.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, box

import geo
from loaders.basemap import routing_coastline

REGIONS = {
    # west, south, east, north: inside the 1:10m windows.
    "gulf_of_tonkin": (105.6, 18.5, 110.0, 21.9),
    "bay_of_bengal": (80.0, 8.0, 94.5, 22.0),
    "north_sea": (-2.0, 50.5, 9.0, 57.0),
}
LAND_TOLERANCE_KM = 2.5
"""Random coastal points include lagoons, fjords and harbours whose mouths are narrower than the
1:10m coastline's ~0.37 km grid (Poole Harbour, Chilika lake, the Limfjord's Thyborøn channel): the
coastline closes them; within 25 km of its ends (geo._raster.PORT_ZONE_KM) a route may use the
raster's partly-wet cells to get out, crossing the closing spit. Farther out no partly-land cell is
used. The project's own ports are held to 0.25 km (test_geo_coastal)."""
PORT_ZONE_KM = 3.0
"""Within this distance of the water point at each end (beyond the straight connector) a river mouth
or spit that the 1:10m coastline draws at its ~0.37 km grid may be clipped, as in test_geo_coastal."""
STRAIGHT_SLACK = 1.10
WATER_PATH_SLACK = 1.15
SYMMETRY = 0.02
REFERENCE_CELL_KM = 2.0
MIN_SEPARATION_KM = 20.0


def _coast_lines(bounds):
    """The 1:10m coastline inside ``bounds`` (the clipped box edges removed: they are not coast)."""
    land = routing_coastline().land_in(bounds)
    inner = box(*bounds).buffer(-0.01)
    return shapely.intersection(land.boundary, inner)


COASTS = {name: _coast_lines(bounds) for name, bounds in REGIONS.items()}


@st.composite
def coastal_points(draw, region):
    """A point on the region's coastline, at a uniformly drawn distance along it."""
    coast = COASTS[region]
    fraction = draw(st.floats(min_value=0.0, max_value=1.0))
    point = coast.interpolate(fraction * coast.length)
    return (round(point.x, 5), round(point.y, 5))


def _reference_water_km(a, b, bounds_margin_deg=1.5):
    """Shortest water path between a and b on an 8-connected 2 km grid (Dijkstra), or None."""
    coastline = routing_coastline()
    west, east = min(a[0], b[0]) - bounds_margin_deg, max(a[0], b[0]) + bounds_margin_deg
    south, north = min(a[1], b[1]) - bounds_margin_deg, max(a[1], b[1]) + bounds_margin_deg
    land = coastline.land_in((west, south, east, north))
    dlat = REFERENCE_CELL_KM / 111.195
    dlon = dlat / math.cos(math.radians((south + north) / 2))
    lons = np.arange(west + dlon / 2, east, dlon)
    lats = np.arange(south + dlat / 2, north, dlat)
    grid_lon, grid_lat = np.meshgrid(lons, lats)
    water = ~shapely.contains_xy(land, grid_lon, grid_lat)
    rows, cols = water.shape
    index = np.arange(rows * cols).reshape(rows, cols)
    heads, tails, km = [], [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        r0, r1 = max(0, -dr), rows - max(0, dr)
        c0, c1 = max(0, -dc), cols - max(0, dc)
        both = water[r0:r1, c0:c1] & water[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
        step = REFERENCE_CELL_KM * math.hypot(dr, dc)
        heads.append(index[r0:r1, c0:c1][both])
        tails.append(index[r0 + dr : r1 + dr, c0 + dc : c1 + dc][both])
        km.append(np.full(int(both.sum()), step))
    h, t, w = np.concatenate(heads), np.concatenate(tails), np.concatenate(km)
    graph = coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([h, t]), np.concatenate([t, h]))), shape=(rows * cols,) * 2
    )

    def nearest_water_cell(point):
        d2 = ((grid_lon - point[0]) * math.cos(math.radians(point[1]))) ** 2 + (grid_lat - point[1]) ** 2
        d2[~water] = np.inf
        flat = int(np.argmin(d2))
        return flat, geo.great_circle_km(point, (grid_lon.flat[flat], grid_lat.flat[flat]))

    start, start_km = nearest_water_cell(a)
    goal, goal_km = nearest_water_cell(b)
    distance = dijkstra(graph.tocsr(), indices=start)[goal]
    if not math.isfinite(distance):
        return None
    return float(distance) + start_km + goal_km


def _check_pair(region, a, b):
    assume(geo.great_circle_km(a, b) >= MIN_SEPARATION_KM)
    try:
        there = geo.sea_route(a, b)
        back = geo.sea_route(b, a)
    except geo.InlandPointError:
        # A point of the coastline is at most a few hundred metres from the sea: never refused.
        pytest.fail(f"a coastal point was refused: {a} or {b}")
    reference_km = _reference_water_km(a, b)
    if reference_km is None:
        # Enclosed water (a lagoon the 1:10m coastline closes): no sea route exists, and the engine
        # must say so rather than draw one.
        assume(there.method == "great_circle_fallback")
        return
    assert there.method == "refined", (a, b)
    land = routing_coastline().land_in(REGIONS[region])
    buffers = (
        there.origin_gap_nm * geo.KM_PER_NM + PORT_ZONE_KM,
        there.destination_gap_nm * geo.KM_PER_NM + PORT_ZONE_KM,
    )
    assert geo.land_crossing_km(there.geometry, land, endpoint_buffer_km=buffers) <= LAND_TOLERANCE_KM
    straight = LineString([a, b])
    straight_on_water = geo.land_crossing_km(straight, land, endpoint_buffer_km=1.0) == 0.0
    if straight_on_water:
        assert there.distance_km <= STRAIGHT_SLACK * geo.great_circle_km(a, b), (a, b)
    else:
        assert there.distance_km <= WATER_PATH_SLACK * reference_km, (a, b, reference_km)
    assert back.distance_nm == pytest.approx(there.distance_nm, rel=SYMMETRY)


# Derandomised: the same examples on every run, so CI is not at the mercy of a new draw.
coastal = settings(
    max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.filter_too_much]
)


@pytest.mark.parametrize("region", list(REGIONS))
def test_the_sampled_coastlines_are_long(region):
    assert COASTS[region].length > 20.0  # degrees of coastline: thousands of km


@coastal
@given(data=st.data())
def test_gulf_of_tonkin_pairs(data):
    a = data.draw(coastal_points("gulf_of_tonkin"))
    b = data.draw(coastal_points("gulf_of_tonkin"))
    _check_pair("gulf_of_tonkin", a, b)


@coastal
@given(data=st.data())
def test_bay_of_bengal_pairs(data):
    a = data.draw(coastal_points("bay_of_bengal"))
    b = data.draw(coastal_points("bay_of_bengal"))
    _check_pair("bay_of_bengal", a, b)


@coastal
@given(data=st.data())
def test_north_sea_pairs(data):
    a = data.draw(coastal_points("north_sea"))
    b = data.draw(coastal_points("north_sea"))
    _check_pair("north_sea", a, b)
