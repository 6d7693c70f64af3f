"""Shared fixtures. Nothing here touches the network."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[1]
TEST_DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture
def minimal_data_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/data/minimal: a tiny valid data directory (2–5 rows a table)."""
    target = tmp_path / "data"
    shutil.copytree(TEST_DATA_DIR / "minimal", target)
    return target
