"""Route engine for Corridor Atlas: pure, typed geometry with no Streamlit import."""

from ._distance import (
    EARTH_RADIUS_KM,
    KM_PER_NM,
    distance_to_geometry_km,
    geometry_length_km,
    great_circle_km,
    great_circle_nm,
    path_length_km,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "KM_PER_NM",
    "distance_to_geometry_km",
    "geometry_length_km",
    "great_circle_km",
    "great_circle_nm",
    "path_length_km",
]
