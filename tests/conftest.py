"""Shared fixtures. Tests read the real public data from ../shared/data/raw (or
WEC_RAW_DIR); it is never copied into this repository."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """Argon2id at its lowest costs in the test processes. The app's hasher (the
    library's recommended costs) takes about 0.15 s and both cores for each password
    set or checked, and for the dummy hash each app makes as it starts; the tests sign
    in hundreds of times. What costs are used does not change what the tests check;
    the tests of the hashes themselves and of the throttle under parallel guesses use
    the real hasher (`real_password_hashes`). Servers started as processes of their own
    (gunicorn, Celery) keep the real one."""
    from argon2 import PasswordHasher

    from dashboard import auth

    real = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield real
    auth._hasher = real


@pytest.fixture
def real_password_hashes(quick_password_hashes, monkeypatch):
    """The app's own password hasher, for this test."""
    from dashboard import auth

    monkeypatch.setattr(auth, "_hasher", quick_password_hashes)
    return quick_password_hashes


def _raw_dir() -> Path:
    configured = os.environ.get("WEC_RAW_DIR")
    return Path(configured) if configured else (REPO.parent / "shared" / "data" / "raw")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    path = _raw_dir()
    if not (path / "PROVENANCE.md").exists():
        pytest.fail(f"the real data is not at {path}; set WEC_RAW_DIR to its folder")
    return path


# -- built once per run ----------------------------------------------------------------
# The xdist workers are separate processes. What is slow to build and the same for all
# of them (the full ingest, the staff store) is built by the first process that asks,
# under a file lock, into a folder every process of the run shares; each then works on
# its own copy, so no test sees another's changes.


def run_dir(tmp_path_factory) -> Path:
    """A folder shared by every process of this test run: the controller's temporary
    folder, which holds each xdist worker's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """`<run folder>/name`, made by `build(folder)` in the first process of the run to
    ask; the others wait for it. A build that failed half way is made again."""
    root = run_dir(tmp_path_factory)
    folder = root / name
    with _locked(root / f"{name}.lock"):
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder


def share_static(data_dir: Path, tmp_path_factory) -> None:
    """The app's compressed static files (`<data dir>/static`, named by each file's path,
    size and modification time) kept in one folder for the whole run: plotly.js and
    Dash's scripts are compressed once, not once per app a browser opens (2 to 3 s of
    a core each time, brotli at its best quality for the smaller ones).
    tests/integration/test_static.py keeps its own."""
    shared = run_dir(tmp_path_factory) / "static"
    shared.mkdir(exist_ok=True)
    link = Path(data_dir) / "static"
    if not link.exists():
        link.symlink_to(shared, target_is_directory=True)


def copy_store(template: Path, into: Path, tmp_path_factory) -> None:
    """A data folder's copy of a template made by `built_once`, sharing the static files."""
    skip = shutil.ignore_patterns(".built", "static", "background", "*.log")
    shutil.copytree(template, into, dirs_exist_ok=True, ignore=skip)
    share_static(into, tmp_path_factory)


def published_settings(data_dir: Path, raw_dir: Path):
    from dashboard.settings import Settings

    return Settings.from_env(
        {
            "WEC_DATA_DIR": str(data_dir),
            "WEC_RAW_DIR": str(raw_dir),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": TEST_SECRET_KEY,
            # The tests time nothing and share two cores: no warming thread beside them.
            "WEC_WARM_VIEWS": "false",
        }
    )


@pytest.fixture(scope="session")
def published(raw_dir, tmp_path_factory):
    """Settings for a store holding one published ingest of the real data (first start,
    as `ensure_ready` makes it: the version, the kept reads, the boundary files).

    The full ingest is the slow part of the suite: it is made once per run and each
    test process works on a copy of its own.
    """
    from dashboard.services import ensure_ready
    from data.store.store import Store

    def build(folder: Path) -> None:
        settings = published_settings(folder, raw_dir)
        store = Store(settings.database_url)
        ensure_ready(settings, store)
        store.dispose()

    template = built_once(tmp_path_factory, "published", build)
    data_dir = tmp_path_factory.mktemp("published")
    copy_store(template, data_dir, tmp_path_factory)
    settings = published_settings(data_dir, raw_dir)
    ensure_ready(settings)  # finds the version published and the boundary files built
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


# -- the order of the files ------------------------------------------------------------
# scripts/test runs `pytest -n 2 --dist loadfile --no-loadscope-reorder`: xdist hands
# whole files to the two workers in this order, each taking the next as it finishes. The
# longest go first, so that the many short files even out the two workers' ends (xdist's
# own order, most tests first, left the longest single-test files to the very end).
# The first two need different stores (the published one, the staff store), so the two
# workers make one each at the start rather than one waiting for the other.
LONGEST_FIRST = (
    "tests/browser/test_map.py",
    "tests/browser/test_staff.py",
    "tests/browser/test_gun_measures.py",
    "tests/integration/test_refresh_report.py",
    "tests/browser/test_at_risk_profile.py",
    "tests/browser/test_text_is_text.py",
    "tests/browser/test_perception.py",
    "tests/integration/test_ingest.py",
    "tests/integration/test_killed_check_celery.py",
    "tests/browser/test_targets.py",
    "tests/browser/test_staff_celery.py",
    "tests/browser/test_postcode_search.py",
    "tests/browser/test_hotspots_young_people.py",
    "tests/integration/test_refresh_publish.py",
    "tests/integration/test_hotspots.py",
    "tests/integration/test_scale_out.py",
)
FOLDERS_FIRST = ("tests/browser/", "tests/integration/", "tests/unit/")


def _file_rank(path: str) -> tuple[int, int]:
    if path in LONGEST_FIRST:
        return 0, LONGEST_FIRST.index(path)
    folder = next(
        (i for i, f in enumerate(FOLDERS_FIRST) if path.startswith(f)), len(FOLDERS_FIRST)
    )
    return 1 + folder, 0


def pytest_collection_modifyitems(config, items):
    root = Path(str(config.rootpath))
    ranks = {}
    for item in items:
        path = Path(str(item.path)).relative_to(root).as_posix()
        ranks[item.nodeid] = _file_rank(path)
    items.sort(key=lambda item: ranks[item.nodeid])  # stable: a file's tests keep their order
