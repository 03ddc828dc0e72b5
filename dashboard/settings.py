"""Configuration, only from environment variables, read in one place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def default_raw_dir() -> Path | None:
    """../shared/data/raw beside the checkout, when it exists."""
    for candidate in (
        REPO.parent / "shared" / "data" / "raw",
        Path.cwd().parent / "shared" / "data" / "raw",
    ):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEVELOPMENT = "development"
# A SECRET_KEY signs every session and CSRF token: anyone who knows it can sign in as
# any member of staff. Outside development it must be long, varied, and not a value
# anyone has published.
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 10
KNOWN_SECRETS = frozenset(
    {"dev-only-not-secret", "changeme", "change-me", "secret", "secret-key", "test-secret"}
)


class InsecureSettingsError(RuntimeError):
    """The settings are not safe to serve the public with; the message says why."""


def secret_key_problem(key: str | None) -> str | None:
    """Why a SECRET_KEY is not strong enough for production, or None if it is."""
    hint = (
        "set SECRET_KEY to a random value of at least "
        f"{MIN_SECRET_LENGTH} characters, for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, and keep it out "
        "of the repository"
    )
    if not key:
        return f"SECRET_KEY is not set: {hint}"
    if key.strip().lower() in KNOWN_SECRETS:
        return f"SECRET_KEY is a published placeholder value: {hint}"
    if len(key) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY has {len(key)} characters: {hint}"
    if len(set(key)) < MIN_SECRET_DISTINCT:
        return (
            f"SECRET_KEY uses only {len(set(key))} different characters "
            f"(at least {MIN_SECRET_DISTINCT} are needed): {hint}"
        )
    return None


def _loopback(bind: str) -> str:
    """The server's own address from gunicorn's bind ("0.0.0.0:8050"): its port on
    127.0.0.1."""
    port = bind.rsplit(":", 1)[-1] if ":" in bind else "8050"
    return f"http://127.0.0.1:{port if port.isdigit() else '8050'}"


def _public_url(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.startswith(("https://", "http://")):
        raise ValueError(f"WEC_PUBLIC_URL must start with https:// or http:// (it is {text!r})")
    return text.rstrip("/") + "/"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    raw_dir: Path | None
    database_url: str
    cache_type: str
    redis_url: str | None
    cache_timeout: int
    log_level: str
    ingest_on_start: bool
    warm_views: bool
    secret_key: str
    upload_max_bytes: int
    upload_max_files: int = 10
    secure_cookies: bool = True
    celery_queue: str = "wec"
    cache_threshold: int = 5000
    # The most each process keeps in its own memory (pickled views), in MB.
    cache_local_mb: int = 384
    # "production" (any value but "development") refuses a weak SECRET_KEY.
    environment: str = "production"
    # Whether SECRET_KEY was given (in development a random one is made per process).
    secret_key_set: bool = True
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
    proxy_hops: int = 0
    # The largest request body from anyone not signed in (staff uploads: see above).
    public_body_max_bytes: int = 1024 * 1024
    # Staff sessions end this long after sign-in, or after this long unused.
    session_hours: float = 8.0
    session_idle_minutes: float = 30.0
    # A background check that has not been heard from for this long has died; one
    # running longer than the timeout is stopped being waited for.
    check_stall_seconds: int = 30
    check_timeout_seconds: int = 600
    # Unpublished drafts nobody can publish any more are deleted after this long.
    draft_retention_days: float = 7.0
    # The public API's limit per client address: a burst of this many requests, then
    # this many a minute (a token bucket; see dashboard/ratelimit.py).
    api_burst: int = 60
    api_per_minute: float = 120.0
    # Profiles as PDF: the address headless Chromium opens the profile at (this server,
    # on the loopback; never taken from a request's Host header), and how long one
    # print may take.
    pdf_base_url: str = "http://127.0.0.1:8050"
    pdf_timeout_seconds: int = 60
    # The site's public address ("https://weapons.example.org/"), for links that leave
    # the site (the Atom feed's); without it they are made from the request's host.
    public_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("WEC_DATA_DIR") or REPO / "var").resolve()
        raw = env.get("WEC_RAW_DIR")
        raw_dir = Path(raw).resolve() if raw else default_raw_dir()
        redis_url = env.get("REDIS_URL") or None
        environment = (env.get("WEC_ENV") or "production").strip().lower()
        secret_key = env.get("SECRET_KEY") or ""
        if not secret_key and environment == DEVELOPMENT:
            # Sessions of a development server end when it restarts; nobody can forge them.
            secret_key = secrets.token_urlsafe(48)
        return cls(
            data_dir=data_dir,
            raw_dir=raw_dir,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'wec.sqlite'}",
            cache_type=env.get("WEC_CACHE_TYPE") or ("RedisCache" if redis_url else "SimpleCache"),
            redis_url=redis_url,
            cache_timeout=int(env.get("WEC_CACHE_TIMEOUT", "3600")),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            ingest_on_start=_flag(env.get("WEC_INGEST_ON_START"), True),
            warm_views=_flag(env.get("WEC_WARM_VIEWS"), True),
            secret_key=secret_key,
            upload_max_bytes=int(env.get("WEC_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024))),
            upload_max_files=int(env.get("WEC_UPLOAD_MAX_FILES", "10")),
            # Off only for plain-HTTP development: browsers then drop Secure cookies.
            secure_cookies=_flag(env.get("WEC_SECURE_COOKIES"), True),
            celery_queue=env.get("WEC_CELERY_QUEUE") or "wec",
            # Views kept in each process's own cache before the oldest are dropped.
            cache_threshold=int(env.get("WEC_CACHE_THRESHOLD", "5000")),
            cache_local_mb=int(env.get("WEC_CACHE_LOCAL_MB") or "384"),
            environment=environment,
            secret_key_set=bool(env.get("SECRET_KEY")),
            proxy_hops=int(env.get("WEC_PROXY_HOPS") or "0"),
            public_body_max_bytes=int(env.get("WEC_PUBLIC_BODY_MAX_BYTES") or str(1024 * 1024)),
            session_hours=float(env.get("WEC_SESSION_HOURS") or "8"),
            session_idle_minutes=float(env.get("WEC_SESSION_IDLE_MINUTES") or "30"),
            check_stall_seconds=int(env.get("WEC_CHECK_STALL_SECONDS") or "30"),
            check_timeout_seconds=int(env.get("WEC_CHECK_TIMEOUT_SECONDS") or "600"),
            draft_retention_days=float(env.get("WEC_DRAFT_RETENTION_DAYS") or "7"),
            api_burst=int(env.get("WEC_API_BURST") or "60"),
            api_per_minute=float(env.get("WEC_API_PER_MINUTE") or "120"),
            pdf_base_url=(
                env.get("WEC_PDF_BASE_URL") or _loopback(env.get("WEC_BIND") or "0.0.0.0:8050")
            ),
            pdf_timeout_seconds=int(env.get("WEC_PDF_TIMEOUT_SECONDS") or "60"),
            public_url=_public_url(env.get("WEC_PUBLIC_URL")),
        )

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @property
    def development(self) -> bool:
        return self.environment == DEVELOPMENT

    @property
    def staff_body_max_bytes(self) -> int:
        """The largest request body from signed-in staff: a full upload, base64-encoded
        (4/3 of its size), plus room for the rest of the callback request."""
        return self.upload_max_files * self.upload_max_bytes * 4 // 3 + 1024 * 1024

    def require_safe(self) -> None:
        """Refuse to serve outside development with settings anyone could exploit."""
        if self.development:
            return
        problem = secret_key_problem(self.secret_key)
        if problem:
            raise InsecureSettingsError(
                f"{problem}. (For a development server on your own machine, set "
                "WEC_ENV=development or run `wec serve --dev`.)"
            )

    @property
    def reads_dir(self) -> Path:
        """Kept reader results, by file checksum (see data/readcache.py)."""
        return self.data_dir / "reads"

    @property
    def background_dir(self) -> Path:
        """The disk cache of background callbacks when there is no Redis."""
        return self.data_dir / "background"

    @property
    def open_data_dir(self) -> Path:
        """Where each published version's open data download is kept, once built."""
        return self.data_dir / "open-data"

    @property
    def web_dir(self) -> Path:
        """Where the browser's boundary files are built."""
        return self.data_dir / "web"

    @property
    def weights_dir(self) -> Path:
        """Where the neighbours of wards and small areas are saved, once per boundary build."""
        return self.data_dir / "weights"
