"""The documentation names every page and every data resource (model: datasette tests/test_docs.py)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import REPO_DIR

from loaders._schema import table_schemas

README = (REPO_DIR / "README.md").read_text(encoding="utf-8")
DATA_README = (REPO_DIR / "data" / "README.md").read_text(encoding="utf-8")
PAGES = sorted(path.name for path in (REPO_DIR / "app_pages").glob("*.py"))
APP = (REPO_DIR / "app.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_in_the_readme_and_the_router(page: str) -> None:
    assert f"app_pages/{page}" in README
    assert f'"app_pages/{page}"' in APP


@pytest.mark.parametrize("resource", list(table_schemas().values()), ids=lambda r: r.name)
def test_every_table_is_documented(resource) -> None:
    assert f"`{resource.path}`" in README
    assert resource.path in DATA_README


def test_quick_start_is_two_commands() -> None:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_DIR / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_readme_states_the_scope() -> None:
    assert "not for navigation" in README


# --- A newcomer's path: every command in the docs works as written on a fresh clone ------------------

DOCS = {
    "README.md": README,
    "data/README.md": DATA_README,
    "data/tours/README.md": (REPO_DIR / "data" / "tours" / "README.md").read_text(encoding="utf-8"),
    "BENCHMARKS.md": (REPO_DIR / "BENCHMARKS.md").read_text(encoding="utf-8"),
    **{f"docs/{p.name}": p.read_text(encoding="utf-8") for p in sorted((REPO_DIR / "docs").glob("*.md"))},
}
MAKEFILE = (REPO_DIR / "Makefile").read_text(encoding="utf-8")
MAKE_TARGETS = set(re.findall(r"^([\w-]+):", MAKEFILE, re.M))


@pytest.mark.parametrize("name", sorted(DOCS))
def test_documented_make_targets_exist(name: str) -> None:
    text = DOCS[name]
    used = set(re.findall(r"`make ([\w-]+)", text)) | set(re.findall(r"^make ([\w-]+)", text, re.M))

    assert used <= MAKE_TARGETS, f"{name} names make targets the Makefile lacks: {used - MAKE_TARGETS}"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_no_command_needs_an_activated_venv(name: str) -> None:
    """A bare `python …` or `streamlit …` fails on a fresh clone: use make or .venv/bin/…."""
    bare = re.findall(r"(?<![\w/.\-])(?:python3?|streamlit|pytest|pip) (?:-m )?[\w./-]+", DOCS[name])

    assert bare == [], f"{name}: {bare}"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_no_extra_install_is_asked_for(name: str) -> None:
    # requirements.txt already has Authlib, which is all streamlit[auth] adds.
    assert "streamlit[auth]" not in DOCS[name]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_linked_files_exist(name: str) -> None:
    base = (REPO_DIR / name).parent
    links = [link.split("#")[0] for link in re.findall(r"\]\(([^)\s]+)\)", DOCS[name])]
    local = [link for link in links if link and "://" not in link]
    tests = re.findall(r"`(tests/[\w/]+\.py)", DOCS[name])

    assert [link for link in local if not (base / link).exists()] == []
    assert [path for path in tests if not (REPO_DIR / path).is_file()] == []


def test_layout_lists_every_top_level_directory() -> None:
    block = re.search(r"## Layout\s+```\n(.*?)```", README, re.S)
    assert block is not None
    listed = {line.split()[0].split("/")[0] for line in block.group(1).splitlines() if line.strip()}
    present = {p.name for p in REPO_DIR.iterdir() if p.is_dir() and not p.name.startswith(".")}
    present |= {".ci", ".streamlit"}
    ignored = {"__pycache__", "node_modules", "venv"}

    assert present - ignored <= listed, present - ignored - listed


def test_quick_start_says_what_a_newcomer_needs_to_know() -> None:
    start = README.index("## Quick start")
    quick_start = README[start:README.index("\n## ", start + 1)]

    for needed in ("Ctrl+C", "PORT=", "package index", "30 s", "minutes", "http://localhost:8501"):
        assert needed in quick_start, needed
    assert README.index("## Who it is for") < start


def test_run_passes_the_port_so_streamlit_cannot_move_to_another() -> None:
    assert re.search(r"^PORT \?= 8501$", MAKEFILE, re.M)
    (recipe,) = re.findall(r"^\t(.*streamlit run app\.py.*)$", MAKEFILE, re.M)
    assert "--server.port $(PORT)" in recipe


def test_make_run_port_reaches_streamlit() -> None:
    """`make -n` prints the commands it would run, with PORT=8600 in place."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    dry = subprocess.run([make, "-n", "run", "PORT=8600"], cwd=REPO_DIR, capture_output=True, text=True,
                         check=True, timeout=60)

    assert "-m streamlit run app.py --server.port 8600" in dry.stdout


def test_in_app_hints_name_make_targets() -> None:
    hints = [(REPO_DIR / "ui" / "widgets.py").read_text(encoding="utf-8"),
             (REPO_DIR / "data" / "translations.csv").read_text(encoding="utf-8")]

    assert "make validate" in hints[0]
    assert "python -m loaders" not in hints[0] + hints[1]


def test_pytest_reports_the_slowest_tests() -> None:
    pyproject = (REPO_DIR / "pyproject.toml").read_text(encoding="utf-8")

    assert re.search(r'^addopts = ".*--durations=10', pyproject, re.M)
