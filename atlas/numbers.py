"""Numbers in the reader's format (CLDR through Babel): vi `9.687 hải lý`, `16,7 %`; en `9,687 nm`.

Every number on screen, in tooltips, slides and exports goes through here, never through f"{x:,}".
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from babel import Locale
from babel.lists import format_list
from babel.numbers import (
    NumberPattern,
    format_compact_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

_LOCALES = {"vi": "vi_VN", "en": "en_US", "zh": "zh_Hans_CN"}


def number(value: float, language: str, decimals: int = 0) -> str:
    """A grouped number with a fixed count of decimals; '—' for a missing or non-finite value."""
    if value is None or not math.isfinite(float(value)):
        return "—"
    locale, pattern = _format(language, decimals)
    return pattern.apply(round(float(value), decimals), locale)


@functools.cache
def _format(language: str, decimals: int) -> tuple[Locale, NumberPattern]:
    # Parsed once: a map's tooltips format hundreds of numbers, and parsing was most of their cost.
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return Locale.parse(_LOCALES[language]), parse_pattern(pattern)


def signed(value: float, language: str, decimals: int = 0) -> str:
    """'+3,344' / '−0,5': an explicit sign for differences (what-if deltas)."""
    text = number(abs(value), language, decimals)
    if text == "—":
        return text
    return ("+" if value >= 0 else "−") + text


def percent(value_pct: float, language: str, decimals: int = 1, *, sign: bool = False) -> str:
    """A percentage given in percent (16.7 → en '16.7%', vi '16,7%')."""
    body = signed(value_pct, language, decimals) if sign else number(value_pct, language, decimals)
    return body + "%"


def compact(value: float, language: str) -> str:
    """A figure as the sources print it: no decimals for whole numbers, one otherwise."""
    return number(value, language, 0 if float(value).is_integer() else 1)


def chart_locale(language: str) -> dict:
    """Vega-Lite's `config.locale` for the reader's number format (axes and tooltips of charts)."""
    locale = _LOCALES[language]
    return {
        "number": {
            "decimal": get_decimal_symbol(locale),
            "thousands": get_group_symbol(locale),
            "grouping": [3],
            "currency": ["", ""],
        }
    }


# Chinese counts large amounts in 万 (10⁴) and 亿 (10⁸), not in thousands of millions: a unit the data
# writes as 十亿美元 ("billion USD") or 百万吨 ("million t") is folded into the number, so 50 十亿美元
# reads 500亿美元 (CLDR's compact decimal forms).
_CHINESE_MAGNITUDES: tuple[tuple[str, float], ...] = (("十亿", 1e9), ("百万", 1e6))


def amount(value: float, unit: str, language: str) -> str:
    """A quantity with its unit as the language writes it: en '50 billion USD', vi '50 tỷ USD',
    zh '500亿美元' (no space between a Chinese number and its unit)."""
    if language != "zh":
        return f"{compact(value, language)} {unit}".strip()
    for prefix, magnitude in _CHINESE_MAGNITUDES:
        if unit.startswith(prefix) and math.isfinite(float(value)):
            scaled = format_compact_decimal(
                float(value) * magnitude, locale=_LOCALES[language], fraction_digits=1
            )
            return scaled + unit.removeprefix(prefix)
    return compact(value, language) + unit


def alternatives(items: Sequence[str], language: str) -> str:
    """Items joined as the language writes a choice: "A or B", "A hoặc B", "A或B" (CLDR)."""
    return format_list(list(items), style="or", locale=_LOCALES[language])
