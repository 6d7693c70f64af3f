"""Road and rail corridors through waypoints; air links as great-circle arcs."""

from __future__ import annotations

import pytest
import shapely

import geo


def test_land_route_length_is_the_sum_of_great_circle_segments():
    waypoints = [(105.85, 21.02), (106.20, 21.27), (106.76, 21.85)]
    route = geo.land_route(waypoints)
    assert list(route.geometry.coords) == waypoints
    assert route.length_km == pytest.approx(
        geo.great_circle_km(waypoints[0], waypoints[1]) + geo.great_circle_km(waypoints[1], waypoints[2])
    )


def test_land_route_needs_two_waypoints():
    with pytest.raises(ValueError, match="two waypoints"):
        geo.land_route([(105.85, 21.02)])


def test_length_difference_reports_km_and_percent():
    diff = geo.length_difference(150.0, 167.0)
    assert diff.difference_km == pytest.approx(-17.0)
    assert diff.difference_pct == pytest.approx(-10.18, abs=0.01)
    with pytest.raises(ValueError, match="published_km"):
        geo.length_difference(150.0, 0.0)


def test_air_arc_is_a_great_circle():
    nanning, hai_phong = (108.17, 22.61), (106.72, 20.82)
    arc = geo.air_arc(nanning, hai_phong, n_points=16)
    assert arc.geometry.geom_type == "LineString"
    assert len(arc.geometry.coords) == 16
    assert arc.distance_km == pytest.approx(geo.great_circle_km(nanning, hai_phong))
    assert arc.distance_nm == pytest.approx(arc.distance_km / 1.852)
    assert geo.geometry_length_km(arc.geometry) == pytest.approx(arc.distance_km, rel=1e-9)


def test_air_arc_over_the_pacific_is_split_and_keeps_its_length():
    arc = geo.air_arc((106.72, 20.82), (-118.41, 33.94))
    assert arc.geometry.geom_type == "MultiLineString"
    assert all(-180 <= lon <= 180 for part in shapely.get_parts(arc.geometry) for lon, _ in part.coords)
    assert geo.geometry_length_km(arc.geometry) == pytest.approx(arc.distance_km, rel=1e-6)
