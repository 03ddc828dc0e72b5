"""Reader of the MPS Homicide Dashboard victims file: one row per victim.

Only knife and shooting victims become measures (`catalogue.HOMICIDE_METHODS`), but
every row is validated and the coverage spans every month in the file: a month in
which no one was killed with a knife is a true zero, not a gap. The file names
boroughs, not codes, in its own spellings ("Barking & Dagenham", "Ealing ") and
includes "Heathrow", which is not a borough.

Every valid victim also goes into the victims table (`homicide_victims`: month,
borough, method, age group, sex, solved status), whatever the method. Those three
columns are optional: a file without one still gives its method counts, and the
report says what is missing. Age bands are read by their numbers, so the publisher's
typo "13 to19" is the band 13-19; a value that is neither a known band, sex or status
nor a way of saying "not known" is reported (file, row, column, reason) and the victim
is counted as not recorded.
"""

from __future__ import annotations

import calendar
import datetime
import re

import pandas as pd

from data import areas, frames
from data.catalogue import HOMICIDE_METHODS
from data.frames import counts_frame, coverage_frame
from data.problems import ProblemLog, ReadResult
from data.readers.cells import (
    MAX_WHOLE,
    check_months,
    column_key,
    counts_refused,
    month_label,
    plural,
    report_refused,
    str_cells,
)
from data.readers.tables import RawTable

KIND = "homicide_victims"
KINDS = (KIND,)

# Header keys (see `column_key`) -> the headers as the MPS spells them.
REQUIRED = {
    "countofvictims": "Count of Victims",
    "methodofkilling": "Method of Killing",
    "recordeddate": "Recorded Date",
    "borough": "Borough",
}
# Columns only the victims file has; with "Method of Killing" they identify it even
# when one required column is missing, so the report can say which.
# Optional columns of the victims table: key -> (header as the MPS spells it, table column).
DETAILS = {
    "agegroup": ("Age Group", "age_group"),
    "sex": ("Sex", "sex"),
    "solvedstatus": ("Solved Status", "solved_status"),
}
_SIGNATURE = {"homicideoffencetype", "solvedstatus", "recordeddate", "countofvictims"}

# Place labels that are not boroughs: their victims count towards London only.
UNALLOCATED_LABELS = ("heathrow", "airport")

_METHODS = {method.casefold(): measure for method, measure in HOMICIDE_METHODS.items()}

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MON_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[-\s/]?(\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ T]00:00(?::00)?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_WHOLE = re.compile(r"^[0-9]{1,12}(\.0+)?$")  # up to MAX_WHOLE

DATE_FORMS = "Mon-YY (e.g. Jan-23), Mon-YYYY (Jan-2023), YYYY-MM (2023-01) or dd/mm/yyyy"


def recognise(columns: list[str]) -> str | None:
    keys = {column_key(c) for c in columns}
    if "methodofkilling" in keys and keys & _SIGNATURE:
        return KIND
    return None


def _month_number(name: str) -> int | None:
    """A month from its name or any abbreviation of it ("Sep", "Sept", "September")."""
    text = name.lower()
    for full, number in _MONTH_NAMES.items():
        if len(text) >= 3 and full.startswith(text):
            return number
    return None


def _year(text: str, today: datetime.date) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years are this century unless that would be in the future.
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def parse_month(value: object, today: datetime.date | None = None) -> pd.Timestamp | None:
    """The first of the month `value` names, or None if it is not a date we accept."""
    today = today or datetime.date.today()
    if isinstance(value, datetime.date | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else pd.Timestamp(stamp.year, stamp.month, 1)
    if not isinstance(value, str):
        return None
    text = value.strip()
    year = month = None
    day = 1
    if match := _MON_YEAR.match(text):
        month = _month_number(match[1])
        year = _year(match[2], today)
    elif match := _YEAR_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        day = int(match[3]) if match[3] else 1
    elif match := _DAY_MONTH_YEAR.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    if year is None or month is None or year < 1900:
        return None
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return pd.Timestamp(year, month, 1)


def _whole(value: object) -> int | None:
    """A non-negative whole number, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_WHOLE else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 <= value <= MAX_WHOLE else None
    text = "" if value is None else str(value).strip()
    return int(float(text)) if _WHOLE.match(text) else None


def read(
    table: RawTable, kind: str | None = None, *, today: datetime.date | None = None
) -> ReadResult:
    """Read the victims file into monthly borough counts; problems are returned."""
    today = today or datetime.date.today()
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    keys = [column_key(c) for c in columns]
    missing = [official for key, official in REQUIRED.items() if key not in keys]
    if missing:
        return counts_refused(
            table,
            KIND,
            f"the header row has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}; the MPS homicide victims file needs "
            + ", ".join(REQUIRED.values()),
        )
    position = {key: keys.index(key) for key in REQUIRED}
    header = {key: columns[i] for key, i in position.items()}
    cell = {key: frame.iloc[:, i] for key, i in position.items()}
    log = ProblemLog(table.name)
    rows = frame.index

    count = _counts(cell["countofvictims"], header["countofvictims"], log)
    month = _months(cell["recordeddate"], header["recordeddate"], log, today)
    method = str_cells(cell["methodofkilling"])
    for row in rows[(method == "").to_numpy()]:
        log.error(
            "the method of killing is blank; write 'Not known/Not Recorded' if it is unknown",
            row=int(row),
            column=header["methodofkilling"],
            group="blank method",
        )
    measure = method.str.casefold().map(_METHODS)
    borough = _boroughs(cell["borough"], header["borough"], count.where(measure.notna()), log)

    valid = count.notna() & month.notna() & (method != "") & borough.notna()
    output = valid & measure.notna()
    counts = counts_frame(
        pd.DataFrame(
            {
                "measure": measure[output],
                "level": "borough",
                "area_code": borough[output],
                "month": month[output],
                "value": count[output].astype("int64"),
            }
        )
    )
    known = month.dropna()
    coverage = coverage_frame(
        [(m, "borough", known.min(), known.max()) for m in HOMICIDE_METHODS.values()]
        if not known.empty
        else []
    )
    details = {
        table_column: _detail(frame, keys, columns, key, official, log)
        for key, (official, table_column) in DETAILS.items()
    }
    victims_table = victims_frame(
        pd.DataFrame(
            {
                "month": month[valid],
                "area_code": borough[valid],
                "method": method[valid],
                **{column: cells[valid] for column, cells in details.items()},
                "value": count[valid],
            }
        )
    )
    victims = count[output].groupby(measure[output]).sum()
    meta: dict[str, object] = {
        "months": f"{month_label(known.min())} to {month_label(known.max())}"
        if not known.empty
        else "none",
        "victims": {m: int(victims.get(m, 0)) for m in HOMICIDE_METHODS.values()},
        "unallocated_victims": int(count[output & (borough == areas.UNALLOCATED_CODE)].sum()),
        "victims_other_methods": int(count[valid & measure.isna()].sum()),
        "methods_not_output": sorted(set(method[valid & measure.isna()])),
    }
    return ReadResult(
        kind=KIND,
        frame=counts,
        problems=log.finish(),
        rows_rejected=log.rows_rejected,
        rows_read=len(frame),
        coverage=coverage,
        meta=meta,
        extra={"homicide_victims": victims_table},
    )


def victims_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Victims in canonical order and types, summed over duplicate keys, no zeros."""
    keys = frames.HOMICIDE_VICTIM_COLUMNS[:-1]
    if rows.empty:
        out = frames.empty(frames.HOMICIDE_VICTIM_COLUMNS)
        out["month"] = pd.to_datetime(out["month"])
        out["value"] = out["value"].astype("int64")
        return out
    out = rows[frames.HOMICIDE_VICTIM_COLUMNS].copy()
    out["month"] = pd.to_datetime(out["month"]).dt.to_period("M").dt.to_timestamp()
    out["value"] = out["value"].astype("int64")
    out = out.groupby(keys, as_index=False)["value"].sum()
    return out[out["value"] != 0].sort_values(keys).reset_index(drop=True)


# Ways of writing "not known" in the victims file's optional columns.
_UNKNOWN = re.compile(r"^(|n/?k|n/?a|none|not (known|recorded|stated)|unknown|unrecorded.*"
                      r"|not known/not recorded)$")  # fmt: skip
_AGE_NUMBERS = re.compile(r"\d+")
_AGE_OVER = re.compile(r"(and|or) (over|above|older)|\+|plus")


def age_group(value: str) -> str | None:
    """The band a written age group names ("13 to19" -> "13-19", "65 and over" ->
    "65+"), NOT_RECORDED for a way of saying "not known", None if it is neither."""
    text = " ".join(value.lower().split())
    if _UNKNOWN.match(text):
        return frames.NOT_RECORDED
    numbers = _AGE_NUMBERS.findall(text)
    if len(numbers) == 1 and _AGE_OVER.search(text):
        band = f"{int(numbers[0])}+"
    elif len(numbers) == 2:
        band = f"{int(numbers[0])}-{int(numbers[1])}"
    else:
        return None
    return band if band in frames.HOMICIDE_AGE_GROUPS else None


def _word(value: str, known: tuple[str, ...]) -> str | None:
    text = " ".join(value.lower().split())
    if _UNKNOWN.match(text):
        return frames.NOT_RECORDED
    found = [k for k in known if k.lower() == text]
    return found[0] if found else None


_READ_DETAIL = {
    "agegroup": (age_group, "an age group such as '20 to 24' or '65 and over'"),
    "sex": (lambda v: _word(v, frames.HOMICIDE_SEXES), "Female or Male"),
    "solvedstatus": (lambda v: _word(v, frames.HOMICIDE_SOLVED), "Solved or Unsolved"),
}


def _detail(
    frame: pd.DataFrame,
    keys: list[str],
    columns: list[str],
    key: str,
    official: str,
    log: ProblemLog,
) -> pd.Series:
    """One optional column read into its table values; NOT_RECORDED where it is missing
    or a value is not understood (each such value reported, with its row)."""
    if key not in keys:
        log.warning(
            f"the header row has no {official} column: every victim is counted as "
            f"'{frames.NOT_RECORDED}' for {official.lower()}, and the victims by "
            f"{official.lower()} cannot be shown",
            column=None,
        )
        return pd.Series(frames.NOT_RECORDED, index=frame.index)
    column = columns[keys.index(key)]
    cells = str_cells(frame.iloc[:, keys.index(key)])
    read, expected = _READ_DETAIL[key]
    lookup = {value: read(value) for value in cells.unique()}
    values = cells.map(lookup)
    for row in cells.index[values.isna().to_numpy()]:
        log.warning(
            f"the {official.lower()} {cells.loc[row]!r} is not one the dashboard knows "
            f"(expected {expected}, or blank if not known); the victim is counted, as "
            f"'{frames.NOT_RECORDED}'",
            row=int(row),
            column=column,
            group=f"unknown {official.lower()}",
        )
    return values.fillna(frames.NOT_RECORDED)


def _counts(cells: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    lookup = {value: _whole(value) for value in cells.unique()}
    count = cells.map(lookup)
    report_refused(
        cells,
        count.isna(),
        column,
        log,
        "the count of victims is {shown}; it must be a whole number of victims, 0 or more",
        "bad count",
    )
    return count.astype("Float64").astype("float64")


def _months(cells: pd.Series, column: str, log: ProblemLog, today: datetime.date) -> pd.Series:
    lookup = {value: parse_month(value, today) for value in cells.unique()}
    return check_months(
        pd.to_datetime(cells.map(lookup)),
        cells,
        column,
        log,
        today,
        unreadable="the recorded date is {shown}; expected a month such as " + DATE_FORMS,
        future="the recorded date {month} is after the current month {current}; check the year",
        groups=("bad date", "future date"),
    )


def _boroughs(cells: pd.Series, column: str, counted: pd.Series, log: ProblemLog) -> pd.Series:
    """E09 codes; UNALLOCATED for airports; NaN (reported) for anything else.

    `counted` is each row's victims if they are output (knife or shooting), else NaN.
    """
    name = str_cells(cells)
    lookup: dict[str, str | None] = {}
    for value in name.unique():
        code = areas.borough_code(value)
        if code is None and any(label in value.lower() for label in UNALLOCATED_LABELS):
            code = areas.UNALLOCATED_CODE
        lookup[value] = code
    code = name.map(lookup)
    for value in sorted(v for v, c in lookup.items() if c == areas.UNALLOCATED_CODE):
        which = (name == value).to_numpy()
        victims = int(counted[which].fillna(0).sum())
        rows = int(which.sum())
        log.warning(
            f"{value!r} is not a London borough: {plural(rows, 'row')} name it, with "
            f"{plural(victims, 'knife or shooting victim')}; "
            "these count towards London's total as unallocated and are not shown on the "
            "borough map",
            row=int(cells.index[which][0]),
            column=column,
        )
    for row in cells.index[code.isna().to_numpy()]:
        value = name.loc[row]
        log.error(
            "the borough is blank"
            if value == ""
            else f"{value!r} is not a London borough name; use the borough's name as the "
            "MPS spells it, e.g. 'Barking & Dagenham' or 'Kingston Upon Thames'",
            row=int(row),
            column=column,
            group="bad borough",
        )
    return code
