"""Rows of a read-only table by their id, indexed once per table instead of a mask per lookup.

A boolean mask over an Arrow string column costs ~0.1–0.5 ms; pages look rows up dozens of times a
run (bench/rerun.py), so a warm rerun spent a fifth of its time there. Tables are read-only by
convention (`loaders.Tables`), so an index built once stays right for the table's whole life.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping

import pandas as pd

# The last few tables indexed: the process's curated tables, plus a visitor's merged ones.
_KEEP = 16
_INDEXES: list[tuple[weakref.ref, str, dict[str, pd.Series]]] = []
_LOCK = threading.Lock()


def rows_by(frame: pd.DataFrame, column: str) -> Mapping[str, pd.Series]:
    """Each row of `frame` keyed by its `column` value (the first row wins for a repeated value).

    Identity, not content, picks the index: the same frame object always gives the same index, and
    an index never outlives its frame (a weak reference)."""
    with _LOCK:
        for ref, indexed_column, index in _INDEXES:
            if ref() is frame and indexed_column == column:
                return index
    index: dict[str, pd.Series] = {}
    for _, row in frame.iterrows():
        index.setdefault(row[column], row)
    with _LOCK:
        _INDEXES[:] = [entry for entry in _INDEXES if entry[0]() is not None][: _KEEP - 1]
        _INDEXES.insert(0, (weakref.ref(frame), column, index))
    return index
