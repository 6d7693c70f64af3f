"""How a source is named to a reader: title, publisher and date in the reader's language.

A title or publisher is shown as published (a name in its own script: "VOV.VN", "光明日报") unless
sources.csv gives it per language (`title_vi`, `publisher_zh`, …). It does where the text is a
description rather than a name — "Vietnamese news article (publisher not named in the copy)",
"Wikipedia (Chinese)", "Climatiq (from GLEC Framework v3.1 default values)" — so a Chinese page never
cites in English. Every list of sources, tooltip, slide and export names sources through here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from loaders import Tables

from .i18n import nfc
from .lookup import once_per

Translate = Callable[..., str]


def source_text(row: Mapping[str, Any], stem: str, language: str) -> str:
    """`title` or `publisher` of a source row in `language` where the data gives it, else as published."""
    value = row.get(f"{stem}_{language}")
    if not isinstance(value, str) or not value:
        value = row[stem]
    return nfc(str(value))


def source_date(row: Mapping[str, Any], t: Translate) -> str:
    """The publication date as written in the data (2025, 2025-02, 2025-02-18), or 'undated'."""
    date = row.get("published_date")
    return date if isinstance(date, str) and date else t("source.undated")


def short_publisher(publisher: str) -> str:
    """The publisher without its parenthesised detail: "Wikipedia (tiếng Việt)" → "Wikipedia"."""
    return publisher.split(" (")[0].split("（")[0].strip()


def source_label(tables: Tables, source_ids: Iterable[str], t: Translate) -> str:
    """Short citation, in t's language: publisher and date of each source, each once."""
    citations = _citations(tables.sources, t)
    parts = [citations[source_id] for source_id in source_ids if source_id in citations]
    return "; ".join(dict.fromkeys(parts))


def _citations(sources: pd.DataFrame, t: Translate) -> dict[str, str]:
    # Every tooltip cites its sources: built once per table and language, as a plain dict.
    language = t.language  # type: ignore[attr-defined]

    def build() -> dict[str, str]:
        return {
            row["source_id"]: f"{short_publisher(source_text(row, 'publisher', language))}, "
            f"{source_date(row, t)}"
            for row in sources.to_dict("records")
        }

    return once_per([sources], f"citations:{language}", build)
