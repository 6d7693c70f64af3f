"""Real-browser harness: a Streamlit server, Debian's headless Chromium, and pixel checks of the map.

Shared by the browser tests (through conftest.py) and by bench/first_paint.py, so it never imports
pytest. Only 127.0.0.1 / localhost traffic is let through: the app must work with no internet.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, ViewportSize, WebSocketRoute

REPO_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_DIR / "tests" / "artifacts" / "screenshots"

CHROMIUM_PATH = Path("/usr/bin/chromium")
REQUIRE_BROWSER_ENV = "CORRIDOR_ATLAS_REQUIRE_BROWSER"
# Debian's Chromium falls back to SwiftShader (software WebGL2 through ANGLE/Vulkan) by itself under
# --disable-gpu, which is all deck.gl needs; no --use-gl / --use-angle / --enable-unsafe-swiftshader.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/156.0.0.0 Mobile Safari/537.36")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})

# The embedded basemap's fills (atlas/style.py SEA_FILL and LAND_FILL).
SEA_RGB: tuple[int, int, int] = (214, 230, 242)
LAND_RGB: tuple[int, int, int] = (244, 241, 232)
# Per-channel slack: antialiasing and SwiftShader's rounding move flat fills by a unit or two.
COLOUR_TOLERANCE = 4

# A guard, not a target: a cold first run on a busy 2-core CI machine imports geopandas and compiles
# deck.gl's shaders in SwiftShader (software), which can take a dozen seconds.
DEFAULT_TIMEOUT_MS = 30_000

MAP_SELECTOR = '[data-testid="stDeckGlJsonChart"]'
# Every map of the app is taller than this once laid out.
MIN_MAP_HEIGHT_PX = 120
MAP_CANVAS_SELECTOR = f"{MAP_SELECTOR} canvas"
APP_IDLE_SELECTOR = (
    '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
)
STATUS_WIDGET_SELECTOR = '[data-testid="stStatusWidget"]'
DECK_ERROR_MARKERS: tuple[str, ...] = ("deck:", "Missing character", "luma")
# luma.gl logs harmless SwiftShader notes ("uniform block reflection failed") at debug level.
DECK_ERROR_TYPES = frozenset({"error", "warning", "assert"})


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when Chromium is installed."""
    if CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK):
        return None
    return (f"{CHROMIUM_PATH} is missing: install Debian's chromium, fonts-noto-core and fonts-noto-cjk "
            "(scripts/install_browser_deps.sh); never `playwright install`")


def browser_required() -> bool:
    """CI sets CORRIDOR_ATLAS_REQUIRE_BROWSER=1: a missing browser is then a failure, not a skip."""
    return os.environ.get(REQUIRE_BROWSER_ENV, "") == "1"


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def streamlit_command(script: str, port: int) -> list[str]:
    """The server command line; bound to 127.0.0.1 so a test run never listens on the network."""
    return [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]


@dataclass
class AppServer:
    """A running `streamlit run`, in its own process group so stop() also ends its children."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    started_at: float

    def log_tail(self, max_chars: int = 4000) -> str:
        """The end of the server's combined stdout and stderr."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text[-max_chars:]

    def stop(self) -> None:
        """Terminate the process group, kill it if it lingers, and delete the log."""
        stop_process_group(self.process)
        self.log_path.unlink(missing_ok=True)


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """End a server started with `start_new_session=True` and its children: SIGTERM to the group,
    SIGKILL if it lingers. Shared by the app, proxy and static servers of the tests."""
    if process.poll() is None:
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
    process.wait()


class ServerStartError(RuntimeError):
    """The server exited or never answered its health check."""


def start_app_server(app_dir: Path, script: str = "app.py", *, timeout_s: float = 60.0) -> AppServer:
    """Start Streamlit on a free port in `app_dir` and wait for /_stcore/health to answer `ok`."""
    port = free_port()
    log_file = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    started_at = time.perf_counter()
    with log_file:
        process = subprocess.Popen(
            streamlit_command(script, port), cwd=app_dir, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    server = AppServer(process, f"http://127.0.0.1:{port}", Path(log_file.name), started_at)
    try:
        wait_for_health(server, timeout_s)
    except BaseException:
        server.stop()
        raise
    return server


def wait_for_health(server: AppServer, timeout_s: float) -> None:
    """Poll the health endpoint; a dead process or a timeout raises with the server's output."""
    wait_until_ok(server.process, f"{server.base_url}/_stcore/health", server.log_tail, timeout_s,
                  error=ServerStartError, name="streamlit", poll_s=0.1)


def wait_until_ok(process: subprocess.Popen[bytes], url: str, log_tail: Callable[[], str], timeout_s: float,
                  *, error: type[Exception], name: str, poll_s: float) -> None:
    """Poll `url` until it answers `ok`; `error` (with the server's output) if the process `name`
    exits first or `timeout_s` passes."""
    # No proxy: an http_proxy variable in the environment must not catch a request to 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise error(f"{name} exited with code {process.returncode}:\n{log_tail()}")
        try:
            with opener.open(url, timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(poll_s)
    raise error(f"no `ok` from {url} in {timeout_s:.0f} s:\n{log_tail()}")


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's headless Chromium with the project's flags (no Playwright-downloaded browser)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), headless=True,
                                      args=list(CHROMIUM_ARGS))


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine (and for data:, blob: and about: URLs)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


def block_non_local(context: BrowserContext, blocked: list[str]) -> None:
    """Abort every request and WebSocket that leaves the machine, and record its URL in `blocked`."""

    def handle_request(route: Route) -> None:
        if is_local_url(route.request.url):
            route.fallback()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def handle_socket(socket_route: WebSocketRoute) -> None:
        blocked.append(socket_route.url)
        socket_route.close()

    context.route("**/*", handle_request)
    # Only non-local sockets are routed; Streamlit's own socket stays unproxied.
    context.route_web_socket(lambda url: not is_local_url(url), handle_socket)


@dataclass(frozen=True)
class ConsoleEntry:
    """One browser console message."""

    type: str
    text: str


@dataclass
class AppPage:
    """A page in its own browser context, with what it logged and what it was refused."""

    page: Page
    context: BrowserContext
    base_url: str
    console: list[ConsoleEntry] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_urls: list[str] = field(default_factory=list)

    def goto(self, path: str = "", *, wait: bool = True, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        """Open `path` (e.g. "border_gates?lang=zh") under the server; by default wait for the run."""
        self.page.goto(app_url(self.base_url, path), wait_until="domcontentloaded", timeout=timeout_ms)
        if wait:
            wait_for_app(self.page, timeout_ms)

    def close(self) -> None:
        self.context.close()


def app_url(base_url: str, path: str) -> str:
    """`base_url` joined with a page path and query string."""
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


def new_app_page(browser: Browser, base_url: str, *, viewport: ViewportSize = DESKTOP,
                 locale: str = "en-US", ignore_https_errors: bool = False) -> AppPage:
    """A fresh context (no cookies, no cache) that only reaches localhost and records console output.

    `ignore_https_errors`: accept a self-signed certificate (the proxy's TLS tests make one per run).
    """
    # A phone-sized viewport also behaves like a phone: touch events, and the meta viewport is honoured.
    phone = viewport["width"] < 600
    # Phones say so in their user agent; the app fits its maps to a phone-width map from it.
    agent = {"user_agent": PHONE_USER_AGENT} if phone else {}
    context = browser.new_context(viewport=viewport, locale=locale, service_workers="block",
                                  is_mobile=phone, has_touch=phone, ignore_https_errors=ignore_https_errors,
                                  **agent)
    blocked: list[str] = []
    block_non_local(context, blocked)
    app_page = AppPage(page=context.new_page(), context=context, base_url=base_url, blocked_urls=blocked)
    app_page.page.on("console", lambda message: app_page.console.append(ConsoleEntry(message.type,
                                                                                      message.text)))
    app_page.page.on("pageerror", lambda error: app_page.page_errors.append(str(error)))
    return app_page


def wait_for_app(page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished its script run and the page's fetches have stopped."""
    # The attribute reads "initial" until the first run ends, so this cannot pass before the run.
    page.locator(APP_IDLE_SELECTOR).wait_for(state="attached", timeout=timeout_ms)
    page.locator(STATUS_WIDGET_SELECTOR).wait_for(state="detached", timeout=timeout_ms)
    # Layers fetch the basemap GeoJSON after the deck mounts; the WebSocket does not count as busy.
    page.wait_for_load_state("networkidle", timeout=timeout_ms)


_WATCH_RERUN_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__rerunDone = false;
    const observer = new MutationObserver(() => {
        // Any change of the attribute means a run started; it is over when the state is back at rest.
        if (app.getAttribute('data-test-script-state') === 'notRunning') {
            window.__rerunDone = true;
            observer.disconnect();
        }
    });
    observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


@contextmanager
def expect_rerun(page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> Iterator[None]:
    """Wait, on leaving the block, until the script rerun that the block caused has finished.

        with expect_rerun(app.page):
            app.page.get_by_role("option", name="中文").click()

    wait_for_app() alone would return at once after a widget change: the page still shows the previous
    run's "notRunning" until the new run starts.
    """
    page.evaluate(_WATCH_RERUN_JS)
    yield
    page.wait_for_function("() => window.__rerunDone === true", timeout=timeout_ms)
    wait_for_app(page, timeout_ms)


# A function expression: the deck.gl Deck behind a map element, or null. Streamlit keeps the Deck in a
# ref of its DeckGL React component, so it is found through React's fiber tree from the element's canvas.
FIND_DECK_JS = """(element) => {
    const isDeck = (o) => o && typeof o === 'object' && typeof o.getViewports === 'function';
    const canvas = element && element.querySelector('canvas');
    const fiberKey = (o) => Object.keys(o).find((k) => k.startsWith('__reactFiber$'));
    let node = canvas;
    while (node && !fiberKey(node)) node = node.parentElement;
    let fiber = node && node[fiberKey(node)];
    while (fiber) {
        for (let hook = fiber.memoizedState, n = 0; hook && typeof hook === 'object' && n < 60;
             hook = hook.next, n++) {
            const value = hook.memoizedState;
            if (!value || typeof value !== 'object') continue;
            for (const candidate of [value, value.current, value.current && value.current.deck, value.deck]) {
                if (isDeck(candidate)) return candidate;
            }
        }
        if (fiber.stateNode && isDeck(fiber.stateNode.deck)) return fiber.stateNode.deck;
        fiber = fiber.return;
    }
    return null;
}"""
# deck.gl's own "Redraw Count" is reset every second, so it cannot say whether a frame was ever drawn;
# a deck that is initialised with every layer loaded has drawn (or is drawing) its first frame.
_DECK_READY_JS = f"""([selector, index]) => {{
    const deck = ({FIND_DECK_JS})(document.querySelectorAll(selector)[index]);
    if (!deck) return null;
    const layers = deck.layerManager ? deck.layerManager.getLayers() : [];
    return Boolean(deck.isInitialized && layers.length && layers.every((layer) => layer.isLoaded));
}}"""


def deck_ready(page: Page, index: int = 0) -> bool | None:
    """Whether the `index`-th map's deck is initialised with all its layers loaded; None when no deck
    is reachable (a page that is not Streamlit's, such as a standalone HTML export)."""
    return page.evaluate(_DECK_READY_JS, [MAP_SELECTOR, index])


def is_uniform(png: bytes) -> bool:
    """True when every pixel has (almost) the same colour: a blank or not yet painted canvas."""
    extrema = Image.open(io.BytesIO(png)).convert("RGB").getextrema()
    return all(high - low <= 2 for low, high in extrema)


def map_screenshot(page: Page, index: int = 0, *, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> bytes:
    """A PNG of what the `index`-th map canvas shows on screen (including anything drawn over it)."""
    return page.locator(MAP_CANVAS_SELECTOR).nth(index).screenshot(animations="disabled", caret="initial",
                                                                   timeout=timeout_ms)


class MapNotPaintedError(AssertionError):
    """The map never drew, or the page shows an exception instead."""


def wait_for_map(page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS, *, index: int = 0,
                 until: Callable[[dict[str, float]], bool] | None = None, poll_ms: float = 200) -> bytes:
    """Wait until the map canvas has painted and stopped changing; returns its last screenshot.

    Painted: not uniform and, if given, `until(map_colour_fractions(png))` holds. Stopped changing:
    two polls in a row give the same pixels (the basemap arrives after the first frame).
    """
    deadline = time.monotonic() + timeout_ms / 1000
    previous: bytes | None = None
    while True:
        png, reason = _paint_state(page, index, until, deadline)
        if reason is None and png == previous:
            return png
        previous = png
        if time.monotonic() >= deadline:
            raise MapNotPaintedError(f"map did not paint within {timeout_ms / 1000:.0f} s: "
                                     f"{reason or 'map still changing'}")
        page.wait_for_timeout(poll_ms)


def _paint_state(page: Page, index: int, until: Callable[[dict[str, float]], bool] | None,
                 deadline: float) -> tuple[bytes | None, str | None]:
    """The map's screenshot and why it does not count as painted yet (None when it does)."""
    errors = exception_elements(page)
    if errors:
        # Fail at once with the traceback's text rather than wait for a canvas that will never come.
        raise MapNotPaintedError("the page shows an error instead of the map:\n" + "\n".join(errors))
    if page.locator(MAP_CANVAS_SELECTOR).count() <= index:
        return None, "no map canvas on the page"
    png = map_screenshot(page, index, timeout_ms=max(1.0, deadline - time.monotonic()) * 1000)
    if is_uniform(png):
        return png, "map canvas is uniform (nothing drawn yet)"
    # The "Loading map…" placeholder shows through the canvas until its first frame: pixels alone
    # would take it for a map.
    if deck_ready(page, index) is False:
        return png, "deck not ready: its layers are still loading (the placeholder shows)"
    # Streamlit first lays the deck out as a strip ~36 px tall and gives it its height a moment later.
    height = page.locator(MAP_CANVAS_SELECTOR).nth(index).evaluate("(canvas) => canvas.clientHeight")
    if height < MIN_MAP_HEIGHT_PX:
        return png, f"map canvas is only {height} px tall (not laid out yet)"
    if until is not None and not until(fractions := map_colour_fractions(png)):
        return png, f"condition not met yet: {format_fractions(fractions)}"
    return png, None


def map_colour_fractions(png: bytes, tolerance: int = COLOUR_TOLERANCE) -> dict[str, float]:
    """Share of pixels near the sea colour, near the land colour, and everything else (features)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    total = image.width * image.height
    counts = {"sea": 0, "land": 0, "other": 0}
    for count, colour in image.getcolors(maxcolors=total) or []:
        if _near(colour, SEA_RGB, tolerance):
            counts["sea"] += count
        elif _near(colour, LAND_RGB, tolerance):
            counts["land"] += count
        else:
            counts["other"] += count
    return {name: count / total for name, count in counts.items()}


def _near(colour: Sequence[int], target: Sequence[int], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def format_fractions(fractions: dict[str, float]) -> str:
    return ", ".join(f"{name} {share:.1%}" for name, share in fractions.items())


def deck_errors(console: Iterable[ConsoleEntry]) -> list[str]:
    """Warnings and errors from deck.gl or luma.gl (failed layers, missing glyphs, WebGL trouble)."""
    return [f"{entry.type}: {entry.text}" for entry in console
            if entry.type in DECK_ERROR_TYPES and any(marker in entry.text for marker in DECK_ERROR_MARKERS)]


def exception_elements(page: Page) -> list[str]:
    """Texts of Streamlit exception boxes and error alerts on the page (empty when there are none)."""
    return page.evaluate(
        """() => {
            const boxes = [...document.querySelectorAll('[data-testid="stException"]')];
            const alerts = [...document.querySelectorAll('[data-testid="stAlertContentError"]')]
                .filter((alert) => !alert.closest('[data-testid="stException"]'));
            return [...boxes, ...alerts].map((element) => element.innerText.trim().slice(0, 500));
        }"""
    )


def save_screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Write a PNG to tests/artifacts/screenshots/<name>.png (gitignored) and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
