"""Spatial weights: which areas are neighbours, for the hot-spot statistics, built once
per boundary build and saved as small files that the app loads.

Neighbours share at least a corner of their boundary (queen contiguity, built by
libpysal). The City of London and its wards and small areas are left out: the MPS
publishes nothing there, and counting them as areas with no crime would pull their
neighbours' Gi* down. An area left without a neighbour (an island) would get no Gi*,
and is refused rather than guessed.

Wards: the only ward polygons published here are heavily generalised (about 37
vertices a ward), and the finer LSOA polygons fit the 2022 wards only through a
best-fit lookup that assigns whole LSOAs by population, which moves real boundaries
by hundreds of metres (median overlap of a rebuilt ward with its ward 85%). Judged
against postcodes, which carry their exact ward, the generalised polygons get the
neighbours right more often than the rebuilt wards (docs/METHODS.md, section 8), so
ward neighbours are the queen contiguity of the generalised polygons, plus the pairs
of wards whose postcodes are neighbours less than `POSTCODE_LINK_M` apart on land:
contacts that generalisation squeezed out. The tidal Thames lies outside every
polygon (they are clipped to mean high water), so no ward or small area is a
neighbour of one across it; above Teddington, where the boundaries run down the
middle of the river, wards on the two banks share a boundary and are neighbours.

Small areas: queen contiguity of the LSOA 2021 polygons, which are fine enough.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from libpysal.graph import Graph
from scipy.spatial import Delaunay

from data.areas import CITY_OF_LONDON_CODE
from geo.boundaries import (
    BRITISH_NATIONAL_GRID,
    LSOAS_FILE,
    WARDS_FILE,
    load_lsoas,
    load_wards,
)

LEVELS = ("ward", "lsoa")
POSTCODES_FILE = Path("os_codepoint_open/codepoint_open_london.csv.gz")
# Two postcodes of different wards that are Delaunay neighbours this close, with the
# straight line between them on land, put their wards side by side.
POSTCODE_LINK_M = 100.0
MANIFEST = "manifest.json"
# Bump when the way weights are built changes, so saved files are rebuilt.
BUILD_REVISION = 1


@dataclass(frozen=True)
class Contiguity:
    """Areas in code order and their binary neighbour matrix (no self-neighbours)."""

    level: str
    codes: np.ndarray
    names: np.ndarray
    parents: np.ndarray  # borough codes
    adjacency: sp.csr_matrix
    area_km2: np.ndarray  # each area's land area, from its polygon on British National Grid

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

    def links(self) -> set[tuple[str, str]]:
        """Every pair of neighbours once, as (lower code, higher code)."""
        upper = sp.triu(self.adjacency, k=1).tocoo()
        return {
            (str(self.codes[i]), str(self.codes[j]))
            for i, j in zip(upper.row, upper.col, strict=True)
        }


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
        areas.area.to_numpy(dtype=float) / 1e6,
    )


def with_links(base: Contiguity, pairs: set[tuple[str, str]]) -> Contiguity:
    """`base` with more pairs of neighbours (codes not in `base` are refused)."""
    if not pairs:
        return base
    index = {str(c): i for i, c in enumerate(base.codes)}
    unknown = sorted({c for pair in pairs for c in pair} - set(index))
    if unknown:
        raise KeyError(f"not {base.level} areas: {', '.join(unknown)}")
    rows = np.array([index[a] for a, b in pairs] + [index[b] for a, b in pairs])
    cols = np.array([index[b] for a, b in pairs] + [index[a] for a, b in pairs])
    extra = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=base.adjacency.shape)
    adjacency = (base.adjacency + extra).tocsr()
    adjacency.data[:] = 1.0
    return Contiguity(base.level, base.codes, base.names, base.parents, adjacency, base.area_km2)


def postcode_links(
    raw_dir: Path, codes: set[str], land: shapely.Geometry, within_m: float = POSTCODE_LINK_M
) -> set[tuple[str, str]]:
    """Pairs of wards (among `codes`) with two postcodes that are Delaunay neighbours
    less than `within_m` metres apart, the line between them on `land`.

    Code-Point Open places each postcode at its delivery-weighted centre and gives its
    ward exactly; two such points this close, with no other postcode nearer to both,
    mean the two wards meet between them. The line must stay on land, so two houses
    facing each other across the Thames do not make their wards neighbours.
    """
    path = Path(raw_dir) / POSTCODES_FILE
    if not path.is_file():
        return set()
    points = pd.read_csv(path, usecols=["Eastings", "Northings", "Admin_ward_code"])
    points = points[points["Admin_ward_code"].isin(codes)].drop_duplicates(
        ["Eastings", "Northings", "Admin_ward_code"]
    )
    xy = points[["Eastings", "Northings"]].to_numpy(dtype=float)
    ward = points["Admin_ward_code"].to_numpy(dtype=str)
    triangles = Delaunay(xy).simplices
    edges = np.vstack([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]])
    edges = np.unique(np.sort(edges, axis=1), axis=0)
    length = np.hypot(*(xy[edges[:, 0]] - xy[edges[:, 1]]).T)
    edges = edges[(ward[edges[:, 0]] != ward[edges[:, 1]]) & (length < within_m)]
    lines = shapely.linestrings(np.stack([xy[edges[:, 0]], xy[edges[:, 1]]], axis=1))
    shapely.prepare(land)
    on_land = shapely.covers(land, lines)
    edges = edges[on_land]
    return {tuple(sorted((str(ward[i]), str(ward[j])))) for i, j in edges}


def ward_contiguity(raw_dir: Path) -> Contiguity:
    """The MPS's 679 wards: queen contiguity of the generalised polygons, with the
    contacts postcodes show (see the module's docstring)."""
    wards = load_wards(raw_dir)
    wards = wards[wards["borough_code"] != CITY_OF_LONDON_CODE]
    base = contiguity_of(wards, "ward")
    # Land: the ward polygons themselves, nudged out by a metre so a line along a
    # shared boundary counts as on land.
    land = shapely.union_all(wards.to_crs(BRITISH_NATIONAL_GRID).geometry.array).buffer(1.0)
    return with_links(base, postcode_links(raw_dir, set(base.codes), land) - base.links())


def lsoa_contiguity(raw_dir: Path) -> Contiguity:
    lsoas = load_lsoas(raw_dir)
    return contiguity_of(lsoas[lsoas["borough_code"] != CITY_OF_LONDON_CODE], "lsoa")


def contiguity(raw_dir: Path, level: str) -> Contiguity:
    """Neighbours of the MPS's wards ("ward") or small areas ("lsoa"), built from the
    boundary files (seconds); the app loads the saved ones (`load_contiguity`)."""
    if level == "ward":
        return ward_contiguity(raw_dir)
    if level == "lsoa":
        return lsoa_contiguity(raw_dir)
    raise ValueError(f"no contiguity for {level!r}: hot spots are found among wards or LSOAs")


# -- saved once per boundary build -------------------------------------------------------


def _sources(raw_dir: Path) -> dict[str, str]:
    """The checksum of every file the weights are built from: a changed file, a rebuild."""
    files = (
        WARDS_FILE,
        LSOAS_FILE,
        LSOAS_FILE.with_suffix(".dbf"),
        LSOAS_FILE.with_suffix(".shx"),
        POSTCODES_FILE,
    )
    out = {"revision": str(BUILD_REVISION)}
    for name in files:
        path = Path(raw_dir) / name
        if path.is_file():
            out[str(name)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _save(weights: Contiguity, path: Path) -> None:
    adjacency = weights.adjacency.tocsr()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".npz")
    os.close(fd)
    try:
        np.savez_compressed(
            tmp,
            level=np.array(weights.level),
            codes=weights.codes.astype(str),
            names=weights.names.astype(str),
            parents=weights.parents.astype(str),
            indptr=adjacency.indptr,
            indices=adjacency.indices,
            area_km2=weights.area_km2,
        )
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_weights(raw_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Build and save the ward and small-area neighbours into `out_dir`, unless the
    files there were built from the same boundary files. Returns the file of each level."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = _sources(raw_dir)
    manifest = _manifest(out_dir)
    if manifest.get("sources") == sources and all(
        (out_dir / manifest.get(level, "")).is_file() for level in LEVELS
    ):
        return {level: out_dir / manifest[level] for level in LEVELS}
    paths = {}
    for level in LEVELS:
        path = out_dir / f"{level}.npz"
        _save(contiguity(raw_dir, level), path)
        paths[level] = path
    text = json.dumps({"sources": sources, **{k: p.name for k, p in paths.items()}}, indent=2)
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{MANIFEST}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    os.replace(tmp, out_dir / MANIFEST)
    return paths


def _manifest(out_dir: Path) -> dict:
    try:
        return json.loads((Path(out_dir) / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def load_contiguity(out_dir: Path, level: str) -> Contiguity | None:
    """The saved neighbours of a level (a few milliseconds), or None before a build."""
    if level not in LEVELS:
        raise ValueError(f"no contiguity for {level!r}: hot spots are found among wards or LSOAs")
    name = _manifest(out_dir).get(level)
    path = Path(out_dir) / name if name else None
    if path is None or not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as saved:
        codes = saved["codes"]
        adjacency = sp.csr_matrix(
            (np.ones(len(saved["indices"])), saved["indices"], saved["indptr"]),
            shape=(len(codes), len(codes)),
        )
        return Contiguity(
            str(saved["level"]),
            codes,
            saved["names"],
            saved["parents"],
            adjacency,
            saved["area_km2"],
        )
