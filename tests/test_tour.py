"""Presentation tours: the shipped story is valid and sourced, broken tours say exactly what is wrong,
navigation stays inside the tour, and each scene's map has its rings and large labels."""

from __future__ import annotations

import csv
import functools
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO_DIR

from atlas import model
from atlas.content import map_content
from atlas.deck import content_layers
from atlas.i18n import LANGUAGES, Translator
from atlas.tour import (
    HIGHLIGHT_LAYER_ID,
    LABEL_SIZE_PX,
    VOCABULARY,
    Scene,
    Tour,
    build_tour,
    main,
    scenario_distances,
    scene_number,
    scene_spec,
    step,
)
from atlas.views import VIEW_PRESETS, MapView
from loaders import Tables, load_all, load_translations
from loaders.tours import caption_numbers, load_tour, tour_ids

STORY = REPO_DIR / "data" / "tours" / "story.csv"
ARTICLES = {"art000", "art001", "art002", "art003", "art004"}


@pytest.fixture(scope="module")
def tables() -> Tables:
    result = load_all(geography=False)
    assert result.tables is not None, result.problems
    return result.tables


@pytest.fixture(scope="module")
def story(tables: Tables) -> Tour:
    loaded = load_tour("story", tables, VOCABULARY)
    assert loaded.problems == ()
    assert loaded.rows is not None
    return build_tour("story", loaded.rows)


def test_story_is_listed_and_valid(story: Tour) -> None:
    assert "story" in tour_ids()
    assert [scene.number for scene in story.scenes] == list(range(1, 13))


def test_story_tells_every_source_article(story: Tour) -> None:
    """The service, the gates and the smart gate, the three partner ports, the flight: all five articles."""
    cited = {source for scene in story.scenes for source in scene.source_ids}
    assert ARTICLES <= cited
    kinds = {scene.page_kind for scene in story.scenes}
    assert kinds == {"overview", "sea_services", "border_gates", "partners", "compare"}
    assert any(scene.closed for scene in story.scenes), "one scene shows a what-if scenario"
    assert {"beibu_haiphong_kolkata", "nanning_haiphong_air", "lane_haiphong_antwerp"} <= {
        scene.service_id for scene in story.scenes
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_story_speaks_every_language(story: Tour, language: str) -> None:
    for scene in story.scenes:
        for text in (scene.title(language), scene.caption(language)):
            assert text.strip() and unicodedata.is_normalized("NFC", text)


def test_story_views_resolve(story: Tour) -> None:
    # "fit": the scene's map frames everything it draws (a what-if's detour round the Cape included).
    assert story.scene(1).view_name == "fit" and story.scene(1).view is None
    assert story.scene(3).view_name == "tonkin" and story.scene(3).view == VIEW_PRESETS["tonkin"]
    assert story.scene(5).view_name == "custom"
    assert story.scene(5).view == MapView(21.975, 106.70, 12.0)


# --- broken tours --------------------------------------------------------------------------------


def write_tour(data_dir: Path, edit, name: str = "broken") -> None:
    """A copy of the story with one edit applied to its rows (a list of dicts, header order kept)."""
    with STORY.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    header = edit(rows) or header
    (data_dir / "tours").mkdir(parents=True, exist_ok=True)
    with (data_dir / "tours" / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(scene: int, column: str, value: str):
    def edit(rows: list[dict[str, str]]) -> None:
        rows[scene - 1][column] = value

    return edit


def drop_column(column: str):
    def edit(rows: list[dict[str, str]]) -> list[str]:
        return [name for name in rows[0] if name != column]

    return edit


VIEW_ACTION = (
    "use fit, a preset (world, asia, tonkin, border, suez, pacific, atlantic) or lat,lon,zoom "
    "with -85 ≤ lat ≤ 85, -180 ≤ lon ≤ 180, 0 ≤ zoom ≤ 16"
)

# (edit, one problem it must report). Scene n is on line n + 1 (the header is line 1).
BROKEN = {
    "unknown-service": (
        set_cell(2, "service_id", "beibu_nowhere"),
        "tours/broken.csv:3:service_id: 'beibu_nowhere' is not an id in services.csv — "
        "use an existing service_id from services.csv",
    ),
    "air-service-on-sea-scene": (
        set_cell(2, "service_id", "nanning_haiphong_air"),
        "tours/broken.csv:3:service_id: a sea_services scene needs a sea service — "
        "name a service whose mode is sea",
    ),
    "service-on-gates-scene": (
        set_cell(4, "service_id", "beibu_haiphong_kolkata"),
        "tours/broken.csv:5:service_id: a border_gates scene shows no service — leave service_id empty",
    ),
    "unknown-place": (
        set_cell(2, "highlight", "tan_vu;atlantis"),
        "tours/broken.csv:3:highlight: 'atlantis' is not an id in places.csv — "
        "use an existing id from places.csv",
    ),
    "unknown-source": (
        set_cell(3, "source_ids", "art000;art999"),
        "tours/broken.csv:4:source_ids: 'art999' is not an id in sources.csv — "
        "use an existing id from sources.csv",
    ),
    "preset-typo": (
        set_cell(1, "view", "wrold"),
        f"tours/broken.csv:2:view: 'wrold' is not a map view — {VIEW_ACTION}",
    ),
    "zoom-out-of-range": (
        set_cell(1, "view", "21.0,107.0,22"),
        f"tours/broken.csv:2:view: '21.0,107.0,22' is not a map view — {VIEW_ACTION}",
    ),
    "two-numbers": (
        set_cell(1, "view", "21.0,107.0"),
        f"tours/broken.csv:2:view: '21.0,107.0' is not a map view — {VIEW_ACTION}",
    ),
    "missing-chinese-caption": (
        set_cell(6, "caption_zh", ""),
        "tours/broken.csv:7:caption_zh: caption in 'zh' is missing — "
        "write the caption in all three languages (vi, en, zh)",
    ),
    "missing-vietnamese-title": (
        set_cell(6, "title_vi", ""),
        "tours/broken.csv:7:title_vi: title in 'vi' is missing — "
        "write the title in all three languages (vi, en, zh)",
    ),
    "unknown-page-kind": (
        set_cell(1, "page_kind", "cinema"),
        "tours/broken.csv:2:page_kind: 'cinema' is not a page kind — "
        "use one of: overview, sea_services, border_gates, partners, cargo, compare",
    ),
    "gap-in-numbering": (
        set_cell(12, "scene", "13"),
        "tours/broken.csv:2:scene: scenes are numbered [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13], not 1..12 — "
        "number the rows 1, 2, 3 … in the order they are shown, with no gap",
    ),
    "compare-to-itself": (
        set_cell(12, "to_place_id", "nanning"),
        "tours/broken.csv:13:to_place_id: a comparison goes between two places — name another place",
    ),
    "compare-without-an-end": (
        set_cell(12, "from_place_id", ""),
        "tours/broken.csv:13:from_place_id: a compare scene needs both ends — "
        "name a place id from places.csv",
    ),
    "compare-unknown-place": (
        set_cell(12, "to_place_id", "atlantis"),
        "tours/broken.csv:13:to_place_id: 'atlantis' is not an id in places.csv — "
        "use an existing id from places.csv",
    ),
    "ends-on-a-map-scene": (
        set_cell(1, "from_place_id", "hanoi"),
        "tours/broken.csv:2:from_place_id: only a compare scene goes from one place to another — "
        "leave it empty",
    ),
    "unknown-passage": (
        set_cell(8, "closed", "red_sea;atlantis_strait"),
        "tours/broken.csv:9:closed: 'atlantis_strait' is not a passage — use some of: babalmandab, bosporus, "
        "gibraltar, malacca, ormuz, panama, suez, sunda, red_sea",
    ),
    "closure-on-gates-scene": (
        set_cell(4, "closed", "suez"),
        "tours/broken.csv:5:closed: only a sea_services scene can close passages — "
        "set page_kind to sea_services with a sea service, or leave closed empty",
    ),
    "unknown-fact": (
        set_cell(1, "facts", "figures:hp_fdi_total;figures:hp_fdi_galaxy"),
        "tours/broken.csv:2:facts: 'hp_fdi_galaxy' is not an id in figures.csv — "
        "use an existing figure_id from figures.csv",
    ),
    "malformed-fact": (
        set_cell(1, "facts", "hp_fdi_total"),
        "tours/broken.csv:2:facts: 'hp_fdi_total' is not a fact reference — "
        "write table:id with table one of: figures, agreements, services, gate_pairs, places, corridors, "
        "cargo, sources",
    ),
    "fact-not-backed-by-a-cited-source": (
        set_cell(4, "facts", "figures:lang_son_vehicle_growth;figures:hp_fdi_total"),
        "tours/broken.csv:5:source_ids: no cited source backs figures:hp_fdi_total (its sources: art001) — "
        "add one of its sources to source_ids",
    ),
    "invented-number": (
        set_cell(1, "caption_en", "Hai Phong has attracted more than 60 billion USD of foreign investment."),
        "tours/broken.csv:2:caption_en: the caption says 60, which no listed fact contains — "
        "add the table:id that gives it to facts, or correct the caption",
    ),
    "decomposed-diacritics": (
        set_cell(4, "title_vi", unicodedata.normalize("NFD", "Cửa khẩu Lạng Sơn")),
        "tours/broken.csv:5:title_vi: text 'Cửa khẩu Lạng Sơn' is not NFC-normalised "
        "(decomposed diacritics) — re-type it or save the file with composed (NFC) characters",
    ),
    "missing-column": (
        drop_column("notes"),
        "tours/broken.csv:1:notes: column is missing — add it to the header; the columns are: "
        "scene, page_kind, service_id, closed, view, highlight, from_place_id, to_place_id, "
        "title_vi, title_en, title_zh, "
        "caption_vi, caption_en, caption_zh, facts, source_ids, notes",
    ),
}


@pytest.mark.parametrize(("edit", "expected"), list(BROKEN.values()), ids=list(BROKEN))
def test_broken_tour_names_file_row_field_and_fix(
    tmp_path: Path, tables: Tables, edit, expected: str
) -> None:
    write_tour(tmp_path, edit)
    loaded = load_tour("broken", tables, VOCABULARY, data_dir=tmp_path)
    assert loaded.rows is None
    messages = [str(problem) for problem in loaded.problems]
    # NFD text prints like NFC; compare the normalised messages.
    assert unicodedata.normalize("NFC", expected) in [unicodedata.normalize("NFC", m) for m in messages]


def test_an_unchanged_copy_is_valid(tmp_path: Path, tables: Tables) -> None:
    """Guards the table above: each broken case fails because of its edit, not because of the copy."""
    write_tour(tmp_path, lambda rows: None)
    assert load_tour("broken", tables, VOCABULARY, data_dir=tmp_path).problems == ()


@pytest.mark.parametrize("tour_id", ["../places", "story/../../x", "nope", "", "STORY"])
def test_only_tours_on_disk_are_opened(tables: Tables, tour_id: str) -> None:
    """The tour id comes from the URL: it never becomes a path outside data/tours/."""
    loaded = load_tour(tour_id, tables, VOCABULARY)
    assert loaded.rows is None
    assert [str(p) for p in loaded.problems] == [
        f"tours/{tour_id}.csv:-:-: no such tour — "
        f"use one of the tours in data/tours/: {', '.join(tour_ids())}"
    ]


def test_an_empty_tour_file_is_a_problem(tmp_path: Path, tables: Tables) -> None:
    (tmp_path / "tours").mkdir()
    (tmp_path / "tours" / "empty.csv").write_text("", encoding="utf-8")
    assert [str(p) for p in load_tour("empty", tables, VOCABULARY, data_dir=tmp_path).problems] == [
        "tours/empty.csv:-:-: file is empty — "
        "it needs at least the header row; see data/README.md for the columns"
    ]


def test_command_line_checks_the_tours(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["story"]) == 0
    assert "tours/story.csv: 12 scenes valid" in capsys.readouterr().out
    assert main(["nope"]) == 1
    assert "tours/nope.csv:-:-: no such tour" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("about 1,800 projects from 44 countries", {1800, 44}),
        ("up 16.7% on 2023", {"16.7", 2023}),
        ("markers 1119–1120 and 1088/2–1089", {1119, 1120, 1088, 2, 1089}),
        ("3–5 December 2025", {3, 5, 2025}),
        ("no figures here", set()),
    ],
    ids=["thousands-separator", "decimal", "ranges", "dates", "none"],
)
def test_caption_numbers(text: str, numbers: set) -> None:
    from decimal import Decimal

    assert caption_numbers(text) == {Decimal(str(n)) for n in numbers}


# --- navigation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        (None, 1),
        ("3", 3),
        (" 4 ", 4),
        ("0", 1),
        ("11", 11),
        ("99", 11),
        ("-2", 1),
        ("abc", 1),
        ("3.5", 1),
        ("", 1),
    ],
    ids=["absent", "plain", "spaces", "zero", "last", "past-the-end", "negative", "word", "decimal", "empty"],
)
def test_scene_number_from_a_link(param: str | None, expected: int) -> None:
    assert scene_number(param, 11) == expected


@pytest.mark.parametrize(
    ("number", "delta", "expected"),
    [(1, -1, 1), (1, 1, 2), (6, -1, 5), (11, 1, 11)],
    ids=["back-at-first", "next", "back", "next-at-last"],
)
def test_step_stops_at_the_ends(number: int, delta: int, expected: int) -> None:
    assert step(number, delta, 11) == expected


# --- scene maps ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def routes(tables: Tables):
    """Plain (uncached by Streamlit) route planning, memoised for the module."""

    @functools.cache
    def plan(service_id: str, closed: tuple[str, ...], speed_kn: float = model.DEFAULT_SPEED_KN):
        return model.plan_service(tables, service_id, closed, speed_kn)

    return plan


def layers_of(tables: Tables, scene: Scene, routes, language: str = "en") -> dict[str, dict]:
    """The deck layers the presentation draws for a scene: its spec's content at its view."""
    t = Translator(load_translations(), language)
    content = map_content(scene_spec(scene, language), tables, t, plan=routes)
    built = content_layers(content, content.view())
    ids = [layer.id for layer in built]
    assert len(ids) == len(set(ids)), f"duplicate layer ids {ids}"
    return {layer.id: layer for layer in built}


def test_compare_scene_draws_the_comparison_of_its_two_ends(tables: Tables, story: Tour, routes) -> None:
    """A compare scene is the Compare page's map: every option from its origin to its destination,
    in the option colours, both ends labelled, the options in the legend."""
    from atlas.compare import compare

    scene = next(s for s in story.scenes if s.page_kind == "compare")
    spec = scene_spec(scene, "vi")
    assert (spec.origin, spec.destination, spec.style) == ("nanning", "hai_phong", "projector")
    content = map_content(spec, tables, Translator(load_translations(), "vi"), plan=routes)
    expected = compare(tables, "nanning", "hai_phong")
    drawn = {record["id"] for record in content.layer("compare-routes").records}
    assert drawn == {option.option_id for option in expected.options}
    legend = [item.text for item in content.legend if item.key.startswith("compare.option:")]
    assert len(legend) == len(expected.options) and all(legend)
    labels = {label["label"] for label in content.placed_labels(content.view())}
    assert {"Nam Ninh", "Hải Phòng"} <= labels


@pytest.mark.parametrize("number", range(1, 13))
def test_scene_map_rings_and_labels(tables: Tables, story: Tour, routes, number: int) -> None:
    scene = story.scene(number)
    built = layers_of(tables, scene, routes)
    assert list(built)[:3] == ["basemap-sea", "basemap-land", "basemap-borders"]
    assert list(built)[-3:] == ["places", HIGHLIGHT_LAYER_ID, "place-labels"]
    places = tables.places.set_index("id")
    rings = {ring["id"]: ring["position"] for ring in built[HIGHLIGHT_LAYER_ID].data}
    assert list(rings) == list(scene.highlight)
    # The border map draws a gate as its pair's one marker: a highlighted gate rings that marker.
    gate_pairs = built["gate-pairs"].data if "gate-pairs" in built else []
    pair_markers = {record["id"]: record["position"] for record in gate_pairs}
    marker_of = {
        side: pair_markers[row.pair_id]
        for row in tables.gate_pairs.itertuples()
        if row.pair_id in pair_markers
        for side in (row.vn_place_id, row.cn_place_id)
    }
    for place_id, (lon, lat) in rings.items():
        expected = marker_of.get(place_id, (places.loc[place_id, "lon_deg"], places.loc[place_id, "lat_deg"]))
        assert (lon, lat) == pytest.approx(tuple(expected), abs=1e-5)
    labels = built["place-labels"]
    assert labels.get_size == LABEL_SIZE_PX
    positions = [tuple(record["position"]) for record in labels.data]
    assert len(positions) == len(set(positions)), "one label per place"
    assert any(tuple(pos) in positions for pos in rings.values()), "a highlighted place is labelled"


def test_gates_scene_draws_the_gate_pairs(tables: Tables, story: Tour, routes) -> None:
    built = layers_of(tables, story.scene(5), routes)
    pairs = {record["id"]: record for record in built["gate-pairs"].data}
    assert set(pairs) == set(tables.gate_pairs["pair_id"])
    # The level is the marker's colour; planned and suspended pairs are hollow; the smart-gate pilot
    # pairs are ringed.
    assert pairs["huu_nghi__youyiguan"]["color"] != pairs["chi_ma__aidian"]["color"]
    assert pairs["binh_nghi__pingerguan"]["fill"] != pairs["binh_nghi__pingerguan"]["color"]
    rings = {record["id"] for record in built["smart-gate-roads"].data}
    assert rings == {"huu_nghi__youyiguan:freight_road", "tan_thanh__po_chai:freight_road"}


def test_scenario_scene_draws_both_routes(tables: Tables, story: Tour, routes) -> None:
    scene = story.scene(8)
    assert scene.closed == ("red_sea",)
    built = layers_of(tables, scene, routes)
    assert {"sea-routes", "scenario-routes"} <= set(built)
    normal_nm, closed_nm = scenario_distances(scene, routes)
    # Round the Cape instead of through Suez: thousands of miles longer (FIELD-NOTES: ~9,700 → ~13,000).
    assert closed_nm - normal_nm > 2000
    assert scenario_distances(story.scene(2), routes) is None


def test_overview_scene_emphasises_its_service(tables: Tables, story: Tour, routes) -> None:
    scene = story.scene(11)
    assert scene.service_id == "nanning_haiphong_air"
    air = layers_of(tables, scene, routes)["air-links"].data
    assert air and all(record["width"] == 8.0 for record in air if record["id"] == scene.service_id)
    assert air[-1]["id"] == scene.service_id, "drawn last, on top"


def test_chinese_labels_use_chinese_names(tables: Tables, story: Tour, routes) -> None:
    labels = [
        record["label"] for record in layers_of(tables, story.scene(5), routes, "zh")["place-labels"].data
    ]
    assert "友谊—友谊关\n1119–1120号界碑" in labels


def test_story_file_is_copied_unchanged_by_the_writer(tmp_path: Path) -> None:
    """write_tour must not reformat the story (else every broken case would test the writer)."""
    write_tour(tmp_path, lambda rows: None, name="copy")
    assert (tmp_path / "tours" / "copy.csv").read_bytes() == STORY.read_bytes()
    shutil.rmtree(tmp_path / "tours")
