"""Run every benchmark and print one table of figures against their baselines.

    python -m bench [--only routes,first_paint,rerun,load,replicas,compare] [--quick]   (or: make bench)

Each benchmark runs as its own process (bench/routes.py, bench/first_paint.py, bench/rerun.py,
bench/load.py, bench/compare.py), as
you would run it by hand; this collects the figures each one prints or writes, and sets every figure
beside the baseline that benchmark measures in the same run. --quick shortens the runs (fewer
repetitions, 10 viewers instead of 50 or 200) for a smoke check; BENCHMARKS.md records full runs.

Every figure with a target (issue 13) is marked MISSED when it is above its target, or could not be
measured; the exit code is 1 when any target is missed or a benchmark failed, 0 when all were met.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


@dataclass(frozen=True)
class Figure:
    """One line of the table: a measurement, its baseline, and the target where the issue sets one.

    The target is an upper limit, on the value itself (`limit`, in the figure's unit) or, with
    `on_ratio`, on value ÷ baseline.
    """

    bench: str
    name: str
    value: float | None
    baseline: float | None
    baseline_name: str
    unit: str = ""
    limit: float | None = None
    on_ratio: bool = False

    @property
    def ratio_value(self) -> float | None:
        if self.value is None or not self.baseline or _nan(self.value) or _nan(self.baseline):
            return None
        return self.value / self.baseline

    @property
    def ratio(self) -> str:
        ratio = self.ratio_value
        if ratio is None:
            return "n/a"
        return f"{ratio:.2f}x" if abs(ratio) >= 0.01 else f"{ratio:.1e}x"

    @property
    def target(self) -> str:
        if self.limit is None:
            return ""
        return f"≤ {self.limit:g}x" if self.on_ratio else f"≤ {_number(self.limit, self.unit)}"

    @property
    def missed(self) -> bool:
        """Above its target, or not measured although it has one."""
        if self.limit is None:
            return False
        measured = self.ratio_value if self.on_ratio else self.value
        return measured is None or _nan(measured) or measured > self.limit


def _nan(value: float) -> bool:
    return value != value


def run(script: str, args: Sequence[str]) -> str:
    """Run one benchmark script from the repository root; its output is echoed and returned."""
    command = [sys.executable, str(BENCH_DIR / script), *args]
    print(f"$ {' '.join(command[1:])}", flush=True)
    completed = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, check=False)
    print(completed.stdout, end="", flush=True)
    if completed.returncode != 0:
        # 1 can mean "ran, missed a target" (routes, load); the figures are still collected.
        print(completed.stderr[-3000:], file=sys.stderr, flush=True)
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"{script} failed with exit code {completed.returncode}")
    return completed.stdout


def routes(quick: bool) -> list[Figure]:
    """Route engine against plain searoute calls, every service and scenario (cold and warm)."""
    output = run("routes.py", ["--repeat", "2" if quick else "5"])
    row = next(line for line in output.splitlines() if line.strip().startswith("all "))
    cells = [cell.strip() for cell in row.split("|")]
    base_cold, geo_cold, base_warm, geo_warm = (float(cells[i]) for i in (1, 2, 4, 5))
    return [
        Figure("routes", "all legs, cold", geo_cold, base_cold, "plain searoute, same legs", unit="s"),
        Figure("routes", "all legs, warm", geo_warm, base_warm, "plain searoute, same legs", "s", limit=1.0),
    ]


def first_paint(quick: bool) -> list[Figure]:
    """First paint of the overview in headless Chromium against bench/minimal_app."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "first_paint.json"
        runs = ["--runs", "1", "--changes", "1"] if quick else []
        run("first_paint.py", [*runs, "--json", str(path)])
        measured = json.loads(path.read_text())

    def median(app: str, value: Callable[[dict], float | None]) -> float | None:
        values = [v for v in map(value, measured[app]) if v is not None]
        return statistics.median(values) if values else None

    def page_bytes(measurement: dict) -> float:
        return float(sum(measurement["bytes_by_part"].values()))

    changes = [c["server_ms"] for m in measured["app"] for c in m["changes"] if c["server_ms"] is not None]
    return [
        Figure(
            "first paint",
            "map painted",
            median("app", lambda m: m["first_paint_s"]),
            median("baseline", lambda m: m["first_paint_s"]),
            "bench/minimal_app",
            "s",
            limit=1.3,
            on_ratio=True,
        ),
        Figure(
            "first paint",
            "page bytes",
            median("app", page_bytes),
            median("baseline", page_bytes),
            "bench/minimal_app",
            "B",
            # Straight from Streamlit, uncompressed; through the proxy: the `replicas` benchmark.
        ),
        Figure(
            "first paint",
            "language change (server)",
            statistics.median(changes) if changes else None,
            None,
            "none measured",
            "ms",
            limit=150.0,
        ),
    ]


def rerun(quick: bool) -> list[Figure]:
    """The server's CPU time for one warm script run, per action of the viewers' scenario (AppTest)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rerun.json"
        run("rerun.py", ["--repeat", "2" if quick else "5", "--json", str(path)])
        medians = json.loads(path.read_text(encoding="utf-8"))
    slowest = max(medians, key=lambda action: medians[action]["cpu_ms"])
    switches = [m["cpu_ms"] for action, m in medians.items() if action.startswith("language")]
    return [
        Figure("rerun", f"slowest: {slowest}", medians[slowest]["cpu_ms"], None, "none", "ms", limit=150.0),
        Figure("rerun", "language switch", max(switches), None, "none", "ms", limit=150.0),
        Figure("rerun", "mean of the scenario",
               statistics.fmean(m["cpu_ms"] for m in medians.values()), None, "none", "ms"),
    ]


def load(quick: bool) -> list[Figure]:
    """N viewers over the WebSocket against one server."""
    return _load_figures("load", ["--sessions", "10"] if quick else [])


def replicas(quick: bool) -> list[Figure]:
    """200 viewers on 2 replicas behind the real proxy, against the same viewers on one replica."""
    return _load_figures("replicas", ["--replicas", "2", "--sessions", "10" if quick else "200"])


def _load_figures(bench: str, args: Sequence[str]) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "load.json"
        run("load.py", [*args, "--json", str(path)])
        rows = json.loads(path.read_text())["rows"]
    units = {"MB per session": "MB", "errors": "", "viewers moved": "", "page bytes": "B",
             "page bytes, HTTP": "B"}
    return [
        Figure(
            bench,
            row["figure"],
            row["value"],
            row["baseline"],
            row["baseline_name"],
            units.get(row["figure"], "ms"),
            limit=None if row["target"] is None else float(row["target"]),
        )
        for row in rows
    ]


def comparison(quick: bool) -> list[Figure]:
    """The corridor comparison of every preset, warm, against the sea service plan of the same run."""
    output = run("compare.py", ["--repeat", "5" if quick else "20"])
    row = next(line for line in output.splitlines() if line.strip().startswith("all presets, warm"))
    cells = [cell.strip() for cell in row.split("|")]
    value, baseline = float(cells[1]), float(cells[2])
    return [
        Figure("compare", "all presets, warm", value, baseline, "plan_service, sea service", "< 150 ms", "ms")
    ]


BENCHMARKS: dict[str, Callable[[bool], list[Figure]]] = {
    "routes": routes,
    "first_paint": first_paint,
    "rerun": rerun,
    "load": load,
    "replicas": replicas,
    "compare": comparison,
}


def _number(value: float | None, unit: str) -> str:
    if value is None or _nan(value):
        return "n/a"
    if unit == "B":
        return f"{value / 1e6:.2f} MB"
    if unit == "s":
        return f"{value * 1000:.3g} ms" if value < 0.1 else f"{value:.2f} s"
    return f"{value:,.1f} {unit}".rstrip() if unit == "MB" else f"{value:,.0f} {unit}".rstrip()


def print_table(figures: Sequence[Figure]) -> None:
    print("\n" + "=" * 110)
    columns = ("benchmark", "figure", "value", "baseline", "ratio", "target")
    widths = (-12, -26, 12, 12, 8, 9)
    header = " ".join(f"{c:<{-w}}" if w < 0 else f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    header += "  baseline is"
    print(header)
    print("-" * len(header))
    for f in figures:
        print(
            f"{f.bench:12} {f.name:26} {_number(f.value, f.unit):>12} {_number(f.baseline, f.unit):>12} "
            f"{f.ratio:>8} {f.target:>9}  {f.baseline_name}{'   MISSED' if f.missed else ''}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated: " + ", ".join(BENCHMARKS)
    )
    parser.add_argument("--quick", action="store_true", help="shorter runs, for a smoke check")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    figures: list[Figure] = []
    failed: list[str] = []
    for name in chosen:
        try:
            figures += BENCHMARKS[name](args.quick)
        except (RuntimeError, OSError, ValueError, KeyError, StopIteration) as error:
            failed.append(f"{name}: {error}")
    print_table(figures)
    missed = [f"{f.bench}: {f.name}" for f in figures if f.missed]
    for line in failed:
        print(f"FAILED {line}")
    if missed:
        print(f"MISSED {len(missed)} target(s): " + "; ".join(missed))
    elif not failed:
        print("every target met")
    return 1 if failed or missed else 0


if __name__ == "__main__":
    sys.exit(main())
