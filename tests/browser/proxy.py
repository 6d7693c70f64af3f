"""The shipped proxy on this machine: Debian's HAProxy with deploy/haproxy.cfg in front of N Streamlit
servers, everything on 127.0.0.1.

Shared by tests/test_deploy.py, tests/browser/test_proxy.py and bench/load.py, so it never imports
pytest. The configuration is the shipped file with two changes: its `# servers:` block (Docker
Compose's DNS template) is replaced by one `server` line per loopback replica, and, for checking that
a viewer stays on its replica, a response header naming the replica that answered; its `# static
server:` block by the loopback static server (tests/browser/static_server.py), or by nothing, so that
the replicas serve the static files themselves. With `tls=True` the proxy also ends TLS, with a
self-signed certificate made for the run (openssl), as the shipped file does when ATLAS_TLS_PEM is set.
"""

from __future__ import annotations

import base64
import os
import re
import ssl
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
STATIC_BLOCK = re.compile(r"^[ \t]*# static server: begin.*?^[ \t]*# static server: end[^\n]*\n",
                          re.M | re.S)
OPENSSL_PATH = Path("/usr/bin/openssl")


def haproxy_missing_reason() -> str | None:
    """Why the proxy cannot run here, or None when Debian's haproxy is installed."""
    if HAPROXY_PATH.is_file() and os.access(HAPROXY_PATH, os.X_OK):
        return None
    return f"{HAPROXY_PATH} is missing: install Debian's haproxy (scripts/install_proxy_deps.sh)"


def replica_name(number: int) -> str:
    """The server name of the `number`-th replica (1-based), as HAProxy reports it."""
    return f"app{number}"


def loopback_config(ports: Sequence[int], *, replica_header: bool = True, static_port: int | None = None,
                    config: str | None = None) -> str:
    """deploy/haproxy.cfg with its servers replaced by `127.0.0.1:<port>` replicas, and its static
    server by `127.0.0.1:<static_port>` (none without it: the replicas then serve /static/ too)."""
    text = CONFIG_PATH.read_text(encoding="utf-8") if config is None else config
    if len(SERVERS_BLOCK.findall(text)) != 1:
        raise ValueError(f"{CONFIG_PATH} must have exactly one '# servers: begin … # servers: end' block")
    if len(STATIC_BLOCK.findall(text)) != 1:
        raise ValueError(f"{CONFIG_PATH} must have exactly one '# static server: begin … end' block")
    lines = [f"    server {replica_name(n)} 127.0.0.1:{port}\n" for n, port in enumerate(ports, start=1)]
    if replica_header:
        lines.append(f"    http-response set-header {REPLICA_HEADER} %[srv_name]\n")
    static = "" if static_port is None else loopback_static_server(STATIC_BLOCK.search(text).group(0),
                                                                    static_port)
    text = STATIC_BLOCK.sub(lambda _match: static, text)
    return SERVERS_BLOCK.sub(lambda _match: "".join(lines), text)


def loopback_static_server(block: str, port: int) -> str:
    """The shipped `server static <name>:<port> <options>` line at 127.0.0.1:`port`, with the same
    health-check options and without Docker's DNS (`resolvers`, `init-addr`)."""
    (line,) = [line for line in block.splitlines() if line.strip().startswith("server static ")]
    words = line.split()
    options = [word for i, word in enumerate(words[3:], start=3)
               if word not in ("resolvers", "init-addr") and words[i - 1] not in ("resolvers", "init-addr")]
    return f"    server static 127.0.0.1:{port} {' '.join(options)}\n"


def check_config(text: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`haproxy -c` on a configuration text (with `env` added to the environment, e.g. ATLAS_TLS_PEM):
    its exit code and its messages."""
    with tempfile.NamedTemporaryFile("w", prefix="haproxy-", suffix=".cfg", delete=False) as file:
        file.write(text)
    try:
        return subprocess.run([str(HAPROXY_PATH), "-c", "-f", file.name], capture_output=True, text=True,
                              check=False, timeout=30, env={**os.environ, **(env or {})})
    finally:
        Path(file.name).unlink(missing_ok=True)


def self_signed_pem(directory: Path) -> Path:
    """A certificate for 127.0.0.1 and localhost, valid for two days, and its key, in one PEM file
    (what HAProxy's `crt` reads), made with the openssl command line in `directory`."""
    key, cert, pem = directory / "key.pem", directory / "cert.pem", directory / "atlas-tls.pem"
    subprocess.run(
        [str(OPENSSL_PATH), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True, check=True, timeout=60,
    )
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    key.unlink()
    return pem


@dataclass
class Proxy:
    """A running HAProxy in the foreground (-db), in its own process group.

    `base_url` is where the app is served: https://… when the proxy ends TLS (its plain HTTP port,
    `http_url`, then only redirects), http://… otherwise. `cert_path` is the certificate to trust.
    """

    process: subprocess.Popen[bytes]
    base_url: str
    config_path: Path
    log_path: Path
    http_url: str = ""
    cert_path: Path | None = None
    tls_dir: Path | None = None

    def log_tail(self, max_chars: int = 4000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-max_chars:]

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener that uses no HTTP proxy and trusts this proxy's certificate."""
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if self.cert_path is not None:
            context = ssl.create_default_context(cafile=str(self.cert_path))
            handlers.append(urllib.request.HTTPSHandler(context=context))
        return urllib.request.build_opener(*handlers)

    def stop(self) -> None:
        harness.stop_process_group(self.process)
        self.config_path.unlink(missing_ok=True)
        self.log_path.unlink(missing_ok=True)
        if self.tls_dir is not None:
            for path in self.tls_dir.iterdir():
                path.unlink()
            self.tls_dir.rmdir()


class ProxyStartError(RuntimeError):
    """HAProxy refused its configuration, exited, or never let a health check through."""


def start_proxy(ports: Sequence[int], *, replica_header: bool = True, timeout_s: float = 30.0,
                static_port: int | None = None, tls: bool = False, config: str | None = None) -> Proxy:
    """HAProxy on a free loopback port in front of the replicas listening on `ports` and, with
    `static_port`, the static server (with `config`, a variant of deploy/haproxy.cfg, instead of the
    shipped file). With `tls`, HTTPS on a second port with a certificate made for this proxy."""
    port = harness.free_port()
    with tempfile.NamedTemporaryFile("w", prefix="haproxy-", suffix=".cfg", delete=False) as file:
        file.write(loopback_config(ports, replica_header=replica_header, static_port=static_port,
                                   config=config))
    log_file = tempfile.NamedTemporaryFile(prefix="haproxy-", suffix=".log", delete=False)
    env = {**os.environ, "ATLAS_PROXY_BIND": f"127.0.0.1:{port}"}
    for name in ("ATLAS_TLS_PEM", "ATLAS_PROXY_TLS_BIND", "ATLAS_HTTPS_PUBLIC_PORT"):
        env.pop(name, None)
    base_url = http_url = f"http://127.0.0.1:{port}"
    tls_dir = cert_path = None
    if tls:
        tls_dir = Path(tempfile.mkdtemp(prefix="haproxy-tls-"))
        cert_path = self_signed_pem(tls_dir)
        tls_port = harness.free_port()
        env.update(ATLAS_TLS_PEM=str(cert_path), ATLAS_PROXY_TLS_BIND=f"127.0.0.1:{tls_port}",
                   ATLAS_HTTPS_PUBLIC_PORT=str(tls_port))
        base_url = f"https://127.0.0.1:{tls_port}"
    with log_file:
        process = subprocess.Popen([str(HAPROXY_PATH), "-db", "-f", file.name], stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                   start_new_session=True)
    proxy = Proxy(process, base_url, Path(file.name), Path(log_file.name), http_url=http_url,
                  cert_path=cert_path, tls_dir=tls_dir)
    try:
        wait_until_every_replica_answers(proxy, len(ports), timeout_s)
    except BaseException:
        proxy.stop()
        raise
    return proxy


def wait_until_every_replica_answers(proxy: Proxy, replicas: int, timeout_s: float) -> None:
    """Poll /_stcore/health through the proxy (no cookie, so leastconn spreads the polls) until each
    replica has answered `ok` once."""
    opener = proxy.opener()
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



@dataclass
class Response:
    """One HTTP response of a page load as DevTools saw it."""

    url: str
    status: int
    encoding: str  # the Content-Encoding it arrived with ("" for none)
    protocol: str  # "http/1.1", "h2"
    transferred: int  # bytes on the wire: headers and body as received (compressed when it was)


@dataclass
class PageBytes:
    """What a first visit to a page received until its map painted."""

    responses: list[Response]
    websocket: int  # the WebSocket's payloads, counted decompressed (DevTools hides permessage-deflate)

    @property
    def http(self) -> int:
        return sum(response.transferred for response in self.responses)

    @property
    def total(self) -> int:
        return self.http + self.websocket

    def response(self, path_part: str) -> Response:
        """The one response whose URL contains `path_part`."""
        (found,) = [response for response in self.responses if path_part in response.url]
        return found


def page_bytes(base_url: str, path: str = "", *, browser=None, timeout_ms: float = 180_000) -> PageBytes:
    """Load `path` under `base_url` in a fresh headless Chromium context (no cache, no cookies) until
    its map has painted, and count what arrived: every HTTP response as transferred (DevTools'
    encodedDataLength) plus the WebSocket's payloads. An https:// `base_url` may have a self-signed
    certificate. `browser`: a running Playwright Browser to use (the browser tests' fixture); without
    one, Debian's Chromium is launched for this call. Raises when the page does not paint in time."""
    if browser is not None:
        return _count_page_bytes(browser, base_url, path, timeout_ms)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = harness.launch_chromium(playwright)
        try:
            return _count_page_bytes(own, base_url, path, timeout_ms)
        finally:
            own.close()


def _count_page_bytes(browser, base_url: str, path: str, timeout_ms: float) -> PageBytes:
    seen: dict[str, dict] = {}
    responses: list[Response] = []
    websocket = [0]

    def on_response(event: dict) -> None:
        seen[event["requestId"]] = event["response"]

    def on_finished(event: dict) -> None:
        response = seen.get(event["requestId"], {})
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        responses.append(Response(response.get("url", "?"), int(response.get("status", 0)),
                                  headers.get("content-encoding", ""), response.get("protocol", "?"),
                                  int(event["encodedDataLength"])))

    def on_frame(event: dict) -> None:
        # Opcode 2 is a binary frame, which DevTools hands over base64-encoded.
        payload = event["response"]["payloadData"]
        binary = event["response"]["opcode"] == 2
        websocket[0] += len(base64.b64decode(payload)) if binary else len(payload.encode())

    app = harness.new_app_page(browser, base_url, ignore_https_errors=base_url.startswith("https:"))
    try:
        cdp = app.context.new_cdp_session(app.page)
        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.webSocketFrameReceived", on_frame)
        cdp.send("Network.enable")
        app.goto(path, wait=False, timeout_ms=timeout_ms)
        harness.wait_for_app(app.page, timeout_ms)
        harness.wait_for_map(app.page, timeout_ms=timeout_ms)
    finally:
        app.close()
    return PageBytes(responses, websocket[0])
