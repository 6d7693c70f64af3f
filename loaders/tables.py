"""One loader per curated table, each returning a typed DataFrame (places: a GeoDataFrame).

Types come from data/datapackage.json, so the CSVs and their schema cannot drift apart. Loaders do
not validate beyond what typing needs: run `validate_data_dir` first (the app does, once per process).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._checks import header_problems, row_shape_problems
from ._paths import resolve_data_dir
from ._problems import DataError, Problem
from ._schema import TableSchema, table_schema
from ._validation import read_raw_table

_BOOLEAN_VALUES = {
    "true": True,
    "false": False,
    "True": True,
    "False": False,
    "TRUE": True,
    "FALSE": False,
    "1": True,
    "0": False,
}


def load_table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read one table into a DataFrame with the schema's column order and types."""
    schema = table_schema(name)
    table, problems = read_raw_table(resolve_data_dir(data_dir) / schema.path, schema.path)
    if table is None:
        raise DataError(problems)
    problems = header_problems(table, schema)
    if problems:
        raise DataError(problems)
    good_rows, _ = row_shape_problems(table)
    frame = pd.DataFrame([table.rows[i] for i in good_rows], columns=table.header, dtype="string")
    return _typed(frame[schema.field_names], schema)


def _typed(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    columns = {}
    for field in schema.descriptor["fields"]:
        name = field["name"]
        values = frame[name].replace("", pd.NA)
        try:
            columns[name] = _convert(values, field["type"])
        except (ValueError, TypeError) as error:
            raise DataError(
                [
                    Problem(
                        schema.path,
                        None,
                        name,
                        f"cannot read column as {field['type']} ({error})",
                        "run make validate to find the row",
                    )
                ]
            ) from error
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def _convert(values: pd.Series, field_type: str) -> pd.Series:
    if field_type == "number":
        return pd.to_numeric(values, errors="raise").astype("Float64")
    if field_type == "integer":
        return pd.to_numeric(values, errors="raise").astype("Int64")
    if field_type == "boolean":
        unknown = set(values.dropna()) - set(_BOOLEAN_VALUES)
        if unknown:
            raise ValueError(f"not true/false: {sorted(unknown)}")
        return values.map(_BOOLEAN_VALUES, na_action="ignore").astype("boolean")
    if field_type == "date":
        return pd.to_datetime(values, format="%Y-%m-%d")
    return values.astype("string")


def split_ids(value: object) -> list[str]:
    """A ';'-separated id list as a list (empty for a missing value)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return []
    return [part for part in str(value).split(";") if part]


def load_sources(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Source articles and public references (sources.csv)."""
    return load_table("sources", data_dir)


def load_places(data_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """Places as points in EPSG:4326 (places.csv)."""
    frame = load_table("places", data_dir)
    points = gpd.points_from_xy(frame["lon_deg"].astype(float), frame["lat_deg"].astype(float))
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def load_gate_pairs(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Border gate pairs, one Vietnamese and one Chinese side each (gate_pairs.csv)."""
    return load_table("gate_pairs", data_dir)


def load_services(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Scheduled services and partner lanes (services.csv)."""
    return load_table("services", data_dir)


def load_service_stops(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Ordered stops per service (service_stops.csv), sorted by service and sequence."""
    frame = load_table("service_stops", data_dir)
    return frame.sort_values(["service_id", "stop_seq"], ignore_index=True)


def load_cargo(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Commodities by service and direction (cargo.csv)."""
    return load_table("cargo", data_dir)


def load_agreements(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Agreements, decisions, talks and visits (agreements.csv)."""
    return load_table("agreements", data_dir)


def load_figures(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Quantitative facts with unit, date and source (figures.csv)."""
    return load_table("figures", data_dir)


def load_corridors(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Road and rail corridors (corridors.csv)."""
    return load_table("corridors", data_dir)


def load_corridor_waypoints(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Ordered corridor waypoints (corridor_waypoints.csv), sorted by corridor and sequence."""
    frame = load_table("corridor_waypoints", data_dir)
    return frame.sort_values(["corridor_id", "seq"], ignore_index=True)


def load_translations(data_dir: Path | str | None = None) -> pd.DataFrame:
    """UI strings in English, Vietnamese and Chinese (translations.csv)."""
    return load_table("translations", data_dir)


def load_assumptions(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Defaults of the corridor comparison, each sourced or marked an assumption (assumptions.csv)."""
    return load_table("assumptions", data_dir)


TABLE_LOADERS = {
    "sources": load_sources,
    "places": load_places,
    "gate_pairs": load_gate_pairs,
    "services": load_services,
    "service_stops": load_service_stops,
    "cargo": load_cargo,
    "agreements": load_agreements,
    "figures": load_figures,
    "corridors": load_corridors,
    "corridor_waypoints": load_corridor_waypoints,
    "translations": load_translations,
    "assumptions": load_assumptions,
}
