"""Area profile: one area's figures, words, trends, rank, funnel position and outcomes."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from callbacks.charts import trend_chart
from callbacks.common import profile_href
from callbacks.context import Context
from callbacks.hotspots import hotspot_section
from callbacks.perception import perception_panel
from data import profiles
from data.areas import bcu_code
from data.dataset import Dataset
from data.export import safe_csv
from data.funnel import LEVEL_WORDS, rate_decimals
from data.profiles import AreaFacts
from layouts import ids
from layouts.controls import native_select
from layouts.tables import html_table, table
from presenters.common.areas import parent_names
from presenters.common.funnel import funnel_chart, funnel_table

NO_DATA = "No data has been published yet."
UNRELIABLE = "Fewer than 10: unreliable"


def rate_text(value: float) -> str:
    if pd.isna(value):
        return ""
    return "0" if value == 0 else f"{value:,.{rate_decimals(value)}f}"


def search_list(ds: Dataset) -> list[str]:
    return [label for _, label in profiles.area_choices(ds)]


FILL_SEARCH_LIST = f"""
function (names) {{
    const list = document.getElementById('{ids.PROFILE_SEARCH_LIST}');
    if (list && Array.isArray(names)) {{
        list.replaceChildren(...names.map(function (name) {{
            const option = document.createElement('option');
            option.value = name;
            return option;
        }}));
    }}
    return window.dash_clientside.no_update;
}}
"""


def _links(facts: AreaFacts) -> list:
    # The map's own address scheme (layouts.explorer): its wards, zoomed to the area.
    map_query = {"measure": "knife_crime", "level": "ward", "period": "r12", "value": "rate"}
    if facts.level == "bcu":
        map_query["bcu"] = facts.code
    else:
        map_query.update(borough=facts.borough_code or "", area=facts.code)
    links = [dcc.Link(f"{facts.name} on the map", href="/map?" + urlencode(map_query))]
    risk = {"measure": "knife_crime", "period": "r12", "order": "rate"}
    if facts.level == "ward" and facts.borough_code:
        links.append(dcc.Link(f"Profile of {facts.borough}", href=f"/area/{facts.borough_code}"))
        if facts.covered:
            query = {**risk, "level": "ward", "borough": facts.borough_code}
            href = "/at-risk?" + urlencode(query)
            links.append(dcc.Link(f"All wards in {facts.borough}, ranked", href=href))
    elif facts.level == "borough" and facts.covered:
        query = {**risk, "level": "ward", "borough": facts.code}
        links.append(
            dcc.Link(f"Wards of {facts.name}, ranked", href="/at-risk?" + urlencode(query))
        )
        if facts.bcu:
            href = f"/area/{bcu_code(facts.bcu)}"
            links.append(dcc.Link(f"Profile of the {facts.bcu} BCU", href=href))
    elif facts.level == "bcu":
        bcu_query = {**risk, "level": "borough", "bcu": facts.code}
        links.append(
            dcc.Link(
                f"Boroughs of the {facts.name}, ranked", href="/at-risk?" + urlencode(bcu_query)
            )
        )
    return [html.Ul([html.Li(link) for link in links])]


def _measure_cell(row, usual_period: str) -> str:
    """A measure's name, with its period when it is not the table's (homicide ends 2023)."""
    return row.measure if row.period == usual_period else f"{row.measure} ({row.period})"


def glance_table(facts: AreaFacts, frame: pd.DataFrame) -> object:
    if frame.empty:
        return html.P("No figures have been published for this area yet.")
    usual = frame["period"].mode().iloc[0]
    return html_table(
        f"{facts.name}: {usual[0].lower()}{usual[1:]}, beside London",
        ("Measure", "Count", f"Rate per 1,000 in {facts.name}", "Rate per 1,000 in London",
         "Change on the 12 months before", "Reliability"),
        (
            (
                _measure_cell(r, usual), f"{r.count:,}",
                rate_text(r.rate) + (" (aged 0-24)" if "0-24" in r.per else ""),
                rate_text(r.london_rate), r.change, UNRELIABLE if r.low_count else "",
            )
            for r in frame.itertuples()
        ),
        row_header=0,
        numeric=(1, 2, 3),
    )  # fmt: skip


def ranks_table(facts: AreaFacts, frame: pd.DataFrame) -> object:
    if frame.empty:
        return html.P("No ranks: no figures have been published for this area yet.")
    _, plural = LEVEL_WORDS[facts.level]
    headers = ["Measure", "Rate per 1,000", f"Among London's {plural}"]
    if facts.level == "ward":
        headers.append(f"Among the wards of {facts.borough}")
    usual = frame["period"].mode().iloc[0]
    rows = []
    for r in frame.itertuples():
        rate = rate_text(r.rate) + (" (aged 0-24)" if "0-24" in r.per else "")
        row = [_measure_cell(r, usual), rate, r.rank_london]
        if facts.level == "ward":
            row.append(r.rank_parent)
        rows.append(row)
    return html_table(
        f"{facts.name}: rank by rate, {usual[0].lower()}{usual[1:]}",
        headers,
        rows,
        row_header=0,
        numeric=(1,),
    )


def missing_note(ds: Dataset, level: str) -> list:
    missing = profiles.missing_measures(ds, level)
    if not missing:
        return []
    main = [label for label, _ in missing if not label.startswith("Positive outcomes")]
    names = main or [label for label, _ in missing]
    text = "No figures have been published yet for " + ", ".join(n.lower() for n in names)
    if len(main) < len(missing):
        text += " (nor their positive outcomes)"
    arrivals = sorted({arrival for _, arrival in missing if arrival})
    return [html.P(" ".join([text + ".", *arrivals]), className="arp-message")]


def outcomes_block(facts: AreaFacts, frame: pd.DataFrame) -> list:
    if frame.empty:
        return [html.P("No positive outcome figures have been published for this area.")]
    sentences = []
    for r in frame.itertuples():
        interval = (
            f"no interval: {r.no_interval}"
            if r.no_interval
            else f"95% interval {r.low:.0f}% to {r.high:.0f}%"
        )
        sentences.append(
            f"{r.measure}, {r.period[0].lower()}{r.period[1:]}: {r.outcomes:,} positive "
            f"outcome{'' if r.outcomes == 1 else 's'} against {r.offences:,} "
            f"offence{'' if r.offences == 1 else 's'} in {facts.name}, a rate of "
            f"{r.rate:.0f}% ({interval}); London "
            f"{r.london_rate:.0f}% ({r.london_outcomes:,} of {r.london_offences:,})."
            + (" Fewer than 10 events: unreliable." if r.low_count else "")
        )
    table = html_table(
        f"{facts.name}: positive outcome rate, latest 12 months",
        (
            "Measure",
            "Offences",
            "Positive outcomes",
            "Rate",
            "95% interval",
            "London rate",
            "Reliability",
        ),
        (
            (
                r.measure,
                f"{r.offences:,}",
                f"{r.outcomes:,}",
                f"{r.rate:.1f}%",
                "none" if r.no_interval else f"{r.low:.1f}% to {r.high:.1f}%",
                f"{r.london_rate:.1f}%",
                UNRELIABLE if r.low_count else "",
            )
            for r in frame.itertuples()
        ),
        row_header=0,
        numeric=(1, 2, 3, 5),
    )
    return [
        *[html.P(s) for s in sentences],
        html.Div(
            table,
            className="table-wrap",
            tabIndex="0",
            role="region",
            **{"aria-label": "Positive outcome rates"},
        ),
        html.P(
            "The positive outcome rate is positive outcomes (charges, cautions and other "
            "sanctions) divided by offences recorded in the same 12 months. An outcome "
            "recorded in a month may relate to an offence from an earlier month, so this "
            "is a ratio of two counts, not the share of these offences that were solved; "
            "the interval reflects chance variation in the number of outcomes.",
            className="arp-caption",
        ),
    ]


def trend_controls(ds: Dataset, facts: AreaFacts, measure: str) -> html.Fieldset | None:
    options = trend_options(ds, facts)
    if not options:
        return None
    return html.Fieldset(
        [
            html.Legend("Choose a measure"),
            native_select("profile-trend-measure", "Measure", "measure", options, measure),
        ],
        className="arp-choices",
        **{"data-store": ids.PROFILE_TREND_CHOICE},
    )


def trend_options(ds: Dataset, facts: AreaFacts) -> list[tuple[str, str, str]]:
    if not facts.covered:
        return []
    out = [
        (m, str(ds.measures.loc[m, "label"]), "Offences and victims")
        for m in profiles.profile_measures(ds, facts.level)
    ]
    for m in ds.measures.index:
        of = ds.measures.loc[m, "outcome_of"]
        if isinstance(of, str) and ds.has_data(m, facts.level):
            label = str(ds.measures.loc[of, "label"])
            out.append((m, f"Positive outcome rate: {label.lower()}", "Positive outcomes"))
    return out


def trend_view(ds: Dataset | None, code: str, measure: str | None) -> tuple[object, str, object]:
    """The trend chart, the sentence saying how its lines were scaled, and its table."""
    facts = profiles.area_facts(ds, code) if ds is not None and code else None
    if facts is None:
        return {}, "", None
    valid = [o[0] for o in trend_options(ds, facts)]
    measure = measure if measure in valid else profiles.HEADLINE
    found = profiles.trend(ds, facts, measure)
    if found is None:
        return {}, "", None
    label = str(ds.measures.loc[measure, "label"])
    drawn = found.frame[found.frame["area_rate"].notna()]
    figure = trend_chart(drawn, found.lines, y_title=found.y_title)
    percent = "Positive outcome rate" in found.y_title
    for trace in figure.data:
        value = "%{y:.1f}%" if percent else "%{y:,.3f}"
        trace.hovertemplate = f"{trace.name}<br>%{{x|%B %Y}}: {value}<extra></extra>"
    note = f"{label}. {found.scale}"
    frame = found.frame
    headers = ["Month", f"{facts.name}: monthly count"]
    headers += [
        f"{name}: {found.y_title[0].lower()}{found.y_title[1:]}" for name in found.lines.values()
    ]

    def fmt(value: float) -> str:
        if pd.isna(value):
            return ""
        return f"{value:.1f}%" if percent else rate_text(value)

    rows = (
        [
            f"{r.month:%B %Y}",
            "" if pd.isna(r.area) else f"{int(r.area):,}",
            *[fmt(getattr(r, col)) for col in found.lines],
        ]
        for r in frame.itertuples()
    )
    table = html_table(
        f"{facts.name}: {label.lower()}, by month",
        headers,
        rows,
        row_header=0,
        numeric=tuple(range(1, len(headers))),
    )
    return figure, note, table


def profile_view(ds: Dataset | None, code: str) -> dict:
    """Everything the profile shows for an area code; a plain function, for tests."""
    view = {
        "title": "Area profile",
        "subtitle": "",
        "body_hidden": True,
        "details_hidden": True,
        "summary": [],
        "links": [],
        "glance": None,
        "missing": [],
        "ranks": None,
        "trend_controls": None,
        "funnel": {},
        "funnel_note": "",
        "funnel_table": None,
        "outcomes": [],
        "search_list": [],
        "found": False,
    }
    if ds is None:
        return {**view, "subtitle": NO_DATA}
    view["search_list"] = search_list(ds)
    if not code:
        return view
    facts = profiles.area_facts(ds, code)
    if facts is None:
        return {
            **view,
            "title": "Area not found",
            "body_hidden": True,
            "subtitle": f"No borough, ward or BCU has the code {code}. Search for an "
            "area by name below.",
        }
    view.update(
        found=True,
        title=facts.name,
        subtitle=facts.description,
        body_hidden=False,
        summary=[html.P(s) for s in profiles.summary(ds, facts)],
        links=_links(facts),
        details_hidden=not facts.covered,
    )
    if not facts.covered:
        return view
    glance = profiles.glance(ds, facts)
    view["glance"] = glance_table(facts, glance)
    view["ranks"] = ranks_table(facts, glance)
    view["missing"] = missing_note(ds, facts.level)
    view["trend_controls"] = trend_controls(ds, facts, profiles.HEADLINE)
    place = profiles.funnel_place(ds, facts)
    if place is not None:
        parents = parent_names(ds, facts.level)
        unit = str(ds.measures.loc[profiles.HEADLINE, "unit"])
        view["funnel"] = funnel_chart(
            place.funnel, level=facts.level, unit=unit, parents=parents, highlight=facts.code
        )
        view["funnel_note"] = place.sentence
        view["funnel_table"] = table(
            funnel_table(
                place.funnel,
                {facts.code},
                parents,
                f"{profiles.possessive(facts.name)} knife crime rate and the control limits "
                f"for its population, {place.period.label}",
            )
        )
    else:
        view["funnel_note"] = "No funnel plot: there are no knife crime figures for this area."
    view["outcomes"] = outcomes_block(facts, profiles.outcome_rates(ds, facts))
    return view


def profile_csv(ds: Dataset, code: str) -> tuple[str, str] | None:
    facts = profiles.area_facts(ds, code)
    if facts is None:
        return None
    return f"area-{code}-monthly-figures.csv".lower(), safe_csv(profiles.monthly_figures(ds, facts))


def register(app: Dash, context: Context) -> None:

    app.clientside_callback(
        FILL_SEARCH_LIST,
        Output(ids.PROFILE_SEARCH_LIST, "title"),
        Input(ids.PROFILE_SEARCH_NAMES, "data"),
    )

    @app.callback(
        Output(ids.PROFILE_TITLE, "children"),
        Output(ids.PROFILE_SUBTITLE, "children"),
        Output(ids.PROFILE_BODY, "hidden"),
        Output(ids.PROFILE_DETAILS, "hidden"),
        Output(ids.PROFILE_SUMMARY, "children"),
        Output(ids.PROFILE_LINKS, "children"),
        Output(ids.PROFILE_GLANCE, "children"),
        Output(ids.PROFILE_MISSING, "children"),
        Output(ids.PROFILE_RANKS, "children"),
        Output(ids.PROFILE_TREND_CONTROLS, "children"),
        Output(ids.PROFILE_FUNNEL, "figure"),
        Output(ids.PROFILE_FUNNEL_NOTE, "children"),
        Output(ids.PROFILE_FUNNEL_TABLE, "children"),
        Output(ids.PROFILE_OUTCOMES, "children"),
        Output(ids.PROFILE_SEARCH_NAMES, "data"),
        Input(ids.PROFILE_CODE, "data"),
    )
    def _show(code):
        view = profile_view(context.dataset(), code or "")
        subtitle = view["subtitle"] if code or view["subtitle"] else no_update
        return (
            view["title"],
            subtitle,
            view["body_hidden"],
            view["details_hidden"],
            view["summary"],
            view["links"],
            view["glance"],
            view["missing"],
            view["ranks"],
            view["trend_controls"],
            view["funnel"],
            view["funnel_note"],
            view["funnel_table"],
            view["outcomes"],
            view["search_list"],
        )

    @app.callback(Output(ids.PROFILE_HOTSPOTS, "children"), Input(ids.PROFILE_CODE, "data"))
    def _hotspots(code):
        ds = context.dataset()
        facts = profiles.area_facts(ds, code) if ds is not None and code else None
        return hotspot_section(ds, context, facts)

    @app.callback(
        Output(ids.PROFILE_TREND, "figure"),
        Output(ids.PROFILE_TREND_NOTE, "children"),
        Output(ids.PROFILE_TREND_TABLE, "children"),
        Input(ids.PROFILE_TREND_CHOICE, "data"),
        Input(ids.PROFILE_CODE, "data"),
    )
    def _trend(choice, code):
        measure = (choice or {}).get("measure")
        return trend_view(context.dataset(), code or "", measure)

    @app.callback(Output(ids.PROFILE_PERCEPTION, "children"), Input(ids.PROFILE_CODE, "data"))
    def _perception(code):
        return perception_panel(context.dataset(), code or "")

    @app.callback(
        Output(ids.PROFILE_URL, "href"),
        Output(ids.PROFILE_SEARCH_MESSAGE, "children"),
        Input(ids.PROFILE_SEARCH_BUTTON, "n_clicks"),
        Input(ids.PROFILE_SEARCH, "n_submit"),
        State(ids.PROFILE_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def _search(_clicks, _submits, text):
        ds = context.dataset()
        if ds is None:
            return no_update, NO_DATA
        code = profiles.find_area(ds, text)
        if code is None:
            typed = (text or "").strip()
            if not typed:
                return no_update, "Type the name of a borough, ward or BCU first."
            return no_update, (
                f"No single area matches \u201c{typed}\u201d. Choose a name from the list of "
                "suggestions, which says which borough each ward is in."
            )
        return f"/area/{code}", ""

    @app.callback(
        Output(ids.PROFILE_URL, "href", allow_duplicate=True),
        Input(ids.PROFILE_FUNNEL, "clickData"),
        prevent_initial_call=True,
    )
    def _open_profile(click):
        return profile_href(click)

    @app.callback(
        Output(ids.PROFILE_DOWNLOAD, "data"),
        Input(ids.PROFILE_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.PROFILE_CODE, "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks, code):
        ds = context.dataset()
        found = profile_csv(ds, code or "") if ds is not None else None
        if found is None:
            return no_update
        name, text = found
        return {"content": text, "filename": name, "type": "text/csv"}
