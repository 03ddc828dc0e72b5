"""Time from upload to published, as a member of staff does it: keep the files, check
them against the published version (read, stitch, compare, write the draft), publish.

    python bench/refresh.py [RAW_DIR] [--database-url URL]

The published version is the real data with its latest month (February 2026) held
back from the ward and knife files, written in the official layouts; the uploads are:
  1. one month of ward data: the ward file's February 2026 column (official CSV);
  2. the full knife file, 2022-03 to 2026-02 (official CSV).
Each is timed with the read cache as the running app keeps it (warm: the published
files were read at ingest), and the first upload also with an empty cache (cold: a
new machine whose cache folder was lost). Target on the 2-core machine: under 5 s
from upload to published for the month of ward data.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from data import refresh  # noqa: E402
from data.ingest import ingest, raw_sources  # noqa: E402
from data.readcache import ReadCache  # noqa: E402
from data.readers import SourceFile  # noqa: E402
from data.store.store import Store  # noqa: E402
from geo.register import area_register  # noqa: E402
from tests import official  # noqa: E402


def base_sources(raw: Path) -> list[SourceFile]:
    """The real raw files, with the recent ward and knife files ending January 2026."""
    months = [c for c in official.ward_frame(raw).columns if c.isdigit() and c <= "202601"]
    held_back = {
        "recorded-crime-ward.parquet": SourceFile(
            "MPS_Ward_Level_Crime_to_Jan2026.csv", official.ward_csv(raw, months)
        ),
        "monthly-crime-dashboard.parquet": SourceFile(
            "MPS_MonthlyCrimeDashboard_to_Jan2026.csv",
            official.to_csv(official.dashboard_frame(raw, until="2026-01")),
        ),
    }
    return [held_back.get(s.name, s) for s in raw_sources(raw)]


def timed_upload(store, register, reads, name: str, content: bytes) -> dict[str, float]:
    t0 = time.perf_counter()
    upload = store.add_upload([(name, content)], actor="bench")
    t1 = time.perf_counter()
    report = refresh.check_upload(store, upload, register, read=reads.read)
    t2 = time.perf_counter()
    if not report.ok:
        raise SystemExit(f"{name} was refused: {report.errors[:3]}")
    refresh.publish_upload(store, upload, register, actor="bench", read=reads.read)
    t3 = time.perf_counter()
    return {"keep": t1 - t0, "check": t2 - t1, "publish": t3 - t2, "total": t3 - t0}


def show(label: str, t: dict[str, float], size: int) -> None:
    print(f"{label:<44} {size / 2**20:6.2f} MB  keep {t['keep']:5.2f} s  check {t['check']:5.2f} s"
          f"  publish {t['publish']:5.2f} s  upload to published {t['total']:5.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir", nargs="?", default=str(REPO.parent / "shared" / "data" / "raw"))
    parser.add_argument("--database-url")
    args = parser.parse_args()
    raw = Path(args.raw_dir)
    register = area_register(raw)
    ward_month = official.ward_csv(raw, ["202602"])
    knife_full = official.to_csv(official.dashboard_frame(raw))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        store = Store(url)
        reads = ReadCache(Path(tmp) / "reads", refresh.READ_REVISION)
        started = time.perf_counter()
        ingest(store, base_sources(raw), register, actor="bench", read=reads.read)
        print(f"base version (real data to January 2026): {time.perf_counter() - started:.2f} s")
        base = store.published_version_id()

        show("1. one month of ward data (cold cache)",
             timed_upload(store, register, ReadCache(Path(tmp) / "cold",
                          refresh.READ_REVISION), "ward-2026-02.csv", ward_month),
             len(ward_month))  # fmt: skip
        refresh.rollback(store, base, actor="bench")
        # The same month again, as another upload: with the cache the app keeps.
        show("1. one month of ward data (warm cache)",
             timed_upload(store, register, reads, "ward-2026-02 (again).csv",
                          ward_month + b"\n"), len(ward_month))  # fmt: skip
        show("2. the full knife file (warm cache)",
             timed_upload(store, register, reads, "knife-full.csv", knife_full),
             len(knife_full))  # fmt: skip
        counts, _ = store.load_counts(store.published_version_id(), ["knife_crime"])
        print(f"published version {store.published_version_id()}: knife crime to "
              f"{pd.Timestamp(counts['month'].max()):%Y-%m}")  # fmt: skip
        store.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
