"""Periods a person can choose, and the period each is compared against.

A period is written in the URL as a short token (`r12`, `m`, `fy2024`,
`2024-01..2024-06`), so a shared link reopens the same view; `resolve` turns the
token into concrete months against the latest month a measure has.

Change is always judged against a period of the same length, and seasonal
periods against the same months a year earlier (a single month against the same
month last year, a financial year to date against the same months of the year
before), because knife crime has a strong seasonal pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

ROLLING_12 = "r12"
LATEST_MONTH = "m"
# The period select's value for "a range of months"; the range itself comes from the
# From and To selects and is written as a token of its own (`2024-01..2024-06`).
RANGE = "range"

# The MPS moved to a new crime recording system (CONNECT) in February 2024: a
# comparison across that month mixes two ways of recording.
CONNECT_START = pd.Timestamp("2024-02-01")


@dataclass(frozen=True)
class Period:
    start: pd.Timestamp
    end: pd.Timestamp  # inclusive: the first day of the last month
    label: str
    comparison: str  # how the previous period relates, in words

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        if self.comparison == "the same months a year earlier":
            shift = pd.DateOffset(years=1)
        else:
            shift = pd.DateOffset(months=self.months)
        start, end = self.start - shift, self.end - shift
        return Period(start, end, describe(start, end), "")

    def contains(self, month: pd.Timestamp) -> bool:
        return self.start <= month <= self.end


def month_start(value) -> pd.Timestamp:
    return pd.Timestamp(value).to_period("M").to_timestamp()


def describe(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start == end:
        return f"{start:%B %Y}"
    if start.year == end.year:
        return f"{start:%B} to {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def fy_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def rolling_twelve_months(latest: pd.Timestamp) -> Period:
    start = latest - pd.DateOffset(months=11)
    return Period(start, latest, f"12 months to {latest:%B %Y}", "the 12 months before")


def single_month(month: pd.Timestamp) -> Period:
    return Period(month, month, f"{month:%B %Y}", "the same months a year earlier")


def financial_year(year: int, latest: pd.Timestamp) -> Period:
    """April `year` to March `year + 1`, cut at the latest month if still running."""
    start = pd.Timestamp(year=year, month=4, day=1)
    end = min(pd.Timestamp(year=year + 1, month=3, day=1), latest)
    label = f"financial year {fy_label(year)}"
    if end < pd.Timestamp(year=year + 1, month=3, day=1):
        label += f" to date ({describe(start, end)})"
    return Period(start, end, label, "the same months a year earlier")


def month_range(start: pd.Timestamp, end: pd.Timestamp) -> Period:
    start, end = month_start(start), month_start(end)
    if end < start:
        start, end = end, start
    return Period(start, end, describe(start, end), "the same number of months before")


_FY = re.compile(r"^fy(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_RANGE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))\.\.(\d{4}-(?:0[1-9]|1[0-2]))$")


def is_token(text: object) -> bool:
    """Whether `text` has the shape of a period token (whatever the data holds)."""
    if not isinstance(text, str):
        return False
    return text in (ROLLING_12, LATEST_MONTH) or any(
        pattern.match(text) for pattern in (_FY, _MONTH, _RANGE)
    )


def control_values(token: str) -> tuple[str, str | None, str | None]:
    """The period select's value and the From and To selects' values for a token.

    A single month and a range of months are both shown as a range (one month is a
    range from it to itself); the other tokens are options of the period select.
    """
    if m := _RANGE.match(token):
        return RANGE, m.group(1), m.group(2)
    if _MONTH.match(token):
        return RANGE, token, token
    return token, None, None


def token_from_controls(choice: str | None, start: str | None, end: str | None) -> str:
    """The token for the period select's value and, for a range, the months chosen.

    Months in either order make the same range; a range with a month missing or
    malformed is not a token, and falls back to the latest 12 months.
    """
    if choice != RANGE:
        return choice if is_token(choice) else ROLLING_12
    if not (_MONTH.match(start or "") and _MONTH.match(end or "")):
        return ROLLING_12
    first, last = sorted((start, end))
    return first if first == last else f"{first}..{last}"


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(month_start(start), month_start(end), freq="MS")


def resolve(token: str, latest: pd.Timestamp) -> Period:
    """The period a URL token names, given the latest month with data."""
    latest = month_start(latest)
    token = (token or ROLLING_12).strip()
    if token == ROLLING_12:
        return rolling_twelve_months(latest)
    if token == LATEST_MONTH:
        return single_month(latest)
    if m := _FY.match(token):
        return financial_year(int(m.group(1)), latest)
    if m := _MONTH.match(token):
        return single_month(month_start(token))
    if m := _RANGE.match(token):
        return month_range(pd.Timestamp(m.group(1)), pd.Timestamp(m.group(2)))
    raise ValueError(f"unknown period {token!r}")


def financial_years(first: pd.Timestamp, latest: pd.Timestamp) -> list[int]:
    """Financial years (by starting year) with at least one month of data."""
    first_fy = first.year if first.month >= 4 else first.year - 1
    last_fy = latest.year if latest.month >= 4 else latest.year - 1
    return list(range(first_fy, last_fy + 1))
