"""The router: the path picks the page, the query string restores its state."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html

from callbacks.context import Context
from data.dataset import Dataset
from layouts import ids
from layouts.pages import page_for, parse_query, render
from layouts.shell import navigation
from layouts.staff import sign_in_needed


def not_found(path: str) -> list:
    return [
        html.H1("Page not found"),
        html.P(f"There is no page at {path}. Use the menu above to find your way."),
    ]


def data_version_text(ds: Dataset | None) -> str:
    if ds is None:
        return "No data has been published yet."
    latest = ds.latest_month_overall
    text = f"Data version {ds.version_id}"
    return text + (f"; latest month {latest:%B %Y}." if latest is not None else ".")


def route(
    pathname: str | None, search: str | None, staff: str | None = None
) -> tuple[object, str, object]:
    """Page content, document title and navigation for a URL; a plain function for tests.

    `staff` is the signed-in member of staff: staff pages show only a sign-in link
    to anyone else (their callbacks are refused on the server as well).
    """
    page = page_for(pathname)
    if page is None:
        return not_found(pathname or "/"), "Page not found", navigation("")
    title = f"{page.title} - London Weapon-Enabled Crime Dashboard"
    if page.staff and not staff:
        return sign_in_needed(pathname or page.path), title, navigation(page.path)
    return render(page, parse_query(search), pathname or "/"), title, navigation(page.path)


def register(app: Dash, context: Context) -> None:
    @app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.TITLE, "data"),
        Output(ids.NAV_HOLDER, "children"),
        Output(ids.DATA_VERSION, "children"),
        Input(ids.URL, "pathname"),
        # Pages write their own state into the query string as a person changes it;
        # re-rendering the page then would undo what they just did.
        State(ids.URL, "search"),
    )
    def _route(pathname, search):
        content, title, nav = route(pathname, search, context.staff_user())
        return content, title, nav, data_version_text(context.dataset())

    # The document title names the page (WCAG 2.4.2); set in the browser.
    app.clientside_callback(
        """function(title) {
            if (title) { document.title = title; }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.TITLE, "id"),
        Input(ids.TITLE, "data"),
    )
