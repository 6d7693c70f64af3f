"""Loaders: the only code that knows the files in data/ (and the basemap in static/basemap/).

No Streamlit here; pages cache these through a thin wrapper.
"""

from ._paths import DATA_DIR
from ._problems import DataError, Problem
from ._validation import ValidationResult, validate_data_dir
from .bundle import LoadResult, Tables, load_all
from .tables import (
    load_agreements,
    load_assumptions,
    load_cargo,
    load_corridor_waypoints,
    load_corridors,
    load_figures,
    load_gate_pairs,
    load_places,
    load_service_stops,
    load_services,
    load_sources,
    load_table,
    load_translations,
    split_ids,
)

__all__ = [
    "DATA_DIR",
    "DataError",
    "LoadResult",
    "Problem",
    "Tables",
    "ValidationResult",
    "load_agreements",
    "load_all",
    "load_assumptions",
    "load_cargo",
    "load_corridor_waypoints",
    "load_corridors",
    "load_figures",
    "load_gate_pairs",
    "load_places",
    "load_service_stops",
    "load_services",
    "load_sources",
    "load_table",
    "load_translations",
    "split_ids",
    "validate_data_dir",
]
