"""Targets for positive outcome rates in the store: set, changed, cleared and audited
on SQLite and PostgreSQL; a store made before the table existed gains it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data.store.store import Store


def test_targets_are_set_changed_cleared_and_audited(store_url):
    store = Store(store_url)
    try:
        assert store.targets().items == ()
        what = "Target for the positive outcome rate of knife crime, London-wide"
        assert store.set_target("knife_crime", "", 30.0, actor="alice", what=what) == (None, 30.0)
        assert store.set_target("knife_crime", "", 27.5, actor="bob", what=what) == (30.0, 27.5)
        store.set_target("knife_crime", "E09000022", 20.0, actor="alice", what="Lambeth's")
        found = store.targets()
        assert found.get("knife_crime").rate == 27.5
        assert found.get("knife_crime").set_by == "bob"
        assert found.for_area("knife_crime", "E09000022").rate == 20.0
        stamp = found.stamp
        assert store.set_target("knife_crime", "", None, actor="alice", what=what) == (27.5, None)
        after = store.targets()
        assert after.get("knife_crime") is None
        assert after.stamp > stamp  # a cleared target changes what the pages show
        with pytest.raises(ValueError, match="between 0 and 100"):
            store.set_target("knife_crime", "", 101.0, actor="alice", what=what)
        audit = [r for r in store.history() if r["action"] == "target"]
    finally:
        store.dispose()
    # Newest first: who, when, and the old and new value of each change.
    assert [(r["actor"], r["detail"]) for r in audit] == [
        ("alice", f"{what}: 27.5% -> none"),
        ("alice", "Lambeth's: none -> 20%"),
        ("bob", f"{what}: 30% -> 27.5%"),
        ("alice", f"{what}: none -> 30%"),
    ]
    assert all(r["at"] is not None and r["version_id"] is None for r in audit)


def test_a_store_made_before_the_targets_table_gains_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    store = Store(url)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE targets"))  # as a store of the previous revision was
    store.dispose()
    reopened = Store(url)
    try:
        assert reopened.targets().items == ()
        reopened.set_target("knife_crime", "", 25.0, actor="alice", what="t")
        assert reopened.targets().get("knife_crime").rate == 25.0
    finally:
        reopened.dispose()
