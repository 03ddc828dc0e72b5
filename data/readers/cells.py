"""What the readers share about headers and cells: header keys, cells as text, whole
counts, the reports of cells that cannot be read, and the month checks.

Only logic that is the same wherever it is used lives here. What a reader says (its
wording) and what it accepts (its date forms, its number forms) stay in the reader
and are passed in.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from data.frames import counts_frame, coverage_frame
from data.problems import Problem, ProblemLog, ReadResult
from data.readers.tables import RawTable, normalise_header

_THOUSANDS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
# No count or population in these files comes near this; every whole number up to it
# is exact in a float (2**53 is about 9e15), so nothing larger is silently rounded or
# wrapped round to a negative.
MAX_WHOLE = 10**12


def column_key(column: object) -> str:
    """A header compared case-insensitively, ignoring spaces, hyphens and underscores."""
    return normalise_header(str(column)).replace("_", "")


def cell_text(value: object) -> str:
    """One cell as stripped text: "" for None or NaN, otherwise `str(value)`."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def str_cells(cells: pd.Series) -> pd.Series:
    """`cell_text` of every cell.

    Unlike `text_cells`, only None and NaN count as blank (a NaT shows as "NaT") and a
    date keeps its time ("2021-03-21 00:00:00").
    """
    return cells.map(cell_text)


def text_cells(cells: pd.Series) -> pd.Series:
    """Cells as stripped text, with "" for a missing cell (None, NaN, NaT or NA)."""
    return cells.astype("str").fillna("").str.strip()


def shown_cell(value: object) -> str:
    """A refused cell as a message names it: "blank", or its stripped text quoted."""
    if value is None or str(value).strip() == "":
        return "blank"
    return repr(str(value).strip())


def ungroup_thousands(text: pd.Series) -> pd.Series:
    """Text with the commas of a grouped number taken out ("12,345" -> "12345")."""
    grouped = text.str.fullmatch(_THOUSANDS.pattern)
    if not grouped.any():
        return text
    return text.where(~grouped, text.str.replace(",", "", regex=False))


def whole_counts(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells as non-negative whole numbers, and the reason each bad cell was refused.

    Returns (values, reasons): values is int64 with 0 in bad cells; reasons holds one
    message per bad cell, indexed like `cells` (so by spreadsheet row).
    """
    if pd.api.types.is_numeric_dtype(cells.dtype) and not pd.api.types.is_bool_dtype(cells.dtype):
        numbers = cells.astype("float64")
        blank = numbers.isna()
        shown = cells.astype("str")
        # Infinities are not counts: treat them like any other non-number.
        numbers = numbers.where(np.isfinite(numbers.fillna(0)), np.nan)
        blank = blank & cells.isna()
    else:
        text = ungroup_thousands(text_cells(cells))
        blank = text == ""
        # Digits only: to_numeric would also take "1e3", "inf" or "0x10".
        plain = text.str.fullmatch(_PLAIN_NUMBER.pattern)
        numbers = pd.to_numeric(text.where(plain, None), errors="coerce").astype("float64")
        shown = text_cells(cells)
    not_number = numbers.isna() & ~blank
    with np.errstate(invalid="ignore"):
        fraction = (numbers % 1).fillna(0) != 0
    negative = numbers < 0
    too_big = numbers > MAX_WHOLE
    bad = blank | not_number | fraction | negative | too_big
    values = numbers.where(~bad, 0).fillna(0).astype("int64")
    if not bad.any():
        return values, pd.Series([], index=cells.index[:0], dtype="object")
    reasons = {}
    for row in cells.index[bad.to_numpy()]:
        value = shown.loc[row]
        if blank.loc[row]:
            reasons[row] = "the count is blank; write 0 where there were no offences"
        elif not_number.loc[row]:
            reasons[row] = f"the count {value!r} is not a number"
        elif negative.loc[row]:
            reasons[row] = f"the count {value} is negative; counts cannot be below zero"
        elif too_big.loc[row]:
            reasons[row] = (
                f"the count {value[:30]}{'...' if len(value) > 30 else ''} is too large: no "
                f"count comes near {MAX_WHOLE:,}"
            )
        else:
            reasons[row] = f"the count {value} is not a whole number"
    return values, pd.Series(reasons, dtype="object")


def report_refused(
    cells: pd.Series,
    refused: pd.Series | np.ndarray,
    column: str,
    log: ProblemLog,
    reason: str,
    group: str,
    shown: Callable[[object], str] = shown_cell,
) -> None:
    """An error for each refused cell; `reason` names the cell where it says {shown}."""
    for row in cells.index[np.asarray(refused)]:
        log.error(
            reason.format(shown=shown(cells.loc[row])), row=int(row), column=column, group=group
        )


def month_label(month: pd.Timestamp) -> str:
    return month.strftime("%Y-%m")


def check_months(
    month: pd.Series,
    cells: pd.Series,
    column: str,
    log: ProblemLog,
    today: datetime.date,
    *,
    unreadable: str,
    future: str,
    groups: tuple[str, str],
    shown: Callable[[object], str] = shown_cell,
) -> pd.Series:
    """Report the cells no month was read from and the months after the current one.

    `month` holds the month read from each of `cells` (NaT where none was). `unreadable`
    is the reason for a cell with no month, naming it where it says {shown}; `future`
    the reason for a later month, with {month} and {current}; `groups` their groups.
    Returns `month` without the future months.
    """
    this_month = pd.Timestamp(today.year, today.month, 1)
    report_refused(cells, month.isna(), column, log, unreadable, groups[0], shown)
    later = month > this_month
    for row in cells.index[later.to_numpy()]:
        log.error(
            future.format(month=month_label(month.loc[row]), current=month_label(this_month)),
            row=int(row),
            column=column,
            group=groups[1],
        )
    return month.where(~later)


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def counts_refused(table: RawTable, kind: str, reason: str) -> ReadResult:
    """A monthly-count file refused as a whole: no counts, no coverage, one problem."""
    return ReadResult(
        kind=kind,
        frame=counts_frame(pd.DataFrame()),
        problems=[Problem(table.name, reason, 1)],
        rows_read=len(table.frame),
        coverage=coverage_frame([]),
    )
