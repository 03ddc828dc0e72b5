"""The London overview (/): the presenter's cards and words; the trend view's toggle
buttons or the address -> the charts and their table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import Dash, Input, Output, ctx, no_update

from callbacks.common import page_state
from callbacks.context import Context
from layouts import ids
from layouts import overview as page
from layouts import releases as release_notes
from layouts.text import paras
from presenters import overview
from presenters.common import releases
from presenters.overview import OverviewState

BUTTONS = {ids.OVERVIEW_TREND_MONTHLY: "monthly", ids.OVERVIEW_TREND_ROLLING: "rolling"}


def show(ds, notes: Sequence[Mapping] = ()) -> dict:
    """The period line, the cards by group, what changed, and the latest release's note
    (`notes`: the store's release notes, newest first)."""
    view = overview.view(ds)
    published = ds.version_id if ds is not None else None
    return {
        "period": view.period,
        "cards": [page.card_group(g) for g in view.groups],
        "summary": paras(view.summary),
        "release": release_notes.latest(releases.latest_release(notes, published)),
    }


def show_trends(ds, search: object, pressed: str | None = None) -> dict:
    """The charts and table for the address, or for the toggle button just pressed (the
    address then changes to say so)."""
    choice = {"trend": BUTTONS[pressed]} if pressed in BUTTONS else None
    if ds is None:
        state, search_out = overview.settle(ds, OverviewState.from_query(search)), no_update
    else:
        state, search_out = page_state(OverviewState, ds, search=search, choice=choice,
                                       from_choice=choice is not None, settle=overview.settle,
                                       choose=overview.choose)  # fmt: skip
    view = overview.trend_view(ds, state)
    pressed_now = {value: is_on for value, _, is_on in view.choices}
    return {
        "search": search_out,
        "charts": page.charts(view),
        "table": page.trend_table(view),
        "monthly": str(pressed_now["monthly"]).lower(),
        "rolling": str(pressed_now["rolling"]).lower(),
    }


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={
            "period": Output(ids.OVERVIEW_PERIOD, "children"),
            "cards": Output(ids.OVERVIEW_CARDS, "children"),
            "summary": Output(ids.OVERVIEW_SUMMARY, "children"),
            "release": Output(ids.OVERVIEW_RELEASE, "children"),
        },
        inputs={"_page": Input(ids.OVERVIEW_CARDS, "id")},
    )
    def _show(_page):
        return show(context.dataset(), context.release_notes())

    @app.callback(
        output={
            "search": Output(ids.OVERVIEW_URL, "search"),
            "charts": Output(ids.OVERVIEW_CHARTS, "children"),
            "table": Output(ids.OVERVIEW_TABLE, "children"),
            "monthly": Output(ids.OVERVIEW_TREND_MONTHLY, "aria-pressed"),
            "rolling": Output(ids.OVERVIEW_TREND_ROLLING, "aria-pressed"),
        },
        inputs={
            "search": Input(ids.OVERVIEW_URL, "search"),
            "monthly": Input(ids.OVERVIEW_TREND_MONTHLY, "n_clicks"),
            "rolling": Input(ids.OVERVIEW_TREND_ROLLING, "n_clicks"),
        },
    )
    def _trends(search, monthly, rolling):
        return show_trends(context.dataset(), search, ctx.triggered_id)
