"""Compare areas (/compare): the address, the selects or the search box -> the presenter
-> the page."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from callbacks.common import page_state
from callbacks.context import Context
from layouts import compare as page
from layouts import ids
from layouts.controls import fieldset
from layouts.tables import table
from layouts.text import paras
from presenters import compare
from presenters.compare import CompareState


def show(ds, search: object, choice: object = None, *, from_choice: bool = False,
         added: object = None) -> dict:  # fmt: skip
    """Every output of the page for an address, a change of the selects, or an area
    typed into the search box (`added`)."""
    if ds is None:
        view = compare.view(None, CompareState())
        return {"search": no_update, "heading": "Compare areas", "chosen": None,
                "controls": None, "summary": paras(view.summary), "hidden": True,
                "figure": {}, "chart_note": "", "trend_table": None, "table": None,
                "notes": [], "share": "/compare", "share_text": "/compare",
                "message": [], "typed": no_update}  # fmt: skip
    state, search_out = page_state(
        CompareState, ds, search=search, choice=choice, from_choice=from_choice,
        settle=compare.settle, choose=compare.choose,
    )  # fmt: skip
    answer = None
    if added is not None:
        answer = compare.add(ds, state, added)
        if answer.state != state:
            state, search_out = answer.state, answer.state.search()
    view = compare.view(ds, state)
    return {
        "search": search_out,
        "heading": view.heading,
        "chosen": page.chosen(view.chosen),
        "controls": fieldset(compare.controls(ds, state), store=ids.COMPARE_CHOICE,
                             prefix=ids.COMPARE_SELECT) if view.table else None,
        "summary": paras(view.summary),
        "hidden": view.table is None,
        "figure": view.figure,
        "chart_note": view.chart_note,
        "trend_table": table(view.trend_table, label="Figures of the chart"),
        "table": table(view.table, label="Every measure for every area"),
        "notes": paras(view.notes),
        "share": view.share_href,
        "share_text": view.share_href,
        "message": page.add_message(answer),
        # A successful addition clears the box for the next one.
        "typed": "" if answer is not None and not answer.message else no_update,
    }  # fmt: skip


def register(app: Dash, context: Context) -> None:
    app.clientside_callback(
        ClientsideFunction("wec", "fillDatalist"),
        Output(ids.COMPARE_SEARCH_LIST, "title"),
        Input(ids.COMPARE_SEARCH_NAMES, "data"),
        State(ids.COMPARE_SEARCH_LIST, "id"),
    )

    @app.callback(Output(ids.COMPARE_SEARCH_NAMES, "data"), Input(ids.COMPARE_SEARCH_NAMES, "id"))
    def _names(_):
        return compare.search_labels(context.dataset())

    @app.callback(
        output={
            "search": Output(ids.COMPARE_URL, "search"),
            "heading": Output(ids.COMPARE_HEADING, "children"),
            "chosen": Output(ids.COMPARE_CHOSEN, "children"),
            "controls": Output(ids.COMPARE_CONTROLS, "children"),
            "summary": Output(ids.COMPARE_SUMMARY, "children"),
            "hidden": Output(ids.COMPARE_RESULTS, "hidden"),
            "figure": Output(ids.COMPARE_CHART, "figure"),
            "chart_note": Output(ids.COMPARE_CHART_NOTE, "children"),
            "trend_table": Output(ids.COMPARE_TREND_TABLE, "children"),
            "table": Output(ids.COMPARE_TABLE, "children"),
            "notes": Output(ids.COMPARE_NOTES, "children"),
            "share": Output(ids.COMPARE_SHARE, "href"),
            "share_text": Output(ids.COMPARE_SHARE, "children"),
            "message": Output(ids.COMPARE_ADD_MESSAGE, "children"),
            "typed": Output(ids.COMPARE_SEARCH, "value"),
        },
        inputs={
            "search": Input(ids.COMPARE_URL, "search"),
            "choice": Input(ids.COMPARE_CHOICE, "data"),
            "clicks": Input(ids.COMPARE_ADD, "n_clicks"),
            "submits": Input(ids.COMPARE_SEARCH, "n_submit"),
            "text": State(ids.COMPARE_SEARCH, "value"),
        },
    )
    def _show(search, choice, clicks, submits, text):
        adding = ctx.triggered_id in (ids.COMPARE_ADD, ids.COMPARE_SEARCH)
        return show(context.dataset(), search, choice,
                    from_choice=ctx.triggered_id == ids.COMPARE_CHOICE,
                    added=text if adding else None)  # fmt: skip
