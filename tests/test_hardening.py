"""Limits and settings that the README's hardening section promises, checked where they are set."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import REPO_DIR
from streamlit.testing.v1 import AppTest

from loaders.uploads import MAX_FILE_BYTES

CONFIG = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_the_server_refuses_uploads_above_the_apps_own_limit() -> None:
    """Streamlit's default is 200 MB: without this, a big file is received and held before the page
    refuses it. The setting is in whole MB; the app's limit is 1 MiB."""
    assert CONFIG["server"]["maxUploadSize"] * 1_048_576 == MAX_FILE_BYTES


def test_streamlit_reads_the_settings_as_meant() -> None:
    """Streamlit itself parses .streamlit/config.toml (in its own process, from the repository, as
    `make run` does): a misspelt section or option would be ignored with only a log line. The upload
    route answers 413 above server.maxUploadSize (streamlit/web/server/starlette/starlette_routes.py)."""
    script = (
        "from streamlit import config; config.get_config_options(force_reparse=True); "
        "print([config.get_option(o) for o in "
        "('server.maxUploadSize', 'client.showErrorDetails', 'client.disableDataExport')])"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_DIR, capture_output=True, text=True, timeout=120, check=True
    )
    assert completed.stdout.strip().splitlines()[-1] == str([MAX_FILE_BYTES // 1_048_576, "none", True])


def test_visitors_never_see_error_details() -> None:
    """Streamlit's default ("full") shows tracebacks with server paths; "none" shows a generic message
    for what app.py's incident guard cannot wrap (widget callbacks)."""
    assert CONFIG["client"]["showErrorDetails"] == "none"


SECRET_DETAIL = "/srv/corridor-atlas/secret_path.py: token=hunter2"


def _failing_page_app() -> None:
    """Runs inside AppTest: the incident guard around code that raises."""
    from ui.errors import incidents_reported

    with incidents_reported():
        raise RuntimeError("/srv/corridor-atlas/secret_path.py: token=hunter2")


def _all_text(at: AppTest) -> str:
    return "\n".join(str(element.proto) for element in at.main)


def test_an_error_is_an_incident_id_on_the_page_and_a_traceback_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="corridor_atlas.incidents"):
        at = AppTest.from_function(_failing_page_app, default_timeout=60).run()
    assert not at.exception
    [error] = at.error
    incident = re.search(r"Incident ([0-9a-f]{8})", error.value)
    assert incident, error.value
    assert "secret_path" not in _all_text(at) and "hunter2" not in _all_text(at)
    [record] = [r for r in caplog.records if r.name == "corridor_atlas.incidents"]
    assert incident.group(1) in record.getMessage()
    assert record.exc_info is not None and SECRET_DETAIL in str(record.exc_info[1])


def test_a_page_that_raises_shows_an_incident_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Through the router: a failure deep in a page reaches the visitor as an incident id only."""
    import atlas.model

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(atlas.model, "sea_services", broken)
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=120)
    at.switch_page("app_pages/sea_services.py")
    with caplog.at_level(logging.ERROR, logger="corridor_atlas.incidents"):
        at.run()
    assert not at.exception
    assert any(re.search(r"Incident [0-9a-f]{8}", error.value) for error in at.error)
    assert "hunter2" not in _all_text(at)
    assert any(SECRET_DETAIL in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


README = (REPO_DIR / "README.md").read_text(encoding="utf-8")
HARDENING = (REPO_DIR / "docs" / "HARDENING.md").read_text(encoding="utf-8")


def test_the_readme_states_the_limits_the_tests_enforce() -> None:
    from loaders.uploads import MAX_COLUMNS, MAX_PROBLEMS_SHOWN, MAX_ROWS
    from ui.auth import IP_MAX_FAILURES, LOCK_SECONDS, MAX_FAILURES

    limits = " ".join(README[README.index("### Limits") :].split("\n### ")[0].split())
    for stated in (
        f"{MAX_FILE_BYTES // 1_048_576} MiB",
        f"{MAX_ROWS} rows",
        f"{MAX_COLUMNS} columns",
        f"first {MAX_PROBLEMS_SHOWN}",
        f"{MAX_FAILURES} wrong passcodes a session",
        f"{IP_MAX_FAILURES} an address",
        f"{LOCK_SECONDS:g} s locked",
        "docs/HARDENING.md",
    ):
        assert stated in limits, stated
    for constant in ("MAX_FILE_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_PROBLEMS_SHOWN", "IP_MAX_FAILURES"):
        assert constant in HARDENING, constant
