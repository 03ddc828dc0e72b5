"""The change test that allows for overdispersion, checked against statsmodels' GLMs,
scipy's exact binomial test and small hand-made series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from data import change, stats
from data.dataset import Series
from data.periods import resolve

rng = np.random.default_rng(20260301)


def paired_design(months: int) -> pd.DataFrame:
    """The design of the paired model: a factor for each month and one for "now"."""
    design = pd.DataFrame({"now": [1.0] * months + [0.0] * months,
                           "month": list(range(months)) * 2})  # fmt: skip
    design = pd.get_dummies(design, columns=["month"], drop_first=True, dtype=float)
    design.insert(0, "const", 1.0)
    return design


def glm(now: np.ndarray, before: np.ndarray, scale: float | str = "X2"):
    y = np.concatenate([now, before])
    return sm.GLM(y, paired_design(len(now)), family=sm.families.Poisson()).fit(scale=scale)


# --- the dispersion of monthly counts -------------------------------------------------


def overdispersed(mean: np.ndarray, k: float) -> np.ndarray:
    """Negative binomial counts with the given means (variance mean + mean^2 / k)."""
    return rng.negative_binomial(k, k / (k + mean))


def test_the_dispersion_is_statsmodels_pearson_chi2_over_its_df():
    seasonal = 30 * (1 + 0.3 * np.sin(np.arange(12) / 12 * 2 * np.pi))
    now = np.vstack([overdispersed(seasonal * 0.8, 40) for _ in range(5)])
    before = np.vstack([overdispersed(seasonal, 40) for _ in range(5)])
    x2, df = stats.paired_dispersion(now, before)
    for i in range(5):
        fit = glm(now[i], before[i])
        assert x2[i] == pytest.approx(fit.pearson_chi2, rel=1e-9)
        assert df[i] == fit.df_resid == 11
    pooled = stats.pooled_dispersion(x2, df)
    expected = sum(glm(now[i], before[i]).pearson_chi2 for i in range(5)) / 55
    assert pooled.estimate == pytest.approx(expected, rel=1e-9)
    assert (pooled.df, pooled.areas) == (55, 5)


def test_the_calendar_month_is_in_the_model_so_seasonality_is_not_noise():
    # The same strong seasonal pattern in both years, with no noise at all: a model
    # without the month would call the seasonal swing overdispersion.
    season = np.array([10, 12, 15, 20, 26, 30, 30, 26, 20, 15, 12, 10], dtype=float)
    x2, df = stats.paired_dispersion(season * 2, season * 2)
    assert x2[0] == pytest.approx(0.0)
    assert df[0] == 11


def test_months_and_periods_without_events_carry_no_degrees_of_freedom():
    # Worked by hand: months 3 and 4 have no events in either year, so 4 months
    # remain, 3 df; the 2 x 4 table [[2, 0, 1, 1], [0, 2, 1, 1]] has expected 1 in
    # every cell, so X2 = 1 + 1 + 1 + 1 + 0 + 0 + 0 + 0 = 4.
    now = np.array([[2, 0, 1, 1, 0, 0]])
    before = np.array([[0, 2, 1, 1, 0, 0]])
    x2, df = stats.paired_dispersion(now, before)
    assert x2[0] == pytest.approx(4.0)
    assert df[0] == 3
    # A period with no events at all says nothing about the spread.
    x2, df = stats.paired_dispersion(np.array([[3, 1, 2]]), np.zeros((1, 3)))
    assert (x2[0], df[0]) == (0.0, 0)


def test_an_estimate_below_one_is_floored_and_no_degrees_of_freedom_means_poisson():
    steady = stats.pooled_dispersion([5.0, 4.0], [11, 11])
    assert steady.estimate == pytest.approx(9 / 22)
    assert steady.factor == 1.0
    assert steady.floored
    assert stats.pooled_dispersion([0.0], [0]) == stats.POISSON
    spread = stats.pooled_dispersion([30.0, 14.0], [11, 11])
    assert spread.factor == pytest.approx(2.0)
    assert not spread.floored


def test_poisson_counts_give_a_dispersion_near_one_and_overdispersed_counts_more():
    mean = np.full((400, 12), 6.0)
    x2, df = stats.paired_dispersion(rng.poisson(mean), rng.poisson(mean))
    assert stats.pooled_dispersion(x2, df).estimate == pytest.approx(1.0, abs=0.06)
    # Offences that come in pairs (one incident, two offences): variance = 2 x mean.
    x2, df = stats.paired_dispersion(2 * rng.poisson(mean / 2), 2 * rng.poisson(mean / 2))
    assert stats.pooled_dispersion(x2, df).estimate == pytest.approx(2.0, abs=0.12)


# --- the test itself ----------------------------------------------------------------


@given(now=st.integers(0, 300), before=st.integers(0, 300))
def test_with_a_dispersion_of_one_it_is_the_exact_binomial_test(now, before):
    result = stats.quasi_poisson_change(now, before, 1.0)
    if now + before == 0:
        assert result.p == 1.0
        assert np.isnan(result.rate_ratio)
        return
    exact = sps.binomtest(now, now + before, 0.5)
    assert result.p == pytest.approx(exact.pvalue, rel=1e-9, abs=1e-15)
    ci = exact.proportion_ci(0.95, method="exact")
    odds = [ci.low / (1 - ci.low), ci.high / (1 - ci.high) if ci.high < 1 else np.inf]
    assert result.low == pytest.approx(odds[0], rel=1e-7, abs=1e-12)
    assert result.high == pytest.approx(odds[1], rel=1e-7)


@pytest.mark.parametrize(("now", "before", "phi"), [(70, 38, 2.0), (36, 69, 3.0), (15, 45, 1.5)])
def test_the_effective_counts_are_the_counts_divided_by_the_dispersion(now, before, phi):
    # Whole effective counts make the test exactly scipy's exact test on them.
    result = stats.quasi_poisson_change(now, before, phi)
    exact = sps.binomtest(round(now / phi), round((now + before) / phi), 0.5)
    assert result.p == pytest.approx(exact.pvalue, rel=1e-9)
    assert result.rate_ratio == pytest.approx(now / before)


@pytest.mark.parametrize("phi", [1.0, 1.6, 5.0])
def test_for_large_counts_it_agrees_with_the_quasi_poisson_glm(phi):
    now = rng.poisson(np.full(12, 900.0))
    before = rng.poisson(np.full(12, 1000.0))
    fit = glm(now, before, scale=phi)
    result = stats.quasi_poisson_change(now.sum(), before.sum(), phi)
    low, high = np.exp(fit.conf_int().loc["now"])
    assert result.rate_ratio == pytest.approx(np.exp(fit.params["now"]), rel=1e-9)
    assert (result.low, result.high) == pytest.approx((low, high), rel=0.005)
    assert np.log(result.p) == pytest.approx(np.log(fit.pvalues["now"]), rel=0.05)


@given(now=st.integers(0, 200), before=st.integers(0, 200),
       phi=st.floats(1.0, 6.0, allow_nan=False))  # fmt: skip
def test_significant_exactly_when_the_interval_leaves_out_no_change(now, before, phi):
    result = stats.quasi_poisson_change(now, before, phi)
    if now + before == 0:
        return
    excludes = result.high < 1 or result.low > 1
    # Away from the boundary (where rounding decides), the two always agree.
    if abs(result.p - 0.05) > 1e-9:
        assert (result.p < 0.05) == excludes


def test_more_dispersion_means_less_certainty():
    ps = [float(stats.quasi_poisson_change(35, 69, phi).p) for phi in (1.0, 1.2, 1.6, 3.0)]
    assert ps == sorted(ps)
    widths = [
        (lambda r: r.high - r.low)(stats.quasi_poisson_change(35, 69, phi)) for phi in (1.0, 3.0)
    ]
    assert widths[0] < widths[1]


def test_unequal_periods_compare_rates_per_month():
    # 20 events in 2 months against 30 in 3: the same rate.
    result = stats.quasi_poisson_change(20, 30, 1.0, exposure_now=2, exposure_before=3)
    assert result.rate_ratio == pytest.approx(1.0)
    assert result.p == pytest.approx(1.0)


def test_arrays_keep_missing_areas_missing():
    result = stats.quasi_poisson_change(np.array([35.0, np.nan, 0.0]),
                                        np.array([69.0, 10.0, 0.0]), 1.2)  # fmt: skip
    assert np.isfinite(result.p[0])
    assert np.isnan(result.p[1])
    assert result.p[2] == 1.0
    assert np.isnan(result.rate_ratio[2])
    with pytest.raises(ValueError, match="at least 1"):
        stats.quasi_poisson_change(3, 4, 0.5)


@pytest.mark.parametrize(
    ("ratio", "low", "high", "words"),
    [
        (0.5072, 0.3116, 0.8093, "down 49%, 95% interval 19% to 69% down"),
        (1.30, 1.10, 1.55, "up 30%, 95% interval 10% to 55% up"),
        (0.90, 0.70, 1.15, "down 10%, 95% interval 30% down to 15% up"),
        (0.0, 0.0, 0.4, "down 100%, 95% interval 60% to 100% down"),
        (np.inf, 2.0, np.inf, ""),
        (np.nan, np.nan, np.nan, ""),
    ],
)
def test_rate_ratio_words(ratio, low, high, words):
    assert stats.rate_ratio_words(ratio, low, high) == words


def test_one_areas_own_words_carry_its_interval_and_p():
    assert (
        stats.own_change_words(
            "down 49%, a statistically significant fall",
            "down 49%, 95% interval 19% to 69% down",
            0.0034,
        )
        == "down 49%, a statistically significant fall (95% interval 19% to 69% down; p = 0.003)"
    )
    assert stats.p_text(0.0004) == "p < 0.001"
    assert stats.p_text(0.21) == "p = 0.21"
    assert stats.own_change_words("no change", "", float("nan")) == "no change"


# --- the change columns of a view ---------------------------------------------------


def test_a_ward_that_halves_is_judged_on_its_own_test_and_a_ranking_on_q():
    # One ward halves (69 to 35) among 679 wards that barely move: its own p is small,
    # but among 679 tests its q-value is not, so the map says "not significant" and
    # its own panel says "a statistically significant fall".
    steady = rng.poisson(30, size=678)
    now = np.concatenate([[35], steady])
    before = np.concatenate([[69], rng.poisson(30, size=678)])
    columns = change.change_columns(now, before, 1.2)
    ward = columns.iloc[0]
    own = stats.quasi_poisson_change(35, 69, 1.2)
    assert ward["p_value"] == pytest.approx(own.p)
    assert ward["p_value"] < 0.01
    assert ward["q_value"] == pytest.approx(stats.benjamini_hochberg(columns["p_value"])[0])
    assert ward["q_value"] > 0.05
    assert ward["verdict_own"] == "down 49%, a statistically significant fall"
    assert ward["verdict"] == "down 49%, not a statistically significant change"
    assert ward["rate_ratio_words"].startswith("down 49%, 95% interval ")
    assert ward["dispersion"] == 1.2


def test_areas_without_a_previous_figure_have_no_test_and_low_counts_no_interval_words():
    columns = change.change_columns([12, 3, 40], [np.nan, 1, 35], 1.0)
    assert np.isnan(columns.loc[0, "p_value"])
    assert columns.loc[0, "verdict"] == columns.loc[0, "verdict_own"] == ""
    assert columns.loc[1, "verdict_own"].startswith("up 200%")
    assert columns.loc[1, "rate_ratio_words"] == ""  # 3 against 1: unreliable
    assert columns.loc[2, "rate_ratio_words"].startswith("up 14%, 95% interval ")


# --- which months give the dispersion -------------------------------------------------


def series_from(first: str, months: int) -> Series:
    index = pd.date_range(first, periods=months, freq="MS")
    return Series(pd.Index(["A"]), index, np.ones((1, months)))


def test_a_rolling_year_takes_its_dispersion_from_itself_and_the_year_before():
    series = series_from("2022-03-01", 48)
    period = resolve("r12", pd.Timestamp("2026-02-01"))
    later, earlier = change.dispersion_window(series, period)
    assert (later.start, later.end) == (pd.Timestamp("2025-03-01"), pd.Timestamp("2026-02-01"))
    assert (earlier.start, earlier.end) == (pd.Timestamp("2024-03-01"),
                                            pd.Timestamp("2025-02-01"))  # fmt: skip


def test_a_single_month_borrows_the_two_years_that_end_with_it():
    series = series_from("2022-03-01", 48)
    later, earlier = change.dispersion_window(series, resolve("m", pd.Timestamp("2026-02-01")))
    assert (later.start, later.end) == (pd.Timestamp("2025-03-01"), pd.Timestamp("2026-02-01"))
    assert earlier.start == pd.Timestamp("2024-03-01")
    # Too early for that: the first two years of the series.
    later, earlier = change.dispersion_window(series, resolve("2023-05", pd.Timestamp("2026-02")))
    assert (earlier.start, later.end) == (pd.Timestamp("2022-03-01"), pd.Timestamp("2024-02-01"))


def test_a_short_series_uses_the_period_itself_or_nothing():
    series = series_from("2025-01-01", 6)
    period = resolve("2025-04..2025-06", pd.Timestamp("2025-06-01"))
    later, earlier = change.dispersion_window(series, period)
    assert (later.start, earlier.start) == (pd.Timestamp("2025-04-01"), pd.Timestamp("2025-01-01"))
    assert change.dispersion_window(series_from("2025-05-01", 2), period) is None


def test_the_dispersion_sentence_says_what_it_is_and_where_it_came_from():
    series = series_from("2022-03-01", 48)
    later, earlier = change.dispersion_window(series, resolve("r12", pd.Timestamp("2026-02")))
    words = change.LevelDispersion(stats.Dispersion(1.22, 1.22, 6318, 673), later, earlier)
    text = words.words("wards")
    assert text.startswith("Monthly counts in wards vary about 1.22 times as much as chance")
    assert "12 months to February 2026 against the same months a year earlier" in text
    floored = change.LevelDispersion(stats.Dispersion(1.0, 0.9, 11, 1), later, earlier)
    assert "no more than chance" in floored.words("London")
    assert "too few months" in change.LevelDispersion(stats.POISSON, None, None).words("wards")


# --- change set against the rest of London -----------------------------------------------


# The 2 x 2 model is saturated: statsmodels warns that it fits perfectly, as it must.
@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:Perfect separation")
def test_change_against_london_is_the_interaction_of_a_quasi_poisson_glm():
    # The 2 x 2 table (area, rest of London) x (before, now), each count with its own
    # dispersion through statsmodels' variance weights: the interaction is the log of
    # the ratio of rate ratios.
    counts = np.array([120.0, 90.0, 16_000.0, 13_500.0])  # area before, now; rest ...
    phis = np.array([1.6, 1.6, 5.0, 5.0])
    design = pd.DataFrame({"const": 1.0, "area": [1.0, 1.0, 0.0, 0.0],
                           "now": [0.0, 1.0, 0.0, 1.0]})  # fmt: skip
    design["both"] = design["area"] * design["now"]
    fit = sm.GLM(counts, design, family=sm.families.Poisson(), var_weights=1 / phis).fit(scale=1)
    result = stats.relative_change(90, 120, 13_500, 16_000, 1.6, 5.0)
    assert result.rate_ratio == pytest.approx(np.exp(fit.params["both"]))
    assert (result.low, result.high) == pytest.approx(tuple(np.exp(fit.conf_int().loc["both"])))
    assert result.p == pytest.approx(fit.pvalues["both"])


def test_change_against_london_needs_every_count():
    result = stats.relative_change(np.array([0.0, 10.0]), np.array([5.0, 10.0]), 100, 100)
    assert np.isnan(result.rate_ratio[0])
    assert result.rate_ratio[1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("ratio", "low", "high", "words"),
    [
        (0.98, 0.80, 1.20, "in line with the rest of London's trend (95% interval 20% lower "
                           "to 20% higher)"),
        (1.27, 1.09, 1.48, "27% higher than the rest of London's trend would give, 95% "
                           "interval 9% to 48% higher"),
        (0.70, 0.55, 0.90, "30% lower than the rest of London's trend would give, 95% "
                           "interval 10% to 45% lower"),
        (np.nan, np.nan, np.nan, ""),
    ],
)  # fmt: skip
def test_words_against_london(ratio, low, high, words):
    assert change.relative_words(ratio, low, high) == words
