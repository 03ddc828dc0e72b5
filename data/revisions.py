"""What a new version changes in the published counts: for each measure and level, the
months it adds, the months it revises (and by how much, area by area) and the months it
withdraws. The staff report shows it before a publish (data.refresh); the public
release note says it in short after (data.releases).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data.areas import UNALLOCATED_CODE
from data.catalogue import MEASURES

LARGEST_SHOWN = 10
# Levels whose changes a report lists; BCUs are sums of boroughs and add nothing.
REPORT_LEVELS = ("london", "borough", "ward", "lsoa")


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
