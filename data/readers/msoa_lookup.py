"""Reader of a lookup from 2021 LSOAs to 2021 MSOAs, for London only.

The workday population is published by MSOA and carried to wards through the LSOAs
inside each MSOA (data.workday), so this is the link between the two. It comes in
any table with LSOA21CD, MSOA21CD and a local authority code column: the ONS
"Output Area to LSOA to MSOA to LAD" lookup (an Output Area per row, so an LSOA
repeats with the same MSOA) or the attribute table of the ONS LSOA 2021 boundary
shapefile (`.dbf`, one LSOA per row). LSOAs nest in MSOAs and MSOAs in local
authorities, so an LSOA with two MSOAs, or an MSOA in two boroughs, is an error.
"""

from __future__ import annotations

import re

import pandas as pd

from data import areas
from data.frames import MSOA_LOOKUP_COLUMNS, empty
from data.problems import ProblemLog, ReadResult
from data.readers.cells import str_cells
from data.readers.tables import RawTable
from data.readers.workday import is_msoa_code

KIND = "lsoa_msoa_lookup"
KINDS = (KIND,)
VINTAGE = "21"

_COLUMN = re.compile(r"^(LSOA|MSOA|LAD|WD)(\d{2})(CD|NM|NMW)$")


def _parts(column: object) -> tuple[str, str, str] | None:
    text = str(column).strip().lstrip("\ufeff").upper().replace(" ", "").replace("_", "")
    match = _COLUMN.match(text)
    return (match[1], match[2], match[3]) if match else None


def _codes(columns: list[str]) -> dict[str, dict[str, str]]:
    """Geography -> {vintage: column} of the code columns."""
    found: dict[str, dict[str, str]] = {}
    for column in columns:
        parts = _parts(column)
        if parts and parts[2] == "CD":
            found.setdefault(parts[0], {})[parts[1]] = column
    return found


def recognise(columns: list[str]) -> str | None:
    # A lookup with ward columns is the ward lookup (data.readers.lookup).
    found = _codes(columns)
    if "LSOA" in found and "MSOA" in found and "WD" not in found:
        return KIND
    return None


def read(table: RawTable, kind: str | None = None) -> ReadResult:
    """London's LSOAs with their MSOA and borough; problems are returned, not raised."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    log = ProblemLog(table.name)
    found = _codes(columns)
    chosen: dict[str, str] = {}
    for role, geography in (("lsoa_code", "LSOA"), ("msoa_code", "MSOA")):
        vintages = found.get(geography, {})
        if VINTAGE not in vintages:
            shown = ", ".join(vintages.values())
            log.error(
                f"the lookup has {geography} codes of another year ({shown}); the workday "
                f"population needs 2021 LSOAs and MSOAs ({geography}21CD)",
                row=1,
                column=next(iter(vintages.values()), None),
            )
        else:
            chosen[role] = vintages[VINTAGE]
    lads = found.get("LAD", {})
    if not lads:
        log.error(
            "the header row has no local authority code column (e.g. LAD22CD), so London's "
            "rows cannot be told from the rest of England and Wales",
            row=1,
        )
    else:
        chosen["borough_code"] = lads[sorted(lads)[-1]]
    if log.has_errors:
        return ReadResult(
            KIND, empty(MSOA_LOOKUP_COLUMNS), log.finish(), rows_read=len(frame),
            rows_rejected=log.rows_rejected,
        )  # fmt: skip

    lsoa = str_cells(frame[chosen["lsoa_code"]]).str.upper()
    msoa = str_cells(frame[chosen["msoa_code"]]).str.upper()
    lad = str_cells(frame[chosen["borough_code"]]).str.upper()
    london = lad.isin(areas.BOROUGHS)
    valid = london.copy()
    for role, codes, check, what in (
        ("lsoa_code", lsoa, areas.is_lsoa_code, "an LSOA code (E01 and six digits)"),
        ("msoa_code", msoa, is_msoa_code, "an MSOA code (E02 and six digits)"),
    ):
        bad = london & ~codes.map(check).astype(bool)
        for row in frame.index[bad.to_numpy()]:
            value = codes.loc[row]
            log.error(
                f"the {role.split('_')[0].upper()} code is blank"
                if value == ""
                else f"{value!r} is not {what}",
                row=int(row),
                column=chosen[role],
                group=f"bad {role}",
            )
        valid &= ~bad

    pairs = pd.DataFrame({"lsoa": lsoa, "msoa": msoa, "lad": lad})[valid]
    for column, child, parent, what in (
        ("msoa_code", "lsoa", "msoa", "MSOAs"),
        ("borough_code", "msoa", "lad", "boroughs"),
    ):
        spread = pairs.groupby(child)[parent].nunique()
        for code in spread[spread > 1].index:
            rows = pairs[pairs[child] == code]
            values = list(dict.fromkeys(rows[parent]))
            log.error(
                f"{child.upper()} {code} is in {len(values)} different {what} "
                f"({', '.join(values)}); each lies in exactly one",
                row=int(rows.index[1]),
                column=chosen[column],
                group=f"{child} in several {what}",
            )
            valid &= ~(lsoa if child == "lsoa" else msoa).eq(code)

    found = {"lsoa_code": lsoa[valid], "msoa_code": msoa[valid], "borough_code": lad[valid]}
    out = (
        pd.DataFrame(found)
        .drop_duplicates("lsoa_code")
        .sort_values("lsoa_code")[MSOA_LOOKUP_COLUMNS]
        .reset_index(drop=True)
    )
    if out.empty and not log.has_errors:
        log.error(
            f"the lookup has no London rows: no {chosen['borough_code']} code is a London "
            "borough (E09000001 to E09000033)",
            column=chosen["borough_code"],
        )
    meta: dict[str, object] = {
        "lsoas": int(out["lsoa_code"].nunique()),
        "msoas": int(out["msoa_code"].nunique()),
        "boroughs": int(out["borough_code"].nunique()),
        "rows_outside_london": int((~london).sum()),
    }
    return ReadResult(
        KIND, out, log.finish(), rows_read=len(frame), rows_rejected=log.rows_rejected, meta=meta
    )
