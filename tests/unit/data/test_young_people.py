"""Young people's risk in words: "1 in N", its range and the ratio to London."""

from __future__ import annotations

import pytest
from scipy import stats as sps

from data import stats
from data import young_people as yp


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
