"""Server time of one warm script run, per action of the load scenario (bench/load.py), in-process.

    python bench/rerun.py [--repeat 5] [--profile FILE.pstats] [--only ACTION] [--top 30] [--json FILE]

Runs `app.py` with Streamlit's AppTest (the real script, its caches and widgets, no browser, no
WebSocket), goes once through the viewers' scenario to warm every cache, then repeats the scenario
`--repeat` times and reports, per action, the median wall time and CPU time of the script run
(AppTest's own bookkeeping included, so it is an upper bound of what the server's script thread
spends; scripts are compiled once, as the server does). With --profile the warm repeats (or only
the actions whose name contains --only) run under cProfile, the stats are saved and the functions
with the most own time are printed. Target (issue 13): every widget, a language switch included,
reruns in ≤ 150 ms on the server.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO_DIR = Path(__file__).resolve().parents[1]
TARGET_MS = 150.0

Action = Callable[[AppTest], AppTest]

# The same ten runs a viewer of bench/load.py asks for, in the same order.
SCENARIO: tuple[tuple[str, Action], ...] = (
    ("open overview", lambda at: at.switch_page("app_pages/overview.py")),
    ("language → vi", lambda at: at.selectbox(key="lang").set_value("vi")),
    ("open sea services", lambda at: at.switch_page("app_pages/sea_services.py")),
    ("speed → 18 kn", lambda at: at.slider(key="speed").set_value(18.0)),
    ("open border gates", lambda at: at.switch_page("app_pages/border_gates.py")),
    ("open cargo", lambda at: at.switch_page("app_pages/cargo.py")),
    ("search cargo", lambda at: at.text_input(key="cargo_query").set_value("gỗ")),
    ("open your data", lambda at: at.switch_page("app_pages/your_data.py")),
    ("open overview again", lambda at: at.switch_page("app_pages/overview.py")),
    ("language → en", lambda at: at.selectbox(key="lang").set_value("en")),
)


PROFILED: dict[str, bool] = {"now": False}


def go_through(
    at: AppTest, timings: dict[str, list[tuple[float, float]]] | None = None, profile_only: str = ""
) -> None:
    for action, how in SCENARIO:
        how(at)
        PROFILED["now"] = timings is not None and profile_only in action
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if at.exception:
            raise RuntimeError(f"{action}: {at.exception[0].message}")
        if timings is not None:
            timings.setdefault(action, []).append((wall * 1000, cpu * 1000))


def _share_compiled_scripts() -> None:
    """Compile each script once, as the server does (one ScriptCache per runtime): AppTest makes a new
    cache for every run, which would add ~10 ms of compiling to each run measured here."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared: dict = {}
    make = ScriptCache.__init__

    def sharing(self) -> None:
        make(self)
        self._cache = shared

    ScriptCache.__init__ = sharing


def _profile_script_thread(profiler: cProfile.Profile) -> None:
    """Profile every script run from now on: AppTest runs the script in a thread of its own, which a
    profiler enabled in the main thread does not see."""
    from streamlit.runtime.scriptrunner import script_runner

    run_script = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):
        if not PROFILED["now"]:
            return run_script(self, rerun_data)
        profiler.enable()
        try:
            return run_script(self, rerun_data)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = profiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="save cProfile stats of the warm runs here")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", default="", help="profile only the actions whose name contains this")
    parser.add_argument("--json", type=Path, help="also write {action: {wall_ms, cpu_ms}} (medians) here")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO_DIR))
    _share_compiled_scripts()
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=300)
    at.run()
    go_through(at)  # cold: imports, data, routes, every language's records
    timings: dict[str, list[tuple[float, float]]] = {}
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        _profile_script_thread(profiler)
    for _ in range(args.repeat):
        go_through(at, timings, args.only)
    if profiler:
        profiler.dump_stats(args.profile)

    print(f"{'action':24} {'wall ms':>9} {'cpu ms':>8}   (median of {args.repeat} warm runs)")
    missed = []
    medians: dict[str, dict[str, float]] = {}
    for action, runs in timings.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[action] = {"wall_ms": wall, "cpu_ms": cpu}
        mark = "" if cpu <= TARGET_MS else "  MISSED"
        missed += [action] if mark else []
        print(f"{action:24} {wall:9.1f} {cpu:8.1f}{mark}")
    if args.json:
        args.json.write_text(json.dumps(medians, ensure_ascii=False, indent=1), encoding="utf-8")
    all_cpu = [c for runs in timings.values() for _, c in runs]
    print(f"{'mean of all runs':24} {'':9} {statistics.fmean(all_cpu):8.1f}")
    if profiler:
        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(args.top)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
