"""Opening tabular files in the formats the publishers use: CSV, XLSX, Parquet and
dBase (the attribute table of an ONS boundary shapefile, which is itself a lookup).

Every reader starts here, so that encoding, separator and truncation problems are
caught in one place and reported with the file name. Cells come back as strings
(Parquet keeps its types), so each reader decides how to parse its own columns.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.problems import InputError, Problem

TEXT_ENCODINGS = ("utf-8-sig",)


@dataclass
class RawTable:
    """A file's cells with its name; `frame.index` is the spreadsheet row number."""

    name: str
    frame: pd.DataFrame
    format: str  # csv, xlsx, parquet, dbf
    # Warnings found while opening (e.g. notes typed into unnamed columns).
    problems: list[Problem] = field(default_factory=list)


def _fail(name: str, reason: str, row: int | None = None, column: str | None = None):
    raise InputError([Problem(name, reason, row, column)])


def _decode(name: str, raw: bytes) -> str:
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problem = (
                f"the file is not UTF-8 text (byte {exc.start} on line {line} cannot be "
                "decoded); save it as CSV UTF-8 and upload it again"
            )
    _fail(name, problem, row=line)
    raise AssertionError("unreachable")


def _separator(name: str, header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    sep, n = max(counts.items(), key=lambda kv: kv[1])
    if n == 0:
        _fail(name, "the header row has no column separators (',' ';' or tab)", row=1)
    return sep


def _read_csv(name: str, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    text = _decode(name, raw)
    if not text.strip():
        _fail(name, "the file is empty")
    first_line = text.splitlines()[0]
    sep = _separator(name, first_line)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    header = [h.strip() for h in rows[0]]
    width = len(header)
    problems: list[Problem] = []
    body: list[list[str]] = []
    numbers: list[int] = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row[:width]
        extra = row[width:]
        if any(cell.strip() for cell in extra):
            problems.append(
                Problem(name, f"the row has {len(row)} fields but the header has {width}", i)
            )
            continue
        if len(cells) < width:
            problems.append(
                Problem(
                    name,
                    f"the row has {len(cells)} fields but the header has {width}; "
                    "the file may be truncated",
                    i,
                    header[len(cells)] if len(cells) < width else None,
                )
            )
            continue
        body.append(cells)
        numbers.append(i)
    if problems:
        raise InputError(problems)
    columns = [h or f"Unnamed: {i}" for i, h in enumerate(header)]
    frame = pd.DataFrame(body, columns=columns, index=pd.Index(numbers, name="row"), dtype=object)
    return _drop_unnamed(name, frame)


def _drop_unnamed(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Drop columns with no header; Excel exports often carry empty ones.

    A note typed into such a column is not data, but staff should know it was there.
    """
    warnings = []
    unnamed = [c for c in frame.columns if str(c).startswith("Unnamed:")]
    for column in unnamed:
        cells = frame[column].dropna().astype(str).str.strip()
        filled = cells[cells != ""]
        for row, value in filled.head(5).items():
            warnings.append(
                Problem(
                    name,
                    f"a cell under no column header holds {value!r}; it was ignored",
                    int(row),
                    None,
                    "warning",
                )
            )
    return frame.drop(columns=unnamed), warnings


def _read_xlsx(name: str, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    try:
        sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, dtype=object, header=0)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        _fail(name, f"the workbook cannot be opened: {exc}")
    # The Datastore's workbooks hold the data on their largest sheet; cover and
    # notes sheets are short.
    sheet_name, frame = max(sheets.items(), key=lambda kv: len(kv[1]))
    frame = frame.dropna(how="all")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.Index(frame.index + 2, name="row")
    frame = frame.map(_cell_text)
    return _drop_unnamed(f"{name} (sheet {sheet_name!r})", frame)


def _cell_text(value: object) -> object:
    """Excel cells as the text a CSV export would hold; whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | datetime.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _read_parquet(name: str, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError subclasses
        _fail(name, f"the Parquet file cannot be read: {exc}")
    frame.index = pd.Index(range(2, len(frame) + 2), name="row")
    return frame, []


# dBase III (with or without a memo file): the version byte of a shapefile's .dbf.
_DBF_VERSIONS = (0x03, 0x83)
_DBF_HEADER = 32
_DBF_FIELD = 32


def _is_dbf(raw: bytes) -> bool:
    """A dBase III header: version byte, a header of whole 32-byte field descriptors
    ended by 0x0D, and records of the length the header states."""
    if len(raw) < _DBF_HEADER + 1 or raw[0] not in _DBF_VERSIONS:
        return False
    header = int.from_bytes(raw[8:10], "little")
    record = int.from_bytes(raw[10:12], "little")
    fields_part = header - _DBF_HEADER - 1
    return (
        record > 0
        and fields_part > 0
        and fields_part % _DBF_FIELD == 0
        and len(raw) >= header
        and raw[header - 1] == 0x0D
    )


def _read_dbf(name: str, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    """Every field of a dBase III table as text, a row per record (deleted ones skipped).

    Rows are numbered as in a spreadsheet export of the table: the header is row 1,
    record n is row n + 1.
    """
    records = int.from_bytes(raw[4:8], "little")
    header = int.from_bytes(raw[8:10], "little")
    width = int.from_bytes(raw[10:12], "little")
    fields: list[tuple[str, int, int]] = []
    offset = 1  # each record starts with its deletion flag
    for start in range(_DBF_HEADER, header - 1, _DBF_FIELD):
        descriptor = raw[start : start + _DBF_FIELD]
        field_name = descriptor[:11].split(b"\x00", 1)[0].decode("ascii", "replace").strip()
        size = descriptor[16]
        fields.append((field_name, offset, size))
        offset += size
    if offset != width:
        _fail(
            name,
            f"the dBase header gives records of {width} bytes but its fields add up to "
            f"{offset}; the file is damaged",
            row=1,
        )
    expected = header + records * width
    if len(raw) < expected:
        whole = (len(raw) - header) // width
        _fail(
            name,
            f"the dBase header promises {records:,} records but the file holds only "
            f"{whole:,}; the file may be truncated",
            row=whole + 2,
        )
    body: list[list[str]] = []
    numbers: list[int] = []
    for i in range(records):
        start = header + i * width
        record = raw[start : start + width]
        if record[:1] == b"*":
            continue
        cells = []
        for _, at, size in fields:
            cell = record[at : at + size]
            try:
                text = cell.decode("utf-8")
            except UnicodeDecodeError:
                # Shapefiles written by older tools use Latin-1 (their .cpg says so).
                text = cell.decode("latin-1")
            cells.append(text.replace("\x00", "").strip())
        body.append(cells)
        numbers.append(i + 2)
    columns = [f[0] for f in fields]
    frame = pd.DataFrame(body, columns=columns, index=pd.Index(numbers, name="row"), dtype=object)
    return frame, []


def sniff_format(raw: bytes) -> str:
    """The container format, recognised from the content rather than the name."""
    if raw[:4] == b"PAR1":
        return "parquet"
    if raw[:4] == b"PK\x03\x04":
        return "xlsx"
    if _is_dbf(raw):
        return "dbf"
    return "csv"


def open_table(source: Path | str, raw: bytes | None = None, name: str | None = None) -> RawTable:
    """Read a CSV, XLSX or Parquet file into a frame of cells, or raise InputError."""
    path = Path(source)
    name = name or path.name
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            _fail(name, f"the file cannot be read: {exc.strerror}")
    if not raw.strip():
        _fail(name, "the file is empty")
    fmt = sniff_format(raw)
    reader = {"parquet": _read_parquet, "xlsx": _read_xlsx, "csv": _read_csv, "dbf": _read_dbf}[fmt]
    frame, warnings = reader(name, raw)
    if frame.empty:
        _fail(name, "the file has a header but no data rows")
    return RawTable(name=name, frame=frame, format=fmt, problems=warnings)


def normalise_header(column: str) -> str:
    """A header in the snake_case form that Parquet exports use ("MajorText" -> "majortext")."""
    text = column.strip().lstrip("\ufeff").lower()
    return "_".join(text.replace("-", " ").split())
