"""Shared fixtures. Nothing here touches the network."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# No test reads or writes the repository's .cache/ (a stale entry must not hide a code change from a
# test), and no background thread routes while a test patches searoute. Tests of the caches switch
# them on for themselves (tests/test_cache.py). Set before any app process starts: servers started
# by the browser tests inherit the environment.
os.environ.setdefault("CORRIDOR_ATLAS_CACHE_DIR", "off")
os.environ.setdefault("CORRIDOR_ATLAS_WARM_UP", "0")

REPO_DIR = Path(__file__).resolve().parents[1]
TEST_DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture
def minimal_data_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/data/minimal: a tiny valid data directory (2–5 rows a table)."""
    target = tmp_path / "data"
    shutil.copytree(TEST_DATA_DIR / "minimal", target)
    return target
