"""The one cache's backend: flask-caching, in process or on Redis.

`data/cache.py` keys views by store, data version and view; this module picks where
they live. Without `REDIS_URL`, a bounded in-process cache (each worker works a view
out once per version). With it, `RedisCache`, shared by every worker and instance, with
the in-process cache beside it: if Redis stops answering, pages keep serving from the
local cache (and say so in the log) until it is back.

The in-process cache is a flask-caching backend of its own (`LocalCache`) rather than
`SimpleCache`: when it is full, `SimpleCache` drops the views set longest ago, which
are the base views every page is built from (a view's counts and change tests), so a
long tail of area profiles kept evicting the views a crowd needs; `LocalCache` drops
the views used longest ago.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flask_caching.backends import RedisCache
from flask_caching.backends.base import BaseCache

from dashboard.settings import Settings
from data.cache import ViewCache

log = logging.getLogger(__name__)

# Packages whose code computes cached views: a change to any of them is a new revision.
VIEW_PACKAGES = ("data", "geo", "presenters")
# How long to stop asking Redis after it failed, so a dead server costs one timeout
# a while rather than one per request.
RETRY_AFTER = 5.0


def code_revision() -> str:
    """A short hash of the code that computes views, so no deployment reads another's."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in VIEW_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_REVISION = code_revision()


class LocalCache(BaseCache):
    """A bounded in-process cache that drops the least recently used views when it
    holds more than `threshold` views or `max_bytes` of them.

    Values are kept pickled, as every flask-caching backend keeps them, so what one
    request reads can never be changed under another; they are unpickled outside the
    lock. A timeout of 0 keeps a view until it is dropped for room.
    """

    def __init__(self, threshold: int = 500, default_timeout: int = 300,
                 max_bytes: int | None = None) -> None:  # fmt: skip
        super().__init__(default_timeout=default_timeout)
        self.threshold = max(1, threshold)
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def _expires(self, timeout: int | None) -> float:
        seconds = self._normalize_timeout(timeout)
        return time.monotonic() + seconds if seconds > 0 else 0.0

    def _alive(self, key: str) -> bytes | None:
        """The pickled value, marked as just used; None if missing or expired."""
        item = self._items.get(key)
        if item is None:
            return None
        expires, data = item
        if expires and expires <= time.monotonic():
            del self._items[key]
            self.bytes -= len(data)
            return None
        self._items.move_to_end(key)
        return data

    def get(self, key: str) -> Any:
        with self._lock:
            data = self._alive(key)
        # Only this process wrote it (set, below).
        return None if data is None else pickle.loads(data)  # noqa: S301

    def has(self, key: str) -> bool:
        with self._lock:
            return self._alive(key) is not None

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= len(old[1])
            self._items[key] = (self._expires(timeout), data)
            self.bytes += len(data)
            while len(self._items) > 1 and (
                len(self._items) > self.threshold
                or (self.max_bytes is not None and self.bytes > self.max_bytes)
            ):
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= len(dropped)
        return True

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        with self._lock:
            if self._alive(key) is not None:
                return False
        return self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        with self._lock:
            item = self._items.pop(key, None)
            if item is not None:
                self.bytes -= len(item[1])
            return item is not None

    def clear(self) -> bool:
        with self._lock:
            self._items.clear()
            self.bytes = 0
        return True

    def __len__(self) -> int:
        return len(self._items)

    def claim(self, name: str, seconds: float) -> bool:
        """Take a named lease for `seconds` unless one is held (see SharedWithLocal.claim);
        in one process, leases are this process's own."""
        return self.add(f"lease:{name}", True, max(1, int(seconds)))

    def renew(self, name: str, seconds: float) -> None:
        self.set(f"lease:{name}", True, max(1, int(seconds)))

    def release(self, name: str) -> None:
        self.delete(f"lease:{name}")


class SharedWithLocal:
    """Redis first, the local cache beside it; Redis failures fall back to local."""

    def __init__(self, shared: Any, local: LocalCache, client: Any = None) -> None:
        self.shared = shared
        self.local = local
        self.client = client
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self) -> None:
        with self._lock:
            if self._usable():
                log.warning("Redis cache unavailable; serving from the local cache", exc_info=True)
            self._down_until = time.monotonic() + RETRY_AFTER

    def get(self, key: str) -> Any:
        found = self.local.get(key)
        if found is not None or not self._usable():
            return found
        try:
            found = self.shared.get(key)
        except Exception:
            self._failed()
            return None
        if found is not None:
            self.local.set(key, found)
        return found

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        self.local.set(key, value, timeout)
        if self._usable():
            try:
                self.shared.set(key, value, timeout)
            except Exception:
                self._failed()
        return True

    def claim(self, name: str, seconds: float) -> bool:
        """Take a lease shared by every worker and instance (Redis `SET NX EX`): True
        for the one that gets it. With Redis down, each process decides for itself."""
        if self.client is None or not self._usable():
            return self.local.claim(name, seconds)
        try:
            return bool(self.client.set(f"lease:{name}", "1", nx=True, ex=max(1, int(seconds))))
        except Exception:
            self._failed()
            return self.local.claim(name, seconds)

    def renew(self, name: str, seconds: float) -> None:
        self.local.renew(name, seconds)
        if self.client is not None and self._usable():
            try:
                self.client.expire(f"lease:{name}", max(1, int(seconds)))
            except Exception:
                self._failed()

    def release(self, name: str) -> None:
        self.local.release(name)
        if self.client is not None and self._usable():
            try:
                self.client.delete(f"lease:{name}")
            except Exception:
                self._failed()


def cache_backend(settings: Settings) -> Any:
    """The backend the settings ask for: `LocalCache`, or Redis with a local cache."""
    if settings.cache_type == "NullCache":
        return None
    local = LocalCache(threshold=settings.cache_threshold, default_timeout=settings.cache_timeout,
                       max_bytes=settings.cache_local_mb * 2**20)  # fmt: skip
    if settings.cache_type != "RedisCache" or not settings.redis_url:
        return local
    import redis

    client = redis.Redis.from_url(
        settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
    )
    shared = RedisCache(host=client, default_timeout=settings.cache_timeout, key_prefix="")
    return SharedWithLocal(shared, local, client)


def view_cache(settings: Settings) -> ViewCache:
    """The one view cache of a store: keyed by the store, the code and the data version."""
    store = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    return ViewCache(cache_backend(settings), namespace=f"wec:{_REVISION}:{store}")
