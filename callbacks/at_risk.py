"""Most at-risk areas: read the choices (from the selects or the URL), rank, draw."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks.context import Context
from data import funnel as funnel_data
from data import queries
from data.dataset import Dataset
from data.export import safe_csv
from data.funnel import (
    ABOVE_95,
    ABOVE_998,
    BELOW_95,
    BELOW_998,
    LEVEL_WORDS,
    POSITIONS,
    WITHIN,
    AtRisk,
    Funnel,
)
from data.periods import fy_label
from layouts import ids
from layouts.at_risk import Option, controls
from layouts.pages import parse_query
from layouts.tables import html_table

DEFAULTS = {
    "measure": "knife_crime",
    "level": "ward",
    "period": "r12",
    "within": "",
    "order": "rate",
}
GROUPS = {"knife": "Knife crime", "gun": "Gun crime", "context": "Context"}
# Context measures that say something about weapons; violence as a whole does not.
CONTEXT_MEASURES = ("possession_of_weapons", "homicide_knife", "homicide_shooting")
LEVELS = {"ward": "Wards", "borough": "Boroughs"}
NO_DATA = "No data has been published yet."

# Copies the values of every select in a fieldset[data-store] into that dcc.Store
# whenever one of them changes; installed once per page load (see layouts.at_risk).
CHOICE_LISTENER = """
function () {
    if (!window.wecChoiceListener) {
        window.wecChoiceListener = true;
        document.addEventListener('change', function (event) {
            const select = event.target;
            if (!(select instanceof HTMLSelectElement)) { return; }
            const fieldset = select.closest('fieldset[data-store]');
            if (!fieldset) { return; }
            const data = {};
            fieldset.querySelectorAll('select[name]').forEach(function (s) {
                data[s.name] = s.value;
            });
            window.dash_clientside.set_props(fieldset.dataset.store, {data: data});
        });
    }
    return window.dash_clientside.no_update;
}
"""

# Okabe-Ito colours; shape and fill differ too, so colour is never the only cue.
MARKERS = {
    ABOVE_998: {"symbol": "triangle-up", "color": "#D55E00", "size": 10},
    ABOVE_95: {"symbol": "triangle-up-open", "color": "#D55E00", "size": 10},
    WITHIN: {"symbol": "circle-open", "color": "#5a5a5a", "size": 7},
    BELOW_95: {"symbol": "triangle-down-open", "color": "#0072B2", "size": 10},
    BELOW_998: {"symbol": "triangle-down", "color": "#0072B2", "size": 10},
}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"


# -- choices -----------------------------------------------------------------------


def measure_options(ds: Dataset) -> list[Option]:
    out = []
    for m in ds.measures.itertuples():
        if m.grp in ("knife", "gun") or m.id in CONTEXT_MEASURES:
            out.append((str(m.id), str(m.label), GROUPS[m.grp]))
    return out


def level_options(ds: Dataset, measure: str) -> list[Option]:
    levels = str(ds.measures.loc[measure, "levels"]).split(",")
    return [(level, label, "") for level, label in LEVELS.items() if level in levels]


def period_options(ds: Dataset, measure: str, level: str) -> list[Option]:
    span = ds.months_covered(measure, level)
    if span is None:
        return [("r12", "Latest 12 months", ""), ("m", "Latest month", "")]
    first, latest = span
    out: list[Option] = [
        ("r12", f"12 months to {latest:%B %Y}", ""),
        ("m", f"{latest:%B %Y} (latest month)", ""),
    ]
    first_fy = first.year if first.month <= 4 else first.year + 1
    last_fy = latest.year if latest.month >= 4 else latest.year - 1
    for year in range(last_fy, first_fy - 1, -1):
        running = pd.Timestamp(year=year + 1, month=3, day=1) > latest
        label = f"Financial year {fy_label(year)}" + (" (to date)" if running else "")
        out.append((f"fy{year}", label, "Financial years"))
    out.append(("range", "A range of months", ""))
    return out


def month_options(ds: Dataset, measure: str, level: str) -> list[Option]:
    span = ds.months_covered(measure, level)
    if span is None:
        return []
    months = pd.date_range(span[0], span[1], freq="MS")[::-1]
    return [(f"{m:%Y-%m}", f"{m:%B %Y}", "") for m in months]


def within_options(ds: Dataset, level: str) -> list[Option]:
    """BCUs, then (for wards) boroughs; fixed for a data version, so worked out once."""
    return funnel_data.memoised(ds, ("within", level), lambda: _within_options(ds, level))


def _within_options(ds: Dataset, level: str) -> list[Option]:
    out: list[Option] = [("", "All of London", "")]
    bcus = ds.areas[ds.areas["level"] == "bcu"].sort_values("name")
    boroughs = ds.areas[(ds.areas["level"] == "borough") & ds.areas["covered"]]
    boroughs = boroughs.sort_values("name")
    for row in bcus.itertuples():
        members = boroughs.loc[boroughs["bcu"] == row.bcu, "name"]
        label = f"{row.name} ({', '.join(members)})"
        out.append((str(row.code), label, "Basic Command Units"))
    if level == "ward":
        out += [(str(r.code), str(r.name), "Boroughs") for r in boroughs.itertuples()]
    return out


def _values(options: list[Option]) -> list[str]:
    return [o[0] for o in options]


def at_risk_state(ds: Dataset, raw: dict | None, *, from_query: bool) -> dict[str, str]:
    """The view to show, from a URL's query or the selects' values, with anything
    unknown or impossible replaced by its default (so an old or mistyped link still
    opens a sensible page)."""
    raw = {k: str(v) for k, v in (raw or {}).items() if v is not None}
    measure = raw.get("measure", "")
    if measure not in _values(measure_options(ds)):
        measure = DEFAULTS["measure"]
    levels = _values(level_options(ds, measure))
    level = raw.get("level", "")
    if level not in levels:
        level = DEFAULTS["level"] if DEFAULTS["level"] in levels else levels[0]
    periods = _values(period_options(ds, measure, level))
    months = _values(month_options(ds, measure, level))
    chosen = raw.get("period", "")
    if not from_query and chosen == "range":
        start = raw.get("start") if raw.get("start") in months else None
        end = raw.get("end") if raw.get("end") in months else None
        if months:
            end = end or months[0]
            start = start or months[min(5, len(months) - 1)]
            chosen = f"{min(start, end)}..{max(start, end)}"
    start = end = ""
    if ".." in chosen:
        first, _, last = chosen.partition("..")
        if first in months and last in months:
            start, end = min(first, last), max(first, last)
            chosen = f"{start}..{end}"
        else:
            chosen = DEFAULTS["period"]
    elif chosen not in periods or chosen == "range":
        chosen = DEFAULTS["period"]
    within = (raw.get("bcu") or raw.get("borough") or "") if from_query else raw.get("within", "")
    if within not in _values(within_options(ds, level)):
        within = ""
    order = raw.get("order", "")
    if order not in funnel_data.ORDERS:
        order = DEFAULTS["order"]
    return {
        "measure": measure,
        "level": level,
        "period": chosen,
        "period_choice": "range" if start else chosen,
        "start": start,
        "end": end,
        "within": within,
        "order": order,
    }


def query_string(state: dict[str, str]) -> str:
    query = {k: state[k] for k in ("measure", "level", "period", "order")}
    if state["within"].startswith("BCU-"):
        query["bcu"] = state["within"]
    elif state["within"]:
        query["borough"] = state["within"]
    return "?" + urlencode(query)


def control_panel(ds: Dataset, state: dict[str, str]) -> html.Fieldset:
    measure, level = state["measure"], state["level"]
    months = month_options(ds, measure, level)
    state = dict(state)
    if not state["start"] and months:
        state["end"], state["start"] = months[0][0], months[min(5, len(months) - 1)][0]
    return controls(
        state,
        measures=measure_options(ds),
        levels=level_options(ds, measure),
        periods=period_options(ds, measure, level),
        months=months,
        within=within_options(ds, level),
        orders=[(k, v, "") for k, v in funnel_data.ORDERS.items()],
    )


# -- the view ----------------------------------------------------------------------


def _q(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def _int(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def ranked_table(result: AtRisk, caption: str) -> dcc.Markdown:
    table = result.table
    headers = list(table.columns)
    count, rate = headers[4], headers[5]
    d = funnel_data.rate_decimals(table[rate].max())
    columns = [
        [_int(v) for v in table["Rank in London"]],
        table["Area"].tolist(),
        table["Code"].tolist(),
        table[headers[3]].tolist(),
        [_int(v) for v in table[count]],
        ["" if pd.isna(v) else f"{v:,.{d}f}" for v in table[rate]],
        [_int(v) for v in table["Previous period"]],
        table["Change"].tolist(),
        [_q(v) for v in table["q-value (BH)"]],
        table["Funnel position"].tolist(),
        table["Reliability"].tolist(),
        table["Rate caveat"].tolist(),
    ]
    return html_table(caption, headers, zip(*columns, strict=True), numeric=(0, 4, 5, 6, 8))


def funnel_chart(
    funnel: Funnel,
    *,
    level: str,
    unit: str,
    parents: dict[str, str],
    only: set[str] | None = None,
    highlight: str | None = None,
) -> dict:
    """The areas on a funnel around London's rate, as a plain figure dict.

    With `only`, the other areas of London are drawn faintly for context; with
    `highlight`, every other area is faint and the one area is marked and labelled.
    A dict rather than a go.Figure: plotly's validation of 700 points took longer
    than everything else in the callback.
    """
    points = funnel.points
    who = "residents aged 0-24" if funnel.young else "residents"
    singular, plural = LEVEL_WORDS[level]
    curve = funnel.curve
    population = curve["population"].tolist()
    d = funnel_data.rate_decimals(points["rate"].max())
    traces: list[dict] = []

    # The limits that give the verdict allow for the usual differences between areas;
    # the Poisson limits (chance alone) are drawn faintly for reference.
    for key, name, dash, color in (("998", "99.8% limits", "dot", "#1b1b1b"),
                                   ("95", "95% limits", "dash", "#4a4a4a"),
                                   ("998_poisson", "99.8% limits, chance alone", "dot", "#b0b0b0"),
                                   ("95_poisson", "95% limits, chance alone", "dash", "#c8c8c8"),
                                   ):  # fmt: skip
        traces.append({
            "type": "scatter", "mode": "lines", "name": name, "hoverinfo": "skip",
            "x": [*population, None, *population],
            "y": [*curve[f"upper_{key}"].tolist(), None, *curve[f"lower_{key}"].tolist()],
            "line": {"color": color, "dash": dash, "width": 1.5},
        })  # fmt: skip
    traces.append({
        "type": "scatter", "mode": "lines", "hoverinfo": "skip",
        "name": f"London rate ({funnel.london_rate:,.{d}f})",
        "x": [population[0], population[-1]], "y": [funnel.london_rate] * 2,
        "line": {"color": "#1b1b1b", "width": 2},
    })  # fmt: skip
    template = (
        "<b>%{customdata[1]}</b> %{customdata[2]}<br>"
        f"Rate: %{{y:,.{d}f}} per 1,000 {who}<br>"
        f"{unit.capitalize()}: %{{customdata[3]}}<br>"
        f"{who.capitalize()}: %{{x:,.0f}}<br>"
        "%{customdata[4]}%{customdata[5]}<extra></extra>"
    )

    def markers(frame: pd.DataFrame, name: str, marker: dict, **extra) -> dict:
        customdata = [
            [code, area, parents.get(code, ""), f"{int(count):,}", position,
             "<br>Fewer than 10: unreliable" if low else ""]
            for code, area, count, position, low in zip(
                frame["code"], frame["name"], frame["count"], frame["position"],
                frame["low_count"], strict=True,
            )
        ]  # fmt: skip
        return {"type": "scatter", "mode": "markers", "name": name, "marker": marker,
                "x": frame["population"].tolist(), "y": frame["rate"].tolist(),
                "customdata": customdata, "hovertemplate": template, **extra}  # fmt: skip

    faint = points.iloc[0:0]
    if highlight is not None:
        faint = points[points["code"] != highlight]
    elif only is not None:
        faint = points[~points["code"].isin(only)]
    if len(faint):
        traces.append(markers(faint, f"Other {plural} in London",
                              {"symbol": "circle", "size": 5, "color": "#b0b0b0"}))  # fmt: skip
    if highlight is None:
        shown = points if only is None else points[points["code"].isin(only)]
        for position in POSITIONS:
            group = shown[shown["position"] == position]
            if group.empty:
                continue
            style = MARKERS[position]
            marker = {**style, "line": {"width": 1.5, "color": style["color"]}}
            traces.append(markers(group, f"{position[0].upper()}{position[1:]} ({len(group)})",
                                  marker))  # fmt: skip
    else:
        one = points[points["code"] == highlight]
        traces.append(markers(
            one, str(one["name"].iloc[0]) if len(one) else singular,
            {"symbol": "diamond", "size": 14, "color": "#1b1b1b",
             "line": {"width": 2, "color": "#ffffff"}},
            mode="markers+text", text=one["name"].tolist(), textposition="top center",
            textfont={"size": 13, "color": "#1b1b1b"},
        ))  # fmt: skip
    layout = {
        "margin": {"l": 60, "r": 12, "t": 12, "b": 40},
        "xaxis": {"type": "log", "title": {"text": f"{who.capitalize()} (Census 2021, log scale)"},
                  "gridcolor": "#ececec"},
        "yaxis": {"title": {"text": f"Rate per 1,000 {who}"}, "rangemode": "tozero",
                  "gridcolor": "#e0e0e0"},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": FONT},
        "hoverlabel": {"bgcolor": "white"},
    }  # fmt: skip
    return {"data": traces, "layout": layout}


def funnel_table(
    funnel: Funnel, codes: set[str] | None, parents: dict[str, str], caption: str
) -> dcc.Markdown:
    points = funnel.points if codes is None else funnel.points[funnel.points["code"].isin(codes)]
    points = points.sort_values(["population", "name"])
    d = funnel_data.rate_decimals(funnel.points["rate"].max())
    who = "Residents aged 0-24" if funnel.young else "Residents"
    return html_table(
        caption,
        (
            "Area",
            "Borough or BCU",
            who,
            "Count",
            "Rate per 1,000",
            "95% limits",
            "99.8% limits",
            "Position",
        ),
        (
            (
                r.name,
                parents.get(r.code, ""),
                f"{r.population:,.0f}",
                f"{int(r.count):,}",
                f"{r.rate:,.{d}f}",
                f"{r.lower_95:,.{d}f} to {r.upper_95:,.{d}f}",
                f"{r.lower_998:,.{d}f} to {r.upper_998:,.{d}f}",
                r.position,
            )
            for r in points.itertuples()
        ),
        row_header=0,
        numeric=(2, 3, 4),
    )


def profile_href(click: dict | None) -> str:
    """The profile address of the area a funnel mark stands for (its customdata)."""
    try:
        return f"/area/{click['points'][0]['customdata'][0]}"
    except (KeyError, IndexError, TypeError):
        return no_update


def parent_names(ds: Dataset, level: str) -> dict[str, str]:
    """Area code -> where it sits: a ward's borough, a borough's BCU."""
    return funnel_data.memoised(
        ds, ("parents", level), lambda: _parent_names(ds, level), small=True
    )


def _parent_names(ds: Dataset, level: str) -> dict[str, str]:
    areas = ds.areas[ds.areas["level"] == level]
    if level == "ward":
        names = ds.areas["name"]
        return {
            c: str(names.get(p, ""))
            for c, p in zip(areas["code"], areas["parent_code"], strict=True)
        }
    return {
        c: f"{b} BCU"
        for c, b in zip(areas["code"], areas["bcu"], strict=True)
        if isinstance(b, str)
    }


def within_name(ds: Dataset, within: str) -> str:
    if not within:
        return "all of London"
    name = str(ds.areas.loc[within, "name"])
    return f"the {name}" if within.startswith("BCU-") else name


def change_words(result: AtRisk, plural: str) -> str:
    previous = result.period.previous()
    if result.table["Previous period"].isna().all():
        return f"There are no figures for {previous.label}, so no change is shown."
    return (
        f"Change compares with {previous.label} ({result.period.comparison}) by an exact "
        f"test for two Poisson counts, corrected for testing {result.ranked:,} {plural} at "
        "once (Benjamini-Hochberg q-value): a change is called significant when q < 0.05."
    )


def at_risk_view(ds: Dataset | None, state: dict[str, str]) -> dict:
    """Everything the page shows for a state; a plain function, for tests."""
    empty = {
        "heading": "",
        "summary": [html.P(NO_DATA)],
        "definition": [],
        "hidden": True,
        "figure": {},
        "funnel_table": None,
        "table": None,
        "profiles": None,
        "notes": [],
        "frame": pd.DataFrame(),
    }
    if ds is None:
        return empty
    measure, level = state["measure"], state["level"]
    label = str(ds.measures.loc[measure, "label"])
    unit = str(ds.measures.loc[measure, "unit"])
    young = bool(ds.measures.loc[measure, "young"])
    singular, plural = LEVEL_WORDS[level]
    result = funnel_data.at_risk_areas(
        ds,
        measure=measure,
        level=level,
        period=state["period"],
        within=state["within"],
        order=state["order"],
    )
    definition = [
        html.P([html.Strong(f"{label}: "), str(ds.measures.loc[measure, "definition"])]),
        html.P(f"Source: {ds.measures.loc[measure, 'source']}.", className="arp-source"),
    ]
    place = within_name(ds, state["within"])
    if not result.available:
        return {
            **empty,
            "heading": f"{label} by {singular}",
            "summary": [html.P(result.message, className="arp-message")],
            "definition": definition,
        }

    period = result.period
    heading = f"{label} by {singular}, {period.label}, {place}"
    table = result.table
    shown = set(table["Code"])
    positions = table["Funnel position"].value_counts()
    above = int(positions.get(ABOVE_998, 0)), int(positions.get(ABOVE_95, 0))
    below = int(positions.get(BELOW_95, 0) + positions.get(BELOW_998, 0))
    low = int((table["Reliability"] != "").sum())
    rate_words = f"rate per 1,000 {'residents aged 0-24' if young else 'residents'}"
    order_words = rate_words if state["order"] == "rate" else f"number of {unit}"
    n = len(table)
    summary = [
        html.P(
            f"Of the {n:,} {plural if n != 1 else singular} shown, {above[0]:,} "
            f"{'is' if above[0] == 1 else 'are'} above the 99.8% limit and {above[1]:,} more "
            "above the 95% limit on the funnel plot: their rates are higher than London's by "
            "more than chance and the usual differences between areas would explain. "
            f"{below:,} {'is' if below == 1 else 'are'} below "
            "the lower limits.",
            className="risk-headline",
        ),
        html.P(
            f"Ranked by {order_words} (Census 2021 populations); ranks are across all "
            f"{result.ranked:,} {plural} in London. " + change_words(result, plural)
        ),
    ]
    if low:
        summary.append(
            html.P(
                f"{low:,} of the {plural} shown had fewer than 10 {unit}: their rates and "
                "changes are marked unreliable.",
                className="arp-warning",
            )
        )
    notes = []
    if result.not_covered:
        what = (
            "The City of London"
            if level == "borough"
            else (f"The City of London's {len(result.not_covered)} wards")
        )
        notes.append(
            html.P(
                f"{what} {'is' if level == 'borough' else 'are'} not ranked: the City is policed "
                "by the City of London Police, so the MPS publishes no figures for it (not zero)."
            )
        )
    placed = queries.unallocated(ds, measure, level, period)
    if placed:
        notes.append(
            html.P(
                f"{placed:,} {unit} in this period could not be placed in a {singular} by the MPS; "
                f"they count towards London's total but not towards any {singular}."
            )
        )
    caveats = table[table["Rate caveat"] != ""]
    if len(caveats):
        notes.append(
            html.P(
                "Rates per resident overstate the risk in "
                + ", ".join(caveats["Area"])
                + ": see the rate caveat column."
            )
        )

    parents = parent_names(ds, level)
    only = None if not state["within"] else shown
    figure = (
        funnel_chart(result.funnel, level=level, unit=unit, parents=parents, only=only)
        if result.funnel is not None
        else {}
    )
    f_table = (
        funnel_table(
            result.funnel,
            only,
            parents,
            f"{label}: rate and control limits for each {singular}, {period.label}",
        )
        if result.funnel is not None
        else None
    )
    ranked = ranked_table(
        result, f"{label}: {plural} ranked by {order_words}, {period.label}, {place}"
    )
    top = table.head(10)
    profiles = html.Nav(
        [
            html.H4(f"Profiles of the first {len(top)} {plural} in the table"),
            html.Ul(
                [
                    html.Li(dcc.Link(name, href=f"/area/{code}"))
                    for name, code in zip(top["Area"], top["Code"], strict=True)
                ]
            ),
        ],
        **{"aria-label": "Area profiles"},
    )
    return {
        "heading": heading,
        "summary": summary,
        "definition": definition,
        "hidden": False,
        "figure": figure,
        "funnel_table": f_table,
        "table": ranked,
        "profiles": profiles,
        "notes": notes,
        "frame": table,
    }


def at_risk_csv(ds: Dataset, state: dict[str, str]) -> tuple[str, str]:
    """The ranked table as shown, as CSV text and a file name that says what it holds."""
    result = funnel_data.at_risk_areas(
        ds,
        measure=state["measure"],
        level=state["level"],
        period=state["period"],
        within=state["within"],
        order=state["order"],
    )
    parts = [state["measure"], state["level"], state["period"].replace("..", "-to-")]
    if state["within"]:
        parts.append(state["within"])
    return f"at-risk-{'-'.join(parts)}.csv".lower(), safe_csv(result.table)


def register(app: Dash, context: Context) -> None:
    app.clientside_callback(
        CHOICE_LISTENER, Output(ids.RISK_CONTROLS, "role"), Input(ids.RISK_CONTROLS, "id")
    )

    @app.callback(
        Output(ids.RISK_CONTROLS, "children"),
        Output(ids.RISK_STATE, "data"),
        Output(ids.RISK_URL, "search"),
        Output(ids.RISK_HEADING, "children"),
        Output(ids.RISK_SUMMARY, "children"),
        Output(ids.RISK_DEFINITION, "children"),
        Output(ids.RISK_RESULTS, "hidden"),
        Output(ids.RISK_FUNNEL, "figure"),
        Output(ids.RISK_FUNNEL_TABLE, "children"),
        Output(ids.RISK_TABLE, "children"),
        Output(ids.RISK_PROFILES, "children"),
        Output(ids.RISK_NOTES, "children"),
        Input(ids.RISK_CHOICE, "data"),
        Input(ids.RISK_URL, "search"),
    )
    def _show(choice, search):
        ds = context.dataset()
        if ds is None:
            view = at_risk_view(None, {})
            return (
                None,
                None,
                no_update,
                view["heading"],
                view["summary"],
                [],
                True,
                {},
                None,
                None,
                None,
                [],
            )
        # A change of the selects writes the URL; a change of the URL (first load, the
        # Back button) sets the selects and is never written back, so Back cannot loop.
        from_url = ctx.triggered_id != ids.RISK_CHOICE or not choice
        raw = parse_query(search) if from_url else choice
        state = at_risk_state(ds, raw, from_query=from_url)
        view = at_risk_view(ds, state)
        return (
            control_panel(ds, state),
            state,
            no_update if from_url else query_string(state),
            view["heading"],
            view["summary"],
            view["definition"],
            view["hidden"],
            view["figure"],
            view["funnel_table"],
            view["table"],
            view["profiles"],
            view["notes"],
        )

    @app.callback(
        Output(ids.RISK_URL, "href"),
        Input(ids.RISK_FUNNEL, "clickData"),
        prevent_initial_call=True,
    )
    def _open_profile(click):
        return profile_href(click)

    @app.callback(
        Output(ids.RISK_DOWNLOAD, "data"),
        Input(ids.RISK_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.RISK_STATE, "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks, state):
        ds = context.dataset()
        if ds is None or not state:
            return no_update
        name, text = at_risk_csv(ds, state)
        return {"content": text, "filename": name, "type": "text/csv"}
