"""Area profile (/area/<code>): the address -> the presenter -> the page; the search box,
the trend's measure (kept in the address), the funnel's marks and the monthly download."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from callbacks.area_panels import hotspot_section, perception_panel
from callbacks.common import page_state, profile_href
from callbacks.context import Context
from data import profiles
from layouts import ids
from layouts import profile as page
from layouts.tables import table
from layouts.text import paras
from presenters import profile
from presenters.profile import ProfileState


def show(ds, code: object, targets=None) -> dict:
    """Every output of the page but the trend, for the area in the address; the outcome
    rates against the staff's `targets`."""
    state = ProfileState(area=profile.stored_code(code))
    view = profile.view(ds, state, targets)
    return {
        "document_title": view.document_title,
        "title": view.title,
        "subtitle": view.subtitle,
        "browse": page.browse(view.browse),
        "body_hidden": not view.found,
        "details_hidden": not view.covered,
        "summary": paras(view.summary),
        "links": page.link_items(view.links),
        "glance": page.glance(view) if view.covered else None,
        "missing": paras(view.missing),
        "ranks": page.ranks(view) if view.covered else None,
        "funnel": view.funnel_figure,
        "funnel_note": view.funnel_note,
        "funnel_table": table(view.funnel_table, label="Funnel figures"),
        "outcomes": page.outcomes(view),
        "search_names": profile.search_labels(ds),
        "print_line": view.print_line,
        "pdf": view.pdf_href or None,
    }


def show_trend(ds, code: object, search: object, choice: object = None, *,
               from_choice: bool = False) -> dict:  # fmt: skip
    """The trend's select, chart, note and table; the address when the select changed."""
    area = profile.stored_code(code)
    if ds is None or area is None:
        view = profile.trend_view(None, ProfileState())
        return {"controls": None, "figure": view.figure, "note": "", "table": None,
                "search": no_update}  # fmt: skip

    def settle(dataset, state: ProfileState) -> ProfileState:
        return profile.settle(dataset, ProfileState(area=area, measure=state.measure))

    state, search_out = page_state(ProfileState, ds, search=search, choice=choice,
                                   from_choice=from_choice, settle=settle)  # fmt: skip
    view = profile.trend_view(ds, state)
    return {
        "controls": page.trend_controls(view),
        "figure": view.figure,
        "note": view.note,
        "table": table(view.table, label="Monthly figures"),
        "search": search_out,
    }


def find(ds, text: object) -> tuple[object, list]:
    """(the address to open or no_update, what to say under the search box)."""
    answer = profile.search(ds, text)
    return (answer.href or no_update), page.search_answer(answer)


def download(ds, code: object) -> dict | None:
    found = profile.monthly_csv(ds, ProfileState(area=profile.stored_code(code)))
    if found is None:
        return None
    name, text = found
    return {"content": text, "filename": name, "type": "text/csv"}


def register(app: Dash, context: Context) -> None:
    app.clientside_callback(
        ClientsideFunction("wec", "fillDatalist"),
        Output(ids.PROFILE_SEARCH_LIST, "title"),
        Input(ids.PROFILE_SEARCH_NAMES, "data"),
        State(ids.PROFILE_SEARCH_LIST, "id"),
    )

    @app.callback(
        output={
            "document_title": Output(ids.TITLE, "data", allow_duplicate=True),
            "title": Output(ids.PROFILE_TITLE, "children"),
            "subtitle": Output(ids.PROFILE_SUBTITLE, "children"),
            "browse": Output(ids.PROFILE_BROWSE, "children"),
            "body_hidden": Output(ids.PROFILE_BODY, "hidden"),
            "details_hidden": Output(ids.PROFILE_DETAILS, "hidden"),
            "summary": Output(ids.PROFILE_SUMMARY, "children"),
            "links": Output(ids.PROFILE_LINKS, "children"),
            "glance": Output(ids.PROFILE_GLANCE, "children"),
            "missing": Output(ids.PROFILE_MISSING, "children"),
            "ranks": Output(ids.PROFILE_RANKS, "children"),
            "funnel": Output(ids.PROFILE_FUNNEL, "figure"),
            "funnel_note": Output(ids.PROFILE_FUNNEL_NOTE, "children"),
            "funnel_table": Output(ids.PROFILE_FUNNEL_TABLE, "children"),
            "outcomes": Output(ids.PROFILE_OUTCOMES, "children"),
            "search_names": Output(ids.PROFILE_SEARCH_NAMES, "data"),
            "print_line": Output(ids.PROFILE_PRINT_LINE, "children"),
            "pdf": Output(ids.PROFILE_PDF, "href"),
        },
        inputs={"code": Input(ids.PROFILE_CODE, "data")},
        # The title store is the router's too; the profile names the area after it.
        prevent_initial_call="initial_duplicate",
    )
    def _show(code):
        return show(context.dataset(), code, context.targets())

    @app.callback(
        output={
            "controls": Output(ids.PROFILE_TREND_CONTROLS, "children"),
            "figure": Output(ids.PROFILE_TREND, "figure"),
            "note": Output(ids.PROFILE_TREND_NOTE, "children"),
            "table": Output(ids.PROFILE_TREND_TABLE, "children"),
            "search": Output(ids.PROFILE_URL, "search"),
        },
        inputs={
            "choice": Input(ids.PROFILE_TREND_CHOICE, "data"),
            "search": Input(ids.PROFILE_URL, "search"),
            "code": State(ids.PROFILE_CODE, "data"),
        },
    )
    def _trend(choice, search, code):
        return show_trend(context.dataset(), code, search, choice,
                          from_choice=ctx.triggered_id == ids.PROFILE_TREND_CHOICE)  # fmt: skip

    @app.callback(Output(ids.PROFILE_HOTSPOTS, "children"), Input(ids.PROFILE_CODE, "data"))
    def _hotspots(code):
        ds, code = context.dataset(), profile.stored_code(code)
        facts = profiles.area_facts(ds, code) if ds is not None and code else None
        return hotspot_section(ds, context, facts)

    @app.callback(Output(ids.PROFILE_PERCEPTION, "children"), Input(ids.PROFILE_CODE, "data"))
    def _perception(code):
        return perception_panel(context.dataset(), profile.stored_code(code) or "")

    @app.callback(
        output={"href": Output(ids.PROFILE_URL, "href"),
                "message": Output(ids.PROFILE_SEARCH_MESSAGE, "children")},
        inputs={"clicks": Input(ids.PROFILE_SEARCH_BUTTON, "n_clicks"),
                "submits": Input(ids.PROFILE_SEARCH, "n_submit"),
                "text": State(ids.PROFILE_SEARCH, "value")},
        prevent_initial_call=True,
    )  # fmt: skip
    def _search(clicks, submits, text):
        href, message = find(context.dataset(), text)
        return {"href": href, "message": message}

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
        return download(context.dataset(), code) or no_update
