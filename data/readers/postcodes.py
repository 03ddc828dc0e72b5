"""Reader of OS Code-Point Open: every live unit postcode with its point and its ward.

The product comes as one CSV per postcode area with no header row, and a separate
file of column headers in two forms: long (`Postcode, Positional_quality_indicator,
Eastings, Northings, Country_code, NHS_regional_HA_code, NHS_HA_code,
Admin_county_code, Admin_district_code, Admin_ward_code`) and short (`PC, PQ, EA,
NO, CY, RH, LH, CC, DC, WC`). A file with either header row is read; one with none
(its first row a postcode) is refused with the header row it needs. Only London's
rows (local authority E09) are kept, so the whole of Great Britain or London's
extract give the same table.

A postcode is checked as a London row: a full unit postcode (any spacing or case;
kept in its published form, "SW2 1RW"), listed once, in a ward (E05 code); its
point, where there is one, inside Great Britain's national grid. Whether the ward
exists and lies in that borough is checked against the boundaries when the version
is built (`canonical.check_postcode_wards`).
"""

from __future__ import annotations

import pandas as pd

from data import areas
from data.frames import POSTCODE_COLUMNS, empty
from data.postcodes import canonical
from data.problems import ProblemLog, ReadResult
from data.readers.cells import column_key, plural, report_refused, str_cells
from data.readers.tables import RawTable

KIND = "postcodes"
KINDS = (KIND,)

# The product's column order, and each role's long and short header.
OFFICIAL_HEADERS = (
    ("postcode", "Postcode", "PC"),
    ("quality", "Positional_quality_indicator", "PQ"),
    ("easting", "Eastings", "EA"),
    ("northing", "Northings", "NO"),
    ("country", "Country_code", "CY"),
    ("nhs_region", "NHS_regional_HA_code", "RH"),
    ("nhs_ha", "NHS_HA_code", "LH"),
    ("county", "Admin_county_code", "CC"),
    ("district", "Admin_district_code", "DC"),
    ("ward", "Admin_ward_code", "WC"),
)
NEEDED = ("postcode", "quality", "easting", "northing", "district", "ward")
_KEYS = {column_key(h): role for role, long, short in OFFICIAL_HEADERS for h in (long, short)}
# Code-Point Open's positional quality indicators (its user guide): 10, 20, 30 placed
# within a building or a property's boundary, 40 and 50 estimated, 60 the postcode
# sector's mean, 90 no grid reference at all.
QUALITIES = frozenset({10, 20, 30, 40, 50, 60, 90})
NO_POINT = 90
# The national grid's extent (metres): a point outside it is not in Great Britain.
GRID = {"easting": (0, 700_000), "northing": (0, 1_300_000)}


def _roles(columns: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, column in enumerate(columns):
        role = _KEYS.get(column_key(column))
        if role is not None and role not in found:
            found[role] = i
    return found


def _headerless(columns: list[str]) -> bool:
    """The header row is one of the product's own rows: it starts with a postcode."""
    return len(columns) >= len(NEEDED) and canonical(str(columns[0])) is not None


def recognise(columns: list[str]) -> str | None:
    roles = _roles(columns)
    if {"postcode", "district", "ward"} <= set(roles):
        return KIND
    if _headerless(columns):
        return KIND  # to say what it lacks, rather than "not a supported format"
    return None


def missing_headers(columns: list[str]) -> tuple[str, list[str], int]:
    roles = _roles(columns)
    long = {role: name for role, name, _ in OFFICIAL_HEADERS}
    missing = [long[r] for r in NEEDED if r not in roles]
    return "the OS Code-Point Open layout", missing, len(NEEDED) - len(missing)


def read(table: RawTable, kind: str | None = None) -> ReadResult:
    """London's unit postcodes; problems are returned, not raised."""
    log = ProblemLog(table.name)
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    roles = _roles(columns)
    missing = [r for r in NEEDED if r not in roles]
    long = {role: name for role, name, _ in OFFICIAL_HEADERS}
    if missing and _headerless(columns):
        log.error(
            f"the file has no header row: its first row is a postcode ({columns[0]}). "
            "Code-Point Open's area files come without one; put the product's header row "
            "(its Doc/Code-Point_Open_Column_Headers.csv: " + ", ".join(long.values())
            + ") above the first postcode and upload the file again",
            row=1,
        )  # fmt: skip
    elif missing:
        log.error(
            "the header row has no " + ", ".join(long[r] for r in missing) + " column"
            + ("s" if len(missing) > 1 else "")
            + "; Code-Point Open's columns are " + ", ".join(long.values()),
            row=1,
        )  # fmt: skip
    if missing:
        return ReadResult(KIND, empty(POSTCODE_COLUMNS), log.finish(), rows_read=len(frame),
                          rows_rejected=log.rows_rejected)  # fmt: skip
    header = {role: columns[i] for role, i in roles.items()}
    cells = {role: str_cells(frame.iloc[:, i]) for role, i in roles.items()}
    district = cells["district"].str.strip('"').str.upper()
    london = district.isin(areas.BOROUGHS)
    valid = london.copy()

    raw_postcode = cells["postcode"].str.strip('"')
    postcode = raw_postcode.map(canonical)
    bad = london & postcode.isna()
    report_refused(raw_postcode, bad, header["postcode"], log,
                   "{shown} is not a full unit postcode (such as SW2 1RW)",
                   "not a postcode")  # fmt: skip
    valid &= ~bad

    ward = cells["ward"].str.strip('"').str.upper()
    bad = london & ~ward.map(areas.is_ward_code).astype(bool)
    report_refused(ward, bad, header["ward"], log,
                   "the ward code {shown} is not a ward code (E05 followed by six digits)",
                   "bad ward code")  # fmt: skip
    valid &= ~bad

    quality = pd.to_numeric(cells["quality"].str.strip('"'), errors="coerce")
    bad = london & (quality.isna() | (quality % 1 != 0))
    report_refused(cells["quality"], bad, header["quality"], log,
                   "the positional quality indicator {shown} is not a whole number",
                   "bad quality")  # fmt: skip
    valid &= ~bad
    unknown = london & ~bad & ~quality.isin(QUALITIES)
    for row in frame.index[unknown.to_numpy()][:1]:
        log.warning(
            f"{int(unknown.sum()):,} rows have a positional quality indicator that "
            f"Code-Point Open does not define (the first, {quality.loc[row]:g}); they were "
            f"kept, first at row {int(row)}",
            column=header["quality"],
        )

    points = {}
    for role in ("easting", "northing"):
        text = cells[role].str.strip('"')
        number = pd.to_numeric(text.where(text.str.fullmatch(r"-?[0-9]+(\.[0-9]+)?"), None),
                               errors="coerce")  # fmt: skip
        low, high = GRID[role]
        blank = text == ""
        bad = london & ~blank & (number.isna() | (number < low) | (number > high))
        report_refused(text, bad, header[role], log,
                       f"the {role} {{shown}} is not a national grid {role} ({low:,} to "
                       f"{high:,} metres)", f"bad {role}")  # fmt: skip
        valid &= ~bad
        points[role] = number.where(~blank)
    # No grid reference: the product writes 0, 0 with quality 90, or leaves them blank.
    no_point = (quality == NO_POINT) | points["easting"].isna() | points["northing"].isna()
    no_point |= (points["easting"] == 0) & (points["northing"] == 0)
    pointless = london & valid & no_point
    if pointless.any():
        first = int(frame.index[pointless.to_numpy()][0])
        log.warning(
            f"{plural(int(pointless.sum()), 'London postcode')} without a grid reference (the "
            f"first at row {first}): the search still finds them, as it needs only their ward",
            column=header["easting"],
        )
    valid &= ~_repeated(postcode, valid, header["postcode"], log)

    out = pd.DataFrame(
        {
            "postcode": postcode[valid],
            "ward_code": ward[valid],
            "borough_code": district[valid],
            "easting": points["easting"][valid].where(~no_point[valid]).astype(float),
            "northing": points["northing"][valid].where(~no_point[valid]).astype(float),
            "quality": quality[valid].fillna(0).astype("int64"),
        }
    )[POSTCODE_COLUMNS]
    # The row of each ward's first postcode, and of each postcode, so that a code the
    # boundaries do not know is reported where it is (canonical.check_postcode_wards).
    rows = {code: int(row) for row, code in ward[valid].iloc[::-1].items()}
    rows.update({code: int(row) for row, code in postcode[valid].items()})
    if out.empty and not log.has_errors:
        log.error(
            f"the file has no London postcodes: no {header['district']} code is a London "
            "borough (E09000001 to E09000033)",
            column=header["district"],
        )
    meta: dict[str, object] = {
        "postcodes": len(out),
        "wards": int(out["ward_code"].nunique()),
        "boroughs": int(out["borough_code"].nunique()),
        "rows_outside_london": int((~london).sum()),
    }
    return ReadResult(
        KIND,
        out.reset_index(drop=True),
        log.finish(),
        rows_read=len(frame),
        rows_rejected=log.rows_rejected,
        meta=meta,
        area_rows=rows,
        area_column=header["ward"],
    )


def _repeated(postcode: pd.Series, valid: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    """Rows listing a postcode an earlier row lists: each is named with the first. Every
    row of a repeated postcode is dropped (which ward is right cannot be told)."""
    listed = postcode[valid]
    again = listed.duplicated(keep="first")
    if not again.any():
        return pd.Series(False, index=postcode.index)
    first_row = pd.Series(listed.index, index=listed.index).groupby(listed.to_numpy())
    first = first_row.transform("first")
    for row in listed.index[again.to_numpy()]:
        log.error(
            f"rows {int(first.loc[row])} and {int(row)} both list {listed.loc[row]}; each "
            "postcode is listed once",
            row=int(row),
            column=column,
            group="repeated postcode",
        )
    return postcode.isin(set(listed[again])) & valid
