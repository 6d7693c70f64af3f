"""The validator: clean on the real data, and an exact, actionable message for each broken directory."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_DIR, TEST_DATA_DIR

from loaders import DATA_DIR, validate_data_dir

BROKEN_DIR = TEST_DATA_DIR / "broken"
BROKEN_CASES = sorted(path.name for path in BROKEN_DIR.iterdir() if path.is_dir())
# Fixed so that 'in the future' means the same thing whenever the suite runs.
TODAY = dt.date(2026, 11, 22)
# tests/data/minimal holds a stub translations.csv: its cases are about data, not the app's text
# (tests/test_invariant.py checks that on copies of data/).
DATA_ONLY = {"today": TODAY, "interface": False}


def _broken_copy(case: str, tmp_path: Path) -> Path:
    """tests/data/minimal with the case's files laid over it."""
    target = tmp_path / "data"
    shutil.copytree(TEST_DATA_DIR / "minimal", target)
    for path in (BROKEN_DIR / case).iterdir():
        if path.name == "_delete.txt":
            for name in path.read_text(encoding="utf-8").split():
                (target / name).unlink()
        elif path.name != "expected.txt":
            shutil.copy(path, target / path.name)
    return target


def test_embedded_data_is_valid() -> None:
    result = validate_data_dir(DATA_DIR)
    assert [str(p) for p in result.problems] == []
    assert len(result.tables) == 12


def test_minimal_fixture_is_valid(minimal_data_dir: Path) -> None:
    """The base of every broken case must itself be clean, or a case could pass for the wrong reason."""
    assert [str(p) for p in validate_data_dir(minimal_data_dir, **DATA_ONLY).problems] == []


def test_corpus_has_at_least_fifteen_cases() -> None:
    assert len(BROKEN_CASES) >= 15


@pytest.mark.parametrize("case", BROKEN_CASES)
def test_broken_directory_gives_its_exact_messages(case: str, tmp_path: Path) -> None:
    expected = (BROKEN_DIR / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    problems = validate_data_dir(_broken_copy(case, tmp_path), **DATA_ONLY).problems
    assert [str(p) for p in problems] == expected
    assert expected, "a broken case must produce at least one problem"


def test_every_message_has_location_and_advice(tmp_path: Path) -> None:
    """`file:row:field: what — what to do` for every problem of every case."""
    for case in BROKEN_CASES:
        for problem in validate_data_dir(_broken_copy(case, tmp_path / case), **DATA_ONLY).problems:
            text = str(problem)
            assert text.startswith(problem.file + ":"), text
            assert " — " in text and problem.action, text


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loaders.validate", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_exits_zero_on_clean_data() -> None:
    completed = _run_cli()
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "all 12 tables valid" in completed.stdout
    assert completed.stderr == ""


def test_cli_prints_every_problem_and_exits_one(tmp_path: Path) -> None:
    directory = _broken_copy("gate_on_wrong_side", tmp_path)
    # The command line always checks the app's text: give the stub fixture the real translations.
    shutil.copy(DATA_DIR / "translations.csv", directory / "translations.csv")
    completed = _run_cli(str(directory))
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert (
        lines[:2]
        == (BROKEN_DIR / "gate_on_wrong_side" / "expected.txt").read_text(encoding="utf-8").splitlines()
    )
    assert lines[-1] == f"2 problem(s) in {directory}"
    assert "Traceback" not in completed.stdout + completed.stderr


def test_cli_rejects_a_missing_directory(tmp_path: Path) -> None:
    completed = _run_cli(str(tmp_path / "nowhere"))
    assert completed.returncode == 1
    assert "not a directory" in completed.stdout
