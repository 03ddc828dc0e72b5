"""The in-process cache backend: least recently used views go first, by count and by
bytes; leases are taken once until released or expired."""

from __future__ import annotations

import pickle

from dashboard.cache import LocalCache


def test_the_least_recently_used_view_goes_first():
    cache = LocalCache(threshold=3)
    for key in "abc":
        cache.set(key, key.upper())
    assert cache.get("a") == "A"  # "a" is now the most recently used
    cache.set("d", "D")
    assert cache.get("b") is None  # the least recently used went
    assert [cache.get(k) for k in "acd"] == ["A", "C", "D"]
    assert len(cache) == 3


def test_the_cache_is_bounded_by_bytes_too():
    big = "x" * 1000
    size = len(pickle.dumps(big, protocol=pickle.HIGHEST_PROTOCOL))
    cache = LocalCache(threshold=100, max_bytes=3 * size)
    for i in range(10):
        cache.set(f"k{i}", big)
    assert len(cache) == 3
    assert cache.bytes == 3 * size
    assert [cache.get(f"k{i}") is not None for i in (6, 7, 8, 9)] == [False, True, True, True]


def test_setting_a_key_again_replaces_it_without_counting_it_twice():
    cache = LocalCache(threshold=10)
    cache.set("k", "one")
    cache.set("k", "two")
    assert cache.get("k") == "two"
    assert len(cache) == 1
    assert cache.bytes == len(pickle.dumps("two", protocol=pickle.HIGHEST_PROTOCOL))
    cache.delete("k")
    assert cache.bytes == 0


def test_a_reader_gets_a_copy_it_cannot_change_for_others():
    cache = LocalCache()
    cache.set("rows", [1, 2, 3])
    cache.get("rows").append(4)
    assert cache.get("rows") == [1, 2, 3]


def test_a_view_kept_for_a_timeout_expires(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("dashboard.cache.time.monotonic", lambda: now[0])
    cache = LocalCache(default_timeout=60)
    cache.set("k", "v")
    cache.set("forever", "v", timeout=0)
    now[0] += 59
    assert cache.get("k") == "v"
    now[0] += 2
    assert cache.get("k") is None
    assert not cache.has("k")
    assert cache.get("forever") == "v"


def test_a_lease_is_taken_once_until_released():
    cache = LocalCache()
    assert cache.claim("warm:v1", 60)
    assert not cache.claim("warm:v1", 60)
    cache.renew("warm:v1", 60)
    assert not cache.claim("warm:v1", 60)
    cache.release("warm:v1")
    assert cache.claim("warm:v1", 60)
