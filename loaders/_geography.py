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

# Lon/lat box of the 1:10m regional layers (Gulf of Tonkin, the Lạng Sơn–Guangxi border).
REGION_BOX = (95.0, 0.0, 125.0, 30.0)
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
        problems.extend(_country_problems(places.file, line, row, point))
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
    """Land boundaries; clipped after taking the boundary so box edges never count as coast."""
    return basemap.land_union(resolution).boundary


def _in_region(point: tuple[float, float]) -> bool:
    west, south, east, north = REGION_BOX
    return west <= point[0] <= east and south <= point[1] <= north


def _countries(point: tuple[float, float]):
    return basemap.load_countries("10m_region" if _in_region(point) else "50m")


def _near(geometry: BaseGeometry, point: tuple[float, float]) -> BaseGeometry:
    """Clip a large geometry to a box around the point so distances stay cheap."""
    lon, lat = point
    box = shapely.box(lon - _SEARCH_BOX_DEG, lat - _SEARCH_BOX_DEG, lon + _SEARCH_BOX_DEG, lat + _SEARCH_BOX_DEG)
    return shapely.intersection(geometry, box)


def _distance_to_country_km(point: tuple[float, float], iso_a2: str) -> float | None:
    countries = _countries(point)
    shapes = countries.loc[countries["iso_a2"] == iso_a2, "geometry"]
    if shapes.empty:
        shapes = basemap.load_countries("50m").query("iso_a2 == @iso_a2")["geometry"]
    if shapes.empty:
        return None
    nearby = _near(shapely.union_all(shapes.to_numpy()), point)
    if nearby.is_empty:
        return float("inf")
    return distance_to_geometry_km(point, nearby)


def _country_problems(file: str, line: int, row: dict[str, str], point: tuple[float, float]) -> list[Problem]:
    iso = row.get("country", "")
    distance = _distance_to_country_km(point, iso)
    if distance is None:
        return [Problem(file, line, "country", f"{iso!r} is not a country in the basemap",
                        "use the ISO 3166-1 alpha-2 code, e.g. VN, CN")]
    if distance <= COUNTRY_TOLERANCE_KM:
        return []
    swapped = (point[1], point[0])
    if abs(swapped[1]) <= 90:
        swapped_distance = _distance_to_country_km(swapped, iso)
        if swapped_distance is not None and swapped_distance <= COUNTRY_TOLERANCE_KM:
            return [Problem(file, line, "lat_deg", f"latitude and longitude look swapped (the point lies "
                            f"outside {iso}, the swapped one inside)", "exchange lat_deg and lon_deg")]
    where = _country_at(point)
    place = f"in {where}" if where else "at sea"
    distance_text = "far" if distance == float("inf") else f"{distance:.0f} km"
    return [Problem(file, line, "lat_deg", f"the point lies {place}, {distance_text} from {iso}",
                    "check the coordinate against a reference, or the country code")]


def _country_at(point: tuple[float, float]) -> str | None:
    countries = _countries(point)
    hits = countries[countries.covers(shapely.Point(point))]
    if hits.empty:
        return None
    first = hits.iloc[0]
    return f"{first['name']} ({first['iso_a2']})"


def _border_problems(file: str, line: int, row: dict[str, str], point: tuple[float, float]) -> list[Problem]:
    limit = GATE_MAX_BORDER_KM if row["kind"] == "border_gate" else RAIL_STATION_MAX_BORDER_KM
    borders = basemap.load_borders("10m_region" if _in_region(point) else "50m")
    nearby = _near(shapely.union_all(borders.geometry.to_numpy()), point)
    distance = float("inf") if nearby.is_empty else distance_to_geometry_km(point, nearby)
    if distance <= limit:
        return []
    return [Problem(file, line, "lat_deg", f"a {row['kind'].replace('_', ' ')} {distance:.1f} km from the "
                    f"nearest international border (at most {limit:g} km expected)",
                    "check the coordinate: it should sit at the crossing")]


def _coast_problems(file: str, line: int, row: dict[str, str], point: tuple[float, float]) -> list[Problem]:
    river = row.get("waterfront") == "river"
    limit = RIVER_PORT_MAX_COAST_KM if river else SEA_PORT_MAX_COAST_KM
    nearby = _near(_coastline("10m_region" if _in_region(point) else "50m"), point)
    distance = float("inf") if nearby.is_empty else distance_to_geometry_km(point, nearby)
    if distance <= limit:
        return []
    advice = "check the coordinate: a port belongs at the water"
    if not river:
        advice += "; for a port up a river set waterfront to river"
    return [Problem(file, line, "lat_deg", f"a {row['kind']} {distance:.0f} km from the coast "
                    f"(at most {limit:g} km expected)", advice)]
