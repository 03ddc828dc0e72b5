"""Opening tabular files in the formats the publishers use: CSV, XLSX, Parquet and
dBase (the attribute table of an ONS boundary shapefile, which is itself a lookup),
any of them gzip-compressed (OS Code-Point Open's London extract is a .csv.gz).

Every reader starts here, so that encoding, separator and truncation problems are
caught in one place and reported with the file name. Cells come back as strings
(Parquet keeps its types), so each reader decides how to parse its own columns.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data.problems import InputError, Problem

TEXT_ENCODINGS = ("utf-8-sig",)
# No supported layout comes near this many columns (the widest, the historical ward
# file, has 172: one per month); a file with more is not one of them.
MAX_COLUMNS = 2_000
# A cell longer than the csv module's limit (131,072 characters) is refused: no
# supported file has one, and an unbalanced quote makes the rest of a file one cell.
CSV_FIELD_LIMIT = csv.field_size_limit()
# An XLSX file is a zip of XML. The MPS and ONS workbooks expand about 10 to 13 times
# (a 10 MB workbook is 120 MB of XML); a "zip bomb" expands hundreds of times and would
# take minutes of CPU to parse. Checked from the zip's directory, before any parsing.
XLSX_MAX_RATIO = 50  # expanded / compressed size of any member over 1 MB expanded
XLSX_MAX_EXPANDED_BYTES = 1024**3  # all members together
XLSX_MAX_MEMBERS = 10_000
# A gzip file is refused unread beyond these: real CSVs compress 5 to 15 times (the
# Code-Point Open extract 10.6 times), a "gzip bomb" a thousand times.
GZIP_MAX_RATIO = 50  # expanded / compressed size, once over 1 MB expanded
GZIP_MAX_EXPANDED_BYTES = 512 * 1024**2
# Parquet column types a table of cells can hold; lists, maps and records cannot.
_PARQUET_SCALARS = (
    pa.types.is_string, pa.types.is_large_string, pa.types.is_binary,
    pa.types.is_large_binary, pa.types.is_integer, pa.types.is_floating,
    pa.types.is_boolean, pa.types.is_date, pa.types.is_timestamp, pa.types.is_null,
    pa.types.is_decimal,
)  # fmt: skip


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


def _too_wide(name: str, width: int) -> None:
    if width > MAX_COLUMNS:
        _fail(
            name,
            f"the header row has {width:,} columns; no supported format has more than "
            f"{MAX_COLUMNS:,}, so this is not one of them",
            row=1,
        )


def _long_field(text: str, sep: str, limit: int) -> int:
    """The position (from 0) of the first field of a CSV record longer than `limit`."""
    field_no, length, quoted, i = 0, 0, False, 0
    while i < len(text):
        char = text[i]
        if char == '"':
            if quoted and text[i + 1 : i + 2] == '"':
                length += 1
                i += 1
            else:
                quoted = not quoted
        elif char == sep and not quoted:
            field_no, length = field_no + 1, 0
        else:
            length += 1
            if length > limit:
                return field_no
        i += 1
    return field_no


def _csv_rows(name: str, text: str, sep: str) -> list[list[str]]:
    """Every record of a CSV file; a cell over the csv module's limit is refused with
    its row and column."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(iter(lines), delimiter=sep)
    rows: list[list[str]] = []
    consumed = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            record = "".join(lines[consumed : reader.line_num])
            column = None
            if rows and "field larger than field limit" in str(exc):
                position = _long_field(record, sep, CSV_FIELD_LIMIT)
                header = rows[0]
                column = header[position].strip() if position < len(header) else None
            row_no = len(rows) + 1
            reason = (
                f"a cell holds more than {CSV_FIELD_LIMIT:,} characters, far more than any "
                "supported file has; check that this is the right file and that every "
                'quote mark (") that opens a cell also closes it'
                if "field larger" in str(exc)
                else f"the row cannot be read as CSV ({exc})"
            )
            _fail(name, reason, row=row_no, column=column)
        if not rows:
            _too_wide(name, len(row))
        rows.append(row)
        consumed = reader.line_num


def _read_csv(name: str, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    text = _decode(name, raw)
    if not text.strip():
        _fail(name, "the file is empty")
    first_line = text.splitlines()[0]
    sep = _separator(name, first_line)
    rows = _csv_rows(name, text, sep)
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


def _check_zip(name: str, raw: bytes) -> None:
    """Refuse a workbook that would expand to far more than any real one, before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        # (NotImplementedError: a damaged header claiming a zip version nobody writes.)
        _fail(name, f"the workbook cannot be opened: it is not a whole XLSX file ({exc})")
    if len(members) > XLSX_MAX_MEMBERS:
        _fail(name, f"the workbook holds {len(members):,} parts; a real one holds a few dozen")
    expanded = sum(m.file_size for m in members)
    if expanded > XLSX_MAX_EXPANDED_BYTES:
        _fail(
            name,
            f"the workbook would expand to {expanded / 2**20:,.0f} MB of XML, more than the "
            f"{XLSX_MAX_EXPANDED_BYTES / 2**20:,.0f} MB allowed; upload it as CSV, or in parts",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2**20 and ratio > XLSX_MAX_RATIO:
            _fail(
                name,
                f"the workbook part {member.filename!r} would expand {ratio:,.0f} times "
                f"(to {member.file_size / 2**20:,.0f} MB); real workbooks expand about 10 "
                f"to 15 times and never more than {XLSX_MAX_RATIO}, so it is refused unread",
            )


def _read_xlsx(name: str, raw: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    _check_zip(name, raw)
    try:
        sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, dtype=object, header=0)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        _fail(name, f"the workbook cannot be opened: {exc}")
    # The Datastore's workbooks hold the data on their largest sheet; cover and
    # notes sheets are short.
    if not sheets:
        _fail(name, "the workbook has no sheets")
    sheet_name, frame = max(sheets.items(), key=lambda kv: len(kv[1]))
    _too_wide(name, len(frame.columns))
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
        table = pq.read_table(io.BytesIO(raw))
        table.column_names  # noqa: B018 - decoded here: a damaged schema fails now
    except UnicodeDecodeError:
        _fail(name, "the Parquet file cannot be read: its column names are not UTF-8 text",
              row=1)  # fmt: skip
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError subclasses
        _fail(name, f"the Parquet file cannot be read: {exc}")
    _too_wide(name, table.num_columns)
    table = _parquet_text(name, table)
    try:
        frame = table.to_pandas()
    except Exception as exc:  # pyarrow raises ArrowInvalid and ArrowNotImplementedError
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


def _parquet_text(name: str, table: pa.Table) -> pa.Table:
    """The table with every text column checked to be UTF-8 (and bytes columns read as
    text); a column of lists or records, or a cell that is not UTF-8, is refused with
    its row (the header is row 1) and column."""
    problems: list[Problem] = []
    columns = []
    for column_name, column in zip(table.column_names, table.columns, strict=True):
        kind, values = column.type, column
        if pa.types.is_dictionary(kind):
            kind, values = kind.value_type, column.cast(kind.value_type)
        if not any(check(kind) for check in _PARQUET_SCALARS):
            problems.append(Problem(name, f"the column holds {kind} values, not single "
                                          "values in cells", 1, column_name))  # fmt: skip
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            try:
                values.validate(full=True)
            except pa.ArrowInvalid:
                problems += _not_utf8(name, column_name, values.cast(pa.large_binary()))
        elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            bad = _not_utf8(name, column_name, values)
            problems += bad
            if not bad:
                column = values.cast(pa.large_string())
        columns.append(column)
    if problems:
        raise InputError(problems)
    return pa.Table.from_arrays(columns, names=table.column_names,
                                metadata=table.schema.metadata)  # fmt: skip


def _not_utf8(name: str, column_name: str, column: pa.ChunkedArray, shown: int = 5) -> list:
    problems = []
    for row, value in enumerate(column.to_pylist(), start=2):
        if value is None:
            continue
        try:
            value.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(
                name,
                f"the cell is not UTF-8 text (byte 0x{value[exc.start]:02x} at position "
                f"{exc.start} cannot be decoded); export the file again as UTF-8",
                row, column_name,
            ))  # fmt: skip
            if len(problems) >= shown:
                break
    return problems


GZIP_MAGIC = b"\x1f\x8b"


def _gunzip(name: str, raw: bytes) -> bytes:
    """The content of a gzip file, read in pieces and refused as soon as it expands
    beyond what any real file does."""
    limit = min(GZIP_MAX_EXPANDED_BYTES, max(2**20, len(raw) * GZIP_MAX_RATIO))
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as packed:
            while chunk := packed.read(2**20):
                out.write(chunk)
                if out.tell() > limit:
                    _fail(
                        name,
                        f"the gzip file expands to more than {limit / 2**20:,.0f} MB (over "
                        f"{limit / len(raw):,.0f} times its size); real data files expand "
                        f"far less, so it is refused unread",
                    )
    except (OSError, EOFError, zlib.error) as exc:
        _fail(name, f"the gzip file cannot be opened: it is damaged or incomplete ({exc})")
    return out.getvalue()


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
    if raw[:2] == GZIP_MAGIC:
        raw = _gunzip(name, raw)
        if not raw.strip():
            _fail(name, "the file is empty (an empty gzip file)")
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
