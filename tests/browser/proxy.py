"""The shipped proxy on this machine: Debian's HAProxy with deploy/haproxy.cfg in front of N Streamlit
servers, everything on 127.0.0.1.

Shared by tests/test_deploy.py, tests/browser/test_proxy_browser.py and bench/load.py, so it never
imports pytest. The configuration is the shipped file with one change: its `# servers:` block (Docker
Compose's DNS template) is replaced by one `server` line per loopback replica, and, for checking that
a viewer stays on its replica, a response header naming the replica that answered.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import harness

REPO_DIR = harness.REPO_DIR
CONFIG_PATH = REPO_DIR / "deploy" / "haproxy.cfg"
HAPROXY_PATH = Path("/usr/sbin/haproxy")
# Which replica answered: added by loopback_config() only, never by the shipped configuration.
REPLICA_HEADER = "X-Atlas-Replica"
COOKIE_NAME = "atlas_replica"
SERVERS_BLOCK = re.compile(r"^[ \t]*# servers: begin.*?^[ \t]*# servers: end[^\n]*\n", re.M | re.S)


def haproxy_missing_reason() -> str | None:
    """Why the proxy cannot run here, or None when Debian's haproxy is installed."""
    if HAPROXY_PATH.is_file() and os.access(HAPROXY_PATH, os.X_OK):
        return None
    return f"{HAPROXY_PATH} is missing: install Debian's haproxy (scripts/install_proxy_deps.sh)"


def replica_name(number: int) -> str:
    """The server name of the `number`-th replica (1-based), as HAProxy reports it."""
    return f"app{number}"


def loopback_config(ports: Sequence[int], *, replica_header: bool = True,
                    config: str | None = None) -> str:
    """deploy/haproxy.cfg with its servers replaced by `127.0.0.1:<port>` replicas."""
    text = CONFIG_PATH.read_text(encoding="utf-8") if config is None else config
    if len(SERVERS_BLOCK.findall(text)) != 1:
        raise ValueError(f"{CONFIG_PATH} must have exactly one '# servers: begin … # servers: end' block")
    lines = [f"    server {replica_name(n)} 127.0.0.1:{port}\n" for n, port in enumerate(ports, start=1)]
    if replica_header:
        lines.append(f"    http-response set-header {REPLICA_HEADER} %[srv_name]\n")
    return SERVERS_BLOCK.sub(lambda _match: "".join(lines), text)


def check_config(text: str) -> subprocess.CompletedProcess[str]:
    """`haproxy -c` on a configuration text: its exit code and its messages."""
    with tempfile.NamedTemporaryFile("w", prefix="haproxy-", suffix=".cfg", delete=False) as file:
        file.write(text)
    try:
        return subprocess.run([str(HAPROXY_PATH), "-c", "-f", file.name], capture_output=True, text=True,
                              check=False, timeout=30)
    finally:
        Path(file.name).unlink(missing_ok=True)


@dataclass
class Proxy:
    """A running HAProxy in the foreground (-db), in its own process group."""

    process: subprocess.Popen[bytes]
    base_url: str
    config_path: Path
    log_path: Path

    def log_tail(self, max_chars: int = 4000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-max_chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.config_path.unlink(missing_ok=True)
        self.log_path.unlink(missing_ok=True)


class ProxyStartError(RuntimeError):
    """HAProxy refused its configuration, exited, or never let a health check through."""


def start_proxy(ports: Sequence[int], *, replica_header: bool = True, timeout_s: float = 30.0,
                config: str | None = None) -> Proxy:
    """HAProxy on a free loopback port in front of the replicas listening on `ports` (with `config`, a
    variant of deploy/haproxy.cfg, instead of the shipped file)."""
    port = harness.free_port()
    with tempfile.NamedTemporaryFile("w", prefix="haproxy-", suffix=".cfg", delete=False) as file:
        file.write(loopback_config(ports, replica_header=replica_header, config=config))
    log_file = tempfile.NamedTemporaryFile(prefix="haproxy-", suffix=".log", delete=False)
    env = {**os.environ, "ATLAS_PROXY_BIND": f"127.0.0.1:{port}"}
    with log_file:
        process = subprocess.Popen([str(HAPROXY_PATH), "-db", "-f", file.name], stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                   start_new_session=True)
    proxy = Proxy(process, f"http://127.0.0.1:{port}", Path(file.name), Path(log_file.name))
    try:
        wait_until_every_replica_answers(proxy, len(ports), timeout_s)
    except BaseException:
        proxy.stop()
        raise
    return proxy


def wait_until_every_replica_answers(proxy: Proxy, replicas: int, timeout_s: float) -> None:
    """Poll /_stcore/health through the proxy (no cookie, so leastconn spreads the polls) until each
    replica has answered `ok` once."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    seen: set[str] = set()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            raise ProxyStartError(f"haproxy exited with code {proxy.process.returncode}:\n{proxy.log_tail()}")
        try:
            with opener.open(f"{proxy.base_url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    seen.add(response.headers.get(REPLICA_HEADER, "?"))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if len(seen - {"?"}) >= replicas or ("?" in seen and replicas == 1):
            return
        time.sleep(0.05)
    raise ProxyStartError(f"only {sorted(seen)} of {replicas} replicas answered through the proxy in "
                          f"{timeout_s:.0f} s:\n{proxy.log_tail()}")


def start_replicas(script: str, count: int, *, app_dir: Path = REPO_DIR,
                   timeout_s: float = 120.0) -> list[harness.AppServer]:
    """`count` Streamlit servers for `script`, started side by side, each on its own loopback port."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(harness.start_app_server, app_dir, script, timeout_s=timeout_s)
                   for _ in range(count)]
        servers, errors = [], []
        for future in futures:
            try:
                servers.append(future.result())
            except harness.ServerStartError as error:
                errors.append(error)
    if errors:
        for server in servers:
            server.stop()
        raise errors[0]
    return servers


def port_of(server: harness.AppServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1])

