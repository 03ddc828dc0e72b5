"""London's total as one level's own figures record it.

Each level of a measure comes from its own rows of the MPS files (borough rows, ward
rows); every area of the level and what the MPS could not place in one add up to
London's total for the months that level covers. A view of one level states its own
level's total, so a month published for wards only is never described by the borough
figures, nor the other way round.
"""

from __future__ import annotations

from data.dataset import Dataset
from data.periods import Period


def level_total(ds: Dataset, measure: str, level: str, period: Period) -> int | None:
    """Every area of the level and the offences placed in none, summed over the
    period; None when the level's figures do not cover the whole period."""
    series = ds.series(measure, level)
    if not series.covers(period.start, period.end):
        return None
    return int(series.window(period.start, period.end).sum())


def areas_total(
    ds: Dataset, measure: str, level: str, codes: list[str], period: Period
) -> int | None:
    """The areas' own figures at their level, summed over the period; None when the
    level's figures do not cover the whole period."""
    series = ds.series(measure, level)
    if not series.covers(period.start, period.end):
        return None
    rows = [series.areas.get_loc(c) for c in codes if c in series.areas]
    return int(series.window(period.start, period.end)[rows].sum())
