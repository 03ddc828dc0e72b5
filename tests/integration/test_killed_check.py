"""A background check killed mid-way (kill -9 of the process running it) is shown to staff
as failed, with the reason and a "Check again" button, and checking again passes.

Everything goes through the app's real HTTP endpoints as the page uses them: the
upload callback, the background check (Dash's disk-cache manager runs it in a process
of its own, forked from this one), the page's watcher and the "Check again" button.
The check is held while reading the upload (a patched read, inherited by the forked
job), so the kill lands mid-check, after the check has begun and written its
heartbeat; nothing here waits a fixed time.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import time
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from data.ingest import ingest
from data.readcache import ReadCache
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.integration.servers import PASSWORD, app_env

STALL_SECONDS = 3
UPDATE = "/_dash-update-component"


def _key(app, *parts: str) -> str:
    return next(k for k in app.callback_map if all(p in k for p in parts))


def _body(key: str, inputs: list[dict], state: list[dict] | None = None) -> dict:
    outputs = [{"id": p.split(".")[0], "property": p.split(".")[1]}
               for p in key.strip(".").split("...")]  # fmt: skip
    return {"output": key, "outputs": outputs, "inputs": inputs, "state": state or [],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}  # fmt: skip


@pytest.fixture
def staff_app(tmp_path, raw_dir, published, monkeypatch):
    env = app_env(tmp_path, published.web_dir, WEC_RAW_DIR=str(raw_dir),
                  WEC_CHECK_STALL_SECONDS=str(STALL_SECONDS))  # fmt: skip
    settings = Settings.from_env(env)
    store = Store(settings.database_url)
    census = SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes())
    ingest(store, [census], area_register(raw_dir), actor="setup")
    store.dispose()
    hold, reading = tmp_path / "hold", tmp_path / "reading"
    original = ReadCache.read

    def held_read(self, source):
        if source.name == "feb.csv" and hold.exists():
            reading.write_text(str(os.getpid()))
            time.sleep(300)  # until killed
        return original(self, source)

    # The disk-cache manager forks this process for each job: the job reads this way.
    monkeypatch.setattr(ReadCache, "read", held_read)
    app = create_app(settings)
    app.server.config["TESTING"] = True
    app.server.extensions["wec_accounts"].create("alice", PASSWORD)
    client = app.server.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/staff/sign-in", data={"username": "alice", "password": PASSWORD,
                                        "csrf_token": token, "next": "/staff"})  # fmt: skip
    client.get("/staff")
    hold.touch()
    return app, client, settings, hold, reading


def _post(client, body: dict, query: str = ""):
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    return client.post(UPDATE + query, json=body, headers=headers)


def _run_check(app, client, upload_id: int | None, request: dict | None) -> dict:
    """Start the background check as the renderer does; returns its job handles."""
    key = _key(app, "staff-report.children", "staff-watch.disabled")
    inputs = [{"id": "staff-upload-id", "property": "data", "value": upload_id},
              {"id": "staff-check-request", "property": "data", "value": request}]  # fmt: skip
    answer = _post(client, _body(key, inputs))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    handles = json.loads(answer.get_data(as_text=True))
    assert "cacheKey" in handles, handles
    return {"key": key, "inputs": inputs, **handles}


def _poll_check(client, job: dict, deadline: float) -> dict:
    """Ask for the job's answer as the renderer does, until it comes."""
    from urllib.parse import urlencode

    query = "?" + urlencode({"cacheKey": job["cacheKey"], "job": job["job"]})
    while time.monotonic() < deadline:
        answer = _post(client, _body(job["key"], job["inputs"]), query)
        if answer.status_code == 200:
            data = json.loads(answer.get_data(as_text=True))
            if "response" in data:
                return data["response"]
        time.sleep(0.3)
    raise AssertionError("the check never answered")


def _text(value) -> str:
    return json.dumps(value)


def test_a_check_killed_mid_way_is_shown_as_failed_and_can_be_checked_again(staff_app,
                                                                            raw_dir):  # fmt: skip
    app, client, settings, hold, reading = staff_app
    content = official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
    receive = _key(app, "staff-upload-id.data", "staff-upload-message")
    data = "data:text/csv;base64," + base64.b64encode(content).decode()
    answer = _post(client, _body(receive,
                                 [{"id": "staff-upload", "property": "contents", "value": [data]}],
                                 [{"id": "staff-upload", "property": "filename",
                                   "value": ["feb.csv"]}]))  # fmt: skip
    upload_id = json.loads(answer.get_data(as_text=True))["response"]["staff-upload-id"]["data"]

    _run_check(app, client, upload_id, None)
    deadline = time.monotonic() + 120
    while not reading.exists():
        assert time.monotonic() < deadline, "the check never started reading"
        time.sleep(0.1)
    pid = int(reading.read_text())
    store = Store(settings.database_url)
    run = store.checks_of(upload_id)[0]
    assert run["worker"].endswith(f":{pid}")
    assert run["finished_at"] is None
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)  # the job was this process's child
    killed_at = time.monotonic()

    watch = _key(app, "staff-report.children", "staff-progress-text.children")
    inputs = [{"id": "staff-watch", "property": "n_intervals", "value": 1}]
    state = [{"id": "staff-upload-id", "property": "data", "value": upload_id}]
    shown = None
    while time.monotonic() < killed_at + 120:
        answer = _post(client, _body(watch, inputs, state))
        if answer.status_code == 200:
            shown = json.loads(answer.get_data(as_text=True))["response"]
            break
        assert answer.status_code == 204  # still running, as far as the store knows
        time.sleep(0.5)
    assert shown is not None, "the failure was never shown"
    seen_after = time.monotonic() - killed_at
    report = _text(shown["staff-report"]["children"])
    assert "The check did not finish" in report
    assert f":{pid}) stopped" in report
    assert shown["staff-check-again"]["hidden"] is False
    assert shown["staff-progress-text"]["children"] == "The check did not finish."
    assert store.upload(upload_id)["status"] == "failed"
    print(f"killed check shown as failed {seen_after:.1f} s after the kill")

    # Check again: this time the read is not held.
    hold.unlink()
    again = _key(app, "staff-check-request.data")
    answer = _post(client, _body(again,
                                 [{"id": "staff-check-again", "property": "n_clicks", "value": 1}],
                                 state))  # fmt: skip
    request = json.loads(answer.get_data(as_text=True))["response"]["staff-check-request"]["data"]
    job = _run_check(app, client, upload_id, request)
    result = _poll_check(client, job, time.monotonic() + 180)
    assert "Passed its check" in _text(result["staff-report"]["children"])
    assert result["staff-check-again"]["hidden"] is True
    assert store.upload(upload_id)["status"] == "ready"
    assert [r["outcome"] for r in store.checks_of(upload_id)] == ["passed", "failed"]
    store.dispose()
    assert not Path(reading).with_name("hold").exists()
