"""Server time and response size of the map's interactions, on the real data.

    python bench/callbacks_map.py [--data-dir DIR] [--calls N]

Each interaction is `callbacks.map.show` plus serialising its answer as Dash does
(`dash._utils.to_json`), i.e. the server's share of a click. Calls cycle through
views, so the first call of each view is "cold" (the query and its exact tests run)
and later ones hit the view cache (`Dataset.cached`); both are printed.
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

from dash import no_update  # noqa: E402
from dash._utils import to_json  # noqa: E402

from callbacks.map import show  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from presenters.common.map_paint import map_layer  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def sent(out: dict) -> dict:
    """The outputs Dash sends: every one but those left unchanged."""
    return {k: v for k, v in out.items() if v is not no_update}


class Session:
    """A page: each answer's address and drawn map feed the next call, as in a browser."""

    def __init__(self, ds, urls: Callable[[str], str | None], search: str):
        self.ds, self.urls, self.search, self.drawn = ds, urls, search, None
        self.call(None)

    def call(self, action: dict | None) -> tuple[float, dict, int]:
        started = time.perf_counter()
        out = show(self.ds, self.urls, self.search, action, drawn=self.drawn)
        body = to_json(sent(out))
        seconds = time.perf_counter() - started
        self.drawn = out.get("drawn", self.drawn)
        if out.get("search", no_update) is not no_update:
            self.search = out["search"]
        return seconds, out, len(body.encode())


def _cycle(items: list) -> Iterator:
    while True:
        yield from items


def run(name: str, session: Session, steps: Iterator[tuple], calls: int) -> dict:
    times, cold = [], []
    seen = set()
    for _ in range(calls):
        action, reset = next(steps)
        if reset is not None:
            session.call(reset)  # not timed: puts the page back before the timed step
        seconds, _, _ = session.call(action)
        view_key = session.search
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
    measures = _cycle([({"changed": "measure", "measure": m}, None) for m in with_data])
    periods = _cycle(
        [
            ({"changed": "period", "period": p}, None)
            for p in ("r12", "m", "fy2025", "fy2024", "fy2023", "fy2022")
        ]
        + [
            ({"changed": "period", "period": "range", "start": f, "end": "2025-12"}, None)
            for f in ("2025-01", "2024-07", "2023-01")
        ]
    )
    values = _cycle([({"changed": "value", "value": v}, None) for v in ("rate", "change", "count")])
    boroughs = ds.areas.index[(ds.areas["level"] == "borough") & ds.areas["covered"]].tolist()
    drills = _cycle([({"changed": "click", "area": b}, {"changed": "back"}) for b in boroughs])

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
    _, out, whole = page.call({"changed": "measure", "measure": "knife_crime_injury"})
    patch = to_json(out["figure"]).encode()
    table = to_json(page.call({"changed": "table"})[1]["table"]).encode()
    layer = map_layer(ds, "knife_crime_injury", "ward", "r12", "count")
    values_only = json.dumps(
        [
            [c, n, None if v != v else v]  # NaN -> null
            for c, n, v in zip(
                layer.frame["code"], layer.frame["name"], layer.frame["shown"], strict=True
            )
        ],
        separators=(",", ":"),
    ).encode()
    full = to_json(page.call({"changed": "level", "level": "borough"})[1]["figure"]).encode()
    geo = Path(settings.web_dir) / service.geo_manifest()["ward"]
    print()
    print(f"values with their labels ({len(layer.frame)} wards): {len(values_only):>8,} bytes")
    print(
        f"measure change, map Patch:              {len(patch):>8,} bytes "
        f"({len(patch) / len(values_only):.2f}x the values; gzipped {len(gzip.compress(patch)):,})"
    )
    zipped = len(gzip.compress(to_json(sent(out)).encode()))
    print(
        f"measure change, whole response:         {whole:>8,} bytes "
        f"({whole / len(values_only):.2f}x; gzipped {zipped:,})"
    )
    print(
        f"the table's model, when asked for:       {len(table):>8,} bytes "
        f"(gzipped {len(gzip.compress(table)):,})"
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
