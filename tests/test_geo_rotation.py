"""Rotations, frequency and fleet size."""

from __future__ import annotations

import pytest

import geo

# From data/places.csv.
QINZHOU, TAN_VU, KOLKATA = (108.647, 21.68317), (106.77421, 20.83601), (88.31472, 22.54611)


def test_round_trip_rotation_sums_its_legs():
    rotation = geo.rotation([QINZHOU, TAN_VU, KOLKATA], speed_kn=14)
    assert len(rotation.legs) == 3
    assert [leg.origin for leg in rotation.legs] == [QINZHOU, TAN_VU, KOLKATA]
    assert rotation.legs[-1].destination == QINZHOU
    assert rotation.distance_nm == pytest.approx(sum(leg.distance_nm for leg in rotation.legs))
    assert rotation.sea_days == pytest.approx(rotation.distance_nm / 14 / 24)
    assert rotation.port_days is None
    assert rotation.total_days == rotation.sea_days


def test_one_way_rotation_has_one_leg_fewer():
    one_way = geo.rotation([QINZHOU, TAN_VU, KOLKATA], speed_kn=14, round_trip=False)
    assert [leg.destination for leg in one_way.legs] == [TAN_VU, KOLKATA]


def test_port_time_is_added_per_call():
    rotation = geo.rotation([QINZHOU, TAN_VU, KOLKATA], speed_kn=14, port_hours=[24, 12, 36])
    assert rotation.port_days == pytest.approx(3.0)
    assert rotation.total_days == pytest.approx(rotation.sea_days + 3.0)


def test_rotation_passes_closures_to_every_leg():
    rotation = geo.rotation([TAN_VU, KOLKATA], speed_kn=14, closed=("malacca",))
    assert all("malacca" not in leg.passages for leg in rotation.legs)
    assert all(leg.closed == ("malacca",) for leg in rotation.legs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stops": [TAN_VU]}, "two stops"),
        ({"stops": [TAN_VU, KOLKATA], "port_hours": [1.0]}, "port_hours has 1"),
        ({"stops": [TAN_VU, KOLKATA], "port_hours": [1.0, -2.0]}, ">= 0"),
    ],
)
def test_rotation_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        geo.rotation(speed_kn=14, **kwargs)


@pytest.mark.parametrize(
    ("round_trip_days", "headway_days", "expected"),
    [
        pytest.param(42.0, 21.0, 2, id="exact-multiple"),
        pytest.param(42.0 + 1e-12, 21.0, 2, id="float-noise-is-not-a-third-ship"),
        pytest.param(42.5, 21.0, 3, id="half-a-day-over"),
        pytest.param(7.0, 7.0, 1, id="weekly-shuttle"),
        pytest.param(3.0, 7.0, 1, id="shorter-than-headway"),
    ],
)
def test_vessels_needed(round_trip_days, headway_days, expected):
    assert geo.vessels_needed(round_trip_days, headway_days) == expected


def test_sailings_per_year():
    assert geo.sailings_per_year(21) == pytest.approx(17.39, abs=0.01)
    assert geo.sailings_per_year(7) == pytest.approx(52.18, abs=0.01)


@pytest.mark.parametrize("bad", [0, -7])
def test_frequency_rejects_non_positive_headways(bad):
    with pytest.raises(ValueError, match="headway_days"):
        geo.sailings_per_year(bad)
    with pytest.raises(ValueError, match="headway_days"):
        geo.vessels_needed(30, bad)
