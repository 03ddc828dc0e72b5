"""Staff sign-in: accounts, password hashing, throttled attempts, sessions, CSRF, and the
server-side guard that keeps every staff endpoint closed to anyone not signed in.

Dash callbacks are public HTTP endpoints (POST /_dash-update-component), so hiding a
page is not protection: `guard` looks at which outputs a callback request asks for and
refuses a request for any staff output (ids beginning "staff-") without a valid
session, before Dash runs anything. Accounts, sessions and the sign-in throttle live in
the store's database, so every gunicorn worker and every instance sees the same ones.

Sessions are kept on the server: the cookie holds only a random session token (nothing
from the password hash), and the `staff_sessions` row it names is what makes a request
signed in. Signing out deletes the row; a password change or disabling the account
deletes every row of that account; a session ends `session_hours` after sign-in
(absolute) or `session_idle_minutes` after its last request, whichever comes first.

The throttle counts failed attempts per account and per client address in fixed
15-minute windows that start at the first failure. An attempt takes its place in both
counters (one atomic UPSERT each, on SQLite and PostgreSQL) before the password is
checked, so parallel guesses cannot all read "no failures yet": at most five guesses
at one account and twenty from one address are ever checked per window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, Response, abort, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.limits import raise_limit

STAFF_PREFIX = "staff-"
SIGN_IN_PATH = "/staff/sign-in"
SIGN_OUT_PATH = "/staff/sign-out"
CSRF_COOKIE = "_csrf_token"  # the cookie Dash's renderer copies into X-CSRFToken
MIN_PASSWORD_LENGTH = 12
# Throttle: failures in a window, per account and per address.
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# Callback requests from the public carry a few kilobytes; only staff send files.
PUBLIC_BODY_LIMIT = 1024 * 1024
SESSION_HOURS = 8.0
SESSION_IDLE_MINUTES = 30.0
# A session's last-seen time is written at most this often (one write per minute, not
# one per request); the idle timeout is exact to within it.
TOUCH_EVERY = dt.timedelta(seconds=60)

metadata = MetaData()
staff_users = Table(
    "staff_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(400), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, index=True),
    Column("address", String(100), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("succeeded", Boolean, nullable=False),
)
# One row per throttle key ("account:NAME", "address:ADDR"): failures since window_start.
sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("window_start", DateTime(timezone=True), nullable=False, index=True),
    Column("failures", Integer, nullable=False),
)
# One row per signed-in session; the cookie carries the token whose SHA-256 is `id`.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)

_hasher = PasswordHasher()  # Argon2id with the library's current recommended costs
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")


class AccountError(ValueError):
    pass


class ThrottledError(Exception):
    pass


@dataclass(frozen=True)
class StaffUser(UserMixin):
    id: int
    username: str
    name: str
    password_hash: str
    session_token: str = ""

    def get_id(self) -> str:
        # What the cookie carries: the random token of a server-side session.
        return self.session_token


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_key(username: str) -> str:
    return f"account:{username.strip().lower()[:100]}"


def address_key(address: str) -> str:
    return f"address:{address[:100]}"


def _minutes(delta: dt.timedelta) -> str:
    minutes = max(1, -(-int(delta.total_seconds()) // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class Accounts:
    def __init__(
        self,
        engine: Engine,
        *,
        session_hours: float = SESSION_HOURS,
        session_idle_minutes: float = SESSION_IDLE_MINUTES,
    ):
        self.engine = engine
        self.session_lifetime = dt.timedelta(hours=session_hours)
        self.session_idle = dt.timedelta(minutes=session_idle_minutes)
        metadata.create_all(engine)
        self._dummy_hash = _hasher.hash("not a real password, used to even out timing")

    def _writing(self):
        # On the store's SQLite engine, "writer" makes the transaction BEGIN IMMEDIATE.
        return self.engine.connect().execution_options(writer=True)

    # -- accounts ----------------------------------------------------------------

    def create(self, username: str, password: str, name: str = "") -> StaffUser:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise AccountError(
                "a username is 2 to 100 lower-case letters, digits, dots, hyphens or underscores"
            )
        check_password(password)
        with self.engine.begin() as conn:
            if conn.execute(
                select(staff_users.c.id).where(staff_users.c.username == username)
            ).first():
                raise AccountError(f"there is already an account called {username!r}")
            conn.execute(
                insert(staff_users),
                {"username": username, "name": name or username, "active": True,
                 "password_hash": _hasher.hash(password), "created_at": _now()},
            )  # fmt: skip
        user = self.by_username(username)
        assert user is not None
        return user

    def set_password(self, username: str, password: str) -> None:
        """A new password: every session of the account ends and its lock is lifted."""
        check_password(password)
        username = username.strip().lower()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(staff_users)
                .where(staff_users.c.username == username)
                .values(password_hash=_hasher.hash(password))
            ).rowcount
        if not changed:
            raise AccountError(f"there is no account called {username!r}")
        self.end_sessions(username)
        self.unlock(username)

    def set_active(self, username: str, active: bool) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(staff_users)
                .where(staff_users.c.username == username.strip().lower())
                .values(active=active)
            ).rowcount
        if not changed:
            raise AccountError(f"there is no account called {username!r}")
        if not active:
            self.end_sessions(username)

    def users(self) -> list[dict]:
        now = _now()
        with self.engine.connect() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(staff_users).order_by(staff_users.c.username)
                ).mappings()
            ]
        for row in rows:
            row["locked_until"] = self.locked_until(account_key(row["username"]), now)
        return rows

    def by_username(self, username: str) -> StaffUser | None:
        return self._one(staff_users.c.username == username.strip().lower())

    def _one(self, where) -> StaffUser | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(staff_users).where(where).where(staff_users.c.active.is_(True)))
                .mappings()
                .first()
            )
        if row is None:
            return None
        return StaffUser(row["id"], row["username"], row["name"], row["password_hash"])

    # -- sessions ----------------------------------------------------------------

    def start_session(self, user: StaffUser) -> StaffUser:
        """A new server-side session for a user who has just signed in."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self.engine.begin() as conn:
            # Sessions that have ended are deleted here, so the table stays small.
            conn.execute(
                delete(staff_sessions).where(
                    or_(
                        staff_sessions.c.created_at < now - self.session_lifetime,
                        staff_sessions.c.last_seen_at < now - self.session_idle,
                    )
                )
            )
            conn.execute(
                insert(staff_sessions),
                {"id": _token_id(token), "user_id": user.id, "created_at": now,
                 "last_seen_at": now},
            )  # fmt: skip
        return StaffUser(user.id, user.username, user.name, user.password_hash, token)

    def by_session_id(self, token: str, now: dt.datetime | None = None) -> StaffUser | None:
        """The user of a live session, or None (and the session is deleted if it ended)."""
        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        now = now or _now()
        key = _token_id(token)
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(
                        staff_sessions.c.user_id,
                        staff_sessions.c.created_at,
                        staff_sessions.c.last_seen_at,
                        staff_users.c.username,
                        staff_users.c.name,
                        staff_users.c.password_hash,
                        staff_users.c.active,
                    )
                    .join(staff_users, staff_users.c.id == staff_sessions.c.user_id)
                    .where(staff_sessions.c.id == key)
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        created, seen = _aware(row["created_at"]), _aware(row["last_seen_at"])
        ended = (
            not row["active"]
            or now - created > self.session_lifetime
            or now - seen > self.session_idle
        )
        if ended:
            with self.engine.begin() as conn:
                conn.execute(delete(staff_sessions).where(staff_sessions.c.id == key))
            return None
        if now - seen > TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(
                    update(staff_sessions)
                    .where(staff_sessions.c.id == key)
                    .values(last_seen_at=now)
                )
        return StaffUser(row["user_id"], row["username"], row["name"], row["password_hash"], token)

    def end_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(staff_sessions).where(staff_sessions.c.id == _token_id(token)))

    def end_sessions(self, username: str) -> int:
        """End every session of an account; returns how many there were."""
        with self.engine.begin() as conn:
            user_id = conn.execute(
                select(staff_users.c.id).where(staff_users.c.username == username.strip().lower())
            ).scalar()
            if user_id is None:
                return 0
            return conn.execute(
                delete(staff_sessions).where(staff_sessions.c.user_id == user_id)
            ).rowcount

    # -- the throttle ------------------------------------------------------------

    def _count_failure(self, conn, key: str, now: dt.datetime) -> tuple[int, dt.datetime]:
        """Add one failure to a key's window (a new window if the last one has ended),
        atomically, and return the failures in the window and when it started."""
        since = now - WINDOW
        t = sign_in_throttle
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stale = t.c.window_start < literal(since, DateTime(timezone=True))
        stmt = (
            dialect.insert(t)
            .values(key=key, window_start=now, failures=1)
            .on_conflict_do_update(
                index_elements=[t.c.key],
                set_={
                    "failures": case((stale, 1), else_=t.c.failures + 1),
                    "window_start": case(
                        (stale, literal(now, DateTime(timezone=True))), else_=t.c.window_start
                    ),
                },
            )
            .returning(t.c.failures, t.c.window_start)
        )
        failures, start = conn.execute(stmt).one()
        return failures, _aware(start)

    def locked_until(self, key: str, now: dt.datetime | None = None) -> dt.datetime | None:
        """When a key's lock ends, if it is locked now."""
        now = now or _now()
        limit = MAX_FAILURES_PER_ACCOUNT if key.startswith("account:") else MAX_FAILURES_PER_ADDRESS
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sign_in_throttle.c.failures, sign_in_throttle.c.window_start).where(
                    sign_in_throttle.c.key == key
                )
            ).first()
        if row is None or row.failures < limit:
            return None
        until = _aware(row.window_start) + WINDOW
        return until if until > now else None

    def unlock(self, username: str | None = None, address: str | None = None) -> int:
        """Lift the lock of an account and/or an address; returns the keys cleared."""
        keys = [k for k in (username and account_key(username), address and address_key(address))
                if k]  # fmt: skip
        if not keys:
            return 0
        with self.engine.begin() as conn:
            return conn.execute(
                delete(sign_in_throttle).where(sign_in_throttle.c.key.in_(keys))
            ).rowcount

    def failures(
        self, username: str, address: str, now: dt.datetime | None = None
    ) -> tuple[int, int]:
        """Failures counted in the current windows of an account and an address."""
        since = (now or _now()) - WINDOW
        keys = {account_key(username): 0, address_key(address): 0}
        with self.engine.connect() as conn:
            for row in conn.execute(
                select(sign_in_throttle).where(
                    sign_in_throttle.c.key.in_(list(keys)),
                    sign_in_throttle.c.window_start >= since,
                )
            ).mappings():
                keys[row["key"]] = row["failures"]
        return keys[account_key(username)], keys[address_key(address)]

    def authenticate(self, username: str, password: str, address: str) -> StaffUser | None:
        """The user if the password is right; raises ThrottledError after too many failures.

        The attempt is counted as a failure before the password is looked at (and the
        count given back if it succeeds), so parallel attempts cannot overrun the
        limits; throttled attempts are refused without checking the password, so
        guessing gains nothing, and an unknown name costs the same time as a wrong
        password.
        """
        username = (username or "").strip().lower()[:100]
        address = (address or "unknown")[:100]
        now = _now()
        keys = (account_key(username), address_key(address))
        with self._writing() as conn, conn.begin():
            ended = sign_in_throttle.c.window_start < now - WINDOW
            conn.execute(delete(sign_in_throttle).where(ended))
            per_account, account_since = self._count_failure(conn, keys[0], now)
            per_address, address_since = self._count_failure(conn, keys[1], now)
        if per_account > MAX_FAILURES_PER_ACCOUNT or per_address > MAX_FAILURES_PER_ADDRESS:
            self._log(username, address, ok=False)
            if per_account > MAX_FAILURES_PER_ACCOUNT:
                raise ThrottledError(
                    "Too many failed sign-in attempts for this account. Try again in "
                    f"{_minutes(account_since + WINDOW - now)}, or ask an administrator to "
                    "unlock it (setting a new password unlocks it too)."
                )
            raise ThrottledError(
                "Too many failed sign-in attempts from your network address. Try again in "
                f"{_minutes(address_since + WINDOW - now)}, or ask an administrator to lift "
                "the block."
            )
        user = self.by_username(username) if username else None
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user else self._dummy_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        ok = ok and user is not None
        if ok:
            # Not a failure after all: give back the places this attempt took.
            with self._writing() as conn, conn.begin():
                conn.execute(
                    update(sign_in_throttle)
                    .where(and_(sign_in_throttle.c.key.in_(keys), sign_in_throttle.c.failures > 0))
                    .values(failures=sign_in_throttle.c.failures - 1)
                )
        self._log(username, address, ok=ok)
        return user if ok else None

    def _log(self, username: str, address: str, *, ok: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(sign_in_attempts),
                {"username": username, "address": address, "at": _now(), "succeeded": ok},
            )


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; everything here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


# -- the Flask side ----------------------------------------------------------------


def signed_in_name() -> str | None:
    """The signed-in member of staff's username, or None (outside a request too)."""
    try:
        user = current_user
        return user.username if user and user.is_authenticated else None
    except (RuntimeError, AttributeError):
        return None


def is_staff_callback(body: object) -> bool:
    """Whether a Dash callback request asks for any staff output."""
    if not isinstance(body, dict):
        return False
    output = body.get("output")
    outputs = body.get("outputs")
    return STAFF_PREFIX in str(output) or STAFF_PREFIX in str(outputs)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return "/staff"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/staff"
    return target


def end_session() -> None:
    """Sign the current request's member of staff out: the server-side session is
    deleted, so the cookie (or a copy of it) opens nothing any more."""
    from flask import current_app

    token = getattr(current_user, "session_token", "") if signed_in_name() else ""
    accounts = current_app.extensions.get("wec_accounts")
    if token and accounts is not None:
        accounts.end_session(token)
    logout_user()
    session.clear()


def install(
    server: Flask,
    accounts: Accounts,
    *,
    secure_cookies: bool,
    public_body_limit: int = PUBLIC_BODY_LIMIT,
    staff_body_limit: int,
) -> None:
    """Sessions, CSRF, the body limits, the sign-in and sign-out routes and the guard.

    The server's WSGI app must be wrapped in `limits.BodyCap` at `public_body_limit`;
    the first hook here lifts a signed-in request's cap to `staff_body_limit` before
    anything (CSRF included) reads the body.
    """
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        # The cookie's own lifetime; the server-side session ends first if idle.
        PERMANENT_SESSION_LIFETIME=accounts.session_lifetime,
        # A page left open all day must keep working: the token lives with the session.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        # Not werkzeug's limit: at it, werkzeug ends a chunked body early without an
        # error (a truncated body, not a 413). limits.BodyCap refuses at the limit.
        MAX_CONTENT_LENGTH=None,
    )
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.init_app(server)
    manager.user_loader(accounts.by_session_id)

    @server.before_request
    def _body_limit():
        # Registered before CSRFProtect, which may read a form body.
        signed_in = request.method not in ("GET", "HEAD", "OPTIONS") and signed_in_name()
        limit = staff_body_limit if signed_in else public_body_limit
        raise_limit(request.environ, limit)
        if (request.content_length or 0) > limit:
            abort(413)

    CSRFProtect(server)

    @server.before_request
    def _guard():
        if request.method == "POST" and request.path.endswith("/_dash-update-component"):
            if signed_in_name() is None and is_staff_callback(request.get_json(silent=True)):
                return Response(
                    '{"error": "sign in as staff to use this"}',
                    status=403,
                    mimetype="application/json",
                )
        elif (
            request.method == "GET"
            and request.path.rstrip("/") in ("/staff", "/staff/history")
            and signed_in_name() is None
        ):
            return redirect(f"{SIGN_IN_PATH}?next={request.path}")
        return None

    def _public_answers_leave_the_session(response: Response) -> Response:
        # flask-login's session protection marks an anonymous session changed on every
        # request (its "_fresh" flag), so every public callback's answer would set the
        # session cookie again. An answer still on its way when the visitor signs in
        # would then put the old anonymous session (and its CSRF token) back over the new
        # one, and the staff page would be refused. Nothing a callback does changes an
        # anonymous session: its answer does not send the cookie.
        if request.path.endswith("/_dash-update-component") and signed_in_name() is None:
            session.modified = False
        return response

    # After every other hook (they run last registered first), flask-login's included.
    server.after_request_funcs.setdefault(None, []).insert(0, _public_answers_leave_the_session)

    @server.after_request
    def _csrf_cookie(response: Response) -> Response:
        if request.method == "GET" and response.mimetype == "text/html":
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                secure=secure_cookies,
                httponly=False,  # the renderer reads it to send X-CSRFToken
                samesite="Strict",
            )
        return response

    @server.route(SIGN_IN_PATH, methods=["GET", "POST"])
    def sign_in():
        target = _safe_next(request.values.get("next"))
        if signed_in_name() is not None and request.method == "GET":
            return redirect(target)
        message, status = "", 200
        username = ""
        if request.method == "POST":
            username = request.form.get("username", "")
            # The client's own address: with WEC_PROXY_HOPS set, ProxyFix has taken it
            # from the trusted proxies' X-Forwarded-For; otherwise the peer's.
            address = request.remote_addr or "unknown"
            try:
                user = accounts.authenticate(username, request.form.get("password", ""), address)
            except ThrottledError as exc:
                message, status, user = str(exc), 429, None
            else:
                if user is None:
                    message, status = "The username or password is not right.", 401
            if user is not None:
                session.clear()
                login_user(accounts.start_session(user))
                session.permanent = True
                return redirect(target)
        return Response(sign_in_page(target, username, message), status=status,
                        mimetype="text/html")  # fmt: skip

    @server.route(SIGN_OUT_PATH, methods=["POST"])
    def sign_out():
        end_session()
        return redirect("/")


def sign_in_page(target: str, username: str, message: str) -> str:
    error = (
        f'<p class="staff-error" role="alert" id="sign-in-error">{escape(message)}</p>'
        if message
        else ""
    )
    described = ' aria-describedby="sign-in-error"' if message else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Staff sign in - London Weapon-Enabled Crime Dashboard</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="/assets/staff.css">
</head>
<body>
<div class="page">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><a class="site-name" href="/">London Weapon-Enabled Crime Dashboard</a>
</header>
<main id="main" tabindex="-1">
<h1>Staff sign in</h1>
<p>For MOPAC staff who publish the dashboard's data. Members of the public do not need
an account: every page of the dashboard is open to all.</p>
{error}
<form method="post" action="{SIGN_IN_PATH}" class="staff-form">
<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">
<input type="hidden" name="next" value="{escape(target)}">
<div class="staff-field"><label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required
 value="{escape(username)}"{described}></div>
<div class="staff-field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password"
 required{described}></div>
<button type="submit" class="staff-button">Sign in</button>
</form>
</main>
</div>
</body>
</html>"""
