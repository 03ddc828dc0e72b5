"""Figures for docs/RELIABILITY.md: `kill -9` at random moments of an upload, a publish
and a rollback, on SQLite and PostgreSQL, while the public pages are being asked for; of
the command-line tool (the default), of the app's gunicorn worker, or of the Celery worker.

    python bench/faults.py [--trials 20] [--database-url postgresql://...] [--seed 0]
                           [--only sqlite|postgres] [--target cli|gunicorn|celery|all]
                           [--redis-url redis://...] [RAW_DIR]

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

`--target gunicorn` and `--target celery` (Redis needed) start the app under gunicorn
(1 worker, 4 threads, as tests/integration/servers.py does) with REDIS_URL set, and a
Celery worker (solo pool, as tests/integration/test_scale_out.py starts it), and drive
the staff page through real HTTP as its renderer does, signed in. The same moments,
the same checks, and the public page asked of the same gunicorn every 0.2 s:

- gunicorn: the page's own requests, each run in the web worker, which is killed
  (the master's child, the one process serving): upload (the files received and kept;
  the check is then the Celery worker's), publish (a draft checked beforehand, by the
  bench itself), rollback (on the history page, after such a publish). After each kill,
  the time until a new worker answers the public page with a 200.
- celery: the check (the one thing the Celery worker does: publish and rollback run in
  the web worker) of an upload kept beforehand, started by the page's request; the
  Celery worker is killed, and a new one started (the time it took is printed), as a
  supervisor would.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
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
import redis
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
from tests.integration.servers import (  # noqa: E402
    PASSWORD,
    csrf_headers,
    gunicorn_server,
    router_body,
    signed_in,
    visitor,
    werkzeug_server,
)
from tests.integration.test_killed_check import _body, _key  # noqa: E402

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
        self.made_ready: list[int] = []
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
        moment = self.rng.uniform(0, window)
        return self._trial(action, moment, lambda: self._run(command, moment)[1])

    def _trial(self, action: str, moment: float, run) -> dict:
        """Run (`run()` says whether it killed), then check what was left behind."""
        published_before = self.store.published_version_id()
        before = {v.id for v in self.store.versions()}
        last_upload = max((u["id"] for u in self.store.uploads(1)), default=0)
        last_audit = max((row["id"] for row in self.store.history()), default=0)
        killed = run()
        stage = self._stage(action, last_upload, last_audit)
        problems = []
        versions = self.store.versions()
        new = [v.id for v in versions if v.id not in before]
        published = self.store.published_version_id()
        # A draft made ready for the trial (to publish) may be published, and must be whole.
        made = [v for v in self.made_ready if v not in new]
        allowed = {published_before, self.base, *new, *made}
        if published not in allowed:
            problems.append(f"version {published} is published (allowed {sorted(allowed)})")
        for version in [*new, *made, published]:
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


def report(label: str, action: str, clean: float, results: list[dict]) -> None:
    killed = [r for r in results if r["killed"]]
    problems = [p for r in results for p in r["problems"]]
    waits = [r["lock_wait"] for r in results if r["lock_wait"] is not None]
    print(f"{label:10} {action:8} clean run {clean:5.2f} s; {len(results)} trials, "
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
            report(name, action, clean, results)
    print(f"{name:10} public page asked {sum(poller.statuses.values())} times during the "
          f"trials: {dict(poller.statuses)}; longest time without a 200 "
          f"{poller.longest_gap:.1f} s; read folders left by killed processes "
          f"{bench.reads_left()}")  # fmt: skip
    app.server.extensions["wec"].store.dispose()
    bench.store.dispose()


# --- the app (a gunicorn worker) and the Celery worker --------------------------------

# What each server target kills: the staff page's receive (upload), publish and rollback
# run in the web worker; with REDIS_URL only the check runs on the Celery worker.
SERVER_ACTIONS = {"gunicorn": ("upload", "publish", "rollback"), "celery": ("check",)}


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def start_celery(env: dict[str, str], log: Path) -> subprocess.Popen:
    """A Celery worker as tests/integration/test_scale_out.py starts it (solo pool: the
    check runs in the worker process itself, the one killed)."""
    start = log.stat().st_size if log.exists() else 0
    with log.open("ab") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo",
             "-Q", env["WEC_CELERY_QUEUE"], "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 180
    while b" ready." not in log.read_bytes()[start:]:
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise AssertionError("the Celery worker did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)
    return worker


class ServerBench(Bench):
    """The staff page driven through real HTTP on gunicorn (1 worker, 4 threads, as the
    tests start it), with REDIS_URL set so the check runs on a Celery worker. A kill lands
    in the process doing the work: the gunicorn worker for receive, publish and rollback
    (the page's callbacks run there), the Celery worker for the check."""

    def __init__(self, *args, redis_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        queue = f"wec-faults-{uuid.uuid4().hex[:8]}"
        self.env.update(REDIS_URL=redis_url, WEC_CELERY_QUEUE=queue, WEC_SECURE_COOKIES="false")
        self.app = create_app(Settings.from_env(self.env))  # the callbacks' keys
        self.app.server.extensions["wec_accounts"].create("alice", PASSWORD)
        logging.getLogger("data").setLevel(logging.ERROR)  # the watcher's failures, counted
        self.redis = redis.Redis.from_url(redis_url)
        self.celery_log = self.work / "celery.log"
        self.celery: subprocess.Popen | None = None
        self.recoveries: list[float] = []
        self.celery_starts: list[float] = []
        self.rechecked = 0
        self.upload: int | None = None

    def start(self, base: str, master: int) -> None:
        self.url_base, self.master = base, master
        self.staff = signed_in(base)
        self.public = visitor(base)
        self.celery = start_celery(self.env, self.celery_log)

    def stop(self) -> None:
        if self.celery is not None and self.celery.poll() is None:
            self.celery.terminate()
            self.celery.wait(30)
        self.app.server.extensions["wec"].store.dispose()

    def _post(self, body: dict) -> requests.Response:
        return self.staff.post(self.url_base + "/_dash-update-component", json=body,
                               headers=csrf_headers(self.staff), timeout=600)  # fmt: skip

    def _new_upload(self) -> int:
        return self.store.add_upload([("feb.csv", self._next_file().read_bytes())],
                                     actor="alice")  # fmt: skip

    def _checked_draft(self, publish: bool) -> int:
        upload = self._new_upload()
        report = refresh.check_upload(self.store, upload, self.register, read=self.reads.read)
        assert report.ok, report.errors
        if publish:
            refresh.publish_upload(self.store, upload, self.register, actor="alice",
                                   read=self.reads.read)  # fmt: skip
        return upload

    def _prepare(self, action: str) -> dict:
        """What the page sends for `action`, made ready (a draft to publish, a published
        one to roll back, a kept upload to check)."""
        self.upload, self.made_ready = None, []
        if action == "upload":
            key = _key(self.app, "staff-upload-id.data", "staff-upload-message")
            data = base64.b64encode(self._next_file().read_bytes()).decode()
            return _body(key, [{"id": "staff-upload", "property": "contents",
                                "value": ["data:text/csv;base64," + data]}],
                         [{"id": "staff-upload", "property": "filename",
                           "value": ["feb.csv"]}])  # fmt: skip
        if action == "publish":
            self.upload = self._checked_draft(publish=False)
            self.made_ready = [self.store.upload(self.upload)["draft_version"]]
            key = _key(self.app, "staff-outcome.children")
            return _body(key, [{"id": "staff-publish", "property": "n_clicks", "value": 1},
                               {"id": "staff-discard", "property": "n_clicks"}],
                         [{"id": "staff-upload-id", "property": "data",
                           "value": self.upload}])  # fmt: skip
        if action == "check":
            self.upload = self._new_upload()
            key = _key(self.app, "staff-report.children", "staff-watch.disabled")
            return _body(key, [{"id": "staff-upload-id", "property": "data",
                                "value": self.upload},
                               {"id": "staff-check-request", "property": "data",
                                "value": None}])  # fmt: skip
        # rollback, on the history page, to the version published before
        self._checked_draft(publish=True)
        key = _key(self.app, "staff-history-message.children")
        button = {"type": "staff-rollback", "version": self.base}
        outputs = [{"id": p.split(".", 1)[0], "property": p.split(".", 1)[1]}
                   for p in key.strip(".").split("...")]  # fmt: skip
        changed = json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
        return {"output": key, "outputs": outputs, "state": [], "changedPropIds": [changed],
                "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]]}  # fmt: skip

    def _execute(self, action: str, body: dict, kill_after: float | None) -> tuple[float, bool]:
        if action == "check":
            return self._execute_check(body, kill_after)
        answer: list = []

        def send() -> None:
            try:
                answer.append(self._post(body).status_code)
            except requests.RequestException as exc:
                answer.append(type(exc).__name__)

        started = time.monotonic()
        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        thread.join(kill_after)
        if thread.is_alive():
            (worker,) = children(self.master)
            os.kill(worker, signal.SIGKILL)
            killed_at = time.monotonic()
            thread.join(600)
            self.recoveries.append(self._recover(killed_at, worker))
            return killed_at - started, True
        if answer[0] != 200:
            raise AssertionError(f"{action} answered {answer[0]}")
        return time.monotonic() - started, False

    def _recover(self, killed_at: float, killed: int) -> float:
        """Seconds from the kill to the public page's first 200 from a new worker."""
        headers = {"X-CSRFToken": self.public.cookies.get("_csrf_token")}
        while time.monotonic() < killed_at + 300:
            with contextlib.suppress(requests.RequestException):
                answer = self.public.post(f"{self.url_base}/_dash-update-component", timeout=60,
                                          json=router_body("/"), headers=headers)  # fmt: skip
                if answer.status_code == 200 and killed not in children(self.master):
                    return time.monotonic() - killed_at
            time.sleep(0.05)
        raise AssertionError("the public page did not answer 200 within 300 s of the kill")

    def _settled(self) -> bool:
        return self.store.upload(self.upload)["status"] not in ("received", "checking")

    def _execute_check(self, body: dict, kill_after: float | None) -> tuple[float, bool]:
        started = time.monotonic()
        answer = self._post(body)  # the web worker puts the job on the queue
        if answer.status_code != 200 or "cacheKey" not in answer.json():
            raise AssertionError(f"the check was not started: {answer.text[:300]}")
        deadline = started + (kill_after if kill_after is not None else 600)
        while not self._settled() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._settled():
            return time.monotonic() - started, False
        if kill_after is None:
            raise AssertionError("the Celery worker never finished the check")
        killed = self.celery.pid
        self.celery.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        self.celery.wait(60)
        self.celery = start_celery(self.env, self.celery_log)
        self.celery_starts.append(time.monotonic() - killed_at)
        # A job the killed worker had not taken yet is taken by the new one: let it end.
        counted = False
        while self.redis.llen(self.env["WEC_CELERY_QUEUE"]) or self._checked_anew(killed):
            if not counted and not self.redis.llen(self.env["WEC_CELERY_QUEUE"]):
                self.rechecked, counted = self.rechecked + 1, True
            time.sleep(0.2)
        return killed_at - started, True

    def _checked_anew(self, killed: int) -> bool:
        """A check of the upload running on a worker other than the killed one."""
        runs = self.store.checks_of(self.upload)
        if not runs or runs[0]["finished_at"] is not None:
            return False
        return f":{killed}" not in str(runs[0]["worker"]) and not self._settled()

    def clean_run(self, action: str) -> float:
        before = {v.id for v in self.store.versions()}
        seconds, _ = self._execute(action, self._prepare(action), None)
        done = {"publish": lambda: self.store.upload(self.upload)["status"] == "published",
                "rollback": lambda: self.store.published_version_id() == self.base,
                "check": self._settled}.get(action, lambda: True)  # fmt: skip
        if not done():
            raise AssertionError(f"a clean {action} through the page did not do it")
        new = [v.id for v in self.store.versions() if v.id not in before]
        if new:
            self.expected["upload"] = self._rows(new[-1])
        self._reset()
        return seconds

    def trial(self, action: str, window: float) -> dict:
        body = self._prepare(action)
        moment = self.rng.uniform(0, window)
        return self._trial(action, moment, lambda: self._execute(action, body, moment)[1])

    def _stage(self, action: str, last_upload: int, last_audit: int) -> str:
        if action == "rollback":
            return super()._stage(action, last_upload, last_audit)
        if action == "upload":
            stored = any(u["id"] > last_upload for u in self.store.uploads(1))
            return "upload stored" if stored else "before the upload was stored"
        status = self.store.upload(self.upload)["status"]
        if action == "publish":
            return "published" if status == "published" else "before publishing"
        runs = self.store.checks_of(self.upload)
        return {"received": "before the check began", "checking": "mid-check"}.get(
            status, "check ended" if not runs else f"{status} (checked by the next worker)"
        )  # fmt: skip


def run_server(target: str, name: str, url: str, raw: Path, work: Path, trials: int,
               rng: random.Random, redis_url: str) -> None:  # fmt: skip
    bench = ServerBench(name, url, raw, work, rng, redis_url=redis_url)
    label = f"{name}/{target}"
    try:
        with gunicorn_server(bench.env, work / "gunicorn.log") as (base, master):
            bench.start(base, master)
            with Poller(base) as poller:
                for action in SERVER_ACTIONS[target]:
                    bench.clean_run(action)  # the first run fills the read cache
                    clean = bench.clean_run(action)
                    asked = Counter(poller.statuses)
                    recovered, started = len(bench.recoveries), len(bench.celery_starts)
                    results = [bench.trial(action, clean * 1.1) for _ in range(trials)]
                    during = Counter(poller.statuses)
                    during.subtract(asked)
                    report(label, action, clean, results)
                    recoveries = bench.recoveries[recovered:]
                    starts = bench.celery_starts[started:]
                    print(f"{'':18} public page asked {sum(during.values())} times: "
                          f"{dict(+during)}"
                          + (f"; a 200 from a new worker {statistics.median(recoveries):.1f} s "
                             f"after a kill median, {max(recoveries):.1f} s at most"
                             if recoveries else "")
                          + (f"; a new Celery worker ready {statistics.median(starts):.1f} s "
                             f"median, {max(starts):.1f} s at most; checks taken up by it "
                             f"{bench.rechecked}" if starts else ""), flush=True)  # fmt: skip
        print(f"{label:18} public page asked {sum(poller.statuses.values())} times in all: "
              f"{dict(poller.statuses)}; longest time without a 200 {poller.longest_gap:.1f} s;"
              f" load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    finally:
        bench.stop()
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
    parser.add_argument(
        "--target",
        choices=["cli", "gunicorn", "celery", "all"],
        default="cli",
        help="what is killed: the command-line tool (the default), the "
        "gunicorn worker or the Celery worker doing the staff page's work",
    )
    parser.add_argument("--redis-url", default=os.environ.get("WEC_TEST_REDIS_URL"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    # Stopped with SIGTERM, still remove the stores it made.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rng = random.Random(args.seed)
    targets = ["cli", "gunicorn", "celery"] if args.target == "all" else [args.target]
    if "cli" not in targets and not args.redis_url:
        parser.error(
            "the gunicorn and Celery targets need Redis: --redis-url (or WEC_TEST_REDIS_URL)"
        )
    with tempfile.TemporaryDirectory(prefix="wec-faults-") as tmp:
        for target in targets:
            work = Path(tmp) / target

            def one(name: str, url: str, work: Path = work, target: str = target) -> None:
                if target == "cli":
                    run(name, url, args.raw, work / name, args.trials, rng)
                else:
                    run_server(target, name, url, args.raw, work / name, args.trials, rng,
                               args.redis_url)  # fmt: skip

            if args.only in (None, "sqlite"):
                one("sqlite", f"sqlite:///{work / 'sqlite' / 'wec.sqlite'}")
            if args.only in (None, "postgres"):
                if not args.database_url:
                    print("postgres   skipped: no --database-url (or WEC_TEST_DATABASE_URL)")
                    continue
                url, drop = postgres_schema(args.database_url)
                try:
                    one("postgres", url)
                finally:
                    drop()


if __name__ == "__main__":
    main()
