"""Great-circle distances, path lengths and point-to-geometry distances on the sphere."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely

import geo

ONE_DEGREE_KM = 2 * math.pi * geo.EARTH_RADIUS_KM / 360


@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [
        pytest.param((0, 0), (1, 0), ONE_DEGREE_KM, id="one-degree-on-equator"),
        pytest.param((0, 0), (0, 1), ONE_DEGREE_KM, id="one-degree-of-latitude"),
        pytest.param((179.5, 0), (-179.5, 0), ONE_DEGREE_KM, id="across-antimeridian"),
        pytest.param((0, 0), (180, 0), math.pi * geo.EARTH_RADIUS_KM, id="antipodes"),
        pytest.param((12, 89.9), (-168, 89.9), 0.2 * ONE_DEGREE_KM, id="over-the-pole"),
    ],
)
def test_great_circle_km_matches_spherical_geometry(a, b, expected_km):
    assert geo.great_circle_km(a, b) == pytest.approx(expected_km, rel=1e-9)


def test_great_circle_nm_is_km_over_1852_m():
    a, b = (106.90, 20.79), (4.30, 51.28)
    assert geo.great_circle_nm(a, b) == pytest.approx(geo.great_circle_km(a, b) / 1.852)
    # One minute of arc of a great circle is close to (not exactly) a nautical mile on this sphere.
    assert geo.great_circle_nm((0, 0), (0, 1)) == pytest.approx(60.04, abs=0.01)


def test_path_length_sums_segments_and_ignores_longitude_wrapping():
    wrapped = [(179.0, 0.0), (-179.0, 0.0), (-178.0, 0.0)]
    unwrapped = [(179.0, 0.0), (181.0, 0.0), (182.0, 0.0)]
    assert geo.path_length_km(wrapped) == pytest.approx(3 * ONE_DEGREE_KM)
    assert geo.path_length_km(unwrapped) == pytest.approx(3 * ONE_DEGREE_KM)
    assert geo.path_length_km([(5.0, 5.0)]) == 0.0


def test_geometry_length_sums_parts():
    split = shapely.MultiLineString([[(178, 0), (180, 0)], [(-180, 0), (-178, 0)]])
    assert geo.geometry_length_km(split) == pytest.approx(4 * ONE_DEGREE_KM)


@pytest.mark.parametrize(
    ("point", "geometry", "expected_km"),
    [
        pytest.param((0, 1), shapely.LineString([(-5, 0), (5, 0)]), ONE_DEGREE_KM, id="perpendicular-foot"),
        pytest.param(
            (10, 0), shapely.LineString([(-5, 0), (5, 0)]), 5 * ONE_DEGREE_KM, id="beyond-the-end-vertex"
        ),
        pytest.param((0, 0), shapely.box(-1, -1, 1, 1), 0.0, id="inside-polygon"),
        pytest.param((3, 0), shapely.box(-1, -1, 1, 1), 2 * ONE_DEGREE_KM, id="outside-polygon"),
        pytest.param(
            (179.5, 1), shapely.LineString([(179, 0), (181, 0)]), ONE_DEGREE_KM, id="unwrapped-line"
        ),
        pytest.param((2, 0), shapely.MultiPoint([(0, 0), (3, 0)]), ONE_DEGREE_KM, id="nearest-of-points"),
    ],
)
def test_distance_to_geometry_km(point, geometry, expected_km):
    assert geo.distance_to_geometry_km(point, geometry) == pytest.approx(expected_km, rel=1e-6, abs=1e-9)


def test_distance_to_geometry_follows_the_great_circle_not_the_parallel():
    """At 60° N the straight lon/lat segment bulges south of the great circle between its ends; the
    nearest point of the great-circle segment to a point on the parallel is north of it."""
    line = shapely.LineString([(-30, 60), (30, 60)])
    on_parallel = (0, 60)
    assert geo.distance_to_geometry_km(on_parallel, line) > 100


def test_distance_to_empty_geometry_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        geo.distance_to_geometry_km((0, 0), shapely.LineString())


def test_interpolate_great_circle_keeps_ends_and_spacing():
    points = geo.interpolate_great_circle((106.72, 20.82), (-118.41, 33.94), 9)
    assert points[0] == (106.72, 20.82)
    assert points[-1][1] == 33.94
    assert geo.normalize_longitude(points[-1][0]) == pytest.approx(-118.41)
    steps = [geo.great_circle_km(a, b) for a, b in itertools.pairwise(points)]
    assert max(steps) - min(steps) < 1e-6
    # Continuous longitudes: the arc leaves [-180, 180] instead of jumping.
    assert all(abs(a[0] - b[0]) < 180 for a, b in itertools.pairwise(points))
    assert sum(steps) == pytest.approx(geo.great_circle_km((106.72, 20.82), (-118.41, 33.94)))
