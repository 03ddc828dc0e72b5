"""Build the web boundary layers into a temporary folder and print their figures.

    python bench/geo_layers.py [RAW_DIR]

Not a test: it reports build time, sizes (raw and gzipped at levels 6 and 9) and
vertex counts before and after simplification, for choosing tolerances.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geo.boundaries import load_boroughs, load_wards  # noqa: E402
from geo.web import BOROUGH_TOLERANCE_M, PRECISION, WARD_TOLERANCE_M, build_web_layers  # noqa: E402

SOURCES = {"ward": (load_wards, WARD_TOLERANCE_M), "borough": (load_boroughs, BOROUGH_TOLERANCE_M)}


def vertices(collection: dict) -> int:
    geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in collection["features"]]
    return int(shapely.get_num_coordinates(geoms).sum())


def main(raw_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        paths = build_web_layers(raw_dir, Path(tmp))
        built = time.perf_counter() - started
        started = time.perf_counter()
        build_web_layers(raw_dir, Path(tmp))
        rebuilt = time.perf_counter() - started
        print(f"build {built:.2f} s (again, reusing files: {rebuilt:.2f} s); precision {PRECISION}")
        for level, path in paths.items():
            load, tolerance = SOURCES[level]
            source = load(raw_dir)
            raw = path.read_bytes()
            print(
                f"{level:8} {path.name}: tolerance {tolerance:g} m, {len(source)} features, "
                f"{len(raw):,} bytes raw, {len(gzip.compress(raw, 6)):,} gzip-6, "
                f"{len(gzip.compress(raw, 9)):,} gzip-9, vertices "
                f"{int(shapely.get_num_coordinates(source.geometry.array).sum()):,} -> "
                f"{vertices(json.loads(raw)):,}"
            )


if __name__ == "__main__":
    default = REPO.parent / "shared" / "data" / "raw"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
