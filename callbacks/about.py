"""About the data (/about): the published version -> the presenter -> the page."""

from __future__ import annotations

from dash import Dash, Input, Output

from callbacks.context import Context
from layouts import about as page
from layouts import ids
from presenters import about


def show(ds, info) -> list:
    """Everything below the page's heading, for the published version and its record."""
    return page.content(about.view(ds, info))


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={"content": Output(ids.ABOUT_CONTENT, "children")},
        inputs={"_page": Input(ids.ABOUT_CONTENT, "id")},
    )
    def _about(_page):
        return {"content": show(context.dataset(), context.published_info())}
