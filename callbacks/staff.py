"""The staff data refresh (/staff): files in, a background check, the preview, publish,
discard -> the staff presenter -> the page.

Every callback here outputs only "staff-" components, so the server's guard
(dashboard/auth.py) refuses it to anyone not signed in before it runs; each one also
asks the context who is signed in and does nothing without an answer. The check runs
as a Dash background callback in another process, so it cannot see the request: it
takes the member of staff from the upload record that the signed-in request made. A
check that dies never answers, so while one runs the page also watches the upload in
the store (its heartbeat), shows the failure with the reason, and offers to check again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import outputs, require_staff
from callbacks.context import StaffContext
from data import refresh
from data.refresh import Report
from data.store.store import UploadNotFoundError
from layouts import ids
from layouts import staff as page
from layouts.map_figure import map_figure
from presenters import staff as presenter

log = logging.getLogger(__name__)


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


def run_check(context: StaffContext, upload_id: int,
              progress: Callable[[float, str], None]) -> presenter.CheckView | None:  # fmt: skip
    """The background job: check an upload and say what it found, or why it could not
    (None: another run is checking it, and the page's watcher will show how that ends)."""
    context.for_background_job()
    try:
        report = refresh.check_upload(context.store, upload_id, context.area_register(),
                                      read=context.read, progress=progress,
                                      limits=context.check_limits)  # fmt: skip
        status = context.store.upload(upload_id)["status"]
    except Exception as exc:  # e.g. no boundary register: the check could not start
        log.exception("the check of upload %s could not run", upload_id)
        reason = presenter.could_not_start_words(exc)
        return presenter.check_view(refresh.could_not_start(context.store, upload_id, reason),
                                    "failed")  # fmt: skip
    return None if status in ("received", "checking") else presenter.check_view(report, status)


def watch(context: StaffContext, upload_id: object, now: dt.datetime | None = None) -> dict:
    """The watcher's look at an upload's check in the store: nothing new while it runs
    (PreventUpdate); the failure, with the reason, once it has died; the stored report
    if the check ended but its answer never reached the page."""
    require_staff(context)
    if not isinstance(upload_id, int):
        raise PreventUpdate
    now = now or dt.datetime.now(dt.UTC)
    view = presenter.watched_view(
        refresh.watch_check(context.store, upload_id, context.check_limits, now), now
    )
    if view is None:
        raise PreventUpdate
    # The job's "running" state (which disables the upload) may never end: a lost Celery
    # job stays "started"; a new upload or Check again replaces it.
    return {**page.check(view), "progress": view.progress, "upload_disabled": False}


def check_again(context: StaffContext, upload_id: object) -> str:
    """Put an upload whose check did not finish (or whose draft expired) back in line."""
    user = require_staff(context)
    if not isinstance(upload_id, int):
        raise PreventUpdate
    try:
        refresh.check_again(context.store, upload_id, actor=user)
    except (refresh.RefreshError, UploadNotFoundError) as exc:
        return presenter.not_checked_again_words(exc)
    return presenter.checked_again_words(upload_id)


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
    @app.callback(Output(ids.STAFF_UPLOAD_LIMITS, "children"), Input(ids.STAFF_UPLOAD, "id"))
    def _limits(_):
        require_staff(context)
        return presenter.limits_words(context.max_upload_files, context.upload_max_bytes)

    @app.callback(
        output={"upload": Output(ids.STAFF_UPLOAD_ID, "data"),
                "message": Output(ids.STAFF_UPLOAD_MESSAGE, "children"),
                "search": Output(ids.STAFF_URL, "search"),
                "watch_off": Output(ids.STAFF_WATCH, "disabled", allow_duplicate=True)},
        inputs={"contents": Input(ids.STAFF_UPLOAD, "contents")},
        state={"names": State(ids.STAFF_UPLOAD, "filename")},
        prevent_initial_call=True,
    )  # fmt: skip
    def _receive(contents, names):
        upload_id, message = receive(context, contents, names)
        received = upload_id is not None
        return {"upload": upload_id if received else no_update, "message": message,
                "search": f"?upload={upload_id}" if received else no_update,
                "watch_off": False if received else no_update}  # fmt: skip

    @app.callback(
        output=outputs(page.CHECK_OUTPUTS),
        inputs={"upload_id": Input(ids.STAFF_UPLOAD_ID, "data"),
                "again": Input(ids.STAFF_CHECK_REQUEST, "data")},
        background=True,
        progress=[Output(ids.STAFF_PROGRESS, "value"), Output(ids.STAFF_PROGRESS_TEXT, "children")],
        running=[(Output(ids.STAFF_UPLOAD, "disabled"), True, False)],
    )  # fmt: skip
    def _check(set_progress, upload_id, again):
        # The guard refused this request without a session; the job has no request.
        upload_id = (
            again.get("upload") if upload_id is None and isinstance(again, dict) else upload_id
        )
        if not isinstance(upload_id, int):
            raise PreventUpdate
        set_progress(("0.05", "Starting the check"))
        view = run_check(context, upload_id,
                         lambda f, text: set_progress((f"{f:.2f}", f"{text}…")))  # fmt: skip
        if view is None:
            raise PreventUpdate
        set_progress(("1", view.progress))
        return page.check(view)

    @app.callback(
        output=outputs({**page.CHECK_OUTPUTS, "progress": (ids.STAFF_PROGRESS_TEXT, "children"),
                        "upload_disabled": (ids.STAFF_UPLOAD, "disabled")}, duplicate=True),
        inputs={"_": Input(ids.STAFF_WATCH, "n_intervals")},
        state={"upload_id": State(ids.STAFF_UPLOAD_ID, "data")},
        prevent_initial_call=True,
    )  # fmt: skip
    def _watch(_, upload_id):
        return watch(context, upload_id)

    @app.callback(
        output={"request": Output(ids.STAFF_CHECK_REQUEST, "data"),
                "again_hidden": Output(ids.STAFF_CHECK_AGAIN, "hidden", allow_duplicate=True),
                "watch_off": Output(ids.STAFF_WATCH, "disabled", allow_duplicate=True),
                "report": Output(ids.STAFF_REPORT, "children", allow_duplicate=True)},
        inputs={"clicks": Input(ids.STAFF_CHECK_AGAIN, "n_clicks")},
        state={"upload_id": State(ids.STAFF_UPLOAD_ID, "data")},
        prevent_initial_call=True,
    )  # fmt: skip
    def _again(clicks, upload_id):
        if not clicks:
            raise PreventUpdate
        message = check_again(context, upload_id)
        return {"request": {"upload": upload_id, "n": clicks}, "again_hidden": True,
                "watch_off": False, "report": html.P(message)}  # fmt: skip

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
        Output(ids.STAFF_CHECK_AGAIN, "hidden", allow_duplicate=True),
        Input(ids.STAFF_PUBLISH, "n_clicks"),
        Input(ids.STAFF_DISCARD, "n_clicks"),
        State(ids.STAFF_UPLOAD_ID, "data"),
        prevent_initial_call=True,
    )
    def _act(_publish, _discard, upload_id):
        if ctx.triggered_id not in (ids.STAFF_PUBLISH, ids.STAFF_DISCARD):
            raise PreventUpdate
        return act(context, upload_id, ctx.triggered_id == ids.STAFF_PUBLISH), True, True, True
