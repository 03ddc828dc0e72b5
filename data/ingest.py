"""From files to a published data version.

A version is defined by the files it was built from: they are stored byte for byte
with their checksums, so any version can be rebuilt, and ingesting the same files a
second time finds the version they already made instead of duplicating it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.canonical import Tables, build_tables
from data.problems import InputError, Problem, ReadResult
from data.readers import SourceFile, read_source
from data.store.store import FileRecord, Store

# Bump when readers or stitching change what the same files produce, so that a
# re-ingest of unchanged files builds a fresh version instead of reusing the old one.
CANONICAL_REVISION = "4"

# Folders of ../shared/data/raw that hold data the store takes (boundaries are read
# by geo/ and are not versioned data).
RAW_FOLDERS = (
    "mps_recorded_crime",
    "mps_knife_crime",
    "mps_homicide",
    "mopac_pas",
    "ons_census2021",
    "ons_census2021_workday",
    "ons_lookups",
)
SUFFIXES = {".csv", ".parquet", ".xlsx"}
# Attribute tables of boundary layers that are lookups in their own right: the LSOA
# layer's table gives each 2021 LSOA its MSOA, which the workday population needs.
ATTRIBUTE_TABLES = ("boundaries_lsoa_2021/london-2021-lsoa-gen20.dbf",)


@dataclass
class IngestReport:
    version_id: int | None
    created: bool
    published: bool
    files: list[FileRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def raw_sources(raw_dir: Path) -> list[SourceFile]:
    """The data files of a raw-data folder laid out like ../shared/data/raw."""
    paths = sorted(
        p
        for folder in RAW_FOLDERS
        for p in (raw_dir / folder).glob("*")
        if p.suffix.lower() in SUFFIXES
    ) + [raw_dir / t for t in ATTRIBUTE_TABLES if (raw_dir / t).is_file()]
    if not paths:
        raise FileNotFoundError(
            f"no data files under {raw_dir} (looked in {', '.join(RAW_FOLDERS)})"
        )
    return [SourceFile.from_path(p) for p in paths]


def _months(result: ReadResult) -> tuple[object, object]:
    cov = result.coverage
    if cov is None or cov.empty:
        return None, None
    return pd.Timestamp(cov["first_month"].min()).date(), pd.Timestamp(
        cov["last_month"].max()
    ).date()


def prepare(
    sources: list[SourceFile],
    register: pd.DataFrame,
    read: Callable[[SourceFile], ReadResult] = read_source,
) -> tuple[Tables, list[FileRecord], list[Problem]]:
    """Read and combine files without touching the store."""
    results = [(s.name, read(s)) for s in sources]
    records = [
        FileRecord(
            name=s.name,
            content=s.content,
            kind=r.kind,
            rows_read=r.rows_read,
            first_month=_months(r)[0],
            last_month=_months(r)[1],
            warnings=len(r.warnings),
        )
        for s, (_, r) in zip(sources, results, strict=True)
    ]
    tables, problems = build_tables(results, register)
    return tables, records, problems


def _fingerprint_shas(sources: list[SourceFile]) -> list[str]:
    return [s.sha256 for s in sources] + [revision_marker().sha256]


def ingest(
    store: Store,
    sources: list[SourceFile],
    register: pd.DataFrame,
    *,
    actor: str,
    publish: bool = True,
    note: str = "",
    read: Callable[[SourceFile], ReadResult] = read_source,
) -> IngestReport:
    """Build a version from files and (by default) publish it.

    Raises InputError, with every problem found, if any file has errors; then the
    store is not touched and the published version stays as it was.
    """
    started = time.perf_counter()
    shas = _fingerprint_shas(sources)
    existing = store.version_with_fingerprint(shas)
    if existing is not None:
        published = False
        if publish and store.published_version_id() != existing:
            store.publish(existing, actor=actor)
            published = True
        return IngestReport(existing, created=False, published=published,
                            seconds=time.perf_counter() - started)  # fmt: skip

    tables, records, problems = prepare(sources, register, read)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    summary = {
        "rows": tables.row_counts(),
        "warnings": [str(p) for p in problems if p.severity == "warning"][:200],
        "revision": CANONICAL_REVISION,
        # The order files were stitched in decides ties; a rebuild needs it.
        "sources": [s.sha256 for s in sources],
    }
    version_id = store.add_version(
        tables,
        [*records, revision_marker()],
        actor=actor,
        note=note,
        summary=summary,
    )
    if publish:
        store.publish(version_id, actor=actor)
    return IngestReport(
        version_id,
        created=True,
        published=publish,
        files=records,
        problems=problems,
        row_counts=tables.row_counts(),
        seconds=time.perf_counter() - started,
    )


def revision_marker() -> FileRecord:
    """A zero-row record whose checksum ties the version to the reader revision."""
    return FileRecord(
        name=f"(canonical revision {CANONICAL_REVISION})",
        content=f"revision:{CANONICAL_REVISION}".encode(),
        kind="revision",
        rows_read=0,
    )
