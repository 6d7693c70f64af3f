"""Every curated table at once, validated first: what the app loads once per process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._problems import DataError, Problem
from .cache import validation_problems
from .tables import TABLE_LOADERS


@dataclass(frozen=True)
class Tables:
    """The curated tables, typed. Read-only by convention: pages never modify them."""

    sources: pd.DataFrame
    places: gpd.GeoDataFrame
    gate_pairs: pd.DataFrame
    services: pd.DataFrame
    service_stops: pd.DataFrame
    cargo: pd.DataFrame
    agreements: pd.DataFrame
    figures: pd.DataFrame
    corridors: pd.DataFrame
    corridor_waypoints: pd.DataFrame
    translations: pd.DataFrame
    assumptions: pd.DataFrame


@dataclass(frozen=True)
class LoadResult:
    """Tables when the data is valid; otherwise every problem, and no tables."""

    tables: Tables | None
    problems: tuple[Problem, ...]


def load_all(
    data_dir: Path | str | None = None, *, geography: bool = True, interface: bool = True
) -> LoadResult:
    """Validate the directory and, only if it is clean, load every table. Never raises for bad data.

    Validation results come from the disk cache when the same data was validated before by the same
    code (loaders/cache.py)."""
    problems = validation_problems(data_dir, geography=geography, interface=interface)
    if problems:
        return LoadResult(None, problems)
    try:
        tables = Tables(**{name: loader(data_dir) for name, loader in TABLE_LOADERS.items()})
    except DataError as error:
        return LoadResult(None, tuple(error.problems))
    return LoadResult(tables, ())
