"""Map classes: natural breaks equal mapclassify's, ties are never split, and change
classes are centred on zero with thresholds a fall can reach."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import queries
from data.classify import (
    DIVERGING,
    SEQUENTIAL,
    change_classes,
    change_thresholds,
    fisher_jenks_breaks,
    natural_breaks,
)


def _mapclassify_breaks(values: np.ndarray, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "numba not installed, using pure python"
        return mapclassify.FisherJenks(values, k=k).bins


@pytest.mark.parametrize("seed", range(4))
def test_breaks_equal_mapclassify_fisher_jenks(seed):
    values = np.random.default_rng(seed).gamma(2.0, 3.0, size=150)
    np.testing.assert_allclose(fisher_jenks_breaks(values, 5), _mapclassify_breaks(values, 5))


def test_breaks_of_the_real_ward_rates_equal_mapclassify(dataset):
    result = queries.map_values(
        dataset, measure="knife_crime", level="ward", period="r12", value="rate"
    )
    rates = result.frame["value"].dropna().to_numpy()
    assert len(rates) == 679
    np.testing.assert_allclose(fisher_jenks_breaks(rates, 5), _mapclassify_breaks(rates, 5))


def test_breaks_fall_in_the_gaps_between_clusters():
    values = [1, 2, 3, 10, 11, 12, 30, 31, 2, 11]
    assert list(fisher_jenks_breaks(values, 3)) == [3, 12, 31]


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=120),
    st.integers(min_value=1, max_value=7),
)
@settings(max_examples=150, deadline=None)
def test_every_value_has_one_class_and_ties_share_it(values, k):
    c = natural_breaks(values, k)
    v = np.asarray(values, dtype=float)
    assert c.kind == SEQUENTIAL
    assert c.k == min(k, len(set(values)))
    assert (c.index >= 0).all()
    assert sum(m.count for m in c.classes) == len(values)
    for value in set(values):
        assert len(set(c.index[v == value])) == 1  # a tie is never split
    for low, high in zip(c.classes, c.classes[1:], strict=False):
        assert low.largest < high.smallest  # classes are ordered and do not overlap
    for i, m in enumerate(c.classes):
        members = v[c.index == i]
        assert m.smallest == members.min()
        assert m.largest == members.max() == m.upper


def test_missing_values_get_no_class():
    c = natural_breaks([np.nan, 1, 2, 3, np.nan, 10, 20, 30])
    assert list(c.index[[0, 4]]) == [-1, -1]
    assert (c.index[[1, 2, 3, 5, 6, 7]] >= 0).all()
    assert natural_breaks([np.nan, np.nan]).classes == ()


def test_fewer_distinct_values_than_classes_gives_fewer_classes():
    c = natural_breaks([0, 0, 0, 1, 1, 3])
    assert [(m.smallest, m.largest, m.count) for m in c.classes] == [
        (0, 0, 3),
        (1, 1, 2),
        (3, 3, 1),
    ]
    with pytest.raises(ValueError, match="cannot make 5 classes"):
        fisher_jenks_breaks([1, 2, 3], 5)


def test_change_classes_are_centred_on_zero():
    values = np.array([-100, -60, -30, -12, -5, 0, 0, 3, 12, 30, 60, 150, np.nan])
    c = change_classes(values)
    inner, outer = change_thresholds(values)
    assert c.kind == DIVERGING
    assert c.k == 5
    bounds = [(m.lower, m.upper) for m in c.classes]
    assert bounds == [
        (None, -outer),
        (-outer, -inner),
        (-inner, inner),
        (inner, outer),
        (outer, None),
    ]
    assert c.index[list(values).index(0)] == 2
    assert c.index[-1] == -1
    # The boundaries belong to the outer classes: -outer is a big fall, +inner a rise.
    edges = change_classes([-outer, -inner, inner, outer, 0, 1, 2, 3, 50, -50])
    assert list(edges.index[:4]) == [0, 1, 3, 4]


def test_change_thresholds_stay_within_what_a_fall_can_reach():
    # Small ward counts: nearly every change is -100% or +100% or more.
    noisy = np.array([-100] * 50 + [100] * 30 + [200, 300, 400])
    inner, outer = change_thresholds(noisy)
    assert inner < outer <= 50
    assert change_classes(noisy).classes[0].count == 50  # every -100% is a big fall
    steady = np.array([-9, -6, -4, -2, 1, 3, 5, 8, 11, 14])
    assert change_thresholds(steady) == (5.0, 10.0)
