"""The change test, false-discovery correction, Poisson limits and verdict wording,
checked against scipy, hand-worked values and properties that must always hold."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from data import stats

counts = st.integers(min_value=0, max_value=400)
exposures = st.floats(min_value=0.05, max_value=20, allow_nan=False)
pvalue = st.floats(min_value=0, max_value=1, allow_nan=False)


# --- poisson_change_test -------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "before", "e_now", "e_before", "expected"),
    [
        # All five events in one period: 2 x 0.5^5.
        (0, 5, 1.0, 1.0, 0.0625),
        (5, 0, 1.0, 1.0, 0.0625),
        (3, 0, 1.0, 1.0, 0.25),
        (1, 1, 1.0, 1.0, 1.0),
        # Three times the exposure now, yet none of 2 events now: P(X=0) = 0.25^2, and no
        # other outcome is as unlikely (P(1) = 0.375, P(2) = 0.5625).
        (0, 2, 3.0, 1.0, 0.0625),
    ],
)
def test_change_test_hand_worked_values(now, before, e_now, e_before, expected):
    assert stats.poisson_change_test(now, before, e_now, e_before) == pytest.approx(expected)


def test_no_events_in_either_period_is_no_evidence_of_change():
    assert stats.poisson_change_test(0, 0) == 1.0


@given(now=counts, before=counts, e_now=exposures, e_before=exposures)
def test_change_test_is_scipys_conditional_binomial_test(now, before, e_now, e_before):
    p = stats.poisson_change_test(now, before, e_now, e_before)
    if now + before == 0:
        assert p == 1.0
    else:
        share = e_now / (e_now + e_before)
        assert p == pytest.approx(sps.binomtest(now, now + before, share).pvalue, abs=1e-12)


@given(now=counts, before=counts, e_now=exposures, e_before=exposures)
def test_change_test_p_is_a_probability_and_symmetric(now, before, e_now, e_before):
    p = stats.poisson_change_test(now, before, e_now, e_before)
    assert 0 <= p <= 1
    swapped = stats.poisson_change_test(before, now, e_before, e_now)
    assert swapped == pytest.approx(p, rel=1e-9, abs=1e-12)


@given(n=st.integers(min_value=0, max_value=500))
def test_equal_counts_over_equal_periods_is_p_one(n):
    assert stats.poisson_change_test(n, n) == pytest.approx(1.0)


def test_a_doubling_of_large_counts_is_significant_and_of_small_counts_is_not():
    assert stats.poisson_change_test(200, 100) < 0.001
    assert stats.poisson_change_test(4, 2) > 0.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 3), "negative"),
        ((2.5, 3), "whole number"),
        ((2, 3, 0.0, 1.0), "positive"),
        ((2, 3, 1.0, float("nan")), "positive"),
    ],
)
def test_change_test_refuses_impossible_inputs(args, message):
    with pytest.raises(ValueError, match=message):
        stats.poisson_change_test(*args)


# --- benjamini_hochberg --------------------------------------------------------------


def test_bh_hand_worked_example():
    # Sorted: 0.005, 0.01, 0.03, 0.04 -> x4/1, x4/2, x4/3, x4/4 = 0.02, 0.02, 0.04, 0.04.
    q = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(q, [0.02, 0.04, 0.04, 0.02])


def test_bh_caps_at_one_and_lets_nan_through():
    q = stats.benjamini_hochberg([0.9, np.nan, 0.8, 1.0])
    assert np.isnan(q[1])
    # Three tests, not four: the untested area does not dilute the others.
    np.testing.assert_allclose(q[[0, 2, 3]], [1.0, 1.0, 1.0])
    assert stats.benjamini_hochberg([np.nan, np.nan]).shape == (2,)
    assert np.isnan(stats.benjamini_hochberg([np.nan])).all()


def test_bh_refuses_values_that_are_not_p_values():
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.benjamini_hochberg([0.2, 1.5])


@given(st.lists(pvalue, min_size=1, max_size=60))
def test_bh_matches_scipy_and_keeps_its_properties(ps):
    p = np.array(ps)
    q = stats.benjamini_hochberg(p)
    np.testing.assert_allclose(q, sps.false_discovery_control(p, method="bh"), rtol=1e-12)
    assert np.all(q >= p - 1e-15)
    assert np.all(q <= 1)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(q[order]) >= -1e-15)


# --- poisson_interval ----------------------------------------------------------------


def test_poisson_interval_matches_the_published_exact_limits():
    # Garwood (1936) limits, as tabulated e.g. by the ONS and PHE: 0 -> (0, 3.689),
    # 10 -> (4.795, 18.390).
    assert stats.poisson_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert stats.poisson_interval(10) == pytest.approx((4.7954, 18.3904), abs=1e-4)
    low, high = stats.poisson_interval([0, 10])
    np.testing.assert_allclose(low, [0.0, 4.7954], atol=1e-4)
    np.testing.assert_allclose(high, [3.6889, 18.3904], atol=1e-4)


@given(k=st.integers(min_value=0, max_value=5000), level=st.sampled_from([0.9, 0.95, 0.998]))
def test_poisson_interval_is_exact(k, level):
    low, high = stats.poisson_interval(k, level)
    tail = (1 - level) / 2
    assert low <= k <= high
    # The upper limit is the mean under which seeing k or fewer has probability tail,
    # the lower the mean under which seeing k or more has probability tail.
    assert sps.poisson.cdf(k, high) == pytest.approx(tail, rel=1e-6)
    if k > 0:
        assert sps.poisson.sf(k - 1, low) == pytest.approx(tail, rel=1e-6)


def test_a_wider_level_gives_a_wider_interval():
    narrow = stats.poisson_interval(np.arange(50), 0.95)
    wide = stats.poisson_interval(np.arange(50), 0.998)
    assert np.all(wide[0] <= narrow[0])
    assert np.all(wide[1] > narrow[1])


# --- funnel_limits -------------------------------------------------------------------

rates = st.floats(min_value=0.5, max_value=50)
populations = st.floats(min_value=100, max_value=2e6)


@given(rate=rates, pops=st.lists(populations, min_size=1, max_size=20))
def test_funnel_95_limits_lie_inside_the_998_limits_around_london(rate, pops):
    limits = stats.funnel_limits(rate, pops)
    low95, high95 = limits[0.95]
    low998, high998 = limits[0.998]
    assert np.all(low998 <= low95 + 1e-12)
    assert np.all(low95 <= rate + 1e-9)
    assert np.all(high95 >= rate - 1e-9)
    assert np.all(high95 <= high998 + 1e-12)


@given(rate=rates, pop=populations)
def test_funnel_limits_widen_as_population_shrinks(rate, pop):
    # Halving the population: the interpolated limits are smooth but not strictly
    # monotone over tiny steps, so the property is checked on a halving, where the
    # expected count is at least 0.05 (always true for a ward over a month or more).
    expected_small = rate * pop / 2 / 1000
    assume(expected_small >= 0.05)
    for low, high in stats.funnel_limits(rate, [pop / 2, pop]).values():
        assert low[0] <= low[1] + 1e-12
        assert high[1] <= high[0] + 1e-12


def test_funnel_limits_narrow_towards_london_for_large_populations():
    low, high = stats.funnel_limits(2.0, [5_000_000.0])[0.95]
    # Expected 10,000 events: close to the normal approximation rate +- 1.96 sd.
    sd = 2.0 / math.sqrt(10_000)
    assert low[0] == pytest.approx(2.0 - 1.96 * sd, rel=1e-3)
    assert high[0] == pytest.approx(2.0 + 1.96 * sd, rel=1e-3)


@given(rate=rates, pop=populations, level=st.sampled_from([0.95, 0.998]))
def test_uninterpolated_limits_are_exact_poisson_quantiles(rate, pop, level):
    low, high = stats.funnel_limits(rate, [pop], levels=(level,), interpolate=False)[level]
    expected = rate * pop / 1000
    upper = high[0] * pop / 1000
    lower = low[0] * pop / 1000
    tail = (1 - level) / 2
    assert upper == pytest.approx(round(upper), abs=1e-6)
    assert sps.poisson.cdf(round(upper), expected) >= 1 - tail
    assert round(upper) == 0 or sps.poisson.cdf(round(upper) - 1, expected) < 1 - tail
    assert sps.poisson.cdf(round(lower), expected) >= tail


@given(rate=rates, pop=populations)
def test_interpolated_limits_lie_within_one_event_of_the_exact_quantiles(rate, pop):
    smooth = stats.funnel_limits(rate, [pop])[0.95]
    steps = stats.funnel_limits(rate, [pop], interpolate=False)[0.95]
    for a, b in zip(smooth, steps, strict=True):
        assert b[0] - 1000 / pop - 1e-9 <= a[0] <= b[0] + 1e-9


def test_interpolated_limit_hand_worked_for_one_expected_event():
    # Expected 1 event: F(2) = 2.5/e = 0.9197 < 0.975 <= F(3) = (8/3)/e = 0.9810, so the
    # limit is 3 - (F(3) - 0.975) / (F(3) - F(2)) = 2.9019 events.
    f2, f3 = 2.5 / math.e, (8 / 3) / math.e
    expected = 3 - (f3 - 0.975) / (f3 - f2)
    low, high = stats.funnel_limits(1.0, [1000.0])[0.95]
    assert high[0] == pytest.approx(expected, rel=1e-9)
    assert high[0] == pytest.approx(2.9019, abs=1e-4)
    assert low[0] == 0.0


@given(rate=rates, pop=populations)
def test_interpolated_limits_change_smoothly_with_population(rate, pop):
    # Plain quantiles jump by a whole event; interpolated ones move a little when the
    # expected count moves by a thousandth of an event.
    pops = np.array([pop, pop + 1.0 / rate])
    for limit in stats.funnel_limits(rate, pops)[0.95]:
        events = limit * pops / 1000
        assert abs(events[1] - events[0]) < 0.05


def test_funnel_limits_are_per_the_requested_base():
    per_1000 = stats.funnel_limits(3.0, [20_000.0])[0.95]
    per_100k = stats.funnel_limits(300.0, [20_000.0], per=100_000)[0.95]
    np.testing.assert_allclose(per_100k[1], per_1000[1] * 100)


def test_funnel_limits_refuse_impossible_populations():
    with pytest.raises(ValueError, match="populations"):
        stats.funnel_limits(3.0, [1000, 0])


# --- change_verdict and low counts ---------------------------------------------------


@pytest.mark.parametrize(
    ("now", "before", "q", "words"),
    [
        (106, 100, 0.6, "up 6%, not a statistically significant change"),
        (77, 100, 0.01, "down 23%, a statistically significant fall"),
        (150, 100, 0.001, "up 50%, a statistically significant rise"),
        (40, 40, 1.0, "no change"),
        (0, 0, 1.0, "no change"),
        (1001, 1000, 0.9, "up less than 1%, not a statistically significant change"),
        (3, 1000, 0.0, "down more than 99%, a statistically significant fall"),
        (0, 12, 0.0005, "down 100%, a statistically significant fall"),
        (2600, 200, 0.0, "up 1,200%, a statistically significant rise"),
        (7, 0, 0.02, "up from 0 to 7, a statistically significant rise"),
        (2, 0, 0.5, "up from 0 to 2, not a statistically significant change"),
        (80, 100, float("nan"), "down 20%, not a statistically significant change"),
    ],
)
def test_change_verdict_words(now, before, q, words):
    assert stats.change_verdict(now, before, q) == words


def test_the_verdict_threshold_is_alpha():
    assert "not" in stats.change_verdict(130, 100, 0.03, alpha=0.01)
    assert "not" not in stats.change_verdict(130, 100, 0.03, alpha=0.05)


@given(now=counts, before=counts)
def test_verdict_direction_follows_the_counts_and_never_prints_infinity(now, before):
    words = stats.change_verdict(now, before, stats.poisson_change_test(now, before))
    assert "inf" not in words
    assert "nan" not in words
    if now > before:
        assert words.startswith("up")
    elif now < before:
        assert words.startswith("down")
    else:
        assert words == "no change"


def test_low_counts_are_fewer_than_ten_events():
    assert stats.LOW_COUNT == 10
    assert stats.is_low_count(9)
    assert not stats.is_low_count(10)
    assert stats.is_low_count(0)


@settings(max_examples=50)
@given(now=st.integers(0, 30), before=st.integers(0, 30))
def test_a_fall_judged_significant_after_bh_is_significant_before_it(now, before):
    p = stats.poisson_change_test(now, before)
    q = stats.benjamini_hochberg([p, 0.5, 0.9])[0]
    if "significant fall" in stats.change_verdict(now, before, q):
        assert "significant fall" in stats.change_verdict(now, before, p)


# -- binomial intervals and the Mann-Kendall trend test ------------------------------


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (1, 1), (340, 1000)])
def test_binomial_interval_is_clopper_pearson(k, n):
    expected = sps.binomtest(k, n).proportion_ci(0.95, method="exact")
    low, high = stats.binomial_interval(k, n)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


def test_binomial_interval_refuses_impossible_counts():
    with pytest.raises(ValueError, match="exceed"):
        stats.binomial_interval(5, 4)
    low, high = stats.binomial_interval(np.array([0]), np.array([0]))
    assert np.isnan(low[0])
    assert np.isnan(high[0])


def test_mann_kendall_agrees_with_kendalls_tau():
    rng = np.random.default_rng(5)
    rows = np.vstack(
        [
            rng.poisson(3, 30),  # many ties
            np.arange(30) + rng.normal(0, 5, 30),  # rising
            -np.arange(30.0),  # falling, no ties
            rng.poisson(0.3, 30),  # mostly zeros
        ]
    )
    s, p = stats.mann_kendall(rows)
    t = np.arange(30)
    for row, s_i, p_i in zip(rows, s, p, strict=True):
        expected = sps.kendalltau(t, row, method="asymptotic")
        assert p_i == pytest.approx(expected.pvalue, rel=1e-9)
        assert np.sign(s_i) == np.sign(expected.statistic)
    assert s[1] > 0
    assert p[1] < 0.001
    assert s[2] < 0


def test_mann_kendall_of_a_flat_series():
    s, p = stats.mann_kendall(np.zeros((1, 12)))
    assert s[0] == 0
    assert p[0] == 1


# --- proportions: Wilson limits and the two-proportion test ---------------------------

sample_sizes = st.integers(min_value=1, max_value=20_000)


@given(n=sample_sizes, data=st.data(), level=st.sampled_from([0.8, 0.95, 0.998]))
def test_wilson_limits_match_scipy(n, data, level):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = stats.proportion_interval(k / n, n, level)
    expected = sps.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)


def test_wilson_limits_for_a_borough_figure_of_the_survey():
    # 56% of an assumed 400 interviews: about 51% to 61%, inside 0-1 at the ends too.
    low, high = stats.proportion_interval(0.56, 400)
    assert (round(low, 3), round(high, 3)) == (0.511, 0.608)
    assert stats.proportion_interval(0.0, 400)[0] == 0.0
    assert stats.proportion_interval(1.0, 400)[1] == 1.0


def test_proportion_limits_work_on_arrays_and_keep_nan():
    low, high = stats.proportion_interval(np.array([0.5, np.nan]), np.array([100, 400]))
    assert low[0] < 0.5 < high[0]
    assert np.isnan(low[1])
    assert np.isnan(high[1])
    narrow = stats.proportion_interval(0.5, 12_800)
    wide = stats.proportion_interval(0.5, 400)
    assert wide[1] - wide[0] > narrow[1] - narrow[0]


@pytest.mark.parametrize(
    ("p", "n", "message"),
    [(1.2, 400, "between 0 and 1"), (-0.1, 400, "between 0 and 1"), (0.5, 0, "positive")],
)
def test_impossible_proportions_are_refused(p, n, message):
    with pytest.raises(ValueError, match=message):
        stats.proportion_interval(p, n)


@given(
    n1=st.integers(min_value=5, max_value=5000),
    n2=st.integers(min_value=5, max_value=5000),
    data=st.data(),
)
def test_the_two_proportion_test_is_the_uncorrected_chi_square_test(n1, n2, data):
    k1 = data.draw(st.integers(min_value=0, max_value=n1))
    k2 = data.draw(st.integers(min_value=0, max_value=n2))
    assume(0 < k1 + k2 < n1 + n2)  # chi-square needs both answers somewhere
    p = stats.two_proportion_test(k1 / n1, n1, k2 / n2, n2)
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    expected = sps.chi2_contingency(table, correction=False).pvalue
    assert p == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_the_two_proportion_test_on_two_survey_figures():
    # 46% against 56% of 400 each: z = 2.83, a clear difference; equal figures: p = 1.
    assert stats.two_proportion_test(0.46, 400, 0.56, 400) == pytest.approx(0.00468, abs=1e-4)
    assert stats.two_proportion_test(0.5, 400, 0.5, 400) == 1.0
    assert stats.two_proportion_test(0.0, 400, 0.0, 400) == 1.0
    out = stats.two_proportion_test(np.array([0.4, np.nan]), 400, np.array([0.5, 0.5]), 400)
    assert out[0] < 0.05
    assert np.isnan(out[1])


# --- funnel limits allowing for overdispersion (Spiegelhalter 2005) ------------------

Z998 = 3.090232306167813  # the 99.9th percentile of the normal distribution
Z95 = 1.959963984540054


def spiegelhalter(counts, populations, per=1000.0, tail=0.10):
    """Spiegelhalter's (2005) phi and DerSimonian-Laird tau^2, written out."""
    counts, populations = np.asarray(counts, float), np.asarray(populations, float)
    target = counts.sum() / populations.sum() * per
    s2 = target * per / populations  # Poisson variance of a rate per `per`
    z = (counts / populations * per - target) / np.sqrt(s2)
    low, high = np.percentile(z, [100 * tail, 100 * (1 - tail)])
    z = np.where(z < low, low, np.where(z > high, high, z))
    phi = float(np.sum(z**2) / len(z))
    w = 1 / s2
    tau2 = (len(z) * phi - (len(z) - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w))
    return target, phi, max(tau2, 0.0)


def test_overdispersion_matches_the_formula_written_out():
    rng = np.random.default_rng(3)
    populations = rng.integers(5_000, 25_000, size=200).astype(float)
    # Underlying rates that differ between areas (sd 0.5 per 1,000 about 1.5).
    rates = np.clip(rng.normal(1.5, 0.5, size=200), 0.05, None)
    counts = rng.poisson(rates * populations / 1000)
    target, phi, tau2 = spiegelhalter(counts, populations)
    found = stats.funnel_overdispersion(counts, populations, target)
    assert found.phi == pytest.approx(phi, rel=1e-12)
    assert found.tau2 == pytest.approx(tau2, rel=1e-12)
    assert found.areas == 200
    # The spread it recovers is of the order of the one put in; Winsorising shrinks it
    # (for normally spread rates, to about 0.7 to 0.85 of it), the price of not letting
    # the areas being screened for set the limits.
    assert 0.25 < found.tau < 0.5
    assert found.phi > 2


def test_pure_poisson_areas_show_no_overdispersion():
    rng = np.random.default_rng(11)
    populations = rng.integers(5_000, 25_000, size=600).astype(float)
    counts = rng.poisson(1.5 * populations / 1000)
    target, phi, _ = spiegelhalter(counts, populations)
    found = stats.funnel_overdispersion(counts, populations, target)
    # Winsorising pulls the squared z-scores in, so phi sits a little under 1.
    assert found.phi == pytest.approx(phi)
    assert found.phi < 1
    assert found.tau2 == 0.0


def test_winsorising_pulls_each_tail_in_to_its_percentile():
    values = np.arange(21, dtype=float)  # 0..20: the 10th and 90th percentiles are 2 and 18
    out = stats.winsorised(values)
    assert out.min() == 2.0
    assert out.max() == 18.0
    assert list(out[2:19]) == list(values[2:19])


def test_overdispersed_limits_are_the_random_effects_formula_and_never_inside_poisson():
    populations = np.array([2_000.0, 10_000.0, 300_000.0])
    tau2 = 0.25  # per 1,000 residents, squared
    limits = stats.overdispersed_limits(1.5, populations, tau2)
    poisson = stats.funnel_limits(1.5, populations)
    sd = np.sqrt(1.5 * 1000 / populations + tau2)
    for level, z in ((0.95, Z95), (0.998, Z998)):
        low, high = limits[level]
        assert np.all(high >= poisson[level][1])
        assert np.all(low <= poisson[level][0])
        assert np.all(low >= 0)
        # Where the random-effects limit is the wider, it is the formula itself.
        formula_high = 1.5 + z * sd
        wider = formula_high > poisson[level][1]
        assert high[wider] == pytest.approx(formula_high[wider])
    # With a large population the limits no longer close in on London's rate.
    assert limits[0.998][1][2] == pytest.approx(1.5 + Z998 * np.sqrt(0.005 + 0.25))


def test_with_no_overdispersion_the_limits_are_poissons():
    populations = np.array([3_000.0, 40_000.0])
    limits = stats.overdispersed_limits(1.5, populations, 0.0)
    poisson = stats.funnel_limits(1.5, populations)
    for level in (0.95, 0.998):
        assert np.array_equal(limits[level][0], poisson[level][0])
        assert np.array_equal(limits[level][1], poisson[level][1])


# --- survey figures: design effect and rounding ---------------------------------------


def test_survey_intervals_are_wilson_on_the_effective_sample_over_the_rounding_range():
    from statsmodels.stats.proportion import proportion_confint

    low, high = stats.survey_interval(0.47, 12_800, 1.5, 0.005)
    n = 12_800 / 1.5
    assert low == pytest.approx(proportion_confint(0.465 * n, n, method="wilson")[0])
    assert high == pytest.approx(proportion_confint(0.475 * n, n, method="wilson")[1])
    # Wider than the simple random sample of the published figure on both counts.
    srs = stats.proportion_interval(0.47, 12_800)
    assert low < srs[0]
    assert high > srs[1]
    assert stats.survey_interval(0.47, 12_800, 1.0, 0.0) == pytest.approx(srs)
    assert stats.survey_interval(0.0, 400, 1.5, 0.005)[0] == 0.0


def test_londons_good_job_fall_from_49_to_47_does_not_survive_design_and_rounding():
    from statsmodels.stats.proportion import proportions_ztest

    # As a simple random sample of the published figures it looks significant ...
    naive = stats.two_proportion_test(0.47, 12_800, 0.49, 12_800)
    assert naive < 0.01
    # ... but the figures may have been 47.49% and 48.5%, and each interview counts as
    # 1 / 1.5 of an independent answer.
    p = stats.survey_difference_test(0.47, 12_800, 0.49, 12_800, 1.5, 0.005)
    n = 12_800 / 1.5
    expected = proportions_ztest(np.array([0.475, 0.485]) * n, np.array([n, n]))[1]
    assert p == pytest.approx(expected)
    assert p > 0.05


def test_the_rounding_allowance_is_the_least_favourable_pair_of_true_values():
    # Every pair of unrounded values behind 47% and 52% gives a smaller p than the pair
    # the test uses (a brute-force search of the box of possible values).
    p = stats.survey_difference_test(0.47, 400, 0.52, 400, 1.5, 0.005)
    grid = np.linspace(-0.005, 0.005, 41)
    worst = max(
        float(stats.two_proportion_test(0.47 + a, 400 / 1.5, 0.52 + b, 400 / 1.5))
        for a in grid
        for b in grid
    )
    assert worst <= p + 1e-12
    assert stats.survey_difference_test(0.47, 400, 0.48, 400, 1.5, 0.005) == 1.0


def test_the_rounding_step_is_read_from_the_figures():
    assert stats.published_resolution([0.47, 0.5, 0.61]) == 0.005
    assert stats.published_resolution([0.473, 0.5]) == 0.0005
    assert stats.published_resolution([0.4731]) == 0.0
    assert stats.published_resolution([np.nan]) == 0.0
