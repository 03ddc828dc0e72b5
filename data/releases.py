"""Release notes: what a publication changed for the public, kept as a history.

Every publish and rollback writes one note, in the same transaction as the publication
(`Store.publish(note=...)`). Its content is worked out the way the staff report works
out what would change (data.revisions.count_changes): for each measure and level, the
months added, the months revised (London's figure before and after; how many areas
changed elsewhere) and the months withdrawn, plus the other data updated (the survey,
the populations, the postcodes). The words are the presenters' (presenters.common.
releases); here are only the facts, as JSON the store keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from data.canonical import COUNT_KINDS
from data.catalogue import MEASURES
from data.frames import counts_frame, coverage_frame
from data.revisions import REPORT_LEVELS, SeriesChange, count_changes
from data.store.store import Store

PUBLISH, ROLLBACK = "publish", "rollback"
# The other kinds of data a version holds, as a note names them when they change.
OTHER_KINDS = {
    "survey": "the Public Attitude Survey",
    "census_age": "the Census 2021 populations",
    "lsoa_ward_lookup": "the small-area to ward lookup",
    "lsoa_msoa_lookup": "the small-area to MSOA lookup",
    "workday": "the Census 2021 workday populations",
    "msoa_names": "the MSOA names",
    "postcodes": "the postcodes (OS Code-Point Open)",
}


def month_ranges(months: Iterable[str]) -> list[list[str]]:
    """Months ("2026-01") as runs of consecutive months: [["2025-11", "2026-01"], ...]."""
    ordered = sorted(set(months))
    runs: list[list[str]] = []
    for month in ordered:
        if runs and pd.Period(month, "M") == pd.Period(runs[-1][1], "M") + 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    return runs


def level_change(change: SeriesChange) -> dict:
    """One measure's change at one level, as the note keeps it."""
    revised = [
        {"month": r["month"], "areas": int(r["areas"]),
         **({"before": int(r["before"]), "after": int(r["after"])}
            if change.level == "london" else {})}
        for r in change.revised_months
    ]  # fmt: skip
    return {
        "level": change.level,
        "added": month_ranges(m["month"] for m in change.new_months),
        "revised": revised,
        "withdrawn": month_ranges(change.removed_months),
    }


def note_content(
    changes: Sequence[SeriesChange],
    *,
    version_id: int,
    previous: int | None,
    action: str = PUBLISH,
    latest_month: object = None,
    other: Iterable[str] = (),
) -> dict:
    """The note of a publication: `changes` against the version published before it
    (`previous`, None for the first), and the other data it updates (`other`, kinds)."""
    measures: dict[str, dict] = {}
    for change in changes:
        entry = measures.setdefault(
            change.measure, {"measure": change.measure, "label": change.label, "levels": []}
        )
        entry["levels"].append(level_change(change))
    latest = None if latest_month is None or pd.isna(latest_month) else (
        f"{pd.Timestamp(latest_month):%Y-%m}"
    )  # fmt: skip
    word = "restored" if action == ROLLBACK else "published"
    return {
        "title": f"data version {version_id} {word}"
        + (f", figures to {pd.Timestamp(latest_month):%B %Y}" if latest else ""),
        "action": action,
        "version_id": version_id,
        "previous_version_id": previous,
        "first": previous is None,
        "latest_month": latest,
        "measures": sorted(measures.values(), key=lambda m: _catalogue_order(m["measure"])),
        "other": sorted({OTHER_KINDS[k] for k in other if k in OTHER_KINDS}),
    }


def _catalogue_order(measure: str) -> int:
    order = list(MEASURES)
    return order.index(measure) if measure in order else len(order)


def other_kinds(before: Iterable[dict], after: Iterable[dict]) -> list[str]:
    """Kinds of non-count data whose files differ between two versions' file lists
    (store.versions()[...].files: name, kind, sha256)."""

    def by_kind(files: Iterable[dict]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for f in files:
            if f["kind"] in OTHER_KINDS:
                out.setdefault(f["kind"], set()).add(f["sha256"])
        return out

    was, now = by_kind(before), by_kind(after)
    return sorted(k for k in set(was) | set(now) if was.get(k) != now.get(k))


def _counts(store: Store, version_id: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    if version_id is None:
        coverage = coverage_frame([])
        for column in ("first_month", "last_month"):
            coverage[column] = pd.to_datetime(coverage[column])
        return counts_frame(pd.DataFrame()), coverage
    counts, coverage = store.load_counts(version_id, sorted(MEASURES))
    counts["month"] = pd.to_datetime(counts["month"])
    for column in ("first_month", "last_month"):
        coverage[column] = pd.to_datetime(coverage[column])
    return counts, coverage


def first_changes(coverage: pd.DataFrame) -> list[SeriesChange]:
    """What a first publication changes: every month of every series is new."""
    changes = []
    for row in coverage.itertuples(index=False):
        if row.level not in REPORT_LEVELS:
            continue
        months = pd.date_range(pd.Timestamp(row.first_month), pd.Timestamp(row.last_month),
                               freq="MS")  # fmt: skip
        label = MEASURES[row.measure].label if row.measure in MEASURES else row.measure
        new = [{"month": f"{m:%Y-%m}"} for m in months]
        changes.append(SeriesChange(row.measure, label, row.level, new_months=new))
    order = {level: i for i, level in enumerate(REPORT_LEVELS)}
    return sorted(changes, key=lambda c: (c.measure, order[c.level]))


def note_between(store: Store, before: int | None, after: int, action: str = PUBLISH) -> dict:
    """The note for publishing `after` where `before` was public (None: nothing was):
    every measure's counts of the two versions compared."""
    if before is None:
        # The first publication adds every month it covers: its coverage says which.
        changes = first_changes(store.coverage(after))
    else:
        was, was_cov = _counts(store, before)
        now, now_cov = _counts(store, after)
        measures = sorted(set(now_cov["measure"]) | set(was_cov["measure"]))
        areas = pd.DataFrame(columns=["code", "name"])  # names are for the staff report only
        changes = count_changes(was, was_cov, now, now_cov, areas, measures)
    versions = {v.id: v for v in store.versions()}
    files_before = versions[before].files if before in versions else []
    files_after = versions[after].files if after in versions else []
    return note_content(
        changes,
        version_id=after,
        previous=before,
        action=action,
        latest_month=versions[after].latest_month if after in versions else None,
        other=other_kinds(files_before, files_after),
    )


def uploaded_kinds(kinds: Iterable[str]) -> list[str]:
    """The non-count kinds among an upload's files (its report's FileCheck.kind)."""
    return sorted({k for k in kinds if k not in COUNT_KINDS and k in OTHER_KINDS})
