"""Gi* against a direct computation of its formula, against esda, and against the
exact permutation distribution on lattices small enough to enumerate."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from esda.getisord import G_Local
from libpysal.weights import W, lat2W
from scipy import stats

from geo.hotspots import (
    REFINE_BELOW,
    draws_without_replacement,
    fdr_by_window,
    gi_star,
    gi_star_z,
    two_sided_p,
)


def rook_lattice(rows: int, cols: int) -> sp.csr_matrix:
    return lat2W(rows, cols, rook=True).sparse.tocsr()


def direct_gi_star(x: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    """Ord and Getis (1995), written out term by term with loops."""
    n = len(x)
    mean = sum(x) / n
    s = (sum(v * v for v in x) / n - mean**2) ** 0.5
    out = []
    for i in range(n):
        w = [1.0 if (j == i or adjacency[i, j]) else 0.0 for j in range(n)]
        w_sum = sum(w)
        s1 = sum(v * v for v in w)
        numerator = sum(w[j] * x[j] for j in range(n)) - mean * w_sum
        out.append(numerator / (s * ((n * s1 - w_sum**2) / (n - 1)) ** 0.5))
    return np.array(out)


# A 4 x 4 lattice with a clear cluster of high values in one corner.
CORNER = np.array([9, 8, 1, 0, 7, 9, 2, 1, 1, 2, 1, 0, 0, 1, 0, 2], dtype=float)


def test_gi_star_z_matches_the_formula_written_out():
    adjacency = rook_lattice(4, 4)
    expected = direct_gi_star(CORNER, adjacency.toarray())
    assert np.allclose(gi_star_z(CORNER[None, :], adjacency)[0], expected)
    # The high corner is hot, the far corner not.
    assert expected[0] > 2
    assert expected[15] < 0


def test_gi_star_z_matches_esda_binary_star():
    adjacency = rook_lattice(4, 4)
    esda = G_Local(CORNER, lat2W(4, 4, rook=True), transform="B", star=True, permutations=0)
    assert np.allclose(gi_star_z(CORNER[None, :], adjacency)[0], esda.Zs)


def test_windows_are_independent_rows():
    adjacency = rook_lattice(4, 4)
    other = CORNER[::-1].copy()
    both = gi_star_z(np.vstack([CORNER, other]), adjacency)
    assert np.allclose(both[1], direct_gi_star(other, adjacency.toarray()))


def test_a_flat_window_has_no_hot_spot():
    adjacency = rook_lattice(3, 3)
    result = gi_star(np.full((1, 9), 2.0), adjacency, permutations=99, refine=0)
    assert np.all(result.z == 0)
    assert np.all(result.p == 1)
    assert not result.above.any()
    assert not result.below.any()


def exact_two_sided_p(x: np.ndarray, adjacency: np.ndarray, i: int) -> float:
    """The two-sided conditional-permutation p-value by enumerating every draw: twice
    the smaller tail of the exact distribution, at most 1."""
    k = int(adjacency[i].sum())
    others = [j for j in range(len(x)) if j != i]
    observed = x[i] + sum(x[j] for j in range(len(x)) if adjacency[i, j])
    sums = np.array([x[i] + sum(x[j] for j in c) for c in itertools.combinations(others, k)])
    upper = np.mean(sums >= observed - 1e-12)
    lower = np.mean(sums <= observed + 1e-12)
    return min(1.0, 2 * min(upper, lower))


X12 = np.array([9, 8, 1, 0, 7, 9, 2, 1, 1, 2, 1, 0], dtype=float)


@pytest.mark.parametrize("area", [0, 4, 5, 10, 11])
def test_two_sided_p_values_agree_with_the_exact_distribution(area):
    adjacency = rook_lattice(3, 4)
    result = gi_star(X12[None, :], adjacency, permutations=9999, refine=0, seed=7)
    exact = exact_two_sided_p(X12, adjacency.toarray(), area)
    # 9,999 draws: the Monte Carlo error of a p-value is at most about 0.01 (2 x 0.005).
    assert result.p[0, area] == pytest.approx(exact, abs=0.02)


def test_the_p_value_is_two_sided_not_the_one_tail_esda_calls_p_sim():
    # On one reference distribution without ties, ours is twice esda's "directed"
    # (its G_Local.p_sim), and exactly twice the smaller of its "greater" and "lesser".
    from esda.significance import calculate_significance

    rng = np.random.default_rng(0)
    reference = rng.normal(size=(6, 999))
    observed = np.array([-3.5, -1.0, 0.0, 0.4, 2.2, 4.0])
    at_least = (reference >= observed[:, None]).sum(axis=1)
    at_most = (reference <= observed[:, None]).sum(axis=1)
    ours = two_sided_p(at_least, at_most, 999)
    greater = calculate_significance(observed, reference, alternative="greater")
    lesser = calculate_significance(observed, reference, alternative="lesser")
    directed = calculate_significance(observed, reference, alternative="directed")
    assert np.allclose(ours, np.minimum(1, 2 * np.minimum(greater, lesser)))
    assert np.allclose(ours, np.minimum(1, 2 * directed))
    # esda's own "two-sided" (equal percentiles in each tail) gives the same answer up
    # to one draw on each side.
    two_sided = calculate_significance(observed, reference, alternative="two-sided")
    assert np.allclose(ours, two_sided, atol=2 / 1000)


def test_hot_and_cold_follow_the_side_of_the_expected_sum():
    adjacency = rook_lattice(5, 5)
    x = np.full(25, 5.0)
    x[[0, 1, 5, 6]] = [20, 18, 19, 21]  # a high corner
    x[[18, 19, 23, 24]] = 0  # a low corner
    result = gi_star(x[None, :], adjacency, permutations=999)
    assert result.above[0, 0]
    assert result.p[0, 0] < 0.05
    assert result.below[0, 24]
    assert result.p[0, 24] < 0.05
    assert not result.above[0, 24]


def test_refining_only_sharpens_the_strongest():
    adjacency = rook_lattice(5, 5)
    rng = np.random.default_rng(3)
    x = rng.poisson(2, 25).astype(float)
    x[[0, 1, 5, 6]] = [14, 12, 13, 15]
    coarse = gi_star(x[None, :], adjacency, permutations=999, refine=0)
    fine = gi_star(x[None, :], adjacency, permutations=999, refine=9999, deepen=0)
    sharpened = coarse.p[0] <= REFINE_BELOW
    assert sharpened.any()
    # Areas far from the edge keep their first answer exactly.
    assert np.array_equal(fine.p[0, ~sharpened], coarse.p[0, ~sharpened])
    # The sharpened ones are counted over 9,999 draws: p = 2 (1 + count) / 10,000.
    grid = fine.p[0, sharpened] * 10000 / 2
    assert np.allclose(grid, np.round(grid))
    assert not np.array_equal(fine.p[0, sharpened], coarse.p[0, sharpened])


def test_deepening_reaches_below_the_floor_of_9999_draws_only_where_it_matters():
    # 2,500 areas with one 2 x 2 block of high counts: its four areas sit at the floor
    # of 9,999 draws (p = 0.0002), which after correcting for 2,500 areas gives
    # q = 0.0002 x 2500 / 4 = 0.125; 99,999 draws show how small p really is.
    adjacency = rook_lattice(50, 50)
    x = np.random.default_rng(8).poisson(1, 2500).astype(float)
    block = [25 * 50 + 25, 25 * 50 + 26, 26 * 50 + 25, 26 * 50 + 26]
    x[block] = 30
    shallow = gi_star(x[None, :], adjacency, permutations=999, deepen=0)
    deep = gi_star(x[None, :], adjacency, permutations=999)
    floor = 2 / 10000
    assert shallow.p[0, block] == pytest.approx([floor] * 4)
    assert (fdr_by_window(shallow.p)[0, block] >= 0.05).all()
    assert (deep.p[0, block] < floor).all()
    assert (fdr_by_window(deep.p)[0, block] < 0.05).all()
    # Every area not at the floor keeps its answer.
    untouched = shallow.p[0] > floor * 1.000001
    assert np.array_equal(deep.p[0, untouched], shallow.p[0, untouched])


def test_draws_are_distinct_within_a_row_and_uniform():
    draws = draws_without_replacement(30, 6, 20000, seed=3)
    assert (np.sort(draws, axis=1)[:, 1:] != np.sort(draws, axis=1)[:, :-1]).all()
    counts = np.bincount(draws.ravel(), minlength=30)
    assert stats.chisquare(counts).pvalue > 0.001
    first = np.bincount(draws[:, 0], minlength=30)
    assert stats.chisquare(first).pvalue > 0.001


def test_same_data_same_answer():
    adjacency = rook_lattice(4, 4)
    a = gi_star(CORNER[None, :], adjacency, permutations=199)
    b = gi_star(CORNER[None, :], adjacency, permutations=199)
    assert np.array_equal(a.p, b.p)


def test_esda_agrees_once_its_one_tail_is_doubled():
    # esda draws its own permutations, so the two agree up to Monte Carlo error (about
    # 0.01 for a p-value from 9,999 draws, doubled). Values without ties: with ties,
    # esda's folded tail counts only the draws strictly below, which is not a p-value.
    adjacency = rook_lattice(4, 4)
    x = CORNER + np.random.default_rng(6).uniform(0, 0.01, 16)
    ours = gi_star(x[None, :], adjacency, permutations=9999, refine=0, deepen=0)
    esda = G_Local(
        x,
        W(lat2W(4, 4, rook=True).neighbors),
        transform="B",
        star=True,
        permutations=9999,
        seed=1,
        n_jobs=1,
    )
    assert np.allclose(ours.p[0], np.minimum(1, 2 * esda.p_sim), atol=0.04)
    assert np.array_equal(ours.z[0] > 0, esda.Zs > 0)


def test_fdr_is_taken_across_the_areas_of_each_window():
    p = np.array([[0.01, 0.02, 0.5], [0.001, 0.9, 0.9]])
    q = fdr_by_window(p)
    assert q[0].tolist() == pytest.approx([0.03, 0.03, 0.5])
    assert q[1].tolist() == pytest.approx([0.003, 0.9, 0.9])
