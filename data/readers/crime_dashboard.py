"""Reader of the MPS Monthly Crime Dashboard files (long layout): one row per month,
area, crime subtype and measure. The knife file and the gun ("other crime") file
share this layout and differ only in `crime_type` and `crime_subtype`, so every row is
mapped through the catalogue and a subtype it does not know is reported, never dropped.

Each file holds every figure twice, once on borough rows and once on Safer
Neighbourhood Team (ward) rows; the two are kept as separate levels, never added.
"""

from __future__ import annotations

import datetime
import re

import pandas as pd

from data import areas
from data.catalogue import (
    DASHBOARD_CRIME_TYPES,
    DASHBOARD_MEASURE_COLUMN,
    dashboard_measure_id,
)
from data.frames import counts_frame, coverage_frame
from data.problems import ProblemLog, ReadResult
from data.readers.cells import (
    check_months,
    counts_refused,
    month_label,
    plural,
    text_cells,
    whole_counts,
)
from data.readers.tables import RawTable

KIND = "crime_dashboard"
KINDS = (KIND,)

REQUIRED = (
    "month_year",
    "area_type",
    "borough_snt",
    "area_name",
    "area_code",
    "crime_type",
    "crime_subtype",
    "measure",
    "count",
)  # financial_year, fy_fyindex, refresh_date and sheet may appear too; none is needed
OFFICIAL_HEADERS = (
    "Month_Year",
    "Area Type",
    "Borough_SNT",
    "Area name",
    "Area code",
    "Crime Type",
    "Crime Subtype",
    "Measure",
    "Financial Year",
    "FY_FYIndex",
    "Count",
    "Refresh Date",
)

AREA_TYPES = {
    "borough": "borough",
    "safer neighbourhood teams": "ward",
    "safer neighbourhood team": "ward",
    "snt": "ward",
    "ward": "ward",
}

# Codes the MPS uses for offences it could not place in a ward or borough.
PLACEHOLDER_CODES = ("-1", "N/K", "NON ATHENA FORCE")
# Borough-level rows without a code that are not places.
PLACEHOLDER_BOROUGH_NAMES = (
    "N/K (Legacy Only)",
    "Aviation Security (SO18) (Legacy Only)",
    "Non MET police force",
)
# Pre-2022 wards the file still carries, marked "(NOT ACTIVE)": they have no 2022
# boundary, so their offences cannot be mapped.
INACTIVE_WARDS = {"E05000326": "Brunel", "E05000649": "West End"}
INACTIVE_MARKER = "(NOT ACTIVE)"

DUPLICATE_KEY = (
    "month_year",
    "area_type",
    "borough_snt",
    "area_name",
    "area_code",
    "crime_type",
    "crime_subtype",
    "measure",
)

_MONTH_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m",
    "%b-%y",
    "%B-%y",
    "%b %y",
    "%b-%Y",
    "%B-%Y",
    "%b %Y",
    "%B %Y",
)


def column_key(column: object) -> str:
    """Headers compared loosely: "Area code", "Area_Code" and "area code " match.

    Not `cells.column_key`: any run of other characters is one "_" here, so the keys
    keep their word breaks ("month_year") and "Area (code)" is "area_code".
    """
    text = str(column).strip().lstrip("\ufeff").lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def recognise(columns: list[str]) -> str | None:
    keys = {column_key(c) for c in columns}
    return KIND if set(REQUIRED) <= keys else None


def missing_headers(columns: list[str]) -> tuple[str, list[str], int]:
    """(format, official headers the columns lack, how many they have): for a report on
    a file no reader recognised."""
    keys = {column_key(c) for c in columns}
    required = [h for h in OFFICIAL_HEADERS if column_key(h) in REQUIRED]
    missing = [h for h in required if column_key(h) not in keys]
    return "the Monthly Crime Dashboard layout", missing, len(required) - len(missing)


def parse_month(value: object) -> pd.Timestamp | None:
    """The first of the month `value` names, in any of the formats the MPS has used."""
    if isinstance(value, pd.Timestamp | datetime.date):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else pd.Timestamp(stamp.year, stamp.month, 1)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in _MONTH_FORMATS:
        try:
            parsed = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return pd.Timestamp(parsed.year, parsed.month, 1)
    return None


def read(
    table: RawTable, kind: str | None = None, *, today: datetime.date | None = None
) -> ReadResult:
    """Read one Monthly Crime Dashboard file; problems are returned, never raised."""
    columns = [str(c) for c in table.frame.columns]
    positions: dict[str, int] = {}
    for position, column in enumerate(columns):
        positions.setdefault(column_key(column), position)
    missing = [
        official
        for official in OFFICIAL_HEADERS
        if column_key(official) in REQUIRED and column_key(official) not in positions
    ]
    if missing:
        shown = ", ".join(columns[:8])
        return counts_refused(
            table,
            KIND,
            f"the header row ({shown}) is not the Monthly Crime Dashboard layout: "
            f"it has no {', '.join(missing)} column; expected " + ", ".join(OFFICIAL_HEADERS),
        )

    frame = table.frame
    rows = frame.index
    log = ProblemLog(table.name)

    def cells(key: str) -> pd.Series:
        return frame.iloc[:, positions[key]]

    def header(key: str) -> str:
        return columns[positions[key]]

    month = _months(cells("month_year"), header("month_year"), log, today)
    level = _levels(cells("area_type"), header("area_type"), log)
    text = {key: text_cells(cells(key)) for key in DUPLICATE_KEY if key != "month_year"}
    measure = _measures(text, {k: header(k) for k in text}, rows, log)
    values, reasons = whole_counts(cells("count"))
    for row, reason in reasons.items():
        log.error(reason, row=int(row), column=header("count"), group="bad count")
    area_code = _area_codes(level, text, values, header("area_code"), rows, log)

    keys = pd.DataFrame({"month_year": month, **text}, index=rows)
    repeated = _duplicates(keys, log)
    _check_contiguous(month, header("month_year"), log)

    valid = month.notna() & level.notna() & measure.notna() & area_code.notna() & ~repeated
    valid &= ~pd.Series(rows.isin(reasons.index), index=rows)
    out = pd.DataFrame(
        {
            "measure": measure[valid],
            "level": level[valid],
            "area_code": area_code[valid],
            "month": month[valid],
            "value": values[valid],
        }
    )
    _compare_levels(out, log)
    counts = counts_frame(out)

    known = month.dropna()
    coverage = []
    if not known.empty:
        first, last = known.min(), known.max()
        pairs = out[["measure", "level"]].drop_duplicates().sort_values(["measure", "level"])
        coverage = [(m, lv, first, last) for m, lv in pairs.itertuples(index=False)]
    meta: dict[str, object] = {
        "crime_types": sorted(set(text["crime_type"]) - {""}),
        "months": f"{month_label(known.min())} to {month_label(known.max())}"
        if not known.empty
        else "none",
        "measures": sorted(set(out["measure"])),
        "levels": sorted(set(out["level"])),
    }
    if "refresh_date" in positions:
        refreshed = _refresh_date(cells("refresh_date"))
        if refreshed:
            meta["refresh_date"] = refreshed
    placed = valid & (area_code != areas.UNALLOCATED_CODE)
    named = text["area_name"][placed].groupby(area_code[placed]).first()
    return ReadResult(
        kind=KIND,
        frame=counts,
        problems=log.finish(),
        rows_rejected=log.rows_rejected,
        rows_read=len(frame),
        coverage=coverage_frame(coverage),
        meta=meta,
        area_names={str(code): str(name) for code, name in named.items()},
        area_name_column=header("area_name"),
    )


def _months(
    cells: pd.Series, column: str, log: ProblemLog, today: datetime.date | None
) -> pd.Series:
    today = today or datetime.date.today()
    if pd.api.types.is_datetime64_any_dtype(cells.dtype):
        month = cells.dt.to_period("M").dt.to_timestamp()
    else:
        lookup = {value: parse_month(value) for value in cells.dropna().unique()}
        month = cells.map(lookup)
    return check_months(
        pd.to_datetime(month),
        cells,
        column,
        log,
        today,
        unreadable="the month is {shown}; expected a date such as 2022-03-01, 01/03/2022, "
        "2022-03 or Mar-22",
        future="month in the future: {month} is after the current month {current}",
        groups=("bad month", "future month"),
        shown=_shown_month,
    )


def _check_contiguous(month: pd.Series, column: str, log: ProblemLog) -> None:
    """A month with no rows between the first and the last would read as zero offences."""
    if month.isna().any():
        return  # a refused month cell is reported already; the gap it leaves is its echo
    present = set(month)
    if len(present) < 2:
        return
    expected = pd.date_range(min(present), max(present), freq="MS")
    missing = [m for m in expected if m not in present]
    if not missing:
        return
    shown = ", ".join(month_label(m) for m in missing[:12])
    more = f" and {len(missing) - 12} more" if len(missing) > 12 else ""
    log.error(
        f"months are missing in the middle of the file: there are no rows for {shown}{more}, "
        f"between {month_label(min(present))} and {month_label(max(present))}",
        column=column,
    )


def _shown_month(value: object) -> str:
    return "blank" if pd.isna(value) or str(value).strip() == "" else repr(value)


def _levels(cells: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    text = text_cells(cells)
    level = text.str.lower().map(AREA_TYPES)
    for value in sorted(set(text[level.isna()])):
        which = (text == value).to_numpy()
        log.error(
            f"the area type {_shown(value)} is neither 'Borough' nor 'Safer "
            f"Neighbourhood Teams' ({plural(int(which.sum()), 'row')})",
            row=int(cells.index[which][0]),
            column=column,
        )
    return level


def _measures(
    text: dict[str, pd.Series], headers: dict[str, str], rows: pd.Index, log: ProblemLog
) -> pd.Series:
    """The catalogue id of every row; one error per distinct unknown series."""
    triples = pd.DataFrame(
        {k: text[k] for k in ("crime_type", "crime_subtype", "measure")}, index=rows
    )
    lookup = {
        triple: dashboard_measure_id(*triple)
        for triple in triples.drop_duplicates().itertuples(index=False, name=None)
    }
    measure = pd.Series(
        [lookup[t] for t in triples.itertuples(index=False, name=None)], index=rows, dtype=object
    )
    unknown = triples[measure.isna()]
    if unknown.empty:
        return measure
    known_type = unknown["crime_type"].map(lambda t: _catalogue_key(t) in DASHBOARD_CRIME_TYPES)
    known_measure = unknown["measure"].map(lambda m: _catalogue_key(m) in DASHBOARD_MEASURE_COLUMN)
    reported: set[tuple[str, str]] = set()
    for row, (crime_type, subtype, what) in unknown.iterrows():
        if not known_type.loc[row]:
            key, column = ("crime_type", crime_type), headers["crime_type"]
            reason = (
                f"the crime type {_shown(crime_type)} is not one the dashboard knows "
                "(Knife Crime, Gun Crime)"
            )
            which = unknown["crime_type"] == crime_type
        elif not known_measure.loc[row]:
            key, column = ("measure", what), headers["measure"]
            reason = f"the measure {_shown(what)} is neither 'Offences' nor 'Positive Outcomes'"
            which = unknown["measure"] == what
        else:
            key, column = ("subtype", f"{crime_type}|{subtype}"), headers["crime_subtype"]
            reason = (
                f"the {crime_type} subtype {_shown(subtype)} is not in the measure "
                "catalogue; add it to data/catalogue.py or correct the file"
            )
            which = (unknown["crime_type"] == crime_type) & (unknown["crime_subtype"] == subtype)
        if key in reported:
            continue
        reported.add(key)
        log.error(f"{reason} ({plural(int(which.sum()), 'row')})", row=int(row), column=column)
    return measure


def _shown(value: str) -> str:
    return repr(value) if value else "(blank)"


def _catalogue_key(text: str) -> str:
    """Text as the catalogue compares it: lower case, words only."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _area_codes(
    level: pd.Series,
    text: dict[str, pd.Series],
    values: pd.Series,
    column: str,
    rows: pd.Index,
    log: ProblemLog,
) -> pd.Series:
    """Each row's area code, UNALLOCATED for placeholders, or None (reported as an error)."""
    combos = pd.DataFrame(
        {
            "level": level.astype(object),
            "code": text["area_code"],
            "name": text["area_name"],
            "snt": text["borough_snt"],
        },
        index=rows,
    )
    resolved = {
        combo: _resolve_area(*combo)
        for combo in combos.drop_duplicates().itertuples(index=False, name=None)
    }
    results = [resolved[c] for c in combos.itertuples(index=False, name=None)]
    code = pd.Series([r[0] for r in results], index=rows, dtype=object)
    label = pd.Series([r[1] for r in results], index=rows, dtype=object)
    error = pd.Series([r[2] for r in results], index=rows, dtype=object)

    for row in rows[error.notna().to_numpy()]:
        log.error(error.loc[row], row=int(row), column=column, group="bad area code")

    summary = pd.DataFrame(
        {
            "level": level,
            "label": label,
            "value": values,
            "offences": values.where(text["measure"].str.lower() == "offences", 0),
            "row": rows,
        },
        index=rows,
    ).dropna(subset=["level", "label"])
    totals = summary.groupby(["level", "label"], sort=True).agg(
        rows=("row", "size"),
        first=("row", "min"),
        value=("value", "sum"),
        offences=("offences", "sum"),
    )
    for (lv, what), t in totals.iterrows():
        log.warning(
            f"{what}: {plural(int(t['rows']), 'row')} at {lv} level ({int(t['value']):,} "
            f"counts, of which {int(t['offences']):,} offences) are kept as unallocated "
            "London totals and are not shown on the map",
            row=int(t["first"]),
            column=column,
        )
    return code


def _resolve_area(
    level: str | None, code: str, name: str, snt: str
) -> tuple[str | None, str | None, str | None]:
    """(area code, placeholder label if unallocated, error if unusable)."""
    if level is None or pd.isna(level):
        return None, None, None  # already reported against the area type
    upper = code.upper()
    if upper in PLACEHOLDER_CODES:
        return areas.UNALLOCATED_CODE, f"the area code {code!r} is not a place", None
    if level == "borough":
        if upper == "":
            if name == "":
                return areas.UNALLOCATED_CODE, "the area name and code are blank", None
            if name.lower() in {n.lower() for n in PLACEHOLDER_BOROUGH_NAMES}:
                return areas.UNALLOCATED_CODE, f"{name!r} is not a borough", None
            return (
                None,
                None,
                (
                    f"the area code is blank for {name!r}, which is not one of the non-geographic "
                    f"rows ({', '.join(PLACEHOLDER_BOROUGH_NAMES)})"
                ),
            )
        if areas.is_borough_code(upper) and upper in areas.BOROUGHS:
            return upper, None, None
        return None, None, f"{code!r} is not a London borough code (E09 followed by six digits)"
    inactive = INACTIVE_MARKER.lower() in f"{name} {snt}".lower()
    if upper in INACTIVE_WARDS or (inactive and areas.is_ward_code(upper)):
        ward = INACTIVE_WARDS.get(upper, name)
        return (
            areas.UNALLOCATED_CODE,
            f"the inactive pre-2022 ward {upper} ({ward}) has no 2022 boundary",
            None,
        )
    if upper == "":
        return areas.UNALLOCATED_CODE, "the ward code is blank", None
    if areas.is_ward_code(upper):
        return upper, None, None
    return (
        None,
        None,
        (
            f"{code!r} is not a ward code (E05 followed by six digits) nor one of the "
            f"placeholder codes {', '.join(PLACEHOLDER_CODES)}"
        ),
    )


def _duplicates(keys: pd.DataFrame, log: ProblemLog) -> pd.Series:
    """Rows identical to an earlier row in every identifying column."""
    key = keys.astype("str").fillna("")
    repeated = key.duplicated(keep="first")
    if not repeated.any():
        return repeated
    rows = pd.Series(keys.index, index=keys.index)
    first = rows.groupby([key[c] for c in key.columns]).transform("first")
    for row in keys.index[repeated.to_numpy()]:
        log.error(
            f"rows {int(first.loc[row])} and {int(row)} hold the same month, area, crime "
            "subtype and measure; each may appear only once",
            row=int(row),
            group="duplicate",
        )
    return repeated


def _compare_levels(out: pd.DataFrame, log: ProblemLog) -> None:
    """The borough and ward rows are two views of the same offences: say if they differ."""
    if out["level"].nunique() < 2:
        return
    totals = out.groupby(["measure", "level"])["value"].sum().unstack("level", fill_value=0)
    for measure_id, row in totals.iterrows():
        borough, ward = int(row.get("borough", 0)), int(row.get("ward", 0))
        if borough != ward:
            log.warning(
                f"{measure_id.replace('_', ' ')}: the borough rows add up to {borough:,} "
                f"but the ward rows to {ward:,}; both levels should hold the same total"
            )


def _refresh_date(cells: pd.Series) -> str | None:
    if pd.api.types.is_datetime64_any_dtype(cells.dtype):
        latest = cells.max()
        return None if pd.isna(latest) else latest.strftime("%Y-%m-%d")
    dates = []
    for value in text_cells(cells).unique():
        for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S"):
            try:
                dates.append(datetime.datetime.strptime(value, fmt).date())
                break
            except ValueError:
                continue
    return max(dates).isoformat() if dates else None
