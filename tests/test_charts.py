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
