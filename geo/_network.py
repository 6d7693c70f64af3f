"""searoute's maritime network as a sparse graph, searched with scipy between coastal access links.

searoute itself snaps each endpoint to its single nearest network node, which near a coast is often
across a headland or in the wrong basin (Qinzhou → Hai Phong came out 2.7 times the crossing). Here
each endpoint instead brings *access links*: its distance through water (from the coastal router) to
every network node in a window around it. A virtual origin and destination joined by those links,
and optionally by a direct coastal path between the two, let one Dijkstra search
(`scipy.sparse.csgraph.dijkstra`) choose the best join points and the ocean path together.

Closed passages are removed from the graph, as searoute's ``restrictions`` do.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from ._coast import Bounds
from ._distance import EARTH_RADIUS_KM, LonLat

ZERO_WEIGHT_KM = 1e-6
"""scipy reads an explicit zero in a sparse graph as "no edge"; searoute has zero-length edges."""


@dataclass(frozen=True, eq=False)
class Network:
    """searoute's network in array form: node coordinates, undirected edges and their passage tags."""

    nodes: np.ndarray
    heads: np.ndarray
    tails: np.ndarray
    km: np.ndarray
    passage: tuple[str | None, ...]
    passage_of: Mapping[tuple[int, int], str]

    def nodes_in(self, bounds: Bounds) -> np.ndarray:
        """Indices of the nodes inside ``bounds``."""
        west, south, east, north = bounds
        lon, lat = self.nodes[:, 0], self.nodes[:, 1]
        return np.flatnonzero((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))

    def nearest_km(self, point: LonLat) -> float:
        """Great-circle distance to the nearest node: where plain searoute would join the network."""
        lon, lat = np.radians(self.nodes[:, 0]), np.radians(self.nodes[:, 1])
        lon0, lat0 = np.radians(point[0]), np.radians(point[1])
        cos_angle = np.sin(lat) * np.sin(lat0) + np.cos(lat) * np.cos(lat0) * np.cos(lon - lon0)
        return float(np.arccos(np.clip(cos_angle.max(), -1.0, 1.0)) * EARTH_RADIUS_KM)

    def node(self, index: int) -> LonLat:
        return (float(self.nodes[index, 0]), float(self.nodes[index, 1]))


def network() -> Network:
    """searoute's network (loaded once by searoute, converted once here). searoute is imported on
    first use: a process whose routes all come from the disk cache never needs it."""
    import searoute

    return _network_of(searoute.setup_M())


@functools.lru_cache(maxsize=2)
def _network_of(graph: object) -> Network:
    index: dict[tuple[float, float], int] = {}
    nodes: list[tuple[float, float]] = []
    for node in graph.nodes:  # type: ignore[attr-defined]
        index[node] = len(nodes)
        nodes.append((float(node[0]), float(node[1])))
    heads, tails, km, passage = [], [], [], []
    passage_of: dict[tuple[int, int], str] = {}
    for u, v, data in graph.edges(data=True):  # type: ignore[attr-defined]
        a, b = index[u], index[v]
        heads.append(a)
        tails.append(b)
        km.append(max(float(data.get("weight", 0.0)), ZERO_WEIGHT_KM))
        name = data.get("passage")
        passage.append(name)
        if name:
            passage_of[(a, b)] = passage_of[(b, a)] = name
    return Network(
        np.asarray(nodes, dtype=float),
        np.asarray(heads, dtype=np.int64),
        np.asarray(tails, dtype=np.int64),
        np.asarray(km, dtype=float),
        tuple(passage),
        passage_of,
    )


@functools.lru_cache(maxsize=32)
def _open_edges(net: Network, restrictions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both directions of every edge whose passage is not closed."""
    closed = set(restrictions)
    keep = np.fromiter((p not in closed for p in net.passage), dtype=bool, count=len(net.passage))
    heads, tails, km = net.heads[keep], net.tails[keep], net.km[keep]
    return np.concatenate([heads, tails]), np.concatenate([tails, heads]), np.concatenate([km, km])


@dataclass(frozen=True)
class NetworkPath:
    """Network nodes from the origin's join node to the destination's (empty for a direct path)."""

    nodes: tuple[int, ...]
    km: float
    passages: tuple[str, ...]


def shortest_path(
    net: Network,
    restrictions: tuple[str, ...],
    origin_links: Mapping[int, float],
    destination_links: Mapping[int, float],
    direct_km: float | None = None,
) -> NetworkPath | None:
    """Cheapest virtual origin → links → network → links → virtual destination (or direct) path.

    Returns None when the two cannot be joined with the passages open.
    """
    n = len(net.nodes)
    source, target = n, n + 1
    heads, tails, km = _open_edges(net, restrictions)
    extra_heads: list[int] = []
    extra_tails: list[int] = []
    extra_km: list[float] = []
    for node, cost in origin_links.items():
        extra_heads.append(source)
        extra_tails.append(node)
        extra_km.append(max(cost, ZERO_WEIGHT_KM))
    for node, cost in destination_links.items():
        extra_heads.append(node)
        extra_tails.append(target)
        extra_km.append(max(cost, ZERO_WEIGHT_KM))
    if direct_km is not None:
        extra_heads.append(source)
        extra_tails.append(target)
        extra_km.append(max(direct_km, ZERO_WEIGHT_KM))
    rows = np.concatenate([heads, np.asarray(extra_heads, dtype=np.int64)])
    cols = np.concatenate([tails, np.asarray(extra_tails, dtype=np.int64)])
    weights = np.concatenate([km, np.asarray(extra_km, dtype=float)])
    # Parallel edges are summed by csr_matrix; keep the shortest instead.
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    matrix = csr_matrix((weights[first], (rows[first], cols[first])), shape=(n + 2, n + 2))
    distances, predecessors = dijkstra(matrix, directed=True, indices=source, return_predecessors=True)
    if not np.isfinite(distances[target]):
        return None
    chain: list[int] = []
    step = int(predecessors[target])
    while step != source and step >= 0:
        chain.append(step)
        step = int(predecessors[step])
    chain.reverse()
    passages = tuple(
        name for a, b in itertools.pairwise(chain) if (name := net.passage_of.get((a, b))) is not None
    )
    return NetworkPath(tuple(chain), float(distances[target]), passages)


def node_coords(net: Network, nodes: Sequence[int]) -> list[LonLat]:
    return [net.node(i) for i in nodes]
