"""Targets for positive outcome rates, and how an outcome rate stands against one."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from data import targets
from data.outcomes import area_outcomes, measures_with_outcomes, outcomes_measure
from data.profiles import outcome_interval
from tests.builders import BOROUGH_WARD, BRIXTON, CLAPHAM, LAMBETH, PECKHAM, STOCKWELL, tiny_dataset

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def row(i: int, measure: str, area: str, rate: float | None) -> dict:
    return {"id": i, "measure": measure, "area_code": area, "rate": rate, "set_at": NOW,
            "set_by": "alice"}  # fmt: skip


def test_the_latest_row_of_each_target_is_in_force_and_an_empty_one_clears_it():
    found = targets.Targets.from_rows(
        [row(3, "knife_crime", "", 25.0), row(1, "knife_crime", "", 30.0),
         row(2, "knife_crime", LAMBETH, 20.0), row(4, "knife_crime_injury", "", 40.0),
         row(5, "knife_crime_injury", "", None)]
    )  # fmt: skip
    assert found.stamp == 5
    assert found.get("knife_crime").rate == 25.0
    assert found.get("knife_crime", LAMBETH).rate == 20.0
    assert found.get("knife_crime_injury") is None  # cleared
    # A borough's own target stands for it and its wards; other areas take London's.
    assert found.for_area("knife_crime", LAMBETH).rate == 20.0
    assert found.for_area("knife_crime", "E09000028").rate == 25.0
    assert found.for_area("knife_crime", None).rate == 25.0
    assert found.for_area("knife_crime_injury", LAMBETH) is None  # never invented
    assert targets.Targets.from_rows([]).stamp == 0


def test_a_target_is_a_percentage_or_nothing():
    assert targets.check_rate("30") == 30.0
    assert targets.check_rate(" 27.55% ") == 27.6
    assert targets.check_rate("") is None
    assert targets.check_rate(None) is None
    for bad in ("-1", "100.5", "nan", "inf", "thirty", "1e400"):
        with pytest.raises(targets.TargetError, match="between 0 and 100"):
            targets.check_rate(bad)
    assert targets.percent_text(None) == "none"
    assert targets.percent_text(30.0) == "30%"
    assert targets.percent_text(27.5) == "27.5%"


def test_a_rate_is_judged_by_where_its_whole_interval_lies():
    assert targets.judge(18.0, 27.0, 30.0) == targets.BELOW
    assert targets.judge(31.0, 40.0, 30.0) == targets.ABOVE
    assert targets.judge(25.0, 35.0, 30.0) == targets.CONSISTENT
    assert targets.judge(25.0, 30.0, 30.0) == targets.CONSISTENT  # the limit touches it
    assert targets.judge(math.nan, math.nan, 30.0) == targets.NO_JUDGEMENT


@given(
    n=st.integers(10, 400),
    share=st.floats(0.0, 1.0),
    target=st.floats(0.5, 99.5),
)
def test_the_judgement_is_the_exact_binomial_test_of_the_target(n, share, target):
    """Outside the Clopper-Pearson 95% interval exactly when the equal-tailed exact
    test of rate = target rejects at 5% (each tail under 2.5%), computed here with
    scipy's binomial distribution."""
    k = max(10, min(n, round(share * n)))
    low, high, reason = outcome_interval(k, n)
    assert reason == ""
    verdict = targets.judge(low * 100, high * 100, target)
    p0 = target / 100
    below_tail = sps.binom.sf(k - 1, n, p0)  # P(X >= k): small when the rate is above
    above_tail = sps.binom.cdf(k, n, p0)  # P(X <= k): small when the rate is below
    if min(below_tail, above_tail) > 0.026:
        assert verdict == targets.CONSISTENT
    elif above_tail < 0.024:
        assert verdict == targets.BELOW
    elif below_tail < 0.024:
        assert verdict == targets.ABOVE


def test_every_area_gets_its_outcome_rate_and_an_interval_only_where_one_means_something():
    ds = tiny_dataset(
        extra={"knife_crime_outcomes": {BRIXTON: [2] * 24, CLAPHAM: [1] * 24,
                                        STOCKWELL: [0] * 24, PECKHAM: [0] * 24,
                                        BOROUGH_WARD: [2] * 24}},
    )  # fmt: skip
    assert outcomes_measure(ds, "knife_crime") == "knife_crime_outcomes"
    assert outcomes_measure(ds, "knife_crime_outcomes") is None
    assert measures_with_outcomes(ds, "ward") == ["knife_crime"]
    found = area_outcomes(ds, "knife_crime", "ward", "r12")
    assert found.available
    by = found.by_code
    # Brixton: 24 outcomes of 72 offences over the latest 12 months.
    assert by.loc[BRIXTON, ["offences", "outcomes"]].tolist() == [72, 24]
    assert by.loc[BRIXTON, "rate"] == pytest.approx(100 * 24 / 72)
    ci = sps.binomtest(24, 72).proportion_ci(0.95, method="exact")
    assert by.loc[BRIXTON, "low"] == pytest.approx(ci.low * 100)
    assert by.loc[BRIXTON, "high"] == pytest.approx(ci.high * 100)
    assert by.loc[BRIXTON, "no_interval"] == ""
    # Peckham: no outcomes at all, so no interval; Borough & Bankside has more outcomes
    # (24) than offences (12), so its figure is no proportion of these offences.
    assert by.loc[PECKHAM, "rate"] == 0
    assert by.loc[PECKHAM, "no_interval"] == "fewer than 10 positive outcomes"
    assert math.isnan(by.loc[PECKHAM, "low"])
    assert "more positive outcomes than offences" in by.loc[BOROUGH_WARD, "no_interval"]
    # London: every offence and outcome recorded (the unplaced ones included).
    london_offences = (6 + 3 + 2 + 4 + 1 + 1) * 12
    london_outcomes = (2 + 1 + 0 + 0 + 2 + 1) * 12
    assert found.london == pytest.approx(100 * london_outcomes / london_offences)


def test_a_measure_without_outcome_figures_has_no_rates():
    ds = tiny_dataset()
    assert measures_with_outcomes(ds, "ward") == []
    assert not area_outcomes(ds, "knife_crime", "ward", "r12").available
