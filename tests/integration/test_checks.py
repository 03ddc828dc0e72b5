"""Background checks that never vanish, and drafts that do not pile up, on SQLite and
PostgreSQL: a check whose process dies is declared failed (with the reason) once its
heartbeat stops; one that runs too long or never starts is too; a late answer never
overwrites that verdict; "check again" runs it afresh (and the staff page's own
functions, run_check, watch and check_again, say all this); unpublished drafts nobody
can publish are deleted after the retention time, so 50 uploads leave a store no bigger
than a few."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pandas as pd
import pytest
from dash.exceptions import PreventUpdate
from sqlalchemy import func, select

from callbacks import staff
from data import refresh
from data.ingest import ingest
from data.readcache import ReadCache
from data.readers import SourceFile
from data.store import schema
from data.store.store import Store
from geo.register import area_register
from tests import official

LIMITS = refresh.CheckLimits(heartbeat_seconds=1, stall_seconds=30, timeout_seconds=600,
                             retention=None)  # fmt: skip


@pytest.fixture(scope="module")
def register(raw_dir):
    return area_register(raw_dir)


@pytest.fixture(scope="module")
def february(raw_dir) -> pd.DataFrame:
    return official.dashboard_frame(raw_dir, only="2026-02")


@pytest.fixture
def store(store_url, raw_dir, register):
    """A small published version: the census file alone."""
    s = Store(store_url)
    census = SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes())
    ingest(s, [census], register, actor="setup")
    yield s
    s.dispose()


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def test_a_check_not_heard_from_is_declared_failed_with_the_reason(store):
    upload = store.add_upload([("feb.csv", b"Month_Year,Count\n")], actor="alice")
    run = store.start_check(upload, worker="host:4242")
    assert refresh.watch_check(store, upload, LIMITS, later(20))["status"] == "checking"
    assert store.heartbeat(run)
    found = refresh.watch_check(store, upload, LIMITS, later(31))
    assert found["status"] == "failed"
    report = refresh.stored_report(found)
    assert "host:4242" in report.failed
    assert "killed" in report.failed
    assert "check the upload again" in report.problems[0]["reason"]
    # The dead run's answer, arriving late, does not overwrite the verdict.
    assert not store.finish_check(run, "passed", status="ready")
    assert store.upload(upload)["status"] == "failed"
    assert not store.heartbeat(run)
    assert store.checks_of(upload)[0]["outcome"] == "failed"


def test_a_check_that_runs_too_long_or_never_starts_is_declared_failed(store):
    slow = store.add_upload([("a.csv", b"x")], actor="alice")
    run = store.start_check(slow, worker="host:1")
    limits = refresh.CheckLimits(heartbeat_seconds=1, stall_seconds=10**6, timeout_seconds=60)
    assert refresh.watch_check(store, slow, limits, later(59))["status"] == "checking"
    store.heartbeat(run)
    failed = refresh.watch_check(store, slow, limits, later(61))
    assert "took longer than 60 seconds" in refresh.stored_report(failed).failed
    waiting = store.add_upload([("b.csv", b"y")], actor="alice")
    assert refresh.watch_check(store, waiting, limits, later(59))["status"] == "received"
    never = refresh.watch_check(store, waiting, limits, later(61))
    assert "no background worker started the check" in refresh.stored_report(never).failed
    assert refresh.watch_checks(store, limits, later(61)) == []  # nothing left waiting


def test_check_again_runs_a_failed_check_afresh(store, register, february, tmp_path):
    reads = ReadCache(tmp_path / "reads", refresh.READ_REVISION)
    upload = store.add_upload([("feb.csv", official.to_csv(february))], actor="alice")
    store.start_check(upload, worker="host:1")
    refresh.watch_check(store, upload, LIMITS, later(31))
    assert store.upload(upload)["status"] == "failed"
    # A failed upload is not checked by a stray late job ...
    assert refresh.check_upload(store, upload, register, read=reads.read).failed
    with pytest.raises(refresh.RefreshError, match="is failed"):
        refresh.publish_upload(store, upload, register, actor="alice", read=reads.read)
    # ... but on request.
    refresh.check_again(store, upload, actor="alice")
    report = refresh.check_upload(store, upload, register, read=reads.read, limits=LIMITS)
    assert report.ok
    assert not report.failed
    assert store.upload(upload)["status"] == "ready"
    assert [r["outcome"] for r in store.checks_of(upload)] == ["passed", "failed"]
    assert ("alice", "check again") in [(h["actor"], h["action"]) for h in store.history()]


def test_a_fault_in_the_check_fails_it_with_the_reason_instead_of_raising(store, register):
    upload = store.add_upload([("feb.csv", b"x")], actor="alice")

    def broken(_source):
        raise OSError("disk full")

    report = refresh.check_upload(store, upload, register, read=broken, limits=LIMITS)
    assert "OSError: disk full" in report.failed
    assert store.upload(upload)["status"] == "failed"
    assert store.checks_of(upload)[0]["outcome"] == "failed"


def test_progress_that_cannot_be_reported_does_not_stop_the_check(store, register, february,
                                                                   tmp_path):  # fmt: skip
    reads = ReadCache(tmp_path / "reads", refresh.READ_REVISION)
    upload = store.add_upload([("feb.csv", official.to_csv(february))], actor="alice")

    def busy(_fraction, _text):
        raise TimeoutError("the job store is locked")

    report = refresh.check_upload(store, upload, register, read=reads.read, progress=busy,
                                  limits=LIMITS)  # fmt: skip
    assert report.ok


def _versions_and_rows(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(schema.population)).scalar_one()
    return len(store.versions()), rows


def test_fifty_passing_uploads_leave_the_store_bounded(tmp_path, raw_dir, register):
    """Fifty census files, each a little different, each passing its check and making a
    draft; with drafts kept 0 days, each check deletes the drafts the new one supersedes.
    The version published half way is kept. (SQLite only: the deletions are the store's
    own `discard`, tested on both databases above.)"""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    census = (raw_dir / official.CENSUS).read_bytes()
    ingest(store, [SourceFile("census.csv", census)], register, actor="setup")
    frame = pd.read_csv(io.BytesIO(census), dtype=str)
    reads = ReadCache(tmp_path / "reads", refresh.READ_REVISION)
    limits = refresh.CheckLimits(heartbeat_seconds=5, retention=dt.timedelta(0))
    sizes = []
    for i in range(50):
        changed = frame.copy()
        changed.loc[0, frame.columns[-1]] = str(1000 + i)  # a different file each time
        content = changed.to_csv(index=False).encode()
        upload = store.add_upload([(f"census-{i}.csv", content)], actor="alice")
        report = refresh.check_upload(store, upload, register, read=reads.read, limits=limits)
        assert report.ok, report.errors
        if i == 24:
            refresh.publish_upload(store, upload, register, actor="alice", read=reads.read)
        sizes.append(_versions_and_rows(store))
    # The first version, the one published half way, and the latest upload's draft.
    assert sizes[-1][0] == 3
    assert max(v for v, _ in sizes) <= 3
    assert sizes[-1][1] <= 3 * sizes[0][1] / 2  # rows: three versions' worth at most
    statuses = [u["status"] for u in store.uploads(limit=100)]
    assert statuses.count("ready") == 1
    assert statuses.count("published") == 1
    assert statuses.count("expired") == 48
    # An expired upload can be checked again, and makes a draft again.
    expired = next(u["id"] for u in store.uploads(limit=100) if u["status"] == "expired")
    refresh.check_again(store, expired, actor="alice")
    assert refresh.check_upload(store, expired, register, read=reads.read).ok
    store.dispose()


def test_drafts_are_kept_for_the_retention_time_and_published_ones_for_good(
    store, register, february, tmp_path
):
    reads = ReadCache(tmp_path / "reads", refresh.READ_REVISION)
    first = store.add_upload([("a.csv", official.to_csv(february))], actor="alice")
    refresh.check_upload(store, first, register, read=reads.read, limits=LIMITS)
    second_month = february.copy()
    second_month.loc[second_month.index[0], "Count"] = 999
    second = store.add_upload([("b.csv", official.to_csv(second_month))], actor="alice")
    refresh.check_upload(store, second, register, read=reads.read, limits=LIMITS)
    draft = store.upload(first)["draft_version"]
    week = dt.timedelta(days=7)
    assert refresh.collect_garbage(store, older_than=week) == []  # made just now
    assert refresh.collect_garbage(store, older_than=week, now=later(8 * 86400)) == [draft]
    assert store.upload(first)["status"] == "expired"
    assert store.upload(second)["status"] == "ready"  # the latest: kept however old
    assert refresh.collect_garbage(store, older_than=week, now=later(30 * 86400)) == []
    published = store.published_version_id()
    assert published in {v.id for v in store.versions()}
    assert "discard" in [h["action"] for h in store.history()]


def staff_context(store, register, reads=None, user="alice"):
    """What the staff callbacks need, without a server: a signed-in member of staff."""

    def area_register():
        if register is None:
            raise RuntimeError("no boundary files (WEC_RAW_DIR) and nothing published")
        return register

    return SimpleNamespace(store=store, check_limits=LIMITS, area_register=area_register,
                           read=reads.read if reads else None, staff_user=lambda: user,
                           for_background_job=lambda: None)  # fmt: skip


def test_the_page_fails_a_check_that_cannot_start_and_its_watcher_sees_a_dead_one(
    store, register, february, tmp_path
):
    # No boundary register: the check cannot start. The page says why, and the upload is
    # on record as failed, so it can be checked again.
    upload = store.add_upload([("feb.csv", official.to_csv(february))], actor="alice")
    view = staff.run_check(staff_context(store, None), upload, lambda *_: None)
    assert view.report.failed
    assert "could not start (RuntimeError: no boundary files" in view.report.status[0].text
    assert not view.again_hidden
    assert store.upload(upload)["status"] == "failed"
    assert staff.check_again(staff_context(store, register), upload) == (
        f"Upload {upload} is being checked again.")  # fmt: skip
    assert store.upload(upload)["status"] == "received"
    # A run that started and went quiet: nothing new while its heartbeat is fresh ...
    store.start_check(upload, worker="web-2:4242")
    context = staff_context(store, register)
    with pytest.raises(PreventUpdate):
        staff.watch(context, upload, later(5))
    # ... and the failure, with the reason, once it is over the stall limit.
    shown = staff.watch(context, upload, later(31))
    assert shown["again_hidden"] is False
    assert shown["progress"] == "The check did not finish."
    assert shown["upload_disabled"] is False
    assert "web-2:4242) stopped" in json.dumps(shown["report"], default=str)
    # Nobody signed in: nothing happens.
    with pytest.raises(PreventUpdate):
        staff.watch(staff_context(store, register, user=None), upload, later(31))
    # Checked again, it passes.
    reads = ReadCache(tmp_path / "reads", refresh.READ_REVISION)
    staff.check_again(context, upload)
    passed = staff.run_check(staff_context(store, register, reads), upload, lambda *_: None)
    assert passed.again_hidden
    assert passed.report.status[0].text.startswith("Passed its check")
    assert staff.check_again(context, upload) == (
        f"Not checked again: upload {upload} is ready: only an upload whose check did not "
        "finish, or whose draft expired, is checked again.")  # fmt: skip
