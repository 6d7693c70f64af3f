"""How current the statuses are: each status carries `status_as_of`; old ones are flagged for checking.

Pure pandas, no Streamlit: the Data & sources page and `python -m loaders.validate --stale DAYS` both
use it. A partial date counts from its first day (2023-11 → 2023-11-01), so a month-only date is
never reported as fresher than it can be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ._checks import parse_partial_date
from ._problems import Problem
from ._schema import table_schemas
from .bundle import Tables

# Twelve months: the "older than 12 months" and the CLI's usual --stale value.
DEFAULT_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class StaleStatus:
    """One status whose date is older than the allowed age."""

    table: str
    row: int  # line in the CSV file (the header is row 1)
    row_id: str
    status: str
    as_of: str
    age_days: int

    def as_problem(self, max_age_days: int) -> Problem:
        return Problem(
            table_schemas()[self.table].path,
            self.row,
            "status_as_of",
            f"{self.row_id}: status {self.status!r} dated {self.as_of} is {self.age_days} days old "
            f"(older than {max_age_days})",
            "look for a newer source; update status, status_as_of and status_source_ids",
        )


@dataclass(frozen=True)
class TableFreshness:
    """Per table: how many statuses, the oldest and newest dates, and how many need checking."""

    table: str
    statuses: int
    oldest: str
    newest: str
    stale: int


def status_tables() -> list[str]:
    """Tables whose schema has a status and its date, in package order."""
    return [name for name, schema in table_schemas().items() if "status_as_of" in schema.field_names]


def _dated_statuses(name: str, frame: pd.DataFrame) -> list[tuple[int, str, str, str, dt.date]]:
    """(row, id, status, as_of, first day) for each row that has a status and a readable date."""
    key = table_schemas()[name].descriptor["primaryKey"]
    key = key if isinstance(key, str) else key[0]
    rows = []
    for index, record in enumerate(frame.to_dict("records")):
        status, as_of = record.get("status"), record.get("status_as_of")
        if not isinstance(status, str) or not isinstance(as_of, str):
            continue
        day = parse_partial_date(as_of)
        if day is not None:
            # Loaders keep file order, so the CSV line is the index + 2 (header on line 1).
            rows.append((index + 2, str(record[key]), status, as_of, day))
    return rows


def stale_statuses(
    tables: Tables, today: dt.date, max_age_days: int = DEFAULT_MAX_AGE_DAYS
) -> list[StaleStatus]:
    """Every status dated more than `max_age_days` before `today`, table by table."""
    stale: list[StaleStatus] = []
    for name in status_tables():
        for row, row_id, status, as_of, day in _dated_statuses(name, getattr(tables, name)):
            age = (today - day).days
            if age > max_age_days:
                stale.append(StaleStatus(name, row, row_id, status, as_of, age))
    return stale


def freshness_summary(
    tables: Tables, today: dt.date, max_age_days: int = DEFAULT_MAX_AGE_DAYS
) -> list[TableFreshness]:
    """Oldest and newest `status_as_of` per table, and the count of statuses to check."""
    summary: list[TableFreshness] = []
    for name in status_tables():
        dated = _dated_statuses(name, getattr(tables, name))
        if not dated:
            summary.append(TableFreshness(name, 0, "", "", 0))
            continue
        oldest = min(dated, key=lambda entry: entry[4])
        newest = max(dated, key=lambda entry: entry[4])
        stale = sum(1 for *_, day in dated if (today - day).days > max_age_days)
        summary.append(TableFreshness(name, len(dated), oldest[3], newest[3], stale))
    return summary
