"""The staff area (/staff, /staff/history): files in, a background check, the preview,
publish, discard, roll back -> the staff presenter -> the page.

Every callback here outputs only "staff-" components, so the server's guard
(dashboard/auth.py) refuses it to anyone not signed in before it runs; each one also
asks the context who is signed in and does nothing without an answer. The check runs
as a Dash background callback in another process, so it cannot see the request: it
takes the member of staff from the upload record that the signed-in request made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import StaffContext
from data import refresh
from data.refresh import Report
from data.store.store import UploadNotFoundError, VersionNotFoundError
from data.targets import TargetError
from layouts import ids
from layouts import staff as page
from layouts.map_figure import map_figure
from layouts.staff_history import history
from presenters import staff as presenter

log = logging.getLogger(__name__)


class NotSignedIn(PreventUpdate):
    """A staff callback reached without a signed-in member of staff: nothing happens."""


def require_staff(context: StaffContext) -> str:
    user = context.staff_user()
    if not user:
        raise NotSignedIn
    return user


def receive(context: StaffContext, contents, names) -> tuple[int | None, list]:
    """Keep the uploaded files and open an upload record; nothing is checked yet."""
    user = require_staff(context)
    files, refused = presenter.decode_files(contents, names, max_bytes=context.upload_max_bytes,
                                            max_files=context.max_upload_files)  # fmt: skip
    if refused:
        return None, page.refused(refused)
    if not files:
        raise PreventUpdate
    upload_id = context.store.add_upload(files, actor=user)
    log.info("upload %s by %s: %s", upload_id, user, ", ".join(n for n, _ in files))
    return upload_id, [html.P(presenter.received_words(upload_id, files))]


def run_check(context: StaffContext, upload_id: int, progress: Callable[[float, str], None]):
    """The background job: check an upload and say what it found."""
    context.for_background_job()
    report = refresh.check_upload(context.store, upload_id, context.area_register(),
                                  read=context.read, progress=progress)  # fmt: skip
    return presenter.check_view(report, context.store.upload(upload_id)["status"])


def preview(context: StaffContext, upload_id: int | None, choice: object) -> dict:
    """The draft's map of what the upload changes, and London's totals before and after,
    through the public map's own paint."""
    require_staff(context)
    if upload_id is None:
        raise PreventUpdate
    upload = context.store.upload(upload_id)
    version = upload["draft_version"]
    report = Report.from_dict(upload["report"]) if upload["report"] else None
    state = presenter.preview_state(report, choice) if report and version is not None else None
    if state is None:
        raise PreventUpdate
    draft = context.preview_dataset(version)
    view = presenter.preview_view(context.dataset(), draft, version, report, state)
    url, borough_url = context.geojson_url(view.level), context.geojson_url("borough")
    drawable = view.paint is not None and url and borough_url
    return page.preview(view, map_figure(url, borough_url, view.paint) if drawable else {},
                        built=bool(url and borough_url))  # fmt: skip


def history_of(context: StaffContext) -> list:
    store = context.store
    return history(presenter.history_view(store.published_version_id(), store.versions(),
                                          store.history(), store.uploads(limit=50)))  # fmt: skip


def roll_back(context: StaffContext, version: int) -> str:
    user = require_staff(context)
    try:
        return presenter.rolled_back_words(refresh.rollback(context.store, version, actor=user))
    except VersionNotFoundError as exc:
        return f"Nothing changed: {exc}."


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


def act(context: StaffContext, upload_id: int | None, publishing: bool) -> str:
    """Publish an upload's draft, or discard it."""
    user = require_staff(context)
    if upload_id is None:
        raise PreventUpdate
    try:
        if publishing:
            done = refresh.publish_upload(context.store, upload_id, context.area_register(),
                                          actor=user, read=context.read)  # fmt: skip
            return presenter.published_words(done.version_id, done.rebased_on)
        refresh.discard_upload(context.store, upload_id, actor=user)
        return presenter.discarded_words(upload_id)
    except (refresh.RefreshError, UploadNotFoundError) as exc:
        return f"Nothing was {'published' if publishing else 'discarded'}: {exc}."


def register(app: Dash, context: StaffContext) -> None:
    @app.callback(Output(ids.STAFF_WHO, "children"), Input(ids.STAFF_SIGN_OUT, "id"))
    def _who(_):
        return f"Signed in as {require_staff(context)}"

    @app.callback(Output(ids.STAFF_REDIRECT, "href"), Input(ids.STAFF_SIGN_OUT, "n_clicks"),
                  prevent_initial_call=True)  # fmt: skip
    def _sign_out(clicks):
        require_staff(context)
        if not clicks:
            raise PreventUpdate
        context.sign_out()
        return "/"

    @app.callback(Output(ids.STAFF_UPLOAD_LIMITS, "children"), Input(ids.STAFF_UPLOAD, "id"))
    def _limits(_):
        require_staff(context)
        return presenter.limits_words(context.max_upload_files, context.upload_max_bytes)

    @app.callback(
        output={"upload": Output(ids.STAFF_UPLOAD_ID, "data"),
                "message": Output(ids.STAFF_UPLOAD_MESSAGE, "children"),
                "search": Output(ids.STAFF_URL, "search")},
        inputs={"contents": Input(ids.STAFF_UPLOAD, "contents")},
        state={"names": State(ids.STAFF_UPLOAD, "filename")},
        prevent_initial_call=True,
    )  # fmt: skip
    def _receive(contents, names):
        upload_id, message = receive(context, contents, names)
        received = upload_id is not None
        return {"upload": upload_id if received else no_update, "message": message,
                "search": f"?upload={upload_id}" if received else no_update}  # fmt: skip

    @app.callback(
        output={"report": Output(ids.STAFF_REPORT, "children"),
                "actions": Output(ids.STAFF_ACTIONS, "children"),
                "publish_hidden": Output(ids.STAFF_PUBLISH, "hidden"),
                "publish_text": Output(ids.STAFF_PUBLISH, "children"),
                "discard_hidden": Output(ids.STAFF_DISCARD, "hidden"),
                "preview_hidden": Output(ids.STAFF_PREVIEW, "hidden"),
                "preview": Output(ids.STAFF_PREVIEW_CHOICE, "data")},
        inputs={"upload_id": Input(ids.STAFF_UPLOAD_ID, "data")},
        background=True,
        progress=[Output(ids.STAFF_PROGRESS, "value"), Output(ids.STAFF_PROGRESS_TEXT, "children")],
        running=[(Output(ids.STAFF_UPLOAD, "disabled"), True, False)],
    )  # fmt: skip
    def _check(set_progress, upload_id):
        # The guard refused this request without a session; the job has no request.
        if upload_id is None:
            raise PreventUpdate
        set_progress(("0.05", "Starting the check"))
        view = run_check(context, int(upload_id),
                         lambda f, text: set_progress((f"{f:.2f}", f"{text}…")))  # fmt: skip
        set_progress(("1", "Check finished."))
        return page.check(view)

    @app.callback(
        output={"choices": Output(ids.STAFF_PREVIEW_CHOICES, "children"),
                "figure": Output(ids.STAFF_PREVIEW_MAP, "figure"),
                "note": Output(ids.STAFF_PREVIEW_NOTE, "children"),
                "key": Output(ids.STAFF_PREVIEW_KEY, "children"),
                "totals": Output(ids.STAFF_TOTALS, "children")},
        inputs={"choice": Input(ids.STAFF_PREVIEW_CHOICE, "data")},
        state={"upload_id": State(ids.STAFF_UPLOAD_ID, "data")},
    )  # fmt: skip
    def _preview(choice, upload_id):
        return preview(context, upload_id, choice)

    @app.callback(
        Output(ids.STAFF_OUTCOME, "children"),
        Output(ids.STAFF_PUBLISH, "hidden", allow_duplicate=True),
        Output(ids.STAFF_DISCARD, "hidden", allow_duplicate=True),
        Input(ids.STAFF_PUBLISH, "n_clicks"),
        Input(ids.STAFF_DISCARD, "n_clicks"),
        State(ids.STAFF_UPLOAD_ID, "data"),
        prevent_initial_call=True,
    )
    def _act(_publish, _discard, upload_id):
        if ctx.triggered_id not in (ids.STAFF_PUBLISH, ids.STAFF_DISCARD):
            raise PreventUpdate
        return act(context, upload_id, ctx.triggered_id == ids.STAFF_PUBLISH), True, True

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
