"""`python -m bench` marks every missed target and exits 1 when one is missed (bench/__main__.py)."""

from __future__ import annotations

import pytest

import bench.__main__ as bench_main
from bench.__main__ import Figure


def figure(value: float | None, *, limit: float | None = None, baseline: float | None = 1.0,
           on_ratio: bool = False) -> Figure:
    return Figure("b", "f", value, baseline, "base", "ms", limit=limit, on_ratio=on_ratio)


@pytest.mark.parametrize(
    ("value", "limit", "on_ratio", "missed"),
    [
        (500.0, 500.0, False, False),  # at the target: met
        (501.0, 500.0, False, True),
        (1.2, 1.3, True, False),  # ratio to the baseline of 1.0
        (1.4, 1.3, True, True),
        (None, 500.0, False, True),  # not measured: cannot be called met
        (float("nan"), 500.0, False, True),
        (9e9, None, False, False),  # no target
    ],
)
def test_a_figure_is_missed_above_its_target_or_unmeasured(value, limit, on_ratio, missed) -> None:
    assert figure(value, limit=limit, on_ratio=on_ratio).missed is missed


def test_ratio_target_without_a_baseline_is_missed() -> None:
    assert figure(1.0, limit=1.5, baseline=None, on_ratio=True).missed


def run_with(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             figures: list[Figure]) -> tuple[int, str]:
    monkeypatch.setattr(bench_main, "BENCHMARKS", {"fake": lambda quick: figures})
    code = bench_main.main(["--only", "fake"])
    return code, capsys.readouterr().out


def test_exit_code_is_1_and_the_row_is_marked_when_a_target_is_missed(monkeypatch, capsys) -> None:
    code, out = run_with(monkeypatch, capsys, [figure(100.0, limit=150.0),
                                               Figure("b", "p95", 900.0, 60.0, "base", "ms", limit=500.0)])

    assert code == 1
    (missed_row,) = [line for line in out.splitlines() if line.endswith("MISSED")]
    assert " p95 " in missed_row
    assert "MISSED 1 target(s): b: p95" in out


def test_exit_code_is_0_when_every_target_is_met(monkeypatch, capsys) -> None:
    code, out = run_with(monkeypatch, capsys, [figure(100.0, limit=150.0), figure(3.0)])

    assert code == 0
    assert "every target met" in out and "MISSED" not in out
