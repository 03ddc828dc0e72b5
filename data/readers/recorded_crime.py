"""Reader of "MPS Recorded Crime: Geographic Breakdown": one row per crime category and
area, one column per month (the wide layout), at ward, borough or LSOA level.

Only the categories in `catalogue.RECORDED_CRIME_MEASURES` become measures, but every
row is validated, because a fault anywhere in the file casts doubt on the rest of it.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import areas
from data.catalogue import RECORDED_CRIME_MEASURES
from data.frames import counts_frame, coverage_frame
from data.problems import ProblemLog, ReadResult
from data.readers.cells import (
    column_key,
    counts_refused,
    month_label,
    plural,
    text_cells,
    whole_counts,
)
from data.readers.tables import RawTable

KINDS = ("recorded_crime_ward", "recorded_crime_borough", "recorded_crime_lsoa")

# The MPS's "most recent 24 months" files open with a month column that holds a few
# dozen offences instead of tens of thousands: an extraction artefact, not a real month.
NEAR_EMPTY_SHARE = 0.05
# The artefact is judged against the other months' median, which needs a few months.
NEAR_EMPTY_BASELINE_MONTHS = 6

# Borough labels that are not places: their offences count towards London only.
UNALLOCATED_BOROUGH_LABELS = ("Unknown", "London Heathrow and London City Airports")

HEATHROW_VILLAGES = "E05013570"


@dataclass(frozen=True)
class _Layout:
    level: str
    area_role: str  # the role whose column identifies the area
    required: dict[str, str]  # role -> header key
    optional: dict[str, str]
    official: tuple[str, ...]  # headers as the London Datastore CSV spells them


_LAYOUTS: dict[str, _Layout] = {
    "recorded_crime_ward": _Layout(
        "ward",
        "code",
        {"major": "majortext", "minor": "minortext", "code": "wardcode"},
        {"name": "wardname", "borough": "lookupboroughname"},
        ("MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"),
    ),
    "recorded_crime_lsoa": _Layout(
        "lsoa",
        "code",
        {"code": "lsoacode", "major": "majorcategory", "minor": "minorcategory"},
        {"name": "lsoaname", "borough": "borough"},
        ("LSOA Code", "LSOA Name", "Borough", "Major Category", "Minor Category"),
    ),
    "recorded_crime_borough": _Layout(
        "borough",
        "borough",
        {"major": "majortext", "minor": "minortext", "borough": "boroughname"},
        {},
        ("MajorText", "MinorText", "BoroughName"),
    ),
}

_MONTH_HEADER = re.compile(r"^(\d{4})(\d{2})$")


def recognise(columns: list[str]) -> str | None:
    keys = {column_key(c) for c in columns}
    for kind, layout in _LAYOUTS.items():
        if set(layout.required.values()) <= keys:
            return kind
    return None


def missing_headers(columns: list[str]) -> tuple[str, list[str], int]:
    """The recorded-crime layout the columns come closest to, what they lack of it and
    how many of its headers they have."""
    keys = {column_key(c) for c in columns}
    best = None
    for layout in _LAYOUTS.values():
        required = [h for h in layout.official if column_key(h) in layout.required.values()]
        missing = [h for h in required if column_key(h) not in keys]
        found = len(required) - len(missing)
        if best is None or found > best[2]:
            best = (f"the MPS recorded crime layout ({layout.level} level)", missing, found)
    assert best is not None
    return best


@dataclass(frozen=True)
class _Month:
    position: int
    header: str
    month: pd.Timestamp


def _layout_description() -> str:
    return "; ".join(
        f"{layout.level}: {', '.join(layout.official)} and one YYYYMM column per month"
        for layout in _LAYOUTS.values()
    )


def read(
    table: RawTable, kind: str | None = None, *, today: datetime.date | None = None
) -> ReadResult:
    """Read one wide recorded-crime file; problems are returned, never raised."""
    columns = [str(c) for c in table.frame.columns]
    kind = kind or recognise(columns)
    if kind not in _LAYOUTS:
        shown = ", ".join(columns[:8])
        return counts_refused(
            table,
            kind or "recorded_crime",
            f"the header row ({shown}) is not an MPS recorded crime layout; expected "
            + _layout_description(),
        )
    layout = _LAYOUTS[kind]
    keys = [column_key(c) for c in columns]
    roles: dict[str, int] = {}
    for role, key in {**layout.required, **layout.optional}.items():
        if key in keys:
            roles[role] = keys.index(key)
    missing = [
        official
        for official in layout.official
        if column_key(official) in layout.required.values() and column_key(official) not in keys
    ]
    if missing:
        return counts_refused(
            table,
            kind,
            f"the header row has no {', '.join(missing)} column; a {layout.level} file needs "
            + ", ".join(layout.official),
        )

    log = ProblemLog(table.name)
    frame = table.frame
    months = _months(columns, set(roles.values()), log, today or datetime.date.today())
    if not months and not log.has_errors:
        log.error(
            "the file has no month columns; each month needs a column headed YYYYMM, e.g. 202403",
            row=1,
        )

    values = np.zeros((len(frame), len(months)), dtype="int64")
    for j, month in enumerate(months):
        counts, reasons = whole_counts(frame.iloc[:, month.position])
        values[:, j] = counts.to_numpy()
        for row, reason in reasons.items():
            log.error(reason, row=int(row), column=month.header, group="bad count")

    major = text_cells(frame.iloc[:, roles["major"]]).str.upper()
    minor = text_cells(frame.iloc[:, roles["minor"]]).str.upper()
    valid = pd.Series(True, index=frame.index)
    for role, cells in (("major", major), ("minor", minor)):
        blank = cells == ""
        for row in frame.index[blank.to_numpy()]:
            log.error(
                f"the {role} category is blank",
                row=int(row),
                column=columns[roles[role]],
                group=f"blank {role}",
            )
        valid &= ~blank

    area_code, area_valid, key_area = _areas(kind, layout, frame, columns, roles, values, log)
    valid &= area_valid
    valid &= ~_duplicates(major, minor, key_area, frame.index, layout, log)

    kept, dropped = _drop_near_empty_first_month(months, values, valid.to_numpy(), log)
    _check_contiguous(kept, log)
    kept_index = [months.index(m) for m in kept]

    measure = major.map(RECORDED_CRIME_MEASURES)
    output = (valid & measure.notna()).to_numpy()
    counts = _long_counts(
        measure[output], area_code[output], values[output][:, kept_index], kept, layout.level
    )
    present = sorted(set(measure[output]))
    for category, measure_id in RECORDED_CRIME_MEASURES.items():
        if measure_id not in present:
            log.warning(
                f"the file has no rows for {category}, so {measure_id.replace('_', ' ')} "
                "is not updated from it"
            )
    coverage = coverage_frame(
        [(m, layout.level, kept[0].month, kept[-1].month) for m in present] if kept else []
    )
    categories = sorted(set(major[major != ""]))
    other = sorted(c for c in categories if c not in RECORDED_CRIME_MEASURES)
    meta: dict[str, object] = {
        "level": layout.level,
        "months": f"{month_label(kept[0].month)} to {month_label(kept[-1].month)}"
        if kept
        else "none",
        "categories": categories,
        "measures": present,
        "areas": int(area_code[valid & (area_code != areas.UNALLOCATED_CODE)].nunique()),
        "categories_not_output": other,
        "rows_not_output": int((~measure.notna() & valid).sum()),
    }
    if dropped is not None:
        meta["dropped_month"] = month_label(dropped.month)
    placed = (valid & (area_code != areas.UNALLOCATED_CODE) & (area_code != "")).to_numpy()
    first_rows = pd.Series(frame.index, index=frame.index)[placed].groupby(area_code[placed]).min()
    area_role = "code" if "code" in roles else "borough"
    names: dict[str, str] = {}
    if "name" in roles:
        written = text_cells(frame.iloc[:, roles["name"]])[placed]
        names = {str(k): str(v) for k, v in written.groupby(area_code[placed]).first().items()}
    return ReadResult(
        kind=kind,
        frame=counts,
        problems=log.finish(),
        rows_rejected=log.rows_rejected,
        area_rows={str(k): int(v) for k, v in first_rows.items()},
        area_column=columns[roles[area_role]],
        area_names=names,
        area_name_column=columns[roles["name"]] if "name" in roles else None,
        rows_read=len(frame),
        coverage=coverage,
        meta=meta,
    )


def _months(
    columns: list[str], label_positions: set[int], log: ProblemLog, today: datetime.date
) -> list[_Month]:
    """The month columns, in calendar order; other columns are reported."""
    found: dict[pd.Timestamp, _Month] = {}
    this_month = pd.Timestamp(today.year, today.month, 1)
    for position, header in enumerate(columns):
        if position in label_positions:
            continue
        text = header.strip()
        match = _MONTH_HEADER.match(text)
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            if any(ch.isdigit() for ch in text):
                log.error(
                    f"the column header {text!r} is not a month in YYYYMM form (e.g. 202403)",
                    row=1,
                    column=header,
                )
            else:
                log.warning(
                    f"the column {text!r} is not part of the recorded crime layout; it was ignored",
                    row=1,
                    column=header,
                )
            continue
        month = pd.Timestamp(int(match[1]), int(match[2]), 1)
        if month > this_month:
            log.error(
                f"month in the future: {month_label(month)} is after the current month "
                f"{month_label(this_month)}",
                row=1,
                column=header,
            )
            continue
        if month in found:
            log.error(
                f"the month {month_label(month)} has two columns "
                f"({found[month].header!r} and {header!r})",
                row=1,
                column=header,
            )
            continue
        found[month] = _Month(position, header, month)
    return [found[m] for m in sorted(found)]


def _check_contiguous(months: list[_Month], log: ProblemLog) -> None:
    for before, after in itertools.pairwise(months):
        gap = (after.month.year - before.month.year) * 12 + after.month.month - before.month.month
        if gap > 1:
            first = before.month + pd.DateOffset(months=1)
            last = after.month - pd.DateOffset(months=1)
            span = (
                month_label(first) if gap == 2 else f"{month_label(first)} to {month_label(last)}"
            )
            log.error(
                f"months are missing between {before.header} and {after.header}: there is no "
                f"column for {span}",
                row=1,
                column=after.header,
            )


def _drop_near_empty_first_month(
    months: list[_Month], values: np.ndarray, valid: np.ndarray, log: ProblemLog
) -> tuple[list[_Month], _Month | None]:
    if len(months) <= NEAR_EMPTY_BASELINE_MONTHS:
        return months, None
    totals = values[valid].sum(axis=0)
    first, median = int(totals[0]), float(np.median(totals[1:]))
    if median <= 0 or first >= NEAR_EMPTY_SHARE * median:
        return months, None
    log.warning(
        f"the first month, {month_label(months[0].month)}, holds only {first:,} offences "
        f"against a median of {median:,.0f} for the other months, so it is an incomplete "
        f"extract and was left out; the data start at {month_label(months[1].month)}",
        row=1,
        column=months[0].header,
    )
    return months[1:], months[0]


def _areas(
    kind: str,
    layout: _Layout,
    frame: pd.DataFrame,
    columns: list[str],
    roles: dict[str, int],
    values: np.ndarray,
    log: ProblemLog,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(area code for output, row is valid, area part of the duplicate key)."""
    if kind == "recorded_crime_borough":
        return _borough_areas(frame, columns[roles["borough"]], roles["borough"], values, log)
    column = columns[roles["code"]]
    raw = text_cells(frame.iloc[:, roles["code"]])
    code = raw.str.upper()
    check, what = (
        (areas.is_ward_code, "a ward code (E05 followed by six digits)")
        if layout.level == "ward"
        else (areas.is_lsoa_code, "an LSOA code (E01 followed by six digits)")
    )
    valid = code.map(check).astype(bool)
    for row in frame.index[~valid.to_numpy()]:
        value = raw.loc[row]
        reason = f"the {layout.level} code is blank" if value == "" else f"{value!r} is not {what}"
        log.error(reason, row=int(row), column=column, group=f"bad {layout.level} code")
    key = code
    if "borough" in roles:
        label = text_cells(frame.iloc[:, roles["borough"]])
        if layout.level == "ward":
            _ward_borough_labels(code, label, frame.index, columns[roles["borough"]], log)
            # The MPS splits a ward across borough labels (Heathrow Villages appears
            # under both "Hillingdon" and "Aviation Security (SO18)"): separate rows,
            # added together.
            key = code + "|" + label
        else:
            unknown = label.map(lambda v: areas.borough_code(v) is None)
            for row in frame.index[unknown.to_numpy()]:
                value = label.loc[row]
                log.error(
                    "the borough is blank"
                    if value == ""
                    else f"{value!r} is not a London borough code or name",
                    row=int(row),
                    column=columns[roles["borough"]],
                    group="bad borough",
                )
            valid &= ~unknown
    return code.where(valid, ""), valid, key


def _ward_borough_labels(
    code: pd.Series, label: pd.Series, rows: pd.Index, column: str, log: ProblemLog
) -> None:
    """Warn once per borough label that is not a borough; the ward code is what counts."""
    not_borough = label.map(lambda v: v != "" and areas.borough_code(v) is None)
    for value in sorted(set(label[not_borough])):
        which = not_borough & (label == value)
        wards = sorted(set(code[which]))
        first_row = int(rows[which.to_numpy()][0])
        where = (
            "Heathrow Villages (E05013570), which is in Hillingdon"
            if wards == [HEATHROW_VILLAGES]
            else ", ".join(wards[:5]) + (" and others" if len(wards) > 5 else "")
        )
        also = sorted(set(label[code.isin(wards) & ~not_borough & (label != "")]))
        added = (
            f"; the same ward's rows under {', '.join(repr(a) for a in also)} are added to them"
            if also
            else ""
        )
        log.warning(
            f"{plural(int(which.sum()), 'row')} have the borough label {value!r}, which is not a "
            f"London borough; they are ward {where}, and their offences are kept in "
            f"that ward{added}",
            row=first_row,
            column=column,
        )
    boroughs = label[~not_borough & (label != "")]
    labels = boroughs.groupby(code[boroughs.index]).unique()
    for ward, names in labels[labels.map(len) > 1].items():
        shown = " and ".join(repr(n) for n in sorted(names))
        log.warning(
            f"ward {ward} appears under the borough labels {shown}; its rows are added together",
            row=int(rows[(code == ward).to_numpy()][0]),
            column=column,
            group="ward under two boroughs",
        )


def _borough_areas(
    frame: pd.DataFrame, column: str, position: int, values: np.ndarray, log: ProblemLog
) -> tuple[pd.Series, pd.Series, pd.Series]:
    name = text_cells(frame.iloc[:, position])
    unallocated = {label.lower(): label for label in UNALLOCATED_BOROUGH_LABELS}
    lookup = {}
    for value in name.unique():
        code = areas.borough_code(value)
        if code is None and value.lower() in unallocated:
            code = areas.UNALLOCATED_CODE
        lookup[value] = code
    code = name.map(lookup)
    valid = code.notna()
    for value in sorted(v for v, c in lookup.items() if c == areas.UNALLOCATED_CODE):
        which = (name == value).to_numpy()
        log.warning(
            f"{value!r} is not a borough: its {plural(int(which.sum()), 'row')} "
            f"({int(values[which].sum()):,} offences) are counted in London's total as "
            "unallocated and are not shown on the map",
            row=int(frame.index[which][0]),
            column=column,
        )
    for row in frame.index[~valid.to_numpy()]:
        value = name.loc[row]
        log.error(
            "the borough name is blank"
            if value == ""
            else f"{value!r} is not a London borough name (nor 'Unknown' or "
            "'London Heathrow and London City Airports')",
            row=int(row),
            column=column,
            group="bad borough",
        )
    return code.fillna(""), valid, name.str.lower()


def _duplicates(
    major: pd.Series,
    minor: pd.Series,
    area: pd.Series,
    rows: pd.Index,
    layout: _Layout,
    log: ProblemLog,
) -> pd.Series:
    """Rows repeating an earlier row's category and area; the earlier row is kept."""
    keys = pd.DataFrame({"major": major, "minor": minor, "area": area}, index=rows)
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return repeated
    first_row = pd.Series(rows, index=rows).groupby([major, minor, area]).transform("first")
    for row in rows[repeated.to_numpy()]:
        where = area.loc[row].split("|")[0]
        log.error(
            f"rows {int(first_row.loc[row])} and {int(row)} are both {major.loc[row]} / "
            f"{minor.loc[row]} for {layout.level} {where}; each category and area may "
            "appear only once",
            row=int(row),
            group="duplicate",
        )
    return repeated


def _long_counts(
    measure: pd.Series,
    area_code: pd.Series,
    values: np.ndarray,
    months: list[_Month],
    level: str,
) -> pd.DataFrame:
    if not months or measure.empty:
        return counts_frame(pd.DataFrame())
    wide = pd.DataFrame(values, columns=[m.month for m in months])
    wide["measure"] = measure.to_numpy()
    wide["area_code"] = area_code.to_numpy()
    summed = wide.groupby(["measure", "area_code"]).sum()
    long = summed.stack().rename("value").reset_index()
    long.columns = ["measure", "area_code", "month", "value"]
    long = long[long["value"] != 0]
    long["level"] = level
    return counts_frame(long)
