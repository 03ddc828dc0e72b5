"""The warm-up: one worker warms a version (a lease), says so (a marker), and stops when
another version is published."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import warm
from dashboard.services import DataService
from dashboard.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.unit.dashboard.test_services import AT, FakeStore


@pytest.fixture
def service(tmp_path):
    settings = Settings.from_env({"WEC_DATA_DIR": str(tmp_path), "SECRET_KEY": TEST_SECRET_KEY,
                                  "WEC_WARM_VIEWS": "false"})  # fmt: skip
    return DataService(settings, store=FakeStore())


@pytest.fixture
def worked(monkeypatch):
    """Three pieces of work in place of the real views; what ran, in order."""
    done: list[tuple[int, str]] = []

    def items(ds, context, **_):
        for name in ("a", "b", "c"):
            yield "test", name, lambda n=name: done.append((ds.version_id, n))

    monkeypatch.setattr(warm, "items", items)
    return done


def test_a_version_is_warmed_once_and_marked(service, worked):
    warmer = warm.Warmer(service, duty=1.0)
    done = warmer.tick()
    assert worked == [(1, "a"), (1, "b"), (1, "c")]
    assert done["views"] == 3
    assert done["version"] == 1
    # Marked as warmed: the next look does nothing, in this worker or any other
    # sharing the cache.
    assert warmer.tick() is None
    assert warm.Warmer(service, duty=1.0).tick() is None
    assert len(worked) == 3


def test_a_version_another_worker_is_warming_is_left_to_it(service, worked):
    ds = service.dataset()
    lease = f"{service.views.namespace}:warm:{ds.key}"
    assert service.views.backend.claim(lease, 60)  # another worker holds the lease
    assert warm.Warmer(service, duty=1.0).tick() is None
    assert worked == []
    service.views.backend.release(lease)
    assert warm.Warmer(service, duty=1.0).tick()["views"] == 3


def test_warming_stops_when_another_version_is_published(service, monkeypatch):
    calls = []

    def items(ds, context, **_):
        yield "test", "first", lambda: calls.append(1)
        service.store.published = (2, AT + dt.timedelta(days=1))
        yield "test", "second", lambda: calls.append(2)

    monkeypatch.setattr(warm, "items", items)
    assert warm.Warmer(service, duty=1.0).tick() is None
    assert calls == [1]
    # The new version is warmed at the next look.
    monkeypatch.setattr(warm, "items", lambda ds, context, **_: iter(()))
    assert warm.Warmer(service, duty=1.0).tick()["version"] == 2


def test_a_failing_view_does_not_stop_the_others(service, monkeypatch):
    calls = []

    def items(ds, context, **_):
        yield "test", "broken", lambda: 1 / 0
        yield "test", "fine", lambda: calls.append(1)

    monkeypatch.setattr(warm, "items", items)
    assert warm.Warmer(service, duty=1.0).tick()["views"] == 2
    assert calls == [1]


def test_the_warm_command_does_not_also_start_the_background_warm_up(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dashboard import cli, services

    started = []
    monkeypatch.setattr(warm.Warmer, "start", lambda self: started.append(1))
    monkeypatch.setattr(services, "Store", lambda url: FakeStore())
    env = {"WEC_DATA_DIR": str(tmp_path), "SECRET_KEY": TEST_SECRET_KEY, "LOG_LEVEL": "WARNING"}
    monkeypatch.setattr(warm.Warmer, "warm", lambda self, ds, **_: None)
    result = CliRunner().invoke(cli.main, ["warm"], env=env)
    assert "another version was published meanwhile" in result.output  # the stub's None
    assert started == []
