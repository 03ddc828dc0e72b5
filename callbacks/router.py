"""The router: the path picks the page, the query string restores its state."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, html

from callbacks.context import Context
from layouts import ids
from layouts.pages import parse_query, render
from layouts.shell import navigation
from layouts.staff import sign_in_needed
from layouts.text import paras
from presenters.router import data_version_line, route


def show(ds, pathname: str | None, search: str | None, staff: str | None = None) -> dict:
    """Page content, document title, navigation and data-version line for a URL.

    `staff` is the signed-in member of staff: staff pages show only a sign-in link
    to anyone else (their callbacks are refused on the server as well).
    """
    to = route(pathname, staff)
    if to.page is None:
        content = [html.H1("Page not found"), *paras(to.not_found)]
    elif to.sign_in:
        content = sign_in_needed(pathname or to.page.path)
    else:
        content = render(to.page, parse_query(search), pathname or "/")
    return {
        "content": content,
        "title": to.title,
        "nav": navigation(to.nav_path),
        "version": data_version_line(ds),
    }


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={
            "content": Output(ids.PAGE, "children"),
            "title": Output(ids.TITLE, "data"),
            "nav": Output(ids.NAV_HOLDER, "children"),
            "version": Output(ids.DATA_VERSION, "children"),
        },
        # Pages write their own state into the query string as a person changes it;
        # re-rendering the page then would undo what they just did.
        inputs={"pathname": Input(ids.URL, "pathname"), "search": State(ids.URL, "search")},
    )
    def _route(pathname, search):
        return show(context.dataset(), pathname, search, context.staff_user())

    # The document title names the page (WCAG 2.4.2); set in the browser.
    app.clientside_callback(
        ClientsideFunction("wec", "documentTitle"),
        Output(ids.TITLE, "id"),
        Input(ids.TITLE, "data"),
    )
