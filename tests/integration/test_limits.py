"""Request bodies are capped as they are read, chunked or not, on real servers (werkzeug's
threaded server and gunicorn): 1 MB for anyone not signed in, the upload limit for staff.
And the boundary files: 16 cold requests at once all get the whole file."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import threading

import psutil
import pytest
import requests

from dashboard.app import create_app
from dashboard.auth import Accounts
from dashboard.services import DataService, compress_web_files
from dashboard.settings import Settings
from data.store.store import Store
from tests.integration.servers import (
    PASSWORD,
    app_env,
    chunked_post,
    csrf_headers,
    gunicorn_server,
    router_body,
    signed_in,
    visitor,
    werkzeug_server,
)

MB = 1024 * 1024
UPLOAD = "/_dash-update-component"


def _settings(tmp_path, published, **more: str) -> Settings:
    return Settings.from_env(app_env(tmp_path, published.web_dir, **more))


def _account(settings: Settings) -> None:
    store = Store(settings.database_url)
    Accounts(store.engine).create("alice", PASSWORD, "Alice Example")
    store.dispose()


def upload_body(app, content: bytes, name: str = "big.csv") -> bytes:
    key = next(k for k in app.callback_map if "staff-upload-id.data" in k)
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in key.strip(".").split("...")]  # fmt: skip
    data = "data:text/csv;base64," + base64.b64encode(content).decode()
    return json.dumps({
        "output": key, "outputs": outputs,
        "inputs": [{"id": "staff-upload", "property": "contents", "value": [data]}],
        "state": [{"id": "staff-upload", "property": "filename", "value": [name]}],
        "changedPropIds": ["staff-upload.contents"],
    }).encode()  # fmt: skip


@pytest.fixture
def werkzeug_app(tmp_path, published):
    # A small staff limit (one file of 2 MB: about 3.7 MB of request) to test it too.
    settings = _settings(tmp_path, published, WEC_UPLOAD_MAX_BYTES=str(2 * MB),
                         WEC_UPLOAD_MAX_FILES="1")  # fmt: skip
    _account(settings)
    app = create_app(settings)
    with werkzeug_server(app) as base:
        yield app, base, settings


def test_an_anonymous_chunked_body_is_refused_after_one_megabyte(werkzeug_app):
    _, base, _ = werkzeug_app
    headers = csrf_headers(visitor(base))
    status, taken = chunked_post(base, UPLOAD, headers, 64 * MB)
    assert status == 413
    # The server answered long before the 64 MB were sent.
    assert taken < 16 * MB
    # ... and the same with a Content-Length that says so, and without the CSRF token.
    big = requests.post(f"{base}{UPLOAD}", data=b"x" * (MB + 10), headers=headers, timeout=60)
    assert big.status_code == 413
    status, _ = chunked_post(base, UPLOAD, {}, 8 * MB)
    assert status in (400, 413)  # refused either way; never read into memory
    # A normal public callback request still works.
    small = requests.post(f"{base}{UPLOAD}", headers=headers, timeout=60, json=router_body())
    assert small.status_code == 200, small.text[:300]


def test_signed_in_staff_may_send_an_upload_chunked_up_to_their_own_limit(werkzeug_app):
    app, base, settings = werkzeug_app
    staff = signed_in(base)
    content = b"Month_Year,Count\n" + b"2026-02,1\n" * (150 * 1024)  # 1.5 MB: over 1 MB
    body = upload_body(app, content)
    assert len(body) > 1.5 * MB
    headers = csrf_headers(staff)
    answer = staff.post(f"{base}{UPLOAD}", data=iter([body[i : i + 65536]
                        for i in range(0, len(body), 65536)]),
                        headers={"X-CSRFToken": headers["X-CSRFToken"],
                                 "Content-Type": "application/json"}, timeout=120)  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    assert json.loads(answer.text)["response"]["staff-upload-id"]["data"] == 1
    store = Store(settings.database_url)
    stored = store.upload(1)["files"][0]
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    store.dispose()
    # Past the staff limit (one 2 MB file, base64, plus 1 MB) even staff are refused.
    status, _ = chunked_post(base, UPLOAD, headers, 6 * MB)
    assert status == 413


def test_under_gunicorn_a_chunked_flood_is_refused_without_growing_the_worker(tmp_path, published):
    env = app_env(tmp_path, published.web_dir)
    _account(Settings.from_env(env))
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, master):
        workers = psutil.Process(master).children()
        assert len(workers) == 1
        before = workers[0].memory_info().rss
        headers = csrf_headers(visitor(base))
        status, _ = chunked_post(base, UPLOAD, headers, 200 * MB)
        assert status == 413
        grown = workers[0].memory_info().rss - before
        assert grown < 64 * MB, f"the worker grew by {grown / MB:.0f} MB"
        # Staff, chunked, over 1 MB: taken (the default staff limit is about 667 MB).
        staff = signed_in(base)
        body = json.dumps(router_body()).encode()[:-1] + b', "padding": "'
        status, _ = chunked_post(base, UPLOAD, csrf_headers(staff), 3 * MB, prefix=body)
        assert status == 200
        # No server banner, and the security headers.
        page = requests.get(f"{base}/", timeout=30)
        assert "Server" not in page.headers
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert requests.get(f"{base}/_reload-hash", timeout=30).status_code == 404
        assert psutil.Process(master).is_running()


def test_sixteen_cold_requests_for_a_boundary_file_all_get_the_whole_file(tmp_path, published):
    """A fresh data folder whose gzipped copies are not made yet (a folder built by
    hand): 16 threads ask at once; every answer is complete and identical."""
    env = app_env(tmp_path, published.web_dir)
    for packed in (tmp_path / "web").glob("*.gz"):
        packed.unlink()
    settings = Settings.from_env(env)
    app = create_app(settings)
    name = DataService(settings).geo_manifest()["ward"]
    original = (tmp_path / "web" / name).read_bytes()
    answers: list[tuple[int, bytes, str]] = []
    start = threading.Barrier(16)

    def fetch() -> None:
        start.wait()
        r = requests.get(f"{base}/geo/{name}", headers={"Accept-Encoding": "gzip"}, timeout=120,
                         stream=True)  # fmt: skip
        raw = r.raw.read(decode_content=False)
        answers.append((r.status_code, raw, r.headers.get("Content-Encoding", "")))

    with werkzeug_server(app) as base:
        threads = [threading.Thread(target=fetch) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
    assert len(answers) == 16
    assert {status for status, _, _ in answers} == {200}
    assert {encoding for _, _, encoding in answers} == {"gzip"}
    assert len({body for _, body, _ in answers}) == 1
    assert gzip.decompress(answers[0][1]) == original
    assert not list((tmp_path / "web").glob("*.tmp"))


def test_boundary_files_are_compressed_when_they_are_built(tmp_path, published):
    web = tmp_path / "web"
    shutil.copytree(published.web_dir, web)
    for packed in web.glob("*.gz"):
        packed.unlink()
    written = compress_web_files(web)
    assert {p.name for p in written} == {p.name + ".gz" for p in web.glob("*.geojson")}
    for packed in written:
        assert gzip.decompress(packed.read_bytes()) == packed.with_suffix("").read_bytes()
    assert compress_web_files(web) == []  # once only
