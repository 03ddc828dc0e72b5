"""A monthly refresh from upload to published: time of each step, on the real data.

    python bench/refresh.py [RAW_DIR] [--database-url URL]

The published version is the real data with the last month (February 2026) held back
from the ward and knife files. Then, as staff would:

1. one month of ward data: the February column of the MPS ward file, in the
   Datastore's CSV layout (the official upper-case headers);
2. the full knife file: the whole Monthly Crime Dashboard knife file as CSV.

Each is stored, checked against the published version (its report and draft written)
and published, timed step by step, as `wec upload FILE --publish` does. The read cache
(`data/readcache.py`) is as the app keeps it: the published version's files were read
when it was built, so only the uploaded file is read. Target on the 2-core machine:
under 5 s from upload to published for one month of ward data.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from data import refresh  # noqa: E402
from data.ingest import ingest, raw_sources  # noqa: E402
from data.readcache import ReadCache  # noqa: E402
from data.readers import SourceFile  # noqa: E402
from data.refresh import READ_REVISION  # noqa: E402
from data.store.store import Store  # noqa: E402
from geo.register import area_register  # noqa: E402
from tests import official  # noqa: E402

HELD_BACK = "2026-02"


def base_sources(raw_dir: Path) -> list[SourceFile]:
    """The raw files, with February 2026 taken out of the ward and knife files."""
    held = {Path(official.WARD).name, Path(official.KNIFE).name}
    sources = [s for s in raw_sources(raw_dir) if s.name not in held]
    ward = official.ward_frame(raw_dir)
    ward = ward.drop(columns=[HELD_BACK.replace("-", "")])
    knife = official.dashboard_frame(raw_dir, until="2026-01")
    return [
        *sources,
        SourceFile("MPS_Ward_Level_Crime_most_recent_24_months_Jan2026.csv", official.to_csv(ward)),
        SourceFile(
            "M1045_MonthlyCrimeDashboard_KnifeCrimeData_Jan2026.csv", official.to_csv(knife)
        ),
    ]


def upload_and_publish(store: Store, register, cache: ReadCache, name: str, data: bytes) -> dict:
    times = {}
    started = time.perf_counter()
    upload_id = store.add_upload([(name, data)], actor="bench")
    times["store the file"] = time.perf_counter() - started
    step = time.perf_counter()
    report = refresh.check_upload(store, upload_id, register, read=cache.read)
    times["check and write the draft"] = time.perf_counter() - step
    if not report.ok:
        sys.exit(f"{name} was refused: {report.errors[:3]}")
    step = time.perf_counter()
    done = refresh.publish_upload(store, upload_id, register, actor="bench", read=cache.read)
    times["publish"] = time.perf_counter() - step
    times["upload to published"] = time.perf_counter() - started
    return {"times": times, "version": done.version_id, "bytes": len(data)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", nargs="?", default=str(REPO.parent / "shared" / "data" / "raw"))
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    raw_dir = Path(args.raw_dir)
    with tempfile.TemporaryDirectory(prefix="wec-bench-refresh-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'store.sqlite'}"
        store = Store(url)
        register = area_register(raw_dir)
        cache = ReadCache(Path(tmp) / "reads", READ_REVISION)
        started = time.perf_counter()
        base = ingest(store, base_sources(raw_dir), register, actor="bench", read=cache.read)
        print(f"published version {base.version_id} (to January 2026) built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip

        month = official.to_csv(official.ward_frame(raw_dir, [HELD_BACK.replace("-", "")]))
        knife = official.to_csv(official.dashboard_frame(raw_dir))
        for label, name, data in (
            ("one month of ward data", "MPS_Ward_Level_Crime_Feb2026.csv", month),
            ("the full knife file", "M1045_MonthlyCrimeDashboard_KnifeCrimeData.csv", knife),
        ):
            result = upload_and_publish(store, register, cache, name, data)
            print(f"\n{label}: {result['bytes']:,} bytes -> published version {result['version']}")
            for step, seconds in result["times"].items():
                print(f"  {step:<28} {seconds:6.2f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak memory {peak:,.0f} MB; target: one month of ward data under 5 s")


if __name__ == "__main__":
    main()
