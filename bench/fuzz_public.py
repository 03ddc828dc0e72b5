"""Public endpoint fuzzing: malformed and hostile requests to every server callback and
every route, sent anonymously (with the CSRF token a browser has, unless the case is
about the token) to the app under gunicorn (1 worker, 4 threads), one at a time.

    python bench/fuzz_public.py [--cases 10000] [--seed 0] [--data-dir DIR] [RAW_DIR]

The cases are tests/public_fuzzing.py's. Prints the answers by status and by kind of
case, the 5xx answers, the answers of a status the case does not allow, the answers
that show a traceback or the server's insides, the app's log lines per case (gunicorn's
access line aside), whether the worker was ever replaced, and whether the published
data changed. Exits 1 on any of those.

--data-dir reuses a folder holding a published store (the first run's, say) instead
of ingesting the raw data into a new one.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data.store.store import Store  # noqa: E402
from tests import public_fuzzing  # noqa: E402
from tests.conftest import TEST_SECRET_KEY  # noqa: E402
from tests.integration.servers import gunicorn_server  # noqa: E402

ACCESS_LINE = re.compile(r"^\S+ - \S+ \[")


def published_state(store: Store) -> tuple:
    """What must not change: the published version, every version's id and files, and
    a digest of the published version's counts."""
    version = store.published_version_id()
    versions = tuple((v.id, tuple(sorted(f["sha256"] for f in v.files))) for v in store.versions())
    digest = hashlib.sha256(store.dump_csv(version, "counts").encode()).hexdigest()
    return version, versions, digest


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir", nargs="?", type=Path, default=REPO.parent / "shared/data/raw")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="wec-fuzz-public-"))
    env = {
        "WEC_DATA_DIR": str(data_dir),
        "WEC_RAW_DIR": str(args.raw_dir),
        "WEC_WARM_VIEWS": "false",
        "WEC_SECURE_COOKIES": "false",
        "LOG_LEVEL": "INFO",
        "SECRET_KEY": TEST_SECRET_KEY,
    }
    settings = Settings.from_env(env)
    ensure_ready(settings)
    env["WEC_INGEST_ON_START"] = "false"
    service = DataService(settings)
    ds = service.dataset()
    before = published_state(service.store)
    log_path = data_dir / "fuzz-public.log"

    with gunicorn_server(env, log_path) as (base, master):
        (worker,) = psutil.Process(master).children()
        session = requests.Session()
        session.get(f"{base}/", timeout=60)
        dependencies = session.get(f"{base}/_dash-dependencies", timeout=60).json()
        fuzzer = public_fuzzing.Fuzzer(
            random.Random(args.seed),
            dependencies,
            codes=ds.areas.index.tolist(),
            measures=ds.measures.index.tolist(),
            survey_measures=ds.tables.survey["measure"].unique().tolist(),
        )
        tally = public_fuzzing.Tally()
        log = log_path.open("r", errors="replace")
        log.seek(0, 2)
        log_bytes = 0
        restarts = down = 0
        started = time.perf_counter()
        for i, case in enumerate(fuzzer.cases(args.cases)):
            token = session.cookies.get("_csrf_token") or ""
            # A connection of its own: a kept-alive one the server has just closed would
            # fail on the client's side, not the server's.
            headers = public_fuzzing.headers_for(case, token) | {"Connection": "close"}
            sent = time.perf_counter()
            try:
                answer = session.request(
                    case.method,
                    f"{base}{case.path}",
                    data=case.body,
                    headers=headers,
                    timeout=120,
                    allow_redirects=False,
                )
                status, content = answer.status_code, answer.content
            except requests.RequestException as exc:
                status, content = 599, str(exc).encode()
            seconds = time.perf_counter() - sent
            lines = [line for line in log.read().splitlines() if not ACCESS_LINE.match(line)]
            log_bytes += sum(len(line) + 1 for line in lines)
            tally.add(case, status, content, len(lines), seconds)
            if (i + 1) % 1000 == 0:
                alive = [p.pid for p in psutil.Process(master).children()]
                if alive != [worker.pid]:
                    restarts += 1
                    worker = psutil.Process(alive[0])
                if requests.get(f"{base}/healthz", timeout=30).status_code != 200:
                    down += 1
                print(
                    f"  {i + 1:,} cases, {time.perf_counter() - started:,.0f} s, "
                    f"{tally.failed} failed",
                    flush=True,
                )
        elapsed = time.perf_counter() - started
        health = requests.get(f"{base}/healthz", timeout=30)
        rss = worker.memory_info().rss / 2**20

    after = published_state(Store(settings.database_url))
    print(
        f"\n{tally.total:,} cases in {elapsed:,.0f} s ({1000 * elapsed / tally.total:.0f} ms a "
        f"case; seed {args.seed}); slowest {tally.slowest[0]:.1f} s ({tally.slowest[1][:90]})"
    )
    print(
        "answers by status: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(tally.statuses.items()))
    )
    for kind, counts in sorted(tally.by_kind.items()):
        print(
            f"  {kind:<7} {sum(counts.values()):>6,}: "
            + ", ".join(f"{s}: {n:,}" for s, n in sorted(counts.items()))
        )
    print(
        f"5xx answers: {tally.server_errors}; answers of a status the case does not allow: "
        f"{tally.unexpected}; answers showing a traceback or the server's insides: {tally.leaks}"
    )
    lines = Counter(tally.log_lines)
    print(
        "app log lines per case: "
        + ", ".join(
            f"{n} line{'s' if n != 1 else ''}: {c:,} cases" for n, c in sorted(lines.items())
        )
        + f"; {log_bytes / tally.total:.0f} bytes a case on average"
    )
    print(
        f"worker replaced: {restarts} times; /healthz failed {down} times, at the end "
        f"{health.status_code} {health.json()}; worker RSS at the end {rss:.0f} MB"
    )
    changed = before != after
    print(
        f"published data {'CHANGED' if changed else 'unchanged'} (version {after[0]}, "
        f"{len(after[1])} versions, counts digest {after[2][:12]})"
    )
    for failure in tally.failures[:30]:
        print("FAILURE", failure[:400])
    print(f"log: {log_path}")
    return 1 if tally.failed or restarts or down or changed else 0


if __name__ == "__main__":
    sys.exit(main())
