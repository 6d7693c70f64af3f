"""Labels left out at a view are counted, and come back at the closer views the page names."""

from __future__ import annotations

import pytest
from test_app_pages import open_app, text

from atlas import export
from atlas.content import PHONE_MAP_PX, SCREEN_MAP_PX, MapContent, map_content
from atlas.i18n import Translator
from atlas.label_hints import label_hint
from atlas.spec import MapSpec
from atlas.views import VIEW_PRESETS
from loaders import Tables


@pytest.fixture(scope="module")
def tables() -> Tables:
    return export.embedded_tables()


def content(tables: Tables, kind: str, language: str = "vi") -> MapContent:
    return map_content(
        MapSpec(kind=kind, language=language), tables, Translator(tables.translations, language)
    )


def placed(content: MapContent, view, size) -> set[str]:
    return {record["label"] for record in content.placed_labels(view, size)}


@pytest.mark.parametrize("size", [SCREEN_MAP_PX, PHONE_MAP_PX], ids=["laptop", "phone"])
def test_the_world_overview_names_the_views_that_label_its_border_gates(tables: Tables, size) -> None:
    overview = content(tables, "overview")
    hint = label_hint(overview, overview.view(size), size)

    assert "Cửa khẩu quốc tế Hữu Nghị" in hint.missing and "Cửa khẩu quốc tế Hữu Nghị" not in placed(
        overview, overview.view(size), size
    )
    names = [name for name, _ in hint.views]
    assert "border" in names
    # At the view the hint names, the label is back (laid out for that view: no overlap, in the frame).
    assert "Cửa khẩu quốc tế Hữu Nghị" in placed(overview, VIEW_PRESETS["border"], size)
    assert all(count > 0 for _, count in hint.views)
    assert len(set(hint.missing)) == len(hint.missing)


def test_a_view_that_labels_everything_on_it_has_no_hint(tables: Tables) -> None:
    sea = content(tables, "sea_services")
    assert label_hint(sea, sea.view(SCREEN_MAP_PX), SCREEN_MAP_PX).missing == ()


def test_a_place_off_the_frame_is_not_missing_a_label(tables: Tables) -> None:
    """The border map leaves Hải Phòng and Hà Nội out of its frame: not "hidden labels"."""
    border = content(tables, "border_gates")
    view = border.view(SCREEN_MAP_PX)
    assert "Hải Phòng" not in placed(border, view, SCREEN_MAP_PX)
    assert "Hải Phòng" not in label_hint(border, view, SCREEN_MAP_PX).missing


def test_the_overview_page_says_how_many_labels_are_hidden_and_where_they_are(tables: Tables) -> None:
    at = open_app(lang="vi")
    overview = content(tables, "overview")
    hint = label_hint(overview, overview.view(SCREEN_MAP_PX), SCREEN_MAP_PX)
    captions = [caption.value for caption in at.caption]
    note = [caption for caption in captions if caption.startswith("Nhãn bị ẩn ở tỷ lệ này")]

    assert note == [
        text(
            "map.labels_hidden",
            "vi",
            n=str(len(hint.missing)),
            views=" hoặc ".join(text(f"view.{name}", "vi") for name, _ in hint.views),
        )
    ]
    assert "Biên giới Lạng Sơn" in note[0]

    at = open_app(lang="zh", view="border")
    assert not any(
        caption.value.startswith("此比例下隐藏的标注") and "谅山边境" in caption.value
        for caption in at.caption
    )
