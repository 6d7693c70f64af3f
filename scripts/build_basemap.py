# Build-only dependencies, not in requirements.txt: npm (fetches world-atlas) and pycountry
# (`pip install pycountry`, maps ISO 3166-1 numeric ids to alpha-2).
"""Build the offline Natural Earth basemap in static/basemap/ from the npm package world-atlas@2.0.2.

    python scripts/build_basemap.py                  # fetches world-atlas with `npm pack` into a temp dir
    python scripts/build_basemap.py --source DIR     # DIR holds an unpacked world-atlas package

world-atlas stores Natural Earth as TopoJSON prepared for d3-geo: rings are wound clockwise and are
stitched across the antimeridian instead of being cut at ±180°. Planar readers (GDAL, shapely, deck.gl)
see Russia, Fiji and Antarctica as polygons smeared across the whole map. This script therefore decodes
the topology itself, cuts every ring at the antimeridian, and writes compact planar GeoJSON
(RFC 7946: counter-clockwise exteriors). The app and the tests only read the committed output.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import antimeridian
import numpy as np
import pycountry
import shapely
import shapely.affinity
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

WORLD_ATLAS = "world-atlas@2.0.2"
OUT_DIR = Path(__file__).resolve().parent.parent / "static" / "basemap"
# Gulf of Tonkin, the Lạng Sơn–Guangxi border and the Strait of Malacca: lon 95..125, lat 0..30.
REGION_BOX = box(95.0, 0.0, 125.0, 30.0)
# Extra 1:10m windows for the sea-route engine's coastal router (geo/_coast.py) around the project's
# ports outside the regional box: west, south, east, north in degrees. Each is a few hundred KB at most;
# elsewhere routes are checked against 1:50m land.
COAST_WINDOWS: dict[str, tuple[float, float, float, float]] = {
    # Kolkata up the Hooghly, Chittagong, Chennai, Colombo; meets the regional box at 95° E.
    "bay_of_bengal": (78.0, 5.0, 95.0, 24.5),
    # Antwerp up the Scheldt, Rotterdam, the Channel and the southern North Sea.
    "north_sea": (-6.0, 48.0, 10.0, 58.0),
    "new_york": (-75.0, 39.5, -72.0, 41.5),
    "los_angeles": (-120.0, 32.5, -117.0, 34.5),
}
RESOLUTIONS = ("110m", "50m", "10m")


@dataclass(frozen=True)
class Generalisation:
    """How much detail one output keeps: a Douglas–Peucker tolerance and a coordinate grid, in degrees."""

    decimals: int
    simplify_deg: float = 0.0


# 0.01° is about 1.1 km and 0.001° about 110 m. The overview is drawn at zoom 5 or less, where a pixel
# is 0.04° or more, so a 0.03° simplification is invisible and keeps land_50m near 420 KB.
OVERVIEW = Generalisation(decimals=2, simplify_deg=0.03)
WORLD_110M = Generalisation(decimals=2)
# Polygons for point-in-country checks only, never sent to the browser.
COUNTRY_CHECK = Generalisation(decimals=2, simplify_deg=0.01)
REGION = Generalisation(decimals=3)


def fetch_world_atlas(workdir: Path) -> Path:
    """Download and unpack world-atlas with `npm pack`; return the package directory."""
    subprocess.run(
        ["npm", "pack", WORLD_ATLAS, "--silent", "--pack-destination", str(workdir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = workdir.glob("world-atlas-*.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def read_topology(path: Path) -> dict[str, Any]:
    """Read one TopoJSON file."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Return every arc as an (n, 2) array of lon/lat; arcs are quantised and delta-encoded."""
    (scale_x, scale_y) = topology["transform"]["scale"]
    (shift_x, shift_y) = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        quantised = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        arcs.append(
            np.column_stack([quantised[:, 0] * scale_x + shift_x, quantised[:, 1] * scale_y + shift_y])
        )
    return arcs


def _arc_coords(index: int, arcs: Sequence[np.ndarray]) -> np.ndarray:
    # A negative index ~i means arc i walked backwards (TopoJSON spec, section 2.2.2.2).
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def _ring_coords(arc_indices: Sequence[int], arcs: Sequence[np.ndarray]) -> np.ndarray:
    # Consecutive arcs share their joining point; keep it once.
    parts = [_arc_coords(index, arcs) for index in arc_indices]
    return np.concatenate([parts[0], *(part[1:] for part in parts[1:])])


def _polygon_arc_lists(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _unwrap(ring: np.ndarray) -> np.ndarray:
    # A step of more than 180° is a stitched crossing of ±180°; unwrapping makes longitudes continuous.
    return np.column_stack([np.unwrap(ring[:, 0], period=360.0), ring[:, 1]])


def _near(ring: np.ndarray, anchor_lon: float) -> np.ndarray:
    # Move an unwrapped hole into the same 360° copy of the world as its exterior.
    shift = 360.0 * round((anchor_lon - ring[0, 0]) / 360.0)
    return ring + np.array([shift, 0.0])


def _fold_into_world(polygon: BaseGeometry) -> Iterator[Polygon]:
    for shift in (-360.0, 0.0, 360.0):
        part = polygon.intersection(box(-180.0 + shift, -90.0, 180.0 + shift, 90.0))
        if not part.is_empty:
            yield from _polygons_in(shapely.affinity.translate(part, xoff=-shift))


def planar_polygons(geometry: dict[str, Any], arcs: Sequence[np.ndarray]) -> list[Polygon]:
    """Turn one stitched TopoJSON (multi)polygon into valid planar polygons cut at the antimeridian."""
    polygons: list[Polygon] = []
    for ring_arcs in _polygon_arc_lists(geometry):
        # Quantisation collapses some atolls in the 10m data to rings of fewer than four points.
        rings = [ring for ring in (_ring_coords(indices, arcs) for indices in ring_arcs) if len(ring) >= 4]
        if not rings:
            continue
        exterior = _unwrap(rings[0])
        if abs(exterior[-1, 0] - exterior[0, 0]) > 180.0:
            # The ring goes once around the globe, i.e. around a pole (Antarctica). Which pole the
            # polygon covers follows from the winding: d3 winds exteriors clockwise, and reversing
            # gives the RFC 7946 order the antimeridian package reads.
            fixed = antimeridian.fix_polygon(
                Polygon(rings[0][::-1], [ring[::-1] for ring in rings[1:]]),
                fix_winding=False,
                great_circle=False,
            )
            polygons.extend(_polygons_in(fixed))
            continue
        holes = [_near(_unwrap(ring), exterior[0, 0]) for ring in rings[1:]]
        # Repair first: quantised rings can self-intersect (Fiji at 180°) or have either winding.
        unwrapped = shapely.make_valid(Polygon(exterior, holes))
        polygons.extend(_fold_into_world(unwrapped))
    return [shapely.orient_polygons(polygon) for polygon in polygons]


def _polygons_in(geometry: BaseGeometry) -> Iterator[Polygon]:
    for part in getattr(geometry, "geoms", [geometry]):
        if isinstance(part, Polygon) and not part.is_empty:
            yield part
        elif isinstance(part, MultiPolygon):
            yield from part.geoms


def _lines_in(geometry: BaseGeometry) -> Iterator[LineString]:
    for part in getattr(geometry, "geoms", [geometry]):
        if isinstance(part, LineString) and not part.is_empty:
            yield part
        elif isinstance(part, MultiLineString):
            yield from part.geoms


def land_geometry(topology: dict[str, Any], arcs: Sequence[np.ndarray]) -> MultiPolygon:
    """All land polygons of a world-atlas `land` object."""
    polygons = [
        polygon
        for geometry in topology["objects"]["land"]["geometries"]
        for polygon in planar_polygons(geometry, arcs)
    ]
    return MultiPolygon(polygons)


def alpha2_of(numeric_id: str | None) -> str:
    """ISO 3166-1 alpha-2 for a numeric id; empty for areas without one (Kosovo, N. Cyprus, ...)."""
    if not numeric_id:
        return ""
    country = pycountry.countries.get(numeric=numeric_id)
    if country is None:
        raise ValueError(f"world-atlas id {numeric_id!r} is not an ISO 3166-1 numeric code")
    return country.alpha_2


def country_features(
    topology: dict[str, Any], arcs: Sequence[np.ndarray]
) -> list[tuple[dict[str, str], MultiPolygon]]:
    """Country polygons with `iso_a2` and `name`, sorted for a stable file."""
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        properties = {"iso_a2": alpha2_of(geometry.get("id")), "name": geometry["properties"]["name"]}
        features.append((properties, MultiPolygon(planar_polygons(geometry, arcs))))
    return sorted(features, key=lambda feature: (feature[0]["iso_a2"], feature[0]["name"]))


def border_features(
    topology: dict[str, Any], arcs: Sequence[np.ndarray]
) -> list[tuple[dict[str, str], MultiLineString]]:
    """Land borders between two countries: arcs shared by two different countries, like
    topojson-client's `mesh(topology, countries, (a, b) => a !== b)`. Coastlines are used by one
    country only and drop out."""
    geometries = topology["objects"]["countries"]["geometries"]
    users: dict[int, set[int]] = defaultdict(set)
    for owner, geometry in enumerate(geometries):
        for ring_arcs in _polygon_arc_lists(geometry):
            for indices in ring_arcs:
                for index in indices:
                    users[index if index >= 0 else ~index].add(owner)
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for arc_index, owners in users.items():
        if len(owners) == 2:
            pairs[tuple(sorted(owners))].append(arc_index)

    features = []
    for (first, second), arc_indices in pairs.items():
        sides = sorted(
            (alpha2_of(geometries[owner].get("id")), geometries[owner]["properties"]["name"])
            for owner in (first, second)
        )
        properties = {
            "iso_a2_a": sides[0][0],
            "name_a": sides[0][1],
            "iso_a2_b": sides[1][0],
            "name_b": sides[1][1],
        }
        merged = shapely.line_merge(MultiLineString([arcs[index] for index in sorted(arc_indices)]))
        lines = antimeridian.fix_shape(merged, great_circle=False)
        features.append((properties, MultiLineString(list(_lines_in(shapely.geometry.shape(lines))))))
    return sorted(features, key=lambda feature: tuple(feature[0].values()))


def generalise(geometry: BaseGeometry, rule: Generalisation) -> BaseGeometry:
    """Simplify, then snap to the output grid; `set_precision` keeps polygons valid and drops rings
    and lines that collapse on the grid."""
    if rule.simplify_deg:
        geometry = shapely.simplify(geometry, rule.simplify_deg, preserve_topology=True)
    geometry = shapely.set_precision(shapely.make_valid(geometry), 10.0**-rule.decimals)
    if isinstance(geometry, Polygon | MultiPolygon):
        return shapely.orient_polygons(geometry)
    polygons = list(_polygons_in(geometry))
    if polygons:
        return shapely.orient_polygons(MultiPolygon(polygons))
    lines = list(_lines_in(geometry))
    return MultiLineString(lines) if lines else MultiPolygon()


def clip_to_region(geometry: BaseGeometry) -> BaseGeometry:
    """Intersect with the regional box."""
    return shapely.make_valid(geometry).intersection(REGION_BOX)


def _round_coords(coords: Any, decimals: int) -> Any:
    if isinstance(coords[0], float | int):
        return [round(float(value), decimals) for value in coords]
    return [_round_coords(part, decimals) for part in coords]


def coast_window_features(land: BaseGeometry) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """One feature per `COAST_WINDOWS` entry: the 1:10m land inside it, and its bounds, so that a reader
    knows where the layer is authoritative (an empty window would otherwise look like open sea)."""
    valid = shapely.make_valid(land)
    features = []
    for name, bounds in COAST_WINDOWS.items():
        west, south, east, north = bounds
        properties = {"window": name, "west": west, "south": south, "east": east, "north": north}
        features.append((properties, valid.intersection(box(*bounds))))
    return features


def write_geojson(
    path: Path, features: Iterable[tuple[dict[str, Any], BaseGeometry]], rule: Generalisation
) -> int:
    """Write a compact FeatureCollection (no indentation) and return its size in bytes; empty
    geometries are dropped."""
    collection = {"type": "FeatureCollection", "features": []}
    for properties, geometry in features:
        shaped = generalise(geometry, rule)
        if shaped.is_empty:
            continue
        geo = mapping(shaped)
        geo = {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"], rule.decimals)}
        collection["features"].append({"type": "Feature", "properties": properties, "geometry": geo})
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def build(source: Path, out_dir: Path) -> dict[str, int]:
    """Write every basemap layer into `out_dir`; return file sizes in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    land_110m, land_50m, land_10m = (read_topology(source / f"land-{res}.json") for res in RESOLUTIONS)
    countries_110m, countries_50m, countries_10m = (
        read_topology(source / f"countries-{res}.json") for res in RESOLUTIONS
    )
    arcs_110m, arcs_50m, arcs_10m = (decode_arcs(c) for c in (countries_110m, countries_50m, countries_10m))
    world_land_10m = land_geometry(land_10m, decode_arcs(land_10m))
    region_land = clip_to_region(world_land_10m)

    layers: dict[str, tuple[list[tuple[dict[str, Any], BaseGeometry]], Generalisation]] = {
        "land_110m": ([({}, land_geometry(land_110m, decode_arcs(land_110m)))], WORLD_110M),
        "land_50m": ([({}, land_geometry(land_50m, decode_arcs(land_50m)))], OVERVIEW),
        "land_10m_region": ([({}, region_land)], REGION),
        "land_10m_coasts": (coast_window_features(world_land_10m), REGION),
        # The whole world at once (zoom below basemap.WORLD_DETAIL_MAX_ZOOM): a fifth of 1:50m's weight.
        "borders_110m": (border_features(countries_110m, arcs_110m), WORLD_110M),
        "borders_50m": (border_features(countries_50m, arcs_50m), OVERVIEW),
        "borders_10m_region": (
            [(props, clip_to_region(lines)) for props, lines in border_features(countries_10m, arcs_10m)],
            REGION,
        ),
        "countries_50m": (country_features(countries_50m, arcs_50m), COUNTRY_CHECK),
        "countries_10m_region": (
            [(props, clip_to_region(shape)) for props, shape in country_features(countries_10m, arcs_10m)],
            REGION,
        ),
    }
    return {
        name: write_geojson(out_dir / f"{name}.geojson", features, rule)
        for name, (features, rule) in layers.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an unpacked world-atlas 2.0.2 package (skips npm)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        source = args.source or fetch_world_atlas(Path(workdir))
        sizes = build(source, args.out)
    for name, size in sizes.items():
        print(f"{name + '.geojson':34} {size:>9,} bytes")
    for tier in ("110m", "50m"):
        total = sizes[f"land_{tier}"] + sizes[f"borders_{tier}"]
        print(f"{f'land_{tier} + borders_{tier}':34} {total:>9,} bytes")


if __name__ == "__main__":
    main()
