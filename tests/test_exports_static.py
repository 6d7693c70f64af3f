"""Slides (PNG) and handouts (PDF) drawn on the server, and the export panel that offers them.

No golden images: each test checks one thing a person in a meeting would notice (size, legend,
sources, date, Vietnamese and Chinese text, scale bar). pytest turns matplotlib's "Glyph … missing"
warnings into errors, so every render here also checks the fonts.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import unicodedata
from dataclasses import replace

import pytest
from PIL import Image, ImageStat
from streamlit.testing.v1 import AppTest

from atlas import export, slides, style
from atlas.content import data_date
from atlas.exports import sources_line
from atlas.i18n import Translator
from atlas.spec import MapSpec
from atlas.views import VIEW_PRESETS, MapView

REQUIRE_ENV = "CORRIDOR_ATLAS_REQUIRE_BROWSER"
VIETNAMESE_ONLY = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def tables():
    return export.embedded_tables()


@pytest.fixture(scope="module")
def noto() -> None:
    """Vietnamese and Chinese need the Noto fonts (Debian fonts-noto-core, fonts-noto-cjk)."""
    missing = slides.choose_fonts().missing
    if missing:
        message = f"fonts not installed: {', '.join(missing)} (scripts/install_browser_deps.sh)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def spec_for(tables, page: str, view: str, language: str, **kwargs) -> MapSpec:
    return MapSpec(kind=page, language=language, view_name=view, view=VIEW_PRESETS[view], **kwargs)


def drawn(tables, spec: MapSpec):
    """The content a spec shows and the view it is drawn at (what the export panel passes)."""
    content = export.content_for(spec, tables)
    return content, content.view()


@pytest.fixture(scope="module")
def overview_png(tables, noto) -> bytes:
    return slides.map_png(*drawn(tables, spec_for(tables, "overview", "world", "en")), tables)


@pytest.fixture(scope="module")
def overview_vi_figure(tables, noto):
    """The overview of the Gulf of Tonkin in Vietnamese, drawn once (as map_png would)."""
    fig = slides.render_map_figure(*drawn(tables, spec_for(tables, "overview", "tonkin", "vi")), tables)
    fig.savefig(io.BytesIO(), format="png", dpi=slides.DPI)
    return fig


def test_png_is_a_full_width_16_by_9_slide(overview_png: bytes) -> None:
    image = Image.open(io.BytesIO(overview_png))

    assert image.format == "PNG"
    assert image.size == slides.FIGURE_SIZE_PX == (2000, 1125)
    assert image.width >= 1600
    assert image.width * 9 == image.height * 16


def test_png_is_not_blank(overview_png: bytes) -> None:
    image = Image.open(io.BytesIO(overview_png)).convert("RGB")
    stddev = ImageStat.Stat(image).stddev
    colours = image.getcolors(maxcolors=1_000_000) or []

    assert min(stddev) > 10, f"almost uniform: stddev {stddev}"
    sea, land = tuple(style.SEA_FILL[:3]), tuple(style.LAND_FILL[:3])
    shares = {rgb: count / (image.width * image.height) for count, rgb in colours}
    assert shares.get(sea, 0) > 0.1 and shares.get(land, 0) > 0.1, "sea and land should both show"


def _has_colour(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    colours = image.convert("RGB").getcolors(maxcolors=image.width * image.height) or []
    return any(all(abs(c[i] - rgb[i]) <= tolerance for i in range(3)) for _, c in colours)


def test_legend_sits_lower_right_and_shows_the_map_colours(overview_vi_figure) -> None:
    fig = overview_vi_figure
    (legend,) = fig.legends
    box = legend.get_window_extent()
    width, height = slides.FIGURE_SIZE_PX
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=slides.DPI)
    image = Image.open(buffer)
    # Display boxes count y from the bottom, images from the top.
    crop = image.crop((int(box.x0), int(height - box.y1), int(box.x1), int(height - box.y0)))

    assert box.x0 > width / 2 and box.y1 < height / 2, f"legend at {box}"
    for colour in (style.BLUE, style.PURPLE, style.ORANGE, style.GREEN, style.VERMILLION):
        assert _has_colour(crop, tuple(colour[:3])), f"legend lacks {style.hex_colour(colour)}"


def test_vietnamese_figure_keeps_diacritics_in_nfc(overview_vi_figure) -> None:
    texts = slides.text_artists(overview_vi_figure)
    labels = [a.get_text() for a in overview_vi_figure.axes[0].texts]

    assert any(VIETNAMESE_ONLY.search(label) for label in labels), labels
    assert any(text.startswith("Dữ liệu tính đến") for text in texts)
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)


def test_footer_names_sources_date_and_disclaimer(tables, overview_vi_figure) -> None:
    texts = "\n".join(slides.text_artists(overview_vi_figure))
    date = data_date(tables)

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    assert f"Dữ liệu tính đến {date}. Chỉ để minh họa, không dùng để hàng hải." in texts
    assert "Nguồn: " in texts
    assert "Natural Earth" in texts
    publishers = {
        label.split(",")[0]
        for label in sources_line(tables, tables.sources["source_id"], Translator(tables.translations, "vi"))
    }
    assert any(publisher in texts for publisher in publishers)


def test_labels_stay_clear_of_title_legend_and_footer(overview_vi_figure) -> None:
    fig = overview_vi_figure
    ax = fig.axes[0]
    overlays = [legend.get_window_extent() for legend in fig.legends]
    overlays += [text.get_window_extent() for text in fig.texts]
    overlays += [artist.get_window_extent() for artist in fig.artists]  # the footer band
    labels = [text for text in ax.texts if "km" not in text.get_text()]

    assert labels
    for label in labels:
        box = label.get_window_extent()
        assert not any(box.overlaps(other) for other in overlays), label.get_text()


def test_chinese_border_map_draws_characters(tables, noto) -> None:
    """Drawing to PNG and PDF raises if a glyph is missing (pytest turns the warning into an error)."""
    spec = spec_for(tables, "border_gates", "border", "zh")
    fig = slides.render_map_figure(*drawn(tables, spec), tables)
    labels = [a.get_text() for a in fig.axes[0].texts]

    assert any(CJK.search(label) for label in labels), labels
    assert Image.open(io.BytesIO(slides.map_png(*drawn(tables, spec), tables))).size == (2000, 1125)
    assert slides.map_pdf(*drawn(tables, spec), tables).startswith(b"%PDF")


def test_pdf_is_one_page_with_sources_in_its_metadata(tables, noto) -> None:
    pdf = slides.map_pdf(
        *drawn(tables, spec_for(tables, "sea_services", "suez", "en", service_id="lane_haiphong_antwerp")),
        tables,
    )

    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    assert b"/Creator (Corridor Atlas)" in pdf
    # Non-ASCII metadata (the sources note has dashes) is stored as UTF-16 with a byte-order mark.
    assert "Illustrative, not for navigation".encode("utf-16-be") in pdf


def test_png_metadata_names_sources_and_fonts(overview_png: bytes) -> None:
    info = Image.open(io.BytesIO(overview_png)).info

    assert info["Title"] == "Corridor Atlas: Hai Phong's trade corridors"
    assert "Data as of" in info["Description"] and "Sources:" in info["Description"]
    assert info["Disclaimer"] == "Illustrative, not for navigation."
    assert info["Comment"].startswith("fonts: Noto Sans, Noto Sans CJK SC")


def test_scenario_slide_says_what_was_closed(tables, noto) -> None:
    spec = spec_for(
        tables, "sea_services", "suez", "en", service_id="lane_haiphong_antwerp", closed=("red_sea",)
    )
    content, _ = drawn(tables, spec)

    assert [layer.id for layer in content.layers if layer.kind == "path"] == ["sea-routes", "scenario-routes"]
    assert "What-if: Red Sea" in content.subtitle
    assert re.search(r"[\d,]+ → [\d,]+ nm", content.subtitle)


@pytest.mark.parametrize(
    ("fonts", "families", "fallback"),
    [
        (
            ["Noto Sans", "Noto Sans CJK SC", "DejaVu Sans"],
            ("Noto Sans", "Noto Sans CJK SC", "DejaVu Sans"),
            False,
        ),
        (["DejaVu Sans"], ("DejaVu Sans",), 1),
    ],
    ids=["noto-installed", "noto-missing"],
)
def test_fonts_fall_back_to_dejavu_and_say_so(fonts, families, fallback) -> None:
    choice = slides.choose_fonts(fonts)

    assert choice.families == families
    assert ("fallback" in choice.note) is bool(fallback)
    assert choice.note.startswith("fonts: ")


@pytest.mark.parametrize("name", list(VIEW_PRESETS))
def test_every_preset_frame_is_16_by_9_and_at_most_one_world(name: str) -> None:
    frame = slides.view_frame(VIEW_PRESETS[name])
    west, south, east, north = frame.bounds_deg()

    assert (frame.east - frame.west) / (frame.north - frame.south) == pytest.approx(16 / 9)
    assert east - west <= 360 + 1e-9
    assert -slides.MAX_LAT - 1e-6 <= south < north <= slides.MAX_LAT + 1e-6


def test_frame_contains_its_view_and_wraps_over_the_pacific() -> None:
    west, south, east, north = slides.view_bounds(VIEW_PRESETS["tonkin"])
    assert west < 106.69 < east and south < 20.86 < north  # Hai Phong

    west, _, east, _ = slides.view_bounds(VIEW_PRESETS["pacific"])
    assert west < -180 < east, "centred at -170°, the frame runs past the date line"


@pytest.mark.parametrize("latitude", [0.0, 21.0, 60.0])
def test_scale_bar_is_true_at_the_frame_latitude(latitude: float) -> None:
    frame = slides.view_frame(MapView(latitude, 105.0, 6.0))
    bar = slides.scale_bar(frame)

    assert bar.latitude == pytest.approx(latitude, abs=1e-6)
    assert bar.length_m == pytest.approx(bar.km * 1000 / math.cos(math.radians(latitude)))
    mantissa = bar.km / 10 ** math.floor(math.log10(bar.km))
    assert round(mantissa, 9) in (1, 2, 5)
    assert 0.05 < bar.length_m / (frame.east - frame.west) <= 0.16


def test_spec_rejects_what_no_page_draws() -> None:
    with pytest.raises(ValueError, match="unknown map kind"):
        MapSpec(kind="cinema")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown layers"):
        MapSpec(kind="overview", layers=("ships",))
    with pytest.raises(ValueError, match="unknown language"):
        MapSpec(kind="overview", language="fr")


def test_sources_wrap_into_three_lines_and_count_the_rest() -> None:
    parts = [f"Publisher {n}, 2024-01-0{n % 9 + 1}" for n in range(40)]
    lines = slides._wrap(parts, "Sources: ", 200.0, len, 3, lambda n: f"and {n} more")

    assert len(lines) == 3
    assert lines[0].startswith("Sources: Publisher 0")
    shown = sum(line.count("Publisher") for line in lines)
    assert lines[-1].endswith(f"and {40 - shown} more")
    assert all(len(line) <= 200 for line in lines)


PANEL_SCRIPT = """
from atlas.spec import MapSpec
from atlas.views import VIEW_PRESETS
from ui import data
from ui.export_panel import export_panel

t = data.translator("vi")
spec = MapSpec(kind="overview", language="vi", view_name="tonkin", view=VIEW_PRESETS["tonkin"])
content = data.content(spec)
export_panel(content, content.view(), t)
"""


def test_export_panel_offers_six_downloads_in_the_language() -> None:
    at = AppTest.from_string(PANEL_SCRIPT, default_timeout=120).run()
    assert not at.exception
    # Closed, the panel draws no button (a page nobody exports from pays nothing for it).
    assert at.get("download_button") == []
    at.session_state["export_panel_overview"] = True  # the visitor opens the panel
    at.run()

    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Trang chiếu (PNG, 16:9)",
        "Địa điểm trên bản đồ này (CSV)",
        "Tài liệu phát tay (PDF)",
        "Tuyến trên bản đồ này (GeoJSON)",
        "Bản đồ tương tác dùng ngoại tuyến (HTML)",
        "Địa điểm và tuyến trên bản đồ này (GeoPackage)",
    ]
    # Made on click, not on every rerun.
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)


def test_selection_downloads_carry_sources_and_date(tables) -> None:
    spec = spec_for(tables, "sea_services", "suez", "en", service_id="lane_haiphong_antwerp")
    content, view = drawn(tables, spec)
    date = data_date(tables)

    csv = export.WRITERS["csv"](content, view, tables).decode("utf-8-sig").splitlines()
    assert csv[0].split(",")[-2:] == ["sources", "data_as_of"]
    assert len(csv) == 1 + 2 and all(line.endswith(date) for line in csv[1:])

    geojson = json.loads(export.WRITERS["geojson"](content, view, tables))
    assert {f["properties"]["kind"] for f in geojson["features"]} == {"sea_leg"}
    assert f"data as of {date}" in geojson["corridor_atlas_sources"].lower()

    assert export.WRITERS["gpkg"](content, view, tables).startswith(b"SQLite format 3\x00")


def test_names_are_drawn_as_text_not_mathtext(tables, noto) -> None:
    """A '$' would switch matplotlib to mathtext: an unbalanced one would stop the export with an error."""
    name = "Port $\\frac{ <img src=x onerror=alert(1)> $ ~~gone~~"
    places = tables.places.copy()
    places.loc[
        places["id"] == "antwerp", ["name_en", "name_vi", "name_zh", "label_en", "label_vi", "label_zh"]
    ] = name
    hostile = replace(tables, places=places)
    spec = MapSpec(
        kind="sea_services", view_name="suez", view=VIEW_PRESETS["suez"], service_id="lane_haiphong_antwerp"
    )

    content, view = drawn(hostile, spec)
    fig = slides.render_map_figure(content, view, hostile, title="Cost $5")
    fig.savefig(io.BytesIO(), format="png", dpi=slides.DPI)

    texts = slides.text_artists(fig)
    assert "Cost $5" in texts
    assert name in texts
