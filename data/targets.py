"""Targets for positive outcome rates, set by staff, and how a rate stands against one.

A target is a positive outcome rate (a percentage) that staff set for a measure with
outcomes, London-wide or for one borough; a borough's own target stands for the
borough and its wards in place of the London-wide one. No target is ever assumed: an
area whose measure has none is told so.

A rate is judged against its target by its exact (Clopper-Pearson) 95% interval
(`data.profiles.outcome_interval`): "below" or "above" only when the whole interval
lies on that side of the target, "consistent" when the interval includes it, and no
judgement at all when the rate has no interval (fewer than 10 offences or outcomes,
or more outcomes than offences). An interval that excludes the target is the same
decision as an exact two-sided binomial test of rate = target at the 5% level (Clopper
and Pearson 1934; the interval inverts the equal-tailed test); see docs/METHODS.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LONDON_WIDE = ""  # the area_code of a target for every area without its own

BELOW, ABOVE, CONSISTENT, NO_JUDGEMENT = "below", "above", "consistent", "no judgement"


class TargetError(ValueError):
    """A target that cannot be set: not a percentage, or for something without outcomes."""


@dataclass(frozen=True)
class Target:
    measure: str  # the offences measure whose positive outcome rate it is for
    area_code: str  # LONDON_WIDE or a borough's code
    rate: float  # percent
    set_at: dt.datetime | None = None
    set_by: str = ""


@dataclass(frozen=True)
class Targets:
    """The targets in force. `stamp` changes whenever a target is set or cleared, so a
    cached view that shows targets can be filed under it."""

    items: tuple[Target, ...] = ()
    stamp: int = 0

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> Targets:
        """From the store's rows (id, measure, area_code, rate, set_at, set_by), oldest
        first or in any order: the latest row of each (measure, area) is in force, and
        one whose rate is empty has been cleared."""
        latest: dict[tuple[str, str], Mapping] = {}
        stamp = 0
        for row in sorted(rows, key=lambda r: r["id"]):
            latest[(row["measure"], row["area_code"] or LONDON_WIDE)] = row
            stamp = max(stamp, int(row["id"]))
        items = tuple(
            Target(measure, area, float(row["rate"]), row.get("set_at"), row.get("set_by", ""))
            for (measure, area), row in sorted(latest.items())
            if row["rate"] is not None
        )
        return cls(items, stamp)

    def get(self, measure: str, area_code: str = LONDON_WIDE) -> Target | None:
        """The target set for exactly this measure and area (no fallback)."""
        for t in self.items:
            if t.measure == measure and t.area_code == area_code:
                return t
        return None

    def for_area(self, measure: str, borough_code: str | None = None) -> Target | None:
        """The target an area is read against: its borough's own (a borough, or a ward
        of it), else the London-wide one, else None."""
        if borough_code:
            own = self.get(measure, borough_code)
            if own is not None:
                return own
        return self.get(measure, LONDON_WIDE)


def check_rate(rate: object) -> float | None:
    """A target as a percentage, or None to clear it; anything else is refused."""
    if rate is None or (isinstance(rate, str) and not rate.strip()):
        return None
    try:
        value = float(str(rate).strip().removesuffix("%"))
    except ValueError:
        raise TargetError("a target is a percentage between 0 and 100, such as 25") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise TargetError("a target is a percentage between 0 and 100, such as 25")
    return round(value, 1)


def judge(low: float, high: float, target: float) -> str:
    """Where a rate's 95% interval (low, high, in percent) lies against a target:
    BELOW or ABOVE when wholly on that side, CONSISTENT when it includes the target,
    NO_JUDGEMENT when there is no interval (NaN)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return NO_JUDGEMENT
    if high < target:
        return BELOW
    if low > target:
        return ABOVE
    return CONSISTENT


def percent_text(rate: float | None) -> str:
    """A target as the audit writes it: "30%", "27.5%", or "none"."""
    if rate is None:
        return "none"
    return f"{rate:.1f}".removesuffix(".0") + "%"
