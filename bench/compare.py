"""Time the corridor comparison of every preset, warm, against the sea services page's own work.

    python bench/compare.py [--repeat N]

Measured: ``atlas.compare.compare`` for all five presets (1 TEU) plus their map content, the work the
Compare page redoes on a rerun whose inputs changed (an assumption edited). Baseline, in the same
run: ``atlas.model.plan_service`` for the scheduled sea service (warm), what the sea services page
recomputes on such a rerun. Both warm (searoute legs already cached); median of N runs.
Target: well under the 150 ms server-time rerun budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import loaders
from atlas import compare, model
from atlas.content import map_content
from atlas.i18n import Translator
from atlas.spec import MapSpec

TARGET_MS = 150.0


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per timing (median)")
    args = parser.parse_args(argv)
    result = loaders.load_all(geography=False)
    if result.tables is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 2
    tables = result.tables

    t = Translator(tables.translations, "vi")

    def all_presets() -> None:
        # What a page rerun does: the comparison and its map content (layers, labels, legend).
        for origin, destination in compare.PRESETS:
            spec = MapSpec(kind="compare", language="vi", origin=origin, destination=destination)
            map_content(spec, tables, t, plan=plan)

    def plan(service_id: str, closed: tuple[str, ...], speed_kn: float) -> model.ServicePlan:
        return model.plan_service(tables, service_id, closed, speed_kn)

    def sea_plan() -> None:
        model.plan_service(tables, "beibu_haiphong_kolkata")

    start = time.perf_counter()
    all_presets()
    cold_ms = (time.perf_counter() - start) * 1000.0
    sea_plan()
    warm = median_ms(all_presets, args.repeat)
    baseline = median_ms(sea_plan, args.repeat)
    options = sum(len(compare.compare(tables, o, d).options) for o, d in compare.PRESETS)
    print(f"{len(compare.PRESETS)} presets, {options} options; first run (routes cold): {cold_ms:.1f} ms")
    print(f"{'figure':>24} | {'value ms':>10} | {'baseline ms':>12} | {'ratio':>7}")
    print(f"{'all presets, warm':>24} | {warm:>10.2f} | {baseline:>12.2f} | {warm / baseline:>6.2f}x")
    verdict = "OK" if warm < TARGET_MS else "TOO SLOW"
    print(f"all presets warm: {warm:.2f} ms ({verdict}: target < {TARGET_MS:.0f} ms); baseline: plan_service")
    return 0 if warm < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
