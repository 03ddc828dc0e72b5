"""Reader of the ONS best-fit lookup from 2021 LSOAs to electoral wards and local
authorities, for London only.

Ward populations are built by adding whole LSOAs through this lookup, so an LSOA
listed twice would count its residents twice: that is an error, not a warning. The
ONS republishes the lookup for each new set of ward boundaries (WD22, WD24, WD25...),
so any vintage of ward and local authority columns is accepted; the LSOAs must be the
2021 ones, which the Census populations and the boundaries use.
"""

from __future__ import annotations

import re

import pandas as pd

from data import areas
from data.frames import LOOKUP_COLUMNS, empty
from data.problems import ProblemLog, ReadResult
from data.readers.cells import str_cells
from data.readers.tables import RawTable

KIND = "lsoa_ward_lookup"
KINDS = (KIND,)
LSOA_VINTAGE = "21"

_COLUMN = re.compile(r"^(LSOA|WD|LAD)(\d{2})(CD|NM)$")


def _parts(column: object) -> tuple[str, str, str] | None:
    """("WD", "25", "CD") for "WD25CD" (any case, BOM or spaces ignored)."""
    text = str(column).strip().lstrip("\ufeff").upper().replace(" ", "").replace("_", "")
    match = _COLUMN.match(text)
    return (match[1], match[2], match[3]) if match else None


def recognise(columns: list[str]) -> str | None:
    found = {p[0] + p[2] for p in map(_parts, columns) if p}
    if "LSOACD" in found and "WDCD" in found:
        return KIND
    return None


def _columns(columns: list[str], log: ProblemLog) -> tuple[dict[str, str], str] | None:
    """The column for each role and the ward vintage ("WD25"), or None after reporting."""
    by_role: dict[tuple[str, str], dict[str, str]] = {}
    for column in columns:
        parts = _parts(column)
        if parts:
            geography, year, suffix = parts
            by_role.setdefault((geography, suffix), {})[year] = column
    lsoa = by_role.get(("LSOA", "CD"), {})
    if lsoa and LSOA_VINTAGE not in lsoa:
        shown = next(iter(lsoa.values()))
        log.error(
            f"the lookup is for 20{next(iter(lsoa))} LSOAs ({shown}); the dashboard uses 2021 "
            "LSOAs, so upload the ONS 'LSOA (2021) to Electoral Ward to LAD' best-fit lookup",
            row=1,
            column=shown,
        )
        return None
    ward_years = sorted(by_role.get(("WD", "CD"), {}))
    chosen: dict[str, str] = {}
    year = ward_years[-1] if ward_years else None
    if len(ward_years) > 1:
        log.warning(
            "the lookup has ward codes for several years "
            f"({', '.join('WD' + y for y in ward_years)}); the newest, WD{year}, was used",
            row=1,
        )
    needs = {
        "lsoa_code": ("LSOA", "CD", LSOA_VINTAGE),
        "ward_code": ("WD", "CD", year),
        "ward_name": ("WD", "NM", year),
        "lad_code": ("LAD", "CD", None),
    }
    missing = []
    for role, (geography, suffix, wanted) in needs.items():
        options = by_role.get((geography, suffix), {})
        if wanted is None and options:
            wanted = sorted(options)[-1]
        if wanted is not None and wanted in options:
            chosen[role] = options[wanted]
        else:
            missing.append(f"{geography}{wanted or 'yy'}{suffix}")
    if missing:
        log.error(
            f"the header row has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}; the lookup needs LSOA21CD, a ward code and "
            "name (e.g. WD25CD, WD25NM) and a local authority code (e.g. LAD25CD)",
            row=1,
        )
        return None
    return chosen, f"WD{year}"


def read(table: RawTable, kind: str | None = None) -> ReadResult:
    """Read London's rows of the lookup; problems are returned, not raised."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    log = ProblemLog(table.name)
    found = _columns(columns, log)
    if found is None:
        return ReadResult(
            KIND,
            empty(LOOKUP_COLUMNS),
            log.finish(),
            rows_read=len(frame),
            rows_rejected=log.rows_rejected,
        )
    chosen, vintage = found
    cells = {
        role: str_cells(frame.iloc[:, columns.index(column)]) for role, column in chosen.items()
    }
    lsoa = cells["lsoa_code"].str.upper()
    ward = cells["ward_code"].str.upper()
    name = cells["ward_name"]
    lad = cells["lad_code"].str.upper()
    london = lad.isin(areas.BOROUGHS)

    valid = london.copy()
    checks = (
        ("lsoa_code", lsoa, areas.is_lsoa_code, "an LSOA code (E01 followed by six digits)"),
        ("ward_code", ward, areas.is_ward_code, "a ward code (E05 followed by six digits)"),
    )
    for role, codes, check, what in checks:
        bad = london & ~codes.map(check).astype(bool)
        for row in frame.index[bad.to_numpy()]:
            value = codes.loc[row]
            log.error(
                f"the {role.replace('_', ' ')} is blank"
                if value == ""
                else f"{value!r} is not {what}",
                row=int(row),
                column=chosen[role],
                group=f"bad {role}",
            )
        valid &= ~bad
    blank_name = london & (name == "")
    for row in frame.index[blank_name.to_numpy()]:
        log.error(
            f"the ward name is blank for ward {ward.loc[row]}",
            row=int(row),
            column=chosen["ward_name"],
            group="blank ward name",
        )
    valid &= ~blank_name
    valid &= ~_repeated_lsoas(lsoa, london, chosen["lsoa_code"], log)
    _ward_consistency(ward, name, lad, valid, chosen, log)

    out = pd.DataFrame(
        {
            "lsoa_code": lsoa[valid],
            "ward_code": ward[valid],
            "ward_name": name[valid],
            "borough_code": lad[valid],
        }
    )[LOOKUP_COLUMNS].reset_index(drop=True)
    if out.empty and not log.has_errors:
        log.error(
            f"the lookup has no London rows: no {chosen['lad_code']} code is a London borough "
            "(E09000001 to E09000033)",
            column=chosen["lad_code"],
        )
    meta: dict[str, object] = {
        "vintage": vintage,
        "lad_vintage": chosen["lad_code"].upper().removesuffix("CD"),
        "lsoas": int(out["lsoa_code"].nunique()),
        "wards": int(out["ward_code"].nunique()),
        "boroughs": int(out["borough_code"].nunique()),
        "rows_outside_london": int((~london).sum()),
    }
    return ReadResult(
        KIND, out, log.finish(), rows_read=len(frame), rows_rejected=log.rows_rejected, meta=meta
    )


def _repeated_lsoas(lsoa: pd.Series, london: pd.Series, column: str, log: ProblemLog) -> pd.Series:
    """Rows repeating an LSOA that a London row lists; both rows are named."""
    in_london = lsoa[london]
    concerned = lsoa.isin(set(in_london))
    repeated = lsoa[concerned].duplicated(keep="first")
    if not repeated.any():
        return pd.Series(False, index=lsoa.index)
    first = (
        pd.Series(lsoa[concerned].index, index=lsoa[concerned].index)
        .groupby(lsoa[concerned].to_numpy())
        .transform("first")
    )
    for row in repeated.index[repeated.to_numpy()]:
        log.error(
            f"rows {int(first.loc[row])} and {int(row)} both list LSOA {lsoa.loc[row]}; a "
            "best-fit lookup gives each LSOA exactly one ward",
            row=int(row),
            column=column,
            group="repeated LSOA",
        )
    # Every row of a repeated LSOA is dropped: which ward is right cannot be told.
    twice = lsoa.isin(set(lsoa[concerned][repeated]))
    return twice


def _ward_consistency(
    ward: pd.Series,
    name: pd.Series,
    lad: pd.Series,
    valid: pd.Series,
    chosen: dict[str, str],
    log: ProblemLog,
) -> None:
    """A ward lies in one borough and has one name."""
    rows = pd.DataFrame({"ward": ward, "name": name, "lad": lad})[valid]
    for column, role, what, severity in (
        ("lad", "lad_code", "boroughs", "error"),
        ("name", "ward_name", "names", "warning"),
    ):
        spread = rows.groupby("ward")[column].nunique()
        for code in spread[spread > 1].index:
            group = rows[rows["ward"] == code]
            values = list(dict.fromkeys(group[column]))
            log.add(
                f"ward {code} has {len(values)} different {what} ({', '.join(values)}); "
                "a ward belongs to one borough and has one name",
                row=int(group.index[0]),
                column=chosen[role],
                severity=severity,
                group=f"ward with several {what}",
            )
