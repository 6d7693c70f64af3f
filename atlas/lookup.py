"""Rows of a read-only table by their id, indexed once per table instead of a mask per lookup.

A boolean mask over an Arrow string column costs ~0.1–0.5 ms; pages look rows up dozens of times a
run (bench/rerun.py), so a warm rerun spent a fifth of its time there. Tables are read-only by
convention (`loaders.Tables`), so an index built once stays right for the table's whole life.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd

# The last few tables indexed: the process's curated tables, plus a visitor's merged ones.
_KEEP = 16
_INDEXES: list[tuple[weakref.ref, str, dict[str, pd.Series]]] = []
_BUILT: list[tuple[tuple[weakref.ref, ...], str, Any]] = []
_LOCK = threading.Lock()
T = TypeVar("T")


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


def once_per(frames: Sequence[pd.DataFrame], name: str, build: Callable[[], T]) -> T:
    """`build()`, made once for these very table objects (all of them: a visitor's merged tables that
    share one frame with the curated ones get their own result) and kept while they live."""
    with _LOCK:
        for refs, built_name, value in _BUILT:
            if built_name == name and len(refs) == len(frames) and all(
                ref() is frame for ref, frame in zip(refs, frames, strict=True)
            ):
                return value
    value = build()
    with _LOCK:
        _BUILT[:] = [entry for entry in _BUILT if all(ref() is not None for ref in entry[0])][: _KEEP - 1]
        _BUILT.insert(0, (tuple(weakref.ref(frame) for frame in frames), name, value))
    return value
