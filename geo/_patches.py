"""Detours for the few edges of searoute's network that cut across land far from any port.

searoute 1.6's network is drawn coarsely in open ocean too. Each patch names one network edge by
its two nodes (exactly as searoute stores them) and the open-water waypoints that replace its straight
line. Waypoints were placed by hand with ≥ 13 km clearance from Natural Earth 10m land and are
checked against the repository's land layers in ``tests/test_geo_refinement.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ._antimeridian import normalize_longitude
from ._distance import LonLat


@dataclass(frozen=True)
class NetworkPatch:
    """Replace the network edge ``ends[0]``-``ends[1]`` by a path through ``via`` (listed from ends[0])."""

    name: str
    ends: tuple[LonLat, LonLat]
    via: tuple[LonLat, ...]


NETWORK_PATCHES: tuple[NetworkPatch, ...] = (
    # Off Baja California the edge runs straight over Isla Guadalupe (~-118.3, 29.0); pass south of it.
    NetworkPatch("isla_guadalupe", ((-117.491362, 28.696433), (-120.0, 30.0)), ((-118.45, 28.70),)),
)


def _key(point: Sequence[float]) -> tuple[float, float]:
    """Comparable form of a node whose longitude may be unwrapped."""
    return (round(normalize_longitude(point[0]), 6), round(point[1], 6))


def apply_patches(
    coords: Sequence[tuple[float, float]], patches: tuple[NetworkPatch, ...] = NETWORK_PATCHES
) -> tuple[list[tuple[float, float]], bool]:
    """Insert the patch waypoints wherever the path follows a patched edge (in either direction).

    Returns the new coordinates (longitudes kept continuous with the path) and whether anything changed.
    """
    table: dict[tuple[tuple[float, float], tuple[float, float]], tuple[LonLat, ...]] = {}
    for patch in patches:
        a, b = (_key(end) for end in patch.ends)
        table[(a, b)] = patch.via
        table[(b, a)] = tuple(reversed(patch.via))
    if not coords:
        return [], False
    patched: list[tuple[float, float]] = [coords[0]]
    changed = False
    for start, end in itertools.pairwise(coords):
        via = table.get((_key(start), _key(end)))
        if via:
            changed = True
            for lon, lat in via:
                previous = patched[-1][0]
                patched.append((lon + 360.0 * round((previous - lon) / 360.0), lat))
        patched.append(end)
    return patched, changed
