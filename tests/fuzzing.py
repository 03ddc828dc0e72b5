"""Mutation fuzzing of uploaded files: real files in every supported layout, broken the
ways real files break and the ways an attacker would break them, each read as an upload
is and sorted by what happened.

Used by bench/fuzz_uploads.py (10,000 cases and more) and, with a fixed seed and a few
hundred cases, by tests/unit/data/test_fuzz_uploads.py.
"""

from __future__ import annotations

import io
import random
import signal
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data.readers import INTERNAL_ERROR, SourceFile, read_source
from tests import official

# What a case can end as. "crash" (an exception out of read_source), "internal" (a
# reader fault caught and refused) and "hang" are failures; the others are answers.
OUTCOMES = ("accepted", "refused", "internal", "crash", "hang")
HANG_SECONDS = 60


@dataclass
class Seed:
    name: str
    content: bytes


def seeds(raw_dir: Path, rows: int = 60) -> list[Seed]:
    """Small real files in every layout the readers take, as staff receive them."""
    out = []
    knife = official.dashboard_frame(raw_dir, only="2026-02").head(rows)
    out.append(Seed("knife.csv", official.to_csv(knife)))
    out.append(Seed("knife.xlsx", official.to_xlsx(knife)))
    buf = io.BytesIO()
    pd.read_parquet(raw_dir / official.KNIFE).head(rows).to_parquet(buf, index=False)
    out.append(Seed("knife.parquet", buf.getvalue()))
    out.append(Seed("ward.csv", official.ward_frame(raw_dir).head(rows).to_csv(index=False)
                    .encode()))  # fmt: skip
    for path in (
        "mps_recorded_crime/recorded-crime-borough.parquet",
        "mps_recorded_crime/recorded-crime-lsoa.parquet",
    ):
        buf = io.BytesIO()
        pd.read_parquet(raw_dir / path).head(rows).to_parquet(buf, index=False)
        out.append(Seed(Path(path).name, buf.getvalue()))
    for path in ("mps_homicide/Homicides_2003_2023.csv", "mopac_pas/PAS_Total.csv"):
        lines = (raw_dir / path).read_bytes().splitlines(keepends=True)
        out.append(Seed(Path(path).name, b"".join(lines[: rows + 1])))
    lines = (raw_dir / official.CENSUS).read_bytes().splitlines(keepends=True)
    london = [line for line in lines[1:] if b",E09" in line]
    out.append(Seed("census.csv", b"".join([lines[0], *london])))
    return out


# -- mutations: each takes (rng, seed) and returns (name, bytes, what it did) -------


def _csv_rows(content: bytes) -> list[list[str]] | None:
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    except Exception:
        return None
    return [list(frame.columns), *frame.to_numpy().tolist()]


def _write_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(buf, index=False)
    return buf.getvalue().encode()


def flip_bytes(rng, seed):
    data = bytearray(seed.content)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return seed.name, bytes(data), "bytes flipped"


def truncate(rng, seed):
    return seed.name, seed.content[: rng.randrange(1, len(seed.content))], "truncated"


def insert_garbage(rng, seed):
    at = rng.randrange(len(seed.content))
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    return seed.name, seed.content[:at] + junk + seed.content[at:], "garbage inserted"


def shuffle_columns(rng, seed):
    rows = _csv_rows(seed.content) if seed.name.endswith(".csv") else None
    if rows is None:
        return flip_bytes(rng, seed)
    order = list(range(len(rows[0])))
    rng.shuffle(order)
    return seed.name, _write_csv([[r[i] for i in order] for r in rows]), "columns shuffled"


def rename_column(rng, seed):
    rows = _csv_rows(seed.content) if seed.name.endswith(".csv") else None
    if rows is None:
        return truncate(rng, seed)
    i = rng.randrange(len(rows[0]))
    rows[0][i] = rng.choice(["", "Count ", rows[0][i].upper(), rows[0][i] + "_x", "Unnamed"])
    return seed.name, _write_csv(rows), "column renamed"


def drop_column(rng, seed):
    rows = _csv_rows(seed.content) if seed.name.endswith(".csv") else None
    if rows is None or len(rows[0]) < 2:
        return truncate(rng, seed)
    i = rng.randrange(len(rows[0]))
    return seed.name, _write_csv([r[:i] + r[i + 1 :] for r in rows]), "column dropped"


ODD_CELLS = [
    "", " ", "-1", "1.5", "1e308", "NaN", "nan", "inf", "-inf", "Infinity", "9" * 400,
    "10" + "0" * 30, "0x1F", "1,234", "١٢٣", "\x00", "=HYPERLINK(\"https://e.x\")",
    "<script>alert(1)</script>", "**bold** [link](https://e.x)", "line\nbreak",
    "'quoted'", "\"", "2026-13-01", "31/02/2026", "E09999999", "E05000000", "x" * 5000,
]  # fmt: skip


def odd_cell(rng, seed):
    rows = _csv_rows(seed.content) if seed.name.endswith(".csv") else None
    if rows is None or len(rows) < 2:
        return insert_garbage(rng, seed)
    for _ in range(rng.randint(1, 5)):
        r, c = rng.randrange(1, len(rows)), rng.randrange(len(rows[0]))
        rows[r][c] = rng.choice(ODD_CELLS)
    return seed.name, _write_csv(rows), "odd cells"


def duplicate_rows(rng, seed):
    rows = _csv_rows(seed.content) if seed.name.endswith(".csv") else None
    if rows is None or len(rows) < 2:
        return flip_bytes(rng, seed)
    extra = [list(rows[rng.randrange(1, len(rows))]) for _ in range(rng.randint(1, 10))]
    return seed.name, _write_csv(rows + extra), "rows repeated"


def reencode(rng, seed):
    if not seed.name.endswith(".csv"):
        return truncate(rng, seed)
    text = seed.content.decode("utf-8", errors="replace")
    how = rng.choice(["bom", "crlf", "utf-16", "latin-1", "cr", "tabs", "semicolons"])
    if how == "bom":
        data = b"\xef\xbb\xbf" + seed.content
    elif how == "crlf":
        data = text.replace("\n", "\r\n").encode()
    elif how == "cr":
        data = text.replace("\n", "\r").encode()
    elif how == "utf-16":
        data = text.encode("utf-16")
    elif how == "latin-1":
        data = (text + "Caf\xe9,\n").encode("latin-1", errors="replace")
    elif how == "tabs":
        data = text.replace(",", "\t").encode()
    else:
        data = text.replace(",", ";").encode()
    return seed.name, data, f"re-encoded ({how})"


def wrong_type(rng, seed):
    kind = rng.choice(["png", "zip", "pdf", "empty", "header only", "html"])
    data = {
        "png": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(300)),
        "zip": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(300)),
        "pdf": b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(300)),
        "empty": b"",
        "header only": seed.content.split(b"\n", 1)[0] + b"\n",
        "html": b"<html><body><table><tr><td>1</td></tr></table></body></html>",
    }[kind]
    return rng.choice([seed.name, "renamed.csv", "renamed.xlsx"]), data, f"not a table ({kind})"


def huge(rng, seed):
    kind = rng.choice(["long cell", "many columns", "bomb"])
    if kind == "long cell":
        rows = _csv_rows(seed.content) if seed.name.endswith(".csv") else None
        if rows is None or len(rows) < 2:
            rows = [["a", "b"], ["1", "2"]]
        rows[1][0] = "x" * rng.choice([131_073, 200_000, 1_000_000])
        return "long.csv", _write_csv(rows), "cell over the csv limit"
    if kind == "many columns":
        n = rng.choice([2_001, 50_000, 1_000_000])
        return "wide.csv", (",".join(f"c{i}" for i in range(n)) + "\n1\n").encode(), f"{n} columns"
    return "bomb.xlsx", xlsx_bomb(), "decompression bomb"


def bad_parquet_text(rng, seed):
    frame = {"month_year": ["2026-02-01"] * 2, "area_name": ["Lambeth", "Lambeth"]}
    bad = pa.array([b"ok", bytes([0xC0 + rng.randrange(64), 0x20])], type=pa.binary())
    table = pa.table(frame).append_column("borough_snt", rng.choice([bad, bad.view(pa.string())]))
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return "bad-utf8.parquet", buf.getvalue(), "Parquet text not UTF-8"


_BOMB: list[bytes] = []


def xlsx_bomb(expanded_mb: int = 64) -> bytes:
    """A real small workbook whose sheet expands to `expanded_mb` MB (made once)."""
    if _BOMB:
        return _BOMB[0]
    genuine = official.to_xlsx(pd.DataFrame([["1"]], columns=["a"]))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(genuine)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            if item.filename.endswith("sheet1.xml"):
                row = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>"
                body = row * (expanded_mb * 2**20 // len(row))
                dst.writestr(item.filename, b"<worksheet><sheetData>" + body
                             + b"</sheetData></worksheet>", compresslevel=1)  # fmt: skip
            else:
                dst.writestr(item, src.read(item.filename))
    _BOMB.append(out.getvalue())
    return _BOMB[0]


MUTATIONS: list[tuple[Callable, int]] = [
    (flip_bytes, 20), (truncate, 12), (insert_garbage, 8), (shuffle_columns, 8),
    (rename_column, 8), (drop_column, 6), (odd_cell, 16), (duplicate_rows, 5),
    (reencode, 8), (wrong_type, 4), (huge, 2), (bad_parquet_text, 2),
]  # fmt: skip


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    by_mutation: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def add(self, mutation: str, outcome: str, seconds: float, what: str) -> None:
        self.counts[outcome] += 1
        self.by_mutation.setdefault(mutation, dict.fromkeys(OUTCOMES, 0))[outcome] += 1
        if outcome in ("internal", "crash", "hang"):
            self.failures.append(f"{outcome}: {what}")
        if seconds > self.slowest[0]:
            self.slowest = (seconds, what)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class _HangError(Exception):
    pass


def _alarm(_signum, _frame):
    raise _HangError


def read_case(name: str, content: bytes) -> tuple[str, float, str]:
    """Read one file as an upload is read: (outcome, seconds, detail)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    started = time.perf_counter()
    try:
        result = read_source(SourceFile(name, content))
    except _HangError:
        return "hang", time.perf_counter() - started, ""
    except Exception as exc:
        return "crash", time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:300]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - started
    if any(INTERNAL_ERROR in p.reason for p in result.problems):
        return "internal", seconds, "; ".join(p.reason for p in result.problems)[:300]
    if result.errors or result.kind == "unrecognised":
        missing = [p for p in result.errors if not p.file or not p.reason]
        if missing or not result.problems:
            return "crash", seconds, "refused without a file or reason"
        return "refused", seconds, ""
    return "accepted", seconds, ""


def cases(rng: random.Random, pool: list[Seed], n: int):
    """`n` mutated files: (mutation name, file name, bytes, description)."""
    functions = [f for f, _ in MUTATIONS]
    weights = [w for _, w in MUTATIONS]
    for i in range(n):
        seed = pool[i % len(pool)]
        mutate = rng.choices(functions, weights)[0]
        name, content, what = mutate(rng, seed)
        if rng.random() < 0.15 and len(content) > 2:  # a second mutation on top
            name, content, more = rng.choices(functions, weights)[0](rng, Seed(name, content))
            what = f"{what}, {more}"
        yield mutate.__name__, name, content, f"{seed.name}: {what}"


def run(raw_dir: Path, n: int, seed: int = 0, rows: int = 60) -> Tally:
    rng = random.Random(seed)
    tally = Tally()
    for mutation, name, content, what in cases(rng, seeds(raw_dir, rows), n):
        outcome, seconds, detail = read_case(name, content)
        tally.add(mutation, outcome, seconds, f"{what} {detail}".strip())
    return tally
