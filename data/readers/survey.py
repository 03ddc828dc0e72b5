"""Reader of MOPAC Public Attitude Survey sheets: one row per quarter, area and measure.

The London Datastore workbook reaches us as CSV re-exports of its sheets, written with
European settings: decimal commas ("0,56"), semicolons in some files, and day-first
dates without leading zeros ("30/6/2015"). The borough sheet repeats London's figure
in an `MPS` column on every row; London rows are built from it once per quarter and
measure. Measures are kept as published, not checked against a list, so staff can
upload a new question (e.g. worry about knife crime) in the same layout.
"""

from __future__ import annotations

import datetime
import math
import re

import pandas as pd

from data import areas
from data.frames import SURVEY_COLUMNS, empty
from data.problems import Problem, ProblemLog, ReadResult
from data.readers.cells import column_key, report_refused, str_cells
from data.readers.tables import RawTable

KIND = "survey"
KINDS = (KIND,)

REQUIRED = {
    "date": "Date",
    "survey": "Survey",
    "borough": "Borough",
    "measure": "Measure",
    "proportion": "Proportion",
}
LONDON_COLUMN = "mps"

LONDON_NAMES = frozenset(
    {"mps", "london", "metropolitan police", "metropolitan police service", "met police"}
)
QUARTER_END_MONTHS = (3, 6, 9, 12)
# The store's column widths.
MAX_LENGTH = {"survey": 60, "measure": 200}

_NUMBER = re.compile(r"^\+?(\d+(\.\d*)?|\.\d+)$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
# Excel's UK date formats write the month as a name: "31-Dec-2014", "30 June 15".
_MONTH_NAME = re.compile(r"^(\d{1,2})[ /.-]([A-Za-z]{3,9})\.?[ /.-](\d{4}|\d{2})$")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")  # fmt: skip
_MONTHS = {
    form: number
    for number, name in enumerate(_MONTH_NAMES, start=1)
    for form in (name, name[:3], name[:4])
}

DATE_FORMS = "day/month/year, e.g. 31/12/2014, 30/6/2015 or 31-Dec-2014"


def recognise(columns: list[str]) -> str | None:
    keys = {column_key(c) for c in columns}
    if "proportion" in keys and len(keys & {"date", "survey", "borough", "measure"}) >= 2:
        return KIND
    return None


def parse_proportion(value: object) -> tuple[float | None, str | None]:
    """(proportion between 0 and 1, None) or (None, why it was refused).

    Accepts a decimal point or comma ("0.56", "0,56") and percentages ("56%").
    """
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float):
        number, shown, percent = float(value), repr(value), False
        if math.isnan(number):
            return None, "blank"
    else:
        text = "" if value is None else str(value).strip()
        if text == "":
            return None, "blank"
        shown = repr(text)
        compact = text.replace(" ", "").replace("\u00a0", "")
        percent = compact.endswith("%")
        compact = compact.removesuffix("%").replace(",", ".")
        if not _NUMBER.match(compact):
            negative = compact.startswith("-") and _NUMBER.match(compact[1:])
            if negative:
                return None, f"{shown} is below 0; a proportion lies between 0 and 1"
            return None, f"{shown} is not a number; write a proportion such as 0.56, 0,56 or 56%"
        number = float(compact)
    if not math.isfinite(number):
        return None, f"{shown} is not a number; write a proportion such as 0.56, 0,56 or 56%"
    if percent:
        number /= 100
    if number < 0:
        return None, f"{shown} is below 0; a proportion lies between 0 and 1"
    if number > 1:
        hint = (
            f"; if it is a percentage, write {shown.strip(chr(39))}%"
            if not percent and number <= 100
            else ""
        )
        return None, f"{shown} is above 1; a proportion lies between 0 and 1 (0.56 or 56%){hint}"
    return number, None


def parse_date(value: object) -> pd.Timestamp | None:
    """A day-first date ("30/6/2015", "31/12/14", "31-Dec-2014") or an ISO one
    ("2015-06-30")."""
    if isinstance(value, datetime.date | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.normalize()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _DAY_FIRST.match(text):
        day, month, year = int(match[1]), int(match[2]), match[3]
        year_number = int(year) + (2000 if len(year) == 2 else 0)
    elif match := _ISO.match(text):
        year_number, month, day = int(match[1]), int(match[2]), int(match[3])
    elif (match := _MONTH_NAME.match(text)) and match[2].lower() in _MONTHS:
        day, month, year = int(match[1]), _MONTHS[match[2].lower()], match[3]
        year_number = int(year) + (2000 if len(year) == 2 else 0)
    else:
        return None
    try:
        return pd.Timestamp(datetime.date(year_number, month, day))
    except ValueError:
        return None


def is_quarter_end(date: pd.Timestamp) -> bool:
    return date.month in QUARTER_END_MONTHS and date.is_month_end


def area_code(name: object) -> str | None:
    """E09 for a borough, E12000007 for London ("MPS"), None if neither."""
    if not isinstance(name, str):
        return None
    text = " ".join(name.split())
    if text.casefold() in LONDON_NAMES or text == areas.LONDON_CODE:
        return areas.LONDON_CODE
    return areas.borough_code(text)


def _shown(date: pd.Timestamp) -> str:
    return f"{date.day}/{date.month}/{date.year}"


def _empty_frame() -> pd.DataFrame:
    out = empty(SURVEY_COLUMNS)
    out["quarter_end"] = pd.to_datetime(out["quarter_end"]).astype("datetime64[us]")
    out["proportion"] = out["proportion"].astype("float64")
    return out


def read(table: RawTable, kind: str | None = None) -> ReadResult:
    """Read one survey sheet (borough or London); problems are returned, not raised."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    keys = [column_key(c) for c in columns]
    missing = [official for key, official in REQUIRED.items() if key not in keys]
    if missing:
        return ReadResult(
            kind=KIND,
            frame=_empty_frame(),
            problems=[
                Problem(
                    table.name,
                    f"the header row has no {', '.join(missing)} column"
                    f"{'s' if len(missing) > 1 else ''}; a Public Attitude Survey sheet needs "
                    + ", ".join(REQUIRED.values())
                    + " (and, on the borough sheet, MPS)",
                    1,
                )
            ],
            rows_read=len(frame),
        )
    header = {key: columns[keys.index(key)] for key in REQUIRED}
    cell = {key: frame.iloc[:, keys.index(key)] for key in REQUIRED}
    log = ProblemLog(table.name)
    rows = frame.index

    date = _dates(cell["date"], header["date"], log)
    survey = str_cells(cell["survey"])
    measure = str_cells(cell["measure"])
    for key, values, what in (("survey", survey, "survey name"), ("measure", measure, "measure")):
        for row in rows[(values == "").to_numpy()]:
            log.error(f"the {what} is blank", row=int(row), column=header[key], group=key)
        too_long = values.str.len() > MAX_LENGTH[key]
        for row in rows[too_long.to_numpy()]:
            log.error(
                f"the {what} is {len(values.loc[row])} characters long; the dashboard keeps "
                f"at most {MAX_LENGTH[key]}, so shorten it",
                row=int(row),
                column=header[key],
                group=f"long {key}",
            )
        if too_long.any():
            values.loc[too_long] = ""
    code = _areas(cell["borough"], header["borough"], log)
    proportion, blank = _proportions(cell["proportion"], header["proportion"], log)

    valid = date.notna() & (survey != "") & (measure != "") & code.notna() & proportion.notna()
    found = pd.DataFrame(
        {
            "quarter_end": date,
            "survey": survey,
            "area_code": code,
            "measure": measure,
            "proportion": proportion,
        },
        index=rows,
    )[valid]
    found = _drop_duplicates(found, header["borough"], log)

    london_rows = pd.DataFrame()
    if LONDON_COLUMN in keys:
        position = keys.index(LONDON_COLUMN)
        london_rows = _london_from_column(
            frame.iloc[:, position], columns[position], date, survey, measure, found, log
        )
    out = pd.concat([found, london_rows]) if not london_rows.empty else found
    out = out.sort_values(["quarter_end", "survey", "measure", "area_code"]).reset_index(drop=True)
    out = out[SURVEY_COLUMNS] if not out.empty else _empty_frame()
    out["quarter_end"] = pd.to_datetime(out["quarter_end"]).astype("datetime64[us]")
    out["proportion"] = out["proportion"].astype("float64")

    dates = out["quarter_end"]
    meta: dict[str, object] = {
        "quarters": f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(out) else "none",
        "surveys": sorted(set(out["survey"])),
        "measures": sorted(set(out["measure"])),
        "boroughs": int(out.loc[out["area_code"].isin(areas.BOROUGHS), "area_code"].nunique()),
        "london_rows": int((out["area_code"] == areas.LONDON_CODE).sum()),
        "london_from_mps_column": len(london_rows),
        "blank_rows_skipped": int(blank.sum()),
    }
    return ReadResult(
        kind=KIND,
        frame=out,
        problems=log.finish(),
        rows_rejected=log.rows_rejected,
        rows_read=len(frame),
        meta=meta,
    )


def _dates(cells: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    date = pd.to_datetime(pd.Series([parse_date(v) for v in cells], index=cells.index))
    report_refused(
        cells,
        date.isna(),
        column,
        log,
        "the date is {shown}; expected the last day of the quarter as " + DATE_FORMS,
        "bad date",
    )
    odd = date.notna() & ~date.map(lambda d: pd.notna(d) and is_quarter_end(d)).astype(bool)
    for row in cells.index[odd.to_numpy()]:
        log.warning(
            f"the date {_shown(date.loc[row])} is not the last day of a quarter (31 March, "
            "30 June, 30 September or 31 December); the figure is kept under that date",
            row=int(row),
            column=column,
            group="not a quarter end",
        )
    return date


def _areas(cells: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    name = str_cells(cells)
    lookup = {value: area_code(value) for value in name.unique()}
    code = name.map(lookup)
    for row in cells.index[code.isna().to_numpy()]:
        value = name.loc[row]
        log.error(
            "the borough is blank; write the borough's name, or MPS for London as a whole"
            if value == ""
            else f"{value!r} is not a London borough name (or MPS for London as a whole)",
            row=int(row),
            column=column,
            group="bad borough",
        )
    return code


def _parse_all(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = [parse_proportion(value) for value in cells]
    number = pd.Series([p[0] for p in parsed], index=cells.index, dtype="float64")
    reason = pd.Series([p[1] for p in parsed], index=cells.index, dtype="object")
    return number, reason


def _proportions(cells: pd.Series, column: str, log: ProblemLog) -> tuple[pd.Series, pd.Series]:
    """Parsed proportions (NaN where refused or blank) and which cells were blank."""
    number, reason = _parse_all(cells)
    blank = reason == "blank"
    for row in cells.index[blank.to_numpy()]:
        log.warning(
            "the proportion is blank, so this row was skipped; write the figure, or leave "
            "the row out if the survey has none",
            row=int(row),
            column=column,
            group="blank proportion",
        )
    for row in cells.index[(reason.notna() & ~blank).to_numpy()]:
        log.error(
            f"the proportion {reason.loc[row]}", row=int(row), column=column, group="bad proportion"
        )
    return number, blank


def _describe(found: pd.DataFrame, row: int) -> str:
    item = found.loc[row]
    where = (
        "London (MPS)"
        if item["area_code"] == areas.LONDON_CODE
        else areas.BOROUGHS[item["area_code"]]
    )
    return f"{item['survey']} {item['measure']!r} for {where} on {_shown(item['quarter_end'])}"


def _drop_duplicates(found: pd.DataFrame, column: str, log: ProblemLog) -> pd.DataFrame:
    key = ["quarter_end", "survey", "area_code", "measure"]
    repeated = found.duplicated(key, keep="first")
    if not repeated.any():
        return found
    first = (
        pd.Series(found.index, index=found.index)
        .groupby([found[k] for k in key], sort=False)
        .transform("first")
    )
    for row in found.index[repeated.to_numpy()]:
        log.error(
            f"rows {int(first.loc[row])} and {int(row)} both give {_describe(found, row)}; "
            "each survey, measure, area and date may appear only once",
            row=int(row),
            column=column,
            group="duplicate",
        )
    return found[~repeated]


def _london_from_column(
    cells: pd.Series,
    column: str,
    date: pd.Series,
    survey: pd.Series,
    measure: pd.Series,
    found: pd.DataFrame,
    log: ProblemLog,
) -> pd.DataFrame:
    """London rows from the MPS column: one per (date, survey, measure).

    A London row already in the file wins over the column; disagreement is reported.
    """
    number, reason = _parse_all(cells)
    for row in cells.index[(reason.notna() & (reason != "blank")).to_numpy()]:
        log.error(
            f"London's (MPS) proportion {reason.loc[row]}",
            row=int(row),
            column=column,
            group="bad MPS proportion",
        )
    usable = number.notna() & date.notna() & (survey != "") & (measure != "")
    values = pd.DataFrame(
        {"quarter_end": date, "survey": survey, "measure": measure, "proportion": number}
    )[usable]
    if values.empty:
        return pd.DataFrame()
    explicit = found[found["area_code"] == areas.LONDON_CODE].set_index(
        ["quarter_end", "survey", "measure"]
    )["proportion"]
    out = []
    for (when, name, what), group in values.groupby(
        ["quarter_end", "survey", "measure"], sort=False
    ):
        counts = group["proportion"].value_counts(sort=True)
        value = float(counts.index[0])
        if len(counts) > 1:
            other = group[group["proportion"] != value]
            agree = group[group["proportion"] == value]
            log.warning(
                f"the MPS column gives London two different figures for {name} {what!r} on "
                f"{_shown(when)}: {value:g} (row {int(agree.index[0])} and "
                f"{len(agree) - 1} other rows) and {float(other['proportion'].iloc[0]):g} "
                f"(row {int(other.index[0])}); London was given {value:g}, the figure most "
                "rows give",
                row=int(other.index[0]),
                column=column,
                group="conflicting MPS",
            )
        key = (when, name, what)
        if key in explicit.index:
            if not math.isclose(float(explicit.loc[key]), value, abs_tol=1e-9):
                log.warning(
                    f"London's figure for {name} {what!r} on {_shown(when)} is "
                    f"{float(explicit.loc[key]):g} on its own row but {value:g} in the MPS "
                    f"column (row {int(group.index[0])}); the London row was kept",
                    row=int(group.index[0]),
                    column=column,
                    group="London row and MPS column differ",
                )
            continue
        out.append(
            {
                "quarter_end": when,
                "survey": name,
                "area_code": areas.LONDON_CODE,
                "measure": what,
                "proportion": value,
            }
        )
    return pd.DataFrame(out)
