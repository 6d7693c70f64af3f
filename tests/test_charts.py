"""Charts show their labels whole and in the reader's language: the partners timeline names each kind
of agreement in full, draws a year-only date as that year (not a dot on 1 January), labels every mark
with its date and writes months as the reader does (atlas.timeline, CLDR through Babel)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pytest
from test_app_pages import open_app

from atlas.timeline import Period, date_text, label_sides, month_ticks, period_of


def timeline_chart(lang: str):
    at = open_app("partners.py", lang=lang)
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    return chart


def timeline_spec(lang: str) -> dict:
    return json.loads(timeline_chart(lang).proto.spec)


def chart_rows(chart) -> list[dict]:
    """The rows Streamlit sends beside the spec (Arrow IPC, one stream per dataset)."""
    rows = []
    for dataset in chart.proto.datasets:
        rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    return rows


def layers_of(spec: dict) -> list[dict]:
    """Every single-mark layer of a (nested) layered spec."""
    found = []
    for layer in spec.get("layer", []):
        found += layers_of(layer) if "layer" in layer else [layer]
    return found


def mark_type(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def test_timeline_category_labels_are_not_cut() -> None:
    spec = timeline_spec("vi")
    axes = [layer["encoding"]["y"]["axis"] for layer in layers_of(spec) if "y" in layer.get("encoding", {})]
    # Vega-Lite cuts axis labels at 180 px by default ("Memorandum of …").
    assert axes and all(axis["labelLimit"] >= 300 for axis in axes)


@pytest.mark.parametrize(
    ("lang", "month", "year_only"),
    [("vi", "thg 1 2024", "2024"), ("zh", "2024年1月", "2024年"), ("en", "Jan 2024", "2024")],
    ids=["vi", "zh", "en"],
)
def test_timeline_speaks_the_readers_language(lang: str, month: str, year_only: str) -> None:
    chart = timeline_chart(lang)
    spec = json.loads(chart.proto.spec)
    text = json.dumps(spec, ensure_ascii=False)
    # The x axis labels come from Babel, not from Vega's English month names.
    assert month in text
    if lang != "en":
        assert "Jan 2024" not in text and "January" not in text
    # strategic_beibu_vimc_2024 is dated "2024" only: it is a bar over 2024 labelled with the year.
    bars = [layer for layer in layers_of(spec) if mark_type(layer) == "bar"]
    assert bars and all("x2" in layer["encoding"] for layer in bars)
    texts = [layer for layer in layers_of(spec) if mark_type(layer) == "text"]
    assert texts and all(layer["encoding"]["text"]["field"] == "when_text" for layer in texts)
    values = {row.get("when_text") for row in chart_rows(chart)}
    assert year_only in values


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("2024", Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year")),
        ("2025-12", Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31), "month")),
        ("2024-02", Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")),
        ("2025-02-18", Period(dt.date(2025, 2, 18), dt.date(2025, 2, 18), "day")),
        ("2025-13", None),
        ("soon", None),
    ],
    ids=["year", "december", "leap-february", "day", "no-month-13", "not-a-date"],
)
def test_a_partial_date_is_the_whole_period_it_can_mean(value: str, period: Period | None) -> None:
    assert period_of(value) == period


def test_dates_and_ticks_are_written_as_the_reader_writes_them() -> None:
    day = period_of("2025-02-18")
    assert [date_text(day, lang) for lang in ("vi", "en", "zh")] == ["18 thg 2, 2025", "Feb 18, 2025",
                                                                   "2025年2月18日"]
    ticks = month_ticks([period_of("2023-06-26"), period_of("2024")], "vi")
    assert [label for _, label in ticks] == ["thg 1 2023", "thg 7 2023", "thg 1 2024", "thg 7 2024",
                                             "thg 1 2025"]


def test_close_labels_in_a_row_alternate_above_and_below() -> None:
    rows = ["mou", "mou", "mou", "visit"]
    days = [pd.Timestamp(d) for d in ("2024-11-15", "2025-02-18", "2025-12-04", "2025-02-18")]
    assert label_sides(rows, days) == [False, True, False, False]


def test_comparison_charts_write_numbers_the_readers_way() -> None:
    """vi axes read 1.500 (not 1,500, which a Vietnamese reader takes for one and a half)."""
    for language, decimal, thousands in (("vi", ",", "."), ("en", ".", ",")):
        at = open_app("compare.py", lang=language, **{"from": "nanning", "to": "hai_phong"})
        assert not at.exception
        charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
        assert len(charts) == 2
        for spec in charts:
            number = spec["config"]["locale"]["number"]
            assert (number["decimal"], number["thousands"]) == (decimal, thousands)
