"""Long-term trends (/trends): the selects or the address -> the presenter -> the page;
each chart's picture is saved in the browser (dashboard/assets/charts.js)."""

from __future__ import annotations

from dash import Dash, Input, Output, ctx

from callbacks.common import page_state
from callbacks.context import Context
from layouts import ids
from layouts import trends as page
from layouts.text import paras
from presenters import trends
from presenters.trends import TrendsState


def show(ds, search: object, choice: object = None, *, from_choice: bool = False) -> dict:
    """Every output of the page for an address or a change of the selects."""
    if ds is None:
        view = trends.view(None, TrendsState())
        return {"controls": None, "search": None, "heading": "", "lede": [],
                "measures": page.measures(view)}  # fmt: skip
    state, search_out = page_state(
        TrendsState, ds, search=search, choice=choice, from_choice=from_choice,
        settle=trends.settle, choose=trends.choose,
    )  # fmt: skip
    view = trends.view(ds, state)
    return {
        "controls": page.controls(trends.controls(ds, state)),
        "search": search_out,
        "heading": view.heading,
        "lede": paras(view.lede),
        "measures": page.measures(view),
    }


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={
            "controls": Output(ids.TRENDS_CONTROLS, "children"),
            "search": Output(ids.TRENDS_URL, "search"),
            "heading": Output(ids.TRENDS_HEADING, "children"),
            "lede": Output(ids.TRENDS_LEDE, "children"),
            "measures": Output(ids.TRENDS_MEASURES, "children"),
        },
        inputs={
            "choice": Input(ids.TRENDS_CHOICE, "data"),
            "search": Input(ids.TRENDS_URL, "search"),
        },
    )
    def _show(choice, search):
        return show(context.dataset(), search, choice,
                    from_choice=ctx.triggered_id == ids.TRENDS_CHOICE)  # fmt: skip
