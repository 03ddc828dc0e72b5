"""Public perception (/perception): the selects, the address or a borough picked on a
chart -> the presenter -> the page."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from callbacks.common import page_state
from callbacks.context import Context
from data.dataset import Dataset
from layouts import ids
from layouts.controls import fieldset
from layouts.perception import map_key
from layouts.tables import table
from layouts.text import paras
from presenters import perception as presenter
from presenters.perception import PerceptionState, PerceptionView

# Output name -> (component id, property), in the order of the page.
OUTPUTS = {
    "controls": (ids.PERCEPTION_CONTROLS, "children"),
    "search": (ids.PERCEPTION_URL, "search"),
    "message": (ids.PERCEPTION_MESSAGE, "children"),
    "hidden": (ids.PERCEPTION_BODY, "hidden"),
    "trend_heading": (ids.PERCEPTION_TREND_HEADING, "children"),
    "trend_summary": (ids.PERCEPTION_TREND_SUMMARY, "children"),
    "trend": (ids.PERCEPTION_TREND, "figure"),
    "trend_table": (ids.PERCEPTION_TREND_TABLE, "children"),
    "map_heading": (ids.PERCEPTION_MAP_HEADING, "children"),
    "map_summary": (ids.PERCEPTION_MAP_SUMMARY, "children"),
    "map": (ids.PERCEPTION_MAP, "figure"),
    "map_key": (ids.PERCEPTION_MAP_LEGEND, "children"),
    "map_table": (ids.PERCEPTION_MAP_TABLE, "children"),
    "map_fit": (ids.PERCEPTION_MAP_FOCUS, "data"),
    "crime_heading": (ids.PERCEPTION_CRIME_HEADING, "children"),
    "crime_summary": (ids.PERCEPTION_CRIME_SUMMARY, "children"),
    "scatter": (ids.PERCEPTION_SCATTER, "figure"),
    "scatter_table": (ids.PERCEPTION_SCATTER_TABLE, "children"),
    "crime_trend": (ids.PERCEPTION_CRIME_TREND, "figure"),
    "crime_trend_table": (ids.PERCEPTION_CRIME_TREND_TABLE, "children"),
    "homicide_heading": (ids.PERCEPTION_HOMICIDE_HEADING, "children"),
    "homicide_summary": (ids.PERCEPTION_HOMICIDE_SUMMARY, "children"),
    "homicide": (ids.PERCEPTION_HOMICIDE, "figure"),
    "homicide_table": (ids.PERCEPTION_HOMICIDE_TABLE, "children"),
    "victims_heading": (ids.PERCEPTION_VICTIMS_HEADING, "children"),
    "victims_summary": (ids.PERCEPTION_VICTIMS_SUMMARY, "children"),
    "victims": (ids.PERCEPTION_VICTIMS, "figure"),
    "victims_age_table": (ids.PERCEPTION_VICTIMS_AGE_TABLE, "children"),
    "victims_sex_table": (ids.PERCEPTION_VICTIMS_SEX_TABLE, "children"),
    "victims_solved_table": (ids.PERCEPTION_VICTIMS_SOLVED_TABLE, "children"),
}


def show(ds: Dataset | None, search: object, choice: object = None, *,
         from_choice: bool = False, geojson_url: str | None = None) -> dict:  # fmt: skip
    """Every output of the page for an address or a change of the selects."""
    if ds is None:
        return draw(None, PerceptionState(), presenter.view(None, PerceptionState()), no_update)
    state, search_out = page_state(
        PerceptionState, ds, search=search, choice=choice, from_choice=from_choice,
        settle=presenter.settle,
    )  # fmt: skip
    return draw(ds, state, presenter.view(ds, state, geojson_url), search_out)


def draw(ds: Dataset | None, state: PerceptionState, view: PerceptionView, search: object) -> dict:
    """The view model's fields as the page's components."""
    trend, area_map, beside, homicide = view.trend, view.map, view.beside, view.homicide
    return {
        "controls": fieldset(presenter.controls(ds, state) if ds is not None else None,
                             store=ids.PERCEPTION_CHOICE, prefix=ids.PERCEPTION_SELECT),
        "search": search,
        "message": paras(view.message),
        "hidden": not view.available,
        "trend_heading": trend.heading,
        "trend_summary": paras(trend.summary),
        "trend": trend.figure,
        "trend_table": table(trend.table, label="Trend figures"),
        "map_heading": area_map.heading,
        "map_summary": paras(area_map.summary),
        "map": area_map.figure,
        "map_key": map_key(area_map.key),
        "map_table": table(area_map.table, label="Figures by borough"),
        "map_fit": area_map.fit,
        "crime_heading": beside.heading,
        "crime_summary": paras(beside.summary),
        "scatter": beside.scatter,
        "scatter_table": table(beside.scatter_table, label="Survey and crime figures by borough"),
        "crime_trend": beside.trend,
        "crime_trend_table": table(beside.trend_table, label="Survey and crime figures over time"),
        "homicide_heading": homicide.heading,
        "homicide_summary": paras(homicide.summary),
        "homicide": homicide.figure,
        "homicide_table": table(homicide.table, label="Homicide victims by year"),
        "victims_heading": view.victims.heading,
        "victims_summary": paras(view.victims.summary),
        "victims": view.victims.figure,
        "victims_age_table": table(view.victims.age_table, label="Victims by age group"),
        "victims_sex_table": table(view.victims.sex_table, label="Victims by sex"),
        "victims_solved_table": table(view.victims.solved_table,
                                      label="Victims by solved status"),
    }  # fmt: skip


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={name: Output(*target) for name, target in OUTPUTS.items()},
        inputs={
            "choice": Input(ids.PERCEPTION_CHOICE, "data"),
            "search": Input(ids.PERCEPTION_URL, "search"),
        },
    )
    def _show(choice, search):
        return show(context.dataset(), search, choice,
                    from_choice=ctx.triggered_id == ids.PERCEPTION_CHOICE,
                    geojson_url=context.geojson_url("borough"))  # fmt: skip

    # The whole of London, fitted in the browser to the map's size (a phone's too).
    app.clientside_callback(
        ClientsideFunction("wec", "fitMap"),
        Output(ids.PERCEPTION_MAP, "figure", allow_duplicate=True),
        Input(ids.PERCEPTION_MAP_FOCUS, "data"),
        State(ids.PERCEPTION_MAP, "id"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.PERCEPTION_URL, "search", allow_duplicate=True),
        inputs={
            "map_click": Input(ids.PERCEPTION_MAP, "clickData"),
            "scatter_click": Input(ids.PERCEPTION_SCATTER, "clickData"),
            "search": State(ids.PERCEPTION_URL, "search"),
        },
        prevent_initial_call=True,
    )
    def _choose_borough(map_click, scatter_click, search):
        click = map_click if ctx.triggered_id == ids.PERCEPTION_MAP else scatter_click
        return borough_search(context.dataset(), search, click)

    @app.callback(
        Output(ids.PERCEPTION_DOWNLOAD, "data"),
        inputs={
            "clicks": Input(ids.PERCEPTION_DOWNLOAD_BUTTON, "n_clicks"),
            "search": State(ids.PERCEPTION_URL, "search"),
        },
        prevent_initial_call=True,
    )
    def _download(clicks, search):
        ds = context.dataset()
        found = None
        if ds is not None:
            found = presenter.download(ds, presenter.settle(ds, PerceptionState.from_query(search)))
        if found is None:
            return no_update
        return {"content": found[1], "filename": found[0], "type": "text/csv"}


def borough_search(ds: Dataset | None, search: object, click: object) -> object:
    """The address with the borough a chart mark names chosen (no_update if none)."""
    if ds is None:
        return no_update
    state = presenter.settle(ds, PerceptionState.from_query(search))
    chosen = presenter.with_area(ds, state, presenter.clicked_borough(click))
    return no_update if chosen is None else chosen.search()
