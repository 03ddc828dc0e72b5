"""Reconciliation: does a view add up to its total, and if not, where is the rest?

Every view of areas sets the sum of the areas it shows against the total they belong
to, and names the difference:

- across London, the total is London's own figure (every borough-level row the MPS
  published, including offences it placed in no borough); the areas shown miss the
  offences the MPS could not place in an area of that level: placeholder codes in
  the file ("-1", "N/K", "NON ATHENA FORCE", wards that ceased in 2022, airports)
  and, for files that leave them out altogether (the recorded-crime ward and LSOA
  files), offences that are in the borough file but in no row of the finer file;
- within a borough or a BCU, the total is that borough's own borough-level figure
  (a BCU's is the sum of its boroughs' own figures), and the difference is offences
  recorded in the borough that the MPS did not place in one of its wards.

Totals come from one level and sums from another, and the two are only ever set
side by side, never added: the MPS files give the same offences once per level.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.areas import LONDON_CODE, UNALLOCATED_CODE, bcu_code
from data.dataset import Dataset
from data.periods import Period, resolve
from data.profiles import measure_noun

SHOWN_LEVELS = ("bcu", "borough", "ward", "lsoa")
LEVEL_WORDS = {
    "bcu": ("BCU", "BCUs"),
    "borough": ("borough", "boroughs"),
    "ward": ("ward", "wards"),
    "lsoa": ("small area (LSOA)", "small areas (LSOAs)"),
}
# The `row_type` of the rows a download ends with.
TOTAL, SUM, DIFFERENCE = "total", "sum of areas shown", "difference"


@dataclass(frozen=True)
class Reconciliation:
    """One view's total, the sum of its areas and the difference.

    `total` is the scope's own figure: London's (scope_level "london"), a borough's
    borough-level row ("borough") or a BCU's ("bcu"); None when no such figure covers
    the period. `shown` is the sum over the `areas_shown` areas of `level` in the
    scope (the City of London, not policed by the MPS, is never among them).
    `unallocated` is the part of the difference that the file of `level` itself
    carries under placeholder codes (London scope only; None within a borough or
    BCU, where a placeholder row cannot be told to belong to it).
    """

    measure: str
    noun: str  # "knife crime offences"
    level: str
    period: Period | None
    scope_code: str
    scope_name: str
    scope_level: str
    total: int | None
    shown: int
    areas_shown: int
    unallocated: int | None
    available: bool = True
    message: str = ""

    @property
    def difference(self) -> int | None:
        """Offences in the total that no area shown holds (negative: the areas hold more)."""
        return None if self.total is None else self.total - self.shown

    @property
    def not_in_file(self) -> int | None:
        """Of the difference, offences the level's file has no row for at all (London)."""
        if self.difference is None or self.unallocated is None:
            return None
        return self.difference - self.unallocated

    @property
    def sentence(self) -> str:
        return reconciliation_words(self)

    def rows(self) -> list[dict[str, object]]:
        """The rows a download of the view ends with: code, name, value, row_type."""
        if not self.available:
            return []
        one, many = LEVEL_WORDS[self.level]
        out: list[dict[str, object]] = []
        if self.total is not None:
            name = (
                "London total" if self.scope_level == "london" else f"{self.scope_name}'s own total"
            )
            out.append({"code": self.scope_code, "name": name, "value": self.total,
                        "row_type": TOTAL})  # fmt: skip
        shown = f"Sum of the {self.areas_shown:,} {many if self.areas_shown != 1 else one} shown"
        out.append({"code": "", "name": shown, "value": self.shown, "row_type": SUM})
        if self.difference is not None:
            out.append({"code": "", "name": _difference_label(self), "value": self.difference,
                        "row_type": DIFFERENCE})  # fmt: skip
        return out


def _difference_label(r: Reconciliation) -> str:
    one, many = LEVEL_WORDS[r.level]
    if r.scope_level == "london":
        return f"Not placed in a {one} (total minus sum)"
    if r.level == "borough":  # a BCU's boroughs: its total is theirs, so this is 0
        return f"Recorded in {r.scope_name} but in none of its boroughs (total minus sum)"
    where = "one of its" if r.scope_level == "borough" else "one of its boroughs'"
    return f"Recorded in {r.scope_name} but not placed in {where} {many} (total minus sum)"


def _scope(ds: Dataset, within: str) -> tuple[str, str, str, list[str]]:
    """(code, name, level, boroughs) of the scope a view is filtered to."""
    boroughs = ds.areas[(ds.areas["level"] == "borough") & ds.areas["covered"]]
    if not within:
        return LONDON_CODE, "London", "london", list(boroughs.index)
    if within not in ds.areas.index:
        raise ValueError(f"unknown area {within!r}")
    row = ds.areas.loc[within]
    if row["level"] == "bcu":
        members = list(boroughs.index[boroughs["bcu"] == row["bcu"]])
        return within, str(row["name"]), "bcu", members
    if row["level"] == "borough":
        return within, str(row["name"]), "borough", [within]
    raise ValueError(f"{within!r} is not a borough or a BCU: views are filtered to those")


def _window(ds: Dataset, measure: str, level: str, period: Period) -> pd.Series | None:
    series = ds.series(measure, level)
    if not series.covers(period.start, period.end):
        return None
    return pd.Series(series.window(period.start, period.end).sum(axis=1), index=series.areas)


def _in_scope(ds: Dataset, level: str, codes: pd.Index, boroughs: list[str]) -> np.ndarray:
    if level == "borough":
        return codes.isin(boroughs)
    if level == "ward":
        return ds.areas["parent_code"].reindex(codes).isin(boroughs).to_numpy()
    if level == "lsoa":
        lookup = ds.tables.lookup.set_index("lsoa_code")["borough_code"]
        return lookup.reindex(codes).isin(boroughs).to_numpy()
    bcus = {bcu_code(str(b)) for b in ds.areas.loc[boroughs, "bcu"]}
    return codes.isin(list(bcus))


def reconcile(
    ds: Dataset, measure: str, level: str, period: str = "r12", within: str = ""
) -> Reconciliation:
    """The reconciliation of a view: `measure` by `level` over `period` (a URL token,
    resolved like the map's), across London or `within` a borough or BCU (a code)."""
    if level not in SHOWN_LEVELS:
        raise ValueError(f"views show areas of {', '.join(SHOWN_LEVELS)}, not {level!r}")
    code, name, scope_level, boroughs = _scope(ds, within)
    noun, _ = measure_noun(ds, measure) if measure in ds.measures.index else (measure, measure)
    latest = ds.latest_month(measure, level)

    def nothing(chosen: Period | None, message: str) -> Reconciliation:
        return Reconciliation(
            measure, noun, level, chosen, code, name, scope_level, None, 0, 0, None, False, message
        )

    if latest is None:
        return nothing(None, "There is no data for this measure at this level.")
    chosen = resolve(period, latest)
    counts = _window(ds, measure, level, chosen)
    if counts is None:
        return nothing(chosen, f"There is no data for {chosen.label}.")
    placed = counts.drop(UNALLOCATED_CODE, errors="ignore")
    placed = placed[_in_scope(ds, level, placed.index, boroughs)]
    totals = _window(ds, measure, scope_level, chosen)
    total = int(totals[code]) if totals is not None and code in totals.index else None
    unallocated = None
    if scope_level == "london":
        # BCUs are sums of boroughs: what no BCU holds is what no borough holds.
        own = counts if level != "bcu" else _window(ds, measure, "borough", chosen)
        unallocated = int(own.get(UNALLOCATED_CODE, 0)) if own is not None else None
    return Reconciliation(
        measure=measure,
        noun=noun,
        level=level,
        period=chosen,
        scope_code=code,
        scope_name=name,
        scope_level=scope_level,
        total=total,
        shown=int(placed.sum()),
        areas_shown=len(placed),
        unallocated=unallocated,
    )


def period_phrase(label: str) -> str:
    """A period's label as it reads after "for" or "in": "the 12 months to February 2026",
    "the financial year 2025-26", but "February 2026" and "April to June 2025" as they
    are (a month's name keeps its capital and takes no "the")."""
    if label.split(" ", 1)[0] in calendar.month_name[1:]:
        return label
    return f"the {label[0].lower()}{label[1:]}"


def reconciliation_words(r: Reconciliation) -> str:
    """The view's reconciliation in plain words (see the module for what each part is)."""
    if not r.available:
        return r.message
    one, many = LEVEL_WORDS[r.level]
    n = r.areas_shown
    areas = f"{'the' if r.scope_level == 'london' else 'its'} {n:,} {one if n == 1 else many}"
    if r.scope_level == "london":
        areas += " shown"
    add = "adds up" if n == 1 else "add up"
    when = period_phrase(r.period.label)
    if r.total is None:
        return (
            f"{areas[0].upper()}{areas[1:]} {add} to {r.shown:,} {r.noun} in {when}; "
            f"{r.scope_name} has no total of its own for this period to set them against."
        )
    whose = "London's total" if r.scope_level == "london" else f"{r.scope_name}'s own total"
    head = f"{whose} for {when} is {r.total:,} {r.noun}"
    diff = r.difference
    if diff == 0:
        return f"{head}; {areas} {add} to exactly that."
    if diff < 0:
        return (
            f"{head}; {areas} {add} to {r.shown:,}, {-diff:,} more: the MPS publishes the "
            f"{one} and the higher-level figures in separate files that are not kept in step."
        )
    were = "was" if diff == 1 else "were"
    text = f"{head}; {areas} {add} to {r.shown:,}. The other {diff:,} {were} "
    if r.scope_level == "london":
        return text + (
            f"not placed by the MPS in a {one} (recorded without a usable "
            f"location, or under codes such as \u201cN/K\u201d or \u201c-1\u201d): "
            f"{'it counts' if diff == 1 else 'they count'} in London's total but in no area "
            "on the map."
        )
    where = "one of its" if r.scope_level == "borough" else "one of its boroughs'"
    return text + (f"recorded in {r.scope_name} but not placed by the MPS in {where} {many}.")


def with_reconciliation_rows(
    frame: pd.DataFrame,
    r: Reconciliation,
    *,
    code: str,
    name: str,
    value: str,
    row_type: str | None = None,
) -> pd.DataFrame:
    """`frame` (a download) with the reconciliation rows at its end: the code, name and
    value of each go in the columns named; every other cell is left blank. With
    `row_type`, a column of that name says which rows are areas ("area") and which
    are the total, the sum and the difference, so a spreadsheet sum skips them."""
    rows = r.rows()
    if row_type is not None:
        frame = frame.assign(**{row_type: "area"})
    if not rows:
        return frame
    extra = pd.DataFrame(
        {
            code: [x["code"] for x in rows],
            name: [x["name"] for x in rows],
            value: pd.array([x["value"] for x in rows], dtype="Int64"),
            **({row_type: [x["row_type"] for x in rows]} if row_type else {}),
        }
    )
    out = pd.concat([frame, extra], ignore_index=True)
    return out[list(frame.columns)]
