"""Scale-out on real components, on loopback: real PostgreSQL (a schema of its own), real
Redis, two app instances (each with its own worker memory, serving real HTTP from
Werkzeug threads) and a Celery worker (a process of its own) that checks staff uploads.

- A member of staff uploads a month through instance A; the Celery worker checks it;
  she publishes it through A. Instance B shows the new version at its very next request,
  and its answers (kept in the shared Redis cache under the version) are not stale.
- Redis stops answering: both instances keep serving public pages, from their own
  memory, and say so in the log; when Redis is back they use it again by themselves.
- PostgreSQL is unreachable for a while: pages are served from the version in memory,
  the log says so, and the instances recover by themselves when it is back.

Redis and PostgreSQL are reached through TCP proxies the test opens and closes, so the
servers other tests share are never stopped.

A module of its own: Dash keeps background callbacks in a registry of the process, so a
Celery app and a disk-cache app are not made in one module.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests

from dashboard import cache as cache_module
from dashboard import services
from dashboard.app import create_app
from dashboard.settings import Settings
from data.ingest import ingest
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.conftest import own_redis_db, redis_db_url
from tests.integration.servers import (
    app_env,
    csrf_headers,
    router_body,
    signed_in,
    visitor,
    werkzeug_server,
)
from tests.integration.test_killed_check import _body, _key

pytestmark = pytest.mark.postgres
REPO = Path(__file__).resolve().parents[2]
UPDATE = "/_dash-update-component"
REDIS_DB = 12  # a database of its own (tests/conftest.py own_redis_db)


class Proxy:
    """A TCP proxy on a fixed loopback port to `upstream`, that can be closed (every
    connection through it dropped, new ones refused) and opened again."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for s in self._open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def through(proxy: Proxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def upstream_of(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 0


@pytest.fixture
def topology(tmp_path, raw_dir, published, postgres_url, monkeypatch):
    redis_url = os.environ.get("WEC_TEST_REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("WEC_TEST_REDIS_URL is not set; scripts/test starts Redis and sets it")
        pytest.skip("no Redis here: run scripts/services and set WEC_TEST_REDIS_URL")
    redis_url = own_redis_db(redis_url, REDIS_DB)
    # Outages are retried after a moment rather than seconds, so the test is quick.
    monkeypatch.setattr(services, "STORE_RETRY", 0.2)
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.2)
    pg, redis = Proxy(upstream_of(postgres_url)), Proxy(upstream_of(redis_url))
    pg.open()
    redis.open()
    env = app_env(tmp_path, published.web_dir, WEC_RAW_DIR=str(raw_dir),
                  DATABASE_URL=through(pg, postgres_url), REDIS_URL=through(redis, redis_url),
                  WEC_CELERY_QUEUE=f"wec-test-{uuid.uuid4().hex[:8]}",
                  LOG_LEVEL="INFO")  # fmt: skip
    settings = Settings.from_env(env)
    store = Store(settings.database_url)
    census = SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes())
    ingest(store, [census], area_register(raw_dir), actor="setup")
    store.dispose()

    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo",
             "-Q", env["WEC_CELERY_QUEUE"], "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    apps = [create_app(settings), create_app(settings)]
    apps[0].server.extensions["wec_accounts"].create("alice", "a long enough password")
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(werkzeug_server(app)) for app in apps]
        deadline = time.monotonic() + 90
        while b" ready." not in log.read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.3)
        try:
            yield apps, bases, pg, redis, raw_dir
        finally:
            worker.terminate()
            worker.wait(30)
            pg.close()
            redis.close()


def post(session: requests.Session, base: str, body: dict, query: str = "") -> requests.Response:
    return session.post(base + UPDATE + query, json=body, headers=csrf_headers(session),
                        timeout=60)  # fmt: skip


def version_line(session: requests.Session, base: str) -> str:
    answer = post(session, base, router_body("/map"))
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()["response"]["data-version"]["children"]


def map_answer(session: requests.Session, base: str) -> bytes:
    """The map page's first answer for knife crime by borough in the latest month."""
    from tests.integration.test_answers import map_body

    answer = post(session, base, map_body("?measure=knife_crime&period=m"))
    assert answer.status_code == 200, answer.text[:300]
    return answer.content


def publish_through(app, base: str, raw_dir: Path) -> str:
    """Staff upload February 2026 through this instance, the Celery worker checks it, and
    she publishes it; returns what the page said."""
    staff = signed_in(base)
    content = official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
    receive = _key(app, "staff-upload-id.data", "staff-upload-message")
    data = "data:text/csv;base64," + base64.b64encode(content).decode()
    answer = post(staff, base, _body(receive,
                                     [{"id": "staff-upload", "property": "contents",
                                       "value": [data]}],
                                     [{"id": "staff-upload", "property": "filename",
                                       "value": ["feb.csv"]}]))  # fmt: skip
    upload_id = answer.json()["response"]["staff-upload-id"]["data"]
    check = _key(app, "staff-report.children", "staff-watch.disabled")
    inputs = [{"id": "staff-upload-id", "property": "data", "value": upload_id},
              {"id": "staff-check-request", "property": "data", "value": None}]  # fmt: skip
    handles = post(staff, base, _body(check, inputs)).json()
    query = "?" + urlencode({"cacheKey": handles["cacheKey"], "job": handles["job"]})
    deadline = time.monotonic() + 120
    while True:
        answer = post(staff, base, _body(check, inputs), query)
        if answer.status_code == 200 and "response" in answer.json():
            break
        assert time.monotonic() < deadline, "the Celery worker never finished the check"
        time.sleep(0.3)
    assert "Passed its check" in json.dumps(answer.json()["response"])
    act = _key(app, "staff-outcome.children")
    published = post(staff, base, _body(act,
                                        [{"id": "staff-publish", "property": "n_clicks",
                                          "value": 1},
                                         {"id": "staff-discard", "property": "n_clicks"}],
                                        [{"id": "staff-upload-id", "property": "data",
                                          "value": upload_id}]))  # fmt: skip
    assert published.status_code == 200, published.text[:300]
    return json.dumps(published.json()["response"])


def wait_for(condition, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_two_instances_share_postgres_and_redis_and_ride_out_outages(topology, caplog):
    apps, (a, b), pg, redis, raw_dir = topology
    public_a, public_b = visitor(a), visitor(b)
    assert version_line(public_b, b) == "Data version 1."
    before = map_answer(public_b, b)
    assert map_answer(public_a, a) == before  # the same answer, from either instance

    # A publish through instance A, checked by the Celery worker ...
    said = publish_through(apps[0], a, raw_dir)
    assert "Published version 2" in said
    # ... is what instance B shows at its next request, with no stale answer.
    assert version_line(public_b, b) == "Data version 2; latest month February 2026."
    after = map_answer(public_b, b)
    assert after != before
    assert b"February 2026" in after
    assert b"February 2026" not in before
    assert map_answer(public_a, a) == after

    # Redis stops answering: public pages are still served, from each instance's memory,
    # and the log says so.
    redis.close()
    with caplog.at_level(logging.WARNING, logger="dashboard.cache"):
        assert map_answer(public_b, b) == after  # kept in B's own memory
        assert version_line(public_a, a).startswith("Data version 2")
        fresh = post(public_b, b, router_body("/about"))  # never asked before: worked out
        assert fresh.status_code == 200
    assert "Redis cache unavailable; serving from the local cache" in caplog.text
    redis.open()
    # Back: what an instance works out is kept in Redis again, by itself.
    service_a, service_b = (app.server.extensions["wec"] for app in apps)
    kept = _kept_in_redis(service_a)
    pages = iter(f"/no-such-page-{i}" for i in range(10_000))
    wait_for(lambda: post(public_a, a, router_body(next(pages))).status_code == 200
             and _kept_in_redis(service_a) > kept, "Redis was never used again")  # fmt: skip

    # PostgreSQL unreachable: the version in memory is served, and the log says so.
    caplog.clear()
    pg.close()
    with caplog.at_level(logging.WARNING, logger="dashboard.services"):
        assert version_line(public_b, b).startswith("Data version 2")
        assert map_answer(public_a, a) == after
    assert "the data store does not answer; serving version 2 from memory" in caplog.text
    pg.open()
    # Back: both instances read the store again by themselves.
    with caplog.at_level(logging.WARNING, logger="dashboard.services"):
        for base, session, service in ((a, public_a, service_a), (b, public_b, service_b)):
            wait_for(lambda s=session, u=base, v=service: _store_read(s, u, v),
                     "the instance never read the store again")  # fmt: skip
    assert "the data store answers again" in caplog.text


def _kept_in_redis(service) -> int:
    """How many keys of this store's views Redis holds (asked directly, not through the
    proxy)."""
    import redis

    client = redis.Redis.from_url(redis_db_url(os.environ["WEC_TEST_REDIS_URL"], REDIS_DB))
    return sum(1 for _ in client.scan_iter(match=f"{service.views.namespace}:*", count=1000))


def _store_read(session: requests.Session, base: str, service) -> bool:
    assert version_line(session, base).startswith("Data version 2")
    return not service._store_down
