"""The store or the cache out of reach: the public pages keep answering from the version
in memory, what cannot be answered is 503 (never 500, never a traceback), and all is
well again once the server is back.

The outages are real, made on servers of this test's own (tests/integration/outages.py):
PostgreSQL reached through a proxy that cuts every connection and refuses new ones, and
a Redis server stopped with SIGKILL and started again. Nothing waits a fixed time: after
the store is back the test asks /healthz until it says so.
"""

from __future__ import annotations

import json
import time

import pytest

from dashboard.app import create_app
from dashboard.services import STORE_RETRY
from dashboard.settings import Settings
from data.ingest import ingest
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.conftest import TEST_SECRET_KEY
from tests.integration.outages import OwnRedis, TcpProxy
from tests.integration.servers import PASSWORD, router_body

pytestmark = pytest.mark.postgres
UPDATE = "/_dash-update-component"


@pytest.fixture
def outage(tmp_path, raw_dir, postgres_url):
    """An app whose store is PostgreSQL behind a proxy and whose cache is a Redis of its
    own, with one small published version (the census) and a signed-in member of staff."""
    store = Store(postgres_url)
    census = SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes())
    ingest(store, [census], area_register(raw_dir), actor="setup")
    store.dispose()
    host, port = postgres_url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)
    proxy = TcpProxy((host, int(port)))
    redis = OwnRedis(tmp_path / "redis")
    redis.start()
    settings = Settings.from_env({
        "WEC_DATA_DIR": str(tmp_path / "data"),
        "WEC_RAW_DIR": str(tmp_path / "no-raw-data"),
        "DATABASE_URL": proxy.url_for(postgres_url),
        "REDIS_URL": redis.url,
        "WEC_INGEST_ON_START": "false",
        "WEC_WARM_VIEWS": "false",
        "WEC_SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": TEST_SECRET_KEY,
    })  # fmt: skip
    app = create_app(settings)
    app.server.config["TESTING"] = True
    app.server.extensions["wec_accounts"].create("alice", PASSWORD)
    try:
        yield app, proxy, redis
    finally:
        app.server.extensions["wec"].store.dispose()
        proxy.shutdown()
        redis.stop()


def _sign_in(client) -> None:
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "/staff"}
    answer = client.post("/staff/sign-in", data=form)
    assert answer.status_code == 302
    assert client.get("/staff").status_code == 200


def _page(client, path: str):
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    return client.post(UPDATE, json=router_body(path), headers=headers)


def _health(client) -> tuple[int, dict]:
    answer = client.get("/healthz")
    return answer.status_code, json.loads(answer.get_data(as_text=True))


def _no_fault_shown(answer) -> None:
    assert answer.status_code in (200, 503), answer.get_data(as_text=True)[:300]
    text = answer.get_data(as_text=True)
    for secret in ("Traceback", "psycopg", "SELECT", "redis"):
        assert secret not in text
    if answer.status_code == 503:
        assert answer.headers["Retry-After"] == "5"


def test_the_public_pages_outlive_the_store_and_the_cache_going_away(outage):
    app, proxy, redis = outage
    public, staff = app.server.test_client(), app.server.test_client()
    public.get("/")  # the visitor's cookies, as a browser has them
    _sign_in(staff)
    before = _page(public, "/about")
    assert before.status_code == 200
    assert _health(public) == (200, {"published_version": 1, "store": "ok"})

    proxy.close()
    # Every public page is answered from the version in memory, the ones drawn before
    # the store went away and the ones not drawn yet.
    for path in ("/about", "/", "/about", "/perception"):
        answer = _page(public, path)
        _no_fault_shown(answer)
        assert answer.status_code == 200, path
    assert _page(public, "/about").get_data() == before.get_data()
    assert _health(public) == (200, {"published_version": 1, "store": "unreachable"})
    # What needs the store itself (a staff session is looked up in it) is 503.
    for answer in (staff.get("/staff"), public.get("/staff/sign-in")):
        _no_fault_shown(answer)
    assert staff.get("/staff").status_code == 503

    # Redis gone as well: views not yet worked out are worked out and kept locally.
    redis.stop()
    for path in ("/overview", "/about"):
        answer = _page(public, path)
        assert answer.status_code == 200, path
    redis.start()

    proxy.open()
    deadline = time.monotonic() + STORE_RETRY + 30
    while _health(public) != (200, {"published_version": 1, "store": "ok"}):
        assert time.monotonic() < deadline, "the store was never asked again"
        time.sleep(0.2)
    assert staff.get("/staff").status_code == 200
    assert _page(public, "/about").get_data() == before.get_data()


def test_a_worker_that_never_reached_the_store_answers_503(outage):
    app, proxy, _redis = outage
    proxy.close()
    client = app.server.test_client()
    client.get("/")
    status, body = _health(client)
    assert (status, body) == (503, {"published_version": None, "store": "unreachable"})
    answer = _page(client, "/about")
    _no_fault_shown(answer)
    assert answer.status_code == 503
    proxy.open()
    deadline = time.monotonic() + 30
    while _page(client, "/about").status_code != 200:
        assert time.monotonic() < deadline, "the store was never asked again"
        time.sleep(0.2)
    assert _health(client) == (200, {"published_version": 1, "store": "ok"})
