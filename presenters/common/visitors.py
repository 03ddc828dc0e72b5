"""Visitor areas in tables and hovers: the rate per 1,000 workday population beside the
rate per resident, shown only where the rule of data.visitors flags the area."""

from __future__ import annotations

import math

from presenters.common import words
from presenters.common.table import Number, num

WORKDAY_HEADING = "Rate per 1,000 workday population (visitor areas)"
WORKDAY_HEADING_ALL_AGES = "Rate per 1,000 workday population, all ages (visitor areas)"
# The caveat in a hover, where the area's own long caveat does not fit.
SHORT_CAVEAT = (
    "Far more people are here by day than live here, so a rate per resident overstates "
    "the risk to the people here."
)


def shown(flag: object, rate: object) -> bool:
    """Whether an area's workday rate is shown: flagged by the rule, with a rate."""
    try:
        return bool(flag) and math.isfinite(float(rate))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def workday_cell(flag: object, rate: object) -> Number:
    """The workday rate of a flagged area, to three figures; blank for any other area."""
    if not shown(flag, rate):
        return ("", None)
    return num(words.rate(rate), words.rounded_rate(rate))


def workday_words(flag: object, rate: object) -> str:
    """ "3.21 per 1,000 workday population (a visitor area)" or ""."""
    if not shown(flag, rate):
        return ""
    return f"{words.rate(rate)} per 1,000 workday population (a visitor area)"
