"""Versions and history (/staff/history): every version, who did what, the uploads, and
rolling back -> the staff presenter -> the page. Signed-in staff only, as on /staff
(callbacks/staff.py); the navigation's callbacks are registered there, for both pages."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, ctx
from dash.exceptions import PreventUpdate

from callbacks.common import require_staff
from callbacks.context import StaffContext
from data import refresh
from data.store.store import VersionNotFoundError
from layouts import ids
from layouts.staff_history import history
from presenters import staff as presenter


def history_of(context: StaffContext) -> list:
    store = context.store
    refresh.watch_checks(store, context.check_limits)  # checks that died unwatched: failed
    return history(presenter.history_view(store.published_version_id(), store.versions(),
                                          store.history(), store.uploads(limit=50)))  # fmt: skip


def roll_back(context: StaffContext, version: int) -> str:
    user = require_staff(context)
    try:
        return presenter.rolled_back_words(refresh.rollback(context.store, version, actor=user))
    except VersionNotFoundError as exc:
        return f"Nothing changed: {exc}."


def register(app: Dash, context: StaffContext) -> None:
    @app.callback(Output(ids.STAFF_HISTORY, "children"), Input(ids.STAFF_HISTORY, "id"))
    def _history(_):
        require_staff(context)
        return history_of(context)

    @app.callback(
        Output(ids.STAFF_HISTORY_MESSAGE, "children"),
        Output(ids.STAFF_HISTORY, "children", allow_duplicate=True),
        Input({"type": ids.STAFF_ROLLBACK, "version": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _rollback(clicks):
        triggered = ctx.triggered_id
        if not isinstance(triggered, dict) or not any(clicks or []):
            raise PreventUpdate
        return roll_back(context, int(triggered["version"])), history_of(context)
