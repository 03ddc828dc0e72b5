"""Staff sign-in: accounts, password hashing, throttled attempts, sessions, CSRF, and the
server-side guard that keeps every staff endpoint closed to anyone not signed in.

Dash callbacks are public HTTP endpoints (POST /_dash-update-component), so hiding a
page is not protection: `guard` looks at which outputs a callback request asks for and
refuses a request for any staff output (ids beginning "staff-") without a valid
session, before Dash runs anything. Accounts and sign-in attempts live in the store's
database, so every gunicorn worker sees the same throttle.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
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
    func,
    insert,
    select,
    update,
)

STAFF_PREFIX = "staff-"
SIGN_IN_PATH = "/staff/sign-in"
SIGN_OUT_PATH = "/staff/sign-out"
CSRF_COOKIE = "_csrf_token"  # the cookie Dash's renderer copies into X-CSRFToken
MIN_PASSWORD_LENGTH = 12
# Throttle: failures in the window, per account and per address.
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# Callback requests from the public carry a few kilobytes; only staff send files.
PUBLIC_BODY_LIMIT = 1024 * 1024

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

    def get_id(self) -> str:
        # A password change ends every session signed in with the old password.
        return f"{self.id}:{self.password_hash[-16:]}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Accounts:
    def __init__(self, engine: Engine):
        self.engine = engine
        metadata.create_all(engine)
        self._dummy_hash = _hasher.hash("not a real password, used to even out timing")

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
        check_password(password)
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(staff_users)
                .where(staff_users.c.username == username.strip().lower())
                .values(password_hash=_hasher.hash(password))
            ).rowcount
        if not changed:
            raise AccountError(f"there is no account called {username!r}")

    def set_active(self, username: str, active: bool) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(staff_users)
                .where(staff_users.c.username == username.strip().lower())
                .values(active=active)
            ).rowcount
        if not changed:
            raise AccountError(f"there is no account called {username!r}")

    def users(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(staff_users).order_by(staff_users.c.username)).mappings()
            return [dict(r) for r in rows]

    def by_username(self, username: str) -> StaffUser | None:
        return self._one(staff_users.c.username == username.strip().lower())

    def by_session_id(self, session_id: str) -> StaffUser | None:
        user_id, _, fragment = (session_id or "").partition(":")
        if not user_id.isdigit():
            return None
        user = self._one(staff_users.c.id == int(user_id))
        if user is None or not hmac.compare_digest(user.password_hash[-16:], fragment):
            return None
        return user

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

    def failures(
        self, username: str, address: str, now: dt.datetime | None = None
    ) -> tuple[int, int]:
        since = (now or _now()) - WINDOW
        failed = sign_in_attempts.c.succeeded.is_(False) & (sign_in_attempts.c.at >= since)
        with self.engine.connect() as conn:
            per_account = conn.execute(
                select(func.count()).where(failed & (sign_in_attempts.c.username == username))
            ).scalar_one()
            per_address = conn.execute(
                select(func.count()).where(failed & (sign_in_attempts.c.address == address))
            ).scalar_one()
        return per_account, per_address

    def authenticate(self, username: str, password: str, address: str) -> StaffUser | None:
        """The user if the password is right; raises ThrottledError after too many failures.

        Throttled attempts are refused before the password is looked at, so guessing
        gains nothing, and an unknown name costs the same time as a wrong password.
        """
        username = (username or "").strip().lower()[:100]
        per_account, per_address = self.failures(username, address)
        if per_account >= MAX_FAILURES_PER_ACCOUNT or per_address >= MAX_FAILURES_PER_ADDRESS:
            raise ThrottledError(
                "Too many failed sign-in attempts. Wait 15 minutes and try again, or ask "
                "an administrator to reset your password."
            )
        user = self.by_username(username) if username else None
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user else self._dummy_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        ok = ok and user is not None
        with self.engine.begin() as conn:
            conn.execute(
                insert(sign_in_attempts),
                {"username": username, "address": address[:100], "at": _now(), "succeeded": ok},
            )
        return user if ok else None


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


def install(server: Flask, accounts: Accounts, *, secure_cookies: bool, body_limit: int) -> None:
    """Sessions, CSRF, the sign-in and sign-out routes and the staff guard."""
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
        # A page left open all day must keep working: the token lives with the session.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        MAX_CONTENT_LENGTH=body_limit,
    )
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.init_app(server)
    manager.user_loader(accounts.by_session_id)
    CSRFProtect(server)

    @server.before_request
    def _guard():
        if request.method == "POST" and request.path.endswith("/_dash-update-component"):
            signed_in = signed_in_name() is not None
            if not signed_in and (request.content_length or 0) > PUBLIC_BODY_LIMIT:
                abort(413)
            if not signed_in and is_staff_callback(request.get_json(silent=True)):
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
                login_user(user)
                session.permanent = True
                return redirect(target)
        return Response(sign_in_page(target, username, message), status=status,
                        mimetype="text/html")  # fmt: skip

    @server.route(SIGN_OUT_PATH, methods=["POST"])
    def sign_out():
        logout_user()
        session.clear()
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
