"""The published version: read once per request, and while the store does not answer,
the version in memory is served and the store asked again a few seconds later."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from dashboard import services
from dashboard.services import DataService, StoreUnavailableError
from dashboard.settings import Settings
from tests.builders import tiny_dataset
from tests.conftest import TEST_SECRET_KEY

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


class FakeStore:
    """The store's reads the running app makes; `down` makes them fail as a lost
    connection does."""

    def __init__(self) -> None:
        self.published = (1, AT)
        self.reads = 0
        self.down = False
        self.tables = {1: tiny_dataset(version=1).tables, 2: tiny_dataset(version=2).tables}

    def _read(self):
        self.reads += 1
        if self.down:
            raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    def publication(self):
        self._read()
        return self.published

    def load(self, version):
        self._read()
        return self.tables[version]

    def version_key(self, version):
        return f"{version}.abc.2026"


@pytest.fixture
def service(tmp_path):
    settings = Settings.from_env({"WEC_DATA_DIR": str(tmp_path), "SECRET_KEY": TEST_SECRET_KEY,
                                  "WEC_WARM_VIEWS": "false"})  # fmt: skip
    return DataService(settings, store=FakeStore())


def test_the_published_version_is_read_once_per_request(service):
    app = Flask(__name__)
    with app.test_request_context("/"):
        for _ in range(3):
            assert service.dataset().version_id == 1
        assert service.published_version() == 1
        reads = service.store.reads
    assert reads == 2  # the publication once, and the version's tables once
    with app.test_request_context("/"):
        service.store.published = (2, AT + dt.timedelta(days=1))
        # A publish elsewhere is seen at the next request.
        assert service.dataset().version_id == 2


def test_a_store_that_stops_answering_serves_the_version_in_memory(service, monkeypatch, caplog):
    now = [100.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: now[0])
    assert service.dataset().version_id == 1
    service.store.down = True
    with caplog.at_level(logging.WARNING, logger="dashboard.services"):
        assert service.dataset().version_id == 1
        reads = service.store.reads
        # Within the retry delay the store is not asked again: one timeout a while.
        assert service.dataset().version_id == 1
        assert service.store.reads == reads
        now[0] += services.STORE_RETRY + 1
        assert service.dataset().version_id == 1
        assert service.store.reads == reads + 1
    assert "does not answer" in caplog.text
    # Back again: it recovers by itself, and notices a publish made meanwhile.
    service.store.down = False
    service.store.published = (2, AT + dt.timedelta(days=1))
    now[0] += services.STORE_RETRY + 1
    with caplog.at_level(logging.WARNING, logger="dashboard.services"):
        assert service.dataset().version_id == 2
    assert "answers again" in caplog.text


def test_with_nothing_in_memory_a_silent_store_is_an_error(service):
    service.store.down = True
    with pytest.raises(StoreUnavailableError):
        service.dataset()


def test_a_new_version_that_cannot_be_loaded_leaves_the_one_in_memory(service, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: now[0])
    assert service.dataset().version_id == 1
    service.store.published = (2, AT)
    original = service.store.load

    def load(version):
        if version == 2:
            raise OperationalError("SELECT", {}, ConnectionResetError("reset"))
        return original(version)

    service.store.load = load
    assert service.dataset().version_id == 1
