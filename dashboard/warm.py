"""Views worked out before anyone asks: once per published version, in the background.

When a version is published (a staff publish, `wec publish` or `wec rollback`, the first
ingest) each worker notices it within `WATCH` seconds, or at once at its next request,
and loads it; one worker then works out the views people open first (`items`) into
the one cache, so nobody waits for a cold view. With `REDIS_URL` the work is done once
for every worker and instance: a lease in Redis (`SET NX EX`, renewed as the pass goes)
says who does it, and a marker kept with the views says it is done. Without Redis each
worker warms its own cache.

The warm-up is bounded: one thread per process, which sleeps after each view as long
as the view took (so it takes at most about half of one core) and stops as soon as
another version is published. It passes again before the cache's timeout, keeping the
published version's views for another timeout, so they never age out while published.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from callbacks import about, at_risk, hotspots, overview, perception, profile, young_people
from callbacks import map as map_page
from callbacks.area_panels import hotspot_section, perception_panel
from data import profiles, queries
from data.cache import refreshing
from data.dataset import Dataset
from data.periods import LATEST_MONTH, ROLLING_12
from presenters import at_risk as at_risk_presenter
from presenters import hotspots as hotspots_presenter
from presenters import map as map_presenter
from presenters.common import areas, options

if TYPE_CHECKING:
    from dashboard.services import DataService

log = logging.getLogger(__name__)

# How often each worker looks for a newly published version (one indexed read).
WATCH = 5.0
# The share of one core the warm-up may take: after a view that took t seconds it
# sleeps t * (1 - DUTY) / DUTY.
DUTY = 0.5
# A lease lasts this long unless renewed; the worker holding it renews it after every
# view, so a worker that dies mid-pass hands the work on within this time.
LEASE = 120.0

Item = tuple[str, str, Callable[[], object]]  # (group, what, work)


def _query(**fields: str) -> str:
    """A page address's query string, as the pages write it (PageState.search)."""
    return "?" + "&".join(f"{k}={v}" for k, v in fields.items())


def items(ds: Dataset, context: DataService, *, wards: bool = True) -> Iterator[Item]:
    """The views to work out for a version, the most opened first: the pages as they
    first open; the map for every measure, level and value over the latest 12 months
    and the latest month; the hot spots of every measure and level (small areas too);
    the ranking of every measure; the profiles of every borough and BCU, then (with
    `wards`) of every ward, each with its hot-spot and survey panels.

    Each piece of work is what a request for the view runs (the callbacks' plain
    functions), so the views kept are exactly those the requests read.
    """
    urls = context.geojson_url
    yield "pages", "overview", lambda: (overview.show(ds), overview.show_trends(ds, ""))
    yield "pages", "map", lambda: map_page.show(ds, urls, "")
    yield "pages", "map search names", lambda: areas.search_labels(ds, map_presenter.FINDABLE)
    yield "pages", "at-risk", lambda: at_risk.show(ds, "")
    yield "pages", "hot spots", lambda: hotspots.show(ds, "", boundaries=context)
    yield "pages", "young people", lambda: young_people.show(ds, "")
    yield "pages", "perception", lambda: perception.show(ds, "", geojson_url=urls("borough"))
    yield "pages", "about", lambda: about.show(ds, context.published_info())
    yield "pages", "area profiles", lambda: profile.show(ds, "")

    for measure in ds.measures.index:
        for level in options.measure_levels(ds, measure, map_presenter.LEVELS):
            for value in queries.value_choices(ds, measure):
                for period in (ROLLING_12, LATEST_MONTH):
                    search = _query(measure=measure, level=level, period=period, value=value)
                    yield "map", search, lambda s=search: map_page.show(ds, urls, s)

    for level in hotspots_presenter.LEVELS:
        for option in hotspots_presenter.measure_options(ds, level):
            if ds.has_data(option.value, level):
                search = _query(measure=option.value, level=level)
                yield "hot spots", search, lambda s=search: hotspots.show(ds, s, boundaries=context)

    for option in at_risk_presenter.measure_options(ds):
        search = _query(measure=option.value)
        yield "at-risk", search, lambda s=search: at_risk.show(ds, s)

    kinds = ("borough", "bcu", "ward") if wards else ("borough", "bcu")
    for kind in kinds:
        places = ds.areas[(ds.areas["level"] == kind) & ds.areas["covered"]]
        for code in places.index:
            yield f"{kind} profiles", code, lambda c=str(code): _profile(ds, context, c)


def _profile(ds: Dataset, context: DataService, code: str) -> None:
    """Everything an area's profile asks for as it opens."""
    profile.show(ds, code)
    profile.show_trend(ds, code, "")
    hotspot_section(ds, context, profiles.area_facts(ds, code))
    perception_panel(ds, code)


class Warmer:
    """One background thread per process that warms each published version's views."""

    def __init__(self, service: DataService, *, watch: float = WATCH, duty: float = DUTY):
        self.service = service
        self.watch = watch
        self.duty = duty
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._wake = threading.Event()
        # What the last finished pass did: {"version", "views", "seconds", "by_group"}.
        self.last: dict | None = None

    def start(self) -> None:
        """Start this process's thread, once (a forked worker starts its own)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
        threading.Thread(target=self._loop, name="wec-warm", daemon=True).start()

    def nudge(self) -> None:
        """Look for a new version now rather than at the next watch."""
        self._wake.set()

    def _loop(self) -> None:
        while True:
            try:
                self.tick()
            except Exception:  # the warm-up must never take a worker down
                log.warning("warming the views failed; trying again later", exc_info=True)
            self._wake.wait(self.watch)
            self._wake.clear()

    def tick(self) -> dict | None:
        """Warm the published version if nobody has (or is): what was done, or None."""
        ds = self.service.dataset()
        if ds is None:
            return None
        views = self.service.views
        backend = views.backend
        if backend is None or views.get(ds.key, ("warmed",)) is not None:
            return None
        lease = f"{views.namespace}:warm:{ds.key}"
        if not backend.claim(lease, LEASE):
            return None  # another worker or instance is warming this version
        try:
            done = self.warm(ds, renew=lambda: backend.renew(lease, LEASE))
        finally:
            backend.release(lease)
        if done is not None:
            self.mark(ds, done)
        return done

    def mark(self, ds: Dataset, done: dict) -> None:
        """Say that `ds` is warmed, for less than the views' timeout, so that the next
        pass comes before the views of this one would age out."""
        keep = max(1, self.service.settings.cache_timeout * 3 // 4)
        self.service.views.put(ds.key, ("warmed",), done, timeout=keep)

    def warm(self, ds: Dataset, *, renew: Callable[[], object] | None = None,
             duty: float | None = None) -> dict | None:  # fmt: skip
        """Work out every view of `items` for `ds`; None if another version was
        published meanwhile (its own pass takes over)."""
        duty = self.duty if duty is None else duty
        started = time.perf_counter()
        by_group: dict[str, list[float]] = {}
        log.info("warming the views of version %s", ds.version_id)
        for group, what, work in items(ds, self.service):
            if self._superseded(ds):
                log.info("version %s is no longer published: warming stopped", ds.version_id)
                return None
            began = time.perf_counter()
            try:
                with refreshing():
                    work()
            except Exception:
                log.warning("warming %s %s failed", group, what, exc_info=True)
            took = time.perf_counter() - began
            by_group.setdefault(group, []).append(took)
            if renew is not None:
                renew()
            if duty < 1:
                time.sleep(took * (1 - duty) / duty)
        seconds = time.perf_counter() - started
        done = {
            "version": ds.version_id,
            "views": sum(len(v) for v in by_group.values()),
            "seconds": round(seconds, 1),
            "busy": round(sum(sum(v) for v in by_group.values()), 1),
            "by_group": {g: (len(v), round(sum(v), 1)) for g, v in by_group.items()},
        }
        groups = ", ".join(f"{g} {n} in {s} s" for g, (n, s) in done["by_group"].items())
        log.info("warmed version %s: %s views in %.0f s (%.0f s of work): %s", ds.version_id,
                 done["views"], seconds, done["busy"], groups)  # fmt: skip
        self.last = done
        return done

    def _superseded(self, ds: Dataset) -> bool:
        try:
            return self.service.published_version() != ds.version_id
        except Exception:
            return False  # the store is away: carry on with the version in memory
