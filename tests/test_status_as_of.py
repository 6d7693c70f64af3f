"""Every status the app shows says the date it is true for, in all three languages (issue 10):
gate pairs, corridors and places on the border map, and the sea what-if's ΔCO₂e beside Δnm."""

from __future__ import annotations

import pytest
from test_app_pages import deck_spec, open_app, text

import loaders

LANGUAGES = ["vi", "en", "zh"]


def as_of_words(language: str) -> str:
    """The translated 'as of' wording, without its fields ('· as of', '· tính đến', '· 截至')."""
    return text("status.as_of", language, status="", date="").strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_on_the_border_map_carries_its_date(language: str) -> None:
    at = open_app("border_gates.py", lang=language)
    assert not at.exception
    tables = loaders.load_all(geography=False).tables
    dates = {
        **dict(zip(tables.gate_pairs["pair_id"], tables.gate_pairs["status_as_of"], strict=True)),
        **dict(zip(tables.corridors["corridor_id"], tables.corridors["status_as_of"], strict=True)),
        **dict(zip(tables.places["id"], tables.places["status_as_of"], strict=True)),
    }
    checked = set()
    for layer in deck_spec(at)["layers"]:
        if layer["id"] not in ("gate-pairs", "land-corridors", "places"):
            continue
        for record in layer["data"]:
            date = dates.get(record["id"])
            if isinstance(date, str) and date:
                assert as_of_words(language) in record["tooltip"], record["tooltip"]
                assert date in record["tooltip"]
                checked.add(record["id"])
    # Every gate pair and every corridor (the border map draws pairs, not their two sides).
    assert checked >= set(tables.gate_pairs["pair_id"]) | set(tables.corridors["corridor_id"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_gate_pair_table_has_an_as_of_column(language: str) -> None:
    at = open_app("border_gates.py", lang=language)
    pairs = at.dataframe[0].value
    column = text("gates.as_of", language)
    assert column in pairs.columns
    assert pairs[column].str.match(r"\d{4}").all()


def test_closing_the_red_sea_shows_the_co2e_change() -> None:
    at = open_app("sea_services.py", service="lane_haiphong_antwerp", closed="red_sea", lang="en")
    assert not at.exception
    (metric,) = [m for m in at.metric if m.label == text("sea.co2e_per_teu")]
    assert metric.value.endswith("kg CO₂e")
    assert metric.delta.startswith("+"), "round the Cape emits more than through Suez"
