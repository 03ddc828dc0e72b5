"""Server time of the at-risk page and the area profile, on the real data.

    python bench/callbacks_pages.py [--data-dir DIR] [--calls N]

Each call is the plain `show` function a callback runs plus serialising its answer as
Dash does (`dash._utils.to_json`). The first call of a view works out the query, its
exact tests and the page's view model; later ones read them from the one view cache
(data/cache.py). Cold calls are timed once on an emptied cache; then the warm-up the app
runs in the background when it loads a version (`data.profiles.warm`); then N calls
cycle through views and random areas.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dash._utils import to_json  # noqa: E402

from callbacks import at_risk, profile  # noqa: E402
from dashboard.cache import view_cache  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import profiles  # noqa: E402

QUERIES = (
    {},
    {"level": "borough"},
    {"measure": "knife_injury_victims_1_24_non_da"},
    {"measure": "knife_crime_injury", "period": "fy2024"},
    {"measure": "possession_of_weapons", "period": "m"},
    {"measure": "homicide_knife", "level": "borough"},
    {"bcu": "BCU-CENTRAL-SOUTH"},
    {"borough": "E09000022", "order": "count"},
    {"period": "2025-01..2025-06"},
    {"measure": "gun_crime"},
)
TREND_MEASURES = ("knife_crime", "knife_crime_outcomes", "possession_of_weapons", "homicide_knife")


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    answer = call()
    if not isinstance(answer, tuple | dict):
        answer = {"value": answer}
    to_json(answer)
    return (time.perf_counter() - started) * 1000


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{name:<44} n={len(ordered):>3}  p50 {statistics.median(ordered):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    # The app warms the profile views in a background thread; here that is timed apart.
    settings = Settings.from_env(
        {"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING", "WEC_WARM_VIEWS": "false"}
    )
    ensure_ready(settings)
    ds = DataService(settings).dataset()
    if ds is None:
        sys.exit("nothing is published: set WEC_RAW_DIR to the raw data folder")

    def empty_cache() -> None:
        ds.views = view_cache(settings)  # a new in-process cache holds nothing

    rng = random.Random(1)
    searches = ["?" + urlencode(q) if q else "" for q in QUERIES]
    cycle = [searches[i % len(searches)] for i in range(args.calls)]
    areas = ds.areas.index[ds.areas["level"].isin(["ward", "borough", "bcu"])].tolist()
    sample = [rng.choice(areas) for _ in range(args.calls)]
    measures = [f"?measure={rng.choice(TREND_MEASURES)}" for _ in range(args.calls)]

    empty_cache()
    report("at-risk page, cold cache", [timed(partial(at_risk.show, ds, ""))])
    empty_cache()
    report("profile page, cold cache (a ward)", [timed(partial(profile.show, ds, "E05014098"))])
    empty_cache()
    report("warm-up of the profile views (app: background)", [timed(partial(profiles.warm, ds))])
    report("at-risk page (10 views in turn)", [timed(partial(at_risk.show, ds, s)) for s in cycle])
    report("profile page (random areas)", [timed(partial(profile.show, ds, c)) for c in sample])
    report(
        "profile trend (random areas and measures)",
        [
            timed(partial(profile.show_trend, ds, c, m))
            for c, m in zip(sample, measures, strict=True)
        ],
    )
    report("profile CSV download", [timed(partial(profile.download, ds, c)) for c in sample])
    report("profile list of areas (/area)", [timed(partial(profile.show, ds, ""))])


if __name__ == "__main__":
    main()
