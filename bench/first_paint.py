"""First paint: seconds from `streamlit run` to the Overview map painted in headless Chromium, against a
one-layer baseline app (bench/minimal_app) measured the same way in the same run; the bytes each page
transferred; and how long a widget change (the sidebar's language select) takes to repaint the map.

    python bench/first_paint.py [--runs 3] [--changes 3]

Targets from the issue: first paint ≤ 1.3 × the baseline, page ≤ 1.5 MB, widget change ≪ 150 ms of
server time. Figures are printed, not asserted: timings on shared machines are too noisy for a gate.
Only localhost traffic is allowed; every other request is blocked and listed.

Painted means the map canvas is not uniform and shows the land colour (the baseline's points are
land-coloured for this reason). Chromium renders WebGL in software (SwiftShader) here, so compiling
deck.gl's shaders costs seconds that a real GPU does not pay: compare the two apps, not absolute times.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import ProxyHandler, build_opener

from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, CDPSession, Page, sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR))
from tests.browser import harness  # noqa: E402  (the repository root must be importable first)

APP_SCRIPT = "app.py"
BASELINE_SCRIPT = "bench/minimal_app/app.py"
# A map "shows land" once this share of its pixels has the land colour.
MIN_LAND_SHARE = 0.005
POLL_S = 0.05
LANGUAGE_SELECT = '[data-testid="stSidebar"] [data-testid="stSelectbox"] input[role="combobox"]'
TARGET_RATIO = 1.3
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


def measure(browser: Browser, script: str, *, changes: int, timeout_s: float) -> Measurement:
    """Start the server, open its root page in a fresh offline context, time the paint."""
    server = harness.start_app_server(REPO_DIR, script, timeout_s=timeout_s)
    app_page = None
    try:
        app_page = harness.new_app_page(browser, server.base_url)
        meter = TrafficMeter(app_page.context.new_cdp_session(app_page.page))
        server_up_at = time.perf_counter()
        app_page.page.goto(server.base_url, wait_until="commit")
        painted_at = wait_for_land(app_page.page, server.started_at + timeout_s)
        harness.wait_for_app(app_page.page, timeout_s * 1000)
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
        result.changes = [change_language(app_page.page, meter) for _ in range(changes)]
        return result
    finally:
        if app_page is not None:
            app_page.close()
        server.stop()


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


def print_report(results: dict[str, list[Measurement]]) -> None:
    """Medians per app: timings since the server process started, then bytes, then widget changes."""
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

    app_paint = _median_of(results["app"], lambda r: r.first_paint_s)
    base_paint = _median_of(results["baseline"], lambda r: r.first_paint_s)
    ratio = app_paint / base_paint if app_paint and base_paint else None
    print()
    print(f"first paint app/baseline  {_fmt(ratio)}   (target ≤ {TARGET_RATIO})")
    print(f"app page                  {_mb(_median_of(results['app'], lambda r: r.page_bytes))}   "
          f"(target ≤ {_mb(TARGET_PAGE_BYTES)})")
    changes = [change for run in results["app"] for change in run.changes]
    if changes:
        server = _median([c.server_ms for c in changes if c.server_ms is not None])
        repaint = _median([c.repaint_s for c in changes if c.repaint_s is not None])
        unchanged = sum(c.repaint_s is None for c in changes)
        print(f"language change           server {_fmt(server, ' ms', 0)} (target ≪ {TARGET_SERVER_MS} ms); "
              f"click → map repainted {_fmt(repaint, ' s')}; medians of {len(changes)}"
              + (f"; map unchanged {unchanged}×" if unchanged else ""))
        print("                          each (server ms / repaint s / reruns): "
              + ", ".join(f"{_fmt(c.server_ms, '', 0)}/{_fmt(c.repaint_s)}/{c.reruns}" for c in changes))
    blocked = sorted({url for runs in results.values() for run in runs for url in run.blocked_urls})
    print(f"blocked non-local URLs    {len(blocked)}" + "".join(f"\n    {url}" for url in blocked))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="measurements per app (default 3)")
    parser.add_argument("--changes", type=int, default=3,
                        help="language changes timed after each app paint (default 3; 0 to skip)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per measurement")
    parser.add_argument("--json", type=Path, help="also write the raw measurements to this file")
    args = parser.parse_args(argv)
    missing = harness.chromium_missing_reason()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    results: dict[str, list[Measurement]] = {"baseline": [], "app": []}
    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        try:
            for run in range(args.runs):
                # Alternate the order so neither app always pays for cold disk caches.
                order = ("app", "baseline") if run % 2 == 0 else ("baseline", "app")
                for name in order:
                    script = APP_SCRIPT if name == "app" else BASELINE_SCRIPT
                    measurement = measure(browser, script, changes=args.changes if name == "app" else 0,
                                          timeout_s=args.timeout)
                    results[name].append(measurement)
                    print(f"run {run + 1}/{args.runs} {name:8} map painted {measurement.first_paint_s:.2f} s "
                          f"after start, {measurement.page_bytes:,} bytes", flush=True)
        finally:
            browser.close()
    print_report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        raw = {name: [asdict(run) for run in runs] for name, runs in results.items()}
        args.json.write_text(json.dumps(raw, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
