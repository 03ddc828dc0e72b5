"""Targets for positive outcome rates on /staff: the form's selects and the targets in
force, and setting or clearing one -> the staff presenter -> the page.

Every output is a "staff-" component, so the server's guard (dashboard/auth.py) refuses
these callbacks to anyone not signed in before they run; each one also asks the context
who is signed in. The store records who set what, when, and the old and new value.
"""

from __future__ import annotations

import logging

from dash import Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks.common import require_staff
from callbacks.context import StaffContext
from data.targets import TargetError
from layouts import ids
from layouts import staff as page
from presenters import staff as presenter

log = logging.getLogger(__name__)


def targets_form(context: StaffContext, choice: object = None) -> dict:
    require_staff(context)
    return page.targets(
        presenter.targets_view(
            context.dataset(), context.store.targets(), choice if isinstance(choice, dict) else None
        )
    )


def set_target(context: StaffContext, choice: object, rate: object, *, clear: bool) -> dict:
    """Set or clear a target from the form; the store records who, when, old and new."""
    user = require_staff(context)
    ds = context.dataset()
    chosen = choice if isinstance(choice, dict) else None
    try:
        request = presenter.target_request(ds, chosen, rate, clear=clear)
    except TargetError as exc:
        return {"message": f"Nothing was changed: {exc}.", **targets_form(context, chosen)}
    old, _ = context.store.set_target(request.measure, request.area_code, request.rate,
                                      actor=user, what=request.what)  # fmt: skip
    log.info("target set by %s: %s -> %s", user, request.what, request.rate)
    return {"message": presenter.target_set_words(request, old), **targets_form(context, chosen)}


def register(app: Dash, context: StaffContext) -> None:
    @app.callback(
        output={"choices": Output(ids.STAFF_TARGET_CHOICES, "children"),
                "table": Output(ids.STAFF_TARGETS, "children")},
        inputs={"_": Input(ids.STAFF_TARGETS_SECTION, "id")},
    )  # fmt: skip
    def _targets(_):
        return targets_form(context)

    @app.callback(
        output={"message": Output(ids.STAFF_TARGET_MESSAGE, "children"),
                "choices": Output(ids.STAFF_TARGET_CHOICES, "children", allow_duplicate=True),
                "table": Output(ids.STAFF_TARGETS, "children", allow_duplicate=True)},
        inputs={"_set": Input(ids.STAFF_TARGET_SET, "n_clicks"),
                "_clear": Input(ids.STAFF_TARGET_CLEAR, "n_clicks")},
        state={"choice": State(ids.STAFF_TARGET_CHOICE, "data"),
               "rate": State(ids.STAFF_TARGET_RATE, "value")},
        prevent_initial_call=True,
    )  # fmt: skip
    def _set_target(_set, _clear, choice, rate):
        if ctx.triggered_id not in (ids.STAFF_TARGET_SET, ids.STAFF_TARGET_CLEAR):
            raise PreventUpdate
        return set_target(context, choice, rate, clear=ctx.triggered_id == ids.STAFF_TARGET_CLEAR)
