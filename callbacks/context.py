"""What callbacks need from the running app, without importing the app itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from data.dataset import Dataset
from data.problems import ReadResult
from data.readers import SourceFile
from data.refresh import CheckLimits
from data.store.store import Store
from geo.weights import Contiguity


@dataclass(frozen=True)
class VersionFile:
    """A file a data version was built from, as the store recorded it."""

    name: str
    kind: str
    sha256: str
    rows_read: int
    first_month: dt.date | None = None
    last_month: dt.date | None = None


@dataclass(frozen=True)
class PublishedInfo:
    """The published version's provenance: when it was made and published, from what."""

    version_id: int
    created_at: dt.datetime
    published_at: dt.datetime | None
    files: tuple[VersionFile, ...]


class Context(Protocol):
    def dataset(self) -> Dataset | None:
        """The published version, in memory; None before anything is published."""

    def geojson_url(self, level: str) -> str | None:
        """The URL of a level's boundary file ("ward", "borough"), cached for ever."""

    def published_info(self) -> PublishedInfo | None:
        """The published version's dates and source files; None before anything is published."""

    def contiguity(self, level: str) -> Contiguity | None:
        """Neighbouring wards or small areas ("ward", "lsoa"); None without boundaries."""

    def lsoa_layer(self, borough_code: str) -> dict | None:
        """One borough's small-area boundaries as GeoJSON; None without boundaries."""

    def staff_user(self) -> str | None:
        """The signed-in member of staff, checked on the server; None for the public."""


class StaffContext(Protocol):
    """What the staff pages need: the store, the checks, and who is signed in."""

    store: Store
    upload_max_bytes: int
    max_upload_files: int
    # How a background check is watched (heartbeat, stall, timeout) and drafts kept.
    check_limits: CheckLimits
    # A staff session ends this long after its last request, or after signing in.
    session_idle_minutes: float
    session_hours: float

    def staff_user(self) -> str | None:
        """The signed-in member of staff, checked on the server; None for anyone else."""

    def area_register(self) -> pd.DataFrame:
        """Every area with a boundary: what an uploaded file's codes are checked against."""

    def read(self, source: SourceFile) -> ReadResult:
        """A file's reader result, kept by checksum so unchanged files are read once."""

    def preview_dataset(self, version: int) -> Dataset:
        """An unpublished version in memory, for the preview; never the public one."""

    def for_background_job(self) -> None:
        """Called first in a background process: drop database connections it inherited."""

    def sign_out(self) -> None:
        """End the signed-in session."""

    def geojson_url(self, level: str) -> str | None:
        """The URL of a level's boundary file."""

    def dataset(self) -> Dataset | None:
        """The published version, in memory."""
