"""Deck JSON snapshots: what atlas.deck sends to the browser, for a few small literal decks.

Each case builds a deck from a handful of records and compares its JSON with
tests/data/snapshots/<case>.json (the approach of pydeck's own tests/bindings/test_deck.py). After a
deliberate change to atlas/deck.py, regenerate and review the diff:

    UPDATE_SNAPSHOTS=1 python -m pytest tests/test_deck_snapshots.py

The pitfalls from shared FIELD-NOTES are asserted explicitly as well, so that a regenerated snapshot
cannot quietly accept them: string constants sent as JavaScript expressions ("@@=auto"), random layer
ids, a non-repeating view, and a basemap that calls a tile server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pydeck as pdk
import pytest
from conftest import TEST_DATA_DIR

from atlas import deck, style
from atlas.deck import LAYER_IDS, basemap_layers, build_deck, label_layer, path_layer, place_layer
from atlas.views import VIEW_PRESETS, MapView

SNAPSHOT_DIR = TEST_DATA_DIR / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
# pydeck's default map_style: Streamlit's frontend drops it and draws no basemap style at all. An
# absent or null mapStyle is different: with a MapView, Streamlit then fills in a Carto style URL.
NO_MAP_STYLE = "__MAP_STYLE__"

# Coordinates from data/places.csv: Hai Phong city, Lạng Sơn city, Lạch Huyện terminal.
HAI_PHONG = [106.68345, 20.86481]
LANG_SON = [106.76101, 21.85264]
LACH_HUYEN = [106.905, 20.79804]

LABELS = [
    {"position": HAI_PHONG, "label": "Hải Phòng", "priority": 40},
    {"position": LANG_SON, "label": "谅山", "priority": 40},
]
PLACES = [
    {
        "id": "hai_phong",
        "position": HAI_PHONG,
        "color": style.GREY,
        "fill": style.GREY,
        "radius": 4,
        "tooltip": "Hải Phòng\nCity\nSource: Báo Hải Phòng, 2025",
    },
    {
        "id": "lach_huyen",
        "position": LACH_HUYEN,
        "color": style.BLUE,
        "fill": [255, 255, 255, 255],
        "radius": 6,
        "tooltip": "Lạch Huyện\nTerminal · Planned\nSource: Báo Hải Phòng, 2025",
    },
]
PATHS = [
    {
        "id": "operating",
        "path": [HAI_PHONG, LANG_SON],
        "color": style.GREEN,
        "width": 3.5,
        "dash": [0, 0],
        "tooltip": "Road · Operating",
    },
    {
        "id": "proposed",
        "path": [LACH_HUYEN, LANG_SON],
        "color": style.GREY,
        "width": 3.5,
        "dash": [3, 2],
        "tooltip": "Rail · Proposed",
    },
]

CASES: dict[str, Callable[[], pdk.Deck]] = {
    "basemap_world": lambda: build_deck(basemap_layers("world"), VIEW_PRESETS["world"]),
    "basemap_region": lambda: build_deck(basemap_layers("region"), VIEW_PRESETS["tonkin"]),
    "labels": lambda: build_deck([label_layer(LABELS, size_px=14)], VIEW_PRESETS["tonkin"]),
    "dashed_paths": lambda: build_deck([path_layer("land-corridors", PATHS)], VIEW_PRESETS["tonkin"]),
    "online_tiles": lambda: build_deck(
        [place_layer(PLACES), label_layer(LABELS)], VIEW_PRESETS["tonkin"], online_tiles=True
    ),
}
OFFLINE_CASES = [name for name in CASES if name != "online_tiles"]


def deck_json(case: str) -> dict[str, Any]:
    return json.loads(CASES[case]().to_json())


def walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair in a JSON tree; list items carry their list's key."""
    if isinstance(node, dict):
        for child_key, value in node.items():
            yield child_key, value
            yield from walk(value, child_key)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, key)


@pytest.mark.parametrize("case", list(CASES))
def test_deck_matches_snapshot(case: str) -> None:
    path = SNAPSHOT_DIR / f"{case}.json"
    actual = deck_json(case)
    if UPDATE:
        SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
    assert path.is_file(), f"no snapshot {path.name}: run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert actual == json.loads(path.read_text(encoding="utf-8"))


def expression_problems(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(layer id, key, value) of every "@@=" expression that is not a get* accessor naming a data field.

    pydeck sends a plain string argument as "@@=<expression>". That is right for `get_path="path"`
    and wrong for a constant: `character_set="auto"` becomes "@@=auto" and deck.gl draws no label;
    `get_text_anchor="start"` becomes "@@=start", which is a get* key but names no field.
    """
    problems = []
    for layer in spec["layers"]:
        records = layer["data"] if isinstance(layer["data"], list) else []
        fields = set().union(*(record.keys() for record in records))
        for key, value in walk(layer):
            if isinstance(value, str) and value.startswith("@@="):
                accessor = key.startswith("get") and (not records or value.removeprefix("@@=") in fields)
                if not accessor:
                    problems.append((layer["id"], key, value))
    return problems


@pytest.mark.parametrize("case", list(CASES))
def test_only_data_accessors_are_expressions(case: str) -> None:
    assert expression_problems(deck_json(case)) == []


def test_expression_check_catches_an_unquoted_constant() -> None:
    """The check itself: the FIELD-NOTES mistake, an unquoted character_set, is reported."""
    layer = pdk.Layer(
        "TextLayer",
        id="place-labels",
        data=LABELS,
        get_text="label",
        character_set="auto",
        get_text_anchor="start",
    )
    spec = json.loads(build_deck([layer], VIEW_PRESETS["tonkin"]).to_json())
    assert expression_problems(spec) == [
        ("place-labels", "characterSet", "@@=auto"),
        ("place-labels", "getTextAnchor", "@@=start"),
    ]


@pytest.mark.parametrize("case", list(CASES))
def test_every_layer_has_a_stable_id(case: str) -> None:
    """Without an explicit id pydeck draws a random one: snapshots drift and click selections are lost."""
    layers = deck_json(case)["layers"]
    ids = [layer.get("id") for layer in layers]
    assert all(layer_id in LAYER_IDS for layer_id in ids), ids
    assert len(set(ids)) == len(ids)
    assert deck_json(case) == deck_json(case)


@pytest.mark.parametrize("case", list(CASES))
def test_view_is_a_repeating_map_view(case: str) -> None:
    """Pacific routes are split at ±180°; a repeating MapView joins the halves across the date line."""
    (view,) = deck_json(case)["views"]
    assert view["@@type"] == "MapView"
    assert view["repeat"] is True


@pytest.mark.parametrize("case", OFFLINE_CASES)
def test_offline_deck_calls_no_tile_server(case: str) -> None:
    """The embedded basemap must work on a projector with no internet: no map provider, and the one
    mapStyle value that makes Streamlit draw no style (not null, which it replaces with Carto's)."""
    spec = deck_json(case)
    assert spec.get("mapProvider") is None
    assert spec["mapStyle"] == NO_MAP_STYLE
    text = json.dumps(spec)
    assert "http" not in text and "carto" not in text


@pytest.mark.parametrize(
    ("case", "land", "borders"),
    [
        ("basemap_world", "land_50m.geojson", "borders_50m.geojson"),
        ("basemap_region", "land_10m_region.geojson", "borders_10m_region.geojson"),
    ],
    ids=["world", "region"],
)
def test_basemap_is_served_as_static_files(case: str, land: str, borders: str) -> None:
    """Large land layers are fetched by URL from Streamlit's static folder, not inlined in the JSON."""
    layers = {layer["id"]: layer for layer in deck_json(case)["layers"]}
    assert [layer["id"] for layer in deck_json(case)["layers"]] == [
        "basemap-sea",
        "basemap-land",
        "basemap-borders",
    ]
    assert layers["basemap-land"]["data"] == f"app/static/basemap/{land}"
    assert layers["basemap-borders"]["data"] == f"app/static/basemap/{borders}"
    # An outline would show the cuts at ±180° and at the region's box.
    assert layers["basemap-land"]["stroked"] is False


def test_label_layer_draws_any_script() -> None:
    """characterSet "auto" builds glyphs for ạ, ộ and 海; the font list reaches a CJK font."""
    (layer,) = deck_json("labels")["layers"]
    assert layer["@@type"] == "TextLayer"
    assert layer["characterSet"] == "auto"
    # The "J" face first (atlas.deck.LABEL_FONT_FACE_CSS: deck.gl's atlas cuts Noto Sans's J), then Noto.
    families = [name.strip() for name in layer["fontFamily"].split(",")]
    assert families[:2] == ["Corridor Atlas J", "Noto Sans"] and "Noto Sans CJK SC" in families
    # Placement is per label (right or left of its dot, chosen by atlas.labels.declutter).
    assert layer["getTextAnchor"] == "@@=anchor"
    assert all(row["anchor"] in ("start", "end") for row in layer["data"])
    assert layer["getAlignmentBaseline"] == "center"
    assert layer["sizeUnits"] == "pixels"
    assert layer["getSize"] == 14
    assert [record["label"] for record in layer["data"]] == ["Hải Phòng", "谅山"]
    # A halo from the glyph program (an SDF atlas), no background boxes: those are a shader program
    # of their own, compiled on every first paint (bench/trace.py).
    assert layer["fontSettings"]["sdf"] is True and layer["outlineWidth"] > 0
    assert "background" not in layer


def test_path_layer_dashes_with_the_path_style_extension() -> None:
    """Planned and proposed links are dashed per record; the extension must be on for that to draw."""
    (layer,) = deck_json("dashed_paths")["layers"]
    assert layer["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]
    assert layer["getDashArray"] == "@@=dash"
    assert [record["dash"] for record in layer["data"]] == [[0, 0], [3, 2]]
    assert layer["widthUnits"] == "pixels"


def test_online_tiles_use_carto() -> None:
    """Only the online choice may reach a tile server, and then Carto's light style (no API key)."""
    spec = deck_json("online_tiles")
    assert spec["mapProvider"] == "carto"
    assert spec["mapStyle"].startswith("https://basemaps.cartocdn.com/")
    assert "positron" in spec["mapStyle"]


def test_a_laptop_world_view_is_bounded_to_one_world() -> None:
    """The overview fitted for an 800-px map: deck.gl may zoom it in until one world fills a wider map
    (its MapState honours maxBounds in the browser), so no second copy of the world is drawn."""
    state = json.loads(build_deck([], MapView(33.9, 95.03, 0.64)).to_json())["initialViewState"]
    (west, south), (east, north) = state["maxBounds"]
    assert (west, south, east, north) == pytest.approx((-84.97, -90.0, 275.03, 90.0))
    assert "normalize" not in state


def test_a_phone_world_view_keeps_its_zoom() -> None:
    """The overview fitted for a 358-px phone map is a world 358 px tall on a 560-px map: bounds, or
    deck.gl's default normalize, would zoom it in to fill the height and cut off both ends."""
    state = json.loads(build_deck([], MapView(39.76, 83.79, -0.52)).to_json())["initialViewState"]
    assert state["normalize"] is False
    assert "maxBounds" not in state
    assert state["zoom"] == pytest.approx(-0.52)
    assert state["minZoom"] <= -0.52


# While an object on a map is selected, Streamlit's pydeck chart redraws every object of a layer that
# has its own colour accessor at 40 % opacity (all but the selected one).
FADED_BY_SELECTION = ("getFillColor", "getColor", "getLineColor")


def test_the_basemap_and_the_labels_stay_opaque_while_a_place_is_selected() -> None:
    """Issue 11: after a click on a port the sea and land faded and the "Loading map…" box showed
    through the whole map; their colours are given to the sublayers that draw them instead."""
    view = MapView(longitude=106.7, latitude=20.8, zoom=6)
    record = {"position": [106.7, 20.8], "label": "Hải Phòng", "offset": [40, -30]}
    layers = [
        *deck.basemap_layers("world"),
        deck.label_layer([record]),
        deck.leader_layer([record | {"callout": True}], view),
    ]
    for layer in layers:
        spec = json.loads(layer.to_json())
        own = [key for key in FADED_BY_SELECTION if key in spec]
        if spec["id"] == "basemap-borders":
            assert own == ["getLineColor"]  # GeoJsonLayer: Streamlit fades only its fill colour
        else:
            assert own == [], f"{spec['id']} fades when a place is selected: {own}"
    specs = [json.loads(layer.to_json()) for layer in layers]
    sublayer_colours = {spec["id"]: spec.get("_subLayerProps") for spec in specs}
    assert sublayer_colours["basemap-sea"] == {"fill": {"getFillColor": list(style.SEA_FILL)}}
    assert sublayer_colours["basemap-land"] == {"polygons-fill": {"getFillColor": list(style.LAND_FILL)}}
    assert sublayer_colours["place-labels"] == {"characters": {"getColor": list(style.BLACK)}}
