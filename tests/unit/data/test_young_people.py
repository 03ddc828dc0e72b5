"""Young people's risk in words: "1 for every N", its range, the ratio to London, the share."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats as sps

from data import stats
from data import young_people as yp
from tests.unit.data.small_dataset import LAMBETH, small_dataset


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (1234.0, 1200),
        (1250.1, 1300),
        (987.0, 990),
        (99.4, 99),
        (12.0, 12),
        (7.6, 8),
        (23456.0, 23000),
    ],
)
def test_one_in_n_carries_two_significant_figures(value, rounded):
    assert yp.round_figure(value) == rounded


def test_for_every_words():
    assert yp.for_every_words(2_672_732, 1138) == "1 for every 2,300"
    assert yp.for_every_words(4152, 17) == "1 for every 240"
    assert yp.for_every_words(4152, 0) == "none"
    assert yp.for_every(4152, 17) == "240"
    assert yp.for_every(4152, 0) == ""
    with pytest.raises(ValueError, match="cannot round"):
        yp.round_figure(0)


def test_the_range_of_n_comes_from_the_exact_poisson_interval():
    low, high = stats.poisson_interval(17, 0.95)
    # Garwood limits are chi-square quantiles: check them against scipy directly.
    assert low == pytest.approx(sps.chi2.ppf(0.025, 34) / 2)
    assert high == pytest.approx(sps.chi2.ppf(0.975, 36) / 2)
    words = yp._range_words(4152, low, high)
    # 17 victims: 9.90 to 27.22 (chi-square), so 4152 / 27.22 = 153 and 4152 / 9.90 = 419.
    assert words == f"{yp.round_figure(4152 / high):,} to {yp.round_figure(4152 / low):,}"
    assert words == "150 to 420"


def test_no_victims_has_an_open_range():
    low, high = stats.poisson_interval(0, 0.95)
    assert yp._range_words(3000, low, high).endswith("to more than 3,000")


def test_ratio_words_judge_the_interval_not_the_point():
    assert yp.ratio_words(1.8, 1.26, 2.4).startswith("higher than London (1.8")
    assert yp.ratio_words(0.6, 0.45, 0.8).startswith("lower than London")
    assert yp.ratio_words(1.9, 0.7, 4.1) == "not clearly different from London"


def share_dataset(victims: list[int], offences: list[int]):
    return small_dataset(monthly={yp.SHARE_NUMERATOR: victims, yp.SHARE_DENOMINATOR: offences})


def test_the_share_is_all_young_victims_over_all_knife_injury_offences_with_exact_limits():
    # 13 months: two rolling 12-month windows. Months 1-12: 3 victims of 8 offences each
    # (36 of 96); months 2-13: 35 of 94 (month 13 has 2 of 6).
    ds = share_dataset([3] * 12 + [2], [8] * 12 + [6])
    share = yp.young_share(ds, "borough", LAMBETH)
    assert share["month"].tolist() == [pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-01")]
    assert share["victims"].tolist() == [36, 35]
    assert share["offences"].tolist() == [96, 94]
    assert share["share"].tolist() == [36 / 96, 35 / 94]
    for row in share.itertuples():
        # Clopper-Pearson (1934): beta quantiles, as scipy's exact binomial interval.
        ci = sps.binomtest(int(row.victims), int(row.offences)).proportion_ci(method="exact")
        assert row.low == pytest.approx(ci.low)
        assert row.high == pytest.approx(ci.high)
        assert row.low == pytest.approx(
            sps.beta.ppf(0.025, row.victims, row.offences - row.victims + 1)
        )
    assert not share["low_count"].any()


def test_a_share_on_fewer_than_10_victims_or_offences_has_no_interval():
    # 9 victims of 60 offences; then 12 victims of 9 offences cannot be a proportion.
    few = yp.young_share(share_dataset([0] * 9 + [3, 3, 3], [5] * 12), "borough", LAMBETH)
    assert few["victims"].tolist() == [9]
    assert few["low_count"].tolist() == [True]
    assert few["low"].isna().all()
    assert few["high"].isna().all()
    assert few["share"].tolist() == [9 / 60]
    small = yp.young_share(share_dataset([1] * 12, [0] * 3 + [1] * 9), "borough", LAMBETH)
    assert small["offences"].tolist() == [9]
    assert small["low_count"].tolist() == [True]
    assert small["low"].isna().all()


def test_a_change_in_share_is_not_judged_on_fewer_than_10():
    frame = pd.DataFrame(
        {
            "month": pd.date_range("2025-02-01", periods=13, freq="MS"),
            "victims": [9] + [40] * 12,
            "offences": [50] + [100] * 12,
            "share": [9 / 50] + [0.4] * 12,
            "low": 0.0,
            "high": 1.0,
            "low_count": [True] + [False] * 12,
        }
    )
    assert "too few to compare" in yp.share_change(frame)
    frame.loc[0, ["victims", "share", "low_count"]] = [20, 0.4, False]
    assert yp.share_change(frame) == "the same as the 12 months before"


def test_the_share_counts_domestic_abuse_on_both_sides():
    assert yp.SHARE_NUMERATOR == "knife_injury_victims_1_24"
    assert yp.SHARE_DENOMINATOR == "knife_crime_injury"
    assert "both including domestic abuse" in yp.SHARE_WORDS
