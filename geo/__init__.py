"""Route engine for Corridor Atlas: pure, typed geometry with no Streamlit import.

Coordinates are (lon, lat) in EPSG:4326 throughout; distances are great-circle on a sphere of the
mean Earth radius, in km and nautical miles (1 nm = 1.852 km).

Sea legs (`sea_route`) join each port to the sea on a fine coastline (Natural Earth 1:10m where the
app draws up close, 1:50m elsewhere; `Coastline`), route short coastal stretches through water on a
raster of that coastline (``_raster``, scikit-image's least-cost paths), and cross the oceans on the
``searoute`` package's offline network (``_network``), with the Arctic passages always closed, a few
patches where the network cuts across an island (``_patches``), and a great-circle fallback when no
sea path exists.

Antimeridian: routes across the Pacific are normalised to longitudes in [-180, 180] and split at ±180°
(by the ``antimeridian`` package) into a MultiLineString, for storage and export; the map draws with
``pdk.View(type="MapView", repeat=True)`` so the split parts join visually. `to_path_parts` gives
PathLayer-ready coordinate lists, none of which jumps more than 180° of longitude between vertices.
Lengths are always measured before splitting, on the sphere, so the split never changes a distance.
"""

from ._antimeridian import (
    normalize_longitude,
    simplify_for_display,
    split_at_antimeridian,
    to_path_parts,
    unwrap_longitudes,
)
from ._coast import (
    Coastline,
    CoastSnap,
    InlandPointError,
    ListedPort,
    coastline_from,
    default_coastline,
    nearest_listed_port,
    snap_to_water,
)
from ._corridor import AirArc, LandRoute, LengthDifference, air_arc, land_route, length_difference
from ._distance import (
    EARTH_RADIUS_KM,
    KM_PER_NM,
    LonLat,
    distance_to_geometry_km,
    geometry_length_km,
    great_circle_km,
    great_circle_nm,
    interpolate_great_circle,
    path_length_km,
)
from ._land import crosses_land, geodesic_circle, land_crossing_km
from ._passages import ALWAYS_CLOSED, CLOSABLE_PASSAGES, SHORTHANDS, resolve_closed, restrictions_for
from ._patches import NETWORK_PATCHES, NetworkPatch
from ._rotation import Rotation, rotation, sailings_per_year, vessels_needed
from ._sea import (
    DEFAULT_SPEED_KN,
    Method,
    SeaRoute,
    canal_zones,
    check_port,
    clear_route_cache,
    passage_locations,
    preload_route_paths,
    route_paths_snapshot,
    sea_route,
    with_speed,
)

__all__ = [
    "ALWAYS_CLOSED",
    "CLOSABLE_PASSAGES",
    "DEFAULT_SPEED_KN",
    "EARTH_RADIUS_KM",
    "KM_PER_NM",
    "NETWORK_PATCHES",
    "SHORTHANDS",
    "AirArc",
    "CoastSnap",
    "Coastline",
    "InlandPointError",
    "LandRoute",
    "LengthDifference",
    "ListedPort",
    "LonLat",
    "Method",
    "NetworkPatch",
    "Rotation",
    "SeaRoute",
    "air_arc",
    "canal_zones",
    "check_port",
    "clear_route_cache",
    "coastline_from",
    "crosses_land",
    "default_coastline",
    "distance_to_geometry_km",
    "geodesic_circle",
    "geometry_length_km",
    "great_circle_km",
    "great_circle_nm",
    "interpolate_great_circle",
    "land_crossing_km",
    "land_route",
    "length_difference",
    "nearest_listed_port",
    "normalize_longitude",
    "passage_locations",
    "path_length_km",
    "preload_route_paths",
    "resolve_closed",
    "restrictions_for",
    "rotation",
    "route_paths_snapshot",
    "sailings_per_year",
    "sea_route",
    "simplify_for_display",
    "snap_to_water",
    "split_at_antimeridian",
    "to_path_parts",
    "unwrap_longitudes",
    "vessels_needed",
    "with_speed",
]
