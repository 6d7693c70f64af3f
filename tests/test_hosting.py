"""The container and hosting files, checked statically: no Docker engine runs on the build machine.

What is checked is what would break a deployment: the base image, the dependency install, the health
check against Streamlit's real endpoint, the start command, and what the build context leaves out.
"""

from __future__ import annotations

import json
import re
import shlex

import pytest
from conftest import REPO_DIR

DOCKERFILE = (REPO_DIR / "Dockerfile").read_text(encoding="utf-8")
DOCKERIGNORE = (REPO_DIR / ".dockerignore").read_text(encoding="utf-8")
HOSTING = (REPO_DIR / "docs" / "HOSTING.md").read_text(encoding="utf-8")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical = re.sub(r"\\\n", " ", text)
    pairs = []
    for line in logical.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), re.sub(r"\s+", " ", rest.strip())))
    return pairs


def exec_form(arguments: str) -> list[str]:
    """The argument list of a JSON ("exec") form instruction, or the shell words of a shell form."""
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


STEPS = instructions(DOCKERFILE)
IGNORED = [line.strip() for line in DOCKERIGNORE.splitlines() if line.strip() and not line.startswith("#")]


def only(keyword: str) -> str:
    found = [args for key, args in STEPS if key == keyword]
    assert len(found) == 1, f"expected one {keyword}, found {len(found)}"
    return found[0]


def test_instruction_parser_joins_continuations() -> None:
    assert instructions("# c\nRUN a \\\n    b\nEXPOSE 1\n") == [("RUN", "a b"), ("EXPOSE", "1")]


def test_base_image_is_python_3_11_slim() -> None:
    assert STEPS[0] == ("FROM", "python:3.11-slim")


def test_dependencies_install_from_requirements_before_the_app_is_copied() -> None:
    keys = [f"{key} {args}" for key, args in STEPS]
    install = keys.index("RUN pip install -r requirements.txt")

    assert keys.index("COPY requirements.txt .") < install < keys.index("COPY . .")


def test_export_fonts_are_installed() -> None:
    apt = next(args for key, args in STEPS if key == "RUN" and "apt-get install" in args)
    assert "fonts-noto-core" in apt and "fonts-noto-cjk" in apt
    assert "rm -rf /var/lib/apt/lists/*" in apt


def test_healthcheck_asks_streamlit_health_endpoint_with_python() -> None:
    healthcheck = only("HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD ")
    argv = exec_form(command.strip())

    assert argv[:2] == ["python", "-c"], "the slim image has no curl"
    assert "http://127.0.0.1:8501/_stcore/health" in argv[2]
    assert "b'ok'" in argv[2]
    compile(argv[2], "<healthcheck>", "exec")
    assert re.search(r"--start-period=\d+s", options)


def test_start_command_runs_the_router_on_all_interfaces() -> None:
    argv = exec_form(only("CMD"))

    assert argv[:3] == ["streamlit", "run", "app.py"]
    assert "--server.port=8501" in argv
    assert "--server.address=0.0.0.0" in argv
    assert only("EXPOSE") == "8501"


def test_container_runs_unprivileged_and_without_usage_stats() -> None:
    assert only("USER") not in ("root", "0")
    assert "STREAMLIT_BROWSER_GATHER_USAGE_STATS=false" in only("ENV")


@pytest.mark.parametrize(
    "pattern", [".git", ".venv", "tests/artifacts", ".streamlit/secrets.toml", "__pycache__"]
)
def test_dockerignore_keeps_local_state_and_secrets_out(pattern: str) -> None:
    assert pattern in IGNORED


@pytest.mark.parametrize("needed", ["app.py", "app_pages", "static", "data", ".streamlit/config.toml"])
def test_dockerignore_keeps_what_the_app_needs(needed: str) -> None:
    assert not any(needed == entry or needed.startswith(entry.rstrip("/") + "/") for entry in IGNORED)


@pytest.mark.parametrize(
    "text",
    [
        "docker build -t corridor-atlas .",
        "docker run --rm --name corridor-atlas -p 8501:8501 corridor-atlas",
        "/_stcore/health",
        "Python version",
        "requirements.txt",
        "packages.txt",
        "STREAMLIT_SERVER_BASE_URL_PATH",
        "CORRIDOR_ATLAS_PASSCODE",
        "secrets.toml",
    ],
)
def test_hosting_doc_gives_the_commands_and_settings(text: str) -> None:
    assert text in HOSTING


def test_hosting_doc_says_docker_was_not_run_here() -> None:
    assert "Docker cannot run on the machine this project is developed on" in HOSTING
