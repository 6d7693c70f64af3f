"""Charts show their labels whole: the partners timeline names each kind of agreement in full."""

from __future__ import annotations

import json

from test_app_pages import open_app


def test_timeline_category_labels_are_not_cut() -> None:
    at = open_app("partners.py", lang="vi")
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    axis = spec["encoding"]["y"]["axis"]
    # Vega-Lite cuts axis labels at 180 px by default ("Memorandum of …").
    assert axis["labelLimit"] >= 300


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
