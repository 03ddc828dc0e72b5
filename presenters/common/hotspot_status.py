"""An area's hot-spot status, as its profile shows it: the hot-spot page's answers
(geo.hotspots, computed once per data version) for one ward, or counted over the wards
of a borough or BCU.

It lives in common because the profile shows it and the hot-spot page owns the subject;
neither page imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from data import hotspots as rules
from data.dataset import Dataset
from data.profiles import AreaFacts
from geo.hotspots import Hotspots, area_hotspots
from geo.weights import Contiguity
from presenters.common import words
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Link, Para

# The measures a ward's status is given for, in this order.
STATUS_MEASURES = (
    "knife_crime",
    "knife_crime_injury",
    "knife_injury_victims_1_24_non_da",
    "gun_crime",
    "possession_of_weapons",
)
HISTORY_MEASURE = "knife_crime"
NOT_COVERED = "No hot-spot figures: the MPS publishes no data for this area."
NO_BOUNDARIES = "The boundary files are not available, so hot spots cannot be found."


@dataclass(frozen=True)
class HotspotStatus:
    """What the profile says about an area's hot spots.

    `before` comes first (a borough's or BCU's count of flagged wards, or why there is
    nothing); then a ward's `table` of its status by measure, `after` (measures with no
    data yet, and how often it was a hot spot), its window-by-window `history`, and
    `links` to the hot-spot page.
    """

    before: tuple[Para, ...] = ()
    table: TableModel | None = None
    after: tuple[Para, ...] = ()
    history: TableModel | None = None
    links: tuple[Link, ...] = ()


def hotspots_href(borough: str | None) -> str:
    """The hot-spot page's address for knife crime in a borough's wards."""
    query = {"measure": HISTORY_MEASURE, "level": "ward", "borough": borough or ""}
    return "/hotspots?" + urlencode(query)


def status_words(row: pd.Series | dict) -> str:
    """ "Intensifying hot spot" (a Gi* class), "Persistent hot spot" or "Not flagged"."""
    if row["class"]:
        return f"{str(row['class']).capitalize()} hot spot"
    if row["persistent"]:
        return "Persistent hot spot"
    return "Not flagged"


def hotspot_status(
    ds: Dataset | None, contiguity: Contiguity | None, facts: AreaFacts | None
) -> HotspotStatus | None:
    """The status of a ward, borough or BCU; None when there is no area to speak of."""
    if ds is None or facts is None:
        return None
    if not facts.covered:
        return HotspotStatus(before=(Para(NOT_COVERED),))
    if contiguity is None:
        return HotspotStatus(before=(Para(NO_BOUNDARIES),))
    # Kept in the one cache: picking one area out of five measures' results takes
    # longer than the rest of a profile.
    if facts.level != "ward":
        return ds.cached(("hotspot-status", facts.code, contiguity.level, contiguity.n),
                         lambda: _wards_within(ds, contiguity, facts))  # fmt: skip
    return ds.cached(("hotspot-status", facts.code, contiguity.level, contiguity.n),
                     lambda: _ward(ds, contiguity, facts))  # fmt: skip


def _ward(ds: Dataset, contiguity: Contiguity, facts: AreaFacts) -> HotspotStatus:
    rows, missing = [], []
    for measure in STATUS_MEASURES:
        if measure not in ds.measures.index:
            continue
        result = area_hotspots(ds, contiguity, measure)
        if not result.available:
            missing.append(words.label(ds, measure).lower())
            continue
        found = result.table[result.table["code"] == facts.code]
        if found.empty:
            continue
        row = found.iloc[0]
        rows.append((words.label(ds, measure), status_words(row),
                     row["reasons"] or "none of the rules holds"))  # fmt: skip
    status = None
    if rows:
        status = table(
            f"{facts.name}: hot-spot status, latest 12 months",
            ("Measure", "Status", "Reasons"),
            rows,
            filename=f"hot-spot-status-{facts.code}.csv".lower(),
        )
    after = []
    if missing:
        after.append(
            Para(
                f"No hot-spot figures yet for {words.listing(missing)}: no data has been "
                "published.",
                "message",
            )
        )
    result = area_hotspots(ds, contiguity, HISTORY_MEASURE)
    history = result.history(facts.code) if result.available else None
    history_table = None
    if history is not None:
        hot = int(history["hot"].sum())
        after.append(
            Para(
                f"{words.label(ds, HISTORY_MEASURE)}: {facts.name} was a Gi* hot spot in "
                f"{hot:,} of the {len(history):,} rolling 12-month windows from the 12 "
                f"months to {words.month(history['window_end'].iloc[-1])} to the 12 months "
                f"to {words.month(history['window_end'].iloc[0])}."
            )
        )
        history_table = _history_table(history, facts, words.label(ds, HISTORY_MEASURE))
    return HotspotStatus(
        table=status,
        after=tuple(after),
        history=history_table,
        links=(Link(f"Hot spots in {facts.borough}", hotspots_href(facts.borough_code)),),
    )


def _gi_result(r: dict) -> str:
    """Words only where the false discovery rate allows them (q < 0.05)."""
    if r["hot"]:
        return f"hot spot (q = {words.p_value(r['q'])})"
    if r["cold"]:
        return f"cold spot (q = {words.p_value(r['q'])})"
    return "not significant (q \u2265 0.05)"


def _history_table(history: pd.DataFrame, facts: AreaFacts, label: str) -> TableModel:
    rows = (
        (
            words.month(r["window_end"]),
            num(words.number(r["count"]), r["count"]),
            num(f"{r['months_with']} of {rules.WINDOW}", r["months_with"]),
            num(words.z_score(r["z"]), r["z"]),
            _gi_result(r),
        )
        for r in history.to_dict("records")
    )
    return table(
        f"{facts.name}: {label.lower()}, hot-spot record for the 12 months to each month",
        (
            Column("12 months to"),
            Column("Offences", numeric=True),
            Column("Months with offences", numeric=True),
            Column("Gi* z-score", numeric=True),
            Column("Gi* result"),
        ),
        rows,
        filename=f"hot-spot-history-{facts.code}.csv".lower(),
    )


def _wards_within(ds: Dataset, contiguity: Contiguity, facts: AreaFacts) -> HotspotStatus:
    result: Hotspots = area_hotspots(ds, contiguity, HISTORY_MEASURE)
    if not result.available:
        return HotspotStatus(before=(Para(result.message),))
    frame = result.table
    if facts.level == "borough":
        boroughs = [facts.code]
    else:
        members = ds.areas[(ds.areas["level"] == "borough") & (ds.areas["bcu"] == facts.bcu)]
        boroughs = list(members["code"])
    inside = frame[frame["parent_code"].isin(boroughs)]
    hot = inside[inside["class"] != ""]
    persistent = int(inside["persistent"].sum())
    years = int(frame["years"].iloc[0]) if len(frame) else 0
    text = (
        f"{words.label(ds, HISTORY_MEASURE)}, 12 months to {words.month(result.windows[-1])}: "
        f"{persistent:,} of the {words.areas(len(inside), 'ward')} in {facts.name} "
        f"{'was a persistent hot spot' if persistent == 1 else 'were persistent hot spots'} "
        f"(among London's top {words.percent(rules.PERSISTENT_SHARE * 100)} of wards by "
        f"offences in each of the last {years} separate 12-month years); "
        f"{len(hot):,} {'has' if len(hot) == 1 else 'have'} a Gi* hot-spot pattern"
    )
    if len(hot):
        text += ": " + ", ".join(
            f"{n} ({c})" for n, c in zip(hot["name"], hot["class"], strict=True)
        )
    links = tuple(
        Link(f"Hot spots in {ds.areas.loc[b, 'name']}", hotspots_href(b)) for b in boroughs
    )
    return HotspotStatus(before=(Para(text + "."),), links=links)
