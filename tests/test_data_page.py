"""Data & sources page: how current the statuses are, in every language (AppTest, no browser)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_app_pages import open_app, text, translator

import loaders
from atlas.status_text import status_with_as_of
from loaders.freshness import freshness_summary, stale_statuses


def frame_with_column(at, column: str):
    frames = [frame.value for frame in at.dataframe if column in frame.value.columns]
    assert len(frames) == 1, [list(frame.value.columns) for frame in at.dataframe]
    return frames[0]


@pytest.mark.parametrize("language", ["en", "vi", "zh"])
def test_freshness_per_table_and_statuses_to_check(language: str) -> None:
    at = open_app("data_sources.py", lang=language)
    assert not at.exception
    assert text("data.freshness", language) in [header.value for header in at.subheader]
    tables = loaders.load_all(geography=False).tables
    today = dt.date.today()

    summary = frame_with_column(at, text("data.freshness_oldest", language))
    expected = freshness_summary(tables, today)
    assert list(summary[text("data.freshness_table", language)]) == [f"{e.table}.csv" for e in expected]
    assert list(summary[text("data.freshness_oldest", language)]) == [e.oldest for e in expected]
    assert list(summary[text("data.freshness_newest", language)]) == [e.newest for e in expected]
    flag = text("data.freshness_flag", language)
    assert list(summary[text("data.freshness_check", language)]) == [
        f"{e.stale} · {flag}" if e.stale else "—" for e in expected
    ]

    # Every status listed for checking is shown with its "as of" date, in the page's language.
    stale = stale_statuses(tables, today)
    assert stale, "the 2023 statuses of Bình Nghi and Pò Nhùng are older than twelve months"
    listed = frame_with_column(at, text("data.freshness_status", language))
    t = translator(language)
    assert list(listed[text("data.freshness_status", language)]) == [
        status_with_as_of(t, e.status, e.as_of) for e in stale
    ]
    as_of_word = {"en": "as of", "vi": "tính đến", "zh": "截至"}[language]
    assert all(as_of_word in cell for cell in listed[text("data.freshness_status", language)])
    assert set(listed[text("data.freshness_check", language)]) == {flag}
