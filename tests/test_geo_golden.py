"""Golden GeoJSON cases: stops in tests/data/input/<case>.geojson, expected legs in data/output/.

Run with UPDATE_GOLDEN=1 to (re)write the outputs after a deliberate change, then review the diff;
tests/data/README.md explains how to add a case.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import mapping, shape

import geo

DATA_DIR = Path(__file__).resolve().parent / "data"
CASES = sorted(path.stem for path in (DATA_DIR / "input").glob("*.geojson"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

GEOMETRY_TOLERANCE_DEG = 1e-4
"""~10 m: float noise across platforms stays far below it; any change of path does not."""
NUMBER_TOLERANCE = 1e-4
"""Relative tolerance for distances, times and ratios."""


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _compute(case: dict[str, Any]) -> dict[str, Any]:
    """Route a case's stops and describe every leg as a GeoJSON Feature."""
    parameters = case["parameters"]
    stops = [tuple(feature["geometry"]["coordinates"]) for feature in case["features"]]
    rotation = geo.rotation(
        stops,
        speed_kn=parameters["speed_kn"],
        closed=parameters["closed"],
        round_trip=parameters["round_trip"],
    )
    names = [feature["properties"]["id"] for feature in case["features"]]
    features = []
    for i, leg in enumerate(rotation.legs):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "from": names[i],
                    "to": names[(i + 1) % len(names)],
                    "distance_nm": round(leg.distance_nm, 3),
                    "distance_km": round(leg.distance_km, 3),
                    "hours": round(leg.hours, 3),
                    "passages": list(leg.passages),
                    "method": leg.method,
                    "great_circle_nm": round(leg.great_circle_nm, 3),
                    "detour_ratio": round(leg.detour_ratio, 5),
                    "passage_detour_ratio": round(leg.passage_detour_ratio, 5),
                    "origin_gap_nm": round(leg.origin_gap_nm, 3),
                    "destination_gap_nm": round(leg.destination_gap_nm, 3),
                    "river_nm": round(leg.river_nm, 3),
                    "via_network": leg.via_network,
                },
                "geometry": mapping(leg.geometry),
            }
        )
    return {
        "type": "FeatureCollection",
        "totals": {
            "distance_nm": round(rotation.distance_nm, 3),
            "sea_days": round(rotation.sea_days, 4),
        },
        "features": features,
    }


def _dump(collection: dict[str, Any]) -> str:
    """Indented JSON with one [lon, lat] pair per line, so that diffs stay readable."""
    text = json.dumps(collection, ensure_ascii=False, indent=2)
    return re.sub(r"\[\s+(-?[\d.e+-]+),\s+(-?[\d.e+-]+)\s+\]", r"[\1, \2]", text) + "\n"


def _assert_numbers_close(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert set(actual) == set(expected), where
        for key in expected:
            _assert_numbers_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, float | int) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, rel=NUMBER_TOLERANCE, abs=1e-9), where
    else:
        assert actual == expected, where


@pytest.mark.parametrize("case_name", CASES)
def test_golden_case(case_name: str) -> None:
    computed = _compute(_read(DATA_DIR / "input" / f"{case_name}.geojson"))
    output_path = DATA_DIR / "output" / f"{case_name}.geojson"
    if UPDATE:
        output_path.write_text(_dump(computed), encoding="utf-8")
    expected = _read(output_path)

    _assert_numbers_close(computed["totals"], expected["totals"], "totals")
    assert len(computed["features"]) == len(expected["features"])
    for i, (got, want) in enumerate(zip(computed["features"], expected["features"], strict=True)):
        _assert_numbers_close(got["properties"], want["properties"], f"leg {i + 1}")
        got_shape, want_shape = shape(got["geometry"]), shape(want["geometry"])
        assert got_shape.geom_type == want_shape.geom_type, f"leg {i + 1}"
        assert len(shapely.get_parts(got_shape)) == len(shapely.get_parts(want_shape)), f"leg {i + 1}"
        assert shapely.hausdorff_distance(got_shape, want_shape) <= GEOMETRY_TOLERANCE_DEG, f"leg {i + 1}"


def test_every_case_has_an_output_file() -> None:
    outputs = sorted(path.stem for path in (DATA_DIR / "output").glob("*.geojson"))
    assert outputs == CASES


def test_the_golden_set_covers_the_required_cases() -> None:
    assert {
        "antimeridian_eastbound",
        "antimeridian_westbound",
        "red_sea_closed",
        "panama_closed",
        "multi_stop_rotation",
        "short_regional_leg",
    } <= set(CASES)
