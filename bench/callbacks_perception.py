"""Server time and response size of the perception page's callbacks, on the real data.

    python bench/callbacks_perception.py [--data-dir DIR] [--calls N]

Each call is the plain view function a callback runs plus serialising its answer as
Dash does (`dash._utils.to_json`). The first call of a measure computes its figures
(intervals and tests for every quarter and borough) and memoises them; later calls
cycle through random measures, boroughs, quarters and crime measures.
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

from callbacks import perception as view  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import funnel  # noqa: E402

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
    settings = Settings.from_env({"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING"})
    ensure_ready(settings)
    ds = DataService(settings).dataset()
    if ds is None:
        sys.exit("nothing is published: set WEC_RAW_DIR to the raw data folder")
    rng = random.Random(1)
    measures = view._values(view.measure_options(ds))
    areas = view._values(view.area_options())
    crimes = view._values(view.crime_options(ds))
    states = []
    for _ in range(args.calls):
        measure = rng.choice(measures)
        chosen = {"measure": measure, "area": rng.choice(areas), "crime": rng.choice(crimes)}
        quarters = view._values(view.quarter_options(ds, view.perception.find_measure(ds, measure)))
        chosen["quarter"] = rng.choice(quarters)
        states.append(view.perception_state(ds, chosen))

    first = view.perception_state(ds, {})
    funnel.clear_memo()
    report("state and controls, cold memo", [timed(lambda: view.control_panel(ds, first))])
    funnel.clear_memo()
    report("trend view, cold memo", [timed(lambda: view.trend_view(ds, first))])
    report("state and controls", [timed(lambda s=s: view.control_panel(ds, s)) for s in states])
    report("trend view", [timed(lambda s=s: view.trend_view(ds, s)) for s in states])
    report("map view", [timed(lambda s=s: view.map_view(ds, s, URL)) for s in states])
    report("beside recorded crime", [timed(lambda s=s: view.beside_view(ds, s)) for s in states])
    report("homicide view", [timed(lambda s=s: view.homicide_view(ds, s)) for s in states])
    report("CSV download", [timed(lambda s=s: view.perception_csv(ds, s)) for s in states])
    report(
        "profile panel (random boroughs)",
        [timed(lambda s=s: view.perception_panel(ds, s["area"])) for s in states],
    )


if __name__ == "__main__":
    main()
