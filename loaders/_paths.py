"""Where the curated data lives. Only `loaders/` knows these paths."""

from __future__ import annotations

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_DIR / "data"
DATAPACKAGE_PATH = DATA_DIR / "datapackage.json"


def resolve_data_dir(data_dir: Path | str | None) -> Path:
    """The data directory to read: the embedded one unless another is given."""
    return DATA_DIR if data_dir is None else Path(data_dir)
