"""The standalone HTML map: offline (nothing fetched from the network), inert data, visible sources.

A place named like an attack must stay text: no raw `<img … onerror=` anywhere in the file, no early
`</script>`, and only the two inlined scripts allowed to run (their hashes in the page's CSP).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import replace

import pydeck as pdk
import pytest

from atlas import export, html_export
from atlas.content import LegendItem, data_date
from atlas.deck import basemap_layers, build_deck, path_layer
from atlas.i18n import Translator
from atlas.legend import legend_html
from atlas.mercator import project
from atlas.spec import MapSpec
from atlas.views import VIEW_PRESETS

HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
HOSTILE_TITLE = "Corridor Atlas <img src=y onerror=alert(3)>"
HOSTILE_PLACE = "nam_do_son"


@pytest.fixture(scope="module")
def tables():
    return export.embedded_tables()


@pytest.fixture(scope="module")
def hostile_tables(tables):
    """One port, a source and the map's title named like an attack, in every language."""
    places = tables.places.copy()
    places.loc[places["id"] == HOSTILE_PLACE, ["name_en", "name_vi", "name_zh"]] = HOSTILE
    sources = tables.sources.copy()
    sources.loc[sources.index[0], ["publisher", "publisher_en", "publisher_vi", "publisher_zh"]] = HOSTILE
    translations = tables.translations.copy()
    translations.loc[translations["key"] == "overview.title", ["en", "vi", "zh"]] = HOSTILE_TITLE
    return replace(tables, places=places, sources=sources, translations=translations)


@pytest.fixture(scope="module")
def page(hostile_tables) -> str:
    spec = MapSpec(kind="overview", language="en", view_name="tonkin", view=VIEW_PRESETS["tonkin"])
    content = export.content_for(spec, hostile_tables)
    return html_export.map_html(content, content.view(), hostile_tables)


def inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.S)


def markup(page: str) -> str:
    """The page without the bodies of its two scripts (deck.gl's bundle mentions '<script' in code)."""
    return re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.S)


def test_page_loads_nothing_from_the_network(page: str) -> None:
    tags = re.findall(r"<(?:script|link|img|iframe|object|embed)\b[^>]*>", markup(page), re.I)
    assert tags == ["<script>", "<script>"], tags
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", markup(page), re.I)


def test_hostile_name_is_never_markup(page: str) -> None:
    assert "<img" not in page
    assert page.count("</script>") == 2
    assert markup(page).count("<script") == 2
    assert not set(inline_scripts(page)[1]) & {"<", ">"}, "the data script holds no markup characters"
    # The name is still there, as escaped JSON text (read back by JSON.parse as the original).
    assert json.dumps(HOSTILE)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e") in page


def test_title_and_sources_are_escaped_text(page: str) -> None:
    escaped = html.escape(HOSTILE_TITLE)
    assert f"<title>{escaped}</title>" in page
    assert f"<h1>{escaped}</h1>" in page
    assert html.escape(HOSTILE) in page.split("<script>")[0], "the hostile publisher, shown as text"


def test_sources_and_data_date_are_visible(tables, page: str) -> None:
    visible = page.split("<script>")[0]
    date = data_date(tables)

    assert f"<summary>Data as of {date}. Illustrative, not for navigation." in visible
    assert "Basemap: Natural Earth" in visible
    assert f"<pre>Data as of {date}. Illustrative, not for navigation.\nSources:" in visible
    assert "VietnamPlus" in visible


def test_only_the_two_inlined_scripts_may_run(page: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = dict(part.strip().split(" ", 1) for part in csp.group(1).split(";"))
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline_scripts(page)
    }

    assert set(policy["script-src"].split()) == hashes
    assert policy["default-src"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


def test_deck_json_has_the_basemap_inline_and_no_tile_provider(page: str) -> None:
    init = inline_scripts(page)[1]
    deck = json.loads(re.search(r"const jsonInput = (.*?);\n", init).group(1))
    by_id = {layer["id"]: layer for layer in deck["layers"]}

    assert "mapProvider" not in deck and "mapStyle" not in deck
    for layer_id in ("basemap-land", "basemap-borders"):
        assert by_id[layer_id]["data"]["type"] == "FeatureCollection"
        assert len(by_id[layer_id]["data"]["features"]) > 0
    assert not any(isinstance(layer.get("data"), str) for layer in deck["layers"])
    tooltip = json.loads(re.search(r"const tooltip = (.*?);\n", init).group(1))
    assert set(tooltip) == {"text", "style"}, "text tooltips only: deck.gl sets them with innerText"


def test_dashes_are_cut_in_python_because_the_bundle_lacks_path_style(page: str) -> None:
    init = inline_scripts(page)[1]
    deck = json.loads(re.search(r"const jsonInput = (.*?);\n", init).group(1))
    lanes = next(layer for layer in deck["layers"] if layer["id"] == "sea-routes")

    assert "extensions" not in lanes and "getDashArray" not in lanes
    assert not any("dash" in record for record in lanes["data"])
    pieces = [r for r in lanes["data"] if r["id"] == "lane_haiphong_antwerp"]
    assert len(pieces) > 20, "a dashed lane becomes many dash-long pieces"


def test_online_deck_is_exported_without_tiles(tables) -> None:
    deck = build_deck(basemap_layers("world"), VIEW_PRESETS["world"], online_tiles=True)
    spec = html_export.standalone_deck_json(deck)

    assert "mapProvider" not in spec and "mapStyle" not in spec


def test_layers_loading_other_urls_are_refused() -> None:
    layer = pdk.Layer("GeoJsonLayer", id="elsewhere", data="https://example.invalid/x.geojson")
    with pytest.raises(ValueError, match="elsewhere"):
        html_export.standalone_deck_json(build_deck([layer], VIEW_PRESETS["world"]))


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "</SCRIPT >", "a & b <!-- c", "line\u2028separator", {"k": ["<", ">", "&"]}],
    ids=["script-close", "upper-case", "comment", "line-separator", "nested"],
)
def test_script_json_round_trips_without_markup_characters(value) -> None:
    text = html_export.script_json(value)

    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


def test_dash_path_cuts_on_screen_lengths() -> None:
    """An east–west line 200 px long at zoom 4, dash 12 px and gap 8 px: ten 12-px dashes."""
    zoom = 4.0
    px_per_degree = 512 * 2**zoom / 360
    path = [[100.0, 0.0], [100.0 + 200 / px_per_degree, 0.0]]
    pieces = html_export.dash_path(path, 12.0, 8.0, zoom)

    lengths = [project(*p[-1], zoom)[0] - project(*p[0], zoom)[0] for p in pieces]
    assert len(pieces) == 10
    assert lengths == pytest.approx([12.0] * 10, abs=0.01)


def test_dash_path_uses_longer_dashes_outside_the_window() -> None:
    zoom = 4.0
    path = [[0.0, 0.0], [60.0, 0.0]]
    inside = html_export.dash_path(path, 12.0, 8.0, zoom)
    far = html_export.dash_path(path, 12.0, 8.0, zoom, window=(-1e9, -1e9, -1e9 + 1, -1e9 + 1))

    assert len(far) < len(inside) / 5


def test_deck_html_shows_given_legend_and_summary(tables) -> None:
    deck = build_deck([path_layer("sea-routes", [])], VIEW_PRESETS["world"])
    page = html_export.deck_html(
        deck,
        title="T",
        sources_note="Note line one\nSecond <line>",
        legend=legend_html(
            [LegendItem("legend.partner_lane", (204, 121, 167, 255), "dashed")],
            Translator(tables.translations, "en"),
        ),
    )

    assert "<summary>Note line one</summary>" in page
    assert "Second &lt;line&gt;" in page
    assert "border-top:4px dashed #cc79a7" in page and "Lane to a partner port" in page


def test_file_size_is_reported_and_bounded(page: str) -> None:
    size = len(page.encode("utf-8"))
    bundle = len(html_export.deckgl_bundle().encode("utf-8"))

    # deck.gl's bundle is ~4.3 MB; the basemap and the map's records add well under 2 MB.
    assert bundle < size < bundle + 2_000_000


def test_a_vietnamese_file_has_a_vietnamese_sources_panel(tables) -> None:
    """The panel, its summary and the note are in the file's language, not English."""
    spec = MapSpec(kind="border_gates", language="vi")
    content = export.content_for(spec, tables)
    visible = html_export.map_html(content, content.view(), tables).split("<script>")[0]

    assert '<html lang="vi">' in visible
    assert f"<pre>Dữ liệu tính đến {data_date(tables)}." in visible
    assert "Bản đồ nền: Natural Earth" in visible
    for english in ("Data as of", "Sources:", "Basemap:", "Illustrative"):
        assert english not in visible
