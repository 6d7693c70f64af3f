"""Languages: picking one, translating UI keys, and naming places in it.

All UI text comes from data/translations.csv (key, en, vi, zh); a missing translation falls back to
English and a missing key raises, so a typo cannot ship silently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import pandas as pd

LANGUAGES: tuple[str, ...] = ("vi", "en", "zh")
LANGUAGE_NAMES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"


def pick_language(query_value: str | None, browser_locale: str | None) -> str:
    """`?lang=` wins; otherwise the browser's language if we have it; otherwise English."""
    if query_value in LANGUAGES:
        return query_value
    if browser_locale:
        primary = browser_locale.replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


class Translator:
    """UI strings for one language: `t("key", n=3)` formats the text with the arguments."""

    def __init__(self, table: pd.DataFrame, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        self.language = language
        self._texts: dict[str, str] = {}
        for row in table.itertuples(index=False):
            text = getattr(row, language)
            self._texts[row.key] = row.en if pd.isna(text) or text == "" else text

    def __call__(self, key: str, **values: object) -> str:
        if key not in self._texts:
            raise KeyError(f"no translation key {key!r} in data/translations.csv")
        text = self._texts[key]
        return nfc(text.format(**values) if values else text)

    def has(self, key: str) -> bool:
        return key in self._texts


def nfc(text: str) -> str:
    """NFC form, so tone marks draw as one glyph with their letter."""
    return unicodedata.normalize("NFC", text)


def localized(row: Mapping[str, object], language: str, stem: str = "name") -> str:
    """`name_vi` / `name_en` / `name_zh` for the language, falling back sensibly.

    A Chinese label falls back to the Vietnamese name for Vietnamese places (their own name, with
    diacritics) and to English elsewhere.
    """
    for code in _fallback_order(row, language):
        value = row.get(f"{stem}_{code}")
        if isinstance(value, str) and value:
            return nfc(value)
    return ""


def _fallback_order(row: Mapping[str, object], language: str) -> tuple[str, ...]:
    return {
        "vi": ("vi", "en"),
        "en": ("en", "vi"),
        "zh": ("zh", "vi", "en") if row.get("country") == "VN" else ("zh", "en", "vi"),
    }[language]


def short_label(name: str) -> str:
    """A map label: the name without its parenthesised detail ("Tân Vũ Port (Tan Vu branch, …)")."""
    head = name.split(" (")[0].split("（")[0]
    return head.strip() or name


def place_label(row: Mapping[str, object], language: str) -> str:
    """The map label: in the language's fallback order (see `localized`), the curated short label,
    else the name without its parenthesised detail."""
    for code in _fallback_order(row, language):
        for stem in ("label", "name"):
            value = row.get(f"{stem}_{code}")
            if isinstance(value, str) and value:
                return short_label(nfc(value))
    return ""
