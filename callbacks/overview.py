"""Callbacks of the London overview: headline cards, what changed, trend charts, download."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html

from callbacks.charts import trend_chart
from callbacks.context import Context
from data import overview
from data.dataset import Dataset
from data.export import safe_csv
from data.overview import CONNECT_START, MONTHLY, ROLLING, Headline
from layouts import ids
from layouts.tables import html_table

NO_DATA = "No data has been published yet."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def headline_card(h: Headline) -> html.Li:
    """One measure's figure, its comparison and verdict, with the definition beside it."""
    heading_id = f"overview-card-{h.measure}"
    children: list = [html.H3(h.label, id=heading_id)]
    if h.measure == overview.YOUNG_HEADLINE:
        children.append(html.P("The headline measure for young people", className="overview-badge"))
    if not h.has_figure:
        children.append(
            html.P("No figures yet", className="overview-figure-line overview-no-figure")
        )
        children.append(html.P(h.message, className="overview-message"))
    else:
        assert h.period is not None
        children.append(
            html.P(
                [
                    html.Span(f"{h.count:,}", className="overview-figure"),
                    f" {h.unit} in the {_lower_first(h.period.label)}",
                ],
                className="overview-figure-line",
            )
        )
        if h.previous is not None:
            before = h.period.previous()
            children.append(
                html.P(f"{h.previous:,} in the 12 months before ({before.label})",
                       className="overview-previous")
            )  # fmt: skip
            children.append(
                html.P(
                    _sentence(h.verdict),
                    className=f"overview-verdict overview-{h.change or 'steady'}",
                )
            )
        if h.low_count or h.previous_low_count:
            children.append(
                html.P(
                    f"Fewer than 10 {h.unit}: too few for the change to be reliable.",
                    className="overview-warning",
                )
            )
        if h.spans_connect:
            children.append(
                html.P(
                    "This comparison spans the move to the CONNECT recording system in "
                    "February 2024.",
                    className="overview-warning",
                )
            )
        if h.message:
            children.append(html.P(h.message, className="overview-message"))
    children.append(html.P(["Definition: ", h.definition], className="overview-definition"))
    return html.Li(
        children,
        className=f"overview-card overview-card-{h.status}",
        id=f"overview-card-box-{h.measure}",
        **{"aria-labelledby": heading_id},
    )


def _group_section(title: str, key: str, cards: list[Headline], lead: str = "") -> html.Section:
    heading_id = f"overview-group-{key}"
    children: list = [html.H2(title, id=heading_id)]
    if lead:
        children.append(html.P(lead, className="note"))
    children.append(html.Ul([headline_card(h) for h in cards], className="overview-card-list"))
    return html.Section(children, className="overview-group", **{"aria-labelledby": heading_id})


def overview_view(ds: Dataset | None) -> dict:
    """The overview's period line, cards and what-changed paragraph; a plain function."""
    if ds is None:
        return {"period": NO_DATA, "cards": [], "summary": [html.P(NO_DATA)]}
    groups = overview.headlines(ds)
    current = [h for hs in groups.values() for h in hs if h.status == overview.CURRENT and h.period]
    if current:
        period = current[0].period
        period_text = (
            f"The latest 12 months of data, the {_lower_first(period.label)}, against the "
            f"12 months before ({period.previous().label}). Figures for the whole of the "
            "area the Metropolitan Police covers: every London borough except the City of "
            "London, which has its own police force."
        )
    else:
        period_text = "No current figures have been published."

    sections = []
    if groups[overview.KNIFE]:
        sections.append(_group_section("Knife crime", "knife", groups[overview.KNIFE]))
    if groups[overview.GUN]:
        sections.append(_group_section("Gun crime", "gun", groups[overview.GUN]))
    context = [h for h in groups[overview.CONTEXT] if h.status != overview.HISTORICAL]
    if context:
        homicide = any(h.measure.startswith("homicide") for h in context)
        title = "Possession of weapons and homicide" if homicide else "Possession of weapons"
        sections.append(_group_section(title, "context", context))
    historical = [h for h in groups[overview.CONTEXT] if h.status == overview.HISTORICAL]
    if historical:
        sections.append(
            _group_section(
                "Homicide: historical figures",
                "historical",
                historical,
                lead="The public homicide data end before the latest 12 months, so these "
                "figures are for their own last 12 months and do not describe London now.",
            )
        )
    summary = [html.P(" ".join(overview.what_changed(groups)))]
    return {"period": period_text, "cards": sections, "summary": summary}


def _labels(ds: Dataset, frame: pd.DataFrame) -> dict[str, str]:
    return {m: str(ds.measures.loc[m, "label"]) for m in frame.columns if m != "month"}


def trend_table_frame(ds: Dataset, view: str) -> pd.DataFrame:
    """The trend figures as the table and the CSV give them: one column per chart."""
    frame = overview.knife_trends(ds, view)
    labels = _labels(ds, frame)
    suffix = ", rolling 12 months" if view == ROLLING else ""
    out = pd.DataFrame({"Month": frame["month"].dt.strftime("%Y-%m")})
    for measure, label in labels.items():
        unit = str(ds.measures.loc[measure, "unit"])
        out[f"{label} ({unit}{suffix})"] = frame[measure]
    notes = overview.low_count_note(frame, labels)
    if notes.astype(bool).any():
        out["Reliability"] = notes
    return out


def _trend_figure(frame: pd.DataFrame, measure: str, label: str, y_title: str) -> go.Figure:
    fig = trend_chart(frame, {measure: label}, y_title=y_title)
    fig.update_layout(showlegend=False, height=260, margin={"t": 24, "b": 36})
    months = frame["month"]
    if len(months) and months.min() < CONNECT_START <= months.max():
        fig.add_shape(
            type="line", xref="x", yref="paper", x0=CONNECT_START, x1=CONNECT_START,
            y0=0, y1=1, line={"color": "#4a4a4a", "dash": "dot", "width": 1.5},
        )  # fmt: skip
        fig.add_annotation(
            x=CONNECT_START, y=1, xref="x", yref="paper", yanchor="bottom",
            text="CONNECT", showarrow=False, font={"size": 11, "color": "#1b1b1b"},
        )  # fmt: skip
    return fig


def trend_view(ds: Dataset | None, view: str = MONTHLY) -> dict:
    """Charts of each knife measure and the table behind them; a plain function."""
    if ds is None:
        return {"charts": [html.P(NO_DATA)], "table": html.P(NO_DATA)}
    frame = overview.knife_trends(ds, view)
    labels = _labels(ds, frame)
    charts = []
    for measure, label in labels.items():
        unit = str(ds.measures.loc[measure, "unit"]).capitalize()
        y_title = f"{unit} in 12 months" if view == ROLLING else f"{unit} a month"
        heading_id = f"overview-chart-{measure}"
        charts.append(
            html.Figure(
                [
                    html.H3(label, id=heading_id),
                    dcc.Graph(
                        figure=_trend_figure(frame, measure, label, y_title),
                        config={"displayModeBar": False, "responsive": True},
                        className="overview-trend-graph",
                        style={"height": "260px"},
                    ),
                    html.Figcaption(
                        f"{label} in London, "
                        + ("rolling 12-month totals" if view == ROLLING else "monthly counts")
                        + ". The same figures are in the table below."
                    ),
                ],
                className="overview-trend",
                **{"aria-labelledby": heading_id},
            )
        )
    table = trend_table_frame(ds, view)
    numeric = tuple(range(1, 1 + len(labels)))
    caption = "London knife crime, " + (
        "rolling 12-month totals" if view == ROLLING else "monthly counts"
    )
    rows = (
        [
            r[0],
            *("" if pd.isna(v) else f"{int(v):,}" for v in r[1 : 1 + len(labels)]),
            *r[1 + len(labels) :],
        ]
        for r in table.itertuples(index=False, name=None)
    )
    return {
        "charts": charts,
        "table": html_table(caption, list(table.columns), rows, row_header=0, numeric=numeric),
    }


def trend_download(ds: Dataset | None, view: str) -> dict | None:
    """The CSV of the trend table, formula-safe, named after the view and data version."""
    if ds is None:
        return None
    view = view if view in overview.TREND_VIEWS else MONTHLY
    content = safe_csv(trend_table_frame(ds, view))
    return {
        "content": content,
        "filename": f"london-knife-crime-{view}-v{ds.version_id}.csv",
        "type": "text/csv",
    }


def register(app: Dash, context: Context) -> None:
    @app.callback(
        Output(ids.OVERVIEW_PERIOD, "children"),
        Output(ids.OVERVIEW_CARDS, "children"),
        Output(ids.OVERVIEW_SUMMARY, "children"),
        Input(ids.OVERVIEW_STATE, "data"),
    )
    def _headlines(_state):
        view = overview_view(context.dataset())
        return view["period"], view["cards"], view["summary"]

    @app.callback(
        Output(ids.OVERVIEW_TREND_VIEW, "data"),
        Output(ids.OVERVIEW_TREND_MONTHLY, "aria-pressed"),
        Output(ids.OVERVIEW_TREND_ROLLING, "aria-pressed"),
        Input(ids.OVERVIEW_TREND_MONTHLY, "n_clicks"),
        Input(ids.OVERVIEW_TREND_ROLLING, "n_clicks"),
        prevent_initial_call=True,
    )
    def _choose(_monthly, _rolling):
        view = ROLLING if ctx.triggered_id == ids.OVERVIEW_TREND_ROLLING else MONTHLY
        return view, str(view == MONTHLY).lower(), str(view == ROLLING).lower()

    @app.callback(
        Output(ids.OVERVIEW_CHARTS, "children"),
        Output(ids.OVERVIEW_TABLE, "children"),
        Input(ids.OVERVIEW_TREND_VIEW, "data"),
    )
    def _trends(view):
        shown = trend_view(context.dataset(), view if view in overview.TREND_VIEWS else MONTHLY)
        return shown["charts"], shown["table"]

    @app.callback(
        Output(ids.OVERVIEW_DOWNLOAD, "data"),
        Input(ids.OVERVIEW_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.OVERVIEW_TREND_VIEW, "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks, view):
        return trend_download(context.dataset(), view)

    # The chosen view goes into the address, so a shared link reopens it; replaceState
    # changes the address without a reload or a new history entry.
    app.clientside_callback(
        """function(view) {
            const url = new URL(window.location.href);
            if (view === 'monthly') { url.searchParams.delete('trend'); }
            else { url.searchParams.set('trend', view); }
            if (url.href !== window.location.href) {
                window.history.replaceState(window.history.state, '', url.href);
            }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.OVERVIEW_TREND_VIEW, "id"),
        Input(ids.OVERVIEW_TREND_VIEW, "data"),
    )
