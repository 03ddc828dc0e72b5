"""Server time and response size of the perception page, on the real data.

    python bench/callbacks_perception.py [--data-dir DIR] [--calls N]

Each call is what the page's callback runs (`callbacks.perception.show`: settle the
state from the address, the presenter's view, the components) plus serialising its
answer as Dash does (`dash._utils.to_json`). Cold calls run on an emptied view cache,
so the survey figures (intervals and tests for every quarter and borough) are worked
out again; a first call of each state then fills the cache with its figures; a second
call of the same states is what a person going Back, or a second visitor, gets.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dash._utils import to_json  # noqa: E402

from callbacks.perception import perception_panel, show  # noqa: E402
from dashboard.cache import view_cache  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import perception  # noqa: E402
from presenters import perception as presenter  # noqa: E402
from presenters.common.options import values  # noqa: E402
from presenters.perception import PerceptionState  # noqa: E402

URL = "/geo/boroughs.json"


def timed(call: Callable[[], object]) -> tuple[float, int]:
    started = time.perf_counter()
    size = len(to_json(call()))
    return (time.perf_counter() - started) * 1000, size


def report(name: str, results: list[tuple[float, int]]) -> None:
    times = sorted(t for t, _ in results)
    sizes = [s for _, s in results]
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{name:<40} n={len(times):>3}  p50 {statistics.median(times):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  "
        f"response {statistics.median(sizes) / 1024:6.1f} KB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    settings = Settings.from_env(
        {"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING", "WEC_WARM_VIEWS": "false"}
    )
    ensure_ready(settings)
    ds = DataService(settings).dataset()
    if ds is None:
        sys.exit("nothing is published: set WEC_RAW_DIR to the raw data folder")
    rng = random.Random(1)
    first = presenter.settle(ds, PerceptionState())
    measures = values(presenter.measure_options(ds))
    areas = values(presenter.area_options(ds))
    crimes = values(presenter.crime_options(ds))
    searches = []
    for _ in range(args.calls):
        measure = rng.choice(measures)
        quarters = values(presenter.quarter_options(ds, perception.find_measure(ds, measure)))
        state = PerceptionState(measure, rng.choice(areas), rng.choice(quarters),
                                rng.choice(crimes))  # fmt: skip
        searches.append(presenter.settle(ds, state).search())

    def empty_cache() -> None:
        ds.views = view_cache(settings)
        ds.views.backend.clear()

    empty_cache()
    report("page, cold cache", [timed(lambda: show(ds, first.search(), geojson_url=URL))])
    empty_cache()
    report("page, first call of each state", [timed(lambda s=s: show(ds, s, geojson_url=URL))
                                           for s in searches])  # fmt: skip
    report("the same pages again", [timed(lambda s=s: show(ds, s, geojson_url=URL))
                                    for s in searches])  # fmt: skip
    report("CSV download", [timed(lambda s=s: presenter.download(
        ds, presenter.settle(ds, PerceptionState.from_query(s)))) for s in searches])  # fmt: skip
    report("profile panel (random boroughs)",
           [timed(lambda s=s: perception_panel(ds, PerceptionState.from_query(s).area))
            for s in searches])  # fmt: skip


if __name__ == "__main__":
    main()
