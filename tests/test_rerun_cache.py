"""A rerun whose map did not change neither rebuilds nor re-serialises the deck, and row lookups are
indexed once per table: what keeps a warm rerun cheap for many viewers (bench/rerun.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_app_pages import open_app

import ui.data
from atlas.lookup import rows_by


@pytest.fixture
def deck_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The language of every deck built from now on (the cache emptied first)."""
    built: list[str] = []
    real = ui.data.content_deck

    def counting(content, *args, **kwargs):
        built.append(content.spec.language)
        return real(content, *args, **kwargs)

    ui.data._deck.clear()
    monkeypatch.setattr(ui.data, "content_deck", counting)
    return built


def test_an_unchanged_map_is_not_rebuilt_on_a_rerun(deck_builds: list[str]) -> None:
    at = open_app("overview.py")
    [first] = at.get("deck_gl_json_chart")
    assert deck_builds == ["en"]

    at.run()
    [again] = at.get("deck_gl_json_chart")
    assert deck_builds == ["en"], "a plain rerun built the deck again"
    assert again.proto.json == first.proto.json

    at.selectbox(key="lang").set_value("vi").run()
    assert deck_builds == ["en", "vi"], "the Vietnamese map is a new deck"
    at.selectbox(key="lang").set_value("en").run()
    assert deck_builds == ["en", "vi"], "switching back reuses the English deck"
    [back] = at.get("deck_gl_json_chart")
    assert back.proto.json == first.proto.json


def test_rows_by_indexes_a_table_once_and_follows_the_table_object() -> None:
    """Two rows share an id on purpose: the first wins, as `.loc[mask].iloc[0]` did."""
    frame = pd.DataFrame({"id": ["a", "b", "a"], "name": ["first", "second", "third"]})

    rows = rows_by(frame, "id")

    assert rows_by(frame, "id") is rows
    assert {key: row["name"] for key, row in rows.items()} == {"a": "first", "b": "second"}
    other = frame.iloc[::-1].reset_index(drop=True)
    assert rows_by(other, "id")["a"]["name"] == "third", "another table object has its own index"


def test_once_per_builds_once_for_the_same_tables_and_again_for_others() -> None:
    from atlas.lookup import once_per

    a, b = pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [2]})
    builds: list[int] = []

    def build(frame: pd.DataFrame) -> int:
        builds.append(1)
        return int(frame["x"].iloc[0])

    assert once_per((a, b), "sum", lambda: build(a)) == 1
    assert once_per((a, b), "sum", lambda: build(a)) == 1
    assert len(builds) == 1
    assert once_per((a, a), "sum", lambda: build(b)) == 2, "other tables, their own result"


def test_the_warm_up_builds_each_pages_opening_map_in_every_language(deck_builds: list[str]) -> None:
    """After it, a visitor's first switch to Vietnamese or Chinese builds nothing (ui/startup.py)."""
    from ui import startup

    startup.warm_maps()
    assert sorted(set(deck_builds)) == ["en", "vi", "zh"]
    warmed = len(deck_builds)

    at = open_app("overview.py")
    for language in ("vi", "zh"):
        at.selectbox(key="lang").set_value(language).run()
    at.switch_page("app_pages/sea_services.py").run()
    at.switch_page("app_pages/border_gates.py").run()
    assert not at.exception
    assert len(deck_builds) == warmed, "a page's opening map in another language was built again"
