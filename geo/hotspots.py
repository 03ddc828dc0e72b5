"""Hot spots: Getis-Ord Gi* on rolling 12-month rates, over time, with the persistence
rules beside it (data.hotspots), for every ward or small area of one measure.

Gi* asks whether an area and its neighbours together have a higher rate than London's
areas as a whole would give by chance. Its significance comes from conditional
permutation, as in PySAL's esda: each area keeps its own rate while its neighbours'
rates are drawn at random from all other areas, 999 times; the share of draws at
least as extreme as the real neighbourhood is the pseudo p-value. With 679 wards
tested in every window, the p-values of each window are corrected for false
discoveries (Benjamini-Hochberg) before an area is called a hot spot.

The same random draws serve every window and every area (as esda's `crand` does),
with a fixed seed, so the same data always gives the same hot spots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from data import hotspots as rules
from data import stats
from data.dataset import Dataset
from data.funnel import memoised
from geo.weights import Contiguity

PERMUTATIONS = 999
REFINE = 9999  # draws in all for an area beyond REFINE_BELOW after the first 999
REFINE_BELOW = 0.01
SEED = 20180401  # the month the Mayor promised this dashboard
# Gi* is computed in the rolling windows ending in each of the last 24 months (fewer
# when the data is shorter): long enough to tell a persistent hot spot from a new one.
STEPS = 24
TREND_P = 0.05


@dataclass(frozen=True)
class GiStar:
    """Gi* for windows x areas: z-scores and one-sided permutation pseudo p-values."""

    z: np.ndarray
    p_sim: np.ndarray


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


def gi_star(
    values: np.ndarray,
    adjacency: sp.spmatrix,
    *,
    permutations: int = PERMUTATIONS,
    refine: int = REFINE,
    seed: int = SEED,
) -> GiStar:
    """Gi* z-scores and conditional-permutation pseudo p-values, windows x areas.

    For area i with k neighbours, each permutation sums i's own value and k values
    drawn without replacement from the other n - 1 areas. The pseudo p-value is
    (1 + the number of draws at least as extreme as observed) / (draws + 1),
    counted in the direction of the observed value (esda's folded `p_sim`).

    With 999 draws no p-value is below 0.001, and after correcting for 679 wards
    at once no ward could reach 99% confidence; so an area whose first draws put it
    beyond 1% in any window gets `refine` draws in all (9,999), in two fixed stages.
    """
    x = np.atleast_2d(np.asarray(values, dtype=float))
    steps, n = x.shape
    binary = _with_self(adjacency) - sp.identity(n, format="csr")
    k = np.asarray(binary.sum(axis=1)).ravel().round().astype(int)
    z = gi_star_z(x, binary)
    lag = (x + (binary @ x.T).T).T  # areas x windows: the observed neighbourhood sums
    by_area = np.ascontiguousarray(x.T)
    rng = np.random.default_rng(seed)
    total = max(permutations, refine)
    draws = np.array([rng.choice(n - 1, size=k.max(), replace=False) for _ in range(total)])

    def extreme(i: int, chosen: np.ndarray, windows: np.ndarray) -> np.ndarray:
        # Draws number the other n - 1 areas: skip i itself.
        picked = chosen[:, : k[i]]
        picked = picked + (picked >= i)
        pool = by_area if len(windows) == steps else np.ascontiguousarray(by_area[:, windows])
        sums = pool[picked].sum(axis=1) + pool[i]  # draws x windows
        observed = lag[i, windows]
        return (sums >= observed - 1e-12 * np.abs(observed)).sum(axis=0)

    every_window = np.arange(steps)
    larger = np.array([extreme(i, draws[:permutations], every_window) for i in range(n)])
    larger = larger.reshape(n, steps).astype(float)
    p_sim = (np.minimum(larger, permutations - larger) + 1) / (permutations + 1)
    if refine > permutations:
        # Only the windows where an area is close to the edge need the finer answer.
        for i, windows in _close_windows(p_sim):
            more = larger[i, windows] + extreme(i, draws[permutations:total], windows)
            p_sim[i, windows] = (np.minimum(more, total - more) + 1) / (total + 1)
    p_sim = p_sim.T
    # No spread in a window: nothing is unusual.
    p_sim[x.std(axis=1) == 0] = 1.0
    return GiStar(z, p_sim)


def _close_windows(p_sim: np.ndarray):
    for i in np.flatnonzero((p_sim <= REFINE_BELOW).any(axis=1)):
        yield i, np.flatnonzero(p_sim[i] <= REFINE_BELOW)


# -- every area of one measure -------------------------------------------------


@dataclass(frozen=True)
class Hotspots:
    """Hot-spot answers for every area of a level for one measure."""

    measure: str
    level: str
    available: bool
    message: str
    table: pd.DataFrame  # one row per area; see `_table`
    windows: pd.DatetimeIndex  # last month of each Gi* window, oldest first
    z: np.ndarray  # areas x windows
    q: np.ndarray
    counts: np.ndarray  # areas x windows: offences in each rolling window
    months_with: np.ndarray  # areas x windows: months with offences in each window
    top: np.ndarray  # areas x windows: in the top decile
    first_month: pd.Timestamp | None = None

    def history(self, code: str) -> pd.DataFrame | None:
        """One area's hot-spot record window by window, latest first."""
        codes = self.table["code"].to_numpy()
        found = np.flatnonzero(codes == code)
        if not self.available or found.size == 0:
            return None
        i = int(found[0])
        level = rules.confidence(self.q[i])
        frame = pd.DataFrame(
            {
                "window_end": self.windows,
                "count": self.counts[i].astype(int),
                "months_with": self.months_with[i],
                "top_decile": self.top[i],
                "z": self.z[i],
                "q": self.q[i],
                "confidence": level,
                "hot": (self.z[i] > 0) & (self.q[i] < rules.HOT_Q),
                "cold": (self.z[i] < 0) & (self.q[i] < rules.HOT_Q),
            }
        )
        return frame.iloc[::-1].reset_index(drop=True)


def unavailable(ds: Dataset, measure: str, level: str, message: str) -> Hotspots:
    empty = np.zeros((0, 0))
    return Hotspots(
        measure, level, False, message, pd.DataFrame(), pd.DatetimeIndex([]),
        empty, empty, empty, empty.astype(int), empty.astype(bool),
    )  # fmt: skip


def no_data_message(ds: Dataset, measure: str) -> str:
    label = str(ds.measures.loc[measure, "label"])
    message = f"There is no published data for {label.lower()} yet, so no hot spots are shown."
    arrival = ds.measures.loc[measure, "arrival"]
    return message + (f" {arrival}" if isinstance(arrival, str) and arrival else "")


def area_hotspots(
    ds: Dataset, contiguity: Contiguity, measure: str, *, permutations: int = PERMUTATIONS
) -> Hotspots:
    """Every area of `contiguity`'s level with its hot-spot class, rules and reasons;
    computed once per data version."""
    return memoised(
        ds,
        ("hotspots", measure, contiguity.level, contiguity.n, permutations),
        lambda: _area_hotspots(ds, contiguity, measure, permutations),
    )


def _area_hotspots(
    ds: Dataset, contiguity: Contiguity, measure: str, permutations: int
) -> Hotspots:
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
    rolling = rules.rolling_sums(counts)
    ends = months[rules.WINDOW - 1 :]
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = rolling / population[:, None] * 1000
    rates = np.where(np.isfinite(rates), rates, 0.0)

    steps = min(STEPS, rolling.shape[1])
    gi = gi_star(rates[:, -steps:].T, adjacency, permutations=permutations)
    q = np.vstack([stats.benjamini_hochberg(p) for p in gi.p_sim]).T  # areas x windows
    z = gi.z.T
    hot = (z > 0) & (q < rules.HOT_Q)
    cold = (z < 0) & (q < rules.HOT_Q)

    # The trend of a hot spot is tested on the monthly offences of the area and its
    # neighbours, which do not overlap, rather than on the Gi* of rolling windows,
    # which share 11 of their 12 months and would make any trend look significant.
    span = counts[:, -(steps + rules.WINDOW - 1) :]
    neighbourhood = span + adjacency @ span
    s, p_trend = stats.mann_kendall(neighbourhood)
    trend = np.where(p_trend < TREND_P, np.sign(s), 0).astype(int)
    classes = rules.emerging_classes(hot, cold, trend)

    months_with = rules.months_with_offences(counts)
    persistent_rule = months_with >= rules.PERSISTENT_MONTHS
    run = rules.run_length(persistent_rule)
    top = rules.top_decile(rates)
    recent = top[:, -rules.DECILE_WINDOWS :]
    names = contiguity.names[keep]
    parents = contiguity.parents[keep]
    table = pd.DataFrame(
        {
            "code": codes,
            "name": names,
            "parent_code": parents,
            "parent": [str(ds.areas["name"].get(p, "")) for p in parents],
            "ward": _ward_names(ds, codes) if level == "lsoa" else "",
            "count": rolling[:, -1].astype(int),
            "population": population,
            "rate": rates[:, -1],
            "months_with": months_with[:, -1],
            "persistent": persistent_rule[:, -1],
            "persistent_months": run,
            "persistent_since_start": run == persistent_rule.shape[1],
            "decile_windows": recent.sum(axis=1),
            "decile_of": recent.shape[1],
            "decile": recent.sum(axis=1) >= rules.DECILE_MOST,
            "z": z[:, -1],
            "q": q[:, -1],
            "confidence": rules.confidence(q[:, -1]),
            "hot": hot[:, -1],
            "class": classes,
            "hot_windows": hot.sum(axis=1),
            "windows": steps,
            "trend": trend,
            "low_count": rolling[:, -1] < stats.LOW_COUNT,
            "caveat": [_text(ds.areas["caveat"].get(c)) for c in codes],
        }
    )
    table["reasons"] = ["; ".join(rules.reasons(r)) for r in table.to_dict("records")]
    table["flagged"] = table["persistent"] | table["decile"] | table["hot"] | (table["class"] != "")
    table["category"] = [
        rules.category(c, p, d)
        for c, p, d in zip(table["class"], table["persistent"], table["decile"], strict=True)
    ]
    return Hotspots(
        measure, level, True, "", table, ends[-steps:], z, q,
        rolling[:, -steps:], months_with[:, -steps:], top[:, -steps:], months[0],
    )  # fmt: skip


def _ward_names(ds: Dataset, codes: np.ndarray) -> np.ndarray:
    """The ward each small area lies in (best fit), so a person can place it."""
    lookup = ds.tables.lookup.drop_duplicates("lsoa_code").set_index("lsoa_code")
    return lookup["ward_name"].reindex(codes).fillna("").to_numpy(dtype=object)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
