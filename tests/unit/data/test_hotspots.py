"""The hot-spot rules on series made by hand, and against independent computations
(esda's Empirical Bayes, pymannkendall's seasonal test, formulas written out here)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from data import hotspots as rules


def months(*pattern: int) -> np.ndarray:
    return np.array([pattern], dtype=float)


# -- separate years -------------------------------------------------------------------


def test_separate_years_end_in_the_latest_month_and_do_not_overlap():
    counts = np.arange(1, 41, dtype=float)[None, :]  # 40 months: 1, 2, ..., 40
    assert rules.separate_years(40) == 3
    totals = rules.year_totals(counts, 3)
    # Months 5-16, 17-28, 29-40; the first 4 months are in no year.
    assert totals.tolist() == [[sum(range(5, 17)), sum(range(17, 29)), sum(range(29, 41))]]
    assert rules.separate_years(24) == 2
    assert rules.separate_years(23) == 1
    with pytest.raises(ValueError, match="36 months"):
        rules.year_totals(counts[:, :30], 3)


# -- top share and ties -----------------------------------------------------------------


def test_the_top_ten_percent_of_twenty_areas_is_two():
    values = np.arange(20, dtype=float)
    assert np.flatnonzero(rules.top_share(values, 0.10)).tolist() == [18, 19]
    assert rules.top_count(20, 0.10) == 2
    assert rules.top_count(679, 0.05) == 33  # 33.95 rounded down
    assert rules.top_count(4988, 0.10) == 498
    assert rules.top_count(5, 0.10) == 1  # never none


def test_ties_at_the_cut_are_all_left_out():
    # Cap 2: area 0 (10) is in; the two 9s would make three, so neither is in.
    values = np.array([10, 9, 9, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    assert np.flatnonzero(rules.top_share(values, 0.10)).tolist() == [0]
    # Whatever the order, the same answer for tied areas.
    order = np.random.default_rng(1).permutation(20)
    shuffled = rules.top_share(values[order], 0.10)
    assert np.flatnonzero(shuffled).tolist() == [int(np.flatnonzero(order == 0)[0])]
    # Two tied at the top fit the cap of 2: both in.
    assert rules.top_share(np.array([7, 7] + [1] * 18, dtype=float), 0.10).sum() == 2


def test_top_share_against_a_count_written_out():
    rng = np.random.default_rng(5)
    values = rng.poisson(3, 200).astype(float)
    cap = math.floor(0.05 * 200)
    expected = [v > 0 and sum(w >= v for w in values) <= cap for v in values]
    assert rules.top_share(values, 0.05).tolist() == expected
    assert rules.top_share(values, 0.05).sum() <= cap


def test_zero_is_never_top_and_no_data_is_not_compared():
    values = np.zeros(30)
    values[0] = 0.5
    values[1] = np.nan
    assert np.flatnonzero(rules.top_share(values, 0.10)).tolist() == [0]


def test_persistent_means_top_in_every_separate_year():
    # Ten areas, three years, top 10% = one area a year.
    years = np.array(
        [
            [9, 9, 9],  # top every year: persistent
            [8, 10, 1],  # top once
            [1, 1, 10],  # top once
            *([[1, 1, 1]] * 7),
        ],
        dtype=float,
    )
    assert rules.persistent(years, 0.10).tolist() == [False] * 10
    years[0] = [12, 12, 12]
    assert np.flatnonzero(rules.persistent(years, 0.10)).tolist() == [0]


# -- concentration ------------------------------------------------------------------------


def test_concentration_by_hand():
    # 100 areas: one with 50 offences, four with 10, five with 2, ninety with 0.1 each (9).
    counts = np.array([50] + [10] * 4 + [2] * 5 + [0.1] * 90)
    total = 50 + 40 + 10 + 9
    table = rules.concentration(counts).set_index("share_of_areas_named")
    assert table.loc[0.01, "areas"] == 1
    assert table.loc[0.01, "share_of_offences"] == pytest.approx(50 / total)
    assert table.loc[0.05, "areas"] == 5
    assert table.loc[0.05, "share_of_offences"] == pytest.approx(90 / total)
    assert table.loc[0.10, "share_of_offences"] == pytest.approx(100 / total)
    assert table.loc[0.10, "share_of_areas"] == pytest.approx(0.10)


def test_lorenz_curve_by_hand():
    curve = rules.lorenz_curve([1, 3, 0, 6])
    assert curve["share_of_areas"].tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert curve["share_of_offences"].tolist() == pytest.approx([0, 0.6, 0.9, 1.0, 1.0])


def test_gini_by_hand_and_against_the_double_sum():
    assert rules.gini([5, 5, 5, 5]) == 0
    # One area has all: sum |x_i - x_j| = 6 (3 pairs, each counted twice), n = 4, mean 1/4.
    assert rules.gini([0, 0, 0, 1]) == pytest.approx(6 / (2 * 16 * 0.25))
    x = np.random.default_rng(2).poisson(4, 57).astype(float)
    double_sum = sum(abs(a - b) for a, b in itertools.product(x, x))
    assert rules.gini(x) == pytest.approx(double_sum / (2 * len(x) ** 2 * x.mean()))


# -- the old rules, for the sensitivity table only -------------------------------------------


def test_old_nine_of_twelve_rule_is_kept_only_as_a_figure():
    nine = months(1, 0, 2, 1, 0, 1, 1, 0, 3, 1, 1, 1)
    eight = months(1, 0, 2, 1, 0, 1, 1, 0, 3, 1, 0, 1)
    assert rules.old_nine_of_twelve(np.vstack([nine, eight])).tolist() == [True, False]
    assert rules.NINE_OF_TWELVE not in rules.CATEGORIES


def test_old_decile_rule_counts_seven_of_twelve_windows():
    rates = np.tile(np.linspace(0.1, 1, 20)[:, None], 12)
    rates[0] = 5  # top in all 12
    rates[1, :7] = 5  # top in 7
    rates[2, :6] = 5  # top in 6
    assert np.flatnonzero(rules.old_decile_rule(rates)).tolist() == [0, 1]


def test_rolling_windows_slide_one_month_at_a_time():
    counts = months(*range(1, 15))  # 14 months
    sums = rules.rolling_sums(counts)
    assert sums[0].tolist() == [sum(range(1, 13)), sum(range(2, 14)), sum(range(3, 15))]
    assert rules.rolling_sums(months(1, 2, 3)).shape == (1, 0)


# -- Empirical Bayes rates -----------------------------------------------------------------------


def test_eb_rates_agree_with_esda_when_rates_vary_more_than_chance():
    from esda.smoothing import Empirical_Bayes

    events = np.array([30, 25, 25, 15, 33, 21, 30, 20, 80, 2])
    population = np.array([100, 100, 110, 90, 100, 90, 110, 90, 120, 95])
    expected = Empirical_Bayes(events, population).r.ravel()
    assert np.allclose(rules.eb_rates(events, population), expected)


def test_eb_rates_by_hand():
    y = np.array([1.0, 24.0])
    n = np.array([50.0, 60.0])
    b = 25 / 110
    r = y / n
    s2 = (50 * (0.02 - b) ** 2 + 60 * (0.4 - b) ** 2) / 110
    a = s2 - b / 55
    assert a > 0
    w = a / (a + b / n)
    assert rules.eb_rates(y, n) == pytest.approx(b + w * (r - b))
    # No more spread than chance: every area gets London's rate.
    assert rules.eb_rates([10, 10, 10], [100, 100, 100]) == pytest.approx([0.1] * 3)
    # A small area moves further than a large one with the same raw rate.
    eb = rules.eb_rates([1, 50, 10, 10], [5, 250, 100, 100])
    assert abs(eb[0] - 0.2) > abs(eb[1] - 0.2)


# -- the seasonal Mann-Kendall test ------------------------------------------------------------


def test_seasonal_mann_kendall_by_hand():
    # Two years; every month of the second is higher than the same month of the first.
    first = np.arange(12, dtype=float)
    x = np.concatenate([first, first + 1])[None, :]
    s, var, z, p = rules.seasonal_mann_kendall(x)
    # Each season: one pair, S_g = +1, Var(S_g) = 2 x 1 x 9 / 18 = 1.
    assert s[0] == 12
    assert var[0] == 12
    assert z[0] == pytest.approx(11 / math.sqrt(12))
    assert p[0] == pytest.approx(2 * stats.norm.sf(11 / math.sqrt(12)))
    # A month equal in both years adds nothing to S or to the variance.
    x[0, 12] = x[0, 0]
    s, var, _z, _p = rules.seasonal_mann_kendall(x)
    assert (s[0], var[0]) == (11, 11)


def test_a_seasonal_pattern_is_not_a_trend():
    # Summer peaks repeated three years: the plain test sees structure, the seasonal none.
    year = np.array([1, 1, 2, 3, 5, 8, 9, 8, 5, 3, 2, 1], dtype=float)
    x = np.tile(year, 3)[None, :]
    s, var, _z, p = rules.seasonal_mann_kendall(x)
    assert s[0] == 0
    assert p[0] == 1
    assert var[0] == 0  # every season is a tie


def test_seasonal_mann_kendall_with_ties_written_out():
    rng = np.random.default_rng(11)
    x = rng.poisson(2, (3, 36)).astype(float)
    s, var, z, _p = rules.seasonal_mann_kendall(x)
    for row in range(3):
        s_ = v_ = 0.0
        for g in range(12):
            season = x[row, g::12]
            m = len(season)
            s_ += sum(np.sign(season[j] - season[i]) for i in range(m) for j in range(i + 1, m))
            _, t = np.unique(season, return_counts=True)
            v_ += (m * (m - 1) * (2 * m + 5) - (t * (t - 1) * (2 * t + 5)).sum()) / 18
        assert s[row] == s_
        assert var[row] == pytest.approx(v_)
        z_ = 0 if s_ == 0 else (s_ - np.sign(s_)) / math.sqrt(v_)
        assert z[row] == pytest.approx(z_)


def test_seasonal_mann_kendall_agrees_with_pymannkendall():
    mk = pytest.importorskip("pymannkendall")
    rng = np.random.default_rng(4)
    trend = np.linspace(0, 3, 36)
    rows = np.vstack(
        [
            rng.poisson(5 + trend),
            rng.poisson(5, 36),
            rng.poisson(3 + trend[::-1]),
            [*rng.poisson(8, 35).tolist(), np.nan],
        ]
    ).astype(float)
    s, var, z, p = rules.seasonal_mann_kendall(rows)
    for i, row in enumerate(rows):
        expected = mk.seasonal_test(row, period=12)
        assert s[i] == expected.s
        assert var[i] == pytest.approx(expected.var_s)
        assert z[i] == pytest.approx(expected.z)
        assert p[i] == pytest.approx(expected.p)


def test_a_seasonal_test_needs_two_years():
    with pytest.raises(ValueError, match="two values in each season"):
        rules.seasonal_mann_kendall(np.ones((1, 20)))


# -- emerging classes and words ---------------------------------------------------------------


def hot_row(pattern: str) -> np.ndarray:
    return np.array([c == "H" for c in pattern])


def cold_row(pattern: str) -> np.ndarray:
    return np.array([c == "C" for c in pattern])


@pytest.mark.parametrize(
    ("pattern", "trend", "expected"),
    [
        ("HHHHHHHHHH", 0, rules.STEADY),
        ("HHHHHHHHHH", 1, rules.INTENSIFYING),
        ("HHHHHHHHHH", -1, rules.DIMINISHING),
        (".HHHHHHHHH", 0, rules.STEADY),  # 90%
        ("..HHHHHHHH", 0, rules.CONSECUTIVE),  # 80%, an unbroken run to the end
        (".........H", 0, rules.NEW),
        ("H.H..H...H", 0, rules.SPORADIC),
        ("C.....HH.H", 0, rules.OSCILLATING),
        ("HHHHHHHHH.", 0, rules.FORMER),
        ("HHHHH.....", 0, rules.FORMER),
        ("HHHH......", 0, rules.NO_PATTERN),
        ("..........", 1, rules.NO_PATTERN),
        ("CCCCCCCCCC", 0, rules.NO_PATTERN),
    ],
)
def test_emerging_classes(pattern, trend, expected):
    result = rules.emerging_classes(
        hot_row(pattern)[None, :], cold_row(pattern)[None, :], np.array([trend])
    )
    assert result[0] == expected


def test_every_class_has_a_meaning_and_no_class_shares_the_persistent_name():
    assert set(rules.CLASS_MEANINGS) == set(rules.CLASSES)
    assert "persistent" not in rules.CLASSES


def test_only_q_below_five_percent_gets_a_level():
    q = np.array([0.001, 0.0099, 0.01, 0.049, 0.05, 0.09, 0.2, np.nan])
    assert rules.confidence(q).tolist() == [99, 99, 95, 95, 0, 0, 0, 0]


def test_reasons_in_words():
    row = {
        "persistent": True,
        "top_years": 3,
        "years": 3,
        "hot": True,
        "cold": False,
        "q": 0.0123,
        "class": rules.STEADY,
        "hot_windows": 24,
        "windows": 24,
    }
    assert rules.reasons(row) == [
        "persistent hot spot: among London's top 10% by count in 3 of the last 3 separate "
        "12-month years",
        "Gi* hot spot in the latest 12 months (q = 0.012)",
        "steady Gi* hot spot (hot in 24 of 24 windows)",
    ]
    row.update(persistent=False, hot=False, cold=True, **{"class": ""})
    assert rules.reasons(row) == ["Gi* cold spot in the latest 12 months (q = 0.012)"]


def test_the_page_says_repeat_victimisation_is_shown_through_places():
    note = rules.REPEAT_VICTIMISATION_NOTE
    assert "no victim identifiers" in note
    assert "places where weapon crime keeps recurring" in note
