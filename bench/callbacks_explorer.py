"""Server time and response size of the map explorer's interactions, on the real data.

    python bench/callbacks_explorer.py [--data-dir DIR] [--calls N]

Each interaction is `callbacks.explorer.explorer_update` plus serialising its answer
as Dash does (`dash._utils.to_json`), i.e. the server's share of a click. Calls cycle
through views, so the first call of each view is "cold" (the query and its exact
tests run) and later ones hit the per-version cache; both are printed.
Targets: p95 under 50 ms; a measure change under twice the bytes of the values.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dash._utils import to_json  # noqa: E402

from callbacks import explorer as cb  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from layouts import ids  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Session:
    """A page: each answer's view store and URL feed the next call, as in a browser."""

    def __init__(self, ds, urls: Callable[[str], str | None], search: str):
        self.ds, self.urls, self.search, self.view = ds, urls, search, None
        self.call(None)

    def call(self, trigger: str | None, payload=None) -> tuple[float, dict, int]:
        started = time.perf_counter()
        out = cb.explorer_update(
            self.ds,
            self.urls,
            trigger=trigger,
            payload=payload,
            search=self.search,
            view_data=self.view,
        )
        body = to_json(out)
        seconds = time.perf_counter() - started
        self.view = out.get(cb.key(ids.MAP_VIEW, "data"), self.view)
        self.search = out.get(cb.key(ids.MAP_URL, "search"), self.search)
        return seconds, out, len(body.encode())


def _cycle(items: list) -> Iterator:
    while True:
        yield from items


def run(name: str, session: Session, steps: Iterator[tuple], calls: int) -> dict:
    times, cold = [], []
    seen = set()
    for _ in range(calls):
        trigger, payload, reset = next(steps)
        if reset is not None:
            session.call(*reset)  # not timed: puts the page back before the timed step
        seconds, _, _ = session.call(trigger, payload)
        view_key = json.dumps(session.view["state"], sort_keys=True)
        (times if view_key in seen else cold).append(seconds * 1000)
        seen.add(view_key)
    every = times + cold
    row = {
        "interaction": name,
        "calls": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(_percentile(every, 95), 1),
        "warm_p50_ms": round(statistics.median(times), 1) if times else None,
        "warm_p95_ms": round(_percentile(times, 95), 1) if times else None,
        "cold_calls": len(cold),
        "cold_median_ms": round(statistics.median(cold), 1) if cold else None,
    }
    print(
        f"{name:<22} {row['calls']:>4} calls  p50 {row['p50_ms']:>6.1f} ms  "
        f"p95 {row['p95_ms']:>6.1f} ms  | warm p50 {row['warm_p50_ms']} ms, "
        f"p95 {row['warm_p95_ms']} ms | {row['cold_calls']} cold, median "
        f"{row['cold_median_ms']} ms"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", help="a WEC_DATA_DIR with a published version")
    parser.add_argument("--calls", type=int, default=240)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wec-bench-") as scratch:
        settings = Settings.from_env(
            {"WEC_DATA_DIR": args.data_dir or scratch, "LOG_LEVEL": "WARNING"}
        )
        bench(settings, args.calls)


def bench(settings: Settings, calls: int) -> None:
    started = time.perf_counter()
    ensure_ready(settings)
    service = DataService(settings)
    ds = service.dataset()
    print(f"data ready in {time.perf_counter() - started:.1f} s (version {ds.version_id})\n")

    with_data = [m for m in ds.measures.index if ds.has_data(m, "ward")]
    measures = _cycle([("choice", {"changed": "measure", "measure": m}, None) for m in with_data])
    periods = _cycle(
        [
            ("choice", {"changed": "period", "period": p}, None)
            for p in ("r12", "m", "fy2025", "fy2024", "fy2023", "fy2022")
        ]
        + [
            ("choice", {"changed": "period", "period": "custom", "from": f, "to": "2025-12"}, None)
            for f in ("2025-01", "2024-07", "2023-01")
        ]
    )
    values = _cycle([("value", v, None) for v in ("rate", "change", "count")])
    boroughs = ds.areas.index[(ds.areas["level"] == "borough") & ds.areas["covered"]].tolist()
    drills = _cycle([("click", {"points": [{"location": b}]}, ("back", None)) for b in boroughs])

    rows = [
        run("change measure", Session(ds, service.geojson_url, "?level=ward"), measures, calls),
        run("change period", Session(ds, service.geojson_url, "?level=ward"), periods, calls),
        run("change value", Session(ds, service.geojson_url, "?level=ward"), values, calls),
        run(
            "drill into a borough",
            Session(ds, service.geojson_url, "?level=borough"),
            drills,
            calls,
        ),
    ]

    # Bytes of a measure change against the bytes of the values themselves.
    page = Session(ds, service.geojson_url, "?level=ward&measure=knife_crime")
    _, out, whole = page.call("choice", {"changed": "measure", "measure": "knife_crime_injury"})
    patch = to_json(out[cb.key(ids.MAP, "figure")]).encode()
    layer = cb.map_layer(ds, "knife_crime_injury", "ward", "r12", "count")
    values_only = json.dumps(
        [
            [c, n, None if v != v else v]  # NaN -> null
            for c, n, v in zip(
                layer.frame["code"], layer.frame["name"], layer.frame["shown"], strict=True
            )
        ],
        separators=(",", ":"),
    ).encode()
    full = to_json(page.call("level", "borough")[1][cb.key(ids.MAP, "figure")]).encode()
    geo = Path(settings.web_dir) / service.geo_manifest()["ward"]
    print()
    print(f"values with their labels ({len(layer.frame)} wards): {len(values_only):>8,} bytes")
    print(
        f"measure change, map Patch:              {len(patch):>8,} bytes "
        f"({len(patch) / len(values_only):.2f}x the values; gzipped {len(gzip.compress(patch)):,})"
    )
    print(
        f"measure change, whole response:         {whole:>8,} bytes "
        f"({whole / len(values_only):.2f}x; gzipped {len(gzip.compress(to_json(out).encode())):,})"
    )
    print(f"level switch, new figure (borough):     {len(full):>8,} bytes")
    print(
        f"ward boundaries, sent once:             {geo.stat().st_size:>8,} bytes "
        f"(gzipped {len(gzip.compress(geo.read_bytes(), 9)):,})"
    )
    worst = max(r["p95_ms"] for r in rows)
    print(
        f"\nworst p95 {worst:.1f} ms (target < 50 ms); measure change "
        f"{len(patch) / len(values_only):.2f}x the values (target < 2x)"
    )


if __name__ == "__main__":
    main()
