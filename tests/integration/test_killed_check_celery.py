"""The same as test_killed_check.py with REDIS_URL set: the check runs on a real Celery
worker (a process of its own, through a real Redis), the worker is killed (kill -9)
mid-check, the page's watcher shows the check failed with the reason, and after a new
worker starts, "Check again" passes.

A module of its own: Dash keeps background callbacks in a registry of the process,
so a Celery app and a disk-cache app are not made in one module.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from data.ingest import ingest
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.conftest import own_redis_db
from tests.integration.servers import PASSWORD, app_env
from tests.integration.test_killed_check import (
    STALL_SECONDS,
    _body,
    _key,
    _poll_check,
    _post,
    _run_check,
    _text,
)

REPO = Path(__file__).resolve().parents[2]

WORKER = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from data.readcache import ReadCache

original = ReadCache.read

def held(self, source):
    if source.name == "feb.csv" and Path({hold!r}).exists():
        Path({reading!r}).write_text(str(os.getpid()))
        time.sleep(300)  # until killed
    return original(self, source)

ReadCache.read = held
from celery.__main__ import main
sys.argv = ["celery", "-A", "app:celery_app", "worker", "--pool=solo", "-Q", {queue!r},
            "--without-gossip", "--without-mingle", "--loglevel=INFO"]
main()
"""


def start_worker(env: dict[str, str], log: Path, hold: Path, reading: Path):
    script = textwrap.dedent(WORKER).format(repo=str(REPO), hold=str(hold),
                                            reading=str(reading),
                                            queue=env["WEC_CELERY_QUEUE"])  # fmt: skip
    with log.open("ab") as out:
        worker = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                                  env={**os.environ, **env}, stdout=out,
                                  stderr=subprocess.STDOUT)  # fmt: skip
    start = log.stat().st_size
    deadline = time.monotonic() + 120
    while b" ready." not in log.read_bytes()[start:]:
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail("the Celery worker did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.3)
    return worker


@pytest.fixture
def celery_app(tmp_path, raw_dir, published):
    redis_url = os.environ.get("WEC_TEST_REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("WEC_TEST_REDIS_URL is not set; scripts/test starts Redis and sets it")
        pytest.skip("no Redis here: run scripts/services and set WEC_TEST_REDIS_URL")
    redis_url = own_redis_db(redis_url, 13)
    env = app_env(tmp_path, published.web_dir, WEC_RAW_DIR=str(raw_dir), REDIS_URL=redis_url,
                  WEC_CELERY_QUEUE=f"wec-test-{uuid.uuid4().hex[:8]}",
                  WEC_CHECK_STALL_SECONDS=str(STALL_SECONDS))  # fmt: skip
    settings = Settings.from_env(env)
    store = Store(settings.database_url)
    census = SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes())
    ingest(store, [census], area_register(raw_dir), actor="setup")
    store.dispose()
    app = create_app(settings)
    app.server.config["TESTING"] = True
    app.server.extensions["wec_accounts"].create("alice", PASSWORD)
    client = app.server.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/staff/sign-in", data={"username": "alice", "password": PASSWORD,
                                        "csrf_token": token, "next": "/staff"})  # fmt: skip
    client.get("/staff")
    workers: list[subprocess.Popen] = []
    yield app, client, settings, env, workers
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(30)


def test_a_celery_worker_killed_mid_check_is_shown_as_failed(celery_app, raw_dir, tmp_path):
    app, client, settings, env, workers = celery_app
    hold, reading, log = tmp_path / "hold", tmp_path / "reading", tmp_path / "worker.log"
    hold.touch()
    workers.append(start_worker(env, log, hold, reading))
    content = official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
    store = Store(settings.database_url)
    upload_id = store.add_upload([("feb.csv", content)], actor="alice")

    _run_check(app, client, upload_id, None)
    deadline = time.monotonic() + 120
    while not reading.exists():
        assert time.monotonic() < deadline, "the worker never started the check"
        time.sleep(0.1)
    pid = int(reading.read_text())
    assert pid == workers[0].pid  # the solo pool checks in the worker itself
    os.kill(pid, signal.SIGKILL)
    workers[0].wait(30)
    killed_at = time.monotonic()

    watch = _key(app, "staff-report.children", "staff-progress-text.children")
    state = [{"id": "staff-upload-id", "property": "data", "value": upload_id}]
    shown = None
    while time.monotonic() < killed_at + 120:
        answer = _post(client, _body(watch, [{"id": "staff-watch", "property": "n_intervals",
                                              "value": 1}], state))  # fmt: skip
        if answer.status_code == 200:
            shown = json.loads(answer.get_data(as_text=True))["response"]
            break
        time.sleep(0.5)
    assert shown is not None, "the failure was never shown"
    print(f"killed Celery check shown as failed {time.monotonic() - killed_at:.1f} s after")
    assert f":{pid}) stopped" in _text(shown["staff-report"]["children"])
    assert shown["staff-check-again"]["hidden"] is False

    # A new worker; check again.
    hold.unlink()
    workers.append(start_worker(env, log, hold, reading))
    again = _key(app, "staff-check-request.data")
    answer = _post(client, _body(again, [{"id": "staff-check-again", "property": "n_clicks",
                                          "value": 1}], state))  # fmt: skip
    request = json.loads(answer.get_data(as_text=True))["response"]["staff-check-request"]["data"]
    job = _run_check(app, client, upload_id, request)
    result = _poll_check(client, job, time.monotonic() + 180)
    assert "Passed its check" in _text(result["staff-report"]["children"])
    assert store.upload(upload_id)["status"] == "ready"
    store.dispose()
