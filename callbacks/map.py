"""The map (/map): the selects, the address, the map, the search box and the buttons ->
the presenter -> the page.

The map figure is sent whole only when its level or boundary file changes; otherwise
a Patch carries the new values (`layouts/map_figure.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import page_state
from callbacks.context import Context
from data.dataset import Dataset
from layouts import ids
from layouts import map as page
from layouts.map_figure import DOWNLOAD_IMAGE, FIT_MAP, map_figure, map_patch
from layouts.map_key import key
from layouts.text import paras
from presenters import map as presenter
from presenters.common import areas
from presenters.map import MapState

Urls = Callable[[str], str | None]


def show(ds: Dataset | None, urls: Urls, search: object, action: object = None, *,
         find: object = None, drawn: object = None, targets=None) -> dict:  # fmt: skip
    """Every output of the page for an address, or for one thing a person did: `action`
    is what the selects sent (or {"changed": "click" | "back" | "table", ...}), `find`
    the text of the search box; `drawn` is what the map was last drawn for."""
    if ds is None:
        view = presenter.view(None, MapState())
        return {"headline": page.headline(view), "table": page.table_holder(view), "figure": {}}
    finding = None
    if find is not None:
        finding = presenter.find(ds, presenter.settle(ds, MapState.from_query(search)), find)
        action = finding.choice
    state, search_out = page_state(
        MapState, ds, search=search, choice=action, from_choice=action is not None,
        settle=presenter.settle, choose=presenter.choose,
    )  # fmt: skip
    view = presenter.view(ds, state, targets)
    out = {
        "controls": page.controls(presenter.controls(ds, state)),
        "search": search_out,
        "heading": view.heading,
        "headline": page.headline(view),
        "notes": paras(view.notes),
        "definition": page.definition(view.definition),
        "legend": key(view.key),
        "selected": page.selected_area(view.selected),
        "back_hidden": not state.filtered,
        "find_value": view.find_label if finding is None or finding.choice else no_update,
        "find_message": page.find_message(finding),
    }
    return out | page.table_parts(view, state.table) | drawing(ds, urls, view, drawn)


def drawing(ds: Dataset, urls: Urls, view: presenter.MapView, drawn: object) -> dict:
    """The figure (whole, or a Patch of values on the same boundaries), where to fit
    it, and the picture's layout."""
    url, borough_url = urls(view.level), urls("borough")
    before = drawn if isinstance(drawn, dict) else {}
    now = f"{ds.version_id}|{view.level}|{url}|{borough_url}"
    focus = {"url": url, "codes": list(view.focus) if view.focus else None, "pad": view.pad}
    focus_key = f"{now}|{focus['codes']}"
    if url is None:
        figure = {}
    elif before.get("drawn") == now:
        figure = map_patch(url, borough_url or url, view.paint)
    else:
        figure = map_figure(url, borough_url or url, view.paint)
    return {
        "figure": figure,
        "drawn": {"drawn": now, "focus": focus_key},
        "focus": focus if before.get("focus") != focus_key else no_update,
        "image": page.image(view.image),
    }


OUTPUTS = {
    "controls": Output(ids.MAP_CONTROLS, "children"),
    "search": Output(ids.MAP_URL, "search"),
    "figure": Output(ids.MAP, "figure"),
    "drawn": Output(ids.MAP_DRAWN, "data"),
    "focus": Output(ids.MAP_FOCUS, "data"),
    "image": Output(ids.MAP_IMAGE, "data"),
    "heading": Output(ids.MAP_HEADING, "children"),
    "headline": Output(ids.MAP_HEADLINE, "children"),
    "notes": Output(ids.MAP_NOTE, "children"),
    "definition": Output(ids.MAP_DEFINITION, "children"),
    "legend": Output(ids.MAP_LEGEND, "children"),
    "selected": Output(ids.MAP_SELECTED, "children"),
    "back_hidden": Output(ids.MAP_BACK, "hidden"),
    "table": Output(ids.MAP_TABLE, "children"),
    "table_hidden": Output(ids.MAP_TABLE_AREA, "hidden"),
    "csv_hidden": Output(ids.MAP_CSV, "hidden"),
    "open_hidden": Output(ids.MAP_TABLE_OPEN, "hidden"),
    "toggle_text": Output(ids.MAP_TABLE_TOGGLE, "children"),
    "toggle_expanded": Output(ids.MAP_TABLE_TOGGLE, "aria-expanded"),
    "find_value": Output(ids.MAP_FIND, "value"),
    "find_message": Output(ids.MAP_FIND_MESSAGE, "children"),
}


# When several inputs change at once (a select changed while the search box, losing
# the focus, commits its text), the first of these that asks for something wins.
PRIORITY = (ids.MAP_CHOICE, ids.MAP, ids.MAP_BACK, ids.MAP_TABLE_TOGGLE, ids.MAP_TABLE_OPEN,
            ids.MAP_FIND_BUTTON, ids.MAP_FIND, ids.MAP_URL)  # fmt: skip


def action_of(triggered: set, choice: object, click: object, find_text: object) -> tuple:
    """(trigger, action, text to find) for the inputs that changed."""
    for name in PRIORITY:
        if name not in triggered:
            continue
        if name == ids.MAP_CHOICE and isinstance(choice, dict):
            return name, choice, None
        if name == ids.MAP:
            return name, {"changed": "click", "area": presenter.clicked_area(click)}, None
        if name == ids.MAP_BACK:
            return name, {"changed": "back"}, None
        if name in (ids.MAP_TABLE_TOGGLE, ids.MAP_TABLE_OPEN):
            return name, {"changed": "table"}, None
        if name in (ids.MAP_FIND_BUTTON, ids.MAP_FIND) and str(find_text or "").strip():
            return name, None, find_text
        if name == ids.MAP_URL:
            return name, None, None
    return None, None, None


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output=OUTPUTS,
        inputs={
            "choice": Input(ids.MAP_CHOICE, "data"),
            "typed": Input(ids.MAP_FIND, "value"),
            "find_clicks": Input(ids.MAP_FIND_BUTTON, "n_clicks"),
            "click": Input(ids.MAP, "clickData"),
            "back": Input(ids.MAP_BACK, "n_clicks"),
            "table": Input(ids.MAP_TABLE_TOGGLE, "n_clicks"),
            "open_table": Input(ids.MAP_TABLE_OPEN, "n_clicks"),
            "search": Input(ids.MAP_URL, "search"),
        },
        state={
            "find_text": State(ids.MAP_FIND, "value"),
            "pathname": State(ids.MAP_URL, "pathname"),
            "drawn": State(ids.MAP_DRAWN, "data"),
        },
    )
    def _show(choice, typed, find_clicks, click, back, table, open_table, search, find_text,
              pathname, drawn):  # fmt: skip
        triggered = set(ctx.triggered_prop_ids.values()) if ctx.triggered_id else {None}
        name, action, find = action_of(triggered, choice, click, find_text)
        if name is None and None not in triggered:
            raise PreventUpdate  # an empty search box, say: nothing to do
        path = pathname if isinstance(pathname, str) else ""
        if name == ids.MAP_URL and path.rstrip("/") != presenter.PATH:
            raise PreventUpdate  # the page is being left: its address is another page's
        out = show(
            context.dataset(),
            context.geojson_url,
            search,
            action,
            find=find,
            drawn=drawn,
            targets=context.targets(),
        )
        return {name: out.get(name, no_update) for name in OUTPUTS}

    @app.callback(Output(ids.MAP_FIND_NAMES, "data"), Input(ids.MAP_FIND_NAMES, "id"))
    def _names(_):
        ds = context.dataset()
        return areas.search_labels(ds, presenter.FINDABLE) if ds is not None else []

    app.clientside_callback(
        FIT_MAP, Output(ids.MAP, "figure", allow_duplicate=True), Input(ids.MAP_FOCUS, "data"),
        State(ids.MAP, "id"), prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        DOWNLOAD_IMAGE, Output(ids.MAP_IMAGE_BUTTON, "title"),
        Input(ids.MAP_IMAGE_BUTTON, "n_clicks"), State(ids.MAP_IMAGE, "data"),
        State(ids.MAP, "id"), prevent_initial_call=True,
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction("wec", "fillList"), Output(ids.MAP_FIND_LIST, "className"),
        Input(ids.MAP_FIND_NAMES, "data"), State(ids.MAP_FIND_LIST, "id"),
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction("wec", "focusHeading"), Output(ids.MAP_HEADING, "tabIndex"),
        Input(ids.MAP_BACK, "n_clicks"), State(ids.MAP_HEADING, "id"),
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction("wec", "focusHeading"), Output(ids.MAP_TABLE_HEADING, "tabIndex"),
        Input(ids.MAP_TABLE_OPEN, "n_clicks"), State(ids.MAP_TABLE_HEADING, "id"),
    )  # fmt: skip
    app.clientside_callback(
        ClientsideFunction("wec", "openWhenWide"), Output(ids.MAP_CHOOSE, "open"),
        Input(ids.MAP_CHOOSE, "id"),
    )  # fmt: skip
