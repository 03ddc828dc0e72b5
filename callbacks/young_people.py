"""Young people and knife crime (/young-people): the selects or the address -> the
presenter -> the page."""

from __future__ import annotations

from dash import Dash, Input, Output, ctx, no_update

from callbacks.common import page_state
from callbacks.context import Context
from data.dataset import Dataset
from layouts import ids
from layouts.controls import fieldset
from layouts.tables import table
from layouts.text import paras
from presenters import young_people as presenter
from presenters.young_people import YoungState, YoungView

# Output name -> (component id, property), in the order of the page.
OUTPUTS = {
    "controls": (ids.YOUNG_CONTROLS, "children"),
    "search": (ids.YOUNG_URL, "search"),
    "heading": (ids.YOUNG_HEADING, "children"),
    "summary": (ids.YOUNG_SUMMARY, "children"),
    "hidden": (ids.YOUNG_RESULTS, "hidden"),
    "chart": (ids.YOUNG_CHART, "figure"),
    "chart_note": (ids.YOUNG_CHART_NOTE, "children"),
    "table": (ids.YOUNG_TABLE, "children"),
    "notes": (ids.YOUNG_NOTES, "children"),
    "share_note": (ids.YOUNG_SHARE_NOTE, "children"),
    "share": (ids.YOUNG_SHARE, "figure"),
    "share_caption": (ids.YOUNG_SHARE_CAPTION, "children"),
    "share_table": (ids.YOUNG_SHARE_TABLE, "children"),
}


def show(ds: Dataset | None, search: object, choice: object = None, *,
         from_choice: bool = False) -> dict:  # fmt: skip
    """Every output of the page for an address or a change of the selects."""
    if ds is None:
        return draw(None, YoungState(), presenter.view(None, YoungState()), no_update)
    state, search_out = page_state(
        YoungState, ds, search=search, choice=choice, from_choice=from_choice,
        settle=presenter.settle, choose=presenter.choose,
    )  # fmt: skip
    return draw(ds, state, presenter.view(ds, state), search_out)


def draw(ds: Dataset | None, state: YoungState, view: YoungView, search: object) -> dict:
    """The view model's fields as the page's components."""
    return {
        "controls": fieldset(presenter.controls(ds, state) if ds is not None else None,
                             store=ids.YOUNG_CHOICE, prefix=ids.YOUNG_SELECT),
        "search": search,
        "heading": view.heading,
        "summary": paras(view.summary),
        "hidden": not view.has_results,
        "chart": view.chart,
        "chart_note": view.chart_note,
        "table": table(view.table, label="Young victims by area", class_name="young-areas"),
        "notes": paras(view.notes),
        "share_note": paras(view.share_note),
        "share": view.share,
        "share_caption": view.share_caption,
        "share_table": table(view.share_table, label="Young victims' share by month"),
    }  # fmt: skip


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={name: Output(*target) for name, target in OUTPUTS.items()},
        inputs={"choice": Input(ids.YOUNG_CHOICE, "data"),
                "search": Input(ids.YOUNG_URL, "search")},
    )  # fmt: skip
    def _show(choice, search):
        return show(context.dataset(), search, choice,
                    from_choice=ctx.triggered_id == ids.YOUNG_CHOICE)  # fmt: skip
