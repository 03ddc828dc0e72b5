"""Callbacks of the staff area: receive files, check them in the background, preview,
publish, discard, roll back, and show the history.

Every callback here outputs only "staff-" components, so the server's guard
(dashboard/auth.py) refuses it to anyone not signed in before it runs; each one also
asks the context who is signed in and does nothing without an answer. The check runs
as a Dash background callback in another process, so it cannot see the request: it
takes the member of staff from the upload record that the signed-in request made.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from collections.abc import Callable

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks import figures
from callbacks.about import when
from callbacks.at_risk import CHOICE_LISTENER
from callbacks.context import StaffContext
from callbacks.explorer import map_layer
from data import queries, refresh
from data.dataset import Dataset
from data.refresh import Report
from data.store.store import UploadNotFoundError, VersionNotFoundError
from layouts import ids
from layouts import staff as staff_view
from layouts.explorer import legend
from layouts.tables import html_table

log = logging.getLogger(__name__)

SHA_SHOWN = 12
STATUS_WORDS = {
    "received": "Received; the check has not finished.",
    "checking": "Being checked.",
    "ready": "Passed its check: a draft version ready to publish.",
    "refused": "Refused: the files have errors, so nothing can be published from them.",
    "unchanged": "These files change nothing: the published version already holds them.",
    "published": "Published.",
    "discarded": "Discarded: its draft was deleted; the files are kept on record.",
    "failed": "The check did not finish, so nothing can be published from it yet: check it again.",
    "expired": "Its draft was deleted because a newer version was published or checked "
    "since: check it again to make a new one.",
}
LEVEL_WORDS = {"london": "London", "borough": "boroughs", "ward": "wards", "lsoa": "LSOAs"}


class NotSignedIn(PreventUpdate):
    """A staff callback reached without a signed-in member of staff: nothing happens."""


def require_staff(context: StaffContext) -> str:
    user = context.staff_user()
    if not user:
        raise NotSignedIn
    return user


# -- receiving files ---------------------------------------------------------------


def decode_files(
    contents: list[str] | str | None,
    names: list[str] | str | None,
    *,
    max_bytes: int,
    max_files: int,
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The files of a dcc.Upload as (name, bytes), and a reason for each one refused."""
    if contents is None:
        return [], []
    contents = [contents] if isinstance(contents, str) else list(contents)
    names = [names] if isinstance(names, str) else list(names or [])
    names += [f"file {i + 1}" for i in range(len(names), len(contents))]
    if len(contents) > max_files:
        return [], [f"{len(contents)} files were chosen; upload at most {max_files} at once."]
    files, refused = [], []
    for name, content in zip(names, contents, strict=False):
        name = str(name)[:200]
        _, _, data = str(content).partition(",")
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            refused.append(f"{name}: the file did not arrive whole; upload it again.")
            continue
        if len(raw) > max_bytes:
            refused.append(
                f"{name}: {len(raw) / 2**20:,.1f} MB is over the limit of "
                f"{max_bytes / 2**20:,.0f} MB for one file."
            )
        elif not raw:
            refused.append(f"{name}: the file is empty.")
        else:
            files.append((name, raw))
    return files, refused


def receive(context: StaffContext, contents, names) -> tuple[int | None, list]:
    """Keep the uploaded files and open an upload record; nothing is checked yet."""
    user = require_staff(context)
    files, refused = decode_files(
        contents, names, max_bytes=context.upload_max_bytes, max_files=context.max_upload_files
    )
    if refused:
        return None, [
            html.P("Nothing was uploaded:", className="staff-error"),
            html.Ul([html.Li(r) for r in refused]),
            html.P("Correct the files and choose them again."),
        ]
    if not files:
        raise PreventUpdate
    upload_id = context.store.add_upload(files, actor=user)
    log.info("upload %s by %s: %s", upload_id, user, ", ".join(n for n, _ in files))
    listed = ", ".join(f"{n} ({len(b) / 2**20:,.2f} MB)" for n, b in files)
    return upload_id, [html.P(f"Upload {upload_id} received: {listed}. Checking it now.")]


# -- the report --------------------------------------------------------------------


def _problem_rows(problems: list[dict]) -> list[list]:
    return [
        [p["file"], "" if p["row"] is None else p["row"], p["column"] or "", p["reason"]]
        for p in problems
    ]


def _problems_table(caption: str, problems: list[dict]):
    return html.Div(
        html_table(caption, ["File", "Row", "Column", "Reason"], _problem_rows(problems),
                   row_header=0, numeric=(1,)),
        className="table-wrap", tabIndex="0", role="region", **{"aria-label": caption},
    )  # fmt: skip


def file_view(f: refresh.FileCheck) -> html.Div:
    if f.recognised:
        facts = [
            ("Format", f.format),
            ("Months", f.months or "none"),
            ("Rows read", f"{f.rows_read:,}"),
            ("Rows rejected", f"{f.rows_rejected:,}"),
        ]
    else:
        # Nothing was read from it: counts of rows would only confuse.
        facts = [("Format", "Not read: see the errors below")]
    facts += [
        ("Size", f"{f.bytes / 2**20:,.2f} MB"),
        ("SHA-256", html.Span(f.sha256, className="staff-sha")),
    ]
    if f.replaces:
        facts.append(("Replaces", ", ".join(f.replaces)))
    children: list = [
        html.H4(f.name),
        html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(v))]),
    ]
    if f.note:
        children.append(html.P(f.note, className="note"))
    if f.errors:
        children.append(_problems_table(f"Errors in {f.name} ({len(f.errors)})", f.errors))
    if f.warnings:
        children.append(
            html.Details(
                [
                    html.Summary(f"Warnings ({len(f.warnings)}): kept, but read them"),
                    html.Ul([html.Li(_where(w) + w["reason"]) for w in f.warnings]),
                ],
                open=len(f.warnings) <= 5,
            )
        )
    return html.Div(children, className="staff-file")


def _where(p: dict) -> str:
    parts = []
    if p.get("row") is not None:
        parts.append(f"row {p['row']}")
    if p.get("column"):
        parts.append(f"column {p['column']}")
    return (", ".join(parts) + ": ") if parts else ""


def changes_view(report: Report) -> list:
    """New months, revised months and the largest revisions, each as one table."""
    if not report.changes:
        return [html.P("No published figure changes: the files hold the same numbers as the "
                       "published version.")]  # fmt: skip
    new, revised, largest, removed = [], [], [], []
    for c in report.changes:
        level = LEVEL_WORDS.get(c.level, c.level)
        new += [[c.label, level, m["month"], m["total"]] for m in c.new_months]
        revised += [
            [
                c.label,
                level,
                m["month"],
                m["before"],
                m["after"],
                m["after"] - m["before"],
                m["areas"],
            ]
            for m in c.revised_months
        ]
        largest += [
            [
                r["name"],
                r["code"],
                c.label,
                r["month"],
                r["before"],
                r["after"],
                r["after"] - r["before"],
            ]
            for r in c.largest
        ]
        removed += [f"{c.label}, {level}: {m}" for m in c.removed_months]
    out: list = []
    if new:
        out.append(_table("New months", ["Measure", "Areas", "Month", "Total"], new, (3,)))
    if revised:
        out.append(
            _table(
                "Revised months",
                [
                    "Measure",
                    "Areas",
                    "Month",
                    "Published",
                    "After publishing",
                    "Change",
                    "Areas revised",
                ],
                revised,
                (3, 4, 5, 6),
            )
        )
    if largest:
        largest.sort(key=lambda r: -abs(r[6]))
        out.append(
            _table(
                "Largest revisions by area",
                ["Area", "Code", "Measure", "Month", "Published", "After publishing", "Change"],
                largest[:20],
                (4, 5, 6),
            )
        )
    if removed:
        out.append(
            html.P(
                "Months no longer covered after publishing: " + "; ".join(removed) + ".",
                className="staff-error",
            )
        )
    return out


def _table(caption: str, headers: list[str], rows: list[list], numeric: tuple[int, ...]):
    def cell(header: str, value: object) -> object:
        if isinstance(value, int):
            return f"{value:+,}" if header == "Change" else f"{value:,}"
        return value

    shown = [[cell(h, v) for h, v in zip(headers, row, strict=True)] for row in rows]
    return html.Div(
        html_table(caption, headers, shown, row_header=0, numeric=numeric),
        className="table-wrap",
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
    )


def report_view(report: Report, status: str) -> list:
    """The whole validation report, in the order staff read it."""
    if report.failed:
        return [
            html.Div(
                [
                    html.P(f"The check did not finish: {report.failed}.", className="staff-error"),
                    html.P("Nothing was published and the published version is unchanged. "
                           "Check it again; if it fails again, tell the dashboard's "
                           "developers."),
                ],
                className="staff-refused",
            )
        ]  # fmt: skip
    errors = report.errors
    head = (
        html.Div(
            [
                html.P(f"Refused: {len(errors)} error{'s' if len(errors) != 1 else ''}. "
                       "Nothing was published and the published version is unchanged.",
                       className="staff-error"),
                html.P("Correct the files and upload them again."),
            ],
            className="staff-refused",
        )
        if errors
        else html.Div(
            html.P(STATUS_WORDS.get(status, status)
                   + (f" Draft version {report.draft_version}." if report.draft_version else "")),
            className="staff-ok",
        )
    )  # fmt: skip
    base = (
        f"Checked against published version {report.base_version}"
        if report.base_version is not None
        else "Nothing was published before this upload"
    )
    children: list = [head, html.P(f"{base}, in {report.seconds:.1f} s.")]
    children.append(html.H3("Files uploaded"))
    children += [file_view(f) for f in report.files]
    if report.problems:
        children.append(_problems_table("Problems across the files", report.problems))
    if not errors and (report.kept or report.left_out):
        kept = ", ".join(report.kept) or "none"
        children.append(html.P(f"Published files kept in the new version: {kept}."))
        if report.left_out:
            children.append(
                html.P("Left out, because the upload replaces every month they held: "
                       + ", ".join(report.left_out) + ".")
            )  # fmt: skip
    if not errors:
        children.append(html.H3("What would change for the public"))
        children += changes_view(report)
        rows = [[name.capitalize(), before, after] for name, (before, after) in
                report.tables.items()]  # fmt: skip
        children.append(
            html.Details(
                [html.Summary("Rows in each table"),
                 html_table("Rows before and after publishing",
                            ["Table", "Published", "After publishing"], rows, row_header=0,
                            numeric=(1, 2))]
            )
        )  # fmt: skip
    return children


def preview_measures(report: Report) -> list[dict]:
    seen: dict[str, str] = {}
    for change in report.changes:
        seen.setdefault(change.measure, change.label)
    return [{"label": label, "value": measure} for measure, label in seen.items()]


def check_view(report: Report, status: str) -> dict:
    """Everything the page shows once an upload's check has finished."""
    measures = preview_measures(report) if status in ("ready", "published") else []
    ready = status == "ready"
    words = STATUS_WORDS.get(status, status)
    if ready:
        words = (
            f"Publishing makes draft version {report.draft_version} the public data for "
            "every page at once. It can be rolled back from Versions and history."
        )
    return {
        "report": report_view(report, status),
        "actions": words,
        "publish_hidden": not ready,
        "publish_text": f"Publish version {report.draft_version}" if ready else "Publish",
        "discard_hidden": status not in ("ready", "refused", "unchanged", "failed", "expired"),
        "again_hidden": status not in ("failed", "expired"),
        "preview_hidden": not measures,
        "measures": measures,
        "measure": measures[0]["value"] if measures else None,
    }


# -- the preview -------------------------------------------------------------------


def totals_view(published: Dataset | None, draft: Dataset, measures: list[str]):
    rows = []
    for measure in measures:
        row = [str(draft.measures.loc[measure, "label"]) if measure in draft.measures.index
               else measure]  # fmt: skip
        for ds in (published, draft):
            for period in ("m", "r12"):
                figure = queries.london_headline(ds, measure, period) if ds is not None else None
                row.append(
                    f"{figure['count']:,} ({figure['period'].label})" if figure else "no data"
                )
        rows.append(row)
    return html_table(
        "London totals: published now and after publishing",
        ["Measure", "Published: latest month", "Published: latest 12 months",
         "After publishing: latest month", "After publishing: latest 12 months"],
        rows,
        row_header=0,
    )  # fmt: skip


def preview(
    context: StaffContext, upload_id: int | None, measure: str | None, level: str | None
) -> tuple[object, str, object]:
    """The draft's map (latest month) and London totals, through the public queries."""
    require_staff(context)
    if upload_id is None or not measure:
        raise PreventUpdate
    upload = context.store.upload(upload_id)
    version = upload["draft_version"]
    if version is None:
        raise PreventUpdate
    draft = context.preview_dataset(version)
    level = level if level in ("borough", "ward") else "borough"
    url, borough_url = context.geojson_url(level), context.geojson_url("borough")
    report = Report.from_dict(upload["report"])
    measures = [m["value"] for m in preview_measures(report)]
    totals = totals_view(context.dataset(), draft, measures)
    if measure not in draft.measures.index or url is None or borough_url is None:
        return {}, "No map: the boundary files are not built.", totals
    layer = map_layer(draft, measure, level, "m", "count")
    if not layer.available:
        return {}, layer.result.message, totals
    period = layer.result.period
    label = str(draft.measures.loc[measure, "label"])
    note = [
        html.Span(f"{label}, {LEVEL_WORDS[level]}, {period.label}, as the public map "
                  f"would show it after publishing version {version}. "),
        *legend("Key", layer.legend, layer.greys),
    ]  # fmt: skip
    return figures.map_figure(url, borough_url, layer.paint), note, totals


# -- history -----------------------------------------------------------------------


def history_view(context: StaffContext) -> list:
    store = context.store
    # Checks that died while nobody was watching their page are shown as failed.
    refresh.watch_checks(store, context.check_limits)
    current = store.published_version_id()
    history = store.history()
    ever = {h["version_id"] for h in history if h["action"] in ("publish", "rollback")}
    published_by = {}
    for h in reversed(history):
        if h["action"] in ("publish", "rollback"):
            published_by[h["version_id"]] = (h["actor"], h["at"], h["action"])
    rows = []
    for v in reversed(store.versions()):
        files = [f for f in v.files if f["kind"] != "revision"]
        listed = html.Details(
            [
                html.Summary(f"{len(files)} file{'s' if len(files) != 1 else ''}"),
                html.Ul(
                    [
                        html.Li([f"{f['name']} ({f['rows_read']:,} rows) ",
                                 html.Span(f["sha256"][:SHA_SHOWN], className="staff-sha",
                                           title=f["sha256"])])
                        for f in files
                    ]
                ),
            ]
        )  # fmt: skip
        counts = (v.summary or {}).get("rows", {})
        if v.id == current:
            state: object = html.Strong("Published now")
        elif v.id in ever:
            state = html.Button(f"Roll back to version {v.id}", type="button",
                                id={"type": ids.STAFF_ROLLBACK, "version": v.id},
                                className="staff-button staff-quiet")  # fmt: skip
        else:
            state = "Never published (a draft)"
        who = published_by.get(v.id)
        published = f"{who[2]} by {who[0]}, {when(who[1])}" if who else "-"
        rows.append(
            html.Tr(
                [
                    html.Th(f"{v.id}", scope="row"),
                    html.Td(f"{when(v.created_at)} by {v.created_by}"),
                    html.Td(published),
                    html.Td(f"{v.latest_month:%B %Y}" if v.latest_month else "-"),
                    html.Td(listed),
                    html.Td(f"{counts.get('counts', 0):,} counts"),
                    html.Td(state),
                ]
            )
        )
    versions = html.Div(
        html.Table(
            [
                html.Caption("Data versions, newest first"),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in
                                    ("Version", "Created", "Last published", "Latest month",
                                     "Files (SHA-256)", "Rows", "Status")])),
                html.Tbody(rows),
            ],
            className="staff-versions",
        ),
        className="table-wrap",
        tabIndex="0",
        role="region",
        **{"aria-label": "Data versions"},
    )  # fmt: skip
    audit = html_table(
        "Who did what, newest first",
        ["When", "Who", "Action", "Version", "Detail"],
        [[when(h["at"]), h["actor"], h["action"], h["version_id"] or "", h["detail"]]
         for h in history[:200]],
        row_header=0,
    )  # fmt: skip
    uploads = html_table(
        "Uploads, newest first",
        ["Upload", "When", "Who", "Files", "Status", "Draft version"],
        [[u["id"], when(u["created_at"]), u["created_by"],
          ", ".join(f["name"] for f in u["files"]), u["status"], u["draft_version"] or ""]
         for u in context.store.uploads(limit=50)],
        row_header=0,
    )  # fmt: skip
    return [
        html.H2("Versions"),
        versions,
        html.H2("History"),
        html.Div(
            audit, className="table-wrap", tabIndex="0", role="region", **{"aria-label": "History"}
        ),
        html.H2("Uploads"),
        html.Div(
            uploads,
            className="table-wrap",
            tabIndex="0",
            role="region",
            **{"aria-label": "Uploads"},
        ),
    ]


def roll_back(context: StaffContext, version: int) -> str:
    user = require_staff(context)
    try:
        restored = refresh.rollback(context.store, version, actor=user)
    except VersionNotFoundError as exc:
        return f"Nothing changed: {exc}."
    return f"Version {restored} is published again, for every page."


def publish(context: StaffContext, upload_id: int | None) -> str:
    user = require_staff(context)
    if upload_id is None:
        raise PreventUpdate
    try:
        done = refresh.publish_upload(
            context.store, upload_id, context.area_register(), actor=user, read=context.read
        )
    except (refresh.RefreshError, UploadNotFoundError) as exc:
        return f"Nothing was published: {exc}."
    rebased = (
        f" Version {done.rebased_on} had been published meanwhile, so your files were added "
        "on top of it."
        if done.rebased_on is not None
        else ""
    )
    return f"Published version {done.version_id}: every public page now shows it.{rebased}"


def discard(context: StaffContext, upload_id: int | None) -> str:
    user = require_staff(context)
    if upload_id is None:
        raise PreventUpdate
    try:
        refresh.discard_upload(context.store, upload_id, actor=user)
    except (refresh.RefreshError, UploadNotFoundError) as exc:
        return f"Nothing was discarded: {exc}."
    return f"Upload {upload_id} was discarded; the published version is unchanged."


def run_check(context: StaffContext, upload_id: int, progress: Callable[[float, str], None]):
    """The background job: check an upload and say what it found (or why it could not)."""
    context.for_background_job()
    try:
        report = refresh.check_upload(context.store, upload_id, context.area_register(),
                                      read=context.read, progress=progress,
                                      limits=context.check_limits)  # fmt: skip
    except Exception as exc:  # e.g. no boundary register: the check could not start
        log.exception("the check of upload %s could not run", upload_id)
        report = refresh.failed_report(upload_id, None, f"it could not start ({exc})")
        return check_view(report, "failed")
    status = context.store.upload(upload_id)["status"]
    return check_view(report, status)


# A check that finished this long ago and has not been shown was lost on its way to the
# page (the job's answer could not be saved): the page shows the store's copy.
SETTLE = dt.timedelta(seconds=15)


def watch(context: StaffContext, upload_id: int | None, now: dt.datetime | None = None):
    """What the page shows when it looks at an upload's check in the store: nothing new
    while it runs (PreventUpdate); the failure, with the reason, once it has died; the
    report, if the check finished but its answer never reached the page."""
    require_staff(context)
    if upload_id is None:
        raise PreventUpdate
    upload = refresh.watch_check(context.store, int(upload_id), context.check_limits, now)
    status = upload["status"]
    if status in ("received", "checking"):
        raise PreventUpdate
    updated = upload["updated_at"]
    updated = updated if updated.tzinfo else updated.replace(tzinfo=dt.UTC)
    if status != "failed" and (now or dt.datetime.now(dt.UTC)) - updated < SETTLE:
        raise PreventUpdate
    return check_view(refresh.stored_report(upload), status)


def check_again(context: StaffContext, upload_id: int | None) -> str:
    user = require_staff(context)
    if upload_id is None:
        raise PreventUpdate
    try:
        refresh.check_again(context.store, int(upload_id), actor=user)
    except (refresh.RefreshError, UploadNotFoundError) as exc:
        return f"Not checked again: {exc}."
    return f"Upload {upload_id} is being checked again."


# -- registration -------------------------------------------------------------------


def register(app: Dash, context: StaffContext) -> None:
    @app.callback(Output(ids.STAFF_WHO, "children"), Input(ids.STAFF_SIGN_OUT, "id"))
    def _who(_):
        return f"Signed in as {require_staff(context)}"

    @app.callback(
        Output(ids.STAFF_REDIRECT, "href"),
        Input(ids.STAFF_SIGN_OUT, "n_clicks"),
        prevent_initial_call=True,
    )
    def _sign_out(clicks):
        require_staff(context)
        if not clicks:
            raise PreventUpdate
        context.sign_out()
        return "/"

    @app.callback(Output(ids.STAFF_UPLOAD_LIMITS, "children"), Input(ids.STAFF_UPLOAD, "id"))
    def _limits(_):
        require_staff(context)
        return (f"Up to {context.max_upload_files} files at once, each up to "
                f"{context.upload_max_bytes / 2**20:,.0f} MB.")  # fmt: skip

    @app.callback(
        Output(ids.STAFF_UPLOAD_ID, "data"),
        Output(ids.STAFF_UPLOAD_MESSAGE, "children"),
        Output(ids.STAFF_URL, "search"),
        Input(ids.STAFF_UPLOAD, "contents"),
        State(ids.STAFF_UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def _receive(contents, names):
        upload_id, message = receive(context, contents, names)
        search = f"?upload={upload_id}" if upload_id is not None else no_update
        return upload_id if upload_id is not None else no_update, message, search

    @app.callback(
        Output(ids.STAFF_REPORT, "children"),
        Output(ids.STAFF_ACTIONS, "children"),
        Output(ids.STAFF_PUBLISH, "hidden"),
        Output(ids.STAFF_PUBLISH, "children"),
        Output(ids.STAFF_DISCARD, "hidden"),
        Output(ids.STAFF_PREVIEW, "hidden"),
        Output(ids.STAFF_PREVIEW_CHOICES, "children"),
        Output(ids.STAFF_PREVIEW_CHOICE, "data"),
        Output(ids.STAFF_CHECK_AGAIN, "hidden"),
        Output(ids.STAFF_WATCH, "disabled"),
        Input(ids.STAFF_UPLOAD_ID, "data"),
        Input(ids.STAFF_CHECK_REQUEST, "data"),
        background=True,
        progress=[Output(ids.STAFF_PROGRESS, "value"), Output(ids.STAFF_PROGRESS_TEXT, "children")],
        running=[(Output(ids.STAFF_UPLOAD, "disabled"), True, False)],
    )
    def _check(set_progress, upload_id, again):
        # The guard refused this request without a session; the job has no request.
        if upload_id is None:
            upload_id = (again or {}).get("upload")
        if upload_id is None:
            raise PreventUpdate
        set_progress(("0.05", "Starting the check"))
        view = run_check(context, int(upload_id),
                         lambda f, text: set_progress((f"{f:.2f}", f"{text}…")))  # fmt: skip
        set_progress(("1", "Check finished." if view["again_hidden"] else
                      "The check did not finish."))  # fmt: skip
        return (*_shown(view), True)

    def _shown(view: dict) -> tuple:
        choices = [(m["value"], m["label"]) for m in view["measures"]]
        return (view["report"], view["actions"], view["publish_hidden"], view["publish_text"],
                view["discard_hidden"], view["preview_hidden"],
                staff_view.preview_choices(choices, view["measure"], "borough"),
                {"measure": view["measure"], "level": "borough"}, view["again_hidden"])  # fmt: skip

    @app.callback(
        Output(ids.STAFF_WATCH, "disabled", allow_duplicate=True),
        Input(ids.STAFF_UPLOAD_ID, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _arm(upload_id):
        require_staff(context)
        return upload_id is None

    @app.callback(
        Output(ids.STAFF_REPORT, "children", allow_duplicate=True),
        Output(ids.STAFF_ACTIONS, "children", allow_duplicate=True),
        Output(ids.STAFF_PUBLISH, "hidden", allow_duplicate=True),
        Output(ids.STAFF_PUBLISH, "children", allow_duplicate=True),
        Output(ids.STAFF_DISCARD, "hidden", allow_duplicate=True),
        Output(ids.STAFF_PREVIEW, "hidden", allow_duplicate=True),
        Output(ids.STAFF_PREVIEW_CHOICES, "children", allow_duplicate=True),
        Output(ids.STAFF_PREVIEW_CHOICE, "data", allow_duplicate=True),
        Output(ids.STAFF_CHECK_AGAIN, "hidden", allow_duplicate=True),
        Output(ids.STAFF_WATCH, "disabled", allow_duplicate=True),
        Output(ids.STAFF_PROGRESS_TEXT, "children", allow_duplicate=True),
        Input(ids.STAFF_WATCH, "n_intervals"),
        State(ids.STAFF_UPLOAD_ID, "data"),
        prevent_initial_call=True,
    )
    def _watch(_ticks, upload_id):
        view = watch(context, upload_id)
        text = "Check finished." if view["again_hidden"] else "The check did not finish."
        return (*_shown(view), True, text)

    @app.callback(
        Output(ids.STAFF_CHECK_REQUEST, "data"),
        Output(ids.STAFF_CHECK_AGAIN, "hidden", allow_duplicate=True),
        Output(ids.STAFF_WATCH, "disabled", allow_duplicate=True),
        Output(ids.STAFF_REPORT, "children", allow_duplicate=True),
        Input(ids.STAFF_CHECK_AGAIN, "n_clicks"),
        State(ids.STAFF_UPLOAD_ID, "data"),
        prevent_initial_call=True,
    )
    def _again(clicks, upload_id):
        if not clicks:
            raise PreventUpdate
        message = check_again(context, upload_id)
        return {"upload": int(upload_id), "n": clicks}, True, False, html.P(message)

    @app.callback(
        Output(ids.STAFF_PREVIEW_MAP, "figure"),
        Output(ids.STAFF_PREVIEW_NOTE, "children"),
        Output(ids.STAFF_TOTALS, "children"),
        Input(ids.STAFF_PREVIEW_CHOICE, "data"),
        State(ids.STAFF_UPLOAD_ID, "data"),
    )
    def _preview(choice, upload_id):
        choice = choice or {}
        return preview(context, upload_id, choice.get("measure"), choice.get("level"))

    app.clientside_callback(
        CHOICE_LISTENER,
        Output(ids.STAFF_PREVIEW_CHOICES, "role"),
        Input(ids.STAFF_PREVIEW_CHOICES, "id"),
    )

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
        if ctx.triggered_id == ids.STAFF_PUBLISH:
            return publish(context, upload_id), True, True
        if ctx.triggered_id == ids.STAFF_DISCARD:
            return discard(context, upload_id), True, True
        raise PreventUpdate

    @app.callback(Output(ids.STAFF_HISTORY, "children"), Input(ids.STAFF_HISTORY, "id"))
    def _history(_):
        require_staff(context)
        return history_view(context)

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
        message = roll_back(context, int(triggered["version"]))
        return message, history_view(context)
