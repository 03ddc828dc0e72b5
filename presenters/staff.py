"""The staff area (/staff, /staff/history): what an upload's check found, a preview of
what publishing would change, and who published what.

Everything here is a pure function of a check's report, the datasets and the store's
records; the staff callbacks do the writing (upload, publish, discard, roll back).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from data.dataset import Dataset
from data.periods import resolve, rolling_twelve_months
from data.refresh import FileCheck, Report, SeriesChange, stored_report
from presenters.common import totals, words
from presenters.common.controls import Controls, select
from presenters.common.map_paint import MapKey, MapPaint, map_layer
from presenters.common.options import Option
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Link, Para

SHA_SHOWN = 12
PREVIEW_LEVELS = ("borough", "ward")
TOTAL_LEVELS = ("london", "borough", "ward", "lsoa")
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
# Statuses whose draft version no longer exists (the report still names it).
DRAFT_GONE = ("discarded", "expired", "failed")
# What the progress line says once the page knows how a check ended.
FINISHED = "Check finished."
NOT_FINISHED = "The check did not finish."
# A check that ended this long ago without its answer reaching the page was lost on the
# way (the job's answer could not be saved): the page's watcher shows the store's copy.
SETTLE = dt.timedelta(seconds=15)
# What each action in the history did, in words.
ACTION_WORDS = {
    "create": "Created",
    "upload": "Uploaded",
    "publish": "Published",
    "rollback": "Rolled back to",
    "discard": "Discarded",
}
LEVEL_NAMES = {
    "london": "London",
    "bcu": "BCUs",
    "borough": "Boroughs",
    "ward": "Wards",
    "lsoa": "Small areas (LSOAs)",
}


# -- receiving files -----------------------------------------------------------------


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


def received_words(upload_id: int, files: Sequence[tuple[str, bytes]]) -> str:
    listed = ", ".join(f"{n} ({len(b) / 2**20:,.2f} MB)" for n, b in files)
    return f"Upload {upload_id} received: {listed}. Checking it now."


def limits_words(max_files: int, max_bytes: int) -> str:
    return (
        f"Up to {max_files:,} {words.plural(max_files, 'file')} at once, each up to "
        f"{max_bytes / 2**20:,.0f} MB."
    )


# -- the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileView:
    name: str
    facts: tuple[tuple[str, str], ...]  # (label, value), the SHA-256 last
    note: str
    errors: TableModel | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ReportView:
    refused: bool  # nothing can be published from it: refused, or the check did not finish
    status: tuple[Para, ...]
    checked: str
    files: tuple[FileView, ...]
    problems: TableModel | None
    kept: tuple[Para, ...]
    changes: tuple[TableModel, ...]  # new months, revised months, largest revisions
    change_notes: tuple[Para, ...]
    rows: TableModel | None
    # The check did not finish: `status` says why and what to do, and nothing else is shown.
    failed: bool = False


def _problems(caption: str, problems: list[dict]) -> TableModel:
    rows = [
        (
            p["file"],
            num("" if p["row"] is None else f"{p['row']:,}", p["row"]),
            p["column"] or "",
            p["reason"],
        )
        for p in problems
    ]
    return table(caption, ("File", Column("Row", numeric=True), "Column", "Reason"), rows)


def where(problem: Mapping) -> str:
    parts = []
    if problem.get("row") is not None:
        parts.append(f"row {problem['row']}")
    if problem.get("column"):
        parts.append(f"column {problem['column']}")
    return (", ".join(parts) + ": ") if parts else ""


def file_view(f: FileCheck) -> FileView:
    if f.recognised:
        facts = [
            ("Format", f.format),
            ("Months", f.months or "none"),
            ("Rows read", f"{f.rows_read:,}"),
            ("Rows rejected", f"{f.rows_rejected:,}"),
        ]
    else:  # nothing was read from it: counts of rows would only confuse
        facts = [("Format", "Not read: see the errors below")]
    facts.append(("Size", f"{f.bytes / 2**20:,.2f} MB"))
    if f.replaces:
        facts.append(("Replaces", ", ".join(f.replaces)))
    facts.append(("SHA-256", f.sha256))
    errors = None
    if f.errors:
        errors = _problems(f"Errors in {f.name} ({errors_words(len(f.errors))})", f.errors)
    return FileView(
        f.name, tuple(facts), f.note, errors, tuple(where(w) + w["reason"] for w in f.warnings)
    )


def errors_words(n: int) -> str:
    """ "1 error", "3 errors"."""
    return f"{n:,} {words.plural(n, 'error')}"


def _change(before: int, after: int) -> tuple[str, int]:
    return num(f"{after - before:+,}".replace("-", words.MINUS), after - before)


def _count(n: int) -> tuple[str, int]:
    return num(f"{n:,}", n)


def change_tables(report: Report) -> tuple[tuple[TableModel, ...], tuple[Para, ...]]:
    """New months, revised months and the largest revisions, each as one table."""
    if not report.changes:
        return (), (
            Para(
                "No published figure changes: the files hold the same numbers as "
                "the published version."
            ),
        )
    new, revised, largest, removed = [], [], [], []
    for c in report.changes:
        level = LEVEL_NAMES.get(c.level, c.level)
        new += [(c.label, level, m["month"], _count(m["total"])) for m in c.new_months]
        revised += [
            (
                c.label,
                level,
                m["month"],
                _count(m["before"]),
                _count(m["after"]),
                _change(m["before"], m["after"]),
                _count(m["areas"]),
            )
            for m in c.revised_months
        ]
        largest += [
            (
                r["name"],
                r["code"],
                c.label,
                r["month"],
                _count(r["before"]),
                _count(r["after"]),
                _change(r["before"], r["after"]),
            )
            for r in c.largest
        ]
        removed += [f"{c.label}, {level.lower()}: {m}" for m in c.removed_months]
    tables = []
    if new:
        tables.append(
            table("New months", ("Measure", "Areas", "Month", Column("Total", numeric=True)), new)
        )
    if revised:
        heads = ("Published", "After publishing", "Change", "Areas revised")
        tables.append(
            table(
                "Revised months",
                ("Measure", "Areas", "Month", *(Column(h, numeric=True) for h in heads)),
                revised,
            )
        )
    if largest:
        largest.sort(key=lambda r: -abs(r[6][1]))
        heads = ("Published", "After publishing", "Change")
        tables.append(
            table(
                "Largest revisions by area",
                ("Area", "Code", "Measure", "Month", *(Column(h, numeric=True) for h in heads)),
                largest[:20],
            )
        )
    notes = ()
    if removed:
        notes = (
            Para(
                "Months no longer covered after publishing: " + "; ".join(removed) + ".", "warning"
            ),
        )
    return tuple(tables), notes


def failed_view(reason: str) -> ReportView:
    """The report of a check that did not finish: why, and what to do."""
    return ReportView(
        refused=True,
        status=(
            Para(f"The check did not finish: {reason}.", "warning"),
            Para(
                "Nothing was published and the published version is unchanged. Check it "
                "again; if it fails again, tell the dashboard's developers."
            ),
        ),
        checked="", files=(), problems=None, kept=(), changes=(), change_notes=(), rows=None,
        failed=True,
    )  # fmt: skip


def report_view(report: Report, status: str) -> ReportView:
    """The whole validation report, in the order staff read it."""
    if report.failed:
        return failed_view(report.failed)
    errors = report.errors
    if errors:
        head = (
            Para(
                f"Refused: {errors_words(len(errors))}. Nothing was published "
                "and the published version is unchanged.",
                "warning",
            ),
            Para("Correct the files and upload them again."),
        )
    else:
        shown = report.draft_version and status not in DRAFT_GONE
        draft = f" Draft version {report.draft_version}." if shown else ""
        head = (Para(STATUS_WORDS.get(status, status) + draft),)
    base = (
        f"Checked against published version {report.base_version}"
        if report.base_version is not None
        else "Nothing was published before this upload"
    )
    kept = []
    if not errors and (report.kept or report.left_out):
        kept.append(
            Para(f"Published files kept in the new version: {', '.join(report.kept) or 'none'}.")
        )
        if report.left_out:
            kept.append(
                Para(
                    "Left out, because the upload replaces every month they held: "
                    + ", ".join(report.left_out)
                    + "."
                )
            )
    changes, notes, rows = (), (), None
    if status == "expired":
        # Worked out against a version that may no longer be the published one.
        notes = (Para("What it would have changed is not shown: that was worked out against "
                      "the version published when it was checked. Check it again to compare "
                      "it with the version published now."),)  # fmt: skip
    elif not errors:
        changes, notes = change_tables(report)
        rows = table(
            "Rows in each table before and after publishing",
            ("Table", Column("Published", numeric=True), Column("After publishing", numeric=True)),
            [
                (name.capitalize(), _count(before), _count(after))
                for name, (before, after) in report.tables.items()
            ],
        )
    return ReportView(
        refused=bool(errors),
        status=head,
        checked=f"{base}, in {report.seconds:.1f} s.",
        files=tuple(file_view(f) for f in report.files),
        problems=_problems("Problems across the files", report.problems)
        if report.problems
        else None,
        kept=tuple(kept),
        changes=changes,
        change_notes=notes,
        rows=rows,
    )


@dataclass(frozen=True)
class CheckView:
    """Everything the page shows once an upload's check has finished."""

    report: ReportView
    actions: str
    publish_hidden: bool
    publish_text: str
    discard_hidden: bool
    preview_hidden: bool
    preview: dict | None  # the preview's opening choice: measure, level, month
    again_hidden: bool = True  # the "Check again" button: for a check that did not finish,
    # or whose draft expired
    progress: str = FINISHED  # what the progress line says


def check_view(report: Report, status: str) -> CheckView:
    ready = status == "ready"
    opening = preview_opening(report) if status in ("ready", "published") else None
    actions = STATUS_WORDS.get(status, status)
    if ready:
        actions = (
            f"Publishing makes draft version {report.draft_version} the public data "
            "for every page at once. It can be rolled back from Versions and history."
        )
    return CheckView(
        report=report_view(report, status),
        actions=actions,
        publish_hidden=not ready,
        publish_text=f"Publish version {report.draft_version}" if ready else "Publish",
        discard_hidden=status not in ("ready", "refused", "unchanged", "failed", "expired"),
        preview_hidden=opening is None,
        preview=None if opening is None else opening.to_dict(),
        again_hidden=status not in ("failed", "expired"),
        progress=NOT_FINISHED if status == "failed" else FINISHED,
    )


def watched_view(upload: Mapping, now: dt.datetime) -> CheckView | None:
    """What the page's watcher shows of an upload's check as the store has it (after
    `refresh.watch_check` declared a dead check failed): nothing new (None) while the
    check runs, nor for SETTLE after it ended, when the job's own answer is on its way;
    the failure, with the reason, as soon as the check has died; the stored report of a
    check that ended but whose answer never reached the page."""
    status = upload["status"]
    if status in ("received", "checking"):
        return None
    updated = upload["updated_at"]
    updated = updated if updated.tzinfo else updated.replace(tzinfo=dt.UTC)
    if status != "failed" and now - updated < SETTLE:
        return None
    return check_view(stored_report(upload), status)


def could_not_start_words(exc: BaseException) -> str:
    """Why a check failed before it began (the report's `failed`)."""
    return f"it could not start ({type(exc).__name__}: {exc})"[:400]


def checked_again_words(upload_id: int) -> str:
    return f"Upload {upload_id} is being checked again."


def not_checked_again_words(reason: object) -> str:
    return f"Not checked again: {reason}."


# -- the preview ---------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewState:
    """What the preview shows: one measure, at one level, for one month the upload
    changes."""

    measure: str
    level: str
    month: str  # "2026-02"

    def to_dict(self) -> dict:
        return {"measure": self.measure, "level": self.level, "month": self.month}


def _mapped(report: Report) -> list[SeriesChange]:
    return [c for c in report.changes if c.level in PREVIEW_LEVELS and changed_months(c)]


def changed_months(change: SeriesChange) -> list[str]:
    """The months a series' upload adds or revises, latest first."""
    months = {m["month"] for m in change.new_months} | {m["month"] for m in change.revised_months}
    return sorted(months, reverse=True)


def preview_opening(report: Report) -> PreviewState | None:
    """What the preview opens on: the first series the upload changes that has a map,
    at the latest month it adds or revises, so a ward-only upload opens on wards."""
    mapped = _mapped(report)
    if not mapped:
        return None
    first = mapped[0]
    return PreviewState(first.measure, first.level, changed_months(first)[0])


def preview_state(report: Report, choice: Mapping | None) -> PreviewState | None:
    """The preview's choice, each part checked against what the upload changes."""
    opening = preview_opening(report)
    if opening is None:
        return None
    choice = choice if isinstance(choice, Mapping) else {}
    mapped = _mapped(report)
    measure = choice.get("measure")
    series = [c for c in mapped if c.measure == measure] or [
        c for c in mapped if c.measure == opening.measure
    ]
    level = choice.get("level")
    change = next((c for c in series if c.level == level), series[0])
    months = changed_months(change)
    month = choice.get("month") if choice.get("month") in months else months[0]
    return PreviewState(change.measure, change.level, month)


def preview_controls(report: Report, state: PreviewState) -> Controls:
    mapped = _mapped(report)
    measures = list(dict.fromkeys((c.measure, c.label) for c in mapped))
    change = next(c for c in mapped if c.measure == state.measure and c.level == state.level)
    new = {m["month"] for m in change.new_months}
    months = [
        Option(m, f"{pd.Timestamp(m):%B %Y} ({'new' if m in new else 'revised'})")
        for m in changed_months(change)
    ]
    levels = [Option(c.level, LEVEL_NAMES[c.level]) for c in mapped if c.measure == state.measure]
    return Controls(
        "Preview",
        (
            select(
                "measure", "Measure", [Option(m, label) for m, label in measures], state.measure
            ),
            select("level", "Areas", levels, state.level),
            select("month", "Month", months, state.month),
        ),
    )


@dataclass(frozen=True)
class PreviewView:
    controls: Controls | None = None
    note: str = ""
    key: MapKey | None = None
    paint: MapPaint | None = None
    level: str = "borough"
    totals: TableModel | None = None


def preview_view(
    published: Dataset | None, draft: Dataset, version: int, report: Report, state: PreviewState
) -> PreviewView:
    """The draft's map of the chosen month, as the public map would show it after
    publishing, and London's totals at each level, published now and after."""
    controls = preview_controls(report, state)
    figures = totals_table(published, draft, state)
    if state.measure not in draft.measures.index:
        return PreviewView(controls, "No map: the draft has no such measure.", totals=figures)
    layer = map_layer(draft, state.measure, state.level, state.month, "count")
    if not layer.available:
        return PreviewView(controls, layer.values.message, totals=figures)
    note = (
        f"{words.label(draft, state.measure)}, {LEVEL_NAMES[state.level].lower()}, "
        f"{layer.period.label}, as the public map would show it after publishing version "
        f"{version}."
    )
    return PreviewView(controls, note, layer.key, layer.paint, state.level, figures)


def totals_table(published: Dataset | None, draft: Dataset, state: PreviewState) -> TableModel:
    """London's total at each level for the month shown and the 12 months to it:
    published now, and after publishing."""
    month = pd.Timestamp(state.month)
    periods = (resolve(state.month, month), rolling_twelve_months(month))
    rows = []
    for level in TOTAL_LEVELS:
        if not (
            draft.has_data(state.measure, level)
            or (published is not None and published.has_data(state.measure, level))
        ):
            continue
        cells: list = [LEVEL_NAMES[level]]
        for period in periods:
            for ds in (published, draft):
                total = None if ds is None else totals.level_total(ds, state.measure, level, period)
                cells.append(num("not published" if total is None else f"{total:,}", total))
        rows.append(cells)
    label = words.label(draft, state.measure)
    heads = [
        f"{when}: {which}"
        for when in (periods[0].label, periods[1].label)
        for which in ("published", "after publishing")
    ]
    return table(
        f"{label}: London's total as each level's figures record it, published now "
        "and after publishing",
        ("Figures by", *(Column(h, numeric=True) for h in heads)),
        rows,
    )


# -- versions and history --------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    id: int
    created: str
    published: str  # who last published it and when, in words
    latest_month: str
    files: tuple[tuple[str, str, str], ...]  # (name and rows, SHA-256 shown, SHA-256)
    rows: str
    status: str  # "current", "earlier" (can be rolled back to) or "draft"


@dataclass(frozen=True)
class HistoryView:
    versions: tuple[VersionRow, ...]
    audit: TableModel
    uploads: TableModel


def detail_words(entry: Mapping) -> str:
    """An audit entry's detail; publishing and rolling back are said from the action,
    so an entry written by older code ("rollbacked version 3") reads right too."""
    version = entry.get("version_id")
    if entry.get("action") == "publish" and version is not None:
        return f"Published version {version}"
    if entry.get("action") == "rollback" and version is not None:
        return f"Rolled back to version {version}: published again"
    return str(entry.get("detail") or "")


def published_words_of(entry: Mapping) -> str:
    """Who last made a version the public one, and when."""
    again = " (a roll back)" if entry["action"] == "rollback" else ""
    what = "Published again" if again else "Published"
    return f"{what} by {entry['actor']}{again}, {words.uk_time(entry['at'])}"


def history_view(
    current: int | None, versions: Sequence, history: Sequence[Mapping], uploads: Sequence[Mapping]
) -> HistoryView:
    """The store's versions (newest first), who did what, and the uploads."""
    ever = {h["version_id"] for h in history if h["action"] in ("publish", "rollback")}
    published_by: dict = {}
    for h in reversed(history):
        if h["action"] in ("publish", "rollback"):
            published_by[h["version_id"]] = h
    rows = []
    for v in reversed(list(versions)):
        files = [f for f in v.files if f["kind"] != "revision"]
        by = published_by.get(v.id)
        rows.append(
            VersionRow(
                id=v.id,
                created=f"{words.uk_time(v.created_at)} by {v.created_by}",
                published=published_words_of(by) if by else "-",
                latest_month=f"{v.latest_month:%B %Y}" if v.latest_month else "-",
                files=tuple(
                    (f"{f['name']} ({f['rows_read']:,} rows)", f["sha256"][:SHA_SHOWN], f["sha256"])
                    for f in files
                ),
                rows=f"{(v.summary or {}).get('rows', {}).get('counts', 0):,} counts",
                status="current" if v.id == current else ("earlier" if v.id in ever else "draft"),
            )
        )
    audit = table(
        "Who did what, newest first",
        ("When", "Who", "Action", "Version", "Detail"),
        [
            (
                words.uk_time(h["at"]),
                h["actor"],
                ACTION_WORDS.get(h["action"], h["action"]),
                str(h["version_id"] or ""),
                detail_words(h),
            )
            for h in history[:200]
        ],
    )
    listed = table(
        "Uploads, newest first",
        ("Upload", "When", "Who", "Files", "Status", "Draft version"),
        [
            (
                str(u["id"]),
                words.uk_time(u["created_at"]),
                u["created_by"],
                ", ".join(f["name"] for f in u["files"]),
                u["status"],
                str(u["draft_version"] or ""),
            )
            for u in uploads
        ],
    )
    return HistoryView(tuple(rows), audit, listed)


# -- what an action did --------------------------------------------------------------


def published_words(version: int, rebased_on: int | None) -> str:
    rebased = (
        f" Version {rebased_on} had been published meanwhile, so your files were added "
        "on top of it."
        if rebased_on is not None
        else ""
    )
    return f"Published version {version}: every public page now shows it.{rebased}"


def discarded_words(upload_id: int) -> str:
    return f"Upload {upload_id} was discarded; the published version is unchanged."


def rolled_back_words(version: int) -> str:
    return f"Version {version} is published again, for every page."


# -- a session that has ended ----------------------------------------------------------


@dataclass(frozen=True)
class SessionEndedView:
    """What a staff page says once the server refuses its callbacks because the member
    of staff's session has ended (shown in the browser when the refusal arrives)."""

    heading: str
    text: str
    sign_in: Link  # back to sign in; the browser points its `next` at the page as it is


def _spell(n: float, unit: str) -> str:
    return f"{n:,g} {words.plural(n, unit)}"


def session_ended_view(idle_minutes: float, hours: float, path: str) -> SessionEndedView:
    return SessionEndedView(
        "Your staff session has ended",
        "Nothing more can be checked, published, discarded or rolled back from this page "
        "until you sign in again: what it asked of the server since was refused and "
        "changed nothing. A "
        f"session ends after {_spell(idle_minutes, 'minute')} without use, "
        f"{_spell(hours, 'hour')} after signing in, on signing out in another window, and "
        "when your password is changed.",
        Link("Sign in again", f"/staff/sign-in?next={path}"),
    )
