"""Curated approach waypoints: how a line leaves a port and crosses its home waters.

searoute's network is coarse near coasts: Qinzhou → Hai Phong comes out at ~290 nm, running far
south into the Gulf of Tonkin and back, for a crossing of ~115 nm. These tables fix that without a
router of our own:

* an `Approach` is a short chain of waypoints from a port out to open water (its *sea end*);
* approaches in the same *cluster* are joined by a direct leg between their sea ends;
* a `RegionalLink` joins two clusters through a few open-water waypoints.

Every waypoint was chosen by hand on open water in Natural Earth 10m land (public domain, via the
``world-atlas`` 2.0.2 TopoJSON) and every leg the tables can produce is checked against that layer in
``tests/test_geo_refinement.py``. They are drawing waypoints for an illustrative map, not fairways:
real pilotage channels are neither claimed nor needed at the zooms the app draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._distance import LonLat, great_circle_km

APPROACH_MATCH_KM = 8.0
"""A route endpoint uses an approach whose port lies within this distance. Tân Vũ and Lạch Huyện are
~13 km apart, so the radius must stay well below that."""


@dataclass(frozen=True)
class Approach:
    """Waypoints from a port (excluded) out to its sea end (the last waypoint)."""

    name: str
    port: LonLat
    waypoints: tuple[LonLat, ...]
    cluster: str

    @property
    def sea_end(self) -> LonLat:
        return self.waypoints[-1]


@dataclass(frozen=True)
class RegionalLink:
    """Open-water waypoints joining the sea ends of two clusters, listed from ``clusters[0]``'s side."""

    clusters: tuple[str, str]
    via: tuple[LonLat, ...]


APPROACHES: tuple[Approach, ...] = (
    # Ports are the points of data/places.csv (same ids); a test keeps the two in step.
    # Hai Phong: Tân Vũ lies on the Nam Triệu estuary, Lạch Huyện on the south shore of Cát Hải;
    # both reach open water to the south, west of Cát Bà island.
    Approach("tan_vu", (106.77421, 20.83601), ((106.80, 20.79), (106.82, 20.74)), "hai_phong"),
    Approach("lach_huyen", (106.905, 20.79804), ((106.89, 20.72),), "hai_phong"),
    # Beibu Gulf Port: Qinzhou and Fangchenggang open southwards from their bays; Beihai's port
    # lies on the north shore of its peninsula and leaves to the west.
    Approach("qinzhou", (108.647, 21.68317), ((108.62, 21.60), (108.59, 21.53)), "beibu_gulf"),
    Approach(
        "fangchenggang",
        (108.38238, 21.67451),
        ((108.37, 21.62), (108.37, 21.54), (108.42, 21.50)),
        "beibu_gulf",
    ),
    Approach("beihai", (109.11045, 21.49002), ((109.09, 21.52), (109.02, 21.50)), "beibu_gulf"),
)

REGIONAL_LINKS: tuple[RegionalLink, ...] = (
    # South of the island arc that runs from Cát Bà past Cô Tô, which the straight line from Hai Phong
    # to the Beibu ports crosses; every leg through it keeps > 3 km from 10m land.
    RegionalLink(("hai_phong", "beibu_gulf"), ((107.55, 20.50),)),
)


def find_approach(point: LonLat, approaches: tuple[Approach, ...] = APPROACHES) -> Approach | None:
    """The approach whose port is nearest to ``point``, if within `APPROACH_MATCH_KM`."""
    best: Approach | None = None
    best_km = APPROACH_MATCH_KM
    for approach in approaches:
        km = great_circle_km(point, approach.port)
        if km <= best_km:
            best, best_km = approach, km
    return best


def regional_path(
    start: Approach, end: Approach, links: tuple[RegionalLink, ...] = REGIONAL_LINKS
) -> tuple[LonLat, ...] | None:
    """Open-water waypoints between two approaches' sea ends (both included), or None if the tables
    do not join them (the leg is then left to searoute)."""
    if start.cluster == end.cluster:
        return (start.sea_end, end.sea_end)
    for link in links:
        if link.clusters == (start.cluster, end.cluster):
            return (start.sea_end, *link.via, end.sea_end)
        if link.clusters == (end.cluster, start.cluster):
            return (start.sea_end, *reversed(link.via), end.sea_end)
    return None
