"""The one cache's backend: flask-caching, in process or on Redis.

`data/cache.py` keys views by store, data version and view; this module picks where
they live. Without `REDIS_URL`, a bounded in-process `SimpleCache` (each worker works
a view out once per version). With it, `RedisCache`, shared by every worker and
instance, with the in-process cache beside it: if Redis stops answering, pages keep
serving from the local cache (and say so in the log) until it is back.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask_caching.backends import RedisCache, SimpleCache

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


class SharedWithLocal:
    """Redis first, the local cache beside it; Redis failures fall back to local."""

    def __init__(self, shared: Any, local: SimpleCache) -> None:
        self.shared = shared
        self.local = local
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


def cache_backend(settings: Settings) -> Any:
    """The backend the settings ask for: `SimpleCache`, or Redis with a local cache."""
    local = SimpleCache(threshold=settings.cache_threshold, default_timeout=settings.cache_timeout)
    if settings.cache_type == "NullCache":
        return None
    if settings.cache_type != "RedisCache" or not settings.redis_url:
        return local
    import redis

    client = redis.Redis.from_url(
        settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
    )
    shared = RedisCache(host=client, default_timeout=settings.cache_timeout, key_prefix="")
    return SharedWithLocal(shared, local)


def view_cache(settings: Settings) -> ViewCache:
    """The one view cache of a store: keyed by the store, the code and the data version."""
    store = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    return ViewCache(cache_backend(settings), namespace=f"wec:{_REVISION}:{store}")
