"""Figures for docs/RELIABILITY.md: the attacks of issue 12, repeated.

    python bench/security.py [--trials 20] [--database-url postgresql://...] [RAW_DIR]

1. Chunked floods: an anonymous 200 MB chunked POST to a public callback under gunicorn
   (1 worker, 4 threads), `--trials` times: the status, how much the server took before
   answering, and the worker's memory before and after.
2. Cold boundary files: 16 threads ask at once for the ward file whose gzipped copy is
   missing (a folder built by hand), `--trials` times on the werkzeug threaded server:
   answers that are whole and identical, and any other.
3. The sign-in throttle: 40 parallel wrong guesses at one account, and 60 from one
   address at 60 accounts, `--trials` times on SQLite (and PostgreSQL with
   --database-url): the most passwords ever checked (limits 5 and 20).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import logging
import shutil
import sys
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard import auth  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.services import DataService, ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data.store.store import Store  # noqa: E402
from tests.integration.servers import (  # noqa: E402
    app_env,
    chunked_post,
    csrf_headers,
    gunicorn_server,
    visitor,
    werkzeug_server,
)

MB = 1024 * 1024


def floods(work: Path, web: Path, trials: int) -> None:
    env = app_env(work / "flood", web)
    with gunicorn_server(env, work / "gunicorn.log") as (base, master):
        (worker,) = psutil.Process(master).children()
        statuses, taken, growth = [], [], []
        for _ in range(trials):
            before = worker.memory_info().rss
            status, at = chunked_post(base, "/_dash-update-component",
                                      csrf_headers(visitor(base)), 200 * MB)  # fmt: skip
            statuses.append(status)
            taken.append(at)
            growth.append(worker.memory_info().rss - before)
        print(f"1. chunked 200 MB anonymous POSTs under gunicorn: {trials} trials, statuses "
              f"{sorted(set(statuses))}, server answered after at most "
              f"{max(taken) / MB:.1f} MB sent, worker RSS {worker.memory_info().rss / MB:.0f} MB,"
              f" largest growth in one trial {max(growth) / MB:+.1f} MB")  # fmt: skip


def cold_boundaries(work: Path, web: Path, trials: int) -> None:
    env = app_env(work / "cold", web)
    settings = Settings.from_env(env)
    app = create_app(settings)
    name = DataService(settings).geo_manifest()["ward"]
    original = (settings.web_dir / name).read_bytes()
    good = bad = 0
    with werkzeug_server(app) as base:
        for _ in range(trials):
            for packed in settings.web_dir.glob("*.gz"):
                packed.unlink()
            answers: list[tuple[int, bytes]] = []
            start = threading.Barrier(16)

            def fetch(start=start, answers=answers) -> None:
                start.wait()
                r = requests.get(f"{base}/geo/{name}", headers={"Accept-Encoding": "gzip"},
                                 timeout=120, stream=True)  # fmt: skip
                answers.append((r.status_code, r.raw.read(decode_content=False)))

            threads = [threading.Thread(target=fetch) for _ in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for status, body in answers:
                whole = status == 200 and gzip.decompress(body) == original
                good += whole
                bad += not whole
    print(f"2. cold boundary requests, 16 at once: {trials} trials, {good + bad} requests, "
          f"{good} whole and identical, {bad} not")  # fmt: skip


class Counting:
    def __init__(self, real):
        self.real, self.checked, self._lock = real, 0, threading.Lock()

    def verify(self, hash_, password):
        with self._lock:
            self.checked += 1
        return self.real.verify(hash_, password)

    def hash(self, password):
        return self.real.hash(password)


def throttle(url: str, label: str, trials: int) -> None:
    real = auth._hasher
    most_account = most_address = 0
    try:
        for _ in range(trials):
            store = Store(url)
            accounts = auth.Accounts(store.engine)
            name = f"u{uuid.uuid4().hex[:8]}"
            accounts.create(name, "a long enough password")
            counting = Counting(real)
            auth._hasher = counting

            def guess(username: str, address: str, accounts=accounts) -> None:
                with contextlib.suppress(auth.ThrottledError):
                    accounts.authenticate(username, "wrong guess", address)

            with ThreadPoolExecutor(40) as pool:
                list(pool.map(lambda i, n=name: guess(n, f"10.{i}.0.1"), range(40)))
            most_account = max(most_account, counting.checked)
            counting.checked = 0
            address = f"192.0.2.{uuid.uuid4().int % 250}"
            with ThreadPoolExecutor(30) as pool:
                list(pool.map(lambda i, a=address: guess(f"x{uuid.uuid4().hex[:6]}{i}", a),
                              range(60)))  # fmt: skip
            most_address = max(most_address, counting.checked)
            accounts.unlock(name, address)
            store.dispose()
    finally:
        auth._hasher = real
    print(f"3. sign-in throttle on {label}: {trials} trials; 40 parallel guesses at one "
          f"account: at most {most_account} checked (limit {auth.MAX_FAILURES_PER_ACCOUNT}); "
          f"60 from one address: at most {most_address} checked "
          f"(limit {auth.MAX_FAILURES_PER_ADDRESS})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir", nargs="?", type=Path, default=REPO.parent / "shared/data/raw")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="wec-security-"))
    try:
        built = Settings.from_env({"WEC_DATA_DIR": str(work / "built"), "LOG_LEVEL": "WARNING",
                                   "WEC_RAW_DIR": str(args.raw_dir),
                                   "WEC_INGEST_ON_START": "false"})  # fmt: skip
        ensure_ready(built)  # the boundary files only
        floods(work, built.web_dir, args.trials)
        cold_boundaries(work, built.web_dir, args.trials)
        throttle(f"sqlite:///{work / 'throttle.sqlite'}", "SQLite", args.trials)
        if args.database_url:
            from sqlalchemy import create_engine

            base = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            engine = create_engine(base)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            try:
                sep = "&" if "?" in args.database_url else "?"
                url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"
                throttle(url, "PostgreSQL", args.trials)
            finally:
                with engine.begin() as conn:
                    conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
                engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
