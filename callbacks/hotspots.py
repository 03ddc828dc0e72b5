"""Hot spots and repeat victimisation (/hotspots): the selects or the address -> the
presenter -> the page."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from callbacks.common import page_state
from callbacks.context import Context
from data.dataset import Dataset
from layouts import ids
from layouts.controls import fieldset
from layouts.hotspots import map_key, sensitivity
from layouts.tables import table
from layouts.text import paras
from presenters import hotspots as presenter
from presenters.hotspots import Boundaries, HotspotsState, HotspotsView

# Output name -> (component id, property), in the order of the page.
OUTPUTS = {
    "controls": (ids.HOT_CONTROLS, "children"),
    "search": (ids.HOT_URL, "search"),
    "heading": (ids.HOT_HEADING, "children"),
    "summary": (ids.HOT_SUMMARY, "children"),
    "hidden": (ids.HOT_RESULTS, "hidden"),
    "map": (ids.HOT_MAP, "figure"),
    "map_fit": (ids.HOT_MAP_FOCUS, "data"),
    "map_note": (ids.HOT_MAP_NOTE, "children"),
    "key": (ids.HOT_LEGEND, "children"),
    "classes": (ids.HOT_CLASSES, "children"),
    "table": (ids.HOT_TABLE, "children"),
    "concentration_text": (ids.HOT_CONCENTRATION_TEXT, "children"),
    "lorenz": (ids.HOT_LORENZ, "figure"),
    "concentration": (ids.HOT_CONCENTRATION, "children"),
    "notes": (ids.HOT_NOTES, "children"),
    "sensitivity": (ids.HOT_SENSITIVITY, "children"),
}


def show(ds: Dataset | None, search: object, choice: object = None, *,
         from_choice: bool = False, boundaries: Boundaries | None = None) -> dict:  # fmt: skip
    """Every output of the page for an address or a change of the selects."""
    if ds is None:
        return draw(None, HotspotsState(), presenter.view(None, HotspotsState(), None), no_update)
    state, search_out = page_state(
        HotspotsState, ds, search=search, choice=choice, from_choice=from_choice,
        settle=presenter.settle, choose=presenter.choose,
    )  # fmt: skip
    return draw(ds, state, presenter.view(ds, state, boundaries), search_out)


def draw(ds: Dataset | None, state: HotspotsState, view: HotspotsView, search: object) -> dict:
    """The view model's fields as the page's components."""
    flagged = table(view.flagged, label="Flagged areas", class_name="hot-flagged")
    return {
        "controls": fieldset(presenter.controls(ds, state) if ds is not None else None,
                             store=ids.HOT_CHOICE, prefix=ids.HOT_SELECT),
        "search": search,
        "heading": view.heading,
        "summary": paras(view.summary),
        "hidden": not view.has_results,
        "map": view.map_figure,
        "map_fit": view.map_fit,
        "map_note": view.map_note,
        "key": map_key(view.key),
        "classes": paras(view.classes),
        "table": [*paras([view.flagged_message] if view.flagged_message else []), flagged],
        "concentration_text": paras(view.concentration_words),
        "lorenz": view.lorenz,
        "concentration": table(view.concentration, label="Concentration of offences"),
        "notes": paras(view.notes),
        "sensitivity": sensitivity(view.sensitivity_words, view.sensitivity),
    }  # fmt: skip


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={name: Output(*target) for name, target in OUTPUTS.items()},
        inputs={"choice": Input(ids.HOT_CHOICE, "data"), "search": Input(ids.HOT_URL, "search")},
    )
    def _show(choice, search):
        return show(context.dataset(), search, choice,
                    from_choice=ctx.triggered_id == ids.HOT_CHOICE, boundaries=context)  # fmt: skip

    # The map fitted in the browser to its own size (a phone's too).
    app.clientside_callback(
        ClientsideFunction("wec", "fitMap"),
        Output(ids.HOT_MAP, "figure", allow_duplicate=True),
        Input(ids.HOT_MAP_FOCUS, "data"),
        State(ids.HOT_MAP, "id"),
        prevent_initial_call=True,
    )
