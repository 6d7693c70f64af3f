"""A service's rotation: legs between its calls, totals, and the fleet its frequency needs."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._distance import LonLat
from ._sea import SeaRoute, sea_route

DAYS_PER_YEAR = 365.25
"""Mean Julian year, so a weekly service gets 52.18 sailings a year rather than 52.14."""


@dataclass(frozen=True)
class Rotation:
    """Legs of a service in call order and their totals.

    ``port_days`` is None when the data gives no port time; ``total_days`` then counts sea time only.
    A round trip returns from the last call to the first, so each stop is called once per rotation.
    """

    stops: tuple[LonLat, ...]
    legs: tuple[SeaRoute, ...]
    speed_kn: float
    round_trip: bool
    distance_nm: float
    distance_km: float
    sea_days: float
    port_days: float | None
    total_days: float


def rotation(
    stops: Sequence[Sequence[float]],
    speed_kn: float,
    closed: Iterable[str] = (),
    port_hours: Sequence[float] | None = None,
    round_trip: bool = True,
) -> Rotation:
    """Route every leg between consecutive stops (and back to the first if ``round_trip``).

    ``port_hours`` gives the time alongside at each stop, in stop order. Raises ValueError for fewer
    than two stops, a port_hours list of the wrong length or a negative port time.
    """
    points = tuple((float(s[0]), float(s[1])) for s in stops)
    if len(points) < 2:
        raise ValueError("a rotation needs at least two stops")
    closed = tuple(closed)
    pairs = list(itertools.pairwise(points))
    if round_trip:
        pairs.append((points[-1], points[0]))
    legs = tuple(sea_route(a, b, closed=closed, speed_kn=speed_kn) for a, b in pairs)

    port_days: float | None = None
    if port_hours is not None:
        hours = [float(h) for h in port_hours]
        if len(hours) != len(points):
            raise ValueError(f"port_hours has {len(hours)} values for {len(points)} stops")
        if any(h < 0 for h in hours):
            raise ValueError("port_hours must be >= 0")
        port_days = sum(hours) / 24.0

    sea_days = sum(leg.days for leg in legs)
    return Rotation(
        stops=points,
        legs=legs,
        speed_kn=float(speed_kn),
        round_trip=round_trip,
        distance_nm=sum(leg.distance_nm for leg in legs),
        distance_km=sum(leg.distance_km for leg in legs),
        sea_days=sea_days,
        port_days=port_days,
        total_days=sea_days + (port_days or 0.0),
    )


def sailings_per_year(headway_days: float) -> float:
    """Departures a year from the headway (days between sailings)."""
    if not headway_days > 0:
        raise ValueError("headway_days must be > 0")
    return DAYS_PER_YEAR / headway_days


def vessels_needed(round_trip_days: float, headway_days: float) -> int:
    """Ships needed so that one leaves every ``headway_days``: each ship is away one round trip.

    A round trip of exactly 42 days at a 21-day headway needs two ships; rounding guards against
    float noise (42.000000001 days must not become three).
    """
    if not round_trip_days > 0:
        raise ValueError("round_trip_days must be > 0")
    if not headway_days > 0:
        raise ValueError("headway_days must be > 0")
    return math.ceil(round(round_trip_days / headway_days, 9))
