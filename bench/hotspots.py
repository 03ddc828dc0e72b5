"""Time to compute every hot-spot class for every ward (and small area) of a measure.

    python bench/hotspots.py [--data-dir DIR] [--repeats N]

A cold run empties the memo first: contiguity is built once per process (its time is
printed apart), then Gi* for 24 rolling windows with conditional permutation, the
false-discovery correction, the trend tests, the persistence rules and the reasons.
A warm run is the same call again on the same data version: the memo answers.
Target: under 2 s cold for all wards of one measure, cached per data version.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import funnel  # noqa: E402
from geo.hotspots import area_hotspots  # noqa: E402

RUNS = (
    ("knife_crime", "ward"),
    ("knife_crime_injury", "ward"),
    ("knife_injury_victims_1_24_non_da", "ward"),
    ("possession_of_weapons", "ward"),
    ("possession_of_weapons", "lsoa"),
    ("violence_against_the_person", "lsoa"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.from_env({"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING"})
    ensure_ready(settings)
    service = DataService(settings)
    ds = service.dataset()
    for level in ("ward", "lsoa"):
        start = time.perf_counter()
        weights = service.contiguity(level)
        print(
            f"contiguity {level:5s}: {time.perf_counter() - start:6.2f} s "
            f"({weights.n:,} areas, {weights.adjacency.nnz:,} neighbour pairs)"
        )
    print(
        f"{'measure':34s} {'level':5s} {'cold s (median)':>16s} {'warm ms':>8s} "
        f"{'flagged':>8s} {'Gi* hot':>8s}"
    )
    for measure, level in RUNS:
        weights = service.contiguity(level)
        cold = []
        for _ in range(args.repeats):
            funnel.clear_memo()
            start = time.perf_counter()
            result = area_hotspots(ds, weights, measure)
            cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        area_hotspots(ds, weights, measure)
        warm = (time.perf_counter() - start) * 1000
        table = result.table
        print(
            f"{measure:34s} {level:5s} {statistics.median(cold):16.2f} {warm:8.2f} "
            f"{int(table['flagged'].sum()):8,} {int(table['hot'].sum()):8,}"
        )


if __name__ == "__main__":
    main()
