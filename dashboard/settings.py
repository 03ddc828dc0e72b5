"""Configuration, only from environment variables, read in one place."""

from __future__ import annotations

import os
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
    cache_threshold: int = 500

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("WEC_DATA_DIR") or REPO / "var").resolve()
        raw = env.get("WEC_RAW_DIR")
        raw_dir = Path(raw).resolve() if raw else default_raw_dir()
        redis_url = env.get("REDIS_URL") or None
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
            secret_key=env.get("SECRET_KEY") or "dev-only-not-secret",
            upload_max_bytes=int(env.get("WEC_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024))),
            upload_max_files=int(env.get("WEC_UPLOAD_MAX_FILES", "10")),
            # Off only for plain-HTTP development: browsers then drop Secure cookies.
            secure_cookies=_flag(env.get("WEC_SECURE_COOKIES"), True),
            celery_queue=env.get("WEC_CELERY_QUEUE") or "wec",
            # Views kept in each process's own cache before the oldest are dropped.
            cache_threshold=int(env.get("WEC_CACHE_THRESHOLD", "500")),
        )

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @property
    def reads_dir(self) -> Path:
        """Kept reader results, by file checksum (see data/readcache.py)."""
        return self.data_dir / "reads"

    @property
    def background_dir(self) -> Path:
        """The disk cache of background callbacks when there is no Redis."""
        return self.data_dir / "background"

    @property
    def web_dir(self) -> Path:
        """Where the browser's boundary files are built."""
        return self.data_dir / "web"

    @property
    def weights_dir(self) -> Path:
        """Where the neighbours of wards and small areas are saved, once per boundary build."""
        return self.data_dir / "weights"
