from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box, shape

from geo.web import (
    BOROUGH_TOLERANCE_M,
    MANIFEST,
    WARD_TOLERANCE_M,
    build_web_layers,
    geojson_bytes,
    web_geojson,
)

REPO = Path(__file__).resolve().parents[3]
WARD_BUDGET_GZIPPED = 300_000
BOROUGH_BUDGET_GZIPPED = 60_000
# Parts narrower than this (2 x area / perimeter) are slivers of the source below the
# five-decimal grid (about 0.7 m east-west); rounding may close them.
SLIVER_WIDTH_M = 1.0


def _metres(layer: dict) -> np.ndarray:
    geoms = [shape(feature["geometry"]) for feature in layer["features"]]
    return np.asarray(gpd.GeoSeries(geoms, crs=4326).to_crs(27700).array)


def _source_metres(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.to_crs(27700).geometry.array)


def _shared_borders(geoms: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of areas whose boundaries share a stretch of positive length."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right])) > 0
    return set(zip(left[shared].tolist(), right[shared].tolist(), strict=True))


def _overlap_m2(geoms: np.ndarray) -> float:
    return float(shapely.area(geoms).sum() - shapely.union_all(geoms).area)


def _without_slivers(geoms: np.ndarray) -> np.ndarray:
    kept = []
    for geom in geoms:
        parts = [p for p in shapely.get_parts(geom) if 2 * p.area / p.length >= SLIVER_WIDTH_M]
        kept.append(shapely.multipolygons(parts) if len(parts) > 1 else parts[0])
    return np.asarray(kept, dtype=object)


@pytest.fixture(scope="module")
def ward_source(wards: gpd.GeoDataFrame) -> np.ndarray:
    return _source_metres(wards)


@pytest.fixture(scope="module")
def ward_shapes(ward_layer: dict) -> np.ndarray:
    return _metres(ward_layer)


@pytest.fixture(scope="module")
def borough_shapes(borough_layer: dict) -> np.ndarray:
    return _metres(borough_layer)


def test_the_ward_layer_has_every_ward_named_by_its_code(ward_layer, wards) -> None:
    features = ward_layer["features"]
    assert ward_layer["type"] == "FeatureCollection"
    assert [f["id"] for f in features] == wards["code"].tolist()
    assert [f["properties"] for f in features] == [
        {"code": c, "name": n} for c, n in zip(wards["code"], wards["name"], strict=True)
    ]


def test_the_borough_layer_has_every_borough(borough_layer, boroughs) -> None:
    assert [f["id"] for f in borough_layer["features"]] == boroughs["code"].tolist()
    assert all(set(f["properties"]) == {"code", "name"} for f in borough_layer["features"])


@pytest.mark.parametrize("level", ["ward", "borough"])
def test_every_geometry_is_a_valid_polygon(level, ward_layer, borough_layer) -> None:
    layer = {"ward": ward_layer, "borough": borough_layer}[level]
    geoms = [shape(f["geometry"]) for f in layer["features"]]
    assert {g.geom_type for g in geoms} <= {"Polygon", "MultiPolygon"}
    assert all(g.is_valid and not g.is_empty for g in geoms)


def test_the_ward_layer_fits_its_size_budget(web_layers: dict[str, Path]) -> None:
    raw = web_layers["ward"].read_bytes()
    assert len(gzip.compress(raw, compresslevel=9)) <= WARD_BUDGET_GZIPPED
    assert len(gzip.compress(raw, compresslevel=6)) <= WARD_BUDGET_GZIPPED
    borough = web_layers["borough"].read_bytes()
    assert len(gzip.compress(borough, compresslevel=6)) <= BOROUGH_BUDGET_GZIPPED


def test_total_area_is_kept(ward_shapes, ward_source, borough_shapes, boroughs) -> None:
    for simplified, source in [
        (ward_shapes, ward_source),
        (borough_shapes, _source_metres(boroughs)),
    ]:
        ratio = shapely.area(simplified).sum() / shapely.area(source).sum()
        assert ratio == pytest.approx(1, abs=0.005)


def test_neighbours_do_not_overlap(ward_shapes, borough_shapes) -> None:
    assert _overlap_m2(ward_shapes) < 10
    assert _overlap_m2(borough_shapes) < 10


def test_no_gap_opens_between_wards(ward_shapes) -> None:
    union = shapely.union_all(ward_shapes)
    holes = [
        shapely.Polygon(ring).area for part in shapely.get_parts(union) for ring in part.interiors
    ]
    assert [area for area in holes if area > 1] == []


def test_wards_that_shared_a_border_still_do(ward_shapes, ward_source) -> None:
    before = _shared_borders(_without_slivers(ward_source))
    after = _shared_borders(ward_shapes)
    assert len(before) > 1900
    assert before <= after


def test_boroughs_that_shared_a_border_still_do(borough_shapes, boroughs) -> None:
    before = _shared_borders(_without_slivers(_source_metres(boroughs)))
    assert len(before) > 60
    assert before <= _shared_borders(borough_shapes)


def test_the_coverage_checks_catch_simplifying_each_polygon_alone(ward_source) -> None:
    alone = shapely.simplify(ward_source, 20)
    assert _overlap_m2(alone) > 10_000
    assert not _shared_borders(_without_slivers(ward_source)) <= _shared_borders(alone)


def test_shapes_stay_recognisable(ward_shapes, ward_source, borough_shapes, boroughs) -> None:
    # Visvalingam-Whyatt bounds triangle areas, not distances: a long thin corner
    # can move the outline a few times the tolerance.
    ward_shift = shapely.hausdorff_distance(ward_shapes, ward_source)
    assert ward_shift.max() < 4 * WARD_TOLERANCE_M
    assert np.median(ward_shift) < 2
    borough_shift = shapely.hausdorff_distance(borough_shapes, _source_metres(boroughs))
    assert borough_shift.max() < 4 * BOROUGH_TOLERANCE_M
    assert shapely.get_num_coordinates(ward_shapes).sum() > 0.9 * 25_770


def test_coordinates_are_rounded_and_never_repeat(web_layers, ward_layer, borough_layer) -> None:
    for level in ("ward", "borough"):
        text = web_layers[level].read_text()
        assert not re.search(r"\.\d{6}", text)
    for layer in (ward_layer, borough_layer):
        for feature in layer["features"]:
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]]
            if geometry["type"] == "MultiPolygon":
                polygons = geometry["coordinates"]
            for ring in (ring for polygon in polygons for ring in polygon):
                assert ring[0] == ring[-1]
                assert all(a != b for a, b in itertools.pairwise(ring)), feature["id"]


def test_exterior_rings_wind_clockwise_for_d3(ward_layer) -> None:
    polygons = shapely.get_parts([shape(f["geometry"]) for f in ward_layer["features"]])
    assert not shapely.is_ccw(shapely.get_exterior_ring(polygons)).any()


def test_the_files_are_compact_and_named_by_their_content(web_layers) -> None:
    for level, path in web_layers.items():
        raw = path.read_bytes()
        assert raw == geojson_bytes(json.loads(raw))
        assert b": " not in raw
        stem = {"ward": "wards", "borough": "boroughs"}[level]
        assert path.name == f"{stem}-{hashlib.sha256(raw).hexdigest()[:12]}.geojson"
    manifest = json.loads((web_layers["ward"].parent / MANIFEST).read_text())
    assert manifest == {level: path.name for level, path in web_layers.items()}


def test_building_again_reuses_the_files(raw_dir, web_layers) -> None:
    out_dir = web_layers["ward"].parent
    before = {p.name: p.stat().st_mtime_ns for p in out_dir.iterdir()}
    assert build_web_layers(raw_dir, out_dir) == web_layers
    assert {p.name: p.stat().st_mtime_ns for p in out_dir.iterdir()} == before


def _frame(geoms: list, crs: str = "EPSG:27700") -> gpd.GeoDataFrame:
    codes = [f"A{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"code": codes, "name": codes}, geometry=geoms, crs=crs)


def test_a_wiggly_shared_edge_is_simplified_once_for_both_sides() -> None:
    x0, y0 = 530_000, 180_000
    wiggle = [(x0 + 500 + (3 if i % 2 else -3), y0 + 10 * i) for i in range(101)]
    west = shapely.Polygon([(x0, y0), *wiggle, (x0, y0 + 1000)])
    east = shapely.Polygon([(x0 + 1000, y0), (x0 + 1000, y0 + 1000), *reversed(wiggle)])
    layer = web_geojson(_frame([west, east]), tolerance=20)
    a, b = _metres(layer)
    assert shapely.get_num_coordinates(a) < 20
    assert a.intersection(b).length == pytest.approx(1000, rel=0.01)
    assert a.intersection(b).area == 0
    assert (a.area + b.area) == pytest.approx(1_000_000, rel=0.001)


def test_overlapping_input_is_cleaned_into_a_coverage() -> None:
    x0, y0 = 530_000, 180_000
    left = box(x0, y0, x0 + 1010, y0 + 1000)
    right = box(x0 + 1000, y0, x0 + 2000, y0 + 1000)
    a, b = _metres(web_geojson(_frame([left, right]), tolerance=10))
    assert a.intersection(b).area < 1
    assert a.union(b).area == pytest.approx(2_000_000, rel=0.001)


def test_an_invalid_polygon_is_repaired() -> None:
    x0, y0 = 530_000, 180_000
    bowtie = shapely.Polygon([(x0, y0), (x0 + 1000, y0 + 1000), (x0 + 1000, y0), (x0, y0 + 1000)])
    (geom,) = _metres(web_geojson(_frame([bowtie]), tolerance=10))
    assert geom.is_valid
    assert geom.area == pytest.approx(500_000, rel=0.01)


def test_the_geo_package_never_imports_dash_or_flask() -> None:
    code = (
        "import sys, geo.boundaries, geo.register, geo.check, geo.web;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'dash', 'flask'});"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
