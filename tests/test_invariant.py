"""The validator's promise: if `python -m loaders.validate` accepts a data directory, every page draws.

Each case below is a copy of data/ with one change that once passed the validator and then crashed a
page (a KeyError for a missing translation, "origin and destination coincide", an OverflowError, a
sea route drawn inland, "every inf days"). A case must now either be rejected, with its message, or
render every page without an exception. The pages run in a separate process over the copy
(CORRIDOR_ATLAS_DATA_DIR): AppTest runs in one process share st.cache_resource, which holds the data.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO_DIR

from loaders import DATA_DIR, validate_data_dir
from loaders._paths import DATA_DIR_ENV

PAGES = sorted(path.name for path in (REPO_DIR / "app_pages").glob("*.py"))
# Runs in the child process: every page through the router, each in a fresh session.
RENDER_EVERY_PAGE = """
import json, sys, warnings
from streamlit.testing.v1 import AppTest
warnings.simplefilter("ignore")
failures = {}
for page in sys.argv[1:]:
    at = AppTest.from_file("app.py", default_timeout=300)
    at.switch_page(f"app_pages/{page}").run()
    if at.exception:
        failures[page] = [e.message for e in at.exception]
    elif at.error and "problem(s)" in at.error[0].value:
        failures[page] = ["the app reports data problems the validator did not"]
print(json.dumps(failures))
"""


def edit_rows(directory: Path, file: str, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Rewrite one CSV of the copy through `change`, keeping the header and the quoting style."""
    path = directory / file
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(file: str, match: dict[str, str], column: str, value: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        def change(rows: list[dict[str, str]]) -> None:
            hits = [row for row in rows if all(row[k] == v for k, v in match.items())]
            assert hits, f"no row of {file} matches {match}"
            for row in hits:
                row[column] = value

        edit_rows(directory, file, change)

    return apply


def delete_rows(file: str, match: dict[str, str]) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        def change(rows: list[dict[str, str]]) -> None:
            kept = [row for row in rows if not all(row[k] == v for k, v in match.items())]
            assert len(kept) < len(rows), f"no row of {file} matches {match}"
            rows[:] = kept

        edit_rows(directory, file, change)

    return apply


def several(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        for change in changes:
            change(directory)

    return apply


STOP_2 = {"service_id": "beibu_haiphong_kolkata", "stop_seq": "2"}
FIGURE = {"figure_id": "hp_new_industrial_parks"}
PLACE = {"id": "tan_vu"}
# case id → (change to a copy of data/, a text its rejection must contain; None: must be accepted)
CASES: dict[str, tuple[Callable[[Path], None], str | None]] = {
    "missing-translation": (
        delete_rows("translations.csv", {"key": "page.sea_services"}),
        "'page.sea_services'",
    ),
    "placeholder-in-translation": (
        several(
            *(
                set_cell("translations.csv", {"key": "page.overview"}, lang, "Overview {x}")
                for lang in ("en", "vi", "zh")
            )
        ),
        "{x} is not filled in by the app",
    ),
    "same-port-twice-in-a-row": (
        set_cell("service_stops.csv", STOP_2, "place_id", "qinzhou"),
        "at the same point",
    ),
    "sea-stop-at-a-city": (set_cell("service_stops.csv", STOP_2, "place_id", "lang_son"), "is a city"),
    "sea-stop-at-a-border-gate": (
        set_cell("service_stops.csv", STOP_2, "place_id", "huu_nghi"),
        "is a border gate",
    ),
    "precision-1e30": (set_cell("places.csv", PLACE, "coord_precision_m", str(10**30)), "out of range"),
    "precision-2-to-the-63": (set_cell("places.csv", PLACE, "coord_precision_m", str(2**63)), "out of range"),
    "figure-1e400": (set_cell("figures.csv", FIGURE, "value", "1e400"), "out of range"),
    "figure-infinity": (set_cell("figures.csv", FIGURE, "value", "Infinity"), "out of range"),
    "figure-nan": (set_cell("figures.csv", FIGURE, "value", "NaN"), "out of range"),
    "nul-in-a-name": (set_cell("places.csv", PLACE, "name_en", "Tan Vu\x00"), "(U+0000)"),
    "rlm-in-a-name": (set_cell("places.csv", PLACE, "name_en", "Tan Vu\u200f"), "(U+200F)"),
    "alm-in-a-name": (set_cell("places.csv", PLACE, "name_en", "\u061cTan Vu"), "(U+061C)"),
    "lrm-in-a-note": (set_cell("places.csv", PLACE, "notes", "x\u200ey"), "(U+200E)"),
    # Unusual but valid: at the edges of the bounds, right-to-left text without controls, Markdown.
    "valid-at-the-edges": (
        several(
            set_cell("places.csv", PLACE, "coord_precision_m", "1000000"),
            set_cell("places.csv", PLACE, "name_en", "ميناء [Tan Vu](https://example.invalid) $x$"),
            set_cell("figures.csv", FIGURE, "value", "1000000000000000"),
            set_cell("service_stops.csv", {"service_id": "beibu_haiphong_kolkata"}, "port_hours", "720"),
        ),
        None,
    ),
}


def render_every_page(directory: Path) -> dict[str, list[str]]:
    completed = subprocess.run(
        [sys.executable, "-c", RENDER_EVERY_PAGE, *PAGES],
        cwd=REPO_DIR,
        env={**os.environ, DATA_DIR_ENV: str(directory)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("change", "rejection"), CASES.values(), ids=CASES.keys())
def test_what_the_validator_accepts_every_page_can_draw(
    tmp_path: Path, change: Callable[[Path], None], rejection: str | None
) -> None:
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    change(directory)
    problems = [str(problem) for problem in validate_data_dir(directory).problems]
    if problems:
        assert rejection is not None, f"a valid case was rejected: {problems}"
        assert any(rejection in problem for problem in problems), problems
        return
    assert render_every_page(directory) == {}
    assert rejection is None, f"accepted, and every page drew; expected a rejection naming {rejection!r}"


def test_the_page_list_covers_the_router() -> None:
    routed = (REPO_DIR / "app.py").read_text(encoding="utf-8")
    assert [page for page in PAGES if f"app_pages/{page}" not in routed] == []
