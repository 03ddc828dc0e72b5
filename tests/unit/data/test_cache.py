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


class CountingReads(SimpleCache):
    """A backend that says how many reads it has answered."""

    def __init__(self) -> None:
        import threading

        super().__init__(threshold=10)
        self.reads = 0
        self.changed = threading.Condition()

    def get(self, key):
        found = super().get(key)
        with self.changed:
            self.reads += 1
            self.changed.notify_all()
        return found


def test_threads_asking_for_the_same_new_view_compute_it_once():
    import threading

    backend = CountingReads()
    cache = ViewCache(backend)
    release = threading.Event()
    calls = []

    def slow() -> str:
        calls.append(1)
        release.wait(30)
        return "view"

    answers = []

    def ask() -> None:
        answers.append(cache.get_or_compute("v1", ("x",), slow))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    # Every thread has looked in the cache and found nothing before the first finishes.
    with backend.changed:
        assert backend.changed.wait_for(lambda: backend.reads >= 4, timeout=30)
    release.set()
    for t in threads:
        t.join(30)
    assert answers == ["view"] * 4
    assert calls == [1]


def test_a_failed_computation_lets_the_next_caller_try_again():
    cache = ViewCache(SimpleCache(threshold=10))

    def broken() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        cache.get_or_compute("v1", ("x",), broken)
    assert cache.get_or_compute("v1", ("x",), lambda: "fine") == "fine"


def test_whole_answers_are_kept_and_read_by_version():
    cache = ViewCache(SimpleCache(threshold=10))
    assert cache.get("v1", ("answer", "abc")) is None
    cache.put("v1", ("answer", "abc"), b"{}")
    assert cache.get("v1", ("answer", "abc")) == b"{}"
    assert cache.get("v2", ("answer", "abc")) is None
    assert ViewCache(None).get("v1", ("answer", "abc")) is None


class Recording(SimpleCache):
    def __init__(self) -> None:
        super().__init__(threshold=10)
        self.writes: list[str] = []

    def set(self, key, value, timeout=None):
        self.writes.append(key)
        return super().set(key, value, timeout)


def test_a_warm_up_pass_keeps_the_views_it_finds_for_another_timeout():
    from data.cache import refreshing

    backend = Recording()
    cache = ViewCache(backend)
    cache.get_or_compute("v1", ("x",), lambda: 1)
    cache.get_or_compute("v1", ("x",), lambda: 2)
    assert len(backend.writes) == 1  # found: not written again
    with refreshing():
        assert cache.get_or_compute("v1", ("x",), lambda: 3) == 1
    assert len(backend.writes) == 2  # found inside a warm-up pass: written again
