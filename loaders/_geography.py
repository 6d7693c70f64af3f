"""Geographic sanity of places: in their country, gates on the border, ports on the water.

Thresholds allow for the generalisation of Natural Earth 1:10m (about 1 km) and 1:50m (a few km).
"""

from __future__ import annotations

from functools import cache

import shapely
from shapely.geometry.base import BaseGeometry

from geo import distance_to_geometry_km

from . import basemap
from ._checks import column_cells
from ._problems import Problem
from ._read import RawTable

# Reclaimed terminals and harbour points can sit off a generalised coastline.
COUNTRY_TOLERANCE_KM = 10.0
GATE_MAX_BORDER_KM = 3.0
RAIL_STATION_MAX_BORDER_KM = 20.0
SEA_PORT_MAX_COAST_KM = 15.0
# Kolkata lies ~130 km up the Hooghly, Antwerp ~80 km up the Scheldt.
RIVER_PORT_MAX_COAST_KM = 200.0
_SEARCH_BOX_DEG = 6.0


def place_geography_problems(places: RawTable) -> list[Problem]:
    """Every geographic problem of the places table (rows with unreadable coordinates are skipped)."""
    problems: list[Problem] = []
    for line, row in column_cells(places, "lat_deg"):
        point = _coordinates(row)
        if point is None:
            continue
        country = _country_problems(places.file, line, row, point)
        problems.extend(country)
        if country:
            continue  # a point in the wrong place makes the border and coast checks noise
        if row.get("kind") in ("border_gate", "rail_border_station"):
            problems.extend(_border_problems(places.file, line, row, point))
        if row.get("kind") in ("port", "terminal"):
            problems.extend(_coast_problems(places.file, line, row, point))
    return problems


def _coordinates(row: dict[str, str]) -> tuple[float, float] | None:
    try:
        lon, lat = float(row["lon_deg"]), float(row["lat_deg"])
    except (KeyError, ValueError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


@cache
def _coastline(resolution: str) -> BaseGeometry:
    """Land boundaries without the edges of the regional clip box, which are not coast."""
    boundary = shapely.union_all(basemap.load_land(resolution).boundary.to_numpy())
    if resolution != "10m_region":
        return boundary
    box_edges = shapely.box(*basemap.REGION_BOUNDS).boundary.buffer(1e-6)
    return shapely.difference(boundary, box_edges)


@cache
def _countries_by_iso(resolution: str) -> dict[str, list[int]]:
    """Row positions of each ISO code in the countries layer."""
    countries = basemap.load_countries(resolution)
    return {iso: list(rows) for iso, rows in countries.groupby("iso_a2").indices.items() if iso}


@cache
def _country_shape(resolution: str, iso: str) -> BaseGeometry | None:
    """One country's geometry, unioned on first use (only the few countries in the data)."""
    rows = _countries_by_iso(resolution).get(iso)
    if rows is None:
        return None
    return shapely.union_all(basemap.load_countries(resolution).geometry.to_numpy()[rows])


@cache
def _border_lines(resolution: str) -> BaseGeometry:
    return shapely.union_all(basemap.load_borders(resolution).geometry.to_numpy())


def _in_region(point: tuple[float, float]) -> bool:
    west, south, east, north = basemap.REGION_BOUNDS
    return west <= point[0] <= east and south <= point[1] <= north


def _resolution(point: tuple[float, float]) -> str:
    return "10m_region" if _in_region(point) else "50m"


def _near(geometry: BaseGeometry, point: tuple[float, float]) -> BaseGeometry:
    """Clip a large geometry to a box around the point so distances stay cheap."""
    lon, lat = point
    box = shapely.box(
        lon - _SEARCH_BOX_DEG, lat - _SEARCH_BOX_DEG, lon + _SEARCH_BOX_DEG, lat + _SEARCH_BOX_DEG
    )
    return shapely.intersection(geometry, box)


def _distance_to_country_km(point: tuple[float, float], iso_a2: str) -> float | None:
    shape = _country_shape(_resolution(point), iso_a2) or _country_shape("50m", iso_a2)
    if shape is None:
        return None
    nearby = _near(shape, point)
    if nearby.is_empty:
        return float("inf")
    return distance_to_geometry_km(point, nearby)


def _country_problems(file: str, line: int, row: dict[str, str], point: tuple[float, float]) -> list[Problem]:
    iso = row.get("country", "")
    distance = _distance_to_country_km(point, iso)
    if distance is None:
        return [
            Problem(
                file,
                line,
                "country",
                f"{iso!r} is not a country in the basemap",
                "use the ISO 3166-1 alpha-2 code, e.g. VN, CN",
            )
        ]
    if distance <= COUNTRY_TOLERANCE_KM:
        return []
    swapped = (point[1], point[0])
    if abs(swapped[1]) <= 90:
        swapped_distance = _distance_to_country_km(swapped, iso)
        if swapped_distance is not None and swapped_distance <= COUNTRY_TOLERANCE_KM:
            return [
                Problem(
                    file,
                    line,
                    "lat_deg",
                    f"latitude and longitude look swapped (the point lies "
                    f"outside {iso}, the swapped one inside)",
                    "exchange lat_deg and lon_deg",
                )
            ]
    where = _country_at(point)
    place = f"in {where}" if where else _nearest_country_text(point)
    distance_text = (
        f"more than {_SEARCH_BOX_DEG:g}° away" if distance == float("inf") else f"{distance:.0f} km"
    )
    return [
        Problem(
            file,
            line,
            "lat_deg",
            f"the point lies {place}, {distance_text} from {iso}",
            "check the coordinate against a reference, or the country code",
        )
    ]


def _country_at(point: tuple[float, float]) -> str | None:
    countries = basemap.load_countries(_resolution(point))
    hits = countries[countries.covers(shapely.Point(point))]
    if hits.empty:
        return None
    first = hits.iloc[0]
    return f"{first['name']} ({first['iso_a2']})"


def _border_problems(file: str, line: int, row: dict[str, str], point: tuple[float, float]) -> list[Problem]:
    limit = GATE_MAX_BORDER_KM if row["kind"] == "border_gate" else RAIL_STATION_MAX_BORDER_KM
    nearby = _near(_border_lines(_resolution(point)), point)
    distance = float("inf") if nearby.is_empty else distance_to_geometry_km(point, nearby)
    if distance <= limit:
        return []
    return [
        Problem(
            file,
            line,
            "lat_deg",
            f"a {row['kind'].replace('_', ' ')} {distance:.1f} km from the "
            f"nearest international border (at most {limit:g} km expected)",
            "check the coordinate: it should sit at the crossing",
        )
    ]


def _coast_problems(file: str, line: int, row: dict[str, str], point: tuple[float, float]) -> list[Problem]:
    river = row.get("waterfront") == "river"
    limit = RIVER_PORT_MAX_COAST_KM if river else SEA_PORT_MAX_COAST_KM
    nearby = _near(_coastline(_resolution(point)), point)
    distance = float("inf") if nearby.is_empty else distance_to_geometry_km(point, nearby)
    if distance <= limit:
        return []
    advice = "check the coordinate: a port belongs at the water"
    if not river:
        advice += "; for a port up a river set waterfront to river"
    return [
        Problem(
            file,
            line,
            "lat_deg",
            f"a {row['kind']} {distance:.0f} km from the coast (at most {limit:g} km expected)",
            advice,
        )
    ]


def _nearest_country_text(point: tuple[float, float]) -> str:
    """'off the coast of China (CN)' for a harbour point in the water, else 'at sea'."""
    best: tuple[float, str] | None = None
    for iso in _countries_by_iso(_resolution(point)):
        nearby = _near(_country_shape(_resolution(point), iso), point)
        if nearby.is_empty:
            continue
        distance = distance_to_geometry_km(point, nearby)
        if distance <= COUNTRY_TOLERANCE_KM and (best is None or distance < best[0]):
            best = (distance, iso)
    if best is None:
        return "at sea"
    names = basemap.load_countries(_resolution(point)).drop_duplicates("iso_a2").set_index("iso_a2")["name"]
    return f"off the coast of {names.get(best[1], best[1])} ({best[1]})"
