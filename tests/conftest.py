"""Shared fixtures. Tests read the real public data from ../shared/data/raw (or
WEC_RAW_DIR); it is never copied into this repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _raw_dir() -> Path:
    configured = os.environ.get("WEC_RAW_DIR")
    return Path(configured) if configured else (REPO.parent / "shared" / "data" / "raw")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    path = _raw_dir()
    if not (path / "PROVENANCE.md").exists():
        pytest.fail(f"the real data is not at {path}; set WEC_RAW_DIR to its folder")
    return path
