"""Upload fuzzing: real files in every supported layout, mutated (bytes flipped, cut
short, garbage inserted, columns shuffled, renamed and dropped, odd and huge cells,
NaN and infinity, repeated rows, BOMs, CRLF, UTF-16, Latin-1, a PNG or PDF renamed,
cells over the CSV field limit, a million columns, decompression-bomb workbooks,
Parquet text that is not UTF-8), each read as an upload is read. Every case must end
as "accepted" or "refused" (with file and reason); "internal" (a reader fault, caught),
"crash" (an exception out of the reader) and "hang" (over 60 s) are failures.

Every Kth case also goes through the whole upload path (kept, checked against a
published version, its draft discarded): the check must end (passed, refused or
unchanged; never failed) and the published version must not change.

    python bench/fuzz_uploads.py [--cases 10000] [--seed 0] [--upload-every 50] [RAW_DIR]

Prints the counts. The test suite runs 400 cases with a fixed seed
(tests/unit/data/test_fuzz_uploads.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from data import refresh  # noqa: E402
from data.ingest import ingest  # noqa: E402
from data.readers import SourceFile, read_source  # noqa: E402
from data.store.store import Store  # noqa: E402
from geo.register import area_register  # noqa: E402
from tests import fuzzing, official  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir", nargs="?", type=Path, default=REPO.parent / "shared/data/raw")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--upload-every", type=int, default=50)
    args = parser.parse_args()

    register = area_register(args.raw_dir)
    work = Path(tempfile.mkdtemp(prefix="wec-fuzz-"))
    store = Store(f"sqlite:///{work / 'store.sqlite'}")
    census = SourceFile("census.csv", (args.raw_dir / official.CENSUS).read_bytes())
    ingest(store, [census], register, actor="fuzz")
    published = store.published_version_id()
    rows = next(v.summary["rows"] for v in store.versions() if v.id == published)

    rng = random.Random(args.seed)
    tally = fuzzing.Tally()
    uploads = {"passed": 0, "refused": 0, "unchanged": 0, "failed": 0, "published changed": 0}
    slowest_upload = (0.0, "")
    started = time.perf_counter()
    pool = fuzzing.seeds(args.raw_dir)
    for i, (mutation, name, content, what) in enumerate(fuzzing.cases(rng, pool, args.cases)):
        outcome, seconds, detail = fuzzing.read_case(name, content)
        tally.add(mutation, outcome, seconds, f"{what} {detail}".strip())
        if args.upload_every and i % args.upload_every == 0 and content:
            upload_started = time.perf_counter()
            upload = store.add_upload([(name, content)], actor="fuzz")
            report = refresh.check_upload(store, upload, register, read=read_source,
                                          limits=refresh.CheckLimits(retention=None))  # fmt: skip
            took = time.perf_counter() - upload_started
            if took > slowest_upload[0]:
                slowest_upload = (took, what)
            status = store.upload(upload)["status"]
            uploads[{"ready": "passed"}.get(status, status)] += 1
            if report.failed:
                tally.failures.append(f"upload failed: {what}: {report.failed}")
            if status in ("ready", "refused", "unchanged", "failed"):
                refresh.discard_upload(store, upload, actor="fuzz")
            now = next(v for v in store.versions() if v.id == store.published_version_id())
            if now.id != published or now.summary["rows"] != rows:
                uploads["published changed"] += 1
        if (i + 1) % 1000 == 0:
            print(f"  {i + 1:,} cases, {time.perf_counter() - started:,.0f} s", flush=True)
    elapsed = time.perf_counter() - started

    print(f"\n{tally.total:,} cases in {elapsed:,.0f} s (seed {args.seed}, {len(pool)} seed "
          f"files, {rows} rows published)")  # fmt: skip
    for outcome in fuzzing.OUTCOMES:
        print(f"  {outcome:<9} {tally.counts[outcome]:>7,}")
    print(f"  slowest   {tally.slowest[0]:.2f} s ({tally.slowest[1][:100]})")
    print("\nby mutation (accepted / refused / internal / crash / hang):")
    for mutation, counts in sorted(tally.by_mutation.items()):
        print(f"  {mutation:<17} " + " / ".join(f"{counts[o]:,}" for o in fuzzing.OUTCOMES))
    print("\nthrough the whole upload path: " + ", ".join(f"{k} {v}" for k, v in uploads.items())
          + f"; slowest check {slowest_upload[0]:.1f} s ({slowest_upload[1][:80]})")  # fmt: skip
    for failure in tally.failures[:20]:
        print("FAILURE", failure[:300])
    bad = tally.counts["internal"] + tally.counts["crash"] + tally.counts["hang"]
    return 1 if bad or uploads["failed"] or uploads["published changed"] else 0


if __name__ == "__main__":
    sys.exit(main())
