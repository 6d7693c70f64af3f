"""Where the curated data lives. Only `loaders/` knows these paths."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_DIR / "data"
DATAPACKAGE_PATH = DATA_DIR / "datapackage.json"
TEMPLATES_DIR = DATA_DIR / "templates"
# Points the app (and the validator) at another data directory, e.g. a deployment's own copy, or a
# broken one in the fault tests. The schema always comes from the embedded datapackage.json.
DATA_DIR_ENV = "CORRIDOR_ATLAS_DATA_DIR"


def resolve_data_dir(data_dir: Path | str | None) -> Path:
    """The data directory to read: the one given, else $CORRIDOR_ATLAS_DATA_DIR, else the embedded one."""
    if data_dir is not None:
        return Path(data_dir)
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(override) if override else DATA_DIR
