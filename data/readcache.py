"""What each file's reader found, kept by checksum so a monthly refresh reads one file.

A new version is built from the published version's files plus the uploaded ones, so
without this every upload would read every file again (about 4 s for the public data).
A reader's answer depends only on the file's bytes, the reader revision and the
current month (months after it are refused), and all three are in the key, so a kept
answer is never stale. Answers are kept in memory and, given a folder, on disk as
Parquet and JSON, which every worker process and the command line share.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from data.problems import Problem, ReadResult
from data.readers import SourceFile, read_source

log = logging.getLogger(__name__)

MEMORY_ENTRIES = 32


class ReadCache:
    def __init__(
        self,
        directory: Path | None,
        revision: str,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        reader: Callable[[SourceFile], ReadResult] = read_source,
    ):
        self.directory = directory
        self.revision = revision
        self._today = today
        self._reader = reader
        self._memory: OrderedDict[str, ReadResult] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def key(self, source: SourceFile) -> str:
        return f"{source.sha256}-r{self.revision}-{self._today():%Y%m}"

    def read(self, source: SourceFile) -> ReadResult:
        """The reader's answer for a file, from memory, disk, or by reading it."""
        key = self.key(source)
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                self.hits += 1
                return _renamed(self._memory[key], source.name)
        result = self._load(key)
        if result is None:
            self.misses += 1
            result = self._reader(source)
            self._save(key, result)
        else:
            self.hits += 1
        with self._lock:
            self._memory[key] = result
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)
        return _renamed(result, source.name)

    # -- disk -------------------------------------------------------------------

    def prune(self) -> int:
        """Delete the kept answers no key can ask for any more (another month's or
        another reader revision's); returns how many were deleted."""
        if self.directory is None or not self.directory.is_dir():
            return 0
        current = f"-r{self.revision}-{self._today():%Y%m}"
        gone = 0
        for entry in self.directory.iterdir():
            if entry.is_dir() and not entry.name.startswith(".") and entry.name.endswith(current):
                continue
            if entry.name.startswith(".") and entry.stat().st_mtime > time.time() - 3600:
                continue  # being written now
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            gone += 1
        return gone

    def _path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key

    def _load(self, key: str) -> ReadResult | None:
        path = self._path(key)
        if path is None or not (path / "info.json").exists():
            return None
        try:
            info = json.loads((path / "info.json").read_text())
            frame = pd.read_parquet(io.BytesIO((path / "frame.parquet").read_bytes()))
            coverage = (
                pd.read_parquet(io.BytesIO((path / "coverage.parquet").read_bytes()))
                if info["has_coverage"]
                else None
            )
            extra = {
                name: pd.read_parquet(io.BytesIO((path / f"extra-{name}.parquet").read_bytes()))
                for name in info.get("extra", [])
            }
        except (OSError, ValueError, KeyError) as exc:
            # A damaged entry is only a lost shortcut: read the file again.
            log.warning("read cache entry %s is unusable (%s); reading the file again", key, exc)
            return None
        return ReadResult(
            kind=info["kind"],
            frame=frame,
            problems=[Problem(**p) for p in info["problems"]],
            rows_read=info["rows_read"],
            rows_rejected=info["rows_rejected"],
            coverage=coverage,
            meta=info["meta"],
            area_rows=info["area_rows"],
            area_column=info["area_column"],
            area_names=info.get("area_names", {}),
            area_name_column=info.get("area_name_column"),
            extra=extra,
        )

    def _save(self, key: str, result: ReadResult) -> None:
        path = self._path(key)
        if path is None:
            return
        tmp = path.with_name(f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
        try:
            tmp.mkdir(parents=True)
            result.frame.to_parquet(tmp / "frame.parquet", index=False)
            if result.coverage is not None:
                result.coverage.to_parquet(tmp / "coverage.parquet", index=False)
            for name, frame in result.extra.items():
                frame.to_parquet(tmp / f"extra-{name}.parquet", index=False)
            info = {
                "kind": result.kind,
                "problems": [p.as_dict() for p in result.problems],
                "rows_read": result.rows_read,
                "rows_rejected": result.rows_rejected,
                "has_coverage": result.coverage is not None,
                "meta": result.meta,
                "area_rows": result.area_rows,
                "area_column": result.area_column,
                "area_names": result.area_names,
                "area_name_column": result.area_name_column,
                "extra": sorted(result.extra),
            }
            (tmp / "info.json").write_text(json.dumps(info, default=str))
            # A whole entry appears at once; another process may have written it first.
            tmp.rename(path)
        except OSError as exc:
            if not (path / "info.json").exists():
                log.warning("could not keep the read of %s (%s)", key, exc)
        except (ValueError, TypeError) as exc:  # a frame Parquet cannot hold
            log.warning("could not keep the read of %s (%s)", key, exc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _renamed(result: ReadResult, name: str) -> ReadResult:
    """The same answer under the name this copy of the file was given.

    Staff rename downloads; the report names the file as it was uploaded.
    """
    old = {p.file for p in result.problems}
    if not old or old == {name}:
        return result
    problems = []
    for p in result.problems:
        file = p.file
        for before in old:
            if file == before or file.startswith(before + " "):
                file = name + file[len(before) :]
                break
        problems.append(Problem(file, p.reason, p.row, p.column, p.severity))
    return ReadResult(
        kind=result.kind,
        frame=result.frame,
        problems=problems,
        rows_read=result.rows_read,
        rows_rejected=result.rows_rejected,
        coverage=result.coverage,
        meta=result.meta,
        area_rows=result.area_rows,
        area_column=result.area_column,
        area_names=result.area_names,
        area_name_column=result.area_name_column,
        extra=result.extra,
    )
