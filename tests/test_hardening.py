"""Limits and settings that the README's hardening section promises, checked where they are set."""

from __future__ import annotations

import tomllib

from conftest import REPO_DIR

from loaders.uploads import MAX_FILE_BYTES

CONFIG = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_the_server_refuses_uploads_above_the_apps_own_limit() -> None:
    """Streamlit's default is 200 MB: without this, a big file is received and held before the page
    refuses it. The setting is in whole MB; the app's limit is 1 MiB."""
    assert CONFIG["server"]["maxUploadSize"] * 1_048_576 == MAX_FILE_BYTES
