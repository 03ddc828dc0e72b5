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

import hashlib
import logging
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# flask-caching's backends return None for a missing key, so None cannot be cached
# as itself: it is stored as this marker.
_NONE = "__wec_none__"


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


class ViewCache:
    """Derived views of one store, by data version; a None backend keeps nothing."""

    def __init__(self, backend: Backend | None, namespace: str = "wec") -> None:
        self.backend = backend
        self.namespace = namespace

    def get_or_compute(self, version: str, parts: tuple, compute: Callable[[], T]) -> T:
        if self.backend is None:
            return compute()
        key = f"{self.namespace}:v{version}:{view_key(*parts)}"
        try:
            found = self.backend.get(key)
        except Exception:  # a cache that fails must never fail the page
            log.warning("view cache unreadable; computing %s", parts[0], exc_info=True)
            found = None
        if found is not None:
            return None if isinstance(found, str) and found == _NONE else found
        value = compute()
        try:
            self.backend.set(key, _NONE if value is None else value)
        except Exception:
            log.warning("view cache unwritable; %s not kept", parts[0], exc_info=True)
        return value
