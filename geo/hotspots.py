"""Hot spots for every ward or small area of one measure: persistent hot spots on the
law of crime concentration, the concentration itself, Getis-Ord Gi* clusters over
time and a sensitivity table of the definitions (rules in data.hotspots).

Gi* asks whether an area and its neighbours together hold more offences than the
areas of London would give them by chance. It runs on counts over 12 months, not on
rates per resident: rates are very skewed by visitor areas whose residents are few
(docs/METHODS.md, section 7). Its significance comes from conditional permutation,
as in PySAL's esda: each area keeps its own value while its neighbours' values are
drawn at random from all other areas. The p-value is two-sided: twice the smaller
tail, (1 + the draws at least as extreme on that side) / (draws + 1), at most 1.
esda's `p_sim` (and this module before) is that one tail alone, half of it.
With every area tested in every window, each window's p-values are corrected for
false discoveries (Benjamini-Hochberg) before an area is called a hot or cold spot.

The same random draws serve every window and every area (as esda's `crand` does),
with a fixed seed, so the same data always gives the same hot spots.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from data import hotspots as rules
from data import stats
from data.dataset import Dataset
from data.funnel import memoised
from geo.weights import Contiguity

PERMUTATIONS = 999
# An area whose p after the first 999 draws is at most REFINE_BELOW in a window gets
# REFINE draws in all there (smallest p 0.0002). After correcting for 679 wards (or
# 4,988 small areas) at once, an area at that floor can still miss q < 0.05 only
# because of the number of draws (among small areas, unless 20 share the floor): in
# such a window it gets DEEPEN draws (smallest p 0.00002).
REFINE = 9999
REFINE_BELOW = 0.02
DEEPEN = 99999
# Draw sums worked out at once (areas x draws x windows): about 16 MB.
BLOCK_SUMS = 2_000_000
SEED = 20180401  # the month the Mayor promised this dashboard
# Gi* is computed in the rolling windows ending in each of the last 24 months (fewer
# when the data is shorter): long enough to tell a lasting hot spot from a new one.
STEPS = 24
# Gi* runs on 12-month counts; EB-smoothed and raw rates are in the sensitivity table.
GI_ON = "counts"


@dataclass(frozen=True)
class GiStar:
    """Gi* for windows x areas.

    z: Ord and Getis's z-score (esda's `Zs`). p: two-sided conditional-permutation
    p-value. above: the observed neighbourhood sum is above its expected value under
    the permutation (the area's own value plus k times the mean of the others), so
    a significant p is a hot spot; below it, a cold one.
    """

    z: np.ndarray
    p: np.ndarray
    above: np.ndarray
    below: np.ndarray


def _with_self(adjacency: sp.spmatrix) -> sp.csr_matrix:
    binary = sp.csr_matrix(adjacency, dtype=float, copy=True)
    binary.data[:] = 1.0
    binary.setdiag(0.0)
    binary.eliminate_zeros()
    return (binary + sp.identity(binary.shape[0], format="csr")).tocsr()


def gi_star_z(values: np.ndarray, adjacency: sp.spmatrix) -> np.ndarray:
    """Gi* z-scores (Getis and Ord 1992; Ord and Getis 1995) of each row of `values`
    (windows x areas), with binary weights and each area its own neighbour:

        z_i = (sum_j w_ij x_j - mean(x) W_i) / (s sqrt((n S1_i - W_i^2) / (n - 1)))

    where W_i = sum_j w_ij, S1_i = sum_j w_ij^2 and s is the standard deviation of x
    (divided by n). A window whose values are all equal has no spread: z is 0.
    """
    x = np.atleast_2d(np.asarray(values, dtype=float))
    weights = _with_self(adjacency)
    n = x.shape[1]
    lag = (weights @ x.T).T
    w_sum = np.asarray(weights.sum(axis=1)).ravel()
    s1 = np.asarray(weights.multiply(weights).sum(axis=1)).ravel()
    mean = x.mean(axis=1, keepdims=True)
    s = x.std(axis=1, keepdims=True)
    denominator = s * np.sqrt((n * s1 - w_sum**2) / (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (lag - mean * w_sum) / denominator
    return np.where(denominator > 0, z, 0.0)


def two_sided_p(at_least: np.ndarray, at_most: np.ndarray, draws: int) -> np.ndarray:
    """Twice the smaller one-sided pseudo p-value, at most 1.

    at_least (at_most) counts the draws at least (at most) as large as observed; each
    one-sided p is (1 + count) / (draws + 1), as esda's "greater" and "lesser".
    """
    smaller = np.minimum(at_least, at_most)
    return np.minimum(1.0, 2 * (smaller + 1) / (draws + 1))


def gi_star(
    values: np.ndarray,
    adjacency: sp.spmatrix,
    *,
    permutations: int = PERMUTATIONS,
    refine: int = REFINE,
    deepen: int = DEEPEN,
    seed: int = SEED,
) -> GiStar:
    """Gi* z-scores and two-sided conditional-permutation p-values, windows x areas.

    For area i with k neighbours, each permutation sums i's own value and k values
    drawn without replacement from the other n - 1 areas, and compares the sum with
    the observed neighbourhood sum. More draws (the same first ones and more) go only
    where they can change an answer: `refine` in all to an area's windows with
    p <= REFINE_BELOW after the first `permutations`, then `deepen` to a window where
    an area sits at the smallest p that `refine` draws can give and the window's
    Benjamini-Hochberg q is still not below 0.05.
    """
    x = np.atleast_2d(np.asarray(values, dtype=float))
    steps, n = x.shape
    binary = _with_self(adjacency) - sp.identity(n, format="csr")
    k = np.asarray(binary.sum(axis=1)).ravel().round().astype(int)
    z = gi_star_z(x, binary)
    lag = (x + (binary @ x.T).T).T  # areas x windows: the observed neighbourhood sums
    by_area = np.ascontiguousarray(x.T)
    # Whole counts add up exactly in single precision (below 2^24), which halves the
    # memory the draws' sums pass through.
    exact32 = bool(np.all(x == np.round(x)) and np.abs(x).sum(axis=1).max() < 2**24)
    pool_type = np.float32 if exact32 else np.float64
    total_sum = x.sum(axis=1)  # windows
    # The permutation's expected sum: own value plus k times the mean of the others.
    expected = by_area + k[:, None] * (total_sum[None, :] - by_area) / (n - 1)
    # Each stage's draws come from their own stream, so the first draws are the same
    # whether or not more follow.
    stages = sorted({permutations, refine, deepen} - {0})
    draws = np.vstack(
        [
            draws_without_replacement(n - 1, int(k.max()), stop - start, (seed, stage))
            for stage, (start, stop) in enumerate(itertools.pairwise([0, *stages]))
        ]
    )
    tolerance = 1e-9 * np.maximum(np.abs(lag), 1.0)

    def tails(areas: np.ndarray, start: int, stop: int, windows: np.ndarray):
        """For each of `areas`, how many of draws[start:stop] give a neighbourhood sum
        at least (at_least) and at most (at_most) the observed one, in `windows`."""
        picked = [draws[start:stop, : k[i]] for i in areas]
        # Draws number the other n - 1 areas: skip i itself.
        indices = np.concatenate(
            [(d + (d >= i)).ravel() for d, i in zip(picked, areas, strict=True)]
        )
        per_row = np.repeat(k[areas], stop - start)
        # One row a draw, a 1 for each area drawn: the product is each draw's sum,
        # several times faster than gathering the values and adding them.
        chosen = sp.csr_matrix(
            (
                np.ones(len(indices), dtype=pool_type),
                indices,
                np.concatenate([[0], np.cumsum(per_row)]),
            ),
            shape=(len(per_row), n),
        )
        pool = by_area[:, windows].astype(pool_type)
        sums = (chosen @ pool).reshape(len(areas), stop - start, len(windows))
        sums += pool[areas][:, None, :]
        observed = lag[np.ix_(areas, windows)][:, None, :].astype(pool_type)
        slack = tolerance[np.ix_(areas, windows)][:, None, :].astype(pool_type)
        return (sums >= observed - slack).sum(axis=1), (sums <= observed + slack).sum(axis=1)

    every_window = np.arange(steps)
    at_least = np.zeros((n, steps))
    at_most = np.zeros((n, steps))
    block = max(1, BLOCK_SUMS // (permutations * steps))
    for first in range(0, n, block):
        areas = np.arange(first, min(first + block, n))
        at_least[areas], at_most[areas] = tails(areas, 0, permutations, every_window)
    p = two_sided_p(at_least, at_most, permutations)
    done = np.full((n, steps), permutations)

    def more(i: int, windows: np.ndarray, stage: int) -> None:
        start = int(done[i, windows[0]])
        more_least, more_most = tails(np.array([i]), start, stage, windows)
        at_least[i, windows] += more_least[0]
        at_most[i, windows] += more_most[0]
        done[i, windows] = stage
        p[i, windows] = two_sided_p(at_least[i, windows], at_most[i, windows], stage)

    if refine > permutations:
        # Only the windows where an area is close to the edge need the finer answer.
        for i in np.flatnonzero((p <= REFINE_BELOW).any(axis=1)):
            more(i, np.flatnonzero(p[i] <= REFINE_BELOW), refine)
    if deepen > refine > permutations:
        floor = two_sided_p(0, 0, refine) * (1 + 1e-9)
        held_back = (p <= floor) & (done == refine) & (fdr_by_window(p.T).T >= rules.HOT_Q)
        for i in np.flatnonzero(held_back.any(axis=1)):
            more(i, np.flatnonzero(held_back[i]), deepen)
    flat = x.std(axis=1) == 0
    p = p.T
    # No spread in a window: nothing is unusual.
    p[flat] = 1.0
    above = (lag > expected + tolerance).T & ~flat[:, None]
    below = (lag < expected - tolerance).T & ~flat[:, None]
    return GiStar(z, p, above, below)


def draws_without_replacement(
    n: int, k: int, draws: int, seed: int | tuple[int, ...]
) -> np.ndarray:
    """`draws` rows of k distinct integers from 0 to n - 1, each row uniform over the
    ordered k-tuples: rows drawn with replacement are drawn again until their values
    are distinct (rejection keeps the distribution exact)."""
    if k > n:
        raise ValueError(f"cannot draw {k} distinct areas from {n}")
    rng = np.random.default_rng(seed)
    out = rng.integers(0, n, size=(draws, k), dtype=np.int32)
    while True:
        ordered = np.sort(out, axis=1)
        repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not repeated.any():
            return out
        out[repeated] = rng.integers(0, n, size=(int(repeated.sum()), k), dtype=np.int32)


def fdr_by_window(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values across the areas of each window (rows of `p`)."""
    return np.vstack([stats.benjamini_hochberg(row) for row in np.atleast_2d(p)])


# -- every area of one measure -------------------------------------------------


@dataclass(frozen=True)
class Hotspots:
    """Hot-spot answers for every area of a level for one measure.

    `table` has one row per area (columns in `_table`); the arrays are areas x
    windows (Gi* windows, oldest first) or areas x years (separate years, oldest
    first). `concentration`, `lorenz` and `sensitivity` are data for the page's
    figures and notes (see data.hotspots for their columns).
    """

    measure: str
    level: str
    available: bool
    message: str
    table: pd.DataFrame
    windows: pd.DatetimeIndex  # last month of each Gi* window, oldest first
    z: np.ndarray  # areas x windows
    q: np.ndarray
    counts: np.ndarray  # areas x windows: offences in each rolling window
    months_with: np.ndarray  # areas x windows: months with offences in each window
    first_month: pd.Timestamp | None = None
    hot: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    cold: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    # Separate 12-month years, oldest first: (first month, last month) of each.
    years: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()
    year_counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    year_top: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    concentration: pd.DataFrame = field(default_factory=pd.DataFrame)
    lorenz: pd.DataFrame = field(default_factory=pd.DataFrame)
    gini: float = float("nan")
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)

    def history(self, code: str) -> pd.DataFrame | None:
        """One area's Gi* record window by window, latest first."""
        codes = self.table["code"].to_numpy()
        found = np.flatnonzero(codes == code)
        if not self.available or found.size == 0:
            return None
        i = int(found[0])
        frame = pd.DataFrame(
            {
                "window_end": self.windows,
                "count": self.counts[i].astype(int),
                "months_with": self.months_with[i],
                "z": self.z[i],
                "q": self.q[i],
                "confidence": rules.confidence(self.q[i]),
                "hot": self.hot[i],
                "cold": self.cold[i],
            }
        )
        return frame.iloc[::-1].reset_index(drop=True)


def unavailable(ds: Dataset, measure: str, level: str, message: str) -> Hotspots:
    empty = np.zeros((0, 0))
    return Hotspots(
        measure, level, False, message, pd.DataFrame(), pd.DatetimeIndex([]),
        empty, empty, empty, empty.astype(int),
    )  # fmt: skip


def no_data_message(ds: Dataset, measure: str) -> str:
    label = str(ds.measures.loc[measure, "label"])
    message = f"There is no published data for {label.lower()} yet, so no hot spots are shown."
    arrival = ds.measures.loc[measure, "arrival"]
    return message + (f" {arrival}" if isinstance(arrival, str) and arrival else "")


def area_hotspots(
    ds: Dataset, contiguity: Contiguity, measure: str, *, permutations: int = PERMUTATIONS
) -> Hotspots:
    """Every area of `contiguity`'s level with its hot-spot findings and reasons;
    computed once per data version."""
    return memoised(
        ds,
        ("hotspots", measure, contiguity.level, contiguity.n, permutations),
        lambda: compute_hotspots(ds, contiguity, measure, permutations=permutations),
    )


def compute_hotspots(
    ds: Dataset, contiguity: Contiguity, measure: str, *, permutations: int = PERMUTATIONS
) -> Hotspots:
    """`area_hotspots` without the memo: every figure computed afresh."""
    level = contiguity.level
    if measure not in ds.measures.index:
        return unavailable(ds, measure, level, f"Unknown measure {measure!r}.")
    if not ds.has_data(measure, level):
        return unavailable(ds, measure, level, no_data_message(ds, measure))
    series = ds.series(measure, level)
    rows = series.areas.get_indexer(contiguity.codes)
    keep = rows >= 0
    codes = contiguity.codes[keep]
    adjacency = contiguity.adjacency[keep][:, keep].tocsr()
    counts = series.values[rows[keep]]
    months = series.months
    if len(months) < rules.WINDOW:
        first, last = months[0], months[-1]
        return unavailable(
            ds, measure, level,
            f"This measure has data from {first:%B %Y} to {last:%B %Y}: fewer than the "
            "12 months a rolling window needs.",
        )  # fmt: skip
    young = bool(ds.measures.loc[measure, "young"])
    population = ds.population_of(codes, "0-24" if young else "all")
    area_km2 = contiguity.area_km2[keep]
    rolling = rules.rolling_sums(counts)
    ends = months[rules.WINDOW - 1 :]
    latest = rolling[:, -1]

    # Persistent hot spots: top 10% by count in each separate year.
    n_years = rules.separate_years(len(months))
    if n_years >= rules.MIN_YEARS:
        year_counts = rules.year_totals(counts, n_years)
        year_top = rules.top_share(year_counts, rules.PERSISTENT_SHARE)
        density_top = rules.top_share(year_counts / area_km2[:, None], rules.PERSISTENT_SHARE)
    else:
        year_counts = np.zeros((len(codes), 0))
        year_top = density_top = np.zeros((len(codes), 0), dtype=bool)
    judged = n_years >= rules.MIN_YEARS
    persistent = year_top.all(axis=1) if judged else np.zeros(len(codes), dtype=bool)
    persistent_density = density_top.all(axis=1) if judged else persistent
    last_month = months[-1]
    years = tuple(
        (last_month - pd.DateOffset(months=12 * (n_years - y) - 1),
         last_month - pd.DateOffset(months=12 * (n_years - y - 1)))
        for y in range(n_years)
    )  # fmt: skip

    # Gi* on 12-month counts in each window.
    steps = min(STEPS, rolling.shape[1])
    gi = gi_star(rolling[:, -steps:].T, adjacency, permutations=permutations)
    q = fdr_by_window(gi.p).T  # areas x windows
    z = gi.z.T
    hot = (q < rules.HOT_Q) & gi.above.T
    cold = (q < rules.HOT_Q) & gi.below.T

    # The trend of a hot spot is tested on the monthly offences of the area and its
    # neighbours, which do not overlap, rather than on the Gi* of rolling windows,
    # which share 11 of their 12 months and would make any trend look significant.
    span = counts[:, -(steps + rules.WINDOW - 1) :]
    if span.shape[1] >= 2 * rules.WINDOW:
        neighbourhood = span + adjacency @ span
        s, _var, _z, p_trend = rules.seasonal_mann_kendall(neighbourhood)
        trend = np.where(p_trend < rules.TREND_P, np.sign(s), 0).astype(int)
    else:
        p_trend = np.full(len(codes), np.nan)
        trend = np.zeros(len(codes), dtype=int)
    classes = rules.emerging_classes(hot, cold, trend)

    with np.errstate(invalid="ignore", divide="ignore"):
        rate = latest / population * 1000
    eb = rules.eb_rates(latest, population) * 1000
    months_with = rules.months_with_offences(counts)
    names = contiguity.names[keep]
    parents = contiguity.parents[keep]
    table = pd.DataFrame(
        {
            "code": codes,
            "name": names,
            "parent_code": parents,
            "parent": [str(ds.areas["name"].get(p, "")) for p in parents],
            "ward": _ward_names(ds, codes) if level == "lsoa" else "",
            "count": latest.astype(int),
            "population": population,
            "rate": rate,
            "eb_rate": eb,
            "area_km2": area_km2,
            "density": latest / area_km2,
            "months_with": months_with[:, -1],
            "years": n_years,
            "top_years": year_top.sum(axis=1),
            "persistent": persistent,
            "top_years_density": density_top.sum(axis=1),
            "persistent_density": persistent_density,
            "z": z[:, -1],
            "p": gi.p.T[:, -1],
            "q": q[:, -1],
            "confidence": rules.confidence(q[:, -1]),
            "hot": hot[:, -1],
            "cold": cold[:, -1],
            # Gi* judges the neighbourhood: a hot spot's own count can be ordinary.
            "above_average": latest > latest.mean(),
            "class": classes,
            "hot_windows": hot.sum(axis=1),
            "windows": steps,
            "trend": trend,
            "trend_p": p_trend,
            "low_count": latest < stats.LOW_COUNT,
            "caveat": [_text(ds.areas["caveat"].get(c)) for c in codes],
        }
    )
    table["reasons"] = ["; ".join(rules.reasons(r)) for r in table.to_dict("records")]
    table["flagged"] = table["persistent"] | table["hot"] | (table["class"] != "")
    table["category"] = [
        rules.category(c, p) for c, p in zip(table["class"], table["persistent"], strict=True)
    ]
    return Hotspots(
        measure, level, True, "", table, ends[-steps:], z, q,
        rolling[:, -steps:], months_with[:, -steps:], months[0],
        hot, cold, years, year_counts, year_top,
        rules.concentration(latest), rules.lorenz_curve(latest), rules.gini(latest),
        sensitivity_table(table, counts, rolling, population, adjacency, year_counts,
                          n_years, permutations),
    )  # fmt: skip


def sensitivity_table(
    table: pd.DataFrame,
    counts: np.ndarray,
    rolling: np.ndarray,
    population: np.ndarray,
    adjacency: sp.csr_matrix,
    year_counts: np.ndarray,
    n_years: int,
    permutations: int,
) -> pd.DataFrame:
    """How many areas each definition flags and the share of the latest 12 months'
    offences they hold: one row a definition, in `definition` order.

    Columns: definition (key), label (words), used (the page's rule), areas, flagged,
    share_of_areas, offences, share_of_offences.
    """
    latest = rolling[:, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        raw_rates = np.where(population > 0, latest / population, 0.0)
        rolling_rates = rolling / population[:, None]
    eb = rules.eb_rates(latest, population)
    eb = np.where(np.isfinite(eb), eb, np.nanmean(eb))

    def gi_hot(values: np.ndarray) -> np.ndarray:
        gi = gi_star(values[None, :], adjacency, permutations=permutations)
        return ((fdr_by_window(gi.p) < rules.HOT_Q) & gi.above)[0]

    flags: dict[str, np.ndarray | None] = {}
    if n_years >= rules.MIN_YEARS:
        flags[rules.PERSISTENT_10] = table["persistent"].to_numpy()
        flags[rules.PERSISTENT_5] = rules.persistent(year_counts, 0.05)
        flags[rules.PERSISTENT_DENSITY_10] = table["persistent_density"].to_numpy()
    flags[rules.GI_COUNTS] = table["hot"].to_numpy()
    flags[rules.GI_EB_RATES] = gi_hot(eb)
    flags[rules.GI_RAW_RATES] = gi_hot(raw_rates)
    flags[rules.NINE_OF_TWELVE] = rules.old_nine_of_twelve(counts)
    flags[rules.DECILE_SEVEN_OF_TWELVE] = (
        rules.old_decile_rule(rolling_rates) if rolling.shape[1] >= rules.DECILE_WINDOWS else None
    )
    total = latest.sum()
    rows = []
    for key, flagged in flags.items():
        if flagged is None:
            continue
        held = float(latest[flagged].sum())
        rows.append(
            {
                "definition": key,
                "label": rules.sensitivity_label(key, n_years),
                "used": key in (rules.PERSISTENT_10, rules.GI_COUNTS),
                "areas": len(latest),
                "flagged": int(flagged.sum()),
                "share_of_areas": float(flagged.mean()),
                "offences": held,
                "share_of_offences": held / total if total > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _ward_names(ds: Dataset, codes: np.ndarray) -> np.ndarray:
    """The ward each small area lies in (best fit), so a person can place it."""
    lookup = ds.tables.lookup.drop_duplicates("lsoa_code").set_index("lsoa_code")
    return lookup["ward_name"].reindex(codes).fillna("").to_numpy(dtype=object)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
