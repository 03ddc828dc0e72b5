"""An area's perception panel, as its profile shows it: the latest figure of every
Public Attitude Survey measure for the area's borough, beside London.

It lives in common because the profile shows it and the perception page owns the
subject; neither page imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from data import perception
from data.areas import BOROUGHS, MPS_BOROUGHS
from data.dataset import Dataset
from data.perception import BOROUGH_INTERVIEWS, NOT_COVERED_NOTE
from data.profiles import area_facts
from presenters.common import words
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Link, Para

NO_SURVEY = (
    "No Public Attitude Survey figures have been published yet, so there is nothing to "
    "show here. They appear as soon as MOPAC staff publish a survey file."
)
NO_CONCERN = "The published survey has no question about worry over knife or gun crime."


@dataclass(frozen=True)
class PerceptionPanel:
    """Words, the table of latest figures, a note under it, and links to the
    perception page (one for a borough or ward, one per borough for a BCU)."""

    paras: tuple[Para, ...] = ()
    table: TableModel | None = None
    notes: tuple[Para, ...] = ()
    links: tuple[Link, ...] = ()


def perception_href(borough: str) -> str:
    return f"/perception?area={borough}"


def perception_panel(ds: Dataset | None, code: str | None) -> PerceptionPanel | None:
    """The panel for a ward, borough or BCU; None when there is no such area (kept in
    the one cache: it reads every survey measure's figures)."""
    if ds is None or not code:
        return None
    return ds.cached(("perception-panel", code), lambda: _panel(ds, code))


def _panel(ds: Dataset, code: str) -> PerceptionPanel | None:
    facts = area_facts(ds, code)
    if facts is None:
        return None
    if facts.level == "bcu":
        return PerceptionPanel(
            paras=(Para("The survey reports boroughs, not BCUs: see each borough of the BCU."),),
            links=tuple(
                Link(f"Public perception in {name}", perception_href(c))
                for c, name in sorted(BOROUGHS.items(), key=lambda kv: kv[1])
                if name in facts.members
            ),
        )
    borough = facts.code if facts.level == "borough" else facts.borough_code
    if borough not in MPS_BOROUGHS:
        return PerceptionPanel(paras=(Para(NOT_COVERED_NOTE),))
    measures = perception.survey_measures(ds)
    if not measures:
        return PerceptionPanel(paras=(Para(NO_SURVEY),))
    name = BOROUGHS[borough]
    rows = []
    for m in measures:
        trend = perception.area_trend(ds, m, borough)
        if trend.empty:
            rows.append((m.name, "No figure", num("", None), "", "", ""))
            continue
        r = trend.iloc[-1]
        interval = f"{_share(r.low)} to {_share(r.high)}"
        rows.append((m.name, words.month(r.quarter_end), num(_share(r.proportion), r.proportion),
                     interval, r.vs_london, r.change_words))  # fmt: skip
    where = "" if facts.level == "borough" else " (the survey reports boroughs, not wards)"
    latest = table(
        f"Public perception in {name}: latest 12 months of each survey measure",
        (
            Column("Measure"),
            Column("12 months to"),
            Column("Figure", numeric=True),
            Column("95% interval"),
            Column("Compared with London"),
            Column("Change on a year earlier"),
        ),
        rows,
        filename=f"perception-{borough}.csv".lower(),
    )
    notes = () if any(m.concern for m in measures) else (Para(NO_CONCERN),)
    return PerceptionPanel(
        paras=(
            Para(
                f"What residents of {name} told MOPAC's Public Attitude Survey{where}: the "
                "latest figure of each measure, beside London. Intervals assume about "
                f"{BOROUGH_INTERVIEWS:,} interviews behind each figure, because the survey "
                "file gives no sample sizes."
            ),
        ),
        table=latest,
        notes=notes,
        links=(
            Link(
                f"Public perception in {name}, over time and beside recorded crime",
                perception_href(borough),
            ),
        ),
    )


def _share(proportion: float) -> str:
    """A proportion as a whole percentage, as the perception page prints it."""
    return words.percent(proportion * 100)
