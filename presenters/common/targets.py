"""Outcome rates against their targets, in words that claim no more than the interval.

A rate is "below" or "above" its target only when its whole 95% interval lies on that
side (data.targets.judge); otherwise it is "consistent with" the target, and a rate
with no interval is not judged at all. With no target set, that is what is said: no
target is ever assumed.
"""

from __future__ import annotations

import math

from data import targets as rules
from data.targets import Target, Targets
from presenters.common import words

NO_TARGET = "No target has been set"


def target_percent(rate: float) -> str:
    return rules.percent_text(rate)


def whose(target: Target, borough_name: str | None) -> str:
    """ "the London-wide target" or "the target set for Lambeth"."""
    if target.area_code == rules.LONDON_WIDE:
        return "the London-wide target"
    return f"the target set for {borough_name}" if borough_name else "the target set for it"


def interval_text(low: float, high: float) -> str:
    return f"{words.percent(low, 1)} to {words.percent(high, 1)}"


def sentence(
    rate: float,
    low: float,
    high: float,
    no_interval: str,
    target: Target | None,
    *,
    borough_name: str | None = None,
) -> str:
    """One sentence on a rate against its target:

    "17.3% is below the London-wide target of 30%, and its 95% interval (14.1% to 20.9%)
    lies wholly below it." / "... is consistent with ...: its 95% interval (...)
    includes it, so the difference could be chance." / no interval: not judged.
    """
    if target is None:
        return f"{NO_TARGET} for this rate."
    if not math.isfinite(rate):
        return f"There is no rate to set against {whose(target, borough_name)} of " \
               f"{target_percent(target.rate)}."  # fmt: skip
    shown, goal = words.percent(rate, 1), target_percent(target.rate)
    named = f"{whose(target, borough_name)} of {goal}"
    verdict = rules.judge(low, high, target.rate)
    if verdict == rules.NO_JUDGEMENT:
        why = no_interval or "too few events"
        return (
            f"{shown} against {named}: there is no interval ({why}), so the rate is not "
            "judged against the target."
        )
    span = interval_text(low, high)
    if verdict == rules.BELOW:
        return f"{shown} is below {named}, and its 95% interval ({span}) lies wholly below it."
    if verdict == rules.ABOVE:
        return f"{shown} is above {named}, and its 95% interval ({span}) lies wholly above it."
    return (
        f"{shown} is consistent with {named}: its 95% interval ({span}) includes the target, "
        "so the difference from it could be chance."
    )


def cell(low: float, high: float, target: Target | None) -> str:
    """The same judgement in a table cell: "Below the target (30%)"."""
    if target is None:
        return "No target set"
    goal = target_percent(target.rate)
    verdict = rules.judge(low, high, target.rate)
    return {
        rules.BELOW: f"Below the target ({goal}): the interval lies wholly below it",
        rules.ABOVE: f"Above the target ({goal}): the interval lies wholly above it",
        rules.CONSISTENT: f"Consistent with the target ({goal})",
        rules.NO_JUDGEMENT: f"Not judged: no interval (target {goal})",
    }[verdict]


def none_set_words(label: str) -> str:
    """For a page that shows the rates of a measure with no target."""
    return f"{NO_TARGET} for the positive outcome rate of {label.lower()}."


def targets_of(found: object) -> Targets:
    """Targets, or none when a caller has none to give (a test, a page with no store)."""
    return found if isinstance(found, Targets) else Targets()
