"""The one view cache: keyed by store, data version and view, on flask-caching's own
backends; a cache that fails never fails the page."""

from __future__ import annotations

import pickle

import pytest
from flask_caching.backends import SimpleCache

from data.cache import ViewCache, view_key


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {"answer": self.calls}


def test_a_view_is_computed_once_per_version_and_view():
    cache = ViewCache(SimpleCache(threshold=10), namespace="test")
    compute = Counter()
    assert cache.get_or_compute("v1", ("map", "knife_crime", "ward"), compute) == {"answer": 1}
    assert cache.get_or_compute("v1", ("map", "knife_crime", "ward"), compute) == {"answer": 1}
    # Another view, then a newly published version: each worked out afresh.
    assert cache.get_or_compute("v1", ("map", "knife_crime", "borough"), compute) == {"answer": 2}
    assert cache.get_or_compute("v2", ("map", "knife_crime", "ward"), compute) == {"answer": 3}
    assert compute.calls == 3


def test_two_stores_sharing_a_backend_never_see_each_others_views():
    backend = SimpleCache(threshold=10)
    one, other = ViewCache(backend, namespace="store-a"), ViewCache(backend, namespace="store-b")
    assert one.get_or_compute("v1", ("x",), lambda: "a") == "a"
    assert other.get_or_compute("v1", ("x",), lambda: "b") == "b"


def test_none_is_kept_as_an_answer_too():
    cache = ViewCache(SimpleCache(threshold=10))
    calls = []
    for _ in range(3):
        assert cache.get_or_compute("v1", ("nothing",), lambda: calls.append(1)) is None
    assert calls == [1]


def test_the_cache_is_bounded():
    backend = SimpleCache(threshold=5)
    cache = ViewCache(backend)
    for i in range(50):
        cache.get_or_compute("v1", ("view", i), lambda i=i: i)
    kept = [k for k in backend._cache if k.startswith("wec:")]
    assert len(kept) <= 5 + 1  # SimpleCache prunes once it holds more than its threshold


def test_without_a_backend_nothing_is_kept():
    cache = ViewCache(None)
    compute = Counter()
    cache.get_or_compute("v1", ("x",), compute)
    cache.get_or_compute("v1", ("x",), compute)
    assert compute.calls == 2


class Broken:
    def get(self, key):
        raise ConnectionError("cache server gone")

    def set(self, key, value, timeout=None):
        raise ConnectionError("cache server gone")


def test_a_broken_backend_is_worked_around():
    compute = Counter()
    cache = ViewCache(Broken())
    assert cache.get_or_compute("v1", ("x",), compute) == {"answer": 1}
    assert cache.get_or_compute("v1", ("x",), compute) == {"answer": 2}


@pytest.mark.parametrize("parts", [("a", 1, None), ("a" * 500, ("nested", 2))])
def test_keys_are_short_stable_and_distinct(parts):
    key = view_key(*parts)
    assert key == view_key(*parts)
    assert len(key) <= 200
    assert key != view_key(*parts, "more")


def test_what_the_cache_keeps_survives_pickling_as_redis_needs():
    cache = ViewCache(SimpleCache(threshold=10))
    value = cache.get_or_compute("v1", ("x",), lambda: {"rows": [1, 2, 3]})
    assert pickle.loads(pickle.dumps(value)) == value
