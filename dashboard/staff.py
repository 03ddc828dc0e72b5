"""The staff pages' access to the store, the checks and the signed-in user."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd

from dashboard.auth import end_session, signed_in_name
from dashboard.services import DataService
from data.dataset import Dataset
from data.problems import ReadResult
from data.readcache import ReadCache
from data.readers import SourceFile
from data.refresh import READ_REVISION, CheckLimits
from geo.register import area_register


class StaffService:
    def __init__(self, service: DataService):
        self.service = service
        self.settings = service.settings
        self.store = service.store
        self.upload_max_bytes = self.settings.upload_max_bytes
        self.max_upload_files = self.settings.upload_max_files
        self.session_idle_minutes = self.settings.session_idle_minutes
        self.session_hours = self.settings.session_hours
        self.check_limits = CheckLimits.for_stall(
            self.settings.check_stall_seconds,
            timeout_seconds=self.settings.check_timeout_seconds,
            retention=dt.timedelta(days=self.settings.draft_retention_days),
        )
        self.cache = ReadCache(self.settings.reads_dir, READ_REVISION)
        self._register: pd.DataFrame | None = None
        self._lock = threading.Lock()
        self._preview: Dataset | None = None

    def staff_user(self) -> str | None:
        return signed_in_name()

    def sign_out(self) -> None:
        end_session()

    def area_register(self) -> pd.DataFrame:
        if self._register is None:
            raw = self.settings.raw_dir
            if raw is not None:
                self._register = area_register(raw)
            else:
                # No boundary files here: the published version's areas are the register.
                version = self.store.published_version_id()
                if version is None:
                    raise RuntimeError("no boundary files (WEC_RAW_DIR) and nothing published")
                areas = self.store.load(version).areas
                self._register = areas[areas["level"] != "bcu"].reset_index(drop=True)
        return self._register

    def read(self, source: SourceFile) -> ReadResult:
        return self.cache.read(source)

    def preview_dataset(self, version: int) -> Dataset:
        """One unpublished version at a time, apart from the public datasets."""
        if version == self.service.published_version():
            return self.service.dataset_for(version)
        with self._lock:
            if self._preview is None or self._preview.version_id != version:
                self._preview = Dataset(
                    version,
                    self.store.load(version),
                    views=self.service.views,
                    key=self.store.version_key(version),
                )
            return self._preview

    def for_background_job(self) -> None:
        # A forked job must not use the parent's pooled connections.
        self.store.engine.dispose(close=False)

    def geojson_url(self, level: str) -> str | None:
        return self.service.geojson_url(level)

    def dataset(self) -> Dataset | None:
        return self.service.dataset()
