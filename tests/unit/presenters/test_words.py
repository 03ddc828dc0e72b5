"""One formatter per kind of number: rates, counts, changes, p-values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from presenters.common import words
from tests.builders import tiny_dataset


@pytest.mark.parametrize(
    ("value", "text"),
    [(17.634, "17.6"), (1.5149, "1.51"), (0.0052, "0.00520"), (1234.5, "1,234"), (0, "0"),
     (None, ""), (float("nan"), ""), (pd.NA, ""), (math.inf, "")],
)  # fmt: skip
def test_rates_keep_three_significant_figures_and_never_go_scientific(value, text):
    assert words.rate(value) == text


def test_the_rounded_rate_is_the_number_printed():
    assert words.rounded_rate(17.634) == 17.6
    assert words.rounded_rates(pd.Series([17.634, 0.005249, float("nan")])).tolist()[:2] == [
        17.6,
        0.00525,
    ]


@pytest.mark.parametrize(
    ("value", "text"), [(12.4, "+12%"), (-8.6, "\u22129%"), (0.0, "+0%"), (None, "")]
)
def test_changes_are_signed_with_a_true_minus(value, text):
    assert words.signed_percent(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.0004, "< 0.001"), (0.0312, "0.031"), (1, "1.000")])
def test_p_values(value, text):
    assert words.p_value(value) == text


def test_one_offence_is_singular_and_two_plural():
    ds = tiny_dataset()
    assert words.counted(1, ds, "knife_crime") == "1 knife crime offence"
    assert words.counted(2_345, ds, "knife_crime") == "2,345 knife crime offences"
    assert words.noun(ds, "knife_injury_victims_1_24_non_da") == (
        "knife injury victims aged 1-24 outside domestic abuse"
    )
    assert words.units(1, "offences") == "1 offence"
    assert words.areas(1, "ward") == "1 ward"
    assert words.areas(679, "ward") == "679 wards"


def test_periods_read_in_a_sentence():
    assert words.in_period("12 months to February 2026") == "in the 12 months to February 2026"
    assert words.in_period("February 2026") == "in February 2026"
    assert words.in_period("financial year 2024-25") == "in the financial year 2024-25"


def test_lists_of_names():
    assert words.listing(["A"]) == "A"
    assert words.listing(["A", "B", "C"]) == "A, B and C"


def test_the_low_count_threshold_is_stated_once():
    from data.stats import LOW_COUNT

    assert str(LOW_COUNT) in words.low_count_note("offences")


def test_ranks_within_a_place_and_time_in_the_uk():
    import datetime as dt

    assert words.rank_within(5, 25, "ward", "Lambeth") == "rank 5 of 25 wards in Lambeth"
    assert words.uk_time(dt.datetime(2026, 1, 5, 23, 30)) == "5 January 2026 at 23:30 UK time"
    assert words.uk_time(dt.datetime(2026, 6, 5, 23, 30, tzinfo=dt.UTC)) == (
        "6 June 2026 at 00:30 UK time"
    )
    assert words.uk_time(None) == "not recorded"
    assert words.month(pd.Timestamp("2024-02-01")) == "February 2024"
    assert words.month(None) == words.month(pd.NaT) == ""
    assert words.z_score(-1.054) == "\u22121.05"
    assert words.possessive("Heathrow Villages") == "Heathrow Villages'"


def test_one_victim_is_a_victim_wherever_the_unit_falls_in_the_name():
    ds = tiny_dataset()
    assert words.counted(1, ds, "knife_injury_victims_1_24_non_da") == (
        "1 knife injury victim aged 1-24 outside domestic abuse"
    )
    assert words.counted(2, ds, "knife_injury_victims_1_24_non_da").startswith(
        "2 knife injury victims aged"
    )
