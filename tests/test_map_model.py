"""The one map model: the screen, the tour and every export render the same content.

Parity: for each map kind, the deck the page sends (AppTest) and the deck embedded in the standalone
HTML of the same deep link have the same layers, labels and features, and the slide's legend is the
page's. Framing: without a chosen view, every coordinate a map draws is on screen and on the slide.
Exports from a link: every format opens, and the tour handout has one page per scene.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import geopandas as gpd
import pytest
from conftest import REPO_DIR
from PIL import Image, ImageStat
from test_app_pages import deck_spec, open_app

from atlas import export, html_export, slides
from atlas.content import PHONE_MAP_PX, SCREEN_MAP_PX, map_content
from atlas.deck import content_deck
from atlas.framing import Bounds, bounds_of, fit_view, view_box
from atlas.i18n import Translator
from atlas.legend import legend_html
from atlas.model import plan_service, sea_services
from atlas.spec import MapSpec, spec_from_link
from atlas.tour import load_scenes, scene_spec

PARITY_LINKS = {
    "overview": "/overview?lang=vi",
    "sea": "/sea_services?service=beibu_haiphong_kolkata&lang=en",
    "sea-what-if": "/sea_services?service=lane_haiphong_antwerp&closed=red_sea&lang=vi",
    "border-gates": "/border_gates?lang=zh",
    "partners": "/partners?lang=en",
    "cargo-search": "/cargo?q=tinh%20bot&lang=vi",
    "compare": "/compare?from=nanning&to=hai_phong&teu=2&day=2026-12-01&lang=zh",
}


@pytest.fixture(scope="module")
def tables():
    return export.embedded_tables()


def page_deck(link: str) -> dict:
    parts = urlsplit(link)
    page = parts.path.strip("/") + ".py"
    at = open_app(page, **dict(parse_qsl(parts.query)))
    assert not at.exception
    return deck_spec(at)


def html_deck(content, view) -> dict:
    return html_export.standalone_deck_json(content_deck(content, view))


def layer_summary(spec: dict) -> dict[str, tuple]:
    """Per layer: its type and what it draws — record ids, tooltips and label texts (the HTML file
    cuts dashed lines into pieces, so records are compared as sets, not counted)."""
    summary = {}
    for layer in spec["layers"]:
        data = layer.get("data")
        if not isinstance(data, list):
            summary[layer["id"]] = (layer["@@type"],)
            continue
        summary[layer["id"]] = (
            layer["@@type"],
            frozenset(str(r.get("id")) for r in data),
            frozenset(r.get("tooltip", "") for r in data),
            tuple(sorted(r["label"] for r in data)) if layer["@@type"] == "TextLayer" else (),
        )
    return summary


@pytest.mark.parametrize("link", PARITY_LINKS.values(), ids=PARITY_LINKS.keys())
def test_page_and_html_export_draw_the_same_map(tables, link: str) -> None:
    on_screen = page_deck(link)
    content = export.content_for(spec_from_link(link), tables)
    in_file = html_deck(content, content.view())

    assert [layer["id"] for layer in on_screen["layers"]] == [layer["id"] for layer in in_file["layers"]]
    screen, exported = layer_summary(on_screen), layer_summary(in_file)
    for layer_id in screen:
        if layer_id.startswith("basemap-"):
            continue  # the file inlines the land the page fetches from a URL
        assert screen[layer_id] == exported[layer_id], layer_id
    assert on_screen["initialViewState"]["zoom"] == in_file["initialViewState"]["zoom"]


@pytest.mark.parametrize("link", PARITY_LINKS.values(), ids=PARITY_LINKS.keys())
def test_slide_legend_is_the_page_legend(tables, link: str) -> None:
    spec = spec_from_link(link)
    content = export.content_for(spec, tables)
    t = Translator(tables.translations, spec.language)
    fig = slides.render_map_figure(content, content.view(), tables)
    (legend,) = fig.legends
    on_slide = [text.get_text() for text in legend.get_texts()]

    page = open_app(urlsplit(link).path.strip("/") + ".py", **dict(parse_qsl(urlsplit(link).query)))
    legends = [m.value for m in page.markdown if "atlas-legend" in m.value]
    assert legends == [legend_html(content.legend, t)]
    assert on_slide == [item.label(t) for item in content.legend]


def test_tour_scene_draws_the_map_of_its_page_kind(tables) -> None:
    """Scene 8 (Antwerp with the Red Sea closed) is the sea page's what-if, in projector style."""
    tour, _ = load_scenes("story", tables)
    scene = tour.scene(8)
    at = open_app("presentation.py", tour="story", scene="8", lang="vi")
    assert not at.exception
    on_screen = deck_spec(at)
    content = export.content_for(scene_spec(scene, "vi"), tables)
    in_file = html_deck(content, content.view())

    assert [layer["id"] for layer in on_screen["layers"]] == [layer["id"] for layer in in_file["layers"]]
    assert layer_summary(on_screen)["place-labels"] == layer_summary(in_file)["place-labels"]
    page_content = export.content_for(
        MapSpec(kind="sea_services", language="vi", service_id=scene.service_id, closed=scene.closed), tables
    )
    # The same routes as the page of its kind; only the style (wider lines, larger labels) differs.
    assert [r["tooltip"] for r in content.layer("scenario-routes").records] == [
        r["tooltip"] for r in page_content.layer("scenario-routes").records
    ]


# --- framing --------------------------------------------------------------------------------------


def _scenarios(tables) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (sid, closed)
        for sid in sea_services(tables)
        for closed in ((), ("red_sea",), ("panama",), ("malacca",))
    ]


def test_fitted_sea_maps_show_every_route_on_screen_and_on_the_slide(tables) -> None:
    t = Translator(tables.translations, "en")
    for service_id, closed in _scenarios(tables):
        content = map_content(
            MapSpec(kind="sea_services", service_id=service_id, closed=closed), tables, t, plan=_plan(tables)
        )
        view = content.view()
        boxes = {
            "screen": view_box(view, *SCREEN_MAP_PX),
            "phone": view_box(content.view(PHONE_MAP_PX), *PHONE_MAP_PX),
        }
        west, south, east, north = slides.view_frame(view).bounds_deg()
        boxes["slide"] = Bounds(west, south, east, north)
        for layer in content.layers:
            for record in layer.records:
                points = record.get("path") or [record["position"]]
                for lon, lat in points:
                    for name, box in boxes.items():
                        assert box.contains(lon, lat), (name, service_id, closed, layer.id, lon, lat)


def test_bounds_take_the_short_way_across_the_date_line() -> None:
    bounds = bounds_of([(106.9, 20.8), (-118.3, 33.7)])
    assert bounds.east - bounds.west == pytest.approx(360 - (106.9 + 118.3))
    assert bounds.contains(180.0, 25.0) and not bounds.contains(0.0, 25.0)


def test_fit_view_zooms_out_for_a_narrow_map() -> None:
    bounds = Bounds(-10.0, -35.0, 110.0, 52.0)
    wide, narrow = fit_view(bounds, 1400, 560), fit_view(bounds, 360, 560)
    assert narrow.zoom < wide.zoom
    for view, size in ((wide, (1400, 560)), (narrow, (360, 560))):
        box = view_box(view, *size)
        assert box.contains(-10.0, -35.0) and box.contains(110.0, 52.0)


def _plan(tables):
    cache: dict = {}

    def plan(service_id, closed, speed_kn):
        key = (service_id, closed, speed_kn)
        if key not in cache:
            cache[key] = plan_service(tables, service_id, closed, speed_kn)
        return cache[key]

    return plan


# --- exports from a deep link ---------------------------------------------------------------------

EXPORT_LINKS = [
    "/overview?lang=en",
    "/sea_services?service=lane_haiphong_antwerp&closed=red_sea&lang=vi",
    "/border_gates?lang=zh",
    "/partners?lang=en",
    "/cargo?q=glass&lang=en",
    "/compare?from=pingxiang&to=hai_phong&tonnes=20&set=road_speed_kmh:50&lang=vi",
]


@pytest.mark.parametrize("link", EXPORT_LINKS)
def test_every_format_opens(tables, tmp_path, link: str) -> None:
    png = export.export_link(link, "png", tables)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (2000, 1125) and min(ImageStat.Stat(image).stddev) > 10
    pdf = export.export_link(link, "pdf", tables)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    html = export.export_link(link, "html", tables).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "corridorAtlasDeck" in html
    csv = export.export_link(link, "csv", tables).decode("utf-8-sig")
    # A comparison's table is its legs; every other map's is its places.
    assert csv.splitlines()[0].startswith("option_id," if link.startswith("/compare") else "id,")
    geojson = json.loads(export.export_link(link, "geojson", tables))
    assert geojson["type"] == "FeatureCollection"
    path = tmp_path / "map.gpkg"
    path.write_bytes(export.export_link(link, "gpkg", tables))
    places = gpd.read_file(path, layer="places")
    assert len(places) > 0 and places.crs.to_epsg() == 4326


def test_command_line_writes_a_deep_link_and_a_tour_handout(tmp_path) -> None:
    out = tmp_path / "antwerp.png"
    link = "/sea_services?service=lane_haiphong_antwerp&closed=red_sea&lang=vi"
    done = subprocess.run(
        [sys.executable, "-m", "atlas.export", link, "--format", "png", "-o", str(out)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with Image.open(out) as image:
        assert image.size == (2000, 1125)

    handout = tmp_path / "handout.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "atlas.export",
            "--tour",
            "story",
            "--lang",
            "zh",
            "--format",
            "pdf",
            "-o",
            str(handout),
        ],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    tour, _ = load_scenes("story", export.embedded_tables())
    assert len(re.findall(rb"/Type\s*/Page\b", handout.read_bytes())) == len(tour.scenes)

    wrong = subprocess.run(
        [sys.executable, "-m", "atlas.export", "--tour", "story", "--format", "png", "-o", str(handout)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wrong.returncode == 2 and "--format pdf" in wrong.stderr


def test_link_parsing_matches_the_app(tables) -> None:
    spec = spec_from_link(
        "http://localhost:8501/sea_services?service=x&closed=red_sea,bogus&speed=99&lang=ZH"
    )
    assert (spec.kind, spec.service_id, spec.closed, spec.speed_kn, spec.language) == (
        "sea_services",
        "x",
        ("red_sea",),
        24.0,
        "zh",
    )
    assert spec_from_link("lang=vi&view=tonkin").kind == "overview"
    assert spec_from_link("/nowhere?view=1,2").view is None


# --- the cargo map --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["tinh bot", "TINH BỘT", "淀粉", "starch"])
def test_cargo_search_highlights_the_legs_that_carry_it(tables, query: str) -> None:
    """Starch is on the return list: the return leg stays bright, the outward legs are dimmed."""
    at = open_app("cargo.py", q=query, lang="vi")
    assert not at.exception and not at.warning
    (routes,) = [layer for layer in deck_spec(at)["layers"] if layer["id"] == "sea-routes"]
    bright = [r for r in routes["data"] if r["color"][3] == 255]
    dimmed = [r for r in routes["data"] if r["color"][3] < 255]
    assert bright and dimmed
    assert all("Tinh bột" in r["tooltip"] for r in bright)
    assert next(frame.value for frame in at.dataframe).shape[0] == 1


def test_cargo_search_for_nothing_says_so_and_dims_every_leg() -> None:
    at = open_app("cargo.py", q="[Session expired](https://evil.example/login)", lang="en")
    assert not at.exception
    (warning,) = at.warning
    # Escaped, so Markdown cannot turn the link text into a live link inside the app's own warning.
    assert "\\[Session expired\\]\\(https" in warning.value
    (routes,) = [layer for layer in deck_spec(at)["layers"] if layer["id"] == "sea-routes"]
    assert all(r["color"][3] < 255 for r in routes["data"])


def test_the_page_offers_a_link_that_reopens_the_same_map() -> None:
    at = open_app(
        "sea_services.py", service="lane_haiphong_antwerp", closed="red_sea", lang="vi", view="suez"
    )
    assert not at.exception
    at.session_state["share_sea_services"] = True  # the link is drawn once its panel is opened
    at.run()
    (code,) = [c.value for c in at.code if "sea_services?" in c.value]
    spec = spec_from_link(code)
    assert (spec.kind, spec.service_id, spec.closed, spec.language, spec.view_name) == (
        "sea_services",
        "lane_haiphong_antwerp",
        ("red_sea",),
        "vi",
        "suez",
    )
    again = open_app("sea_services.py", **dict(parse_qsl(urlsplit(code).query)))
    assert deck_spec(again) == deck_spec(at)


# --- the comparison as a map kind -----------------------------------------------------------------


def test_a_comparison_link_round_trips_and_bounds_its_values() -> None:
    link = (
        "/compare?from=qinzhou&to=kolkata&tonnes=40&set=sea_speed_kn:16,road_factor:1.3"
        "&day=2026-12-01&lang=vi"
    )
    spec = spec_from_link(link)
    assert (spec.kind, spec.origin, spec.destination, spec.unit, spec.amount) == (
        "compare",
        "qinzhou",
        "kolkata",
        "tonnes",
        40.0,
    )
    assert spec.overrides == (("road_factor", 1.3), ("sea_speed_kn", 16.0))
    assert spec_from_link(spec.link()) == spec
    hostile = spec_from_link("/compare?from=../etc&to=x%00&teu=nan&set=a:-1,b:inf,c:1e99,:3,d&day=2026-13-40")
    assert (hostile.origin, hostile.destination, hostile.unit, hostile.amount) == (None, None, "teu", 1.0)
    assert hostile.overrides == (("c", 1e6),) and hostile.day is None


def test_a_fitted_comparison_shows_every_option_on_screen_phone_and_slide(tables) -> None:
    from atlas.compare import PRESETS

    t = Translator(tables.translations, "en")
    for origin, destination in PRESETS:
        spec = MapSpec(kind="compare", origin=origin, destination=destination, day=None)
        content = map_content(spec, tables, t, plan=_plan(tables))
        view = content.view()
        west, south, east, north = slides.view_frame(view).bounds_deg()
        boxes = {
            "screen": view_box(view, *SCREEN_MAP_PX),
            "phone": view_box(content.view(PHONE_MAP_PX), *PHONE_MAP_PX),
            "slide": Bounds(west, south, east, north),
        }
        for record in content.layer("compare-routes").records:
            for lon, lat in record["path"]:
                for name, box in boxes.items():
                    assert box.contains(lon, lat), (name, origin, destination, record["id"], lon, lat)


def test_a_changed_assumption_changes_the_map_and_its_files(tables) -> None:
    base = export.content_for(spec_from_link("/compare?from=nanning&to=hai_phong&lang=en"), tables)
    slower = export.content_for(
        spec_from_link("/compare?from=nanning&to=hai_phong&set=road_speed_kmh:20&lang=en"), tables
    )
    road = "road__huu_nghi__youyiguan"
    hours = {
        c.spec.overrides: next(o for o in c.comparison.options if o.option_id == road).total_hours
        for c in (base, slower)
    }
    assert hours[(("road_speed_kmh", 20.0),)] > hours[()]
    tips = [
        {r["tooltip"] for r in c.layer("compare-routes").records if r["id"] == road} for c in (base, slower)
    ]
    assert tips[0] != tips[1]
    legs = export.export_link(
        "/compare?from=nanning&to=hai_phong&set=road_speed_kmh:20&lang=en", "csv", tables
    )
    assert b"road__huu_nghi__youyiguan" in legs and b"road_speed_kmh" in legs


def test_a_comparison_that_cannot_be_made_says_why(tables, tmp_path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "atlas.export",
            "/compare?from=nanning&to=nanning",
            "--format",
            "png",
            "-o",
            str(tmp_path / "x.png"),
        ],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "same place" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("link", ["/compare?from=nanning&to=hai_phong&lang=vi", "/sea_services?lang=en"])
def test_the_slide_legend_hides_no_place(tables, link: str) -> None:
    """A comparison's legend is long: the slide puts it where it hides no dot (another corner, or the
    map fitted again above it)."""
    content = export.content_for(spec_from_link(link), tables)
    fig = slides.render_map_figure(content, content.view(), tables)
    (legend,) = fig.legends
    box = legend.get_window_extent(fig.canvas.get_renderer())
    (ax,) = fig.axes
    dots = [
        ax.transData.transform(offset)
        for collection in ax.collections
        for offset in collection.get_offsets()
    ]
    assert dots
    hidden = [(x, y) for x, y in dots if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1]
    assert hidden == [], hidden
