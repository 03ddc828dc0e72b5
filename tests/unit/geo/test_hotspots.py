"""Gi* against a direct computation of its formula, against esda, and against the
exact permutation distribution on lattices small enough to enumerate."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from esda.getisord import G_Local
from libpysal.weights import W, lat2W

from geo.hotspots import gi_star, gi_star_z


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
    assert np.all(result.p_sim == 1)


def exact_p(x: np.ndarray, adjacency: np.ndarray, i: int) -> float:
    """The folded conditional-permutation p-value, by enumerating every draw."""
    k = int(adjacency[i].sum())
    others = [j for j in range(len(x)) if j != i]
    observed = x[i] + sum(x[j] for j in range(len(x)) if adjacency[i, j])
    sums = [x[i] + sum(x[j] for j in c) for c in itertools.combinations(others, k)]
    share = np.mean([s >= observed - 1e-12 for s in sums])
    return min(share, 1 - share)


@pytest.mark.parametrize("area", [0, 4, 5, 10])
def test_permutation_p_values_agree_with_the_exact_distribution(area):
    adjacency = rook_lattice(3, 4)
    x = np.array([9, 8, 1, 0, 7, 9, 2, 1, 1, 2, 1, 0], dtype=float)
    result = gi_star(x[None, :], adjacency, permutations=9999, refine=0, seed=7)
    exact = exact_p(x, adjacency.toarray(), area)
    # 9,999 draws: the Monte Carlo error of a p-value near 0.05 is about 0.002.
    assert result.p_sim[0, area] == pytest.approx(exact, abs=0.01)


def test_refining_only_sharpens_the_strongest():
    adjacency = rook_lattice(5, 5)
    rng = np.random.default_rng(3)
    x = rng.poisson(2, 25).astype(float)
    x[[0, 1, 5, 6]] = [14, 12, 13, 15]
    coarse = gi_star(x[None, :], adjacency, permutations=999, refine=0)
    fine = gi_star(x[None, :], adjacency, permutations=999, refine=9999)
    sharpened = coarse.p_sim[0] <= 0.01
    assert sharpened.any()
    # Areas far from the edge keep their first answer exactly.
    assert np.array_equal(fine.p_sim[0, ~sharpened], coarse.p_sim[0, ~sharpened])
    assert fine.p_sim[0, sharpened].min() < 0.001


def test_same_data_same_answer():
    adjacency = rook_lattice(4, 4)
    a = gi_star(CORNER[None, :], adjacency, permutations=199)
    b = gi_star(CORNER[None, :], adjacency, permutations=199)
    assert np.array_equal(a.p_sim, b.p_sim)


def test_esda_agrees_on_which_areas_are_significant():
    # esda draws its own permutations, so only a clear answer can be compared.
    adjacency = rook_lattice(4, 4)
    ours = gi_star(CORNER[None, :], adjacency, permutations=999, refine=0)
    esda = G_Local(
        CORNER,
        W(lat2W(4, 4, rook=True).neighbors),
        transform="B",
        star=True,
        permutations=999,
        seed=1,
        n_jobs=1,
    )
    assert np.array_equal(ours.p_sim[0] < 0.05, esda.p_sim < 0.05)
