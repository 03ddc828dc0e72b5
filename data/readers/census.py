"""Reader of ONS Census 2021 table TS007A (age by five-year bands), at local authority
(LTLA) or small-area (LSOA) level, for London only.

These are the denominators of every rate, so a file is checked hard: each band must
be present (found by the ages in its header, not its position, since Nomis and the
ONS bulk files order and word columns differently) and each row's bands must add up
to its total. The ONS files cover England and Wales; LSOA rows carry no borough code,
so London's are found from the borough part of their name ("Camden 001A").
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data import areas
from data.frames import AGE_BANDS, POPULATION_COLUMNS, empty
from data.problems import Problem, ProblemLog, ReadResult
from data.readers.cells import (
    MAX_WHOLE,
    cell_text,
    column_key,
    report_refused,
    str_cells,
    ungroup_thousands,
)
from data.readers.tables import RawTable

KIND = "census_age"
KINDS = (KIND,)
ALL_AGES = "all"

REQUIRED = {"geographycode": "geography code", "geography": "geography"}

_UNDER = re.compile(r"(\d+)\s*years?\s*and\s*under|under\s*(\d+)")
_RANGE = re.compile(r"(\d+)\s*(?:to|-|–)\s*(\d+)")
_OVER = re.compile(r"(\d+)\s*(?:years?\s*)?(?:and\s*over|\+|or\s*over|and\s*older)")
_LSOA_NAME = re.compile(r"^(.*\S)\s+\d{3}[A-Z]$")
_DIGITS = re.compile(r"^[0-9]{1,12}$")  # up to MAX_WHOLE


def _age_text(column: str) -> str | None:
    """The age part of a header ("Age: Aged 5 to 9 years; measures: Value" ->
    "aged 5 to 9 years"), or None if the header is not about age."""
    text = column.strip().lower().split(";")[0].strip()
    if text.startswith("age:"):
        return text[4:].strip()
    if text.startswith("aged ") or text in ("total", "all usual residents"):
        return text
    return None


def age_band(column: str) -> str | None:
    """The AGE_BANDS label, ALL_AGES for the total, or None if the header is not a band.

    Labels that parse to ages outside the five-year bands (e.g. "Aged 7 years") come
    back as the parsed label so the caller can name them.
    """
    text = _age_text(column)
    if text is None:
        return None
    if "total" in text or text == "all usual residents":
        return ALL_AGES
    if match := _UNDER.search(text):
        upper = int(match[1]) if match[1] else int(match[2]) - 1
        return f"0-{upper}"
    if match := _RANGE.search(text):
        return f"{int(match[1])}-{int(match[2])}"
    if match := _OVER.search(text):
        return f"{int(match[1])}+"
    if match := re.search(r"(\d+)", text):
        return match[1]
    return None


def recognise(columns: list[str]) -> str | None:
    keys = {column_key(c) for c in columns}
    if "geographycode" in keys and any(age_band(str(c)) is not None for c in columns):
        return KIND
    return None


def _empty() -> pd.DataFrame:
    frame = empty(POPULATION_COLUMNS)
    frame["value"] = frame["value"].astype("int64")
    return frame


def _problem(table: RawTable, reason: str) -> ReadResult:
    return ReadResult(
        kind=KIND,
        frame=_empty(),
        problems=[Problem(table.name, reason, 1)],
        rows_read=len(table.frame),
    )


def read(table: RawTable, kind: str | None = None) -> ReadResult:
    """Read London's rows of a TS007A file; problems are returned, not raised."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    keys = [column_key(c) for c in columns]
    missing = [official for key, official in REQUIRED.items() if key not in keys]
    if missing:
        return _problem(
            table,
            f"the header row has no {' or '.join(missing)} column; the Census 2021 TS007A "
            "file needs date, geography, geography code and one 'Age: ...' column per band",
        )
    log = ProblemLog(table.name)
    bands = _band_columns(columns, log)
    if bands is None:
        return ReadResult(
            kind=KIND,
            frame=_empty(),
            problems=log.finish(),
            rows_rejected=log.rows_rejected,
            rows_read=len(frame),
        )

    code_column = columns[keys.index("geographycode")]
    name_column = columns[keys.index("geography")]
    code = str_cells(frame[code_column]).str.upper()
    name = str_cells(frame[name_column])
    level = _london_levels(code, name, code_column, name_column, log)
    london = level.notna()
    london &= ~_duplicates(code, london, code_column, log)

    rows = frame.index[london.to_numpy()]
    values = np.zeros((len(rows), len(AGE_BANDS) + 1), dtype="int64")
    ok = np.ones(len(rows), dtype=bool)
    for j, band in enumerate((*AGE_BANDS, ALL_AGES)):
        column = bands[band]
        numbers, good = _whole(frame.loc[rows, column], column, log)
        values[:, j] = numbers
        ok &= good
    summed = values[:, :-1].sum(axis=1)
    mismatch = ok & (summed != values[:, -1])
    for i in np.flatnonzero(mismatch):
        log.error(
            f"the total {values[i, -1]:,} is not the sum of the age bands ({summed[i]:,}) for "
            f"{code.loc[rows[i]]} {name.loc[rows[i]]}; the difference is "
            f"{values[i, -1] - summed[i]:+,}",
            row=int(rows[i]),
            column=bands[ALL_AGES],
            group="total is not the sum of the bands",
        )
    keep = ok & ~mismatch
    kept_rows = rows[keep]
    out = pd.DataFrame(
        values[keep], columns=[*AGE_BANDS, ALL_AGES], index=code.loc[kept_rows].to_numpy()
    )
    long = (
        out.rename_axis("area_code")
        .reset_index()
        .melt(id_vars="area_code", var_name="age_band", value_name="value")
    )
    long["level"] = long["area_code"].map(
        dict(zip(code.loc[kept_rows], level.loc[kept_rows], strict=True))
    )
    long = long[POPULATION_COLUMNS].astype({"value": "int64"})

    total = long[long["age_band"] == ALL_AGES]
    boroughs = total[total["level"] == "borough"]
    lsoas = total[total["level"] == "lsoa"]
    if not boroughs.empty:
        absent = sorted(set(areas.BOROUGHS) - set(boroughs["area_code"]))
        if absent and not log.has_errors:
            log.warning(
                f"the file has {len(boroughs)} of London's 33 boroughs; missing: "
                + ", ".join(f"{areas.BOROUGHS[c]} ({c})" for c in absent),
                column=code_column,
            )
    if long.empty and not log.has_errors:
        log.error(
            "the file has no London rows: no London borough (E09) codes and no LSOA (E01) "
            "whose name starts with a London borough",
            column=code_column,
        )
    dates = (
        sorted(set(str_cells(frame[columns[keys.index("date")]])) - {""}) if "date" in keys else []
    )
    meta: dict[str, object] = {
        "date": ", ".join(dates),
        "boroughs": len(boroughs),
        "lsoas": len(lsoas),
        "london_total": int(boroughs["value"].sum()) if not boroughs.empty else None,
        "london_lsoa_total": int(lsoas["value"].sum()) if not lsoas.empty else None,
        "rows_outside_london": int((~level.notna()).sum()),
    }
    return ReadResult(
        kind=KIND,
        frame=long.sort_values(["level", "area_code"], kind="stable").reset_index(drop=True),
        problems=log.finish(),
        rows_rejected=log.rows_rejected,
        rows_read=len(frame),
        meta=meta,
    )


def _band_columns(columns: list[str], log: ProblemLog) -> dict[str, str] | None:
    """Each band's column, or None after reporting why the bands are unusable."""
    found: dict[str, str] = {}
    for column in columns:
        band = age_band(column)
        if band is None:
            continue
        if band != ALL_AGES and band not in AGE_BANDS:
            log.error(
                f"the column {column!r} is not one of the Census 2021 five-year age bands "
                f"({AGE_BANDS[0]}, {AGE_BANDS[1]}, ..., {AGE_BANDS[-1]}); TS007A is the table "
                "to upload, not single years of age (TS007)",
                row=1,
                column=column,
                group="not a five-year band",
            )
            continue
        if band in found:
            log.error(
                f"the columns {found[band]!r} and {column!r} are both ages {band}",
                row=1,
                column=column,
            )
            continue
        found[band] = column
    absent = [band for band in (*AGE_BANDS, ALL_AGES) if band not in found]
    if absent:
        shown = ", ".join("Total" if b == ALL_AGES else b for b in absent)
        log.error(
            f"the header row has no column for ages {shown}; TS007A has 'Age: Total' and "
            "18 five-year bands from 'Aged 4 years and under' to 'Aged 85 years and over'",
            row=1,
        )
    return None if log.has_errors else found


def _london_levels(
    code: pd.Series, name: pd.Series, code_column: str, name_column: str, log: ProblemLog
) -> pd.Series:
    """'borough' or 'lsoa' for London rows, NaN for the rest of England and Wales."""
    level = pd.Series(np.nan, index=code.index, dtype="object")
    borough = code.str.startswith("E09")
    level[borough & code.isin(areas.BOROUGHS)] = "borough"
    for row in code.index[(borough & ~code.isin(areas.BOROUGHS)).to_numpy()]:
        log.error(
            f"{code.loc[row]!r} is not a London borough code (E09000001 to E09000033)",
            row=int(row),
            column=code_column,
            group="bad borough code",
        )
    for row in code.index[(code == "").to_numpy()]:
        log.error("the geography code is blank", row=int(row), column=code_column, group="blank")
    lsoa = code.str.startswith("E01")
    part = name.str.extract(_LSOA_NAME, expand=False)
    london_names = {p for p in part.dropna().unique() if areas.borough_code(p) is not None}
    in_london = part.isin(london_names)
    level[lsoa & in_london] = "lsoa"
    for row in code.index[(lsoa & part.isna()).to_numpy()]:
        log.error(
            f"the LSOA name {name.loc[row]!r} is not in the ONS form '<local authority> 001A', "
            "so its borough cannot be told",
            row=int(row),
            column=name_column,
            group="bad LSOA name",
        )
    bad_code = (level == "lsoa") & ~code.map(areas.is_lsoa_code).astype(bool)
    for row in code.index[bad_code.to_numpy()]:
        log.error(
            f"{code.loc[row]!r} is not an LSOA code (E01 followed by six digits)",
            row=int(row),
            column=code_column,
            group="bad LSOA code",
        )
    level[bad_code] = np.nan
    return level


def _duplicates(code: pd.Series, london: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    codes = code[london]
    repeated = codes.duplicated(keep="first")
    first = pd.Series(codes.index, index=codes.index).groupby(codes.to_numpy()).transform("first")
    for row in codes.index[repeated.to_numpy()]:
        log.error(
            f"rows {int(first.loc[row])} and {int(row)} are both {codes.loc[row]}; each area may "
            "appear only once",
            row=int(row),
            column=column,
            group="duplicate",
        )
    return repeated.reindex(code.index, fill_value=False)


def _whole(cells: pd.Series, column: str, log: ProblemLog) -> tuple[np.ndarray, np.ndarray]:
    """Residents as whole numbers (0 where refused) and which cells were accepted."""
    if pd.api.types.is_numeric_dtype(cells.dtype) and not pd.api.types.is_bool_dtype(cells.dtype):
        numbers = cells.astype("float64")
        good = numbers.notna() & (numbers >= 0) & (numbers % 1 == 0) & (numbers <= MAX_WHOLE)
    else:
        text = ungroup_thousands(str_cells(cells))
        good = text.str.fullmatch(_DIGITS.pattern).astype(bool)
        numbers = pd.to_numeric(text.where(good, "0"), errors="coerce")
    report_refused(
        cells,
        ~good,
        column,
        log,
        "the number of residents is {shown}; it must be a whole number, 0 or more "
        f"(and under {MAX_WHOLE:,})",
        "bad number",
        shown=_shown_number,
    )
    return numbers.where(good, 0).astype("int64").to_numpy(), good.to_numpy()


def _shown_number(value: object) -> str:
    text = cell_text(value)
    return "blank" if text == "" else repr(text)
