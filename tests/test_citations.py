"""Sources are cited in the reader's language where the data describes rather than names them."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from atlas import export
from atlas.citations import source_label, source_text
from atlas.exports import sources_note
from atlas.i18n import Translator
from loaders import Tables

# Words that make a title or publisher a description in English ("Vietnamese news article
# (publisher not named in the copy)", "Climatiq (from GLEC …)"), not a name.
DESCRIBING = re.compile(
    r"\b(article|report|copy|edition|from|via|citing|package|packaged|text on|headline|"
    r"Chinese|Vietnamese|Government|Governments|Parliament|Association|section|names)\b"
)


@pytest.fixture(scope="module")
def tables() -> Tables:
    return export.embedded_tables()


def translator(tables: Tables, language: str) -> Translator:
    return Translator(tables.translations, language)


def test_an_unnamed_publisher_is_described_in_each_language(tables: Tables) -> None:
    labels = {lang: source_label(tables, ["art000"], translator(tables, lang)) for lang in ("en", "vi", "zh")}

    assert labels == {
        "en": "Vietnamese news article, 2025-02-18",
        "vi": "Bài báo tiếng Việt, 2025-02-18",
        "zh": "越南语新闻报道, 2025-02-18",
    }


def test_a_name_is_cited_as_published_in_every_language(tables: Tables) -> None:
    """VOV.VN has no per-language publisher: every page cites the name it was published under."""
    row = tables.sources.set_index("source_id").loc["art003"].to_dict() | {"source_id": "art003"}

    assert {source_text(row, "publisher", lang) for lang in ("en", "vi", "zh")} == {"VOV.VN"}
    assert source_label(tables, ["art003"], translator(tables, "zh")).startswith("VOV.VN, ")


def test_an_undated_source_says_so_in_the_language(tables: Tables) -> None:
    label = source_label(tables, ["ref_searoute_ports"], translator(tables, "vi"))

    assert label == "searoute, không rõ ngày"


def test_every_described_title_and_publisher_is_given_in_vietnamese_and_chinese(tables: Tables) -> None:
    """A data rule the validator cannot know: a new source described in English words gets its
    Vietnamese and Chinese wording too, or a Chinese page cites it in English."""
    missing = []
    for row in tables.sources.to_dict("records"):
        for stem in ("title", "publisher"):
            english = source_text(row, stem, "en")
            if row["language"] != "en" or stem == "publisher":
                if DESCRIBING.search(english) and source_text(row, stem, "zh") == english:
                    missing.append(f"{row['source_id']}.{stem}: {english}")
    assert missing == []


def test_the_export_sources_note_is_in_the_file_language(tables: Tables) -> None:
    used = tables.sources.loc[
        tables.sources["source_id"].isin(["art000", "art002", "ref_zhwiki_youyi_kouan"])
    ]
    note = sources_note(replace(tables, sources=used), "2026-12-01", translator(tables, "zh"))

    assert "越南语新闻报道（副本未注明媒体名称）" in note
    assert "海防与纽约和新泽西港、洛杉矶港签署谅解备忘录（副本无标题）" in note
    assert "维基百科（中文）" in note
    assert "Vietnamese" not in note and "headline" not in note


def test_a_citation_follows_the_table_it_was_built_from(tables: Tables) -> None:
    """Citations are cached per table and language: a changed table (an upload) is cited anew."""
    zh = translator(tables, "zh")
    before = source_label(tables, ["art000"], zh)
    sources = tables.sources.copy()
    sources.loc[sources["source_id"] == "art000", "publisher_zh"] = "海防日报"
    after = source_label(replace(tables, sources=sources), ["art000"], zh)

    assert (before, after) == ("越南语新闻报道, 2025-02-18", "海防日报, 2025-02-18")
