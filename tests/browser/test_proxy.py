"""The shipped proxy in front of two real replicas of the app, on loopback: what a viewer gets through
deploy/haproxy.cfg (headers, compression, the sticky cookie, the WebSocket), and that the map still
paints in Chromium under its Content-Security-Policy.

Without Debian's haproxy the module is skipped, unless CI (CORRIDOR_ATLAS_REQUIRE_BROWSER=1 or
CI=true), where it fails: scripts/install_proxy_deps.sh installs it.
"""

from __future__ import annotations

import gzip
import os
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from playwright.sync_api import Browser
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from . import harness, proxy

BASEMAP_FILE = "app/static/basemap/land_110m.geojson"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Deployment:
    proxy: proxy.Proxy
    replicas: list[harness.AppServer]

    @property
    def url(self) -> str:
        return self.proxy.base_url


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """HAProxy with deploy/haproxy.cfg in front of two `streamlit run app.py` replicas."""
    reason = proxy.haproxy_missing_reason()
    if reason is not None:
        if harness.browser_required() or os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; proxy tests must not skip in CI", pytrace=False)
        pytest.skip(reason)
    try:
        replicas = proxy.start_replicas("app.py", 2)
    except harness.ServerStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        front = proxy.start_proxy([proxy.port_of(server) for server in replicas])
    except proxy.ProxyStartError as error:
        for server in replicas:
            server.stop()
        pytest.fail(str(error), pytrace=False)
    try:
        yield Deployment(front, replicas)
    finally:
        front.stop()
        for server in replicas:
            server.stop()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated headers joined by newlines) and raw body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with NO_PROXY.open(request, timeout=30) as response:
            status, raw_headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw_headers, body = error.code, error.headers, error.read()
    merged: dict[str, str] = {}
    for name, value in raw_headers.items():
        merged[name.lower()] = f"{merged[name.lower()]}\n{value}" if name.lower() in merged else value
    return status, merged, body


def replica_cookie(headers: dict[str, str]) -> str:
    """`atlas_replica=<value>` from a response's Set-Cookie headers."""
    for line in headers.get("set-cookie", "").split("\n"):
        cookie = SimpleCookie(line)
        if proxy.COOKIE_NAME in cookie:
            return f"{proxy.COOKIE_NAME}={cookie[proxy.COOKIE_NAME].value}"
    raise AssertionError(f"no {proxy.COOKIE_NAME} cookie in {headers.get('set-cookie')!r}")


def test_page_gets_security_headers_and_is_compressed(deployment: Deployment) -> None:
    status, headers, body = get(deployment.url + "/", {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert b"<html" in gzip.decompress(body)
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Lax" in headers["set-cookie"]


def test_static_files_lose_streamlits_wildcard_cors_header(deployment: Deployment) -> None:
    direct = get(f"{deployment.replicas[0].base_url}/{BASEMAP_FILE}")
    through = get(f"{deployment.url}/{BASEMAP_FILE}", {"Accept-Encoding": "gzip"})

    assert direct[0] == 200 and direct[1].get("access-control-allow-origin") == "*"
    assert through[0] == 200 and "access-control-allow-origin" not in through[1]
    assert through[1]["content-encoding"] == "gzip"
    assert len(through[2]) < len(direct[2]) / 2
    assert gzip.decompress(through[2]) == direct[2]


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/%6detrics", "/_stcore/METRICS"])
def test_metrics_are_not_served_through_the_proxy(deployment: Deployment, path: str) -> None:
    assert get(deployment.replicas[0].base_url + "/_stcore/metrics")[0] == 200
    assert get(deployment.url + path)[0] == 404


def test_new_viewers_are_spread_and_each_stays_on_its_replica(deployment: Deployment) -> None:
    cookies = {}
    for _ in range(8):
        _, headers, _ = get(deployment.url + "/")
        cookies[replica_cookie(headers)] = headers[proxy.REPLICA_HEADER.lower()]
    assert set(cookies.values()) == {proxy.replica_name(1), proxy.replica_name(2)}

    served: Counter[tuple[str, str]] = Counter()
    for cookie, replica in cookies.items():
        for _ in range(5):
            _, headers, _ = get(deployment.url + "/_stcore/health", {"Cookie": cookie})
            served[(replica, headers[proxy.REPLICA_HEADER.lower()])] += 1
            assert proxy.COOKIE_NAME not in headers.get("set-cookie", ""), "a valid cookie is not reissued"
    assert all(asked == answered for asked, answered in served)


def test_websocket_upgrades_and_runs_the_app_on_the_cookies_replica(deployment: Deployment) -> None:
    _, headers, _ = get(deployment.url + "/")
    cookie, replica = replica_cookie(headers), headers[proxy.REPLICA_HEADER.lower()]
    url = deployment.url.replace("http://", "ws://") + "/_stcore/stream"

    with connect(url, subprotocols=["streamlit"], additional_headers={"Cookie": cookie},
                 max_size=None, open_timeout=30, proxy=None) as socket:
        assert socket.response.headers[proxy.REPLICA_HEADER] == replica
        message = BackMsg()
        message.rerun_script.page_script_hash = ""
        socket.send(message.SerializeToString())
        finished = None
        while finished is None:
            forward = ForwardMsg.FromString(socket.recv(timeout=120))
            if forward.WhichOneof("type") == "script_finished":
                if forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    finished = forward.script_finished
    assert finished == ForwardMsg.FINISHED_SUCCESSFULLY


def csp_violations(app: harness.AppPage) -> list[str]:
    return [entry.text for entry in app.console if "Content Security Policy" in entry.text] + [
        error for error in app.page_errors if "Content Security Policy" in error
    ]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "cargo?q=g%E1%BB%97", "partners"])
def test_pages_draw_under_the_content_security_policy(deployment: Deployment, browser: Browser,
                                                      path: str) -> None:
    """The overview's and the cargo page's maps paint and the partners timeline (Vega) draws, with
    nothing refused by the CSP."""
    app = harness.new_app_page(browser, deployment.url)
    try:
        app.goto(path)
        if path == "partners":
            app.page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
        else:
            harness.wait_for_map(app.page)
        assert csp_violations(app) == []
        assert app.page_errors == []
        assert harness.deck_errors(app.console) == []
        assert app.blocked_urls == []
    finally:
        app.close()
