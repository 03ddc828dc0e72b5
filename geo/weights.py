"""Spatial weights: which areas are neighbours, for the hot-spot statistics.

Neighbours share at least a corner of their boundary (queen contiguity, built by
libpysal). The City of London and its wards and small areas are left out: the MPS
publishes nothing there, and counting them as areas with no crime would pull their
neighbours' Gi* down. Every ward and small area then has a neighbour; an area left
without one (an island) would get no Gi*, and is refused rather than guessed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
from libpysal.graph import Graph

from data.areas import CITY_OF_LONDON_CODE
from geo.boundaries import BRITISH_NATIONAL_GRID, load_lsoas, load_wards


@dataclass(frozen=True)
class Contiguity:
    """Areas in code order and their binary neighbour matrix (no self-neighbours)."""

    level: str
    codes: np.ndarray
    names: np.ndarray
    parents: np.ndarray  # borough codes
    adjacency: sp.csr_matrix

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def cardinalities(self) -> np.ndarray:
        return np.asarray(self.adjacency.sum(axis=1)).ravel().astype(int)

    def neighbours_of(self, code: str) -> list[str]:
        i = int(np.searchsorted(self.codes, code))
        if i >= self.n or self.codes[i] != code:
            raise KeyError(f"{code} is not one of the {self.level} areas")
        row = self.adjacency.getrow(i)
        return [str(c) for c in self.codes[row.indices]]


def contiguity_of(areas: gpd.GeoDataFrame, level: str) -> Contiguity:
    """Queen contiguity of the areas of a boundary layer (code, name, borough_code)."""
    areas = areas.sort_values("code", ignore_index=True)
    if areas.crs is not None:
        # Shared vertices are what make neighbours: compare them in metres.
        areas = areas.to_crs(BRITISH_NATIONAL_GRID)
    graph = Graph.build_contiguity(areas.set_index("code"), rook=False)
    if len(graph.isolates):
        raise ValueError(
            f"{level} areas with no neighbour on the boundary file: "
            + ", ".join(str(c) for c in graph.isolates)
        )
    ordered = graph.sparse.tocsr()
    # Graph.sparse follows the graph's own order of areas: put it in code order.
    order = np.asarray(graph.unique_ids)
    position = {code: i for i, code in enumerate(order)}
    index = np.array([position[c] for c in areas["code"]])
    adjacency = ordered[index][:, index].tocsr()
    adjacency.data[:] = 1.0
    adjacency.eliminate_zeros()
    return Contiguity(
        level,
        areas["code"].to_numpy(dtype=str),
        areas["name"].to_numpy(dtype=str),
        areas["borough_code"].to_numpy(dtype=str),
        adjacency,
    )


_cache: dict[tuple[str, str], Contiguity] = {}
_lock = threading.Lock()


def contiguity(raw_dir: Path, level: str) -> Contiguity:
    """Neighbours of the MPS's wards ("ward") or small areas ("lsoa"), built once."""
    key = (str(Path(raw_dir).resolve()), level)
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    if level == "ward":
        layer = load_wards(raw_dir)
    elif level == "lsoa":
        layer = load_lsoas(raw_dir)
    else:
        raise ValueError(f"no contiguity for {level!r}: hot spots are found among wards or LSOAs")
    built = contiguity_of(layer[layer["borough_code"] != CITY_OF_LONDON_CODE], level)
    with _lock:
        _cache[key] = built
    return built
