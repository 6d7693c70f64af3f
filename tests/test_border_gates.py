"""The border-gates page at border zoom (issue 11): each gate pair one marker whose colour is its level,
hollow when not operating, the smart-gate pilot's freight roads ringed in a colour of their own, a
legend that lists exactly what is drawn, and no English in a Chinese page's notes."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from test_app_pages import deck_spec, open_app, text

import loaders
from atlas import style
from atlas.deck import basemap_detail
from atlas.views import MapView

# Words of the English gate-pair notes (status_note_en, smart_gate_note_en) that a Chinese text never
# needs. Names keep their own script, so "Pò Nhùng" may stay; English prose may not.
ENGLISH_WORDS = re.compile(
    r"\b(the|and|pair|gate|gates|road|roads|trucks|pilot|opened|since|approves|markers|cargo|clearance)\b",
    re.IGNORECASE,
)
CHIP = re.compile(r'<span class="chip"[^>]*>(?P<mark><span style="[^"]*"></span>) (?P<label>[^<]*)</span>')


@pytest.fixture(scope="module")
def tables() -> loaders.Tables:
    return loaders.load_all(geography=False).tables


@pytest.fixture(scope="module")
def chinese_page():
    at = open_app("border_gates.py", lang="zh")
    assert not at.exception
    return at


def layer(spec: dict[str, Any], layer_id: str) -> list[dict[str, Any]]:
    (found,) = [item for item in spec["layers"] if item["id"] == layer_id]
    return found["data"]


def legend_chips(at) -> list[tuple[str, str]]:
    """(swatch style, label) of each legend chip the page shows."""
    (html,) = [m.value for m in at.markdown if "atlas-legend" in m.value]
    return [(match["mark"], unescape(match["label"])) for match in CHIP.finditer(html)]


def test_the_english_notes_would_fail_the_check(tables: loaders.Tables) -> None:
    """The check below can fail: it catches the English the page used to show in Chinese."""
    english = [*tables.gate_pairs["status_note_en"], *tables.gate_pairs["smart_gate_note_en"].dropna()]
    assert all(ENGLISH_WORDS.search(note) for note in english)


def test_chinese_page_shows_no_english_notes(chinese_page, tables: loaders.Tables) -> None:
    banners = [info.value for info in chinese_page.info]
    assert len(banners) == int(tables.gate_pairs["smart_gate_pilot"].sum())
    notes = list(chinese_page.dataframe[0].value[text("gates.note", "zh")])
    tooltips = [record["tooltip"] for record in layer(deck_spec(chinese_page), "gate-pairs")]
    for shown in [*banners, *notes, *tooltips]:
        assert not ENGLISH_WORDS.search(shown), shown
    assert any("第865/QĐ-TTg号决定" in banner for banner in banners)


def test_each_level_and_the_pilot_have_their_own_colour(chinese_page, tables: loaders.Tables) -> None:
    spec = deck_spec(chinese_page)
    markers = {record["id"]: record for record in layer(spec, "gate-pairs")}
    assert set(markers) == set(tables.gate_pairs["pair_id"])
    levels = dict(zip(tables.gate_pairs["pair_id"], tables.gate_pairs["level"], strict=True))
    colour_of_level: dict[str, tuple[int, ...]] = {}
    for pair_id, record in markers.items():
        colour_of_level.setdefault(levels[pair_id], tuple(record["color"]))
        assert tuple(record["color"]) == colour_of_level[levels[pair_id]], "one colour per level"
    assert len(set(colour_of_level.values())) == len(colour_of_level), colour_of_level
    rings = layer(spec, "smart-gate-roads")
    pilot = tables.gate_pairs.loc[tables.gate_pairs["smart_gate_pilot"], "pair_id"]
    assert sorted(r["id"].split(":")[0] for r in rings) == sorted(pilot)
    (ring_colour,) = {tuple(r["color"]) for r in rings}
    assert ring_colour not in colour_of_level.values()
    # Drawn where its pair is: no public position exists for the freight roads.
    for ring in rings:
        assert ring["position"] == markers[ring["id"].split(":")[0]]["position"]
    # Suspended pairs are hollow, operating ones filled.
    status = dict(zip(tables.gate_pairs["pair_id"], tables.gate_pairs["status"], strict=True))
    for pair_id, record in markers.items():
        assert (record["fill"] == record["color"]) == (status[pair_id] == "operating"), pair_id


def test_every_pair_is_labelled_with_its_freight_road(chinese_page) -> None:
    spec = deck_spec(chinese_page)
    (labels,) = [item["data"] for item in spec["layers"] if item["id"] == "place-labels"]
    drawn = {record["label"] for record in labels}
    assert "友谊—友谊关\n1119–1120号界碑" in drawn
    assert "新清—浦寨\n1088/2–1089号界碑" in drawn
    assert "平宜—平而关\n暂停" in drawn
    assert {"峙马—爱店", "同登站—凭祥站", "Cốc Nam—弄尧", "Pò Nhùng—油隘\n暂停"} <= drawn


def test_legend_lists_exactly_the_drawn_line_styles(chinese_page) -> None:
    """Every line drawn has a legend chip of its colour and dash, and every line chip is drawn: the
    legend once said grey dashed for 'proposed' where the line was black dashed."""
    spec = deck_spec(chinese_page)
    drawn = set()
    for item in spec["layers"]:
        if item["@@type"] != "PathLayer" or item["id"].startswith("basemap") or item["id"] == "label-leaders":
            continue
        for record in item["data"]:
            dashed = any(record["dash"])
            drawn.add((style.hex_colour(record["color"]), dashed, text(record["legend"], "zh")))
    chips = set()
    for mark, label in legend_chips(chinese_page):
        line = re.search(r"border-top:4px (solid|dashed) (#[0-9a-f]{6})", mark)
        if line:
            chips.add((line[2], line[1] == "dashed", label))
    assert chips == drawn
    assert any(dashed for _, dashed, _ in drawn), "the proposed railway is drawn dashed"


def test_legend_lists_each_marker_drawn(chinese_page) -> None:
    """Each level's marker (filled, or hollow when not operating) and the pilot's ring has its chip."""
    spec = deck_spec(chinese_page)
    drawn = {
        (
            style.hex_colour(r["color"]),
            "dot" if r["fill"] == r["color"] else "hollow",
            text(r["legend"], "zh"),
        )
        for r in layer(spec, "gate-pairs")
    }
    drawn |= {
        (style.hex_colour(r["color"]), "ring", text(r["legend"], "zh"))
        for r in layer(spec, "smart-gate-roads")
    }
    chips = set()
    for mark, label in legend_chips(chinese_page):
        dot = re.search(r"border:2px solid (#[0-9a-f]{6});background:([^;\"]+)", mark)
        if dot:
            kind = {dot[1]: "dot", "#ffffff": "hollow", "transparent": "ring"}[dot[2]]
            chips.add((dot[1], kind, label))
    assert drawn <= chips
    assert any(kind == "ring" and "智慧口岸" in label for _, kind, label in drawn)


def test_border_zoom_draws_the_1_10m_border() -> None:
    """At the border preset and at the fitted border view the basemap is Natural Earth 1:10m."""
    at = open_app("border_gates.py", lang="zh", view="border")
    spec = deck_spec(at)
    (borders,) = [item for item in spec["layers"] if item["id"] == "basemap-borders"]
    assert "borders_10m_region" in borders["data"]
    state = spec["initialViewState"]
    assert basemap_detail(MapView(state["latitude"], state["longitude"], state["zoom"])) == "region"
