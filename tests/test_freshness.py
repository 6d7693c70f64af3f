"""Status freshness: stale statuses listed by table and row, per-table oldest/newest, and the CLI."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from conftest import REPO_DIR

import loaders
from atlas.status_text import date_with_qualifier, status_with_as_of
from loaders.freshness import freshness_summary, stale_statuses, status_tables


@pytest.fixture
def minimal_tables(minimal_data_dir) -> loaders.Tables:
    result = loaders.load_all(minimal_data_dir, geography=False, interface=False)
    assert result.problems == ()
    return result.tables


def test_every_table_with_a_status_is_checked() -> None:
    assert status_tables() == ["places", "gate_pairs", "services", "corridors"]


def test_a_status_older_than_the_limit_is_listed_with_its_row(minimal_tables: loaders.Tables) -> None:
    # The minimal fixture dates its statuses 2024-08-27 (places, pairs, corridors) and 2025-02-18.
    stale = stale_statuses(minimal_tables, dt.date(2025, 9, 1), max_age_days=365)
    assert {(entry.table, entry.row_id) for entry in stale} == {
        ("places", "qinzhou"),
        ("places", "kolkata"),
        ("places", "huu_nghi"),
        ("places", "youyiguan"),
        ("places", "tan_vu"),
        ("gate_pairs", "huu_nghi__youyiguan"),
        ("corridors", "road_hanoi_huu_nghi"),
    }
    pair = next(entry for entry in stale if entry.table == "gate_pairs")
    assert (pair.row, pair.status, pair.as_of, pair.age_days) == (2, "operating", "2024-08-27", 370)
    assert str(pair.as_problem(365)).startswith(
        "gate_pairs.csv:2:status_as_of: huu_nghi__youyiguan: status 'operating' dated 2024-08-27 "
        "is 370 days old"
    )


def test_nothing_is_stale_within_the_limit(minimal_tables: loaders.Tables) -> None:
    assert stale_statuses(minimal_tables, dt.date(2025, 8, 27), max_age_days=365) == []


def test_a_partial_date_counts_from_its_first_day(minimal_tables: loaders.Tables) -> None:
    """2023-11 may mean 30 November: it is still treated as 1 November, never fresher than it can be."""
    services = minimal_tables.services.copy()
    services["status_as_of"] = "2024-08"
    changed = loaders.Tables(**{**minimal_tables.__dict__, "services": services})
    entry = next(e for e in stale_statuses(changed, dt.date(2025, 8, 5), 365) if e.table == "services")
    assert entry.age_days == 369


def test_summary_gives_oldest_newest_and_count_per_table(minimal_tables: loaders.Tables) -> None:
    summary = {entry.table: entry for entry in freshness_summary(minimal_tables, dt.date(2025, 9, 1))}
    places = summary["places"]
    assert (places.statuses, places.oldest, places.newest, places.stale) == (5, "2024-08-27", "2024-08-27", 5)
    services = summary["services"]
    assert (services.statuses, services.oldest, services.newest, services.stale) == (
        1,
        "2025-02-18",
        "2025-02-18",
        0,
    )


def test_the_embedded_data_has_current_and_old_statuses() -> None:
    """Real data on 2026-12-01: the Hữu Nghị pair is current, the suspended gates of 2023 need checking."""
    tables = loaders.load_all(geography=False).tables
    today = dt.date(2026, 12, 1)
    stale = {(entry.table, entry.row_id) for entry in stale_statuses(tables, today)}
    assert ("gate_pairs", "binh_nghi__pingerguan") in stale
    assert ("gate_pairs", "huu_nghi__youyiguan") not in stale
    pairs = next(entry for entry in freshness_summary(tables, today) if entry.table == "gate_pairs")
    assert (pairs.oldest, pairs.newest) == ("2023-10-31", "2026-02-16")


def test_status_is_shown_with_its_date() -> None:
    t = loaders_translator("vi")
    assert status_with_as_of(t, "suspended", "2023-10-31") == "tạm dừng · tính đến 2023-10-31"
    assert status_with_as_of(t, "operating", None) == "đang hoạt động"
    assert status_with_as_of(t, None, "2023-10-31") == ""


def loaders_translator(language: str):
    from atlas.i18n import Translator

    return Translator(loaders.load_translations(), language)


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loaders.validate", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_lists_stale_statuses_as_warnings_and_exits_zero() -> None:
    completed = _run_cli("--stale", "365")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert re.search(r"all \d+ tables valid$", lines[0]), lines[0]
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert warnings, "the 2023 statuses of Bình Nghi and Pò Nhùng are older than 365 days"
    expected = "binh_nghi__pingerguan: status 'suspended' dated 2023-10-31"
    assert any(line.startswith("warning: gate_pairs.csv:") and expected in line for line in warnings)
    assert lines[-1] == f"{len(warnings)} status(es) older than 365 days (warnings; the data is valid)"
    assert completed.stderr == ""


def test_cli_without_stale_prints_no_warnings() -> None:
    completed = _run_cli()
    assert completed.returncode == 0
    assert "warning:" not in completed.stdout


@pytest.mark.parametrize("args", [("--stale",), ("--stale", "soon"), ("--fresh",)])
def test_cli_rejects_bad_arguments(args: tuple[str, ...]) -> None:
    completed = _run_cli(*args)
    assert completed.returncode == 2
    assert "--stale DAYS" in completed.stdout


def test_a_date_known_only_from_the_article_says_on_or_before() -> None:
    t = loaders_translator("en")
    assert date_with_qualifier(t, "2023-10-31", "on_or_before") == "on or before 2023-10-31"
    assert date_with_qualifier(t, "2024-08-27", "on") == "2024-08-27"
    assert date_with_qualifier(t, None, "on") == ""
    agreements = loaders.load_agreements().set_index("agreement_id")
    assert agreements.loc["talks_dong_dang_pingxiang_2023", "date_qualifier"] == "on_or_before"
