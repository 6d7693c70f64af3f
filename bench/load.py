"""Many viewers at once: N real Streamlit sessions against one server on this machine.

    python bench/load.py [--sessions 50] [--think 5] [--ramp 10] [--replicas N] [--streamlit OPTION=VALUE]
                         [--json FILE]

Each viewer is a real session over Streamlit's WebSocket (/_stcore/stream), speaking its protocol the
way the browser does (protobuf BackMsg out, ForwardMsg in) but without drawing anything, so the
machine's two cores go to the server being measured. A viewer opens the overview, switches the
language, opens the sea services page and moves the speed slider, opens the border gates, searches
the cargo, opens Your data, returns to the overview and switches the language back, pausing
`--think` seconds (±50 %) between actions, as a person reading the map would. Viewers arrive spread
over `--ramp` seconds, as when a shared link is opened by a room.

Reported: rerun time (rerun request sent → `script_finished` received) p50 / p95 / max, errors (an
exception or error box on the page, a failed or unfinished run, a dropped connection), and memory per
session: the server's resident memory growth over the run divided by N (/proc/<pid>/status VmRSS).
Baseline, in the same run: one viewer doing the same on the same warm server (rerun times), and N
viewers on bench/minimal_app (Streamlit's own per-session memory). Targets from the issue: 50
sessions, 0 errors, p95 ≤ 500 ms, ≤ 40 MB a session.

With --replicas N, N servers run behind the real proxy (Debian's haproxy with deploy/haproxy.cfg,
tests/browser/proxy.py; loopback only), with the static server beside them (Debian's nginx with
deploy/nginx-static.conf serving the frontend precompressed by scripts/precompress_static.py,
tests/browser/static_server.py), and the same viewers run twice: first straight at one
replica without the proxy (the baseline), then through the proxy. Each proxied viewer loads the page
first, as a browser does, and opens its WebSocket with the replica cookie it was given; it must stay
on that replica: the WebSocket's handshake and a request after its last action must be answered by
the replica its cookie names, and each replica's own count of open sessions (/_stcore/metrics, asked
directly) must equal the viewers pinned to it. The page's bytes over the wire (headless Chromium,
HTTP as transferred plus WebSocket payloads) are measured through the proxy over HTTPS (a second
HAProxy with a self-signed certificate made for the run: Chromium asks for brotli over HTTPS), over
plain HTTP, and straight from a replica. Targets (issue 13): 200 viewers on 2 replicas, p95 ≤ 500 ms,
0 errors, no viewer moved, page ≤ 2 MB through the proxy (HTTPS).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from streamlit.config_option import ConfigOption
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR))
from tests.browser import harness, proxy, static_server  # noqa: E402  (the repository root first)

APP_SCRIPT = "app.py"
MINIMAL_SCRIPT = "bench/minimal_app/app.py"
TARGET_SESSIONS = 50
TARGET_P95_MS = 500.0
TARGET_MB_PER_SESSION = 40.0
TARGET_PAGE_BYTES = 2_000_000
MOVED = "moved replica"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
RUN_TIMEOUT_S = 120.0
ERROR_ALERT_FORMAT = 1  # Alert.Format.ERROR in streamlit/proto/Alert.proto

# (action, how): open a page by its URL path, or set a widget (by key) to a value on the current page.
APP_SCENARIO: tuple[tuple[str, tuple], ...] = (
    ("open overview", ("page", "")),
    ("language → vi", ("widget", "lang", "string_value", "Tiếng Việt")),
    ("open sea services", ("page", "sea_services")),
    ("speed → 18 kn", ("widget", "speed", "double_array_value", [18.0])),
    ("open border gates", ("page", "border_gates")),
    ("open cargo", ("page", "cargo")),
    ("search cargo", ("widget", "cargo_query", "string_value", "gỗ")),
    ("open your data", ("page", "your_data")),
    ("open overview again", ("page", "")),
    ("language → en", ("widget", "lang", "string_value", "English")),
)
# The minimal app has one page and no widgets: the same number of runs, as plain reruns.
MINIMAL_SCENARIO: tuple[tuple[str, tuple], ...] = (
    ("open", ("page", "")),
    *((f"rerun {n}", ("rerun",)) for n in range(1, len(APP_SCENARIO))),
)


@dataclass
class Run:
    """One script run a viewer asked for."""

    session: int
    action: str
    ms: float
    error: str | None = None
    title: str = ""


@dataclass
class LoadResult:
    """One load run: every rerun, the errors, and the server's memory."""

    app: str
    sessions: int
    think_s: float
    runs: list[Run] = field(default_factory=list)
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0
    rss_peak_mb: float = 0.0
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    # Through the proxy: how many replicas, the replica each viewer was pinned to (by its cookie),
    # and each replica's own count of open sessions while every viewer was connected.
    replicas: int = 0
    replica_of: dict[int, str] = field(default_factory=dict)
    active_by_replica: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Run]:
        return [run for run in self.runs if run.error]

    @property
    def moved(self) -> list[Run]:
        """Viewers answered by a replica other than the one their cookie names."""
        return [run for run in self.runs if run.error and run.error.startswith(MOVED)]

    @property
    def viewers_by_replica(self) -> dict[str, int]:
        return dict(sorted(Counter(self.replica_of.values()).items()))

    @property
    def sessions_match_replicas(self) -> bool:
        """Each replica holds exactly the sessions of the viewers pinned to it (always true direct)."""
        return not self.replicas or self.viewers_by_replica == self.active_by_replica

    def percentile_ms(self, fraction: float) -> float:
        times = sorted(run.ms for run in self.runs if not run.error)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, max(0, round(fraction * len(times)) - 1))]

    @property
    def mb_per_session(self) -> float:
        return (self.rss_after_mb - self.rss_before_mb) / self.sessions

    @property
    def server_cpu_ms_per_run(self) -> float:
        return self.server_cpu_s * 1000 / max(1, len(self.runs))


class Viewer:
    """One browser tab's worth of Streamlit session, without the browser."""

    def __init__(self, number: int, socket: ClientConnection) -> None:
        self.number = number
        self.socket = socket
        self.page_hashes: dict[str, str] = {}
        self.page_hash = ""
        self.widget_ids: dict[str, str] = {}
        self.widget_states: dict[str, WidgetState] = {}
        self.title = ""

    async def act(self, action: str, how: tuple) -> Run:
        """Ask for one script run and wait until it is over."""
        message = BackMsg()
        state = message.rerun_script
        if how[0] == "page":
            state.page_name = how[1]
            state.page_script_hash = self.page_hashes.get(how[1], "")
        else:
            state.page_script_hash = self.page_hash
        if how[0] == "widget":
            _, key, value_type, value = how
            widget = WidgetState(id=self.widget_ids[key])
            if isinstance(value, list):
                getattr(widget, value_type).data.extend(value)
            else:
                setattr(widget, value_type, value)
            self.widget_states[key] = widget
        # Like the browser, send every widget value the viewer has set, not only the latest.
        state.widget_states.widgets.extend(
            w for key, w in self.widget_states.items() if self.widget_ids.get(key) == w.id
        )
        started = time.perf_counter()
        self.title = ""
        await self.socket.send(message.SerializeToString())
        try:
            error = await asyncio.wait_for(self._until_finished(), RUN_TIMEOUT_S)
        except TimeoutError:
            error = f"no script_finished within {RUN_TIMEOUT_S:g} s"
        return Run(self.number, action, (time.perf_counter() - started) * 1000, error, self.title)

    async def _until_finished(self) -> str | None:
        """Read messages until the run ends; note pages, widget ids and anything that went wrong."""
        problems: list[str] = []
        while True:
            message = ForwardMsg.FromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
            elif kind == "navigation":
                self.page_hashes = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                problems += self._note_element(message.delta.new_element)
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problems.append(ForwardMsg.ScriptFinishedStatus.Name(message.script_finished))
                return "; ".join(problems) or None

    def _note_element(self, element) -> list[str]:
        kind = element.WhichOneof("type")
        if kind == "exception":
            return [f"exception: {element.exception.type}: {element.exception.message[:200]}"]
        if kind == "alert" and element.alert.format == ERROR_ALERT_FORMAT:
            return [f"error box: {element.alert.body[:200]}"]
        if kind == "heading" and not self.title:
            self.title = element.heading.body
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if widget_id.startswith("$$ID-"):
            # Keyed widgets end in their key: $$ID-<hash>-<key>.
            self.widget_ids[widget_id.split("-", 2)[2]] = widget_id
        return []


@dataclass
class Audience:
    """What the viewers share: their runs, how many are through their scenario, and the end signal."""

    runs: list[Run] = field(default_factory=list)
    through: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    replica_of: dict[int, str] = field(default_factory=dict)


def first_visit(base_url: str) -> tuple[str, str]:
    """Load the page through the proxy, as a browser does first: (the replica cookie, the replica)."""
    with NO_PROXY.open(base_url + "/", timeout=RUN_TIMEOUT_S) as response:
        response.read()
        replica = response.headers.get(proxy.REPLICA_HEADER, "")
        for line in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(line)
            if proxy.COOKIE_NAME in cookie:
                return f"{proxy.COOKIE_NAME}={cookie[proxy.COOKIE_NAME].value}", replica
    raise RuntimeError(f"the proxy set no {proxy.COOKIE_NAME} cookie")


def replica_answering(base_url: str, cookie: str) -> str:
    """Which replica answers a request carrying the viewer's cookie."""
    request = urllib.request.Request(base_url + "/_stcore/health", headers={"Cookie": cookie})
    with NO_PROXY.open(request, timeout=RUN_TIMEOUT_S) as response:
        response.read()
        return response.headers.get(proxy.REPLICA_HEADER, "")


def active_sessions(base_url: str) -> int:
    """A replica's own count of open sessions (Streamlit's /_stcore/metrics, asked directly)."""
    with NO_PROXY.open(base_url + "/_stcore/metrics", timeout=30) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("active_sessions "):
                return int(float(line.split()[1]))
    raise RuntimeError(f"no active_sessions in {base_url}/_stcore/metrics")


async def view(
    base_url: str,
    number: int,
    scenario: Sequence[tuple[str, tuple]],
    think_s: float,
    start_s: float,
    audience: Audience,
    rng: random.Random,
    proxied: bool = False,
) -> None:
    """One viewer from arrival to the end of its scenario; it stays connected until the audience leaves.

    Through the proxy (`proxied`), the viewer first loads the page to get its replica cookie, sends it
    with the WebSocket handshake, and checks that the same replica answers before and after.
    """
    await asyncio.sleep(start_s)
    url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    counted = False
    headers: dict[str, str] = {}
    try:
        if proxied:
            cookie, replica = await asyncio.to_thread(first_visit, base_url)
            headers["Cookie"] = cookie
            audience.replica_of[number] = replica
        async with connect(
            url, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None, proxy=None,
            additional_headers=headers,
        ) as socket:
            answered = socket.response.headers.get(proxy.REPLICA_HEADER) if proxied else None
            if proxied and answered != replica:
                moved = f"{MOVED}: page from {replica}, WebSocket from {answered}"
                audience.runs.append(Run(number, "websocket", 0.0, moved))
            viewer = Viewer(number, socket)
            for index, (action, how) in enumerate(scenario):
                if index:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
                audience.runs.append(await viewer.act(action, how))
            if proxied:
                answered = await asyncio.to_thread(replica_answering, base_url, cookie)
                if answered != replica:
                    moved = f"{MOVED}: page from {replica}, last request from {answered}"
                    audience.runs.append(Run(number, "after", 0.0, moved))
            audience.through += 1
            counted = True
            # Sessions stay open while memory is measured: a real audience does not leave at once.
            await audience.done.wait()
    except Exception as error:  # refused, dropped (websockets.ConnectionClosed), a widget not found
        audience.runs.append(Run(number, "connection", 0.0, f"{type(error).__name__}: {error}"))
    finally:
        if not counted:
            audience.through += 1


def cpu_s(pid: int) -> float:
    """User plus system CPU time a process has used, seconds (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB (VmRSS in /proc/<pid>/status, which is in kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def load(
    base_url: str,
    pids: int | Sequence[int],
    sessions: int,
    scenario: Sequence[tuple[str, tuple]],
    *,
    think_s: float,
    ramp_s: float,
    seed: int,
    app: str,
    replica_urls: Mapping[str, str] | None = None,
) -> LoadResult:
    """Run `sessions` viewers against warm servers and measure their reruns and the servers' memory.

    `pids` are the server processes (memory and CPU are summed over them). With `replica_urls`
    (replica name → its own address), `base_url` is the proxy and the viewers go through it.
    """
    pids = [pids] if isinstance(pids, int) else list(pids)
    total_rss = lambda: sum(rss_mb(pid) for pid in pids)  # noqa: E731
    result = LoadResult(app, sessions, think_s, rss_before_mb=total_rss(), replicas=len(replica_urls or {}))
    audience = Audience()
    rng = random.Random(seed)
    started = time.perf_counter()
    server_cpu, client_cpu = sum(map(cpu_s, pids)), time.process_time()
    tasks = [
        asyncio.create_task(
            view(base_url, n, scenario, think_s, ramp_s * n / sessions, audience, random.Random(rng.random()),
                 proxied=bool(replica_urls))
        )
        for n in range(sessions)
    ]
    peak = result.rss_before_mb
    while audience.through < sessions:
        peak = max(peak, total_rss())
        await asyncio.sleep(0.2)
    result.wall_s = time.perf_counter() - started
    result.server_cpu_s = sum(map(cpu_s, pids)) - server_cpu
    result.client_cpu_s = time.process_time() - client_cpu
    # Every viewer is still connected: this is the memory N open sessions hold.
    await asyncio.sleep(1.0)
    result.rss_after_mb = total_rss()
    result.rss_peak_mb = max(peak, result.rss_after_mb)
    for name, url in (replica_urls or {}).items():
        result.active_by_replica[name] = await asyncio.to_thread(active_sessions, url)
    audience.done.set()
    await asyncio.gather(*tasks)
    result.runs = audience.runs
    result.replica_of = dict(audience.replica_of)
    return result


def warm_up(base_url: str, scenario: Sequence[tuple[str, tuple]]) -> LoadResult:
    """One viewer through the scenario first: imports, data, routes and caches are loaded once."""
    result = asyncio.run(_one(base_url, scenario))
    if result.errors:
        raise RuntimeError("the warm-up viewer failed: " + "; ".join(str(r.error) for r in result.errors))
    return result


async def _one(base_url: str, scenario: Sequence[tuple[str, tuple]]) -> LoadResult:
    audience = Audience()
    audience.done.set()
    await view(base_url, 0, scenario, 0.0, 0.0, audience, random.Random(0))
    return LoadResult("warm-up", 1, 0.0, runs=audience.runs)


def measure(script: str, runs: Sequence[tuple[int, float]], args: argparse.Namespace) -> list[LoadResult]:
    """Start a server for `script`, warm it up, then run each (sessions, think) load on it in turn."""
    scenario = MINIMAL_SCENARIO if script == MINIMAL_SCRIPT else APP_SCENARIO
    server = harness.start_app_server(REPO_DIR, script, timeout_s=120)
    try:
        warm_up(server.base_url, scenario)
        results = []
        for sessions, think_s in runs:
            result = asyncio.run(
                load(
                    server.base_url,
                    server.process.pid,
                    sessions,
                    scenario,
                    think_s=think_s,
                    ramp_s=args.ramp,
                    seed=args.seed,
                    app=script,
                )
            )
            results.append(result)
            print(
                f"{script}: {sessions} sessions, {len(result.runs)} runs, {len(result.errors)} errors, "
                f"p95 {result.percentile_ms(0.95):.0f} ms, {result.mb_per_session:.1f} MB/session",
                flush=True,
            )
        return results
    finally:
        server.stop()


def measure_replicated(args: argparse.Namespace) -> tuple[LoadResult, LoadResult, dict[str, float]]:
    """N replicas behind the proxy: the same viewers straight at one replica, then through the proxy.

    Returns (direct, proxied, page bytes {"proxy": … (HTTPS), "proxy_http": …, "direct": …}).
    """
    static = static_server.start_static_server()
    replicas = proxy.start_replicas(APP_SCRIPT, args.replicas, timeout_s=180)
    front = tls_front = None
    try:
        ports = [proxy.port_of(server) for server in replicas]
        front = proxy.start_proxy(ports, static_port=static.port, timeout_s=60)
        # Every replica warm, as after its first visitor: caches, routes and layer records built.
        for server in replicas:
            warm_up(server.base_url, APP_SCENARIO)
        common = {"think_s": args.think, "ramp_s": args.ramp, "seed": args.seed, "app": APP_SCRIPT}
        first = replicas[0]
        direct = asyncio.run(load(first.base_url, first.process.pid, args.sessions, APP_SCENARIO, **common))
        _progress("one replica, no proxy", direct)
        replica_urls = {proxy.replica_name(n): server.base_url for n, server in enumerate(replicas, start=1)}
        proxied = asyncio.run(
            load(front.base_url, [server.process.pid for server in replicas], args.sessions, APP_SCENARIO,
                 replica_urls=replica_urls, **common)
        )
        _progress(f"{args.replicas} replicas behind the proxy", proxied)
        page_bytes = {"proxy": float("nan"), "proxy_http": float("nan"), "direct": float("nan")}
        if harness.chromium_missing_reason() is None:
            # After the load, on warm replicas: a first visit by a new browser, as the issue measures it.
            tls_front = proxy.start_proxy(ports, static_port=static.port, tls=True, timeout_s=60)
            page_bytes = {"proxy": bytes_over_the_wire(tls_front.base_url),
                          "proxy_http": bytes_over_the_wire(front.base_url),
                          "direct": bytes_over_the_wire(first.base_url)}
        else:
            print(f"page bytes not measured: {harness.chromium_missing_reason()}")
        return direct, proxied, page_bytes
    finally:
        if front is not None:
            # Replicas called down or up by the proxy's health checks during the run.
            changes = [line for line in front.log_path.read_text(errors="replace").splitlines()
                       if " is DOWN" in line or " is UP" in line]
            print(f"replica state changes seen by the proxy: {len(changes)}", *changes[:10], sep="\n  ")
            front.stop()
        if tls_front is not None:
            tls_front.stop()
        for server in replicas:
            server.stop()
        static.stop()


def _progress(label: str, result: LoadResult) -> None:
    print(f"{label}: {result.sessions} sessions, {len(result.runs)} runs, {len(result.errors)} errors, "
          f"p95 {result.percentile_ms(0.95):.0f} ms", flush=True)
    for error, count in Counter(run.error for run in result.errors).most_common(5):
        print(f"  {count} × {error}", flush=True)


def bytes_over_the_wire(base_url: str) -> float:
    """Bytes the overview page receives in headless Chromium until its map has painted: every HTTP
    response as transferred (compressed when the server or proxy compressed it) plus the WebSocket's
    payloads (counted as decompressed: DevTools does not show permessage-deflate). The counting is
    tests/browser/proxy.page_bytes, which the page-size test uses too."""
    try:
        # Generous: on a saturated machine the first paint in software WebGL takes a minute.
        page = proxy.page_bytes(base_url, timeout_ms=180_000)
    except Exception as error:  # a figure not measured is reported as n/a (and missed), not a crash
        print(f"page bytes from {base_url} not measured: {type(error).__name__}: {error}"[:500])
        return float("nan")
    print(f"page bytes from {base_url}: HTTP {page.http:,}, WebSocket {page.websocket:,}")
    for name, size in page_parts(page).items():
        print(f"  {name:58} {size:>11,}")
    return float(page.total)


def page_parts(page: proxy.PageBytes) -> dict[str, int]:
    """The page's bytes by part, as BENCHMARKS.md breaks them down."""
    parts: Counter[str] = Counter()
    for response in page.responses:
        url = response.url.split("?")[0]
        encoding = response.encoding or "as is"
        if "/static/js/DeckGlJsonChart." in url:
            part = f"DeckGlJsonChart (deck.gl), {encoding}"
        elif url.endswith(".woff2"):
            part = "fonts (woff2, sent as they are)"
        elif "/app/static/" in url:
            part = f"the app's own files (basemap), {encoding}"
        elif "/static/" in url:
            part = f"Streamlit's other scripts and styles, {encoding}"
        else:
            part = f"the page and Streamlit's endpoints, {encoding}"
        parts[part] += response.transferred
    parts["WebSocket (uncompressed count)"] = page.websocket
    return dict(sorted(parts.items()))


def report_replicated(direct: LoadResult, proxied: LoadResult, page_bytes: dict[str, float]
                      ) -> list[dict[str, object]]:
    """The proxied run beside the same viewers on one replica without the proxy."""
    baseline_name = "same viewers, 1 replica, no proxy"
    rows: list[dict[str, object]] = []
    for label, fraction in (("rerun p50 ms", 0.50), ("rerun p95 ms", 0.95), ("rerun max ms", 1.0)):
        rows.append({"figure": label, "value": proxied.percentile_ms(fraction),
                     "baseline": direct.percentile_ms(fraction), "baseline_name": baseline_name,
                     "target": TARGET_P95_MS if fraction == 0.95 else None})
    rows += [
        {"figure": "errors", "value": float(len(proxied.errors)), "baseline": float(len(direct.errors)),
         "baseline_name": baseline_name, "target": 0.0},
        {"figure": "viewers moved",
         "value": float(len(proxied.moved) + (not proxied.sessions_match_replicas)),
         "baseline": float("nan"), "baseline_name": "each viewer's cookie, and each replica's sessions",
         "target": 0.0},
        {"figure": "MB per session", "value": proxied.mb_per_session, "baseline": direct.mb_per_session,
         "baseline_name": baseline_name, "target": TARGET_MB_PER_SESSION},
        {"figure": "server CPU ms/run", "value": proxied.server_cpu_ms_per_run,
         "baseline": direct.server_cpu_ms_per_run, "baseline_name": baseline_name, "target": None},
        {"figure": "page bytes", "value": page_bytes["proxy"], "baseline": page_bytes["direct"],
         "baseline_name": "through the proxy over HTTPS; baseline: straight from a replica",
         "target": float(TARGET_PAGE_BYTES)},
        {"figure": "page bytes, HTTP", "value": page_bytes.get("proxy_http", float("nan")),
         "baseline": page_bytes["direct"],
         "baseline_name": "through the proxy over plain HTTP; baseline: straight from a replica",
         "target": None},
    ]
    print(
        f"\n{proxied.sessions} sessions, {proxied.replicas} replicas behind deploy/haproxy.cfg, think time "
        f"{proxied.think_s:g} s (±50 %), {len(proxied.runs)} runs in {proxied.wall_s:.0f} s (one replica "
        f"without the proxy: {direct.wall_s:.0f} s); viewers per replica (cookie) "
        f"{proxied.viewers_by_replica}, open sessions per replica (its own /_stcore/metrics) "
        f"{proxied.active_by_replica}"
    )
    _print_rows(rows)
    for run in proxied.errors[:10]:
        print(f"  ERROR session {run.session} {run.action}: {run.error}")
    missed = [row["figure"] for row in rows if _missed(row)]
    print(f"\n{'MISSED: ' + ', '.join(missed) if missed else 'OK'} (targets: 0 errors, no viewer moved, "
          f"p95 ≤ {TARGET_P95_MS:g} ms, ≤ {TARGET_MB_PER_SESSION:g} MB per session, page ≤ "
          f"{TARGET_PAGE_BYTES / 1e6:g} MB through the proxy)")
    return rows


def _missed(row: Mapping[str, object]) -> bool:
    """A row with a target whose value is above it, or was not measured."""
    if row["target"] is None:
        return False
    value = float(row["value"])  # type: ignore[arg-type]
    return value != value or value > float(row["target"])  # type: ignore[arg-type]


def _print_rows(rows: Sequence[Mapping[str, object]]) -> None:
    print(f"{'figure':18} {'value':>10} {'baseline':>10} {'ratio':>8} {'target':>10}   baseline is")
    for row in rows:
        digits = 1 if row["figure"] == "MB per session" else 0
        scale = 1e6 if str(row["figure"]).startswith("page bytes") else 1.0
        unit = " MB" if scale != 1.0 else ""
        digits = 2 if scale != 1.0 else digits

        def show(value: object, digits: int = digits, scale: float = scale, unit: str = unit) -> str:
            number = float(value)  # type: ignore[arg-type]
            return "n/a" if number != number else _fmt(number / scale, digits) + unit

        target = "" if row["target"] is None else show(row["target"])
        flag = "  MISSED" if _missed(row) else ""
        print(f"{row['figure']:18} {show(row['value']):>10} {show(row['baseline']):>10} "
              f"{_ratio(float(row['value']), float(row['baseline'])):>8} {target:>10}   "  # type: ignore[arg-type]
              f"{row['baseline_name']}{flag}")


def _fmt(value: float, digits: int = 0) -> str:
    return "n/a" if value != value else f"{value:,.{digits}f}"


def _ratio(value: float, baseline: float) -> str:
    return "n/a" if not baseline or value != value or baseline != baseline else f"{value / baseline:.2f}x"


def report(load_run: LoadResult, one: LoadResult, minimal: LoadResult | None) -> list[dict[str, object]]:
    """Print the figures side by side with their baselines; return them as rows for bench/__main__."""
    rows: list[dict[str, object]] = []
    for label, fraction in (("rerun p50 ms", 0.50), ("rerun p95 ms", 0.95), ("rerun max ms", 1.0)):
        rows.append(
            {
                "figure": label,
                "value": load_run.percentile_ms(fraction),
                "baseline": one.percentile_ms(fraction),
                "baseline_name": "1 session, same app",
                "target": TARGET_P95_MS if fraction == 0.95 else None,
            }
        )
    rows.append(
        {
            "figure": "errors",
            "value": float(len(load_run.errors)),
            "baseline": float(len(one.errors)),
            "baseline_name": "1 session, same app",
            "target": 0.0,
        }
    )
    rows.append(
        {
            "figure": "MB per session",
            "value": load_run.mb_per_session,
            "baseline": minimal.mb_per_session if minimal else float("nan"),
            "baseline_name": f"{minimal.sessions} sessions, bench/minimal_app" if minimal else "not run",
            "target": TARGET_MB_PER_SESSION,
        }
    )
    rows.append(
        {
            "figure": "server CPU ms/run",
            "value": load_run.server_cpu_ms_per_run,
            "baseline": one.server_cpu_ms_per_run,
            "baseline_name": "1 session, same app",
            "target": None,
        }
    )
    print(
        f"\n{load_run.sessions} sessions on {load_run.app}, think time {load_run.think_s:g} s (±50 %), "
        f"{len(load_run.runs)} runs in {load_run.wall_s:.0f} s; server RSS {load_run.rss_before_mb:.0f} → "
        f"{load_run.rss_after_mb:.0f} MB (peak {load_run.rss_peak_mb:.0f} MB); server CPU "
        f"{load_run.server_cpu_ms_per_run:.0f} ms a run (1 session: {one.server_cpu_ms_per_run:.0f} ms), "
        f"viewers' client CPU {load_run.client_cpu_s:.0f} s"
    )
    print(f"{'figure':16} {'value':>10} {'baseline':>10} {'ratio':>8} {'target':>8}   baseline is")
    for row in rows:
        digits = 1 if row["figure"] == "MB per session" else 0
        target = "" if row["target"] is None else _fmt(float(row["target"]), digits)
        print(
            f"{row['figure']:16} {_fmt(float(row['value']), digits):>10} "
            f"{_fmt(float(row['baseline']), digits):>10} "
            f"{_ratio(float(row['value']), float(row['baseline'])):>8} "
            f"{target:>8}   {row['baseline_name']}"
        )
    print("\nrerun ms by action (p50 / p95, all sessions) and the page title session 0 saw:")
    for action in dict.fromkeys(run.action for run in load_run.runs):
        times = sorted(run.ms for run in load_run.runs if run.action == action and not run.error)
        title = next((run.title for run in load_run.runs if run.action == action and run.session == 0), "")
        if times:
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            print(f"  {action:22} {statistics.median(times):7.0f} / {p95:7.0f}   {title}")
    for run in load_run.errors[:10]:
        print(f"  ERROR session {run.session} {run.action}: {run.error}")
    verdict = (
        not load_run.errors
        and load_run.percentile_ms(0.95) <= TARGET_P95_MS
        and load_run.mb_per_session <= TARGET_MB_PER_SESSION
    )
    print(
        f"\n{'OK' if verdict else 'MISSED'}: targets 0 errors, p95 ≤ {TARGET_P95_MS:g} ms, "
        f"≤ {TARGET_MB_PER_SESSION:g} MB per session"
    )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=TARGET_SESSIONS, help="viewers at once (default 50)")
    parser.add_argument("--think", type=float, default=5.0, help="seconds between a viewer's actions")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the viewers arrive")
    parser.add_argument("--app", default=APP_SCRIPT, help="the app to load, from the repository root")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-minimal", action="store_true", help="skip the minimal_app baseline")
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="N servers behind the real proxy (deploy/haproxy.cfg), against one replica without it",
    )
    parser.add_argument(
        "--streamlit",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a Streamlit config option for the servers, e.g. runner.postScriptGC=false (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures and every run to this file")
    args = parser.parse_args(argv)
    for setting in args.streamlit:
        # Streamlit reads any config option from STREAMLIT_<SECTION>_<OPTION> (snake case).
        name, _, value = setting.partition("=")
        os.environ[ConfigOption(name, description="", default_val=None).env_var] = value
        print(f"server option {name} = {value}")
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)

    if args.replicas:
        reason = proxy.haproxy_missing_reason() or static_server.nginx_missing_reason()
        if reason:
            parser.error(reason)
        direct, proxied, page_bytes = measure_replicated(args)
        rows = report_replicated(direct, proxied, page_bytes)
        print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            results = {"proxied": asdict(proxied), "direct": asdict(direct), "page_bytes": page_bytes}
            args.json.write_text(json.dumps({"rows": rows, "results": results}, indent=1, ensure_ascii=False))
        return 1 if any(_missed(row) for row in rows) else 0

    one, many = measure(args.app, [(1, args.think), (args.sessions, args.think)], args)
    minimal = None if args.no_minimal else measure(MINIMAL_SCRIPT, [(args.sessions, args.think)], args)[0]
    rows = report(many, one, minimal)
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        results = {"app": many, "one_session": one, "minimal": minimal}
        args.json.write_text(
            json.dumps(
                {"rows": rows, "results": {k: asdict(v) if v else None for k, v in results.items()}},
                indent=1,
                ensure_ascii=False,
            )
        )
    return 0 if not many.errors else 1


if __name__ == "__main__":
    sys.exit(main())
