"""Figures for docs/RELIABILITY.md: `kill -9` of the command-line tool at random moments
of an upload, a publish and a rollback, on SQLite and PostgreSQL, while the public
pages are being asked for.

    python bench/faults.py [--trials 20] [--database-url postgresql://...] [--seed 0] [RAW_DIR]

Each store starts with one published version (eight months of the knife file). A
trial runs one `wec` command in a process of its own and kills it (SIGKILL) at a
moment drawn uniformly between its start and 1.1 times as long as the same command
took unkilled (its second clean run: the first fills the cache of file reads, as a
server's has been); a kill that comes after the command has finished counts as
"finished". Where the kill landed is told from what the command left behind.

- upload: `wec upload feb.csv` (read, check, write a draft);
- publish: `wec upload feb.csv --publish` (the same, then publish it);
- rollback: `wec rollback` after a publish of such a draft.

Every trial uploads a file of its own (one count changed), so every trial writes a new
version. After each, the script checks: the published version is the one before or the
one the command was making; every version the trial left behind loads and holds as
many rows in each table as a clean run of the same command made (no half version); the
publishers' lock can be taken at once; no upload is left waiting once the watcher
(`wec gc`) has looked, as it would 30 s later (a check that stopped) and 600 s later
(a check never started). Meanwhile a thread asks an app on the same store for a
public page every 0.2 s: every answer's status is counted, with the longest run
without a 200. At the end, the read folders a killed process left half written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pandas as pd
import requests
from sqlalchemy import create_engine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.app import create_app  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from data import refresh  # noqa: E402
from data.ingest import ingest  # noqa: E402
from data.readcache import ReadCache  # noqa: E402
from data.readers import SourceFile  # noqa: E402
from data.store.store import Store  # noqa: E402
from geo.register import area_register  # noqa: E402
from tests import official  # noqa: E402
from tests.conftest import TEST_SECRET_KEY  # noqa: E402
from tests.integration.servers import router_body, werkzeug_server  # noqa: E402

ACTIONS = ("upload", "publish", "rollback")


def knife_files(raw: Path) -> tuple[bytes, pd.DataFrame]:
    knife = official.dashboard_frame(raw)
    month = pd.to_datetime(knife["Month_Year"], format="%d/%m/%Y").dt.strftime("%Y-%m")
    base = official.to_csv(knife[(month >= "2025-06") & (month <= "2026-01")])
    return base, knife[month == "2026-02"].reset_index(drop=True)


def feb_file(feb: pd.DataFrame, n: int) -> bytes:
    """The February file with its first count raised by `n`: the same rows, new bytes."""
    frame = feb.copy()
    frame.loc[0, "Count"] = int(frame.loc[0, "Count"]) + n
    return official.to_csv(frame)


class Poller:
    """Asks the app for the overview every 0.2 s and counts the answers."""

    def __init__(self, base: str):
        self.base = base
        self.statuses: Counter = Counter()
        self.longest_gap = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        session.get(f"{self.base}/", timeout=60)
        headers = {"X-CSRFToken": session.cookies.get("_csrf_token")}
        last_ok = time.monotonic()
        while not self._stop.is_set():
            try:
                answer = session.post(f"{self.base}/_dash-update-component", timeout=60,
                                      json=router_body("/"), headers=headers)  # fmt: skip
                status = answer.status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.statuses[status] += 1
            now = time.monotonic()
            if status == 200:
                last_ok = now
            self.longest_gap = max(self.longest_gap, now - last_ok)
            self._stop.wait(0.2)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(60)


class Bench:
    def __init__(self, name: str, url: str, raw: Path, work: Path, rng: random.Random):
        self.name, self.url, self.raw, self.rng = name, url, raw, rng
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.register = area_register(raw)
        self.store = Store(url)
        base_csv, self.feb = knife_files(raw)
        report = ingest(self.store, [SourceFile("knife-base.csv", base_csv)], self.register,
                        actor="bench")  # fmt: skip
        self.base = report.version_id
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "WEC_DATA_DIR": str(work),
            "WEC_RAW_DIR": str(raw),
            "DATABASE_URL": url,
            "WEC_INGEST_ON_START": "false",
            "WEC_WARM_VIEWS": "false",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": TEST_SECRET_KEY,
            "WEC_ACTOR": "bench",
        }
        self.reads = ReadCache(Settings.from_env(self.env).reads_dir, refresh.READ_REVISION)
        self.files = 0
        self.expected: dict[str, dict[str, int]] = {"base": self._rows(self.base)}

    def _rows(self, version: int) -> dict[str, int]:
        return self.store.load(version).row_counts()

    def _next_file(self) -> Path:
        self.files += 1
        path = self.work / f"feb-{self.files}" / "feb.csv"
        path.parent.mkdir()
        path.write_bytes(feb_file(self.feb, self.files))
        return path

    def _command(self, action: str) -> list[str]:
        wec = [sys.executable, "-c", "from dashboard.cli import main; main()"]
        if action == "rollback":
            # A published draft to roll back from.
            upload = self.store.add_upload([("feb.csv", self._next_file().read_bytes())],
                                           actor="bench")  # fmt: skip
            report = refresh.check_upload(self.store, upload, self.register, read=self.reads.read)
            assert report.ok, report.errors
            refresh.publish_upload(self.store, upload, self.register, actor="bench",
                                   read=self.reads.read)  # fmt: skip
            return [*wec, "rollback"]
        path = self._next_file()
        return [*wec, "upload", str(path), *(["--publish"] if action == "publish" else [])]

    def _run(self, command: list[str], kill_after: float | None) -> tuple[float, bool]:
        """Run `command`; kill it after `kill_after` seconds. Returns how long it ran and
        whether it was killed."""
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)  # fmt: skip
        try:
            proc.wait(kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(60)
            return time.monotonic() - started, True
        if proc.returncode != 0:
            raise AssertionError(f"{command[3:]} failed: {proc.stderr.read().decode()[-2000:]}")
        return time.monotonic() - started, False

    def clean_run(self, action: str) -> float:
        """One run unkilled: how long it takes and what a whole version holds."""
        before = {v.id for v in self.store.versions()}
        seconds, _ = self._run(self._command(action), None)
        new = [v.id for v in self.store.versions() if v.id not in before]
        if new:
            self.expected["upload"] = self._rows(new[-1])
        self._reset()
        return seconds

    def _reset(self) -> None:
        if self.store.published_version_id() != self.base:
            with self.store.exclusive():
                self.store.publish(self.base, actor="bench reset")

    def trial(self, action: str, window: float) -> dict:
        command = self._command(action)
        published_before = self.store.published_version_id()
        before = {v.id for v in self.store.versions()}
        last_upload = max((u["id"] for u in self.store.uploads(1)), default=0)
        last_audit = max((row["id"] for row in self.store.history()), default=0)
        moment = self.rng.uniform(0, window)
        _, killed = self._run(command, moment)
        stage = self._stage(action, last_upload, last_audit)
        problems = []
        versions = self.store.versions()
        new = [v.id for v in versions if v.id not in before]
        published = self.store.published_version_id()
        allowed = {published_before, self.base, *new}
        if published not in allowed:
            problems.append(f"version {published} is published (allowed {sorted(allowed)})")
        for version in [*new, published]:
            kind = "base" if version == self.base else "upload"
            rows = self._rows(version)
            if rows != self.expected[kind]:
                whole = self.expected[kind]
                problems.append(f"version {version} holds {rows}, a whole one {whole}")
        lock_wait = self._lock_wait()
        if lock_wait is None:
            problems.append("the publishers' lock was still held a minute after the kill")
        # The watcher (`wec gc`, the staff page) as it looks once the stall limit has
        # passed, then once the time a worker has to start a check has passed.
        limits, now = refresh.CheckLimits(), dt.datetime.now(dt.UTC)
        later = now + dt.timedelta(seconds=limits.stall_seconds + 1)
        stalled = refresh.watch_checks(self.store, limits, now=later)
        later = now + dt.timedelta(seconds=limits.timeout_seconds + 1)
        never_started = refresh.watch_checks(self.store, limits, now=later)
        left = [u["id"] for u in self.store.waiting_uploads()]
        if left:
            problems.append(f"uploads {left} are still waiting after the watcher looked")
        self._reset()
        return {"killed": killed, "at": moment, "problems": problems, "lock_wait": lock_wait,
                "stalled": len(stalled), "never_started": len(never_started),
                "stage": stage}  # fmt: skip

    def _stage(self, action: str, last_upload: int, last_audit: int) -> str:
        """How far the command had gone when it was killed, from what it left behind."""
        if action == "rollback":
            done = any(row["id"] > last_audit and row["action"] == "rollback"
                       for row in self.store.history())  # fmt: skip
            return "rolled back" if done else "before the rollback"
        upload = next((u for u in self.store.uploads(1) if u["id"] > last_upload), None)
        if upload is None:
            return "before the upload was stored"
        return {"received": "upload stored", "checking": "mid-check",
                "ready": "draft written", "published": "published"}.get(
                    upload["status"], upload["status"])  # fmt: skip

    def _lock_wait(self) -> float | None:
        taken: list[float] = []
        started = time.monotonic()

        def take() -> None:
            with self.store.exclusive():
                taken.append(time.monotonic() - started)

        thread = threading.Thread(target=take, daemon=True)
        thread.start()
        thread.join(60)
        return taken[0] if taken else None

    def reads_left(self) -> int:
        """Temporary folders of reads being kept when their process was killed."""
        folder = self.reads.directory
        return sum(1 for p in folder.rglob(".*") if p.is_dir()) if folder.exists() else 0


def run(name: str, url: str, raw: Path, work: Path, trials: int, rng: random.Random) -> None:
    bench = Bench(name, url, raw, work, rng)
    settings = Settings.from_env({**bench.env, "WEC_SECURE_COOKIES": "false"})
    app = create_app(settings)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with werkzeug_server(app) as base, Poller(base) as poller:
        for action in ACTIONS:
            bench.clean_run(action)  # the first run fills the read cache, as on a server
            clean = bench.clean_run(action)
            results = [bench.trial(action, clean * 1.1) for _ in range(trials)]
            killed = [r for r in results if r["killed"]]
            problems = [p for r in results for p in r["problems"]]
            waits = [r["lock_wait"] for r in results if r["lock_wait"] is not None]
            print(f"{name:10} {action:8} clean run {clean:5.1f} s; {len(results)} trials, "
                  f"{len(killed)} killed (at {min((r['at'] for r in killed), default=0):.1f}-"
                  f"{max((r['at'] for r in killed), default=0):.1f} s), "
                  f"{len(results) - len(killed)} finished first; "
                  f"checks failed by the watcher {sum(r['stalled'] for r in results)} after "
                  f"30 s, {sum(r['never_started'] for r in results)} after 600 s; "
                  f"lock taken after {statistics.median(waits) if waits else 0:.2f} s median, "
                  f"{max(waits, default=0):.2f} s at most; problems {len(problems)}",
                  flush=True)  # fmt: skip
            stages = Counter(r["stage"] for r in killed)
            print(f"{'':10} {'':8} killed: " + ", ".join(f"{n} {s}" for s, n in stages.items()))
            for problem in problems:
                print(f"    {problem}")
    print(f"{name:10} public page asked {sum(poller.statuses.values())} times during the "
          f"trials: {dict(poller.statuses)}; longest time without a 200 "
          f"{poller.longest_gap:.1f} s; read folders left by killed processes "
          f"{bench.reads_left()}")  # fmt: skip
    app.server.extensions["wec"].store.dispose()
    bench.store.dispose()


def postgres_schema(base: str) -> tuple[str, callable]:
    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", nargs="?", type=Path, default=REPO.parent / "shared/data/raw")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database-url", default=os.environ.get("WEC_TEST_DATABASE_URL"))
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    # Stopped with SIGTERM, still remove the stores it made.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="wec-faults-") as tmp:
        work = Path(tmp)
        if args.only in (None, "sqlite"):
            run("sqlite", f"sqlite:///{work / 'sqlite' / 'wec.sqlite'}", args.raw,
                work / "sqlite", args.trials, rng)  # fmt: skip
        if args.only in (None, "postgres"):
            if not args.database_url:
                print("postgres   skipped: no --database-url (or WEC_TEST_DATABASE_URL)")
                return
            url, drop = postgres_schema(args.database_url)
            try:
                run("postgres", url, args.raw, work / "postgres", args.trials, rng)
            finally:
                drop()


if __name__ == "__main__":
    main()
