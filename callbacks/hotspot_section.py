"""TRANSITIONAL: the area profile's "Hot-spot status" section, unchanged, until the
profile's port moves it to presenters/common/hotspot_status.py (then this module goes).

The hot-spot page itself no longer uses anything here; callbacks/profile.py reaches it
through callbacks.hotspots.hotspot_section.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from callbacks.context import Context
from data import hotspots as rules
from data.dataset import Dataset
from data.profiles import AreaFacts
from geo.hotspots import area_hotspots
from geo.weights import Contiguity
from layouts.tables import html_table

NO_BOUNDARIES = "The boundary files are not available, so hot spots cannot be found."


def _label(ds: Dataset, measure: str) -> str:
    return str(ds.measures.loc[measure, "label"])


PROFILE_MEASURES = (
    "knife_crime",
    "knife_crime_injury",
    "knife_injury_victims_1_24_non_da",
    "gun_crime",
    "possession_of_weapons",
)


def status_words(row: pd.Series | dict) -> str:
    if row["class"]:
        return f"{row['class'].capitalize()} hot spot"
    if row["persistent"]:
        return "Persistent hot spot"
    return "Not flagged"


def history_table(history: pd.DataFrame, name: str, label: str) -> object:
    return html_table(
        f"{name}: {label.lower()}, hot-spot record for the 12 months to each month",
        (
            "12 months to",
            "Offences",
            "Months with offences",
            "Gi* z-score",
            "Gi* result",
        ),
        (
            (
                f"{r['window_end']:%B %Y}",
                f"{r['count']:,}",
                f"{r['months_with']} of 12",
                f"{r['z']:.2f}",
                f"hot spot (q = {r['q']:.3f})"
                if r["hot"]
                else f"cold spot (q = {r['q']:.3f})"
                if r["cold"]
                else "not significant (q ≥ 0.05)",
            )
            for r in history.to_dict("records")
        ),
        row_header=0,
        numeric=(1, 3),
    )


def hotspot_section(ds: Dataset | None, context: Context, facts: AreaFacts | None) -> list:
    """The profile's "Hot-spot status" section for a ward, borough or BCU."""
    if ds is None or facts is None:
        return []
    if not facts.covered:
        return [html.P("No hot-spot figures: the MPS publishes no data for this area.")]
    contiguity: Contiguity | None = context.contiguity("ward")
    if contiguity is None:
        return [html.P(NO_BOUNDARIES)]
    if facts.level != "ward":
        return _wards_within(ds, contiguity, facts)
    rows, missing = [], []
    for measure in PROFILE_MEASURES:
        if measure not in ds.measures.index:
            continue
        result = area_hotspots(ds, contiguity, measure)
        label = _label(ds, measure)
        if not result.available:
            missing.append(label.lower())
            continue
        found = result.table[result.table["code"] == facts.code]
        if found.empty:
            continue
        row = found.iloc[0]
        rows.append((label, status_words(row), row["reasons"] or "none of the rules holds"))
    out: list = []
    if rows:
        out.append(
            html.Div(
                html_table(
                    f"{facts.name}: hot-spot status, latest 12 months",
                    ("Measure", "Status", "Reasons"),
                    rows,
                    row_header=0,
                ),
                className="table-wrap",
                tabIndex="0",
                role="region",
                **{"aria-label": "Hot-spot status"},
            )
        )
    if missing:
        out.append(
            html.P(
                "No hot-spot figures yet for " + ", ".join(missing) + ": no data "
                "has been published.",
                className="arp-message",
            )
        )
    result = area_hotspots(ds, contiguity, "knife_crime")
    history = result.history(facts.code) if result.available else None
    if history is not None:
        hot = int(history["hot"].sum())
        out.append(
            html.P(
                f"Knife crime: {facts.name} was a Gi* hot spot in {hot} of the "
                f"{len(history)} rolling 12-month windows from the 12 months to "
                f"{history['window_end'].iloc[-1]:%B %Y} to the 12 months to "
                f"{history['window_end'].iloc[0]:%B %Y}."
            )
        )
        out.append(
            html.Details(
                [
                    html.Summary("Hot-spot history, window by window"),
                    html.Div(
                        history_table(history, facts.name, _label(ds, "knife_crime")),
                        className="table-wrap",
                        tabIndex="0",
                        role="region",
                        **{"aria-label": "Hot-spot history"},
                    ),
                ]
            )
        )
    query = {"measure": "knife_crime", "level": "ward", "borough": facts.borough_code or ""}
    out.append(
        html.P(dcc.Link(f"Hot spots in {facts.borough}", href="/hotspots?" + urlencode(query)))
    )
    return out


def _wards_within(ds: Dataset, contiguity: Contiguity, facts: AreaFacts) -> list:
    result = area_hotspots(ds, contiguity, "knife_crime")
    if not result.available:
        return [html.P(result.message)]
    table = result.table
    if facts.level == "borough":
        inside = table[table["parent_code"] == facts.code]
        boroughs = [facts.code]
    else:
        members = ds.areas[(ds.areas["level"] == "borough") & (ds.areas["bcu"] == facts.bcu)]
        boroughs = list(members["code"])
        inside = table[table["parent_code"].isin(boroughs)]
    hot = inside[inside["class"] != ""]
    years = int(table["years"].iloc[0])
    text = (
        f"Knife crime, 12 months to {result.windows[-1]:%B %Y}: {int(inside['persistent'].sum())} "
        f"of the {len(inside)} wards in {facts.name} were persistent hot spots (among "
        f"London's top {rules.PERSISTENT_SHARE:.0%} of wards by offences in each of the last "
        f"{years} separate 12-month years); {len(hot)} "
        f"{'has' if len(hot) == 1 else 'have'} a Gi* hot-spot pattern"
    )
    text += (
        ": " + ", ".join(f"{n} ({c})" for n, c in zip(hot["name"], hot["class"], strict=True))
        if len(hot)
        else ""
    ) + "."
    links = [
        html.Li(
            dcc.Link(
                f"Hot spots in {ds.areas.loc[b, 'name']}",
                href="/hotspots?"
                + urlencode({"measure": "knife_crime", "level": "ward", "borough": b}),
            )
        )
        for b in boroughs
    ]
    return [html.P(text), html.Ul(links)]
