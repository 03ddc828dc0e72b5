"""What callbacks need from the running app, without importing the app itself."""

from __future__ import annotations

from typing import Protocol

from data.dataset import Dataset


class Context(Protocol):
    def dataset(self) -> Dataset | None:
        """The published version, in memory; None before anything is published."""

    def geojson_url(self, level: str) -> str | None:
        """The URL of a level's boundary file ("ward", "borough"), cached for ever."""
