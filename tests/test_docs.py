"""The documentation names every page and every data resource (model: datasette tests/test_docs.py)."""

from __future__ import annotations

import re

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
