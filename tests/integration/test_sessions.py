"""Staff sessions kept on the server, the SECRET_KEY a production server needs, the sign-in
throttle under parallel attempts (SQLite and PostgreSQL), the client address behind a
proxy, and the security headers."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from dashboard import auth
from dashboard.app import create_app
from dashboard.cli import main
from dashboard.settings import InsecureSettingsError, Settings, secret_key_problem
from data.store.store import Store
from tests.conftest import TEST_SECRET_KEY

PASSWORD = "a long enough password"


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env(
        {"WEC_DATA_DIR": str(tmp_path), "WEC_RAW_DIR": str(tmp_path / "none"),
         "LOG_LEVEL": "WARNING", "WEC_SECURE_COOKIES": "false", "SECRET_KEY": TEST_SECRET_KEY,
         "WEC_INGEST_ON_START": "false"}
    )  # fmt: skip


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.server.config["TESTING"] = True
    app.server.extensions["wec_accounts"].create("alice", PASSWORD, "Alice Example")
    return app


def client_of(app):
    client = app.server.test_client()
    client.get("/staff/sign-in")
    return client


def sign_in(client, password: str = PASSWORD, username: str = "alice", **environ):
    page = client.get("/staff/sign-in")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/staff/sign-in", environ_base=environ,
                       data={"username": username, "password": password,
                             "csrf_token": token, "next": "/staff"})  # fmt: skip


def csrf(client) -> dict[str, str]:
    return {"X-CSRFToken": client.get_cookie(auth.CSRF_COOKIE).value}


def session_cookie(client) -> str:
    return client.get_cookie("session").value


# -- sessions ------------------------------------------------------------------------


def _router_answer(app, client):
    key = next(k for k in app.callback_map if "page-content" in k)
    body = {"output": key,
            "outputs": [{"id": p.split(".")[0], "property": p.split(".")[1]}
                        for p in key.strip(".").split("...")],
            "inputs": [{"id": "url", "property": "pathname", "value": "/about"}],
            "state": [{"id": "url", "property": "search", "value": ""}],
            "changedPropIds": ["url.pathname"]}  # fmt: skip
    return client.post("/_dash-update-component", json=body, headers=csrf(client))


def test_a_public_answer_late_after_sign_in_leaves_the_new_session(app):
    # A page's callback answer still on its way when its visitor signs in must not put
    # the old anonymous session back: the staff page would fail its CSRF checks.
    client = app.server.test_client()
    client.get("/about")
    anonymous = session_cookie(client)
    answer = _router_answer(app, client)
    assert answer.status_code == 200
    assert not [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert sign_in(client).status_code == 302
    # Signed in, a callback answer may send the session again (it is refreshed).
    assert session_cookie(client) != anonymous


def test_a_cookie_kept_from_before_sign_out_opens_nothing(app):
    client = client_of(app)
    assert sign_in(client).status_code == 302
    assert client.get("/staff").status_code == 200
    captured = session_cookie(client)
    client.get("/staff")
    assert client.post("/staff/sign-out", headers=csrf(client)).status_code == 302
    thief = app.server.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/staff").status_code == 302
    assert thief.get("/staff/history").status_code == 302


def test_a_password_change_and_disabling_end_every_session(app):
    accounts = app.server.extensions["wec_accounts"]
    office, home = client_of(app), client_of(app)
    sign_in(office)
    sign_in(home)
    assert office.get("/staff").status_code == 200
    assert home.get("/staff").status_code == 200
    accounts.set_password("alice", "a brand new password")
    assert office.get("/staff").status_code == 302
    assert home.get("/staff").status_code == 302
    sign_in(office, "a brand new password")
    assert office.get("/staff").status_code == 200
    accounts.set_active("alice", False)
    assert office.get("/staff").status_code == 302
    accounts.set_active("alice", True)
    assert office.get("/staff").status_code == 302  # enabling again revives nothing


def _age_sessions(app, **ages: dt.timedelta) -> None:
    accounts = app.server.extensions["wec_accounts"]
    now = dt.datetime.now(dt.UTC)
    values = {column: now - age for column, age in ages.items()}
    with accounts.engine.begin() as conn:
        conn.execute(update(auth.staff_sessions).values(**values))


def test_a_session_ends_eight_hours_after_sign_in_however_busy(app, settings):
    assert settings.session_hours == 8
    client = client_of(app)
    sign_in(client)
    _age_sessions(app, created_at=dt.timedelta(hours=7, minutes=59), last_seen_at=dt.timedelta())
    assert client.get("/staff").status_code == 200
    _age_sessions(app, created_at=dt.timedelta(hours=8, minutes=1), last_seen_at=dt.timedelta())
    assert client.get("/staff").status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(app, settings):
    assert settings.session_idle_minutes == 30
    client = client_of(app)
    sign_in(client)
    _age_sessions(app, last_seen_at=dt.timedelta(minutes=29))
    assert client.get("/staff").status_code == 200  # ... and this request renews it
    _age_sessions(app, last_seen_at=dt.timedelta(minutes=31))
    assert client.get("/staff").status_code == 302


def test_the_cookie_holds_nothing_from_the_password_hash(app):
    client = client_of(app)
    sign_in(client)
    cookie = session_cookie(client)
    data = app.server.session_interface.get_signing_serializer(app.server).loads(cookie)
    (user,) = app.server.extensions["wec_accounts"].users()
    hash_ = user["password_hash"]
    pieces = {hash_[i : i + 8] for i in range(len(hash_) - 8)}
    for value in [cookie, *map(str, data.values())]:
        assert not any(piece in value for piece in pieces)
    assert data["_user_id"]  # the session token, random


# -- the secret key ------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["", "dev-only-not-secret", "test-secret", "short-but-random-Xq9", "ab" * 20, "a" * 64],
)
def test_production_refuses_to_start_without_a_strong_secret_key(settings, key):
    weak = settings.with_(secret_key=key)
    assert secret_key_problem(key)
    with pytest.raises(InsecureSettingsError, match="SECRET_KEY"):
        create_app(weak)
    create_app(weak.with_(environment="development"))  # explicit development: it starts


def test_development_is_explicit_and_makes_its_own_key(tmp_path):
    env = {"WEC_DATA_DIR": str(tmp_path), "WEC_ENV": "development"}
    first, second = Settings.from_env(env), Settings.from_env(env)
    assert first.development
    assert first.secret_key != second.secret_key
    assert secret_key_problem(first.secret_key) is None
    assert not Settings.from_env({"WEC_DATA_DIR": str(tmp_path)}).development


def test_wec_serve_refuses_a_weak_key_and_says_what_counts_as_strong(tmp_path, monkeypatch):
    monkeypatch.setenv("WEC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("WEC_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "changeme")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "SECRET_KEY" in result.output
    assert "at least 32 characters" in result.output
    assert "WEC_ENV=development" in result.output


# -- the throttle --------------------------------------------------------------------


class CountingHasher:
    """The real Argon2 hasher, counting the passwords it checks."""

    def __init__(self, real):
        self.real = real
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, hash_, password):
        with self._lock:
            self.checked += 1
        return self.real.verify(hash_, password)

    def hash(self, password):
        return self.real.hash(password)


@pytest.fixture
def accounts(store_url, monkeypatch, real_password_hashes):
    # The real hasher: the throttle must hold while the checks take their real time.
    store = Store(store_url)
    accounts = auth.Accounts(store.engine)
    accounts.create("alice", PASSWORD)
    counting = CountingHasher(real_password_hashes)
    monkeypatch.setattr(auth, "_hasher", counting)
    yield accounts, counting
    store.dispose()


def _attempt(accounts, username: str, address: str) -> str:
    try:
        user = accounts.authenticate(username, "wrong password guess", address)
    except auth.ThrottledError:
        return "throttled"
    return "wrong" if user is None else "ok"


def test_forty_parallel_guesses_at_one_account_check_at_most_five(accounts):
    accounts, hasher = accounts
    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(lambda i: _attempt(accounts, "alice", f"10.0.0.{i}"), range(40)))
    assert hasher.checked <= auth.MAX_FAILURES_PER_ACCOUNT
    assert outcomes.count("wrong") == hasher.checked
    assert outcomes.count("throttled") == 40 - hasher.checked
    assert accounts.locked_until(auth.account_key("alice")) is not None


def test_sixty_parallel_guesses_from_one_address_check_at_most_twenty(accounts):
    accounts, hasher = accounts
    with ThreadPoolExecutor(30) as pool:
        outcomes = list(pool.map(lambda i: _attempt(accounts, f"user{i}", "192.0.2.7"), range(60)))
    assert hasher.checked <= auth.MAX_FAILURES_PER_ADDRESS
    assert outcomes.count("throttled") == 60 - hasher.checked


def test_a_right_password_gives_back_its_place_and_the_lock_can_be_lifted(accounts):
    accounts, _ = accounts
    for _ in range(4):
        assert accounts.authenticate("alice", "wrong", "10.1.1.1") is None
    assert accounts.authenticate("alice", PASSWORD, "10.1.1.1") is not None
    assert accounts.failures("alice", "10.1.1.1") == (4, 4)
    assert accounts.authenticate("alice", "wrong", "10.1.1.1") is None
    with pytest.raises(auth.ThrottledError, match="unlock"):
        accounts.authenticate("alice", PASSWORD, "10.1.1.1")
    accounts.unlock("alice")
    assert accounts.authenticate("alice", PASSWORD, "10.1.1.1") is not None


def test_the_lock_out_advice_works_unlock_and_a_new_password(settings, app, monkeypatch):
    for k, v in {"WEC_DATA_DIR": str(settings.data_dir), "WEC_RAW_DIR": str(settings.raw_dir),
                 "LOG_LEVEL": "WARNING", "SECRET_KEY": TEST_SECRET_KEY}.items():  # fmt: skip
        monkeypatch.setenv(k, v)
    client = client_of(app)
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, "wrong password here").status_code == 401
    refused = sign_in(client)
    assert refused.status_code == 429
    words = refused.get_data(as_text=True)
    assert "Try again in 15 minutes" in words
    assert "ask an administrator to unlock it" in words
    runner = CliRunner()
    assert "locked until" in runner.invoke(main, ["users", "list"]).output
    unlocked = runner.invoke(main, ["users", "unlock", "alice"])
    assert unlocked.exit_code == 0, unlocked.output
    assert sign_in(client).status_code == 302
    # Locked again; an administrator's new password unlocks it too.
    other = client_of(app)
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT + 1):
        sign_in(other, "wrong password here")
    changed = runner.invoke(main, ["users", "password", "alice"],
                            env={"WEC_PASSWORD": "the administrator's reset"})  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert sign_in(other, "the administrator's reset").status_code == 302


def test_behind_a_proxy_the_throttle_keys_on_the_client_not_the_proxy(settings):
    def locked_out_after_twenty_one(app) -> bool:
        client = client_of(app)
        proxy = {"REMOTE_ADDR": "10.9.9.9"}
        for i in range(auth.MAX_FAILURES_PER_ADDRESS):
            forwarded = {**proxy, "HTTP_X_FORWARDED_FOR": f"198.51.100.{i}"}
            sign_in(client, "wrong password here", f"guess{i}", **forwarded)
        last = sign_in(client, PASSWORD, "alice", REMOTE_ADDR="10.9.9.9",
                       HTTP_X_FORWARDED_FOR="198.51.100.200")  # fmt: skip
        return last.status_code == 429

    # No proxy configured: forwarded headers are ignored, so the 20 failures all came
    # from 10.9.9.9 and the next attempt from there is refused (a forged header gains
    # nothing).
    direct = create_app(settings.with_(proxy_hops=0))
    direct.server.extensions["wec_accounts"].create("alice", PASSWORD)
    assert locked_out_after_twenty_one(direct)
    # One proxy: each client is itself, and Alice (a new address) signs in.
    other = settings.with_(data_dir=settings.data_dir / "proxied",
                           database_url=f"sqlite:///{settings.data_dir / 'proxied.sqlite'}",
                           proxy_hops=1)  # fmt: skip
    proxied = create_app(other)
    proxied.server.extensions["wec_accounts"].create("alice", PASSWORD)
    assert not locked_out_after_twenty_one(proxied)


# -- headers -------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(app, settings):
    client = client_of(app)
    for path in ("/", "/map", "/staff/sign-in", "/healthz", "/assets/site.css", "/nothing"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self' 'sha256-" in csp
        assert "unsafe-eval" not in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain HTTP here
    secure = create_app(settings.with_(secure_cookies=True)).server.test_client()
    assert secure.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/_reload-hash").status_code == 404
    dev = create_app(settings.with_(environment="development")).server.test_client()
    assert dev.get("/_reload-hash").status_code == 200


def test_every_inline_script_of_the_page_is_allowed_by_its_hash(app):
    import base64
    import hashlib
    import re

    client = client_of(app)
    # (Dash's index holds an Internet Explorer warning inside an HTML comment: never run.)
    page = re.sub(r"<!--.*?-->", "", client.get("/").get_data(as_text=True), flags=re.S)
    csp = client.get("/").headers["Content-Security-Policy"]
    inline = [
        body
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        if "src=" not in attrs and "application/json" not in attrs
    ]
    assert inline  # the renderer's start, at least
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
