"""What the funnel and change verdicts flag on the real data, and how long they take.

    python bench/verdicts.py [--data-dir DIR] [--period r12] [--calls N]

For every measure and level with data: how many areas sit outside the funnel's 99.8%
and 95% limits for chance alone (Poisson) and outside the limits that allow for the
usual differences between areas (Spiegelhalter 2005), with phi and tau; the dispersion
of monthly counts that the change tests allow for; and how many areas changed by their
own test (p < 0.05) and when all the level's areas are judged at once (q < 0.05).
Then the time of one view's values and funnel (`queries.map_values` and
`funnel.funnel_of`, no memo), beside a reference computation timed in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import funnel, queries  # noqa: E402

LEVELS = ("borough", "ward", "bcu")


def flagged(ds, period: str) -> None:
    header = (
        f"{'measure':34} {'level':7} {'areas':>5} {'P99.8':>5} {'P95':>4} {'A99.8':>5} "
        f"{'A95':>4} {'phi':>7} {'tau':>6} {'disp':>5} {'p<.05':>5} {'q<.05':>5}"
    )
    print(header)
    print("-" * len(header))
    for measure in ds.measures.index:
        if not pd.isna(ds.measures.loc[measure, "outcome_of"]):
            continue  # positive outcomes are not a level of crime
        for level in LEVELS:
            if not ds.has_data(measure, level):
                continue
            values = queries.map_values(ds, measure=measure, level=level, period=period)
            if not values.available:
                continue
            young = bool(ds.measures.loc[measure, "young"])
            found = funnel.funnel_of(values.frame, young=young)
            if found is None:
                continue
            ok = values.frame[values.frame["status"] == queries.OK]
            spread = found.overdispersion
            dispersion = values.dispersion.factor if values.dispersion else float("nan")
            print(
                f"{measure[:34]:34} {level:7} {len(found.points):5d} "
                f"{found.outside(poisson=True):5d} {found.outside(0.95, poisson=True):4d} "
                f"{found.outside():5d} {found.outside(0.95):4d} {spread.phi:7.2f} "
                f"{spread.tau:6.3f} {dispersion:5.2f} {(ok['p_value'] < 0.05).sum():5d} "
                f"{(ok['q_value'] < 0.05).sum():5d}"
            )
    print(
        "\nP: outside the Poisson limits (chance alone); A: outside the limits allowing for "
        "the spread between areas; phi: Spiegelhalter's Winsorised overdispersion factor; "
        "tau: that spread, per 1,000; disp: dispersion of monthly counts used by the change "
        "tests; p<.05 / q<.05: areas changed by their own test / with all areas judged at once."
    )


def timings(ds, period: str, calls: int) -> None:
    def once(level: str) -> float:
        started = time.perf_counter()
        values = queries.map_values(ds, measure="knife_crime", level=level, period=period)
        funnel.funnel_of(values.frame, young=False)
        return (time.perf_counter() - started) * 1000

    def reference() -> float:
        # A fixed amount of numpy work, to tell a slow machine from slow code.
        started = time.perf_counter()
        rng = np.random.default_rng(0)
        np.sort(rng.random(2_000_000))
        return (time.perf_counter() - started) * 1000

    ref = statistics.median(reference() for _ in range(calls))
    print(f"\nreference (sort 2m floats): median {ref:7.1f} ms")
    for level in ("ward", "borough"):
        once(level)
        times = [once(level) for _ in range(calls)]
        median = statistics.median(times)
        print(f"values + funnel, {level:7}: median {median:7.1f} ms ({median / ref:.2f} x ref)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--period", default="r12")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    settings = Settings.from_env(
        {"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING", "WEC_WARM_VIEWS": "false"}
    )
    ensure_ready(settings)
    ds = DataService(settings).dataset()
    if ds is None:
        sys.exit("nothing is published: set WEC_RAW_DIR to the raw data folder")
    flagged(ds, args.period)
    timings(ds, args.period, args.calls)


if __name__ == "__main__":
    main()
