"""Readers of the official file formats. `read_file` recognises a file's format from
its header row, never from its name, because staff rename downloads."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from data.problems import InputError, Problem, ReadResult
from data.readers import (
    census,
    crime_dashboard,
    homicide,
    lookup,
    msoa_lookup,
    postcodes,
    recorded_crime,
    survey,
    workday,
)
from data.readers.tables import RawTable, open_table

log = logging.getLogger(__name__)

# The start of the reason given when a reader fails in a way it should not: the file is
# refused (never half read) and the fault is logged for the developers.
INTERNAL_ERROR = "the file could not be read because of a fault in the dashboard"

READERS: tuple[ModuleType, ...] = (
    recorded_crime,
    crime_dashboard,
    homicide,
    survey,
    census,
    lookup,
    msoa_lookup,
    workday,
    postcodes,
)

KIND_LABELS = {
    "recorded_crime_ward": "MPS recorded crime, ward level",
    "recorded_crime_borough": "MPS recorded crime, borough level",
    "recorded_crime_lsoa": "MPS recorded crime, small-area (LSOA) level",
    "crime_dashboard": "MPS Monthly Crime Dashboard (knife or gun)",
    "homicide_victims": "MPS homicide victims",
    "survey": "MOPAC Public Attitude Survey",
    "census_age": "ONS Census 2021 age bands (TS007A)",
    "lsoa_ward_lookup": "ONS LSOA to ward best-fit lookup",
    "lsoa_msoa_lookup": "ONS LSOA to MSOA lookup (or the LSOA 2021 boundaries' table)",
    "workday": "ONS Census 2021 place of work counts (ODWP01EW), borough or MSOA",
    "msoa_names": "MSOA 2021 names and boroughs",
    "postcodes": "OS Code-Point Open postcodes (London's rows are kept)",
}


@dataclass(frozen=True)
class SourceFile:
    """A file as received: kept byte for byte so any version can be rebuilt."""

    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @classmethod
    def from_path(cls, path: Path) -> SourceFile:
        return cls(path.name, path.read_bytes())


def recognise(table: RawTable) -> tuple[ModuleType, str] | None:
    columns = [str(c) for c in table.frame.columns]
    for module in READERS:
        kind = module.recognise(columns)
        if kind is not None:
            return module, kind
    return None


def read_source(source: SourceFile) -> ReadResult:
    """Read one file of any supported format; problems are returned, not raised.

    Whatever the bytes, the answer is a result: a reader's own fault refuses the file
    with INTERNAL_ERROR (and is logged) rather than ending the check that asked.
    """
    try:
        return _read_source(source)
    except Exception as exc:
        log.exception("reading %s failed", source.name)
        reason = (
            f"{INTERNAL_ERROR} ({type(exc).__name__}); nothing was published. Tell the "
            "dashboard's developers, and send them the file"
        )
        return ReadResult(
            kind="unrecognised", frame=_nothing(), problems=[Problem(source.name, reason)]
        )


def _read_source(source: SourceFile) -> ReadResult:
    try:
        table = open_table(source.name, raw=source.content, name=source.name)
    except InputError as exc:
        return ReadResult(kind="unrecognised", frame=_nothing(), problems=exc.problems)
    found = recognise(table)
    if found is None:
        header = ", ".join(str(c) for c in list(table.frame.columns)[:8])
        reason = f"the header row ({header}) matches none of the supported formats: " + "; ".join(
            KIND_LABELS.values()
        )
        closest = _closest([str(c) for c in table.frame.columns])
        if closest:
            reason = f"{reason}. It is closest to {closest}"
        return ReadResult(
            kind="unrecognised", frame=_nothing(), problems=[Problem(source.name, reason, 1)]
        )
    module, kind = found
    result = module.read(table, kind)
    result.problems = [*table.problems, *result.problems]
    return result


def _closest(columns: list[str]) -> str | None:
    """The layout a file's headers come closest to, and what they lack of it."""
    found = [
        module.missing_headers(columns) for module in READERS if hasattr(module, "missing_headers")
    ]
    found = [f for f in found if f[2] >= 2 and f[1]]
    if not found:
        return None
    label, missing, _ = max(found, key=lambda f: (f[2], -len(f[1])))
    return f"{label}, but has no {', '.join(missing)} column"


def read_file(path: Path) -> ReadResult:
    return read_source(SourceFile.from_path(path))


def _nothing():
    import pandas as pd

    return pd.DataFrame()
