"""Shortest paths through water on a raster of the coastline (scikit-image's `MCP_Geometric`).

A `WaterGrid` rasterises the land of a lon/lat window at about `cell_km` per cell (cell centres in
land are land). `MCP_Geometric` then gives the least-cost distance from a start cell to every cell,
with diagonal moves weighted by their length, and traces paths back. Raster paths zig-zag between
cell centres and run up to ~8 % long; `pull_taut` straightens them against the vector land, so the
final line is at most a few per cent longer than the true shortest path through water and touches
land only where two neighbouring cells already do.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from skimage.graph import MCP_Geometric

from ._coast import Bounds, Coastline
from ._distance import LonLat, great_circle_km

KM_PER_DEG_LAT = 111.195
"""On the sphere of the IUGG mean radius."""

SUBSAMPLES = 2
"""A cell is water when any of SUBSAMPLES² points spread over it is: rivers and channels narrower than
a cell (the Scheldt below Antwerp) stay connected instead of breaking into isolated pockets."""
WET_PREFERENCE_CELLS = 2
"""How much farther (in cells) a wholly wet start cell may be than a partly wet one and be preferred."""
PARTLY_LAND_COST = 4.0
"""Cost per km of a cell that is only partly water: a path uses one only where no wholly wet way
exists nearby (a narrow river), so it rarely cuts the corner of a bank."""
MIN_COMPONENT_CELLS = 60
"""A start cell must belong to a body of water at least this big (or touching the grid's edge); smaller
pockets are dock basins or river stretches the coastline cuts off."""
NEAR_SHORE_KM = 10.0
NEAR_SHORE_PENALTY = 2.0
"""Water within NEAR_SHORE_KM of land costs up to (1 + NEAR_SHORE_PENALTY) times its length, fading
with distance: ships keep off the coast and out of island mazes (Hạ Long and Bái Tử Long bays, which
the 1:10m coastline draws without most of their islets) unless the coast saves them much more."""
PORT_ZONE_KM = 25.0
"""No near-shore penalty within this distance of a route's endpoints (ports are on the coast), and
only there may a path use cells that are partly land (`PARTLY_LAND_COST`)."""


@dataclass(frozen=True, eq=False)
class WaterGrid:
    """Cells of about ``cell_km`` over ``bounds``; ``water[r, c]`` is True at sea. Row 0 is north."""

    bounds: Bounds
    dlon: float
    dlat: float
    water: np.ndarray
    land: BaseGeometry
    wet: np.ndarray | None = None
    """Cells wholly water (every sample); None means the same as ``water``."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.water.shape  # type: ignore[return-value]

    def cell_of(self, point: LonLat) -> tuple[int, int] | None:
        """The cell containing ``point``, or None outside the grid."""
        west, _, _, north = self.bounds
        row = math.floor((north - point[1]) / self.dlat)
        col = math.floor((point[0] - west) / self.dlon)
        rows, cols = self.shape
        if 0 <= row < rows and 0 <= col < cols:
            return (row, col)
        return None

    def centre(self, cell: Sequence[int]) -> LonLat:
        west, _, _, north = self.bounds
        return (west + (cell[1] + 0.5) * self.dlon, north - (cell[0] + 0.5) * self.dlat)

    @functools.cached_property
    def major_water(self) -> np.ndarray:
        """Water cells of bodies of water of at least `MIN_COMPONENT_CELLS` or touching the edge."""
        labels, count = ndimage.label(self.water, structure=np.ones((3, 3), dtype=bool))
        if count == 0:
            return self.water
        sizes = np.bincount(labels.ravel())
        edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        keep = sizes >= MIN_COMPONENT_CELLS
        keep[edge] = True
        keep[0] = False
        return keep[labels]

    def km_to_land(self) -> np.ndarray:
        """Distance (km) from every cell to the nearest land cell (large where there is none)."""
        if self.water.all():
            return np.full(self.shape, np.inf)
        mid_lat = math.radians((self.bounds[1] + self.bounds[3]) / 2.0)
        sampling = (self.dlat * KM_PER_DEG_LAT, self.dlon * KM_PER_DEG_LAT * math.cos(mid_lat))
        return ndimage.distance_transform_edt(self.water, sampling=sampling)

    def nearest_water(self, point: LonLat, max_cells: int = 25) -> tuple[int, int] | None:
        """The cell of major water (see `major_water`) nearest ``point`` within ``max_cells`` rings;
        a wholly wet cell is preferred when one is at most `WET_PREFERENCE_CELLS` farther, so that a
        path does not start by clipping the bank beside a river mouth."""
        wet = self.major_water & (self.water if self.wet is None else self.wet)
        nearest = self._nearest_in(self.major_water, point, max_cells)
        if nearest is None:
            return None
        nearest_cell, nearest_d = nearest
        dry_rings = math.ceil(nearest_d) + WET_PREFERENCE_CELLS
        preferred = self._nearest_in(wet, point, min(max_cells, dry_rings))
        if preferred is not None and preferred[1] <= nearest_d + WET_PREFERENCE_CELLS:
            return preferred[0]
        return nearest_cell

    def _nearest_in(
        self, mask: np.ndarray, point: LonLat, max_cells: int
    ) -> tuple[tuple[int, int], float] | None:
        """Nearest cell of ``mask`` and its distance in cells, searching ``max_cells`` rings."""
        cell = self.cell_of(point)
        if cell is None:
            return None
        rows, cols = self.shape
        r0, c0 = cell
        for ring in range(max_cells + 1):
            r_lo, r_hi = max(0, r0 - ring), min(rows, r0 + ring + 1)
            c_lo, c_hi = max(0, c0 - ring), min(cols, c0 + ring + 1)
            block = mask[r_lo:r_hi, c_lo:c_hi]
            if block.any():
                candidates = np.argwhere(block) + np.array([r_lo, c_lo])
                # Distances in cells (rows and columns are about equally long in km).
                exact_r = (self.bounds[3] - point[1]) / self.dlat - 0.5
                exact_c = (point[0] - self.bounds[0]) / self.dlon - 0.5
                d = np.hypot(candidates[:, 0] - exact_r, candidates[:, 1] - exact_c)
                best = int(np.argmin(d))
                return (int(candidates[best, 0]), int(candidates[best, 1])), float(d[best])
        return None


def water_grid(coastline: Coastline, bounds: Bounds, cell_km: float) -> WaterGrid:
    """Rasterise the coastline's land over ``bounds`` (cell centres inside land are land)."""
    west, south, east, north = bounds
    mid_lat = math.radians((south + north) / 2.0)
    dlat = cell_km / KM_PER_DEG_LAT
    dlon = dlat / max(math.cos(mid_lat), 0.05)
    rows = max(1, math.ceil((north - south) / dlat))
    cols = max(1, math.ceil((east - west) / dlon))
    land = coastline.land_in(bounds)
    if land.is_empty:
        return WaterGrid(bounds, dlon, dlat, np.ones((rows, cols), dtype=bool), land)
    water = np.zeros((rows, cols), dtype=bool)
    wet = np.ones((rows, cols), dtype=bool)
    for i in range(SUBSAMPLES):
        for j in range(SUBSAMPLES):
            lons = west + (np.arange(cols) + (j + 0.5) / SUBSAMPLES) * dlon
            lats = north - (np.arange(rows) + (i + 0.5) / SUBSAMPLES) * dlat
            lon_grid, lat_grid = np.meshgrid(lons, lats)
            sample = ~shapely.contains_xy(land, lon_grid, lat_grid)
            water |= sample
            wet &= sample
    return WaterGrid(bounds, dlon, dlat, water, land, wet)


@dataclass(frozen=True, eq=False)
class CostField:
    """Least-cost distances (km) from one start cell to every cell of a grid, and the means to trace
    paths back to it."""

    grid: WaterGrid
    start: tuple[int, int]
    km: np.ndarray
    _mcp: MCP_Geometric

    def path_to(self, cell: tuple[int, int]) -> list[LonLat]:
        """Cell centres from the start to ``cell`` (both included)."""
        return [self.grid.centre(step) for step in self._mcp.traceback(cell)]


def cost_field(grid: WaterGrid, start: tuple[int, int], ports: Sequence[tuple[int, int]] = ()) -> CostField:
    """Least costs through water from ``start``: land cells are impassable, near-shore water costs
    more (`NEAR_SHORE_PENALTY`) except within `PORT_ZONE_KM` of ``start`` and of ``ports``."""
    near = np.clip(1.0 - grid.km_to_land() / NEAR_SHORE_KM, 0.0, 1.0)
    rows, cols = np.indices(grid.shape)
    cell_km_y = grid.dlat * KM_PER_DEG_LAT
    cell_km_x = grid.dlon * KM_PER_DEG_LAT * math.cos(math.radians((grid.bounds[1] + grid.bounds[3]) / 2.0))
    in_port_zone = np.zeros(grid.shape, dtype=bool)
    for r, c in (start, *ports):
        in_port_zone |= np.hypot((rows - r) * cell_km_y, (cols - c) * cell_km_x) <= PORT_ZONE_KM
    near[in_port_zone] = 0.0
    wet = grid.water if grid.wet is None else grid.wet
    # Partly-land cells let a port out of a river or dock narrower than a cell; elsewhere they would
    # let a route hop over a spit or a sandbar narrower than a cell, so there they are closed.
    partly = grid.water & in_port_zone
    costs = np.where(wet, 1.0 + NEAR_SHORE_PENALTY * near, np.where(partly, PARTLY_LAND_COST, np.inf))
    mid_lat = math.radians((grid.bounds[1] + grid.bounds[3]) / 2.0)
    sampling = (grid.dlat * KM_PER_DEG_LAT, grid.dlon * KM_PER_DEG_LAT * math.cos(mid_lat))
    mcp = MCP_Geometric(costs, fully_connected=True, sampling=sampling)
    km, _ = mcp.find_costs([start])
    return CostField(grid, start, km, mcp)


def pull_taut(points: Sequence[LonLat], land: BaseGeometry, max_km: float | None = None) -> list[LonLat]:
    """Drop every vertex the line can skip without touching ``land`` (greedy line of sight).

    From each kept vertex the farthest visible vertex ahead is found by doubling then bisecting; where
    not even the next vertex is visible (a corner two cells share with land) the line keeps it. With
    ``max_km``, no new segment is longer than that (a long straight lon/lat segment strays from the
    great circle the distance is measured on).
    """
    if len(points) <= 2:
        return list(points)
    if land.is_empty and max_km is None:
        return [points[0], points[-1]]
    shapely.prepare(land)

    def visible(i: int, j: int) -> bool:
        if max_km is not None and j > i + 1 and great_circle_km(points[i], points[j]) > max_km:
            return False
        return not land.intersects(LineString([points[i], points[j]]))

    kept = [points[0]]
    i, last = 0, len(points) - 1
    while i < last:
        step, good = 1, i + 1
        while i + step <= last and visible(i, i + step):
            good = i + step
            step *= 2
        bad = min(i + step, last + 1)
        while bad - good > 1:
            middle = (good + bad) // 2
            if visible(i, middle):
                good = middle
            else:
                bad = middle
        kept.append(points[good])
        i = good
    return kept
