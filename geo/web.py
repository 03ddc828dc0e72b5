"""The GeoJSON layers the browser draws, built once and served under content-hashed names.

Simplification works on the whole coverage (`shapely.coverage_simplify`), so an edge
shared by two areas is simplified once and both keep it: simplifying each polygon on
its own would open slivers and overlaps between neighbours.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.boundaries import BRITISH_NATIONAL_GRID, WGS84, load_boroughs, load_lsoas, load_wards

# Tolerances in metres on British National Grid. The ward file is already heavily
# generalised (about 37 vertices a ward), so its tolerance is gentle; the borough
# file is detailed and is only ever seen London-wide.
WARD_TOLERANCE_M = 20.0
BOROUGH_TOLERANCE_M = 50.0
# Five decimals of a degree is about 1.1 m north-south and 0.7 m east-west in London.
PRECISION = 5

MANIFEST = "manifest.json"

# Exterior rings clockwise, holes anticlockwise: the winding d3-geo (and so Plotly's
# `geo` choropleths) needs. RFC 7946 recommends the opposite, but parsers must accept
# either, and MapLibre-based maps do not care.
_EXTERIOR_CLOCKWISE = True

_LAYERS: dict[str, tuple[Callable[[Path], gpd.GeoDataFrame], float, str]] = {
    "ward": (load_wards, WARD_TOLERANCE_M, "wards"),
    "borough": (load_boroughs, BOROUGH_TOLERANCE_M, "boroughs"),
}


def web_geojson(gdf: gpd.GeoDataFrame, *, tolerance: float, precision: int = PRECISION) -> dict:
    """A FeatureCollection of `gdf` simplified as a coverage, `id` = area code.

    `tolerance` is in metres: Visvalingam-Whyatt drops corners whose triangle is
    smaller than about `tolerance`² square metres, measured on British National Grid.
    Coordinates are WGS84 rounded to `precision` decimals.
    """
    missing = [c for c in ("code", "name") if c not in gdf.columns]
    if missing:
        raise ValueError(f"web_geojson needs columns code and name; missing {missing}")
    if gdf.crs is None:
        raise ValueError("web_geojson needs a GeoDataFrame with a CRS")
    geoms = _valid_coverage(np.asarray(gdf.to_crs(BRITISH_NATIONAL_GRID).geometry.array))
    simplified = shapely.coverage_simplify(geoms, tolerance)
    back = np.asarray(gpd.GeoSeries(simplified, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).array)
    rounded = _rounded(back, precision)
    bad = ~shapely.is_valid(rounded) | shapely.is_empty(rounded)
    if bad.any():
        codes = ", ".join(gdf["code"].to_numpy()[bad])
        raise ValueError(f"areas {codes} are invalid after rounding to {precision} decimals")
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name},
            "geometry": shapely.geometry.mapping(geom),
        }
        for code, name, geom in zip(gdf["code"], gdf["name"], rounded, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def geojson_bytes(collection: dict) -> bytes:
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def build_web_layers(raw_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Write the ward and borough layers into `out_dir`, reusing files already there.

    The file name carries a hash of the content, so the web server can let browsers
    cache a layer for ever: a changed layer gets a new name. `manifest.json` maps
    each level to its current file name.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for level, (load, tolerance, stem) in _LAYERS.items():
        content = geojson_bytes(web_geojson(load(raw_dir), tolerance=tolerance))
        digest = hashlib.sha256(content).hexdigest()[:12]
        paths[level] = _write_once(out_dir / f"{stem}-{digest}.geojson", content)
    manifest = json.dumps({level: path.name for level, path in paths.items()}, indent=2)
    _write_once(out_dir / MANIFEST, (manifest + "\n").encode("utf-8"))
    return paths


def _valid_coverage(geoms: np.ndarray) -> np.ndarray:
    # coverage_simplify assumes valid polygons that meet edge to edge; given anything
    # else it may return overlapping or invalid shapes without complaint.
    geoms = geoms.copy()
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = [_polygonal(shapely.make_valid(g)) for g in geoms[invalid]]
    if not shapely.coverage_is_valid(geoms):
        geoms = shapely.coverage_clean(geoms)
    return geoms


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if len(parts) != 1 else parts[0]


def _rounded(geoms: np.ndarray, precision: int) -> np.ndarray:
    # set_precision snaps to the grid, drops repeated vertices and collapsed rings and
    # keeps the result valid. The shared vertices of two neighbours are equal before,
    # so they snap to the same grid point. np.round then removes float noise
    # (51.123450000000006) so the JSON carries at most `precision` decimals.
    snapped = shapely.set_precision(geoms, 10.0**-precision)
    snapped = shapely.transform(snapped, lambda xy: np.round(xy, precision))
    return shapely.orient_polygons(snapped, exterior_cw=_EXTERIOR_CLOCKWISE)


def _write_once(path: Path, content: bytes) -> Path:
    """Write `content` to `path` unless it already holds exactly that, atomically."""
    if path.is_file() and path.read_bytes() == content:
        return path
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# Small areas are drawn one borough at a time (about 150 of them), sent inside the
# figure: London's 4,994 would be megabytes for a phone to fetch and draw.
LSOA_TOLERANCE_M = 10.0
_lsoa_layers: dict[tuple[str, str], dict] = {}


def lsoa_layer(raw_dir: Path, borough_code: str) -> dict:
    """The small areas (LSOA 2021) of one borough as a FeatureCollection, built once."""
    key = (str(Path(raw_dir).resolve()), borough_code)
    found = _lsoa_layers.get(key)
    if found is None:
        lsoas = load_lsoas(raw_dir)
        chosen = lsoas[lsoas["borough_code"] == borough_code]
        if chosen.empty:
            raise ValueError(f"no small areas in borough {borough_code!r}")
        found = web_geojson(chosen, tolerance=LSOA_TOLERANCE_M)
        _lsoa_layers[key] = found
    return found
