"""The profile's words, on hand-made figures: ranks, ties, verdicts and low counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from data.periods import rolling_twelve_months
from data.profiles import (
    AreaFacts,
    Standing,
    ordinal,
    outcome_interval,
    possessive,
    rank_phrase,
    summary_sentence,
)

PERIOD = rolling_twelve_months(pd.Timestamp("2026-02-01"))
LAMBETH = AreaFacts("E09000022", "Lambeth", "borough", "E09000022", "Lambeth",
                    "Central South", True, "")  # fmt: skip


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
     (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_rank_counts_from_the_top_in_the_upper_half_and_from_the_bottom_below_it():
    rates = pd.Series([5.0, 4.0, 3.0, 2.0, 1.0], index=list("abcde"))
    assert rank_phrase(rates, "a", "boroughs") == "the highest of 5 boroughs"
    assert rank_phrase(rates, "b", "boroughs") == "the 2nd highest of 5 boroughs"
    assert rank_phrase(rates, "c", "boroughs") == "the 3rd highest of 5 boroughs"
    assert rank_phrase(rates, "d", "boroughs") == "the 2nd lowest of 5 boroughs"
    assert rank_phrase(rates, "e", "boroughs") == "the lowest of 5 boroughs"


def test_tied_areas_share_a_joint_rank_and_areas_without_a_rate_are_not_counted():
    rates = pd.Series([5.0, 4.0, 4.0, 1.0, None], index=list("abcde"))
    assert rank_phrase(rates, "b", "wards") == "the joint 2nd highest of 4 wards"
    assert rank_phrase(rates, "c", "wards") == "the joint 2nd highest of 4 wards"
    assert rank_phrase(rates, "e", "wards") == ""


def _standing(**changes) -> Standing:
    values = {
        "measure": "knife_crime", "noun": "knife crime offences", "singular": "knife crime offence",
        "unit": "offences", "young": False, "period": PERIOD, "count": 412, "previous": 468,
        "rate": 3.1, "london_rate": 1.5, "verdict": "down 12%, a statistically significant fall",
        "q_value": 0.01, "low_count": False,
        "ranks": (("London", "the 2nd highest of 32 boroughs", "2nd highest of 32"),),
    }  # fmt: skip
    return Standing(**{**values, **changes})


def test_the_summary_sentence_reads_like_the_product_brief():
    assert summary_sentence(LAMBETH, _standing()) == (
        "In the 12 months to February 2026 there were 412 knife crime offences in Lambeth, "
        "3.10 per 1,000 residents, the 2nd highest of 32 boroughs; down 12% on the 12 months "
        "before, a statistically significant fall."
    )


def test_a_ward_summary_gives_both_ranks_and_warns_on_low_counts():
    ward = AreaFacts("E05000001", "Oval", "ward", "E09000022", "Lambeth", "Central South",
                     True, "")  # fmt: skip
    s = _standing(
        count=1,
        previous=1,
        rate=0.11,
        verdict="no change",
        low_count=True,
        ranks=(("London", "the 400th lowest of 679 wards in London", "400th lowest of 679"),
               ("Lambeth", "the 5th lowest of 25 wards in Lambeth", "5th lowest of 25")),
    )  # fmt: skip
    text = summary_sentence(ward, s)
    assert text.startswith("In the 12 months to February 2026 there was 1 knife crime offence ")
    assert "the 400th lowest of 679 wards in London and the 5th lowest of 25 wards in Lambeth" in (
        text
    )
    assert "; no change on the 12 months before." in text
    assert "fewer than 10 offences" in text


def test_young_measures_are_per_resident_aged_0_to_24():
    s = _standing(young=True, noun="knife injury victims aged 1-24", unit="victims")
    assert "per 1,000 residents aged 0-24" in summary_sentence(LAMBETH, s)


def test_without_a_previous_period_no_change_is_claimed():
    text = summary_sentence(LAMBETH, _standing(previous=None, verdict=""))
    assert "before" not in text
    assert text.endswith("the 2nd highest of 32 boroughs.")


def test_possessives():
    assert possessive("Lambeth") == "Lambeth's"
    assert possessive("Heathrow Villages") == "Heathrow Villages'"


def test_a_profile_gives_its_own_verdict_with_the_rate_ratios_interval():
    s = _standing(
        count=35,
        previous=69,
        verdict="down 49%, a statistically significant fall",
        rate_ratio_words="down 49%, 95% interval 19% to 69% down",
        verdict_many="down 49%, not a statistically significant change",
    )
    assert summary_sentence(LAMBETH, s).endswith(
        "; down 49% on the 12 months before (95% interval 19% to 69% down), a statistically "
        "significant fall."
    )


@pytest.mark.parametrize(
    ("outcomes", "offences", "reason"),
    [
        (1, 3, "fewer than 10 offences"),  # once shown as "1% to 186%"
        (9, 500, "fewer than 10 positive outcomes"),
        (12, 11, "more positive outcomes than offences: some outcomes belong to offences "
                 "recorded before the period"),
    ],
)  # fmt: skip
def test_outcome_rates_get_no_interval_where_one_would_mislead(outcomes, offences, reason):
    low, high, why = outcome_interval(outcomes, offences)
    assert np.isnan(low)
    assert np.isnan(high)
    assert why == reason


@pytest.mark.parametrize(("outcomes", "offences"), [(10, 10), (88, 704), (45, 155), (10, 900)])
def test_outcome_rates_get_the_exact_clopper_pearson_interval(outcomes, offences):
    low, high, why = outcome_interval(outcomes, offences)
    expected = sps.binomtest(outcomes, offences).proportion_ci(0.95, method="exact")
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)
    assert 0 <= low < outcomes / offences < high <= 1 or outcomes == offences
    assert why == ""
