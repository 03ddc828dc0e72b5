"""Readers of the Census 2021 place-of-work counts (ODWP01EW) behind the workday
population, and of the MSOA names file that comes with them.

The ONS publishes ODWP01EW (location of usual residence and place of work) as
origin-destination pairs; its census origin-destination map aggregates them to one
row per area: `origin`, the employed usual residents aged 16+ who live there, and
`destination`, the workplace population who work there (people who work at or from
home count at home in both). With the area's residents these give the ONS workday
population, residents - origin + destination (data.workday).

One layout serves local authorities and MSOAs; each row's level comes from its code
(E09 a London borough, E02 an MSOA), so the national files can be uploaded as they
are: local authorities outside London are set aside and counted, MSOAs are kept and
matched to London's through the LSOA-to-MSOA lookup when the version is built.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data import areas
from data.frames import MSOA_NAME_COLUMNS, WORKPLACE_COLUMNS, empty
from data.problems import Problem, ProblemLog, ReadResult
from data.readers.cells import column_key, str_cells, whole_counts
from data.readers.tables import RawTable

KIND = "workday"
NAMES_KIND = "msoa_names"
KINDS = (KIND, NAMES_KIND)

# Header key -> the official header, for the counts file and the names file.
COUNT_HEADERS = {"areacd": "areacd", "origin": "origin", "destination": "destination"}
NAME_HEADERS = {"areacd": "areacd", "areanm": "areanm", "parentcd": "parentcd"}
# Columns of the counts file that are checked against `origin` and `destination` when
# present: people living and working in the same area are among both.
NOMOVE = "nomove"

_MSOA_CODE = re.compile(r"^E02\d{6}$")
# Any local authority code of England and Wales (unitary, district, metropolitan,
# London borough, Welsh): rows of those outside London are set aside, not refused.
_LAD_CODE = re.compile(r"^(E06|E07|E08|E09|W06)\d{6}$")


def recognise(columns: list[str]) -> str | None:
    keys = {column_key(c) for c in columns}
    if set(COUNT_HEADERS) <= keys:
        return KIND
    if set(NAME_HEADERS) <= keys:
        return NAMES_KIND
    return None


def missing_headers(columns: list[str]) -> tuple[str, list[str], int]:
    """What a file needs to be the place-of-work counts, for 'closest to' messages."""
    keys = {column_key(c) for c in columns}
    have = [h for k, h in COUNT_HEADERS.items() if k in keys]
    missing = [h for k, h in COUNT_HEADERS.items() if k not in keys]
    return "ONS Census 2021 place of work counts (ODWP01EW)", missing, len(have)


def is_msoa_code(code: object) -> bool:
    return isinstance(code, str) and bool(_MSOA_CODE.match(code))


def read(table: RawTable, kind: str | None = None) -> ReadResult:
    if kind == NAMES_KIND:
        return read_names(table)
    return read_counts(table)


def _column(columns: list[str], key: str) -> str:
    keys = [column_key(c) for c in columns]
    return columns[keys.index(key)]


def read_counts(table: RawTable) -> ReadResult:
    """London boroughs' and every MSOA's employed residents and workplace population."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    log = ProblemLog(table.name)
    code_column = _column(columns, "areacd")
    code = str_cells(frame[code_column]).str.upper()

    level = pd.Series(np.nan, index=frame.index, dtype="object")
    level[code.isin(areas.BOROUGHS)] = "borough"
    level[code.map(is_msoa_code).astype(bool)] = "msoa"
    outside = level.isna() & code.str.match(_LAD_CODE.pattern)
    bad = level.isna() & ~outside
    for row in frame.index[bad.to_numpy()]:
        value = code.loc[row]
        log.error(
            "the area code is blank"
            if value == ""
            else f"{value!r} is not a local authority (E06, E07, E08, E09 or W06) or an MSOA "
            "(E02) code",
            row=int(row),
            column=code_column,
            group="bad area code",
        )

    kept = level.notna()
    first = pd.Series(frame.index, index=frame.index)[kept].groupby(code[kept]).transform("first")
    repeated = kept & code.duplicated(keep="first")
    for row in frame.index[repeated.to_numpy()]:
        log.error(
            f"rows {int(first.loc[row])} and {int(row)} are both {code.loc[row]}; each area may "
            "appear only once",
            row=int(row),
            column=code_column,
            group="duplicate",
        )
    kept &= ~repeated

    numbers: dict[str, pd.Series] = {}
    ok = kept.copy()
    wanted = {"origin": _column(columns, "origin"), "destination": _column(columns, "destination")}
    if NOMOVE in {column_key(c) for c in columns}:
        wanted[NOMOVE] = _column(columns, NOMOVE)
    for key, column in wanted.items():
        values, reasons = whole_counts(frame[column])
        numbers[key] = values
        for row, reason in reasons.items():
            if kept.loc[row]:
                log.error(
                    reason.replace("where there were no offences", "where there were none"),
                    row=int(row),
                    column=column,
                    group=f"bad {key}",
                )
                ok.loc[row] = False
    if NOMOVE in numbers:
        for key in ("origin", "destination"):
            over = ok & (numbers[NOMOVE] > numbers[key])
            for row in frame.index[over.to_numpy()]:
                log.error(
                    f"{int(numbers[NOMOVE].loc[row]):,} people live and work in "
                    f"{code.loc[row]} (nomove) but only {int(numbers[key].loc[row]):,} are "
                    f"{_WHAT[key]}; those who live and work there are among both",
                    row=int(row),
                    column=wanted[NOMOVE],
                    group=f"nomove over {key}",
                )
                ok.loc[row] = False

    out = pd.DataFrame(
        {
            "area_code": code[ok],
            "level": level[ok],
            "employed_residents": numbers["origin"][ok],
            "workplace": numbers["destination"][ok],
        }
    )[WORKPLACE_COLUMNS].reset_index(drop=True)
    boroughs = out[out["level"] == "borough"]
    if not boroughs.empty and not log.has_errors:
        absent = sorted(set(areas.BOROUGHS) - set(boroughs["area_code"]))
        if absent:
            log.warning(
                f"the file has {len(boroughs)} of London's 33 boroughs; missing: "
                + ", ".join(f"{areas.BOROUGHS[c]} ({c})" for c in absent),
                column=code_column,
            )
    if out.empty and not log.has_errors:
        log.error(
            "the file has no London borough (E09) and no MSOA (E02) rows",
            column=code_column,
        )
    meta: dict[str, object] = {
        "boroughs": len(boroughs),
        "msoas": int((out["level"] == "msoa").sum()),
        "rows_outside_london": int(outside.sum()),
    }
    return ReadResult(
        kind=KIND,
        frame=out,
        problems=log.finish(),
        rows_read=len(frame),
        rows_rejected=log.rows_rejected,
        meta=meta,
        area_rows={str(c): int(r) for r, c in code[ok].items()},
        area_column=code_column,
    )


_WHAT = {
    "origin": "employed residents (origin)",
    "destination": "workplace population (destination)",
    NOMOVE: "people living and working in the area (nomove)",
}


def read_names(table: RawTable) -> ReadResult:
    """London's MSOAs with their names and boroughs (rows of other areas set aside)."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    log = ProblemLog(table.name)
    code_column = _column(columns, "areacd")
    name_column = _column(columns, "areanm")
    parent_column = _column(columns, "parentcd")
    code = str_cells(frame[code_column]).str.upper()
    name = str_cells(frame[name_column])
    parent = str_cells(frame[parent_column]).str.upper()
    london = parent.isin(areas.BOROUGHS)
    bad = london & ~code.map(is_msoa_code).astype(bool)
    for row in frame.index[bad.to_numpy()]:
        value = code.loc[row]
        log.error(
            "the MSOA code is blank"
            if value == ""
            else f"{value!r} is not an MSOA code (E02 and six digits)",
            row=int(row),
            column=code_column,
            group="bad MSOA code",
        )
    ok = london & ~bad
    blank = ok & (name == "")
    for row in frame.index[blank.to_numpy()]:
        log.error(
            f"the name of MSOA {code.loc[row]} is blank", row=int(row), column=name_column,
            group="blank name",
        )  # fmt: skip
    ok &= ~blank
    repeated = ok & code.duplicated(keep="first")
    for row in frame.index[repeated.to_numpy()]:
        log.error(
            f"MSOA {code.loc[row]} is listed twice", row=int(row), column=code_column,
            group="duplicate",
        )  # fmt: skip
    ok &= ~repeated
    out = pd.DataFrame({"msoa_code": code[ok], "msoa_name": name[ok], "borough_code": parent[ok]})[
        MSOA_NAME_COLUMNS
    ].reset_index(drop=True)
    problems = log.finish()
    if out.empty and not log.has_errors:
        problems.append(
            Problem(
                table.name,
                "the file names no MSOA in a London borough (parentcd E09000001 to E09000033)",
                None,
                parent_column,
            )
        )
    return ReadResult(
        kind=NAMES_KIND,
        frame=out if not out.empty else empty(MSOA_NAME_COLUMNS),
        problems=problems,
        rows_read=len(frame),
        rows_rejected=log.rows_rejected,
        meta={"msoas": len(out), "rows_outside_london": int((~london).sum())},
    )
