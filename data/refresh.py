"""The monthly refresh: uploaded files checked, turned into a draft version, published.

A refresh never edits the published version. Its files are the published version's
files plus the uploaded ones; the readers and the stitching rules that built every
earlier version build this one too, so the draft is exactly what a full ingest of
those files would give and any version can be rebuilt from its files. A published
file that the upload fully replaces (a new "most recent 24 months" file covers every
month of last month's) is left out of the draft, so versions do not grow each month.

The report says, before anything is published, what was read from each file, every
problem with its file, row, column and reason, and what would change for the public:
new months, revised months and the largest revisions by area.

Publishing holds the store's publishers' lock. If someone else published while the
report was being read, the upload is checked again on top of what they published, so
two publishes at once are serialised and neither loses the other's files.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd

from data.areas import UNALLOCATED_CODE
from data.canonical import COUNT_KINDS, Tables, build_tables, coverage_gaps, superseded_parts
from data.catalogue import MEASURES
from data.ingest import CANONICAL_REVISION, revision_marker
from data.problems import Problem, ReadResult
from data.readers import KIND_LABELS, SourceFile
from data.store.store import FileRecord, Store

# Read results are keyed by this: bump CANONICAL_REVISION when a reader changes.
READ_REVISION = CANONICAL_REVISION
LARGEST_SHOWN = 10
# Levels whose changes a report lists; BCUs are sums of boroughs and add nothing.
REPORT_LEVELS = ("london", "borough", "ward", "lsoa")
# Non-count tables: the later file wins for the same key (see canonical.build_tables).
FRAME_KEYS = {
    "survey": ["quarter_end", "survey", "area_code", "measure"],
    "census_age": ["area_code", "level", "age_band"],
    "lsoa_ward_lookup": None,  # only the last lookup file is used at all
    "lsoa_msoa_lookup": None,
    "workday": ["area_code", "level"],
    "msoa_names": ["msoa_code"],
}

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckLimits:
    """How a background check is watched, and how long drafts are kept.

    A running check writes a heartbeat every `heartbeat_seconds`; one not heard from
    for `stall_seconds` has died (its process was killed, ran out of memory, or its
    worker was lost) and is declared failed; so is one running longer than
    `timeout_seconds`, and an upload no worker has started checking by then. Drafts
    nobody can publish any more are deleted `retention` after they were made.
    """

    heartbeat_seconds: float = 5.0
    stall_seconds: float = 30.0
    timeout_seconds: float = 600.0
    retention: dt.timedelta | None = dt.timedelta(days=7)

    @classmethod
    def for_stall(cls, stall_seconds: float, **more) -> CheckLimits:
        """Limits with a heartbeat six times as often as the stall limit."""
        return cls(heartbeat_seconds=max(0.2, min(5.0, stall_seconds / 6)),
                   stall_seconds=stall_seconds, **more)  # fmt: skip


class RefreshError(Exception):
    """A refresh step that cannot go ahead; the message says why, in plain words."""


NOTHING_PUBLISHED = (
    "nothing is published yet, so a version made from these files alone would be all the "
    "public sees (every other measure blank, and the server would skip its own first "
    "ingest); ingest the raw data first (`wec ingest`, or start the server, which does it "
    "on first start), then upload"
)


# -- the report -------------------------------------------------------------------


@dataclass
class FileCheck:
    """One uploaded file as its reader found it."""

    name: str
    sha256: str
    bytes: int
    kind: str
    format: str
    recognised: bool
    months: str
    rows_read: int
    rows_rejected: int
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class SeriesChange:
    """What publishing would change in one measure at one level."""

    measure: str
    label: str
    level: str
    new_months: list[dict] = field(default_factory=list)  # month, total
    revised_months: list[dict] = field(default_factory=list)  # month, before, after, areas
    removed_months: list[str] = field(default_factory=list)
    largest: list[dict] = field(default_factory=list)  # code, name, month, before, after


@dataclass
class Report:
    upload_id: int | None
    base_version: int | None
    files: list[FileCheck]
    problems: list[dict]  # problems not of one uploaded file (the published files, gaps)
    changes: list[SeriesChange]
    tables: dict[str, list[int]]  # table -> [rows before, rows after]
    kept: list[str]  # the published version's files the draft keeps
    left_out: list[str]  # ... and those the upload replaces
    draft_version: int | None = None
    unchanged: bool = False
    seconds: float = 0.0
    # Set when the check did not finish: why, in words staff can act on.
    failed: str = ""

    @property
    def errors(self) -> list[dict]:
        return [p for f in self.files for p in f.errors] + [
            p for p in self.problems if p["severity"] == "error"
        ]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        data = dict(data)
        data["files"] = [FileCheck(**f) for f in data["files"]]
        data["changes"] = [SeriesChange(**c) for c in data["changes"]]
        return cls(**data)


# -- building a draft ---------------------------------------------------------------


@dataclass
class Candidate:
    """The files and tables a draft would hold, and its report."""

    sources: list[SourceFile]
    records: list[FileRecord]
    tables: Tables | None
    report: Report
    warnings: list[Problem]


def version_sources(store: Store, version_id: int | None) -> list[SourceFile]:
    """A version's files, byte for byte, in the order they were stitched."""
    if version_id is None:
        return []
    info = next((v for v in store.versions() if v.id == version_id), None)
    if info is None:
        return []
    files = [f for f in info.files if f["kind"] != "revision"]
    order = {sha: i for i, sha in enumerate((info.summary or {}).get("sources", []))}
    files.sort(key=lambda f: (order.get(f["sha256"], -1), f["name"]))
    return [SourceFile(f["name"], store.source_file(f["sha256"])) for f in files]


def _of_file(problem: Problem, name: str) -> bool:
    return problem.file == name or problem.file.startswith(name + " (sheet")


def _replaced(kinds: list[str], results: list[ReadResult], base_count: int) -> set[int]:
    """Positions of published files that later files fully replace."""
    counted = [i for i, k in enumerate(kinds) if k in COUNT_KINDS]
    gone = {counted[j] for j in superseded_parts([results[i].coverage for i in counted])}
    for kind, key in FRAME_KEYS.items():
        if kind not in kinds[base_count:]:
            continue  # no upload of this kind replaces anything
        same = [i for i, k in enumerate(kinds) if k == kind]
        for n, i in enumerate(same):
            later = same[n + 1 :]
            if not later:
                continue
            if key is None:
                gone.add(i)
                continue
            keys = set(results[i].frame[key].astype(str).itertuples(index=False, name=None))
            after = set().union(
                *(
                    set(results[j].frame[key].astype(str).itertuples(index=False, name=None))
                    for j in later
                )
            )
            if keys <= after:
                gone.add(i)
    return {i for i in gone if i < base_count}


def build_candidate(
    store: Store,
    base_version: int | None,
    uploads: list[SourceFile],
    register: pd.DataFrame,
    *,
    read: Callable[[SourceFile], ReadResult],
    upload_id: int | None = None,
    progress: Progress | None = None,
) -> Candidate:
    """Read the uploads and the base version's files, stitch them, and report."""
    started = time.perf_counter()
    say = progress or (lambda _f, _t: None)
    base = version_sources(store, base_version)
    base_shas = {s.sha256 for s in base}
    new = [u for u in uploads if u.sha256 not in base_shas]
    new = list({u.sha256: u for u in new}.values())
    sources = [*base, *new]

    results: list[ReadResult] = []
    for i, source in enumerate(sources):
        is_upload = i >= len(base)
        say(
            0.1 + 0.6 * i / max(len(sources), 1),
            f"Reading {source.name}" if is_upload else f"Reading published file {source.name}",
        )
        results.append(read(source))
    say(0.7, "Combining the files")

    kinds = [r.kind for r in results]
    gone = _replaced(kinds, results, len(base))
    kept = [i for i in range(len(sources)) if i not in gone]
    tables, problems = build_tables([(sources[i].name, results[i]) for i in kept], register)

    # A gap that the published files did not have is the upload's doing: an error.
    before_gaps = set(
        coverage_gaps([r.coverage for r in results[: len(base)] if r.coverage is not None])
    )
    problems = [
        Problem(p.file, p.reason, p.row, p.column, "error")
        if p.file == "(all files)" and p.reason not in before_gaps
        else p
        for p in problems
    ]

    counted = [i for i in kept if kinds[i] in COUNT_KINDS]
    stale = {counted[j] for j in superseded_parts([results[i].coverage for i in counted])}
    files = []
    for i, source in enumerate(sources[len(base) :], start=len(base)):
        files.append(
            _file_check(source, results[i], problems, sources, gone, len(base), i in stale)
        )
    for u in uploads:
        if u.sha256 in base_shas:
            files.append(
                FileCheck(
                    u.name,
                    u.sha256,
                    len(u.content),
                    "",
                    "already published",
                    True,
                    "",
                    0,
                    0,
                    note="The published version already holds this exact file; it changes nothing.",
                )
            )
    upload_names = {s.name for s in new}
    other = [
        p.as_dict()
        for p in problems
        if not any(_of_file(p, n) for n in upload_names)
        and (p.severity == "error" or p.file == "(all files)")
    ]
    say(0.8, "Comparing with the published version")
    measures = sorted({m for i in range(len(base), len(sources)) for m in _measures_of(results[i])})
    changes: list[SeriesChange] = []
    before_rows: dict[str, int] = {}
    # Only months an uploaded file covers can change (a file left out was replaced
    # month for month), so only they are compared.
    starts = [
        pd.Timestamp(results[i].coverage["first_month"].min())
        for i in range(len(base), len(sources))
        if results[i].coverage is not None and not results[i].coverage.empty
    ]
    since = min(starts) if starts else None
    after = tables.counts if since is None else tables.counts[tables.counts["month"] >= since]
    if base_version is not None:
        before_counts, before_cov = store.load_counts(
            base_version, measures, since.date() if since is not None else None
        )
        before_counts["month"] = pd.to_datetime(before_counts["month"])
        for column in ("first_month", "last_month"):
            before_cov[column] = pd.to_datetime(before_cov[column])
        changes = count_changes(
            before_counts, before_cov, after, tables.coverage, tables.areas, measures, since
        )
        info = next(v for v in store.versions() if v.id == base_version)
        before_rows = (info.summary or {}).get("rows", {})
    else:
        empty = tables.counts.iloc[:0]
        changes = count_changes(
            empty, tables.coverage.iloc[:0], tables.counts, tables.coverage, tables.areas, measures
        )
    rows = tables.row_counts()
    report = Report(
        upload_id=upload_id,
        base_version=base_version,
        files=files,
        problems=other,
        changes=changes,
        tables={name: [int(before_rows.get(name, 0)), int(n)] for name, n in rows.items()},
        kept=[sources[i].name for i in kept if i < len(base)],
        left_out=[sources[i].name for i in sorted(gone)],
        seconds=time.perf_counter() - started,
    )
    records = [
        FileRecord(
            name=sources[i].name,
            content=sources[i].content,
            kind=results[i].kind,
            rows_read=results[i].rows_read,
            first_month=_span(results[i])[0],
            last_month=_span(results[i])[1],
            warnings=len(results[i].warnings),
        )
        for i in kept
    ]
    warnings = [p for p in problems if p.severity == "warning"]
    return Candidate([sources[i] for i in kept], records, tables, report, warnings)


def _measures_of(result: ReadResult) -> set[str]:
    if result.coverage is None or result.coverage.empty:
        return set()
    return set(result.coverage["measure"])


def _span(result: ReadResult):
    cov = result.coverage
    if cov is None or cov.empty:
        return None, None
    return (
        pd.Timestamp(cov["first_month"].min()).date(),
        pd.Timestamp(cov["last_month"].max()).date(),
    )


def _file_check(
    source: SourceFile,
    result: ReadResult,
    problems: list[Problem],
    sources: list[SourceFile],
    gone: set[int],
    base_count: int,
    stale: bool,
) -> FileCheck:
    mine = [p for p in problems if _of_file(p, source.name)]
    if result.kind == "unrecognised":
        # Problems of a file that never opened are its own, whatever they say.
        mine = result.problems
    errors = [p.as_dict() for p in mine if p.severity == "error"]
    rejected = max(
        result.rows_rejected,
        len({p.row for p in mine if p.severity == "error" and p.row and p.row > 1}),
    )
    replaces = [sources[i].name for i in sorted(gone) if i < base_count]
    note = (
        "Every month this file holds also comes from a file that reaches later months, "
        "which takes precedence: publishing it changes nothing."
        if stale
        else ""
    )
    return FileCheck(
        name=source.name,
        sha256=source.sha256,
        bytes=len(source.content),
        kind=result.kind,
        format=KIND_LABELS.get(result.kind, "not recognised"),
        recognised=result.kind != "unrecognised",
        months=str(result.meta.get("months", "")),
        rows_read=result.rows_read,
        rows_rejected=rejected,
        errors=errors,
        warnings=[p.as_dict() for p in mine if p.severity == "warning"],
        replaces=replaces if result.kind != "unrecognised" else [],
        note=note,
    )


# -- what would change ------------------------------------------------------------


def _months(cov: pd.DataFrame, measure: str, level: str) -> pd.DatetimeIndex:
    rows = cov[(cov["measure"] == measure) & (cov["level"] == level)]
    if rows.empty:
        return pd.DatetimeIndex([])
    return pd.date_range(rows["first_month"].min(), rows["last_month"].max(), freq="MS")


def count_changes(
    before: pd.DataFrame,
    before_cov: pd.DataFrame,
    after: pd.DataFrame,
    after_cov: pd.DataFrame,
    areas: pd.DataFrame,
    measures: list[str],
    since: pd.Timestamp | None = None,
) -> list[SeriesChange]:
    """New, revised and removed months of each series, and the largest revisions.

    With `since`, the counts given start there: earlier months are taken as unchanged.
    """
    names = areas.drop_duplicates("code").set_index("code")["name"]
    out = []
    for measure in measures:
        for level in REPORT_LEVELS:
            now = _months(after_cov, measure, level)
            was = _months(before_cov, measure, level)
            if now.empty and was.empty:
                continue
            a = after[(after["measure"] == measure) & (after["level"] == level)]
            b = before[(before["measure"] == measure) & (before["level"] == level)]
            totals = a.groupby("month")["value"].sum()
            new = [
                {"month": f"{m:%Y-%m}", "total": int(totals.get(m, 0))} for m in now.difference(was)
            ]
            common = now.intersection(was)
            if since is not None:
                common = common[common >= since]
            merged = pd.merge(
                b[b["month"].isin(common)][["area_code", "month", "value"]],
                a[a["month"].isin(common)][["area_code", "month", "value"]],
                on=["area_code", "month"],
                how="outer",
                suffixes=("_before", "_after"),
            ).fillna({"value_before": 0, "value_after": 0})
            merged["change"] = merged["value_after"] - merged["value_before"]
            changed = merged[merged["change"] != 0]
            revised = []
            for month, rows in changed.groupby("month"):
                in_month = merged[merged["month"] == month]
                revised.append(
                    {
                        "month": f"{pd.Timestamp(month):%Y-%m}",
                        "before": int(in_month["value_before"].sum()),
                        "after": int(in_month["value_after"].sum()),
                        "areas": len(rows),
                    }
                )
            largest = []
            if level != "london" and not changed.empty:
                top = changed.reindex(
                    changed["change"].abs().sort_values(ascending=False, kind="stable").index
                ).head(LARGEST_SHOWN)
                for r in top.itertuples(index=False):
                    code = str(r.area_code)
                    largest.append(
                        {
                            "code": code,
                            "name": "not placed in an area"
                            if code == UNALLOCATED_CODE
                            else str(names.get(code, code)),
                            "month": f"{pd.Timestamp(r.month):%Y-%m}",
                            "before": int(r.value_before),
                            "after": int(r.value_after),
                        }
                    )
            removed = [f"{m:%Y-%m}" for m in was.difference(now)]
            if new or revised or removed:
                label = MEASURES[measure].label if measure in MEASURES else measure
                out.append(SeriesChange(measure, label, level, new, revised, removed, largest))
    return out


# -- the steps staff take -----------------------------------------------------------


def write_draft(store: Store, candidate: Candidate, *, actor: str, note: str = "") -> int:
    """The candidate as an unpublished version (or the version its files already make)."""
    records = [*candidate.records, revision_marker()]
    existing = store.version_with_fingerprint([r.sha256 for r in records])
    if existing is not None:
        return existing
    summary = {
        "rows": candidate.tables.row_counts(),
        "warnings": [str(p) for p in candidate.warnings][:200],
        "revision": CANONICAL_REVISION,
        "sources": [s.sha256 for s in candidate.sources],
        "upload": candidate.report.upload_id,
        "base": candidate.report.base_version,
    }
    return store.add_version(candidate.tables, records, actor=actor, note=note, summary=summary)


def upload_sources(store: Store, upload: dict) -> list[SourceFile]:
    return [SourceFile(f["name"], store.source_file(f["sha256"])) for f in upload["files"]]


def check_upload(
    store: Store,
    upload_id: int,
    register: pd.DataFrame,
    *,
    read: Callable[[SourceFile], ReadResult],
    progress: Progress | None = None,
    limits: CheckLimits | None = None,
) -> Report:
    """Check an upload against the published version; if it passes, write its draft.

    The check runs as one recorded run (store.checks) with a heartbeat, so a run whose
    process dies is seen to have stopped (`watch_check`). It never raises for a fault
    of its own: the upload is marked "failed" with the reason, and the report says so.
    If the run was declared failed while it worked (it went quiet or took too long),
    that verdict stands and its draft is left for `collect_garbage`.
    """
    limits = limits or CheckLimits()
    upload = store.upload(upload_id)
    if upload["status"] not in ("received", "checking"):
        return stored_report(upload)
    check_id = store.start_check(upload_id, worker=f"{socket.gethostname()}:{os.getpid()}")
    if check_id is None:
        return stored_report(store.upload(upload_id))
    base = store.published_version_id()
    say = _best_effort(progress)
    with _Heartbeat(store, check_id, limits.heartbeat_seconds):
        try:
            candidate = build_candidate(
                store,
                base,
                upload_sources(store, upload),
                register,
                read=read,
                upload_id=upload_id,
                progress=say,
            )
            report = candidate.report
            status = "refused"
            if report.ok:
                say(0.9, "Writing the draft version")
                report.draft_version = write_draft(
                    store, candidate, actor=upload["created_by"], note=f"upload {upload_id}"
                )
                report.unchanged = report.draft_version == base
                status = "unchanged" if report.unchanged else "ready"
        except Exception as exc:
            log.exception("the check of upload %s stopped", upload_id)
            reason = f"it stopped with an internal error ({type(exc).__name__}: {exc})"[:400]
            store.finish_check(check_id, "failed", reason, status="failed", base_version=base,
                               report=failed_report(upload_id, base, reason).to_dict())  # fmt: skip
            return stored_report(store.upload(upload_id))
    outcome = "passed" if status == "ready" else status
    finished = store.finish_check(
        check_id, outcome, status=status, base_version=base,
        draft_version=report.draft_version, report=report.to_dict(),
    )  # fmt: skip
    if not finished:
        return stored_report(store.upload(upload_id))
    if limits.retention is not None:
        try:
            collect_garbage(store, older_than=limits.retention)
        except Exception:  # the check itself is done and recorded; tidying can wait
            log.exception("collecting old drafts after upload %s failed", upload_id)
    return report


def stored_report(upload: dict) -> Report:
    """The report an upload's check left (or one saying the check has not finished)."""
    if upload.get("report"):
        return Report.from_dict(upload["report"])
    return failed_report(upload["id"], upload.get("base_version"), "the check has not finished")


def could_not_start(store: Store, upload_id: int, reason: str) -> Report:
    """The report of a check that failed before `check_upload` began (no boundary
    register, the store out of reach), put on record when the store can be reached, so
    the upload shows as failed and can be checked again."""
    report = failed_report(upload_id, None, reason)
    try:
        store.update_upload_if(upload_id, "received", status="failed", report=report.to_dict())
    except Exception:  # the page still says why; the watcher fails it in time
        log.exception("could not record that the check of upload %s failed", upload_id)
    return report


def failed_report(upload_id: int, base: int | None, reason: str) -> Report:
    problem = Problem(
        "(upload)",
        f"The check did not finish: {reason}. Nothing was published; check the upload "
        "again, and tell the dashboard's developers if it happens again",
    )
    return Report(upload_id, base, [], [problem.as_dict()], [], {}, [], [], failed=reason)


def _best_effort(progress: Progress | None) -> Progress:
    """Progress reports that never stop a check (the page's job store may be busy)."""

    def say(fraction: float, text: str) -> None:
        if progress is None:
            return
        try:
            progress(fraction, text)
        except Exception as exc:
            log.warning("could not report the check's progress (%s: %s)", type(exc).__name__, exc)

    return say


class _Heartbeat:
    """Writes a run's heartbeat every `every` seconds from a thread, while in use."""

    def __init__(self, store: Store, check_id: int, every: float):
        self.store, self.check_id, self.every = store, check_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"check-{check_id}-heartbeat", daemon=True
        )

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not self.store.heartbeat(self.check_id):
                    return  # declared failed: nobody is listening any more
            except Exception as exc:  # the database briefly out of reach: try again
                log.warning("check %s heartbeat failed (%s)", self.check_id, exc)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _seconds(n: float) -> str:
    if n >= 120:
        return f"{n / 60:,.0f} minutes"
    return f"{n:,.0f} seconds"


def watch_check(
    store: Store, upload_id: int, limits: CheckLimits, now: dt.datetime | None = None
) -> dict:
    """The upload after declaring its check failed if the check has died: not heard from
    for `stall_seconds`, running longer than `timeout_seconds`, or never started by a
    worker within `timeout_seconds` of the upload. Returns the upload record."""
    now = now or dt.datetime.now(dt.UTC)
    upload = store.upload(upload_id)
    status = upload["status"]
    if status not in ("received", "checking"):
        return upload
    runs = store.checks_of(upload_id)
    run = runs[0] if runs else None
    reason = ""
    if status == "received" or run is None:
        waited = (now - _aware(upload["updated_at"])).total_seconds()
        if waited > limits.timeout_seconds:
            reason = (
                f"no background worker started the check within {_seconds(limits.timeout_seconds)}"
                " (is the worker running?)"
            )
    elif run["finished_at"] is not None:
        reason = run["reason"] or "the check stopped without saying why"
    else:
        quiet = (now - _aware(run["heartbeat_at"])).total_seconds()
        running = (now - _aware(run["started_at"])).total_seconds()
        if quiet > limits.stall_seconds:
            reason = (
                f"the process checking it ({run['worker']}) stopped: nothing was heard from it "
                f"for {_seconds(quiet)} (it was killed, ran out of memory, or its worker was "
                "restarted)"
            )
        elif running > limits.timeout_seconds:
            reason = f"it took longer than {_seconds(limits.timeout_seconds)}, the most allowed"
    if reason:
        report = failed_report(upload_id, upload["base_version"], reason).to_dict()
        if run is not None and run["finished_at"] is None:
            store.finish_check(run["id"], "failed", reason, status="failed", report=report)
        else:
            store.update_upload_if(upload_id, status, status="failed", report=report)
        log.warning("the check of upload %s failed: %s", upload_id, reason)
    return store.upload(upload_id)


def watch_checks(store: Store, limits: CheckLimits, now: dt.datetime | None = None) -> list[int]:
    """`watch_check` on every upload waiting for a check; returns those declared failed."""
    failed = []
    for upload in store.waiting_uploads():
        if watch_check(store, upload["id"], limits, now)["status"] == "failed":
            failed.append(upload["id"])
    return failed


def check_again(store: Store, upload_id: int, *, actor: str) -> None:
    """Put an upload whose check failed (or whose draft expired) back in line for a new
    check; its files are the same, so its new report is what a first check would say."""
    upload = store.upload(upload_id)
    if upload["status"] not in ("failed", "expired"):
        raise RefreshError(
            f"upload {upload_id} is {upload['status']}: only an upload whose check did not "
            "finish, or whose draft expired, is checked again"
        )
    if store.update_upload_if(upload_id, upload["status"], status="received", report=None,
                              draft_version=None):  # fmt: skip
        store.audit(actor, "check again", None, f"upload {upload_id} checked again")


# -- retention ----------------------------------------------------------------------


def collect_garbage(
    store: Store, *, older_than: dt.timedelta, now: dt.datetime | None = None, actor: str = "gc"
) -> list[int]:
    """Delete unpublished versions nobody can publish any more, made over `older_than`
    ago; returns their ids. Published versions (now or ever) are always kept.

    Deleted: drafts of uploads that were discarded, refused or failed; drafts of
    uploads superseded (someone has published since the check, or a later upload
    passed its check; the upload becomes "expired" and can be checked again); and
    versions no upload made (a `wec ingest --no-publish`, a check that died) once a
    later version has been published. Kept: the draft of the latest upload that passed
    its check against the version published now, and a version made by hand that is
    newer than every published one, however old.
    """
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - older_than
    current = store.published_version_id()
    ever = {h["version_id"] for h in store.history() if h["action"] in ("publish", "rollback")}
    uploads = store.uploads(limit=1_000_000)
    by_draft: dict[int, list[dict]] = {}
    for u in uploads:
        if u["draft_version"] is not None:
            by_draft.setdefault(u["draft_version"], []).append(u)
    passed = [u["id"] for u in uploads if u["status"] in ("ready", "published", "unchanged")]
    latest_passed = max(passed, default=None)
    newest_published = max(ever, default=0)
    removed = []
    for version in store.versions():
        if version.id == current or version.id in ever or _aware(version.created_at) > cutoff:
            continue
        users = by_draft.get(version.id, [])
        live = [
            u for u in users
            if u["status"] == "ready" and u["base_version"] == current and u["id"] == latest_passed
        ]  # fmt: skip
        if live:
            continue
        if not users and version.id > newest_published and not version.note.startswith("upload "):
            continue  # made by hand and waiting to be published
        store.discard(version.id, actor=actor)
        removed.append(version.id)
        for u in users:
            fields = {"draft_version": None}
            if u["status"] == "ready":
                fields["status"] = "expired"
            store.update_upload(u["id"], **fields)
    if removed:
        log.info("deleted %d unpublished drafts: %s", len(removed), removed)
    return removed


@dataclass(frozen=True)
class Published:
    version_id: int
    rebased_on: int | None  # set when someone else published while the report was read
    report: Report


def publish_upload(
    store: Store,
    upload_id: int,
    register: pd.DataFrame,
    *,
    actor: str,
    read: Callable[[SourceFile], ReadResult],
) -> Published:
    """Publish a checked upload's draft, serialised with every other publish."""
    with store.exclusive():
        upload = store.upload(upload_id)
        if upload["status"] != "ready":
            raise RefreshError(
                f"upload {upload_id} is {upload['status']}: only an upload whose check "
                "passed, and that is not yet published, can be published"
            )
        report = Report.from_dict(upload["report"])
        current = store.published_version_id()
        if current is None:
            raise RefreshError(NOTHING_PUBLISHED)
        version = upload["draft_version"]
        rebased_on = None
        if current != upload["base_version"]:
            # Someone published since this upload was checked: build on their version.
            candidate = build_candidate(
                store,
                current,
                upload_sources(store, upload),
                register,
                read=read,
                upload_id=upload_id,
            )
            report = candidate.report
            if not report.ok:
                store.update_upload(
                    upload_id, status="refused", base_version=current, report=report.to_dict()
                )
                raise RefreshError(
                    f"version {current} was published while upload {upload_id} waited, and "
                    "on top of it the upload no longer passes its check; see the new report"
                )
            version = write_draft(store, candidate, actor=actor, note=f"upload {upload_id}")
            report.draft_version = version
            rebased_on = current
        if version == current:
            store.update_upload(
                upload_id, status="unchanged", base_version=current, report=report.to_dict()
            )
            raise RefreshError(f"version {current} is already published with these files")
        store.publish(version, actor=actor)
        store.update_upload(
            upload_id,
            status="published",
            base_version=current,
            draft_version=version,
            published_version=version,
            report=report.to_dict(),
        )
    return Published(version, rebased_on, report)


def discard_upload(store: Store, upload_id: int, *, actor: str) -> None:
    """Drop a checked upload's draft; its files stay on record."""
    with store.exclusive():
        upload = store.upload(upload_id)
        if upload["status"] not in ("ready", "received", "refused", "unchanged", "failed",
                                    "expired"):  # fmt: skip
            raise RefreshError(f"upload {upload_id} is {upload['status']} and cannot be discarded")
        draft = upload["draft_version"]
        others = [
            u
            for u in store.uploads(limit=10_000)
            if u["id"] != upload_id
            and u["draft_version"] == draft
            and u["status"] in ("ready", "published")
        ]
        published = {
            h["version_id"] for h in store.history() if h["action"] in ("publish", "rollback")
        }
        if draft is not None and draft not in published and not others:
            store.discard(draft, actor=actor)
        store.update_upload(upload_id, status="discarded")
        store.audit(actor, "discard", draft, f"discarded upload {upload_id}")


def rollback(store: Store, version_id: int | None, *, actor: str) -> int:
    """Publish an earlier version again, serialised with every publish."""
    with store.exclusive():
        return store.rollback(version_id, actor=actor)
