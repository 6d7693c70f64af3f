"""The shipped static server on this machine: Debian's nginx with deploy/nginx-static.conf serving
Streamlit's frontend and the app's static files, precompressed by scripts/precompress_static.py, on a
loopback port (for HAProxy's `static` backend, tests/browser/proxy.py).

Shared by tests/test_deploy.py, tests/browser/test_proxy.py and bench/load.py, so it never imports
pytest. The configuration is the shipped file with its `listen` and `root` set (and, when the tests
run as root, the worker running as root: the repository's .cache/ need not be readable by `nobody`).
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import harness

REPO_DIR = harness.REPO_DIR
CONFIG_PATH = REPO_DIR / "deploy" / "nginx-static.conf"
NGINX_PATH = Path("/usr/sbin/nginx")
PRECOMPRESS_SCRIPT = REPO_DIR / "scripts" / "precompress_static.py"
# Built once and then only checked (the script rewrites nothing that is right, and everything that
# is not), so a stale copy cannot survive a Streamlit upgrade or a changed basemap.
PRECOMPRESSED_DIR = REPO_DIR / ".cache" / "precompressed-static"
HEALTH_PATH = "/_static/health"
LISTEN = re.compile(r"^([ \t]*)listen[ \t]+\S+;", re.M)
ROOT = re.compile(r"^([ \t]*)root[ \t]+\S+;", re.M)


def nginx_missing_reason() -> str | None:
    """Why the static server cannot run here, or None when Debian's nginx is installed."""
    if NGINX_PATH.is_file() and os.access(NGINX_PATH, os.X_OK):
        return None
    return f"{NGINX_PATH} is missing: install Debian's nginx (scripts/install_proxy_deps.sh)"


def loopback_config(root: Path, port: int, *, config: str | None = None) -> str:
    """deploy/nginx-static.conf serving `root` on 127.0.0.1:`port`."""
    text = CONFIG_PATH.read_text(encoding="utf-8") if config is None else config
    for pattern, what in ((LISTEN, "listen"), (ROOT, "root")):
        if len(pattern.findall(text)) != 1:
            raise ValueError(f"{CONFIG_PATH} must have exactly one `{what}` line")
    text = LISTEN.sub(lambda match: f"{match.group(1)}listen 127.0.0.1:{port};", text)
    text = ROOT.sub(lambda match: f"{match.group(1)}root {root};", text)
    if os.geteuid() == 0:
        text = re.sub(r"^(worker_processes[^\n]*\n)", r"\1user root root;\n", text, count=1, flags=re.M)
    return text


def check_config(text: str) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a configuration text, with a throw-away prefix for its pid and temporary files."""
    with tempfile.TemporaryDirectory(prefix="nginx-static-") as prefix:
        path = Path(prefix) / "nginx-static.conf"
        path.write_text(text, encoding="utf-8")
        return subprocess.run([str(NGINX_PATH), "-t", "-p", f"{prefix}/", "-e", "stderr", "-c", str(path)],
                              capture_output=True, text=True, check=False, timeout=30)


def precompressed_dir(target: Path = PRECOMPRESSED_DIR) -> Path:
    """`target` filled by scripts/precompress_static.py from the installed Streamlit and static/.

    The first run compresses about 28 MB at brotli's highest quality (a minute or two of one core);
    later runs only check. A lock keeps two test runs from writing it at once.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = subprocess.run([sys.executable, str(PRECOMPRESS_SCRIPT), str(target), "--quiet"],
                             capture_output=True, text=True, check=False, timeout=1800)
    if run.returncode != 0:
        raise StaticServerStartError(f"scripts/precompress_static.py failed:\n{run.stderr[-4000:]}")
    return target


@dataclass
class StaticServer:
    """A running nginx in the foreground (daemon off), in its own process group."""

    process: subprocess.Popen[bytes]
    port: int
    prefix: Path
    log_path: Path
    root: Path  # the precompressed directory it serves

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, max_chars: int = 4000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-max_chars:]

    def stop(self) -> None:
        harness.stop_process_group(self.process)
        for path in sorted(self.prefix.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        self.prefix.rmdir()


class StaticServerStartError(RuntimeError):
    """The files could not be precompressed, or nginx refused its configuration or never answered."""


def start_static_server(root: Path | None = None, *, timeout_s: float = 30.0) -> StaticServer:
    """nginx with deploy/nginx-static.conf on a free loopback port, serving `root` (by default the
    precompressed copy of this machine's Streamlit frontend and static/)."""
    root = precompressed_dir() if root is None else root
    port = harness.free_port()
    prefix = Path(tempfile.mkdtemp(prefix="nginx-static-"))
    config = prefix / "nginx-static.conf"
    config.write_text(loopback_config(root, port), encoding="utf-8")
    log_path = prefix / "nginx.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [str(NGINX_PATH), "-p", f"{prefix}/", "-e", str(log_path), "-c", str(config),
             "-g", "daemon off;"],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    server = StaticServer(process, port, prefix, log_path, root)
    try:
        wait_for_health(server, timeout_s)
    except BaseException:
        server.stop()
        raise
    return server


def wait_for_health(server: StaticServer, timeout_s: float) -> None:
    harness.wait_until_ok(server.process, server.base_url + HEALTH_PATH, server.log_tail, timeout_s,
                          error=StaticServerStartError, name="nginx", poll_s=0.05)
