"""Where the browser's time goes: a Chrome trace of a first paint and of a service change, split into
network, JSON parse, deck.gl layer set-up, polygon tessellation, shader compilation per layer type,
font atlas and draw, side by side with the bare one-layer apps (bench/minimal_app).

    python bench/trace.py [--runs 2] [--scenario both] [--app-dir DIR] [--save-traces DIR] [--json FILE]

Method. One warm server per app (each visited once before measuring, so no figure includes the
server's first script run). Every measurement launches a fresh Debian Chromium (harness.CHROMIUM_ARGS;
a fresh GPU process, so no shader compiled by an earlier run is cached) in an offline context (every
non-local request is blocked), records a browser-wide trace through the DevTools protocol
(Tracing.start/end; categories devtools.timeline, v8 with the CPU sampler, gpu and ANGLE), and:

- first paint: navigation → the map shows land (as bench/first_paint.py judges it);
- service change (app: /sea_services, the next service; bare app: bench/minimal_app/data_change.py,
  the next grid shift): click → the map's pixels changed and then stopped changing.

App and baseline runs alternate in one session, as in bench/first_paint.py. The trace is then split:

- renderer main thread, from the V8 CPU sampler: each sample goes to the first category whose
  function appears in its stack (shader compile, font atlas, tessellation, JSON parse, layer set-up,
  draw, other deck.gl, Streamlit/React); `(program)` is native work (style, layout, paint and waiting
  for the GPU process);
- GPU process (SwiftShader, software WebGL): per program — named by deck.gl's `#define SHADER_NAME` in
  the shader source the trace records — the GLSL translation, the link and ANGLE's pipeline warm-up on
  its worker threads; everything else the GPU process does for WebGL is "draws and read-back";
- network: first request → last response of the page, and bytes received over HTTP.

CPU times on two cores overlap (the GPU process compiles while the renderer runs JavaScript), so the
rows do not add up to the wall time; ratios compare like with like. Targets (issue 13, wall time,
median of runs): first paint on a warm server ≤ 1.5 × the bare app, service change ≤ 1.5 × the bare
app's data change. A missed target is marked and the exit code is 1.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, CDPSession, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR))

from bench.first_paint import wait_for_land  # noqa: E402  (the repository root must be importable first)
from tests.browser import harness  # noqa: E402

APP_SCRIPT = "app.py"
BASELINE_SCRIPT = "bench/minimal_app/app.py"
BASELINE_CHANGE_SCRIPT = "bench/minimal_app/data_change.py"
SEA_PAGE = "sea_services"
MAIN_SELECT = '[data-testid="stMain"] [data-testid="stSelectbox"] input[role="combobox"]'
TARGETS = {"first paint": 1.5, "service change": 1.5}

CATEGORIES = (
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8",
    "v8.execute",
    "disabled-by-default-v8.cpu_profiler",
    "gpu",
    "gpu.angle",
    "toplevel",
    "blink.user_timing",
)
TRACE_BUFFER_KB = 800_000
JSON_PARSE_EVENT = "corridor-atlas: JSON.parse timed in the page"

# Renderer samples: the first rule with a function on the sample's stack names its category.
SAMPLE_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("shader compile (renderer side)", frozenset({
        "_getLinkStatus", "_linkShaders", "createRenderPipeline", "createSharedRenderPipeline",
        "_createSharedRenderPipelineWebGL", "assembleGLSLShaderPair", "assembleShaders", "_compile",
        "compileShader",
    })),
    ("font atlas", frozenset({"_updateFontAtlas", "_generateFontAtlas", "buildMapping", "getFontAtlas"})),
    ("polygon tessellation", frozenset({
        "updateGeometry", "_rebuildGeometry", "normalizeGeometry", "updateGeometryAttributes",
        "_updateIndices", "earcut", "tessellate", "_updateVertexValid",
    })),
    ("deck.gl draw", frozenset({"_drawLayers", "renderLayers", "drawLayers", "_drawLayer", "redraw"})),
    ("deck.gl layer set-up", frozenset({
        "_initializeLayer", "_updateLayers", "_updateSublayersRecursively", "_initialize", "_update",
        "updateAttributes", "_updateAttributes", "updateState", "initializeState", "_postProcessValue",
        "setLayers", "_setDevice", "onInitialize", "initializeFeatures",
    })),
)
DECK_CHUNK = re.compile(r"/static/js/(DeckGlJsonChart|expression|get-attribute-from-layouts)[.-]")
SHADER_NAME = re.compile(r"#define SHADER_NAME (\S+?)(?:-vertex|-fragment)?-shader")
# deck.gl's shader names → the layer type a reader knows (TextLayer draws through two sublayers).
LAYER_OF_SHADER = {
    "solid-polygon-layer": "SolidPolygonLayer (sea, land)",
    "scatterplot-layer": "ScatterplotLayer (places, zones)",
    "path-layer": "PathLayer",
    "text-background-layer": "TextLayer: label backgrounds",
    "multi-icon-layer": "TextLayer: glyphs",
    "icon-layer": "IconLayer",
}


@dataclass
class Run:
    """One traced measurement: the events and the window (trace clock, µs) the breakdown covers."""

    app: str
    scenario: str
    wall_s: float
    events: list[dict[str, Any]] = field(repr=False)
    start_us: float
    end_us: float


def record(playwright: Playwright, base_url: str, path: str, scenario: str, *, timeout_s: float) -> tuple[
        list[dict[str, Any]], float, float, float]:
    """Trace one scenario in a fresh browser: returns (events, start µs, end µs, wall seconds)."""
    browser = harness.launch_chromium(playwright)
    try:
        app_page = harness.new_app_page(browser, base_url)
        page = app_page.page
        if scenario == "service change":
            app_page.goto(path, timeout_ms=timeout_s * 1000)
            harness.wait_for_map(page, timeout_s * 1000)
        socket = PageTraffic(app_page.context.new_cdp_session(page))
        cdp = browser.new_browser_cdp_session()
        done: dict[str, Any] = {}
        cdp.on("Tracing.tracingComplete", lambda event: done.update(event))
        cdp.send("Tracing.start", {
            "traceConfig": {"includedCategories": list(CATEGORIES), "recordMode": "recordAsMuchAsPossible",
                            "traceBufferSizeInKb": TRACE_BUFFER_KB},
            "transferMode": "ReturnAsStream",
        })
        page.wait_for_timeout(200)  # the tracing agents of every process are running
        started = time.perf_counter()
        if scenario == "first paint":
            page.goto(harness.app_url(base_url, path), wait_until="commit")
            ended = wait_for_land(page, started + timeout_s)
        else:
            # The trace covers opening the list too; the figures are taken from the click on.
            started, ended = change_select(page, timeout_s=timeout_s)
        cdp.send("Tracing.end")
        while "stream" not in done:
            page.wait_for_timeout(50)
        json_ms = json_parse_ms(page, socket.payloads, socket.static_urls)
        if done.get("dataLossOccurred"):
            print("warning: the trace buffer overflowed; figures are incomplete", file=sys.stderr)
        chunks = []
        while True:
            read = cdp.send("IO.read", {"handle": done["stream"], "size": 1 << 22})
            chunks.append(read["data"])
            if read.get("eof"):
                break
        cdp.send("IO.close", {"handle": done["stream"]})
        app_page.close()
    finally:
        browser.close()
    trace = json.loads("".join(chunks))
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    # Chrome's trace clock is CLOCK_MONOTONIC in µs on Linux, as is time.perf_counter().
    events.append({"name": JSON_PARSE_EVENT, "ph": "i", "pid": 0, "tid": 0, "ts": started * 1e6,
                   "args": {"ms": json_ms}})
    return events, started * 1e6, ended * 1e6, ended - started


class PageTraffic:
    """The page's WebSocket payloads (Streamlit's ForwardMsgs) and the app's static files it fetched,
    recorded while the trace runs, for timing their JSON parse afterwards."""

    def __init__(self, cdp: CDPSession) -> None:
        self.payloads: list[bytes] = []
        self.static_urls: list[str] = []
        cdp.on("Network.webSocketFrameReceived", self._on_frame)
        cdp.on("Network.responseReceived", self._on_response)
        cdp.send("Network.enable")

    def _on_frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response["opcode"] == 2:  # binary, base64-encoded by DevTools
            self.payloads.append(base64.b64decode(response["payloadData"]))

    def _on_response(self, event: dict[str, Any]) -> None:
        url = event["response"]["url"]
        if "/app/static/" in url and url.endswith((".json", ".geojson")):
            self.static_urls.append(url)


def json_parse_ms(page: Page, payloads: list[bytes], static_urls: list[str]) -> float:
    """JSON.parse of what the map received (the deck JSON of every pydeck chart, the static layers),
    timed in the same page after the trace: V8 attributes the builtin to its caller, so the CPU
    sampler cannot show it as such. Median of three passes."""
    texts = []
    for payload in payloads:
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except DecodeError:
            continue
        if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "deck_gl_json_chart":
                texts.append(element.deck_gl_json_chart.json)
    return float(page.evaluate(
        """async ([texts, urls]) => {
            for (const url of urls) texts.push(await (await fetch(url)).text());
            const times = [];
            for (let pass = 0; pass < 3; pass++) {
                const start = performance.now();
                for (const text of texts) JSON.parse(text);
                times.push(performance.now() - start);
            }
            return times.sort((a, b) => a - b)[1];
        }""",
        [texts, sorted(set(static_urls))],
    ))


def change_select(page: Page, *, timeout_s: float) -> tuple[float, float]:
    """Pick the next option of the main area's first select box; returns when the option was
    clicked and when the map had repainted and stopped changing (perf_counter).

    The clock starts at the click on the option, the person's action. It used to start before the
    list was opened: on the sea page the map's screenshot scrolls the select box above the window,
    the first click then opened nothing, and the 5 s wait for the list counted as repaint time
    (8.4 s "service change" of which 5.4 s passed before the option was even clicked; 2026-12-01)."""
    harness.wait_for_app(page, timeout_s * 1000)
    before = harness.wait_for_map(page)
    option = page.get_by_role("option").and_(page.locator('[aria-selected="false"]')).first
    select = page.locator(MAIN_SELECT).first
    for attempt in range(3):  # a late rerun can close the list that the first click opened
        select.scroll_into_view_if_needed()
        select.click()
        try:
            option.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    clicked_at = time.perf_counter()
    deadline = clicked_at + timeout_s
    option.click()
    while _screenshot(page) in (before, None):
        if time.perf_counter() > deadline:
            raise TimeoutError("the map did not change after the select box changed")
        page.wait_for_timeout(50)
    harness.wait_for_map(page, timeout_s * 1000, poll_ms=100)
    return clicked_at, time.perf_counter()


def _screenshot(page: Page) -> bytes | None:
    """The map's pixels, or None while Streamlit swaps the chart element (detached canvas)."""
    try:
        return harness.map_screenshot(page, timeout_ms=5000)
    except PlaywrightError:
        return None


# --------------------------------------------------------------------------------------------- analysis


def _process_names(events: Iterable[dict[str, Any]]) -> tuple[dict[int, str], dict[tuple[int, int], str]]:
    processes, threads = {}, {}
    for event in events:
        if event.get("ph") == "M" and event["name"] == "process_name":
            processes[event["pid"]] = event["args"]["name"]
        elif event.get("ph") == "M" and event["name"] == "thread_name":
            threads[(event["pid"], event["tid"])] = event["args"]["name"]
    return processes, threads


def _page_renderer(events: list[dict[str, Any]], processes: dict[int, str]) -> int | None:
    """The renderer that runs the app: the one whose main thread ran the most JavaScript (the others
    are Chromium's own WebUI pages)."""
    script_us: collections.Counter[int] = collections.Counter()
    for event in events:
        if event["name"] == "FunctionCall" and processes.get(event["pid"]) == "Renderer":
            script_us[event["pid"]] += event.get("dur", 0)
    return script_us.most_common(1)[0][0] if script_us else None


def _overlap_us(event: dict[str, Any], start: float, end: float) -> float:
    begin = event["ts"]
    return max(0.0, min(begin + event.get("dur", 0), end) - max(begin, start))


def _sample_category(stack: list[dict[str, Any]]) -> str:
    functions = {frame["functionName"] for frame in stack}
    leaf = stack[0]
    if leaf["functionName"] in ("(idle)", "(program)", "(garbage collector)"):
        return {"(idle)": "idle", "(program)": "native (style, layout, paint, GPU waits)",
                "(garbage collector)": "garbage collection"}[leaf["functionName"]]
    for category, names in SAMPLE_RULES:
        if functions & names:
            return category
    if any(DECK_CHUNK.search(frame.get("url", "")) for frame in stack):
        return "deck.gl, other"
    return "Streamlit / React / other JS"


def renderer_samples(events: list[dict[str, Any]], pid: int, threads: dict[tuple[int, int], str],
                     start: float, end: float) -> collections.Counter[str]:
    """Milliseconds of main-thread CPU samples per category inside the window."""
    nodes: dict[tuple[Any, int], tuple[dict[str, Any], int | None]] = {}
    clock: dict[Any, float] = {}
    totals: collections.Counter[str] = collections.Counter()
    main_profiles = {event["id"] for event in events if event["name"] == "Profile" and event["pid"] == pid
                     and threads.get((pid, event["tid"])) == "CrRendererMain"}
    for event in events:
        if event["pid"] != pid or event.get("id") not in main_profiles:
            continue
        if event["name"] == "Profile":
            clock[event["id"]] = float(event["args"]["data"]["startTime"])
            continue
        if event["name"] != "ProfileChunk":
            continue
        data = event["args"]["data"]
        profile = data.get("cpuProfile", {})
        for node in profile.get("nodes", []):
            nodes[(event["id"], node["id"])] = (node["callFrame"], node.get("parent"))
        for sample, delta in zip(profile.get("samples", []), data.get("timeDeltas", []), strict=False):
            clock[event["id"]] = clock.get(event["id"], 0.0) + delta
            if not start <= clock[event["id"]] <= end:
                continue
            stack, node_id = [], sample
            while node_id is not None and (event["id"], node_id) in nodes:
                frame, node_id = nodes[(event["id"], node_id)]
                stack.append(frame)
            if stack:
                totals[_sample_category(stack)] += delta / 1000
    return totals


@dataclass
class Program:
    layer: str
    translate_ms: float = 0.0
    link_ms: float = 0.0
    warm_up_ms: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.translate_ms + self.link_ms + self.warm_up_ms


def shader_programs(events: list[dict[str, Any]], gpu_pid: int, start: float, end: float) -> list[Program]:
    """Programs the GPU process compiled in the window, in order, with their cost in CPU ms."""
    inside = (e for e in events if e["pid"] == gpu_pid and e.get("ph") == "X" and start <= e["ts"] <= end)
    gpu = sorted(inside, key=lambda e: e["ts"])
    programs: list[Program] = []
    pending: list[tuple[str, float]] = []
    for event in gpu:
        if event["name"] == "ShaderTranslateTask::run":
            source = event["args"].get("source", "")
            match = SHADER_NAME.search(source)
            name = match.group(1) if match else "unnamed shader"
            layer = LAYER_OF_SHADER.get(name, name)
            if name == "path-layer":
                layer += " + dash extension" if "instanceDashArrays" in source else " (plain)"
            pending.append((layer, event["dur"] / 1000))
        elif event["name"] == "GLES2DecoderPassthroughImpl::DoLinkProgram":
            layer = pending[0][0] if pending else "program (shaders cached)"
            programs.append(Program(layer, sum(ms for _, ms in pending), event["dur"] / 1000))
            pending = []
    # ANGLE warms each linked program's pipeline on a worker pool, first come first served.
    warm_ups = [e for e in gpu if e["name"] == "ProgramExecutableVk::warmUpGraphicsPipelineCache"]
    for program, warm_up in zip(programs, warm_ups, strict=False):
        program.warm_up_ms = warm_up["dur"] / 1000
    return programs


def breakdown(run: Run) -> dict[str, float]:
    """The rows of the table for one run (milliseconds unless the name says otherwise)."""
    events, start, end = run.events, run.start_us, run.end_us
    processes, threads = _process_names(events)
    renderer = _page_renderer(events, processes)
    gpu_pid = next((pid for pid, name in processes.items() if name == "GPU Process"), None)
    rows: dict[str, float] = {"wall: " + ("navigation → land painted" if run.scenario == "first paint"
                                          else "click → map repainted and still"): run.wall_s * 1000}
    inside = [e for e in events if start <= e.get("ts", 0) <= end]
    if renderer is not None:
        requests = [e for e in inside if e["pid"] == renderer and e["name"] == "ResourceSendRequest"]
        finished = [e for e in inside if e["pid"] == renderer and e["name"] == "ResourceFinish"]
        urls = {e["args"]["data"].get("requestId"): e["args"]["data"].get("url", "") for e in requests}
        scripts = [e["ts"] for e in finished
                   if urls.get(e["args"]["data"].get("requestId"), "").endswith(".js")]
        if scripts:
            rows["network: last frontend script received (ms after start)"] = (max(scripts) - start) / 1000
        static = [e["ts"] for e in requests if "/app/static/" in e["args"]["data"].get("url", "")]
        if static:
            rows["network: basemap file requested (ms after start)"] = (min(static) - start) / 1000
        rows["network: HTTP kB received"] = sum(e["args"]["data"].get("encodedDataLength", 0)
                                                for e in finished) / 1000
        samples = renderer_samples(events, renderer, threads, start, end)
        for category, _ in SAMPLE_RULES:
            rows[f"renderer: {category}"] = samples.get(category, 0.0)
        for category in ("deck.gl, other", "Streamlit / React / other JS", "garbage collection",
                         "native (style, layout, paint, GPU waits)"):
            rows[f"renderer: {category}"] = samples.get(category, 0.0)
        rows["renderer: JSON parse (deck JSON, basemap; timed apart)"] = next(
            (e["args"]["ms"] for e in events if e["name"] == JSON_PARSE_EVENT), 0.0)
        rows["renderer: blocked on the GPU process (read-back)"] = sum(
            _overlap_us(e, start, end) for e in events
            if e["pid"] == renderer and e["name"] == "GLES2::ReadPixels") / 1000
    if gpu_pid is not None:
        programs = shader_programs(events, gpu_pid, start, end)
        by_layer: collections.Counter[str] = collections.Counter()
        for program in programs:
            by_layer[program.layer] += program.total_ms
        rows["gpu: WebGL contexts created (count; map (re)mounted)"] = sum(
            1 for e in inside if e["pid"] == gpu_pid and e["name"] == "GpuChannel::CreateCommandBuffer")
        rows["gpu: shader programs linked (count)"] = len(programs)
        rows["gpu: shader compile, all programs"] = sum(by_layer.values())
        for layer, ms in sorted(by_layer.items()):
            rows[f"gpu: shader compile — {layer}"] = ms
        main_gpu = [e for e in events if e["pid"] == gpu_pid and e.get("ph") == "X"
                    and threads.get((gpu_pid, e["tid"])) == "CrGpuMain"]
        webgl = sum(_overlap_us(e, start, end) for e in main_gpu if e["name"] == "WebGL")
        compile_on_main = sum(_overlap_us(e, start, end) for e in main_gpu if e["name"] in (
            "ShaderTranslateTask::run", "GLES2DecoderPassthroughImpl::DoLinkProgram"))
        rows["gpu: draws and read-back (SwiftShader)"] = (webgl - compile_on_main) / 1000
    return rows


# ---------------------------------------------------------------------------------------------- report


def print_table(scenario: str, app: dict[str, float], base: dict[str, float]) -> bool:
    """Side by side; returns True when the wall-time target is met."""
    print(f"\n{scenario} (medians; ms of CPU unless a row says otherwise; rows overlap in time)")
    print(f"{'':58} {'app':>9} {'bare app':>9} {'ratio':>7}")
    met = True
    for name in dict.fromkeys([*app, *base]):
        value, baseline = app.get(name, 0.0), base.get(name, 0.0)
        ratio = f"{value / baseline:.2f}x" if baseline >= 1 else "–"
        mark = ""
        if name.startswith("wall:"):
            target = TARGETS[scenario]
            ok = baseline > 0 and value / baseline <= target
            met = met and ok
            mark = f"  target ≤ {target}x: " + ("met" if ok else "MISSED")
        print(f"{name:58} {value:>9,.0f} {baseline:>9,.0f} {ratio:>7}{mark}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="traces per app and scenario (default 2)")
    parser.add_argument("--scenario", choices=("first paint", "service change", "both"), default="both")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds allowed per measurement")
    parser.add_argument("--save-traces", type=Path, help="write each trace here (open in chrome://tracing "
                        "or ui.perfetto.dev)")
    parser.add_argument("--json", type=Path, help="also write the rows of every run to this file")
    parser.add_argument("--app-dir", type=Path, help="trace the app of this checkout (default: this one)")
    args = parser.parse_args(argv)
    missing = harness.chromium_missing_reason()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    scenarios = ("first paint", "service change") if args.scenario == "both" else (args.scenario,)
    print(f"app from {args.app_dir or REPO_DIR}; machine load (1, 5, 15 min): "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    scripts = {"app": APP_SCRIPT, "bare": BASELINE_SCRIPT, "bare-change": BASELINE_CHANGE_SCRIPT}
    servers = {}
    results: dict[str, dict[str, list[Run]]] = {s: {"app": [], "bare": []} for s in scenarios}
    raw: list[dict[str, Any]] = []
    try:
        with sync_playwright() as playwright:
            for name, script in scripts.items():
                used = [s for s in scenarios if _server_name(name.removesuffix("-change"), s) == name]
                if not used:
                    continue
                app_dir = args.app_dir.resolve() if args.app_dir and name == "app" else REPO_DIR
                servers[name] = harness.start_app_server(app_dir, script, timeout_s=args.timeout)
                for scenario in used:
                    warm_up(playwright, servers[name].base_url, _path(name, scenario), scenario, args.timeout)
            for run_index in range(args.runs):
                for scenario in scenarios:
                    order = ("app", "bare") if run_index % 2 == 0 else ("bare", "app")
                    for who in order:
                        server = servers[_server_name(who, scenario)]
                        events, start, end, wall = record(playwright, server.base_url, _path(who, scenario),
                                                          scenario, timeout_s=args.timeout)
                        run = Run(who, scenario, wall, events, start, end)
                        results[scenario][who].append(run)
                        print(f"run {run_index + 1}/{args.runs} {scenario:14} {who:4} {wall:6.2f} s",
                              flush=True)
                        if args.save_traces:
                            args.save_traces.mkdir(parents=True, exist_ok=True)
                            name = f"{scenario.replace(' ', '_')}-{who}-{run_index + 1}.json"
                            path = args.save_traces / name
                            path.write_text(json.dumps({"traceEvents": events}))
                        raw.append({"app": who, "scenario": scenario, "rows": breakdown(run)})
                        run.events = []  # the rows are kept; a trace is ~40 MB
                        run_rows[id(run)] = raw[-1]["rows"]
    finally:
        for server in servers.values():
            server.stop()
    all_met = True
    for scenario in scenarios:
        app = _median_of_rows([run_rows[id(r)] for r in results[scenario]["app"]])
        base = _median_of_rows([run_rows[id(r)] for r in results[scenario]["bare"]])
        all_met = print_table(scenario, app, base) and all_met
    print(f"\nmachine load after (1, 5, 15 min): {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(raw, indent=2))
    return 0 if all_met else 1


run_rows: dict[int, dict[str, float]] = {}


def _median_of_rows(rows: list[dict[str, float]]) -> dict[str, float]:
    names = list(dict.fromkeys(name for row in rows for name in row))
    return {name: statistics.median([row.get(name, 0.0) for row in rows]) for name in names}


def _server_name(who: str, scenario: str) -> str:
    return "bare-change" if who == "bare" and scenario == "service change" else who


def _path(who: str, scenario: str) -> str:
    return SEA_PAGE if who == "app" and scenario == "service change" else ""


def warm_up(playwright: Playwright, base_url: str, path: str, scenario: str, timeout_s: float) -> None:
    """The scenario once, untraced, so the server's first runs (imports, validation, routes, the next
    service's plan) are not measured."""
    browser: Browser = harness.launch_chromium(playwright)
    try:
        app_page = harness.new_app_page(browser, base_url)
        app_page.goto(path, timeout_ms=timeout_s * 1000)
        harness.wait_for_map(app_page.page, timeout_s * 1000)
        if scenario == "service change":
            change_select(app_page.page, timeout_s=timeout_s)
        app_page.close()
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
