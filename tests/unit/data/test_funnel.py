"""Funnel positions on small hand-made frames, where the right answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import queries, stats
from data.funnel import (
    ABOVE_95,
    ABOVE_998,
    BELOW_95,
    BELOW_998,
    WITHIN,
    funnel_curve,
    funnel_of,
    funnel_positions,
    overdispersion_words,
    pooled_rate,
    rate_decimals,
)

LONDON = 1.5  # per 1,000 residents


def test_a_tiny_area_with_a_high_rate_is_inside_and_a_big_area_with_a_modest_rise_is_not():
    # 3 offences among 1,000 residents is twice London's rate, but an expected count of
    # 1.5 makes 3 unremarkable; 360 among 200,000 is only 20% above London's, but the
    # expected 300 makes 360 very unlikely (z about 3.5).
    rates = np.array([3.0, 1.8])
    populations = np.array([1_000, 200_000])
    assert list(funnel_positions(rates, populations, LONDON)) == [WITHIN, ABOVE_998]
    assert rates[0] / LONDON > rates[1] / LONDON  # the tiny area's rate is the higher


def test_each_position_class_is_assigned_against_the_limits_at_the_areas_population():
    population = 100_000.0
    limits = stats.funnel_limits(LONDON, [population])
    low998, high998 = (float(v[0]) for v in limits[0.998])
    low95, high95 = (float(v[0]) for v in limits[0.95])
    assert low998 < low95 < LONDON < high95 < high998
    rates = np.array(
        [
            high998 + 0.01,
            (high95 + high998) / 2,
            LONDON,
            (low998 + low95) / 2,
            low998 - 0.01,
        ]
    )
    positions = funnel_positions(rates, np.full(5, population), LONDON)
    assert list(positions) == [ABOVE_998, ABOVE_95, WITHIN, BELOW_95, BELOW_998]


def test_an_area_exactly_on_a_limit_is_within_it():
    population = 50_000.0
    high95 = float(stats.funnel_limits(LONDON, [population])[0.95][1][0])
    assert funnel_positions([high95], [population], LONDON)[0] == WITHIN


def test_areas_without_a_population_or_a_rate_get_no_position():
    positions = funnel_positions([2.0, np.nan, 2.0], [np.nan, 10_000, 0], LONDON)
    assert list(positions) == ["", "", ""]


def test_the_centre_line_is_the_pooled_rate_of_the_areas():
    assert pooled_rate([10, 30], [10_000, 10_000]) == pytest.approx(2.0)
    # An area with no population adds nothing to either side.
    assert pooled_rate([10, 30, 5], [10_000, 10_000, np.nan]) == pytest.approx(2.0)


def test_the_limits_narrow_as_populations_grow():
    curve = funnel_curve(LONDON, 2_000, 300_000)
    assert curve["population"].is_monotonic_increasing
    width_small = curve["upper_998"].iloc[0] - curve["lower_998"].iloc[0]
    width_big = curve["upper_998"].iloc[-1] - curve["lower_998"].iloc[-1]
    assert width_big < width_small / 5
    assert (curve["upper_998"] >= curve["upper_95"]).all()
    assert (curve["lower_998"] <= curve["lower_95"]).all()
    assert curve["population"].iloc[0] < 2_000
    assert curve["population"].iloc[-1] > 300_000


def _view(rows: list[dict]) -> pd.DataFrame:
    """A frame shaped like `queries.map_values(...).frame`."""
    frame = pd.DataFrame(rows)
    frame["rate"] = frame["count"] / frame["population"] * 1000
    frame["young_rate"] = frame["count"] / frame["population_0_24"] * 1000
    frame["low_count"] = frame["count"] < stats.LOW_COUNT
    frame["parent_code"] = "P"
    frame["caveat"] = np.nan
    return frame


def test_a_funnel_leaves_out_areas_that_are_not_covered():
    frame = _view(
        [
            {"code": "A", "name": "Tiny", "count": 3, "population": 1_000,
             "population_0_24": 300, "status": queries.OK},
            {"code": "B", "name": "Big", "count": 360, "population": 200_000,
             "population_0_24": 60_000, "status": queries.OK},
            {"code": "C", "name": "City", "count": np.nan, "population": 8_000,
             "population_0_24": 1_000, "status": queries.NOT_COVERED},
        ]
    )  # fmt: skip
    funnel = funnel_of(frame, young=False)
    assert list(funnel.points["code"]) == ["A", "B"]
    assert funnel.london_rate == pytest.approx(363 / 201_000 * 1000)
    assert not funnel.young


def test_young_measures_sit_on_the_funnel_of_residents_aged_0_to_24():
    frame = _view(
        [
            {"code": "A", "name": "A", "count": 20, "population": 10_000,
             "population_0_24": 2_000, "status": queries.OK},
            {"code": "B", "name": "B", "count": 20, "population": 10_000,
             "population_0_24": 4_000, "status": queries.OK},
        ]
    )  # fmt: skip
    funnel = funnel_of(frame, young=True)
    assert list(funnel.points["population"]) == [2_000, 4_000]
    assert list(funnel.points["rate"]) == pytest.approx([10.0, 5.0])
    assert funnel.london_rate == pytest.approx(40 / 6_000 * 1000)
    # Against all residents the two would be identical, and so on the same spot.
    plain = funnel_of(frame, young=False)
    assert plain.points["rate"].nunique() == 1


def test_a_funnel_of_nothing_is_none():
    frame = _view(
        [{"code": "C", "name": "City", "count": np.nan, "population": 8_000,
          "population_0_24": 1_000, "status": queries.NOT_COVERED}]
    )  # fmt: skip
    assert funnel_of(frame, young=False) is None


@pytest.mark.parametrize(("largest", "decimals"), [(17.5, 2), (1.0, 2), (0.5, 3), (0.02, 4)])
def test_rates_keep_enough_decimals_to_be_told_apart(largest, decimals):
    assert rate_decimals(largest) == decimals


def _wards(rates: np.ndarray, populations: np.ndarray) -> pd.DataFrame:
    counts = np.round(rates * populations / 1000)
    return _view(
        [
            {"code": f"W{i}", "name": f"Ward {i}", "count": c, "population": p,
             "population_0_24": p / 3, "status": queries.OK}
            for i, (c, p) in enumerate(zip(counts, populations, strict=True))
        ]
    )  # fmt: skip


def test_the_verdict_allows_for_the_usual_differences_between_areas():
    # 200 wards whose underlying rates differ (sd 0.6 per 1,000) and one far above.
    rng = np.random.default_rng(7)
    populations = rng.integers(6_000, 20_000, size=201).astype(float)
    rates = np.clip(rng.normal(1.5, 0.6, size=201), 0.1, None)
    rates[0] = 9.0
    funnel = funnel_of(_wards(rates, populations), young=False)
    spread = funnel.overdispersion
    assert spread.phi > 1.5
    assert spread.tau2 > 0
    points = funnel.points.set_index("code")
    # Many wards are outside limits for chance alone; few outside the adjusted ones.
    assert funnel.outside(poisson=True) > 3 * funnel.outside()
    assert points.loc["W0", "position"] == ABOVE_998
    # Positions are those of the random-effects limits at each ward's population.
    expected = funnel_positions(points["rate"], points["population"], funnel.london_rate,
                                tau2=spread.tau2)  # fmt: skip
    assert list(points["position"]) == list(expected)
    poisson = funnel_positions(points["rate"], points["population"], funnel.london_rate)
    assert list(points["position_poisson"]) == list(poisson)
    assert (points["upper_998"] >= points["upper_998_poisson"]).all()
    assert (funnel.curve["upper_998"] >= funnel.curve["upper_998_poisson"]).all()
    # The z-score is against London's rate with the Poisson standard error.
    z = (points["rate"] - funnel.london_rate) / np.sqrt(funnel.london_rate * 1000
                                                         / points["population"])  # fmt: skip
    assert np.allclose(points["z"], z)


def test_areas_that_differ_only_by_chance_keep_the_poisson_limits():
    rng = np.random.default_rng(8)
    populations = rng.integers(6_000, 20_000, size=300).astype(float)
    counts = rng.poisson(1.5 * populations / 1000).astype(float)
    funnel = funnel_of(_wards(counts / populations * 1000, populations), young=False)
    assert funnel.overdispersion.tau2 == 0
    assert (funnel.points["position"] == funnel.points["position_poisson"]).all()
    assert "no more than chance alone" in overdispersion_words(funnel, "wards")


def test_the_overdispersion_sentence_states_phi_tau_and_both_counts_outside():
    rng = np.random.default_rng(9)
    populations = rng.integers(6_000, 20_000, size=100).astype(float)
    rates = np.clip(rng.normal(1.5, 0.7, size=100), 0.1, None)
    funnel = funnel_of(_wards(rates, populations), young=False)
    text = overdispersion_words(funnel, "wards")
    assert f"differ {funnel.overdispersion.phi:,.2f} times as much as chance" in text
    assert f"about {funnel.overdispersion.tau:,.2f} per 1,000" in text
    assert f"{funnel.outside(poisson=True):,} of the 100 would be outside" in text
