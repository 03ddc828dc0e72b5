"""Time to find every hot-spot class for every ward and small area of a measure, and
what each definition flags on the real data.

    python bench/hotspots.py [--data-dir DIR] [--repeats N] [--no-figures]

Neighbours are loaded from the files saved at the boundary build (their load time is
printed; the build itself is timed apart, once). "compute" is a full computation
(`compute_hotspots`: persistent hot spots, concentration, Gi* in 24 rolling windows
with conditional permutation, false-discovery correction, seasonal trend tests,
classes, reasons and the sensitivity table) in a warm process; "cold" is the first
call through the app's one view cache (data/cache.py) after it is emptied; "warm" is the
same call again, which the cache answers. Target: under 2 s warm. Then the hot-spot
page's whole view model (presenters.hotspots.view) for each run, cold (the hot spots
already worked out) and warm, with a borough for the small areas so a map is drawn.

Then, for each measure and level, the figures docs/METHODS.md quotes: the share of
offences in the top 1, 5 and 10% of areas, and for each definition in the
sensitivity table the areas it flags and the share of offences they hold; and the
check of the ward neighbours against the wards rebuilt from LSOA polygons.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import shapely  # noqa: E402

from dashboard.cache import view_cache  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data.areas import CITY_OF_LONDON_CODE  # noqa: E402
from geo.boundaries import (  # noqa: E402
    BRITISH_NATIONAL_GRID,
    load_wards,
    wards_from_lsoas,
)
from geo.hotspots import area_hotspots, compute_hotspots  # noqa: E402
from geo.weights import build_weights, contiguity_of, postcode_links  # noqa: E402
from presenters import hotspots as page  # noqa: E402

RUNS = (
    ("knife_crime", "ward"),
    ("knife_crime_injury", "ward"),
    ("knife_injury_victims_1_24_non_da", "ward"),
    ("possession_of_weapons", "ward"),
    ("possession_of_weapons", "lsoa"),
    ("violence_against_the_person", "lsoa"),
)


def timings(service: DataService, settings: Settings, ds, repeats: int) -> dict:
    print(
        f"{'measure':34s} {'level':5s} {'compute s':>10s} {'cold s':>7s} {'warm ms':>8s} "
        f"{'persistent':>10s} {'Gi* hot':>8s} {'Gi* cold':>8s}"
    )
    results = {}
    for measure, level in RUNS:
        weights = service.contiguity(level)
        computed = []
        for _ in range(repeats):
            start = time.perf_counter()
            compute_hotspots(ds, weights, measure)
            computed.append(time.perf_counter() - start)
        ds.views = view_cache(settings)  # an empty cache
        start = time.perf_counter()
        result = area_hotspots(ds, weights, measure)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        area_hotspots(ds, weights, measure)
        warm = (time.perf_counter() - start) * 1000
        table = result.table
        print(
            f"{measure:34s} {level:5s} {statistics.median(computed):10.2f} {cold:7.2f} "
            f"{warm:8.2f} {int(table['persistent'].sum()):10,} {int(table['hot'].sum()):8,} "
            f"{int(table['cold'].sum()):8,}"
        )
        results[(measure, level)] = result
    return results


def page_timings(service: DataService, ds) -> None:
    """The page's view model, with the hot spots already in the cache."""
    print(f"\n{'page view':34s} {'level':5s} {'cold ms':>8s} {'warm ms':>8s}")
    for measure, level in RUNS:
        borough = "E09000022" if level == "lsoa" else None
        state = page.settle(ds, page.HotspotsState(measure, level, borough=borough))
        area_hotspots(ds, service.contiguity(level), measure)  # in the cache
        start = time.perf_counter()
        page.view(ds, state, service)
        cold = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        page.view(ds, state, service)
        warm = (time.perf_counter() - start) * 1000
        print(f"{measure:34s} {level:5s} {cold:8.1f} {warm:8.1f}")


def figures(results: dict) -> None:
    for (measure, level), result in results.items():
        years = int(result.table["years"].iloc[0])
        print(f"\n{measure} by {level}, 12 months to {result.windows[-1]:%B %Y}")
        print(f"  separate years judged: {years}; Gini of counts {result.gini:.3f}")
        for row in result.concentration.itertuples():
            print(
                f"  top {row.share_of_areas_named:>4.0%} of areas ({row.areas:,}): "
                f"{row.share_of_offences:6.1%} of offences"
            )
        print(f"  {'definition':32s} {'flagged':>8s} {'of areas':>9s} {'of offences':>12s}")
        for row in result.sensitivity.itertuples():
            print(
                f"  {row.definition:32s} {row.flagged:8,} {row.share_of_areas:9.1%} "
                f"{row.share_of_offences:12.1%}{'  (used)' if row.used else ''}"
            )


def neighbours(raw_dir: Path, service: DataService) -> None:
    used = service.contiguity("ward")
    layer = load_wards(raw_dir)
    layer = layer[layer["borough_code"] != CITY_OF_LONDON_CODE]
    generalised = contiguity_of(layer, "ward")
    rebuilt_layer = wards_from_lsoas(raw_dir)
    rebuilt_layer = rebuilt_layer[rebuilt_layer["code"].isin(generalised.codes)].copy()
    rebuilt_layer["name"] = rebuilt_layer["code"]
    rebuilt_layer["borough_code"] = ""
    rebuilt = contiguity_of(rebuilt_layer, "ward")
    # How well the best-fit wards fit the wards: the overlap of each rebuilt ward with
    # its (generalised) ward, as intersection over union.
    true = layer.to_crs(BRITISH_NATIONAL_GRID).set_index("code").geometry
    fit = rebuilt_layer.set_index("code").geometry.reindex(true.index)
    iou = shapely.area(shapely.intersection(true.array, fit.array)) / shapely.area(
        shapely.union(true.array, fit.array)
    )
    land = shapely.union_all(layer.to_crs(BRITISH_NATIONAL_GRID).geometry.array).buffer(1.0)
    evidence = postcode_links(raw_dir, set(generalised.codes), land)
    a, b = generalised.links(), rebuilt.links()
    print("\nward neighbours")
    median = float(sorted(iou)[len(iou) // 2])
    print(
        f"  best-fit wards from LSOAs: overlap with their ward median {median:.0%}, "
        f"{(iou < 0.8).sum()} of {len(iou)} wards under 80%"
    )
    print(
        f"  links: generalised {len(a):,}, LSOA-rebuilt {len(b):,}, only generalised "
        f"{len(a - b):,}, only rebuilt {len(b - a):,} ({len(a ^ b) / len(a | b):.1%} of all)"
    )
    print(f"  postcode contacts (<100 m, on land): {len(evidence):,}")
    for name, links in (("generalised", a), ("LSOA-rebuilt", b), ("used", used.links())):
        held = len(evidence & links)
        print(f"    held by {name:13s}: {held:,} ({held / len(evidence):.1%})")
    print(f"  links used: {len(used.links()):,} ({len(used.links() - a)} added by postcodes)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-figures", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env({"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING"})
    ensure_ready(settings)
    service = DataService(settings)
    ds = service.dataset()
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        build_weights(settings.raw_dir, Path(scratch))
        print(f"neighbours built once per boundary build: {time.perf_counter() - start:.2f} s")
    for level in ("ward", "lsoa"):
        start = time.perf_counter()
        weights = service.contiguity(level)
        print(
            f"neighbours {level:5s} loaded: {(time.perf_counter() - start) * 1000:6.1f} ms "
            f"({weights.n:,} areas, {weights.adjacency.nnz // 2:,} pairs)"
        )
    for measure, level in RUNS[:1]:  # the first call fills the dataset's series
        compute_hotspots(ds, service.contiguity(level), measure)
    results = timings(service, settings, ds, args.repeats)
    page_timings(service, ds)
    if not args.no_figures:
        figures(results)
        neighbours(settings.raw_dir, service)


if __name__ == "__main__":
    main()
