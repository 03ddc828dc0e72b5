"""Staff sign-in and the server-side guard, through the app's real HTTP endpoints.

Dash callbacks are public endpoints: these tests call every staff callback without a
session (as anyone on the internet could) and check it is refused and changes nothing.
"""

from __future__ import annotations

import base64
import json

import argon2
import pytest
from click.testing import CliRunner

from dashboard import auth
from dashboard.app import create_app
from dashboard.cli import main
from dashboard.settings import Settings
from data.ingest import ingest
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.conftest import TEST_SECRET_KEY

PASSWORD = "a long enough password"


@pytest.fixture
def settings(tmp_path, raw_dir):
    return Settings.from_env(
        {"WEC_DATA_DIR": str(tmp_path), "WEC_RAW_DIR": str(raw_dir), "LOG_LEVEL": "WARNING",
         "WEC_SECURE_COOKIES": "false", "SECRET_KEY": TEST_SECRET_KEY}
    )  # fmt: skip


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.server.config["TESTING"] = True
    accounts = app.server.extensions["wec_accounts"]
    accounts.create("alice", PASSWORD, "Alice Example")
    return app


@pytest.fixture
def client(app):
    client = app.server.test_client()
    client.get("/")  # a visitor's first page: the session and its CSRF cookie
    return client


def csrf(client) -> dict[str, str]:
    cookie = client.get_cookie(auth.CSRF_COOKIE)
    assert cookie is not None
    return {"X-CSRFToken": cookie.value}


def sign_in(client, password: str = PASSWORD, username: str = "alice"):
    page = client.get("/staff/sign-in")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/staff/sign-in",
        data={"username": username, "password": password, "csrf_token": token, "next": "/staff"},
    )
    if response.status_code == 302:
        client.get(response.headers["Location"])  # as a browser would: a fresh CSRF cookie
    return response  # fmt: skip


def staff_callbacks(app) -> list[str]:
    return [key for key in app.callback_map if auth.STAFF_PREFIX in key]


def upload_body(app, content: bytes, name: str = "feb.csv") -> dict:
    key = next(k for k in staff_callbacks(app) if "staff-upload-id.data" in k)
    data = "data:text/csv;base64," + base64.b64encode(content).decode()
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in key.strip(".").split("...")]  # fmt: skip
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": "staff-upload", "property": "contents", "value": [data]}],
        "state": [{"id": "staff-upload", "property": "filename", "value": [name]}],
        "changedPropIds": ["staff-upload.contents"],
    }


def store_state(settings) -> tuple:
    store = Store(settings.database_url)
    try:
        return store.published_version_id(), len(store.versions()), len(store.uploads())
    finally:
        store.dispose()


def test_every_staff_callback_is_refused_without_a_session_and_changes_nothing(
    app, client, settings, raw_dir
):
    keys = staff_callbacks(app)
    # Upload, check, preview, publish or discard, history, roll back, sign out ...
    assert len(keys) >= 9
    before = store_state(settings)
    content = official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
    for key in keys:
        body = (
            upload_body(app, content)
            if "staff-upload-id.data" in key
            else {"output": key, "outputs": [], "inputs": [], "state": [], "changedPropIds": []}
        )
        response = client.post("/_dash-update-component", json=body, headers=csrf(client))
        assert response.status_code == 403, key
    assert store_state(settings) == before


def set_target_body(app, rate: str = "30") -> dict:
    """The request the renderer sends when staff press "Set target"."""
    key = next(k for k in staff_callbacks(app) if "staff-target-message.children" in k)
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in key.strip(".").split("...")]  # fmt: skip
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": "staff-target-set", "property": "n_clicks", "value": 1},
                   {"id": "staff-target-clear", "property": "n_clicks", "value": None}],
        "state": [{"id": "staff-target-choice", "property": "data",
                   "value": {"measure": "knife_crime", "area": ""}},
                  {"id": "staff-target-rate", "property": "value", "value": rate}],
        "changedPropIds": ["staff-target-set.n_clicks"],
    }  # fmt: skip


def test_an_anonymous_request_to_set_a_target_is_refused(app, client, settings):
    response = client.post("/_dash-update-component", json=set_target_body(app),
                           headers=csrf(client))  # fmt: skip
    assert response.status_code == 403
    assert "sign in as staff" in response.get_data(as_text=True)
    store = Store(settings.database_url)
    try:
        assert store.targets().items == ()
        assert not [h for h in store.history() if h["action"] == "target"]
    finally:
        store.dispose()
    # Signed in, the same request reaches the callback (which, with nothing published,
    # says there is no rate to set a target for and changes nothing).
    assert sign_in(client).status_code == 302
    response = client.post("/_dash-update-component", json=set_target_body(app),
                           headers=csrf(client))  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = json.loads(response.get_data(as_text=True))["response"]
    assert "Nothing was changed: nothing is published yet" in str(answer["staff-target-message"])


def test_the_same_upload_is_taken_from_a_signed_in_member_of_staff(app, client, settings,
                                                                    raw_dir):  # fmt: skip
    content = official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
    assert sign_in(client).status_code == 302
    response = client.post("/_dash-update-component", json=upload_body(app, content),
                           headers=csrf(client))  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = json.loads(response.get_data(as_text=True))["response"]
    assert answer["staff-upload-id"]["data"] == 1
    store = Store(settings.database_url)
    upload = store.upload(1)
    assert upload["created_by"] == "alice"
    assert store.source_file(upload["files"][0]["sha256"]) == content
    store.dispose()


def test_a_callback_without_the_csrf_token_is_refused_even_when_signed_in(app, client, raw_dir):
    sign_in(client)
    content = official.to_csv(official.dashboard_frame(raw_dir, only="2026-02"))
    response = client.post("/_dash-update-component", json=upload_body(app, content))
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_a_public_request_may_not_send_a_large_body(app, client):
    body = {"output": "page-content.children", "inputs": [], "padding": "x" * 1_100_000}
    response = client.post("/_dash-update-component", json=body, headers=csrf(client))
    assert response.status_code == 413


def test_sign_in_is_throttled_after_five_failures_even_with_the_right_password(client):
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, "wrong password here").status_code == 401
    refused = sign_in(client)
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.get_data(as_text=True)
    assert client.get("/staff").status_code == 302  # still signed out


def test_a_signed_in_session_has_safe_cookies_and_staff_pages_open(app, settings):
    secure = create_app(settings.with_(secure_cookies=True)).server.test_client()
    secure.get("/")
    response = sign_in(secure)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_as_argon2id_hashes(real_password_hashes, app):
    # The library's recommended costs (RFC 9106, low memory), as the app's hasher says.
    costs = argon2.profiles.RFC_9106_LOW_MEMORY
    accounts = app.server.extensions["wec_accounts"]
    (user,) = accounts.users()
    assert user["password_hash"].startswith(
        f"$argon2id$v=19$m={costs.memory_cost},t={costs.time_cost},p={costs.parallelism}$"
    )
    assert PASSWORD not in user["password_hash"]
    with pytest.raises(auth.AccountError, match="12 characters"):
        accounts.create("bob", "short")


def test_a_password_change_ends_the_old_sessions(app, client):
    sign_in(client)
    assert client.get("/staff").status_code == 200
    app.server.extensions["wec_accounts"].set_password("alice", "another long password")
    assert client.get("/staff").status_code == 302


def test_sign_in_never_redirects_off_the_site(client):
    page = client.get("/staff/sign-in")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/staff/sign-in", data={"username": "alice", "password": PASSWORD,
                                                   "csrf_token": token,
                                                   "next": "//evil.example/x"})  # fmt: skip
    assert response.headers["Location"] == "/staff"


def test_sign_out_ends_the_session(client):
    sign_in(client)
    page = client.get("/staff/history")
    assert page.status_code == 200
    assert client.post("/staff/sign-out", headers=csrf(client)).status_code == 302
    assert client.get("/staff/history").status_code == 302


def test_the_command_line_creates_accounts_and_uploads(settings, raw_dir, monkeypatch):
    env = {"WEC_DATA_DIR": str(settings.data_dir), "WEC_RAW_DIR": str(raw_dir),
           "LOG_LEVEL": "WARNING", "WEC_ACTOR": "cron"}  # fmt: skip
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    runner = CliRunner()
    added = runner.invoke(main, ["users", "add", "carol"], env={"WEC_PASSWORD": PASSWORD})
    assert added.exit_code == 0, added.output
    assert "carol" in runner.invoke(main, ["users", "list"]).output
    folder = settings.data_dir / "files"
    folder.mkdir()
    knife = official.dashboard_frame(raw_dir)
    good, bad = folder / "knife.csv", folder / "bad.csv"
    good.write_bytes(official.to_csv(knife))
    broken = knife.astype(object)
    broken.loc[3, "Count"] = "-2"
    bad.write_bytes(official.to_csv(broken))
    # Nothing published yet: a version of this file alone would be all the public sees.
    first = runner.invoke(main, ["upload", str(good), "--publish"])
    assert first.exit_code == 1
    assert "nothing is published yet" in first.output
    assert "wec ingest" in first.output
    assert store_state(settings) == (None, 0, 0)
    store = Store(settings.database_url)
    census = SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes())
    ingest(store, [census], area_register(raw_dir), actor="setup")
    store.dispose()
    refused = runner.invoke(main, ["upload", str(bad), "--publish"])
    assert refused.exit_code == 1
    assert "refused: 1 error. Nothing" in refused.output  # not "1 errors"
    assert "row 5, column 'Count'" in refused.output
    assert "negative" in refused.output
    assert store_state(settings)[0] == 1
    published = runner.invoke(main, ["upload", str(good), "--publish"])
    assert published.exit_code == 0, published.output
    assert "Published version 2." in published.output
    assert store_state(settings)[0] == 2
    too_big = runner.invoke(main, ["upload", str(good)], env={"WEC_UPLOAD_MAX_BYTES": "10"})
    assert too_big.exit_code == 1  # as the README says (it was 2)
    assert "over the limit" in too_big.output
    history = runner.invoke(main, ["history"]).output
    assert "cron" in history
    assert "publish" in history
    assert "vNone" not in history  # an upload belongs to no version yet
    assert runner.invoke(main, ["rollback", "1"]).exit_code == 0
    assert "rolled back to version 1" in runner.invoke(main, ["history"]).output


def test_background_jobs_run_on_celery_with_redis_and_are_never_served_from_a_cache(settings):
    from dash import CeleryManager, DiskcacheManager

    from dashboard.background import background_manager

    # A check's answer depends on the upload's state in the store (checked, published,
    # discarded), not only on its inputs: no answer may be reused.
    local = background_manager(settings)
    assert isinstance(local, DiskcacheManager)
    assert not local.cache_by
    url = "redis://127.0.0.1:6390/5"
    celery = background_manager(settings.with_(redis_url=url))
    assert isinstance(celery, CeleryManager)
    assert not celery.cache_by
    assert celery.handle.conf.broker_url == url
    assert celery.handle.conf.task_default_queue == "wec"
