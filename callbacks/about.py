"""About the data (/about): the published version -> the presenter -> the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import Dash, Input, Output

from callbacks.context import Context
from layouts import about as page
from layouts import ids
from presenters import about


def show(ds, info, notes: Sequence[Mapping] = ()) -> list:
    """Everything below the page's heading, for the published version and its record,
    and the history of releases (`notes`, newest first)."""
    return page.content(about.view(ds, info, notes))


def register(app: Dash, context: Context) -> None:
    @app.callback(
        output={"content": Output(ids.ABOUT_CONTENT, "children")},
        inputs={"_page": Input(ids.ABOUT_CONTENT, "id")},
    )
    def _about(_page):
        return {"content": show(context.dataset(), context.published_info(),
                                context.release_notes())}  # fmt: skip
