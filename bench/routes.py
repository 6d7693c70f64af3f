"""Time the route engine on every curated sea service and scenario, against raw searoute.

    python bench/routes.py [--repeat N]

Baseline: one plain ``searoute.searoute`` call per leg (no cache, no refinement), the same legs.
Cold: geo's caches cleared; warm: the same legs again (median of N runs). Both sides share the
already-loaded searoute graph and geo's coastline, whose one-off load times are printed separately.
Besides the curated services, the legs include the same rotations with their stops moved to the
UN/LOCODE positions of the golden cases (ports the coastal router has never seen).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import searoute

import geo
import loaders

SCENARIOS: dict[str, tuple[str, ...]] = {
    "normal": (),
    "red_sea_closed": ("red_sea",),
    "panama_closed": ("panama",),
}
Leg = tuple[tuple[float, float], tuple[float, float]]


def curated_legs() -> list[Leg]:
    """Every leg of every sea service, round each rotation (so both ways for a two-port lane)."""
    places = {row.id: (float(row.lon_deg), float(row.lat_deg)) for row in loaders.load_places().itertuples()}
    services = loaders.load_services()
    stops = loaders.load_service_stops()
    legs: list[Leg] = []
    for service_id in services.loc[services["mode"] == "sea", "service_id"]:
        ids = list(stops.loc[stops["service_id"] == service_id, "place_id"])
        legs.extend((places[a], places[b]) for a, b in zip(ids, [*ids[1:], ids[0]], strict=True))
    return legs


UNCURATED_STOPS: tuple[tuple[float, float], ...] = (
    # tests/data/input/beibu_rotation_locode_positions.geojson and issue14_qinzhou_new_user_position.
    (108.583, 21.733),
    (106.740417, 20.908991),
    (88.34332, 22.567577),
)


def uncurated_legs() -> list[Leg]:
    stops = UNCURATED_STOPS
    return [(a, b) for a, b in zip(stops, [*stops[1:], stops[0]], strict=True)]


def run_baseline(legs: Sequence[Leg], closed: tuple[str, ...]) -> None:
    restrictions = list(geo.restrictions_for(closed))
    for origin, destination in legs:
        searoute.searoute(
            list(origin), list(destination), units="naut", restrictions=restrictions, return_passages=True
        )


def run_geo(legs: Sequence[Leg], closed: tuple[str, ...]) -> None:
    for origin, destination in legs:
        geo.sea_route(origin, destination, closed=closed)


def seconds(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_seconds(action: Callable[[], None], repeat: int) -> float:
    return statistics.median(seconds(action) for _ in range(repeat))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per warm timing (median)")
    args = parser.parse_args(argv)

    legs = curated_legs() + uncurated_legs()
    load = seconds(lambda: (searoute.setup_M(), searoute.setup_P(), geo.passage_locations()))
    coastline_load = seconds(geo.default_coastline)
    geo.clear_route_cache()

    rows = []
    for name, closed in SCENARIOS.items():
        base_cold = seconds(lambda closed=closed: run_baseline(legs, closed))
        base_warm = median_seconds(lambda closed=closed: run_baseline(legs, closed), args.repeat)
        geo_cold = seconds(lambda closed=closed: run_geo(legs, closed))
        geo_warm = median_seconds(lambda closed=closed: run_geo(legs, closed), args.repeat)
        rows.append((name, base_cold, geo_cold, base_warm, geo_warm))
    totals = tuple(sum(row[i] for row in rows) for i in range(1, 5))
    rows.append(("all", *totals))

    print(
        f"{len(legs)} legs x {len(SCENARIOS)} scenarios; searoute graph load (shared): {load:.3f} s; "
        f"coastline load (geo only, once per process): {coastline_load:.3f} s"
    )
    header = (
        "scenario",
        "base cold s",
        "geo cold s",
        "cold ratio",
        "base warm s",
        "geo warm s",
        "warm ratio",
    )
    print(" | ".join(f"{h:>14}" for h in header))
    for name, base_cold, geo_cold, base_warm, geo_warm in rows:
        cells = (
            name,
            f"{base_cold:.4f}",
            f"{geo_cold:.4f}",
            f"{geo_cold / base_cold:.2f}x",
            f"{base_warm:.4f}",
            f"{geo_warm:.6f}",
            f"{geo_warm / base_warm:.1e}x",
        )
        print(" | ".join(f"{c:>14}" for c in cells))
    warm_total = totals[3]
    verdict = "OK" if warm_total < 1.0 else "TOO SLOW"
    print(f"warm total for every service and scenario: {warm_total * 1000:.2f} ms ({verdict}: target < 1 s)")
    return 0 if warm_total < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
