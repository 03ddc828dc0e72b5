"""Shared fixtures. Tests read the real public data from ../shared/data/raw (or
WEC_RAW_DIR); it is never copied into this repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# One Hypothesis profile for the whole suite: no deadline anywhere (a test that passes
# on an idle machine must not fail on a busy one), and in CI the same examples every
# run with no example database, so a failure there is a failure of the code.
hypothesis_settings.register_profile(
    "wec",
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None if os.environ.get("CI") else hypothesis_settings.default.database,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("wec")

REPO = Path(__file__).resolve().parents[1]
# The tests run as production does, so they need a strong SECRET_KEY: a random one per
# run, never one written down; subprocesses get it through their environment.
TEST_SECRET_KEY = os.environ.get("WEC_TEST_SECRET_KEY") or secrets.token_urlsafe(48)


def _raw_dir() -> Path:
    configured = os.environ.get("WEC_RAW_DIR")
    return Path(configured) if configured else (REPO.parent / "shared" / "data" / "raw")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    path = _raw_dir()
    if not (path / "PROVENANCE.md").exists():
        pytest.fail(f"the real data is not at {path}; set WEC_RAW_DIR to its folder")
    return path


@pytest.fixture(scope="session")
def published(raw_dir, tmp_path_factory):
    """Settings for a store holding one published ingest of the real data.

    Built once per test process: the full ingest is the slow part of the suite.
    """
    from dashboard.services import ensure_ready
    from dashboard.settings import Settings

    data_dir = tmp_path_factory.mktemp("published")
    settings = Settings.from_env(
        {
            "WEC_DATA_DIR": str(data_dir),
            "WEC_RAW_DIR": str(raw_dir),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": TEST_SECRET_KEY,
            # The tests time nothing and share two cores: no warming thread beside them.
            "WEC_WARM_VIEWS": "false",
        }
    )
    ensure_ready(settings)
    return settings


@pytest.fixture(scope="session")
def dataset(published):
    """The published version of the real data, in memory."""
    from dashboard.services import DataService

    return DataService(published).dataset()


def own_redis_db(url: str, db: int) -> str:
    """`url` (the test Redis) on database `db`, emptied first. Dash keys a background
    callback's result by its inputs and code, so two tests (or a benchmark run before
    them) that check upload 1 of a fresh store with one Redis database could read each
    other's result; each test that runs checks on Celery has a database of its own."""
    from urllib.parse import urlsplit, urlunsplit

    import redis

    own = urlunsplit(urlsplit(url)._replace(path=f"/{db}"))
    client = redis.Redis.from_url(own)
    try:
        client.flushdb()
    finally:
        client.close()
    return own


def redis_db_url(url: str, db: int) -> str:
    """`url` naming Redis database `db` (redis-py takes the URL's database over a `db=`
    argument)."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))
