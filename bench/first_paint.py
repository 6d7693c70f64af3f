"""First paint: seconds from `streamlit run` to the Overview map painted in headless Chromium (cold),
and from navigation to painted for a new visitor on the running server (warm), against a one-layer
baseline app (bench/minimal_app) measured the same way in the same run; the bytes each page
transferred; how long the sidebar's language select takes to rerun and repaint the map; and a data
change: the sea page's next service against bench/minimal_app/data_change.py's next grid.

    python bench/first_paint.py [--runs 3] [--changes 3] [--app-dir DIR]

Targets (issue 13; ratios in one run against the baseline): cold first paint ≤ 1.3 ×, warm first
paint ≤ 1.5 ×, service change repainted ≤ 1.5 × the baseline's data change, page ≤ 1.5 MB, a
language change's server time ≤ 150 ms. Each missed target is marked MISSED and the exit code is 1
(figures on a shared machine are noisy: compare ratios from one run, and the load printed with it).
Only localhost traffic is allowed; every other request is blocked and listed.

Every visit uses a freshly launched Chromium, so no visit reuses shaders another one compiled (the
GPU process keeps compiled programs for the life of the browser). `--app-dir` measures the app of
another checkout (e.g. the commit before a change) against this checkout's baselines.

Painted means the map canvas is not uniform and shows the land colour (the baseline's points are
land-coloured for this reason). Chromium renders WebGL in software (SwiftShader) here, so compiling
deck.gl's shaders costs seconds that a real GPU does not pay: compare the two apps, not absolute times.
bench/trace.py shows where those seconds go.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import ProxyHandler, build_opener

from google.protobuf.message import DecodeError
from playwright.sync_api import CDPSession, Page, Playwright, sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR))
from tests.browser import harness  # noqa: E402  (the repository root must be importable first)

APP_SCRIPT = "app.py"
BASELINE_SCRIPT = "bench/minimal_app/app.py"
BASELINE_CHANGE_SCRIPT = "bench/minimal_app/data_change.py"
SEA_PAGE = "sea_services"
# A map "shows land" once this share of its pixels has the land colour.
MIN_LAND_SHARE = 0.005
POLL_S = 0.05
LANGUAGE_SELECT = '[data-testid="stSidebar"] [data-testid="stSelectbox"] input[role="combobox"]'
TARGET_RATIO = 1.3
TARGET_WARM_RATIO = 1.5
TARGET_CHANGE_RATIO = 1.5
TARGET_PAGE_BYTES = 1_500_000
TARGET_SERVER_MS = 150


@dataclass
class WidgetChange:
    """One change of the language select: server time (rerun sent → script finished, browser clock),
    reruns it caused, and seconds from the click until the map's pixels changed."""

    server_ms: float | None
    reruns: int
    repaint_s: float | None


@dataclass
class Measurement:
    """One cold start. Times are seconds since the server process started."""

    app: str
    server_up_s: float
    script_done_s: float | None
    first_paint_s: float
    bytes_by_part: dict[str, int]
    gzip_estimate_bytes: int
    blocked_urls: list[str]
    changes: list[WidgetChange] = field(default_factory=list)
    # A new visitor on the running server: navigation → map painted (fresh browser).
    warm_paint_s: float | None = None
    # The sea page's next service (app) or the next grid (baseline): click → repainted and still.
    service_change_s: float | None = None

    @property
    def page_bytes(self) -> int:
        return sum(self.bytes_by_part.values())


@dataclass
class SocketFrame:
    """A Streamlit WebSocket frame as Chromium's DevTools saw it (timestamp in seconds)."""

    timestamp: float
    sent: bool
    kind: str | None
    detail: int | None = None


@dataclass
class Download:
    url: str
    encoded_bytes: int
    content_encoding: str | None


class TrafficMeter:
    """What a page received (HTTP responses as transferred, WebSocket payloads) and Streamlit's frames."""

    def __init__(self, cdp: CDPSession) -> None:
        self.downloads: list[Download] = []
        self.ws_bytes = 0
        self.frames: list[SocketFrame] = []
        self.first_script_finished_at: float | None = None
        self._responses: dict[str, tuple[str, str | None]] = {}
        cdp.on("Network.responseReceived", self._on_response)
        cdp.on("Network.loadingFinished", self._on_loading_finished)
        cdp.on("Network.webSocketFrameReceived", lambda event: self._on_frame(event, sent=False))
        cdp.on("Network.webSocketFrameSent", lambda event: self._on_frame(event, sent=True))
        cdp.send("Network.enable")

    def _on_response(self, event: dict[str, Any]) -> None:
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        self._responses[event["requestId"]] = (event["response"]["url"], headers.get("content-encoding"))

    def _on_loading_finished(self, event: dict[str, Any]) -> None:
        url, encoding = self._responses.get(event["requestId"], ("?", None))
        self.downloads.append(Download(url, int(event["encodedDataLength"]), encoding))

    def _on_frame(self, event: dict[str, Any], *, sent: bool) -> None:
        response = event["response"]
        # Opcode 2 is a binary frame, which DevTools hands over base64-encoded.
        payload = (base64.b64decode(response["payloadData"]) if response["opcode"] == 2
                   else response["payloadData"].encode())
        if not sent:
            self.ws_bytes += len(payload)
        frame = _describe_frame(float(event["timestamp"]), payload, sent=sent)
        if frame.kind == "script_finished" and self.first_script_finished_at is None:
            self.first_script_finished_at = time.perf_counter()
        self.frames.append(frame)

    def bytes_by_part(self) -> dict[str, int]:
        """Bytes split into Streamlit's own frontend, the app's static files, and the WebSocket."""
        parts = {"frontend": 0, "app files": 0, "websocket": self.ws_bytes}
        for download in self.downloads:
            part = "app files" if urlsplit(download.url).path.startswith("/app/static/") else "frontend"
            parts[part] += download.encoded_bytes
        return parts

    def gzip_estimate(self) -> int:
        """The page's bytes if every uncompressed response were gzipped (as a compressing proxy would)."""
        opener = build_opener(ProxyHandler({}))
        total = self.ws_bytes
        for download in self.downloads:
            if download.content_encoding or not harness.is_local_url(download.url):
                total += download.encoded_bytes
                continue
            with opener.open(download.url, timeout=10) as response:
                total += len(gzip.compress(response.read(), compresslevel=6))
        return total


def _describe_frame(timestamp: float, payload: bytes, *, sent: bool) -> SocketFrame:
    message: BackMsg | ForwardMsg = BackMsg() if sent else ForwardMsg()
    try:
        message.ParseFromString(payload)
    except DecodeError:  # not one of Streamlit's messages: counted as bytes, not as a frame kind
        return SocketFrame(timestamp, sent, None)
    kind = message.WhichOneof("type")
    detail = message.script_finished if kind == "script_finished" else None
    return SocketFrame(timestamp, sent, kind, detail)


def wait_for_land(page: Page, deadline: float) -> float:
    """Poll the map until it is painted and shows land; returns the perf_counter() of that moment."""
    canvas = page.locator(harness.MAP_CANVAS_SELECTOR).first
    while time.perf_counter() < deadline:
        if canvas.count():
            png = harness.map_screenshot(page, timeout_ms=max(1.0, deadline - time.perf_counter()) * 1000)
            seen_at = time.perf_counter()
            if not harness.is_uniform(png) and harness.map_colour_fractions(png)["land"] >= MIN_LAND_SHARE:
                return seen_at
        time.sleep(POLL_S)
    raise TimeoutError("the map did not paint land before the deadline")


def measure(playwright: Playwright, script: str, *, changes: int, timeout_s: float,
            app_dir: Path = REPO_DIR) -> Measurement:
    """Start the server, open its root page in a fresh offline browser, time the paint; then the
    language changes, and a new visitor's (warm) paint in another fresh browser."""
    server = harness.start_app_server(app_dir, script, timeout_s=timeout_s)
    try:
        with fresh_page(playwright, server.base_url) as app_page:
            page = app_page.page
            meter = TrafficMeter(app_page.context.new_cdp_session(page))
            server_up_at = time.perf_counter()
            page.goto(server.base_url, wait_until="commit")
            painted_at = wait_for_land(page, server.started_at + timeout_s)
            harness.wait_for_app(page, timeout_s * 1000)
            script_done = meter.first_script_finished_at
            result = Measurement(
                app=script,
                server_up_s=server_up_at - server.started_at,
                script_done_s=None if script_done is None else script_done - server.started_at,
                first_paint_s=painted_at - server.started_at,
                bytes_by_part=meter.bytes_by_part(),
                gzip_estimate_bytes=meter.gzip_estimate(),
                blocked_urls=app_page.blocked_urls,
            )
            result.changes = [change_language(page, meter) for _ in range(changes)]
        with fresh_page(playwright, server.base_url) as app_page:
            started = time.perf_counter()
            app_page.page.goto(server.base_url, wait_until="commit")
            result.warm_paint_s = wait_for_land(app_page.page, started + timeout_s) - started
            result.blocked_urls += app_page.blocked_urls
        return result
    finally:
        server.stop()


def measure_service_change(playwright: Playwright, script: str, path: str, *, timeout_s: float,
                           app_dir: Path = REPO_DIR) -> float:
    """Seconds from picking the next option of the page's first select box in the main area to the
    map repainted and still, on a server that already served that change once."""
    from bench.trace import change_select  # the same click and the same "repainted and still" test

    server = harness.start_app_server(app_dir, script, timeout_s=timeout_s)
    try:
        for attempt in ("warm-up", "measured"):
            with fresh_page(playwright, server.base_url) as app_page:
                page = app_page.page
                page.goto(harness.app_url(server.base_url, path), wait_until="commit")
                harness.wait_for_app(page, timeout_s * 1000)
                harness.wait_for_map(page, timeout_s * 1000)
                clicked_at, settled_at = change_select(page, timeout_s=timeout_s)
                if attempt == "measured":
                    return settled_at - clicked_at
        raise AssertionError("unreachable")
    finally:
        server.stop()


@contextmanager
def fresh_page(playwright: Playwright, base_url: str) -> Iterator[harness.AppPage]:
    """A page in a newly launched Chromium (no shader compiled by an earlier visit is cached)."""
    browser = harness.launch_chromium(playwright)
    try:
        app_page = harness.new_app_page(browser, base_url)
        yield app_page
        app_page.close()
    finally:
        browser.close()


def change_language(page: Page, meter: TrafficMeter, *, timeout_s: float = 30.0) -> WidgetChange:
    """Pick the next language in the sidebar and time the rerun and the repaint."""
    before = harness.wait_for_map(page)
    first_frame = len(meter.frames)
    page.locator(LANGUAGE_SELECT).first.click()
    option = page.get_by_role("option").and_(page.locator('[aria-selected="false"]')).first
    repaint_s = None
    with harness.expect_rerun(page, timeout_s * 1000):
        clicked_at = time.perf_counter()
        option.click()
        while time.perf_counter() < clicked_at + timeout_s:
            if harness.map_screenshot(page) != before:
                repaint_s = time.perf_counter() - clicked_at
                break
            time.sleep(POLL_S)
    harness.wait_for_map(page)
    frames = meter.frames[first_frame:]
    sent = [frame.timestamp for frame in frames if frame.sent and frame.kind == "rerun_script"]
    finished = [frame.timestamp for frame in frames if not frame.sent and frame.kind == "script_finished"]
    server_ms = (finished[-1] - sent[0]) * 1000 if sent and finished else None
    return WidgetChange(server_ms, len(finished), repaint_s)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{unit}"


def _median_of(runs: list[Measurement], value: Callable[[Measurement], float | None]) -> float | None:
    return _median([v for v in map(value, runs) if v is not None])


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.2f} MB"


def print_report(results: dict[str, list[Measurement]]) -> bool:
    """Medians per app: timings since the server process started, bytes, ratios against their
    targets, widget changes. Returns True when every target is met."""
    print("\nseconds since `streamlit run` (medians; map painted per run in brackets)")
    print(f"{'':10} {'server up':>10} {'script done':>12} {'map painted':>12}   runs")
    for name, runs in results.items():
        print(f"{name:10} {_fmt(_median_of(runs, lambda r: r.server_up_s)):>10} "
              f"{_fmt(_median_of(runs, lambda r: r.script_done_s)):>12} "
              f"{_fmt(_median_of(runs, lambda r: r.first_paint_s)):>12}   "
              f"[{', '.join(f'{run.first_paint_s:.2f}' for run in runs)}]")
    print("\nbytes received by the page (medians; HTTP as transferred)")
    parts = list(next(iter(results.values()))[0].bytes_by_part)
    print(f"{'':10} " + " ".join(f"{part:>11}" for part in parts) + f" {'total':>11} {'if gzipped':>11}")
    for name, runs in results.items():
        cells = [_median_of(runs, lambda r, part=part: r.bytes_by_part[part]) for part in parts]
        print(f"{name:10} " + " ".join(f"{int(cell or 0):>11,}" for cell in cells)
              + f" {_mb(_median_of(runs, lambda r: r.page_bytes)):>11}"
              + f" {_mb(_median_of(runs, lambda r: r.gzip_estimate_bytes)):>11}")

    print("\nratios app / baseline (medians; per run in brackets)")
    verdicts = [
        _verdict("cold first paint", results, lambda r: r.first_paint_s, TARGET_RATIO),
        _verdict("warm first paint", results, lambda r: r.warm_paint_s, TARGET_WARM_RATIO),
        _verdict("service change", results, lambda r: r.service_change_s, TARGET_CHANGE_RATIO),
    ]
    page = _median_of(results["app"], lambda r: r.page_bytes)
    page_ok = page is not None and page <= TARGET_PAGE_BYTES
    print(f"{'app page':26} {_mb(page):>8}   target ≤ {_mb(TARGET_PAGE_BYTES)}: {_mark(page_ok)}")
    verdicts.append(page_ok)
    changes = [change for run in results["app"] for change in run.changes]
    if changes:
        server = _median([c.server_ms for c in changes if c.server_ms is not None])
        repaint = _median([c.repaint_s for c in changes if c.repaint_s is not None])
        unchanged = sum(c.repaint_s is None for c in changes)
        server_ok = server is not None and server <= TARGET_SERVER_MS
        verdicts.append(server_ok)
        print(f"{'language change':26} server {_fmt(server, ' ms', 0)} target ≤ {TARGET_SERVER_MS} ms: "
              f"{_mark(server_ok)}; click → map repainted {_fmt(repaint, ' s')}; medians of {len(changes)}"
              + (f"; map unchanged {unchanged}×" if unchanged else ""))
        print(f"{'':26} each (server ms / repaint s / reruns): "
              + ", ".join(f"{_fmt(c.server_ms, '', 0)}/{_fmt(c.repaint_s)}/{c.reruns}" for c in changes))
    blocked = sorted({url for runs in results.values() for run in runs for url in run.blocked_urls})
    print(f"{'blocked non-local URLs':26} {len(blocked)}" + "".join(f"\n    {url}" for url in blocked))
    missed = verdicts.count(False)
    print(f"\n{'targets':26} {len(verdicts) - missed} met, {missed} MISSED")
    return missed == 0


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _verdict(label: str, results: dict[str, list[Measurement]],
             value: Callable[[Measurement], float | None], target: float) -> bool:
    """Print one ratio line against its target; True when it is met."""
    app, base = _median_of(results["app"], value), _median_of(results["baseline"], value)
    ratio = app / base if app and base else None
    each = ", ".join(_fmt(value(run)) for run in results["app"])
    each_base = ", ".join(_fmt(value(run)) for run in results["baseline"])
    ok = ratio is not None and ratio <= target
    print(f"{label:26} {_fmt(ratio):>8}   target ≤ {target}: {_mark(ok)}   "
          f"app {_fmt(app, ' s')} [{each}], baseline {_fmt(base, ' s')} [{each_base}]")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="measurements per app (default 3)")
    parser.add_argument("--changes", type=int, default=3,
                        help="language changes timed after each app paint (default 3; 0 to skip)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per measurement")
    parser.add_argument("--json", type=Path, help="also write the raw measurements to this file")
    parser.add_argument("--app-dir", type=Path, help="measure the app of this checkout (default: this one)")
    parser.add_argument("--no-service-change", action="store_true", help="skip the service change")
    args = parser.parse_args(argv)
    missing = harness.chromium_missing_reason()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    app_dir = args.app_dir.resolve() if args.app_dir else REPO_DIR
    print(f"app from {app_dir}; machine load (1, 5, 15 min): {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
          flush=True)
    results: dict[str, list[Measurement]] = {"baseline": [], "app": []}
    with sync_playwright() as playwright:
        for run in range(args.runs):
            # Alternate the order so neither app always pays for cold disk caches.
            order = ("app", "baseline") if run % 2 == 0 else ("baseline", "app")
            for name in order:
                is_app = name == "app"
                measurement = measure(playwright, APP_SCRIPT if is_app else BASELINE_SCRIPT,
                                      changes=args.changes if is_app else 0, timeout_s=args.timeout,
                                      app_dir=app_dir if is_app else REPO_DIR)
                if not args.no_service_change:
                    measurement.service_change_s = measure_service_change(
                        playwright, APP_SCRIPT if is_app else BASELINE_CHANGE_SCRIPT,
                        SEA_PAGE if is_app else "", timeout_s=args.timeout,
                        app_dir=app_dir if is_app else REPO_DIR)
                results[name].append(measurement)
                print(f"run {run + 1}/{args.runs} {name:8} cold {measurement.first_paint_s:.2f} s, "
                      f"warm {_fmt(measurement.warm_paint_s, ' s')}, "
                      f"change {_fmt(measurement.service_change_s, ' s')}, {measurement.page_bytes:,} bytes",
                      flush=True)
    met = print_report(results)
    print(f"machine load after (1, 5, 15 min): {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        raw = {name: [asdict(run) for run in runs] for name, runs in results.items()}
        args.json.write_text(json.dumps(raw, indent=2))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
