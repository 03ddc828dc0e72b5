"""The one cache of derived views: keyed by store, data version and view.

Every expensive answer the pages ask for (a map view's change tests, a funnel, the hot
spots, a page's whole view model) is worked out once per data version and kept in one
cache that the composition root chooses: flask-caching's bounded in-process
`SimpleCache` by default, `RedisCache` when several workers and instances should share
the work (see `dashboard/cache.py`). This module never imports flask-caching: it takes
any object with flask-caching's `get` and `set`.

A key names the store, the data version and the view, so publishing a new version
needs no invalidation: the next request asks for keys of the new version and the old
ones age out. A key also carries a revision of the code that computes views, so a
deployment never reads a view pickled by older code.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# flask-caching's backends return None for a missing key, so None cannot be cached
# as itself: it is stored as this marker.
_NONE = "__wec_none__"
# Inside `refreshing()`, a view found in the cache is written back, so that it is kept
# for a whole timeout again (the warm-up's passes keep the published version's views).
_REFRESH: contextvars.ContextVar[bool] = contextvars.ContextVar("wec_refresh", default=False)


class Backend(Protocol):
    """What the cache needs of a flask-caching backend."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


def view_key(*parts: Hashable) -> str:
    """A cache key from a view's name and arguments (strings, numbers, tuples, None)."""
    text = "|".join(repr(p) for p in parts)
    if len(text) <= 200:
        return text
    return text[:80] + "#" + hashlib.sha256(text.encode()).hexdigest()


@contextlib.contextmanager
def refreshing() -> Iterator[None]:
    """Within this block (in this thread), a view found in the cache is kept anew."""
    token = _REFRESH.set(True)
    try:
        yield
    finally:
        _REFRESH.reset(token)


class ViewCache:
    """Derived views of one store, by data version; a None backend keeps nothing.

    A view being worked out in this process is worked out once: other threads asking
    for it meanwhile wait for it and read it from the cache, so a crowd arriving at a
    view nobody has seen yet costs one computation, not one per thread.
    """

    def __init__(self, backend: Backend | None, namespace: str = "wec") -> None:
        self.backend = backend
        self.namespace = namespace
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Event] = {}

    def key(self, version: str, parts: tuple) -> str:
        return f"{self.namespace}:v{version}:{view_key(*parts)}"

    def get(self, version: str, parts: tuple) -> Any:
        """The kept answer of a view, or None when there is none (or the cache failed)."""
        if self.backend is None:
            return None
        found = self._read(self.key(version, parts), parts)
        return None if found is None or (isinstance(found, str) and found == _NONE) else found

    def put(self, version: str, parts: tuple, value: Any, timeout: int | None = None) -> None:
        """Keep an answer worked out elsewhere (a whole callback answer, say)."""
        if self.backend is not None:
            self._write(self.key(version, parts), parts, value, timeout)

    def get_or_compute(self, version: str, parts: tuple, compute: Callable[[], T]) -> T:
        if self.backend is None:
            return compute()
        key = self.key(version, parts)
        while True:
            found = self._read(key, parts)
            if found is not None:
                if _REFRESH.get():
                    self._write(key, parts, found)
                return None if isinstance(found, str) and found == _NONE else found
            with self._lock:
                running = self._computing.get(key)
                if running is None:
                    mine = self._computing[key] = threading.Event()
                    break
            running.wait()  # then read what the other thread kept (or compute, if it failed)
        try:
            value = compute()
            self._write(key, parts, _NONE if value is None else value)
        finally:
            with self._lock:
                del self._computing[key]
            mine.set()
        return value

    def _read(self, key: str, parts: tuple) -> Any:
        try:
            return self.backend.get(key)  # type: ignore[union-attr]
        except Exception:  # a cache that fails must never fail the page
            log.warning("view cache unreadable; computing %s", parts[0], exc_info=True)
            return None

    def _write(self, key: str, parts: tuple, value: Any, timeout: int | None = None) -> None:
        try:
            self.backend.set(key, value, timeout)  # type: ignore[union-attr]
        except Exception:
            log.warning("view cache unwritable; %s not kept", parts[0], exc_info=True)
