"""What callbacks need from the running app, without importing the app itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from data.dataset import Dataset
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
