"""What both staff pages (/staff, /staff/history) show in their navigation: who is
signed in, signing out, and the notice that the session has ended.

The notice is drawn here while the session lives and shown in the browser
(dashboard/assets/staff_session.js) once the server refuses a callback of the page
(403): after the idle timeout, the session's lifetime, a sign-out elsewhere or a
password change, every staff callback is refused before it runs, and without the notice
nothing on the page would say why.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.common import require_staff
from callbacks.context import StaffContext
from layouts import ids
from layouts.staff import session_ended
from presenters.staff import session_ended_view

STAFF_PATHS = ("/staff", "/staff/history")


def who(context: StaffContext, path: object) -> dict:
    """Who is signed in, and what the page says if the session ends."""
    user = require_staff(context)
    back = path if path in STAFF_PATHS else STAFF_PATHS[0]
    ended = session_ended_view(context.session_idle_minutes, context.session_hours, str(back))
    return {"who": f"Signed in as {user}", "ended": session_ended(ended)}


def register(app: Dash, context: StaffContext) -> None:
    @app.callback(
        output={"who": Output(ids.STAFF_WHO, "children"),
                "ended": Output(ids.STAFF_SESSION_ENDED, "children")},
        inputs={"_": Input(ids.STAFF_SIGN_OUT, "id"), "path": State(ids.STAFF_URL, "pathname")},
    )  # fmt: skip
    def _who(_, path):
        return who(context, path)

    @app.callback(Output(ids.STAFF_REDIRECT, "href"), Input(ids.STAFF_SIGN_OUT, "n_clicks"),
                  prevent_initial_call=True)  # fmt: skip
    def _sign_out(clicks):
        require_staff(context)
        if not clicks:
            raise PreventUpdate
        context.sign_out()
        return "/"
