"""An area's figures on a hand-made London (tests/builders.py): ranks by rate, ties,
standings and the monthly download, every expected value worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from data import profiles
from data.profiles import LOW_COLUMN, ordinal, outcome_interval
from tests.builders import (
    ALDERSGATE,
    BOROUGH_WARD,
    BRIXTON,
    CITY,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    STOCKWELL,
    tiny_dataset,
)


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
     (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_wards_rank_by_rate_in_london_and_in_their_borough():
    ranks = profiles.rate_ranks(tiny_dataset(), "knife_crime", "ward", "r12")
    # Per 1,000 residents over 12 months: Brixton 72/15,000 = 4.80, Peckham 48/14,000 =
    # 3.43, Clapham 36/12,000 = 3.00, Stockwell 24/10,000 = 2.40, Borough & Bankside
    # 12/11,000 = 1.09. The City's ward has no figures and no rank.
    assert ranks["rank"].to_dict() == {
        BRIXTON: 1, PECKHAM: 2, CLAPHAM: 3, STOCKWELL: 4, BOROUGH_WARD: 5,
    }  # fmt: skip
    assert set(ranks["of"]) == {5}
    assert ranks["rank_parent"].to_dict() == {
        BRIXTON: 1, CLAPHAM: 2, STOCKWELL: 3, PECKHAM: 1, BOROUGH_WARD: 2,
    }  # fmt: skip
    assert ranks.loc[[BRIXTON, PECKHAM], "of_parent"].tolist() == [3, 2]
    assert ALDERSGATE not in ranks.index


def test_tied_rates_share_the_best_rank_and_the_next_rank_is_skipped():
    # Brixton 60/15,000 and Clapham 48/12,000 are both 4.00 per 1,000; Stockwell's
    # 12/10,000 = 1.20 is next (rank 3: no ward is second).
    counts = {BRIXTON: [5] * 24, CLAPHAM: [4] * 24, STOCKWELL: [1] * 24,
              PECKHAM: [1] * 24, BOROUGH_WARD: [1] * 24}  # fmt: skip
    ranks = profiles.rate_ranks(tiny_dataset(counts), "knife_crime", "ward", "r12")
    assert ranks.loc[[BRIXTON, CLAPHAM, STOCKWELL], "rank"].tolist() == [1, 1, 3]
    assert ranks.loc[[BRIXTON, CLAPHAM, STOCKWELL], "rank_parent"].tolist() == [1, 1, 3]


def test_a_wards_standing_has_its_figures_and_both_ranks():
    ds = tiny_dataset()
    s = profiles.standing(ds, profiles.area_facts(ds, STOCKWELL), "knife_crime")
    assert (s.count, s.previous, s.low_count) == (24, 24, False)
    assert s.rate == pytest.approx(24 / 10_000 * 1000)
    # London: 16 offences a month in wards and 1 not placed in a ward, over 63,500 residents.
    assert s.london_rate == pytest.approx(17 * 12 / 63_500 * 1000)
    assert (s.rank, s.of, s.rank_parent, s.of_parent) == (4, 5, 3, 3)
    assert s.period.label == "12 months to February 2026"


def test_boroughs_rank_among_the_boroughs_the_mps_polices():
    ds = tiny_dataset()
    # Lambeth 12 x (11 + 1 unplaced) / 37,000 = 3.89; Southwark 60 / 25,000 = 2.40.
    lambeth = profiles.standing(ds, profiles.area_facts(ds, LAMBETH), "knife_crime")
    assert (lambeth.count, lambeth.rank, lambeth.of) == (144, 1, 2)


def test_the_city_has_no_standing_and_a_glance_lists_only_published_measures():
    ds = tiny_dataset()
    assert profiles.standing(ds, profiles.area_facts(ds, CITY), "knife_crime") is None
    glance = profiles.glance(ds, profiles.area_facts(ds, BRIXTON))
    assert [s.measure for s in glance] == ["knife_crime"]


def test_the_monthly_download_flags_months_below_the_low_count():
    ds = tiny_dataset()
    frame = profiles.monthly_figures(ds, profiles.area_facts(ds, PECKHAM))
    assert LOW_COLUMN == "fewer_than_10"
    assert len(frame) == 24
    assert frame["month"].iloc[0] == "2024-03"
    assert set(frame["count"]) == {4}
    assert set(frame[LOW_COLUMN]) == {"yes"}
    assert profiles.monthly_figures(ds, profiles.area_facts(ds, CITY)).empty


def test_a_trend_is_a_rolling_rate_of_the_ward_its_borough_and_london():
    ds = tiny_dataset()
    trend = profiles.trend(ds, profiles.area_facts(ds, BRIXTON), "knife_crime")
    assert list(trend.lines.values()) == ["Brixton Windrush", "Lambeth", "London"]
    assert (trend.per, trend.young, trend.percent) == (1000, False, False)
    last = trend.frame.iloc[-1]
    assert last["area_rate"] == pytest.approx(72 / 15_000 * 1000)
    assert last["parent_rate"] == pytest.approx(144 / 37_000 * 1000)
    assert last["london_rate"] == pytest.approx(204 / 63_500 * 1000)
    assert trend.frame["area_rate"].iloc[:11].isna().all()


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
