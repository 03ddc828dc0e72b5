"""The running app's access to data: the store, the published dataset, the boundaries.

The published version is looked up on every request (one indexed row), and the
dataset for it is built once per process and kept, so every worker moves to a new
version as soon as it is published and no worker mixes two versions in one answer.

If the store cannot be reached (PostgreSQL restarting, a network fault), the public
pages are answered from the version in memory: the last one the store named, which is
still the published one unless someone publishes during the outage. The store is asked
again every `STORE_RETRY_SECONDS`, so an outage costs one failed attempt that often, not
one per request, and the log says when it began and ended.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from callbacks.context import PublishedInfo, VersionFile
from dashboard.cache import view_cache
from dashboard.settings import Settings
from data import profiles
from data.dataset import Dataset
from data.ingest import ingest, raw_sources
from data.readcache import ReadCache
from data.refresh import READ_REVISION
from data.store.store import Store
from data.targets import Targets
from geo.register import area_register
from geo.web import build_web_layers, lsoa_layer
from geo.weights import Contiguity, build_weights, load_contiguity
from presenters.common.releases import MOST_ENTRIES

log = logging.getLogger(__name__)

STORE_RETRY_SECONDS = 5.0


class DataService:
    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self.store = store or Store(settings.database_url)
        self._lock = threading.Lock()
        self._datasets: dict[int, Dataset] = {}
        self.views = view_cache(settings)
        # The published version and its record as the store last gave them, and until
        # when not to ask it again after it failed to answer.
        self._state_lock = threading.Lock()
        self._last_version: int | None = None
        self._last_info: PublishedInfo | None = None
        self._store_down_until = 0.0

    def staff_user(self) -> str | None:
        from dashboard.auth import signed_in_name

        return signed_in_name()

    def published_version(self) -> int | None:
        """The published version; the last one known while the store cannot be reached
        (raises only if it never could be)."""
        if self._last_version is not None and time.monotonic() < self._store_down_until:
            return self._last_version
        try:
            version = self.store.published_version_id()
        except DBAPIError as exc:
            if self._last_version is None:
                raise
            self._store_failed(exc)
            return self._last_version
        with self._state_lock:
            if self._store_down_until:
                log.warning("the store answers again; version %s is published", version)
            self._last_version, self._store_down_until = version, 0.0
        return version

    def _store_failed(self, exc: DBAPIError) -> None:
        with self._state_lock:
            if not self._store_down_until:
                log.warning("the store cannot be reached (%s); serving version %s from memory",
                            type(exc).__name__, self._last_version)  # fmt: skip
            self._store_down_until = time.monotonic() + STORE_RETRY_SECONDS

    def store_reachable(self) -> bool:
        """Whether the store answered the last time it was asked."""
        return not self._store_down_until

    def targets(self) -> Targets:
        """The staff's targets for positive outcome rates, read from the store each time
        (a small table): a target set by one worker is in force on every other at once."""
        return self.store.targets()

    def dataset(self) -> Dataset | None:
        version = self.published_version()
        if version is None:
            return None
        return self.dataset_for(version)

    def dataset_for(self, version: int) -> Dataset:
        with self._lock:
            ds = self._datasets.get(version)
            if ds is None:
                ds = Dataset(
                    version,
                    self.store.load(version),
                    views=self.views,
                    key=self.store.version_key(version),
                )
                # Keep the current version and the one before it, for a rollback.
                for old in sorted(self._datasets)[:-1]:
                    del self._datasets[old]
                self._datasets[version] = ds
                if self.settings.warm_views:
                    threading.Thread(target=profiles.warm, args=(ds,), daemon=True).start()
            return ds

    def release_notes(self) -> list[dict]:
        """The notes of the latest publications, newest first (as many as the feed has)."""
        return self.store.release_notes(limit=MOST_ENTRIES)

    def published_info(self) -> PublishedInfo | None:
        version = self.published_version()
        if version is None:
            return None
        # While the store is out of reach, what it said of this version before still
        # holds; it is not asked again (a server that does not answer costs a timeout).
        last = self._last_info
        known = last is not None and last.version_id == version
        if known and not self.store_reachable():
            return last
        try:
            info = self._published_info(version)
        except DBAPIError as exc:
            if not known:
                raise
            self._store_failed(exc)
            return last
        self._last_info = info
        return info

    def _published_info(self, version: int) -> PublishedInfo | None:
        info = next((v for v in self.store.versions() if v.id == version), None)
        if info is None:
            return None
        # The latest publish or rollback of this version is when the public got it.
        published_at = next(
            (
                row["at"]
                for row in self.store.history()
                if row["version_id"] == version and row["action"] in ("publish", "rollback")
            ),
            None,
        )
        files = tuple(
            VersionFile(
                name=f["name"],
                kind=f["kind"],
                sha256=f["sha256"],
                rows_read=f["rows_read"],
                first_month=f["first_month"],
                last_month=f["last_month"],
            )
            # The canonical revision is recorded as a pseudo-file; it is not a source.
            for f in sorted(info.files, key=lambda f: f["name"])
            if f["kind"] != "revision"
        )
        return PublishedInfo(info.id, info.created_at, published_at, files)

    def geojson_url(self, level: str) -> str | None:
        name = self.geo_manifest().get(level)
        return f"/geo/{name}" if name else None

    def contiguity(self, level: str) -> Contiguity | None:
        """The saved neighbours of a level; built first if the boundaries are there but
        nothing was saved (ensure_ready normally has)."""
        found = load_contiguity(self.settings.weights_dir, level)
        if found is None and self.settings.raw_dir is not None:
            build_weights(self.settings.raw_dir, self.settings.weights_dir)
            found = load_contiguity(self.settings.weights_dir, level)
        return found

    def lsoa_layer(self, borough_code: str) -> dict | None:
        if self.settings.raw_dir is None:
            return None
        return lsoa_layer(self.settings.raw_dir, borough_code)

    def geo_manifest(self) -> dict[str, str]:
        """File names of the browser's boundary layers, keyed by level."""
        manifest = self.settings.web_dir / "manifest.json"
        if not manifest.exists():
            return {}
        return json.loads(manifest.read_text())


def ensure_ready(settings: Settings, store: Store | None = None) -> None:
    """First start: ingest the raw data if nothing is published, build the boundary files."""
    store = store or Store(settings.database_url)
    raw = settings.raw_dir
    if settings.ingest_on_start and store.published_version_id() is None:
        if raw is None:
            log.warning("nothing is published and no raw-data folder is configured (WEC_RAW_DIR)")
        else:
            log.info("nothing published yet: ingesting %s", raw)
            # Keeping what the readers found lets the first staff upload skip re-reading.
            cache = ReadCache(settings.reads_dir, READ_REVISION)
            report = ingest(store, raw_sources(raw), area_register(raw), actor="first start",
                            read=cache.read)  # fmt: skip
            log.info("published version %s in %.1f s", report.version_id, report.seconds)
    if raw is not None and not (settings.web_dir / "manifest.json").exists():
        paths = build_web_layers(raw, settings.web_dir)
        log.info("built boundary layers: %s", ", ".join(p.name for p in paths.values()))
    if raw is not None and raw.is_dir():
        # Rebuilt only when a boundary or postcode file has changed.
        build_weights(raw, settings.weights_dir)
    compress_web_files(settings.web_dir)


def compress_web_files(web_dir: Path) -> list[Path]:
    """Gzip every boundary file beside itself, once, before anything is served.

    Returns the compressed files written now (those already there are kept).
    """
    if not web_dir.is_dir():
        return []
    written = []
    for path in sorted(web_dir.iterdir()):
        if path.is_file() and path.suffix == ".geojson":
            packed = path.with_name(path.name + ".gz")
            if not packed.exists():
                _write_atomically(packed, gzip.compress(path.read_bytes(), compresslevel=9,
                                                        mtime=0))  # fmt: skip
                written.append(packed)
    return written


def _write_atomically(path: Path, content: bytes) -> None:
    """Write under a name no other thread or process uses, then rename: a reader sees
    the whole file or none of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def web_file(settings: Settings, name: str, *, gzip_ok: bool = False) -> tuple[Path, bool] | None:
    """A built boundary file, or its gzipped copy when the browser takes gzip.

    The copies are made at build time (`ensure_ready`, `wec build-geo`); one missing
    (a folder built by hand) is made here, written atomically, so threads and workers
    asking at once each get a whole file. Returns the path to send and whether it is
    the gzipped copy.
    """
    if len(name) > 200 or "\x00" in name:
        return None
    path = (settings.web_dir / name).resolve()
    if path.parent != settings.web_dir.resolve() or not path.is_file() or path.suffix == ".gz":
        return None
    if not gzip_ok:
        return path, False
    packed = path.with_name(path.name + ".gz")
    if not packed.exists():
        _write_atomically(packed, gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
    return packed, True
