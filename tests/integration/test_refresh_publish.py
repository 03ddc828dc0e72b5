"""Publishing uploads safely, on SQLite and PostgreSQL: a publish is whole or not at all,
two at once are serialised and neither is lost, a killed publisher leaves the previous
version published and the lock free, and any version can be rolled back to."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from data import refresh
from data.ingest import ingest
from data.readcache import ReadCache
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.integration.killed import kill_while_writing

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def register(raw_dir):
    return area_register(raw_dir)


@pytest.fixture(scope="module")
def files(raw_dir) -> dict[str, bytes]:
    knife = official.dashboard_frame(raw_dir)
    month = pd.to_datetime(knife["Month_Year"], format="%d/%m/%Y").dt.strftime("%Y-%m")
    return {
        "base": official.to_csv(knife[(month >= "2025-06") & (month <= "2026-01")]),
        "february": official.to_csv(knife[month == "2026-02"]),
        "gun": official.to_csv(official.gun_frame(raw_dir)),
    }


@pytest.fixture
def store(store_url, files, register):
    s = Store(store_url)
    ingest(s, [SourceFile("knife-base.csv", files["base"])], register, actor="setup")
    yield s
    s.dispose()


def _reads(tmp_path) -> ReadCache:
    return ReadCache(tmp_path / "reads", refresh.READ_REVISION)


def _checked(store, register, reads, name, content, actor="alice") -> int:
    upload = store.add_upload([(name, content)], actor=actor)
    report = refresh.check_upload(store, upload, register, read=reads.read)
    assert report.ok, report.errors
    return upload


def _latest(store, measure: str) -> str | None:
    version = store.published_version_id()
    counts, _ = store.load_counts(version, [measure])
    return None if counts.empty else f"{counts['month'].max():%Y-%m}"


def test_publish_then_roll_back_and_every_step_is_on_record(store, register, files, tmp_path):
    reads = _reads(tmp_path)
    first = store.published_version_id()
    upload = _checked(store, register, reads, "feb.csv", files["february"])
    assert _latest(store, "knife_crime") == "2026-01"  # a draft changes nothing public
    done = refresh.publish_upload(store, upload, register, actor="alice", read=reads.read)
    assert store.published_version_id() == done.version_id != first
    assert _latest(store, "knife_crime") == "2026-02"
    assert done.rebased_on is None
    assert refresh.rollback(store, first, actor="bob") == first
    assert _latest(store, "knife_crime") == "2026-01"
    history = [(h["actor"], h["action"], h["version_id"]) for h in store.history()]
    actions = [h for h in history if h[1] != "release note"]
    assert actions[:2] == [("bob", "rollback", first), ("alice", "publish", done.version_id)]
    # Each publication writes its public note in the same transaction, on record too.
    assert history[:1] == [("bob", "release note", first)]
    assert ("alice", "release note", done.version_id) in history
    assert ("alice", "create", done.version_id) in actions
    # The draft's files are kept with their checksums and rebuild the same version.
    info = next(v for v in store.versions() if v.id == done.version_id)
    names = sorted(f["name"] for f in info.files if f["kind"] != "revision")
    assert names == ["feb.csv", "knife-base.csv"]
    rebuilt = refresh.version_sources(store, done.version_id)
    assert [s.name for s in rebuilt] == ["knife-base.csv", "feb.csv"]
    assert rebuilt[1].content == files["february"]
    # Published twice is refused: the upload is done.
    with pytest.raises(refresh.RefreshError, match="published"):
        refresh.publish_upload(store, upload, register, actor="alice", read=reads.read)


def test_a_discarded_draft_is_deleted_but_its_files_are_kept(store, register, files, tmp_path):
    reads = _reads(tmp_path)
    before = [v.id for v in store.versions()]
    upload = _checked(store, register, reads, "feb.csv", files["february"])
    draft = store.upload(upload)["draft_version"]
    refresh.discard_upload(store, upload, actor="alice")
    assert [v.id for v in store.versions()] == before
    assert store.upload(upload)["status"] == "discarded"
    sha = store.upload(upload)["files"][0]["sha256"]
    assert store.source_file(sha) == files["february"]
    assert any(h["action"] == "discard" and h["version_id"] == draft for h in store.history())


def test_two_publishes_at_once_are_serialised_and_neither_is_lost(store_url, store, register,
                                                                  files, tmp_path):  # fmt: skip
    reads = _reads(tmp_path)
    base = store.published_version_id()
    knife = _checked(store, register, reads, "feb.csv", files["february"], actor="alice")
    gun = _checked(store, register, reads, "gun.csv", files["gun"], actor="bob")
    assert store.upload(knife)["base_version"] == store.upload(gun)["base_version"] == base
    results, errors = {}, []
    start = threading.Barrier(2)

    def publish(upload, actor):
        own = Store(store_url)  # a publisher of its own, as another worker would be
        try:
            start.wait()
            results[actor] = refresh.publish_upload(own, upload, register, actor=actor,
                                                    read=_reads(tmp_path).read)  # fmt: skip
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=publish, args=(knife, "alice")),
               threading.Thread(target=publish, args=(gun, "bob"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    # One went first; the other found the published version changed and built on it.
    assert sorted(r.rebased_on is None for r in results.values()) == [False, True]
    last = max(results.values(), key=lambda r: r.version_id)
    assert store.published_version_id() == last.version_id
    assert _latest(store, "knife_crime") == "2026-02"
    assert _latest(store, "gun_crime") == "2026-02"
    publishes = [h["actor"] for h in store.history() if h["action"] == "publish"]
    assert sorted(publishes[:2]) == ["alice", "bob"]


KILLED_PUBLISHER = """
from data import refresh
from data.readcache import ReadCache
from geo.register import area_register
store = Store({url!r})
reads = ReadCache(Path({reads!r}), refresh.READ_REVISION)
refresh.publish_upload(store, {upload}, area_register(Path({raw!r})), actor="doomed",
                       read=reads.read)
"""


def test_a_publisher_killed_mid_publish_leaves_the_previous_version_usable(
    store_url, store, register, files, tmp_path, raw_dir
):
    reads = _reads(tmp_path)
    # Checked on the base; then someone else publishes, so publishing this upload has
    # to build and write a whole new version under the publishers' lock.
    gun = _checked(store, register, reads, "gun.csv", files["gun"], actor="doomed")
    feb = _checked(store, register, reads, "feb.csv", files["february"])
    published = refresh.publish_upload(store, feb, register, actor="alice", read=reads.read)
    versions = [v.id for v in store.versions()]
    marker = tmp_path / "marker"
    script = KILLED_PUBLISHER.format(url=store_url, reads=str(tmp_path / "reads"), upload=gun,
                                     raw=str(raw_dir))  # fmt: skip
    kill_while_writing(script, marker, "publisher")

    fresh = Store(store_url)
    assert fresh.published_version_id() == published.version_id
    assert [v.id for v in fresh.versions()] == versions
    assert _latest(fresh, "knife_crime") == "2026-02"
    assert _latest(fresh, "gun_crime") is None
    # The lock died with the publisher: the same upload publishes now, within seconds.
    done: list = []
    worker = threading.Thread(
        target=lambda: done.append(
            refresh.publish_upload(fresh, gun, register, actor="alice", read=reads.read)
        )
    )
    worker.start()
    worker.join(60)
    assert done, "the publishers' lock was still held after its holder was killed"
    assert _latest(fresh, "gun_crime") == "2026-02"
    assert _latest(fresh, "knife_crime") == "2026-02"
    fresh.dispose()
