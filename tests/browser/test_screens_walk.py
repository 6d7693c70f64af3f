"""The screenshot walk: every page as a person sees it, on a laptop, a projector and a phone, in
Vietnamese, English and Chinese, with every non-local request blocked.

Each page is opened once per screen, the language rotating (a Latin square): every page is seen in
every language and on every screen, every screen in every language, in 27 page loads rather than 81
(the walk runs in CI on two cores). Phones also open the two world-wide sea services. For each page
the test waits for every map to paint, saves a screenshot to tests/artifacts/screenshots/walk-*.png
(gitignored: look at them) and asserts what a person would notice:

- nothing scrolls sideways;
- no "None" or "nan" in any text or table (tables: the cells Streamlit's grid puts in its accessible
  table, i.e. the rows on screen);
- on vi and zh pages no English interface string: every English text of two or more words in
  data/translations.csv that differs from its translation;
- on every map, from the deck the page really built (its viewport and its text layer's data, each label
  measured with the label font): no two label boxes overlap, every label drawn (each world copy the
  repeating map shows) lies inside the frame, and every end of every route is on screen.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from atlas.citations import source_text
from ui.widgets import MAP_FRAME_KEY, MAP_HEIGHT_PX

from .harness import (
    FIND_DECK_JS,
    MAP_SELECTOR,
    PHONE,
    REPO_DIR,
    SCREENSHOT_DIR,
    AppPage,
    deck_errors,
    deck_ready,
    exception_elements,
    map_colour_fractions,
    new_app_page,
    wait_for_map,
)

pytestmark = pytest.mark.browser

LANGUAGES = ("vi", "en", "zh")
SCREENS: dict[str, dict[str, int]] = {
    "1600x900": {"width": 1600, "height": 900},
    "1280x720": {"width": 1280, "height": 720},
    "390x844": dict(PHONE),
}
PAGES = (
    "",
    "sea_services",
    "border_gates",
    "cargo",
    "partners",
    "compare",
    "data_sources",
    "presentation",
    "your_data",
)
# The widest maps a phone draws: a lane across the Atlantic, and Europe round the Cape.
PHONE_WORLD_LINKS = (
    "sea_services?service=lane_haiphong_new_york_nj",
    "sea_services?service=lane_haiphong_antwerp&closed=red_sea",
)
# Layers whose paths are routes (their ends must be on screen). Land corridors run on to Hà Nội and
# Nanning beyond the border map's frame on purpose; the basemap is not a route.
ROUTE_LAYERS = ("sea-routes", "scenario-routes", "gate-pairs", "air-links", "compare-routes", "user-routes")
LABEL_LAYER = "place-labels"
# Sub-pixel slack: deck.gl's glyph metrics and the canvas's measureText round differently.
SLACK_PX = 0.5
# Generous: CI runs this on two busy cores, where software WebGL takes seconds per shader program.
WALK_TIMEOUT_MS = 90_000
# WALK_WHOLE_PAGE=1 also saves each page whole (walk-*-whole.png), for a person to look through.
WHOLE_PAGE_ENV = "WALK_WHOLE_PAGE"
EMPTY_VALUE = re.compile(r"(?<![A-Za-z])(None|nan|NaN)(?![A-Za-z])")


@dataclass(frozen=True)
class Case:
    path: str
    screen: str
    language: str

    @property
    def id(self) -> str:
        page = re.sub(r"\W+", "-", self.path).strip("-") or "overview"
        return f"{page}-{self.screen}-{self.language}"

    @property
    def url(self) -> str:
        return f"{self.path}{'&' if '?' in self.path else '?'}lang={self.language}"


def walk_cases() -> list[Case]:
    cases = [
        Case(path, screen, LANGUAGES[(page_index + screen_index) % len(LANGUAGES)])
        for page_index, path in enumerate(PAGES)
        for screen_index, screen in enumerate(SCREENS)
    ]
    languages = ("zh", "vi")
    cases += [Case(link, "390x844", lang) for link, lang in zip(PHONE_WORLD_LINKS, languages, strict=True)]
    return cases


CASES = walk_cases()
# Problems the walk has seen and that are not fixed yet (case id → why); strict, so the walk says
# when one is fixed. Empty: every page passes at every size and in every language.
KNOWN_PROBLEMS: dict[str, str] = {}


def interface_strings(language: str) -> list[str]:
    """English interface texts that must not appear on a page in `language`: every literal run of two
    or more words in an English value that differs from its translation (placeholders cut the runs)."""
    with (REPO_DIR / "data" / "translations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found: set[str] = set()
    for row in rows:
        english, translated = row["en"].strip(), (row[language] or "").strip()
        if not english or english == translated:
            continue
        for piece in re.split(r"\{[^}]*\}|\*\*|[`*_\n]", english):
            piece = piece.strip(" .,:;()–—·-")
            if len(piece.split()) >= 2 and piece not in translated:
                found.add(piece)
    return sorted(found)


# For each map: the frame, the viewport's projection of every label and route end, and each label's
# width in the label font (the deck's own TextLayer props).
_DECK_REPORT_JS = f"""(args) => {{
    const [selector, labelLayer, routeLayers] = args;
    const findDeck = {FIND_DECK_JS};
    const context = document.createElement('canvas').getContext('2d');
    return [...document.querySelectorAll(selector)].map((element) => {{
        const deck = findDeck(element);
        if (!deck) return null;
        const viewport = deck.getViewports()[0];
        const layers = deck.props.layers.flat(Infinity).filter(Boolean);
        const text = layers.find((layer) => layer.id === labelLayer);
        const labels = [];
        if (text) {{
            const size = typeof text.props.getSize === 'number' ? text.props.getSize : 13;
            context.font = `${{size}}px ${{text.props.fontFamily}}`;
            for (const record of text.props.data) {{
                const [x, y] = viewport.project(record.position);
                // A label of two lines (a gate pair and its border markers) is as wide as its longest.
                const lines = String(record.label).split('\\n');
                labels.push({{label: record.label, x, y, anchor: record.anchor, offset: record.offset, size,
                             width: Math.max(...lines.map((line) => context.measureText(line).width)),
                             height: size * (text.props.lineHeight || 1) * lines.length,
                             padding: text.props.backgroundPadding}});
            }}
        }}
        const ends = [];
        for (const layer of layers.filter((layer) => routeLayers.includes(layer.id))) {{
            for (const record of layer.props.data) {{
                const path = record.path || [];
                for (const point of path.length ? [path[0], path[path.length - 1]] : []) {{
                    ends.push({{id: record.id || layer.id, lonlat: point, xy: viewport.project(point)}});
                }}
            }}
        }}
        return {{width: viewport.width, height: viewport.height, zoom: viewport.zoom,
                worldPx: 512 * Math.pow(2, viewport.zoom), labels, ends}};
    }});
}}"""


@dataclass(frozen=True)
class Box:
    label: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right - SLACK_PX
            and other.left < self.right - SLACK_PX
            and self.top < other.bottom - SLACK_PX
            and other.top < self.bottom - SLACK_PX
        )

    def inside(self, width: float, height: float) -> bool:
        return (
            -SLACK_PX <= self.left
            and self.right <= width + SLACK_PX
            and -SLACK_PX <= self.top
            and self.bottom <= height + SLACK_PX
        )


def drawn_label_boxes(report: dict) -> list[Box]:
    """Every label box the map draws on screen: one per world copy that reaches into the frame."""
    boxes = []
    for label in report["labels"]:
        pad_left, pad_top, pad_right, pad_bottom = label["padding"] or (0, 0, 0, 0)
        dx, dy = label["offset"] or (0, 0)
        x, y = label["x"] + dx, label["y"] + dy
        left = (
            x
            if label["anchor"] == "start"
            else x - label["width"]
            if label["anchor"] == "end"
            else x - label["width"] / 2
        )
        half = label.get("height", label["size"]) / 2
        for copy in _world_copies(left - pad_left, left + label["width"] + pad_right, report):
            boxes.append(
                Box(
                    label["label"],
                    left - pad_left + copy,
                    y - half - pad_top,
                    left + label["width"] + pad_right + copy,
                    y + half + pad_bottom,
                )
            )
    return boxes


def _world_copies(left: float, right: float, report: dict) -> Iterator[float]:
    """Shifts (multiples of the world's width) at which the repeating map draws a span in the frame."""
    world = report["worldPx"]
    first = -int((right // world) + 1)
    for k in range(first, first + int(report["width"] // world) + 4):
        shift = k * world
        if right + shift > 0 and left + shift < report["width"]:
            yield shift


def map_reports(app: AppPage, attempts: int = 40) -> list[dict]:
    """What every map on the page draws, once each deck is reachable and has a viewport (deck.gl
    asserts until then)."""
    reports: list[dict | None] = [None]
    for attempt in range(attempts):
        try:
            reports = app.page.evaluate(_DECK_REPORT_JS, [MAP_SELECTOR, LABEL_LAYER, list(ROUTE_LAYERS)])
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            reports = [None]
        if None not in reports:
            return reports
        app.page.wait_for_timeout(250)
    raise AssertionError("a map on the page has no deck.gl Deck behind it")


def label_problems(report: dict) -> list[str]:
    boxes = drawn_label_boxes(report)
    problems = [
        f"label {box.label!r} leaves the {report['width']:.0f}×{report['height']:.0f} frame "
        f"({box.left:.0f}, {box.top:.0f}, {box.right:.0f}, {box.bottom:.0f})"
        for box in boxes
        if not box.inside(report["width"], report["height"])
    ]
    for index, box in enumerate(boxes):
        problems += [
            f"labels {box.label!r} and {other.label!r} overlap"
            for other in boxes[index + 1 :]
            if box.overlaps(other)
        ]
    return problems


def route_end_problems(report: dict) -> list[str]:
    problems = []
    for end in report["ends"]:
        x, y = end["xy"][0], end["xy"][1]
        on_screen = 0 <= y <= report["height"] and any(
            0 <= x + shift <= report["width"] for shift in _world_copies(x, x, report)
        )
        if not on_screen:
            problems.append(
                f"route {end['id']} ends off screen at {end['lonlat']} (x {x:.0f}, y {y:.0f} "
                f"in {report['width']:.0f}×{report['height']:.0f}, zoom {report['zoom']:.2f})"
            )
    return problems


_PAGE_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    const page = document.scrollingElement;
    const cells = [...document.querySelectorAll('[data-testid="stDataFrame"] td, [data-testid="stTable"] td')]
        .map((cell) => cell.innerText);
    return {text: document.body.innerText, cells, height: main.scrollHeight,
            sideways: Math.max(page.scrollWidth - innerWidth, main.scrollWidth - main.clientWidth)};
}"""


def citations(language: str) -> list[str]:
    """Titles and publishers of the sources as a page in `language` shows them (atlas.citations): a
    name keeps the language it was published in, a description is given in the reader's."""
    with (REPO_DIR / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = {source_text(row, stem, language).strip() for row in rows for stem in ("title", "publisher")}
    # Longest first, so a title is removed whole before a publisher's name inside it.
    return sorted(texts, key=len, reverse=True)


def english_on_page(text: str, english: list[str], cited: list[str]) -> list[str]:
    """The English interface strings in a page's text, once the sources' own titles are taken out."""
    for citation in cited:
        text = text.replace(citation, " ")
    return [s for s in english if re.search(rf"(?<![A-Za-z]){re.escape(s)}(?![A-Za-z])", text)]


def described_sources_in_english(language: str) -> list[str]:
    """The English wording of the sources' titles and publishers that are descriptions, given in
    `language` too ("Vietnamese news article …"): on that language's pages they are English text."""
    with (REPO_DIR / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(
        {
            row[f"{stem}_en"]
            for row in rows
            for stem in ("title", "publisher")
            if row[f"{stem}_en"] and row[f"{stem}_en"] != row[f"{stem}_{language}"]
        }
    )


@pytest.fixture(scope="module")
def english_strings() -> dict[str, list[str]]:
    return {
        language: interface_strings(language) + described_sources_in_english(language)
        for language in ("vi", "zh")
    }


def settled_screenshot(app: AppPage, timeout_ms: float = 20_000) -> bytes:
    """The window once it stops changing: on a busy machine Chromium paints well after the DOM is
    ready (lazily loaded widgets, the deck's first frames), and a person looks at the settled page."""
    previous = None
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        png = app.page.screenshot(animations="disabled")
        if png == previous or time.monotonic() >= deadline:
            return png
        previous = png
        app.page.wait_for_timeout(400)


def save_settled_screenshot(app: AppPage, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    path.write_bytes(settled_screenshot(app))
    return path


def save_whole_page(app: AppPage, name: str) -> Path:
    """The whole page as one PNG, stitched from screens scrolled down one after another: Streamlit
    scrolls its main area, not the document, so a full-page capture would show the first screen only."""
    scroll = """(top) => {
        const main = document.querySelector('[data-testid="stMain"]');
        main.scrollTo(0, top);
        return [main.scrollTop, main.scrollHeight, main.clientHeight];
    }"""
    shots: list[tuple[int, Image.Image]] = []
    top, height, step = app.page.evaluate(scroll, 0)
    while True:
        png = settled_screenshot(app, 5_000)
        shots.append((top, Image.open(io.BytesIO(png)).convert("RGB")))
        if top + step >= height or len(shots) >= 20:
            break
        top, height, step = app.page.evaluate(scroll, top + step)
    app.page.evaluate(scroll, 0)
    width, screen_height = shots[0][1].size
    whole = Image.new("RGB", (width, min(shots[-1][0] + screen_height, 20 * screen_height)), "white")
    for offset, shot in shots:
        whole.paste(shot, (0, offset))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    whole.save(path)
    return path


@pytest.fixture(scope="module")
def screen_tab(browser: Browser, app_server: str) -> Iterator[Callable[[str], AppPage]]:
    """`screen_tab(screen)`: one offline browser tab per screen size, reused for every page of the
    walk: the browser's cache keeps Streamlit's and deck.gl's scripts between pages, as it does for a
    person clicking through."""
    tabs: dict[str, AppPage] = {}

    def tab(screen: str) -> AppPage:
        if screen not in tabs:
            tabs[screen] = new_app_page(browser, app_server, viewport=SCREENS[screen])
        return tabs[screen]

    yield tab
    for app in tabs.values():
        app.close()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(reason=KNOWN_PROBLEMS[case.id], strict=True))
        if case.id in KNOWN_PROBLEMS
        else case
        for case in CASES
    ],
    ids=[case.id for case in CASES],
)
def test_screen_walk(screen_tab, english_strings: dict[str, list[str]], case: Case) -> None:
    app = screen_tab(case.screen)
    for record in (app.console, app.page_errors, app.blocked_urls):
        record.clear()
    app.goto(case.url, timeout_ms=WALK_TIMEOUT_MS)
    maps = app.page.locator(MAP_SELECTOR)
    for index in range(maps.count()):
        wait_for_map(app.page, WALK_TIMEOUT_MS, index=index)
    if maps.count():
        # What a person sees once they reach the map (on a phone it is below the fold).
        maps.first.scroll_into_view_if_needed()
    save_settled_screenshot(app, f"walk-{case.id}")
    state = app.page.evaluate(_PAGE_JS)
    reports = map_reports(app)
    if os.environ.get(WHOLE_PAGE_ENV) == "1":
        save_whole_page(app, f"walk-{case.id}-whole")

    assert exception_elements(app.page) == []
    assert app.page_errors == []
    assert deck_errors(app.console) == []
    assert app.blocked_urls == [], "the page tried to leave the machine:\n" + "\n".join(app.blocked_urls)
    assert state["sideways"] <= 1, f"the page scrolls sideways by {state['sideways']} px"
    empty = sorted(
        {match.group(0) for text in (state["text"], *state["cells"]) for match in EMPTY_VALUE.finditer(text)}
    )
    assert empty == [], f"empty values shown: {empty}"
    if case.language in english_strings:
        english = english_on_page(state["text"], english_strings[case.language], citations(case.language))
        assert english == [], f"English interface strings on a {case.language} page: {english}"
    problems = []
    for number, report in enumerate(reports):
        problems += [f"map {number}: {problem}" for problem in label_problems(report)]
        problems += [f"map {number}: {problem}" for problem in route_end_problems(report)]
    assert problems == [], "\n".join(problems)


_PLACEHOLDER_JS = """(selector) => {
    const frame = document.querySelector(selector);
    if (!frame) return null;
    const before = getComputedStyle(frame, '::before');
    return {text: before.content, height: frame.getBoundingClientRect().height,
            canvas: !!frame.querySelector('canvas')};
}"""


@pytest.mark.parametrize(
    ("lang", "text"), [("vi", "Đang tải bản đồ…"), ("zh", "正在加载地图…")], ids=["vi", "zh"]
)
def test_the_map_says_it_is_loading_until_it_paints(open_page, lang: str, text: str) -> None:
    """From the moment the page shows, the map's place holds a box of the map's size saying "Loading
    map…" in the reader's language; the deck's first frame covers it."""
    app = open_page(f"cargo?lang={lang}", wait=False)
    seen: list[dict] = []
    deadline = time.monotonic() + WALK_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        state = app.page.evaluate(_PLACEHOLDER_JS, f'[class*="st-key-{MAP_FRAME_KEY}-"]')
        if state is not None and state["canvas"] and deck_ready(app.page):
            break
        if state is not None:
            seen.append(state)
        app.page.wait_for_timeout(50)
    shown = [state for state in seen if state["text"] == f'"{text}"']
    assert shown, f"no placeholder before the deck drew: {seen[:3]}"
    assert shown[0]["height"] >= MAP_HEIGHT_PX - 1
    png = wait_for_map(app.page, WALK_TIMEOUT_MS)
    # Painted: the basemap's land shows where the placeholder was, and the box kept the map's size.
    assert map_colour_fractions(png)["land"] > 0.02
    assert app.page.locator(MAP_SELECTOR).first.bounding_box()["height"] >= MAP_HEIGHT_PX - 1
