"""Splitting at ±180°, PathLayer parts and display simplification."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely

import geo

# Latitude where the great circle from (170, 0) to (190, 10) meets 180°: from
# tan φ = (tan φ1 sin(λ2 - λ) + tan φ2 sin(λ - λ1)) / sin(λ2 - λ1), with φ1 = 0 this is
# tan 10° · sin 10° / sin 20° ≈ tan 5.1157°. A flat lon/lat line would give 5.0.
CROSS = math.degrees(
    math.atan(math.tan(math.radians(10)) * math.sin(math.radians(10)) / math.sin(math.radians(20)))
)


def _max_step(part: list[list[float]]) -> float:
    return max(abs(a[0] - b[0]) for a, b in itertools.pairwise(part))


@pytest.mark.parametrize(
    ("coords", "expected_parts"),
    [
        pytest.param(
            [(170, 0), (190, 10)],
            [[(170, 0), (180, CROSS)], [(-180, CROSS), (-170, 10)]],
            id="unwrapped-east",
        ),
        pytest.param(
            [(-170, 10), (-190, 0)],
            [[(-170, 10), (-180, CROSS)], [(180, CROSS), (170, 0)]],
            id="unwrapped-west",
        ),
        pytest.param(
            [(170, 0), (-170, 10)], [[(170, 0), (180, CROSS)], [(-180, CROSS), (-170, 10)]], id="jumping-east"
        ),
        pytest.param([(100, 0), (120, 10)], [[(100, 0), (120, 10)]], id="no-crossing"),
        pytest.param(
            [(170, 0), (180, 1), (170, 2)], [[(170, 0), (180, 1), (170, 2)]], id="touches-and-returns"
        ),
    ],
)
def test_split_at_antimeridian(coords, expected_parts):
    split = geo.split_at_antimeridian(coords)
    parts = [list(part.coords) for part in shapely.get_parts(split)]
    assert len(parts) == len(expected_parts)
    for part, expected in zip(parts, expected_parts, strict=True):
        flat = [v for xy in part for v in xy]
        assert flat == pytest.approx([v for xy in expected for v in xy], abs=1e-6)


def test_split_is_idempotent():
    once = geo.split_at_antimeridian([(150, 40), (200, 50), (240, 34)])
    assert once.geom_type == "MultiLineString"
    assert geo.split_at_antimeridian(once).equals_exact(once, 0.0)


def test_to_path_parts_never_jumps_more_than_180_degrees_in_either_direction():
    east = [(106.9, 20.7), (150.0, 40.0), (200.0, 50.0), (241.8, 33.7)]
    west = [(-118.2, 33.7), (-160.0, 50.0), (-210.0, 40.0), (-253.1, 20.7)]
    for coords in (east, west):
        parts = geo.to_path_parts(coords)
        assert len(parts) == 2
        assert all(-180 <= lon <= 180 for part in parts for lon, _ in part)
        assert all(_max_step(part) <= 180 for part in parts)
        # The parts meet on the antimeridian at the same latitude.
        assert abs(parts[0][-1][0]) == 180 and abs(parts[1][0][0]) == 180
        assert parts[0][-1][1] == parts[1][0][1]


def test_to_path_parts_are_plain_lists_for_pydeck():
    parts = geo.to_path_parts(shapely.LineString([(0, 0), (1, 1)]))
    assert parts == [[[0.0, 0.0], [1.0, 1.0]]]


def test_simplify_for_display_rounds_and_keeps_part_ends():
    wiggly = [(170 + i * 0.01, 0.001 * (i % 2)) for i in range(2001)]  # 170° → 190°, zig-zag of 0.001°
    simple = geo.simplify_for_display(wiggly, tolerance_deg=0.01, decimals=3)
    parts = [list(part.coords) for part in shapely.get_parts(simple)]
    assert len(parts) == 2
    assert sum(len(p) for p in parts) < 10
    assert parts[0][0] == (170.0, 0.0)
    assert parts[0][-1][0] == 180.0 and parts[1][0][0] == -180.0
    assert all(round(v, 3) == v for part in parts for xy in part for v in xy)


def test_simplify_for_display_rejects_a_negative_tolerance():
    with pytest.raises(ValueError, match="tolerance"):
        geo.simplify_for_display([(0, 0), (1, 1)], -1.0)
