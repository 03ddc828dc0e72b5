"""Periods and the periods they are compared against."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.periods import financial_years, resolve

LATEST = pd.Timestamp("2026-02-01")


def test_rolling_twelve_months_ends_at_the_latest_month_and_compares_with_the_12_before():
    p = resolve("r12", LATEST)
    assert (p.start, p.end, p.months) == (pd.Timestamp("2025-03-01"), LATEST, 12)
    before = p.previous()
    assert (before.start, before.end) == (pd.Timestamp("2024-03-01"), pd.Timestamp("2025-02-01"))
    assert p.label == "12 months to February 2026"


def test_a_single_month_is_compared_with_the_same_month_a_year_earlier():
    p = resolve("m", LATEST)
    assert p.months == 1
    assert p.previous().start == pd.Timestamp("2025-02-01")


def test_a_running_financial_year_is_cut_at_the_latest_month_and_says_so():
    p = resolve("fy2025", LATEST)
    assert (p.start, p.end) == (pd.Timestamp("2025-04-01"), LATEST)
    assert "to date" in p.label
    before = p.previous()
    assert (before.start, before.end) == (pd.Timestamp("2024-04-01"), pd.Timestamp("2025-02-01"))


def test_a_complete_financial_year_runs_april_to_march():
    p = resolve("fy2023", LATEST)
    assert (p.start, p.end, p.months) == (
        pd.Timestamp("2023-04-01"),
        pd.Timestamp("2024-03-01"),
        12,
    )
    assert p.label == "financial year 2023-24"


def test_a_range_is_compared_with_the_same_number_of_months_before():
    p = resolve("2024-01..2024-06", LATEST)
    before = p.previous()
    assert (before.start, before.end) == (pd.Timestamp("2023-07-01"), pd.Timestamp("2023-12-01"))


def test_an_unknown_token_is_refused():
    with pytest.raises(ValueError, match="unknown period"):
        resolve("last-week", LATEST)


def test_financial_years_with_data():
    assert financial_years(pd.Timestamp("2022-03-01"), LATEST) == [2021, 2022, 2023, 2024, 2025]


@given(
    st.dates(
        min_value=pd.Timestamp("2005-01-01").date(), max_value=pd.Timestamp("2030-12-01").date()
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_every_previous_period_has_the_same_length_and_ends_before_it_starts(latest, a, b):
    latest = pd.Timestamp(latest).to_period("M").to_timestamp()
    start = latest - pd.DateOffset(months=max(a, b))
    end = latest - pd.DateOffset(months=min(a, b))
    for token in ("r12", "m", f"{start:%Y-%m}..{end:%Y-%m}", f"fy{latest.year - 1}"):
        p = resolve(token, latest)
        before = p.previous()
        assert before.months == p.months
        assert before.end < p.start
