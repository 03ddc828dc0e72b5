"""The staff data refresh (/staff): upload, check, preview, publish.

Only signed-in staff reach this page; the router shows anyone else a link to sign in,
and the server refuses every staff callback without a session (dashboard/auth.py).
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.controls import fieldset
from layouts.map_key import key
from layouts.tables import table
from layouts.text import paras
from presenters.staff import CheckView, FileView, PreviewView, ReportView, SessionEndedView

# How often the page looks at a running check in the store.
WATCH_MS = 5000

ACCEPTED = (
    "MPS recorded crime at ward, borough or small-area (LSOA) level (MajorText, MinorText, "
    "WardName, WardCode, LookUp_BoroughName and one YYYYMM column per month)",
    "the MPS Monthly Crime Dashboard knife or gun file (Month_Year, Area Type, Borough_SNT, "
    "Area name, Area code, Crime Type, Crime Subtype, Measure, Count)",
    "MPS homicide victims, MOPAC Public Attitude Survey files, ONS Census 2021 age bands "
    "and the ONS LSOA to ward lookup",
)


def staff_nav(current: str) -> html.Nav:
    links = [("/staff", "Upload and publish"), ("/staff/history", "Versions and history")]
    items = [
        html.Li(
            html.Strong(text, className="staff-current")
            if href == current
            else dcc.Link(text, href=href)
        )
        for href, text in links
    ]
    items.append(
        html.Li(
            [
                html.Span(id=ids.STAFF_WHO, className="staff-who"),
                html.Button("Sign out", id=ids.STAFF_SIGN_OUT, type="button",
                            className="staff-button staff-quiet"),
            ],
            className="staff-signed-in",
        )
    )  # fmt: skip
    return html.Nav(html.Ul(items), className="staff-nav", **{"aria-label": "Staff"})


def session_notice() -> html.Div:
    """Where a staff page says its session has ended: filled in while signed in, shown by
    dashboard/assets/staff_session.js once the server refuses a callback (403)."""
    return html.Div(id=ids.STAFF_SESSION_ENDED, className="staff-session-ended", role="alert",
                    tabIndex="-1", **{"data-session-ended": ""})  # fmt: skip


def session_ended(view: SessionEndedView) -> list:
    link = html.A(view.sign_in.text, href=view.sign_in.href, className="staff-button",
                  **{"data-next": ""})  # fmt: skip
    return [html.H2(view.heading), html.P(view.text), html.P(link)]


def sign_in_needed(path: str) -> list:
    return [
        html.H1("Staff sign in needed"),
        html.P(
            [
                "This part of the dashboard is for MOPAC staff who publish its data. ",
                html.A("Sign in", href=f"/staff/sign-in?next={path}"),
                " to use it. Everything else on the dashboard is open to all.",
            ]
        ),
    ]


def layout(query: dict[str, str], path: str = "/staff") -> list:
    upload = query.get("upload", "")
    return [
        dcc.Location(id=ids.STAFF_URL, refresh="callback-nav"),
        dcc.Location(id=ids.STAFF_REDIRECT, refresh=True),
        dcc.Store(id=ids.STAFF_UPLOAD_ID, data=int(upload) if upload.isdigit() else None),
        staff_nav("/staff"),
        session_notice(),
        html.H1("Data refresh"),
        html.P(
            "Upload the month's files as the MPS publishes them. Each upload is checked "
            "against the published version and becomes a draft version: nothing changes "
            "for the public until you publish it, and any earlier version can be restored "
            "from Versions and history.",
            className="staff-lede",
        ),
        html.Section(
            [
                html.H2("1. Upload files"),
                html.P(
                    "The format is recognised from each file's header row, whatever the "
                    "file is called. Accepted: CSV or XLSX files of"
                ),
                html.Ul([html.Li(text) for text in ACCEPTED]),
                dcc.Upload(
                    html.Div(
                        [
                            html.Span("Choose files", className="staff-button"),
                            html.Span(" or drag them here", className="staff-drop-hint"),
                        ]
                    ),
                    id=ids.STAFF_UPLOAD,
                    multiple=True,
                    accept=".csv,.xlsx,.parquet,text/csv",
                    className="staff-drop",
                    className_active="staff-drop staff-drop-active",
                ),
                html.P(id=ids.STAFF_UPLOAD_LIMITS, className="note"),
                html.Div(id=ids.STAFF_UPLOAD_MESSAGE, role="status", className="staff-message"),
            ],
            className="staff-section",
            **{"aria-labelledby": "staff-step-upload"},
        ),
        html.Section(
            [
                html.H2("2. Validation report"),
                html.Div(
                    [
                        html.Label("Progress of the check", htmlFor=ids.STAFF_PROGRESS),
                        html.Progress(id=ids.STAFF_PROGRESS, max="1", value="0"),
                        html.P(id=ids.STAFF_PROGRESS_TEXT, **{"aria-live": "polite"}),
                    ],
                    className="staff-progress",
                ),
                html.Div(id=ids.STAFF_REPORT, className="staff-report"),
                # A check that dies is seen from the store (its heartbeat stops), not
                # from the background job, which may never answer. Armed while an upload
                # is open until its check's outcome is shown.
                dcc.Interval(id=ids.STAFF_WATCH, interval=WATCH_MS, disabled=not upload.isdigit()),
                dcc.Store(id=ids.STAFF_CHECK_REQUEST),
                html.Button(
                    "Check again",
                    id=ids.STAFF_CHECK_AGAIN,
                    type="button",
                    className="staff-button",
                    hidden=True,
                ),
            ],
            className="staff-section",
        ),
        html.Section(
            [
                html.H2("3. Preview"),
                dcc.Store(id=ids.STAFF_PREVIEW_CHOICE),
                html.Div(id=ids.STAFF_PREVIEW_CHOICES),
                html.P(id=ids.STAFF_PREVIEW_NOTE, className="staff-preview-note"),
                html.Div(
                    dcc.Graph(
                        id=ids.STAFF_PREVIEW_MAP, config={"displaylogo": False, "responsive": True}
                    ),
                    className="staff-map",
                ),
                html.Div(id=ids.STAFF_PREVIEW_KEY, className="staff-preview-key"),
                html.Div(id=ids.STAFF_TOTALS),
            ],
            id=ids.STAFF_PREVIEW,
            className="staff-section",
            hidden=True,
        ),
        html.Section(
            [
                html.H2("4. Publish"),
                html.P(id=ids.STAFF_ACTIONS),
                html.Div(
                    [
                        html.Button(
                            "Publish",
                            id=ids.STAFF_PUBLISH,
                            type="button",
                            className="staff-button",
                            hidden=True,
                        ),
                        html.Button(
                            "Discard this upload",
                            id=ids.STAFF_DISCARD,
                            type="button",
                            className="staff-button staff-quiet",
                            hidden=True,
                        ),
                    ],
                    className="staff-actions",
                ),
                html.Div(id=ids.STAFF_OUTCOME, role="status", className="staff-message"),
            ],
            className="staff-section",
        ),
    ]


# -- the report ----------------------------------------------------------------------


def file_view(f: FileView) -> html.Div:
    facts = []
    for label, value in f.facts:
        shown = html.Span(value, className="staff-sha") if label == "SHA-256" else value
        facts += [html.Dt(label), html.Dd(shown)]
    children: list = [html.H4(f.name), html.Dl(facts)]
    if f.note:
        children.append(html.P(f.note, className="note"))
    if f.errors is not None:
        children.append(table(f.errors))
    if f.warnings:
        children.append(
            html.Details(
                [
                    html.Summary(f"Warnings ({len(f.warnings)}): kept, but read them"),
                    html.Ul([html.Li(w) for w in f.warnings]),
                ],
                open=len(f.warnings) <= 5,
            )
        )
    return html.Div(children, className="staff-file")


def report(view: ReportView) -> list:
    """The whole validation report, in the order staff read it."""
    head = paras(view.status)
    if view.failed:
        return [html.Div(head, className="staff-refused")]
    children: list = [
        html.Div(head, className="staff-refused" if view.refused else "staff-ok"),
        html.P(view.checked),
        html.H3("Files uploaded"),
        *(file_view(f) for f in view.files),
    ]
    if view.problems is not None:
        children.append(table(view.problems))
    children += paras(view.kept)
    if not view.refused:
        children.append(html.H3("What would change for the public"))
        children += [table(t) for t in view.changes]
        children += paras(view.change_notes)
        if view.rows is not None:
            children.append(html.Details([html.Summary("Rows in each table"), table(view.rows)]))
    return children


def refused(reasons: list[str]) -> list:
    return [html.P("Nothing was uploaded:", className="staff-error"),
            html.Ul([html.Li(r) for r in reasons]),
            html.P("Correct the files and choose them again.")]  # fmt: skip


# Where a finished check is drawn: {name in `check`'s answer: (component id, property)}.
CHECK_OUTPUTS = {
    "report": (ids.STAFF_REPORT, "children"), "actions": (ids.STAFF_ACTIONS, "children"),
    "publish_hidden": (ids.STAFF_PUBLISH, "hidden"),
    "publish_text": (ids.STAFF_PUBLISH, "children"),
    "discard_hidden": (ids.STAFF_DISCARD, "hidden"),
    "preview_hidden": (ids.STAFF_PREVIEW, "hidden"),
    "preview": (ids.STAFF_PREVIEW_CHOICE, "data"),
    "again_hidden": (ids.STAFF_CHECK_AGAIN, "hidden"),
    "watch_off": (ids.STAFF_WATCH, "disabled"),
}  # fmt: skip


def check(view: CheckView) -> dict:
    """A finished check (CHECK_OUTPUTS): the report, the buttons, the preview's choice,
    and the watcher stopped."""
    return {"report": report(view.report), "actions": view.actions,
            "publish_hidden": view.publish_hidden, "publish_text": view.publish_text,
            "discard_hidden": view.discard_hidden, "preview_hidden": view.preview_hidden,
            "preview": view.preview, "again_hidden": view.again_hidden,
            "watch_off": True}  # fmt: skip


def preview(view: PreviewView, figure: dict, *, built: bool) -> dict:
    """The preview's selects, map, words, key and totals."""
    note = view.note if built or view.paint is None else "No map: the boundary files are not built."
    return {
        "choices": fieldset(view.controls, store=ids.STAFF_PREVIEW_CHOICE,
                            prefix=ids.STAFF_PREVIEW_SELECT),
        "figure": figure,
        "note": note,
        "key": key(view.key),
        "totals": table(view.totals),
    }  # fmt: skip
