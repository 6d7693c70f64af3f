"""The partners timeline as data: each agreement's period, its date as the reader writes it, and the
axis ticks, in vi / en / zh (CLDR formats through Babel).

A date is as precise as its source: "2024" means some day of 2024, "2025-12" some day of December
2025. Such an event is drawn as a bar over the whole period it may fall in, labelled "2024" or
"Dec 2025" — never as a dot on 1 January or on the 1st of the month, which would claim a day the
source does not give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from babel.dates import format_skeleton

Precision = Literal["year", "month", "day"]

_LOCALES = {"vi": "vi_VN", "en": "en_US", "zh": "zh_Hans_CN"}
# CLDR skeletons: the locale decides order, separators and month names ("thg 8 2024", "2024年8月").
_SKELETONS: dict[Precision, str] = {"year": "y", "month": "yMMM", "day": "yMMMd"}
# Axis ticks every this many months, on month starts.
TICK_MONTHS = 6
# Two date labels in one row closer than this (~ the width of "18 thg 11, 2025" at 11 px on an
# 800-px chart of three years) would overlap: the second goes below its mark.
LABEL_GAP_DAYS = 120


@dataclass(frozen=True)
class Period:
    """The days a partial ISO date can mean: start and end inclusive."""

    start: dt.date
    end: dt.date
    precision: Precision


def period_of(value: str) -> Period | None:
    """'2024' → all of 2024; '2025-12' → all of December 2025; '2025-02-18' → that day; else None."""
    parts = value.strip().split("-") if isinstance(value, str) else []
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        return None
    numbers = [int(part) for part in parts]
    try:
        if len(numbers) == 1:
            return Period(dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31), "year")
        if len(numbers) == 2:
            start = dt.date(numbers[0], numbers[1], 1)
            return Period(start, _next_month(start) - dt.timedelta(days=1), "month")
        day = dt.date(*numbers)
    except ValueError:
        return None
    return Period(day, day, "day")


def date_text(period: Period, language: str) -> str:
    """The period as the reader writes it: a year, a month and year, or a full date."""
    return format_skeleton(_SKELETONS[period.precision], period.start, locale=_LOCALES[language])


def month_ticks(periods: Sequence[Period], language: str) -> list[tuple[dt.date, str]]:
    """Ticks on month starts every TICK_MONTHS months that cover the periods, labelled like
    'Jan 2024' / 'thg 1 2024' / '2024年1月'."""
    if not periods:
        return []
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    tick = dt.date(first.year, 1 + (first.month - 1) // TICK_MONTHS * TICK_MONTHS, 1)
    ticks = []
    while True:
        ticks.append(tick)
        if tick > last:
            break
        for _ in range(TICK_MONTHS):
            tick = _next_month(tick)
    return [(day, format_skeleton("yMMM", day, locale=_LOCALES[language])) for day in ticks]


def label_sides(
    rows: Sequence[str], middles: Sequence[pd.Timestamp], min_days: int = LABEL_GAP_DAYS
) -> list[bool]:
    """For labels at these dates in these rows: True where a label goes below its mark, because the
    label before it in its row (above) is fewer than `min_days` away."""
    below = [False] * len(rows)
    last_above: dict[str, pd.Timestamp] = {}
    for index in sorted(range(len(rows)), key=lambda i: middles[i]):
        previous = last_above.get(rows[index])
        if previous is not None and (middles[index] - previous).days < min_days:
            below[index] = True
        else:
            last_above[rows[index]] = middles[index]
    return below


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
