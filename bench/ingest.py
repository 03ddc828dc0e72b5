"""Full ingest of the raw data and loading the published version: time and peak memory.

    python bench/ingest.py [RAW_DIR] [--database-url URL]

Each step runs in a fresh process so its peak memory (max RSS) is its own.
Targets on the 2-core machine: ingest under 30 s and 1.5 GB; load under 2 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _ingest(raw_dir: str, url: str) -> dict:
    from data.ingest import ingest, raw_sources
    from data.store.store import Store
    from geo.register import area_register

    started = time.perf_counter()
    store = Store(url)
    report = ingest(store, raw_sources(Path(raw_dir)), area_register(Path(raw_dir)), actor="bench")
    return {"seconds": time.perf_counter() - started, "version": report.version_id,
            "rows": report.row_counts}  # fmt: skip


def _load(url: str) -> dict:
    from data.dataset import Dataset
    from data.store.store import Store

    store = Store(url)
    started = time.perf_counter()
    version = store.published_version_id()
    tables = store.load(version)
    loaded = time.perf_counter()
    ds = Dataset(version, tables)
    ds.series("knife_crime", "ward")
    return {"seconds": time.perf_counter() - started, "store_seconds": loaded - started}


def _child(step: str, raw_dir: str, url: str) -> None:
    result = _ingest(raw_dir, url) if step == "ingest" else _load(url)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir", nargs="?", default=str(REPO.parent / "shared" / "data" / "raw"))
    parser.add_argument("--database-url")
    parser.add_argument("--child", choices=["ingest", "load"])
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.raw_dir, args.database_url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        for step in ("ingest", "load"):
            out = subprocess.run(
                [sys.executable, __file__, args.raw_dir, "--database-url", url, "--child", step],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            r = json.loads(out)
            extra = f" (store read {r['store_seconds']:.2f} s)" if step == "load" else ""
            print(f"{step:>6}: {r['seconds']:6.2f} s{extra}, peak memory {r['peak_mb']:7.1f} MB")
            if step == "ingest":
                print("        rows: " + ", ".join(f"{k} {v:,}" for k, v in r["rows"].items()))


if __name__ == "__main__":
    main()
