"""Repeat victimisation: the rules that make an area a persistent hot spot, and the
words that say why.

Two questions are asked of every area, each answered from its own counts:

* Does weapon crime happen there month after month? An area is persistent when it
  had offences in at least 9 of the last 12 months.
* Is it among the worst in London, again and again? An area is in London's top
  decile in a rolling 12-month window when its rate is among the highest tenth of
  the areas compared; it is persistently so when that held in most (at least 7) of
  the last 12 windows.

The spatial question, whether an area sits in a cluster of high rates, is Gi*
(geo.hotspots); the classes below turn its answers over time into words in the
manner of emerging hot-spot analysis. Everything here works on plain arrays, so
each rule can be tested on series made by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW = 12  # months in a rolling window
PERSISTENT_MONTHS = 9  # months with offences, of the last 12, that make an area persistent
DECILE_WINDOWS = 12  # recent rolling windows looked at for the top decile
DECILE_MOST = 7  # "most" of them
TOP_SHARE = 0.10  # the top decile
# A cell is a hot spot on Gi* at 95% confidence (false discovery rate 5%).
HOT_Q = 0.05
# Emerging hot-spot analysis calls a pattern established when it holds in 90% of
# the time steps.
ESTABLISHED = 0.9
CONFIDENCE_LEVELS = ((0.01, 99), (0.05, 95), (0.10, 90))

# The classes, in the order a table lists them.
INTENSIFYING = "intensifying"
PERSISTENT = "persistent"
DIMINISHING = "diminishing"
NEW = "new"
CONSECUTIVE = "consecutive"
SPORADIC = "sporadic"
OSCILLATING = "oscillating"
FORMER = "former"
NO_PATTERN = ""
CLASSES = (INTENSIFYING, PERSISTENT, DIMINISHING, NEW, CONSECUTIVE, SPORADIC, OSCILLATING, FORMER)

# What each class means, for the page's key and the table's reasons.
CLASS_MEANINGS = {
    INTENSIFYING: "a hot spot in at least 90% of the windows, including the latest, "
    "with a significant upward trend in its area's monthly offences",
    PERSISTENT: "a hot spot in at least 90% of the windows, including the latest, "
    "with no significant trend",
    DIMINISHING: "a hot spot in at least 90% of the windows, including the latest, "
    "with a significant downward trend in its area's monthly offences",
    NEW: "a hot spot in the latest window for the first time",
    CONSECUTIVE: "a hot spot in an unbroken run of the latest windows, never before it, "
    "for less than 90% of the windows",
    SPORADIC: "a hot spot in the latest window that has been one on and off, never a cold spot",
    OSCILLATING: "a hot spot in the latest window that has been a cold spot before",
    FORMER: "no longer a hot spot in the latest window, but one in at least half of "
    "the windows before it",
}


def rolling_sums(counts: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Sums over each run of `window` months: areas x (months - window + 1)."""
    counts = np.asarray(counts, dtype=float)
    if counts.shape[1] < window:
        return np.zeros((counts.shape[0], 0))
    cumulative = np.concatenate([np.zeros((counts.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    return cumulative[:, window:] - cumulative[:, :-window]


def months_with_offences(counts: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """For each rolling window, how many of its months had at least one offence."""
    return rolling_sums(np.asarray(counts) > 0, window).astype(int)


def run_length(flags: np.ndarray) -> np.ndarray:
    """How many of the last columns in a row are True, unbroken, counting back."""
    flags = np.asarray(flags, dtype=bool)
    if flags.shape[1] == 0:
        return np.zeros(flags.shape[0], dtype=int)
    # The last False, counted from the end; a row with none is True throughout.
    reversed_ = flags[:, ::-1]
    first_false = np.argmax(~reversed_, axis=1)
    return np.where(reversed_.all(axis=1), flags.shape[1], first_false)


def top_decile(rates: np.ndarray, share: float = TOP_SHARE) -> np.ndarray:
    """Areas x windows: whether each area's rate is in the top `share` of that window.

    The cut is the rate of the area at rank ceil(share x areas); areas tied with it
    are in. A rate of 0 is never in the top decile, however many areas share it,
    and an area with no rate (NaN) is not compared.
    """
    rates = np.asarray(rates, dtype=float)
    out = np.zeros(rates.shape, dtype=bool)
    for j in range(rates.shape[1]):
        column = rates[:, j]
        valid = column[np.isfinite(column)]
        if valid.size == 0:
            continue
        rank = max(1, int(np.ceil(share * valid.size)))
        cut = np.sort(valid)[::-1][rank - 1]
        out[:, j] = np.isfinite(column) & (column >= cut) & (column > 0)
    return out


def confidence(q: np.ndarray) -> np.ndarray:
    """The Gi* confidence a false-discovery-rate q-value reaches: 99, 95, 90 or 0."""
    q = np.asarray(q, dtype=float)
    out = np.zeros(q.shape, dtype=int)
    for threshold, level in reversed(CONFIDENCE_LEVELS):
        out[np.nan_to_num(q, nan=1.0) < threshold] = level
    return out


def emerging_classes(hot: np.ndarray, cold: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """The hot-spot class of each area from its hot and cold windows (areas x windows,
    oldest first) and the sign of a significant trend (+1, -1, or 0 for none).

    Follows the definitions of emerging hot-spot analysis (ArcGIS), with "former"
    (for ArcGIS's "historical") asking only that the area was a hot spot in at least
    half of the windows before the latest, since a 90% rule would leave almost no
    area that has stopped being one.
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    trend = np.asarray(trend)
    n, steps = hot.shape
    out = np.full(n, NO_PATTERN, dtype=object)
    if steps == 0:
        return out
    latest = hot[:, -1]
    share = hot.mean(axis=1)
    earlier = hot[:, :-1]
    run = run_length(hot)
    before_run = np.array([hot[i, : steps - run[i]].any() for i in range(n)])
    ever_cold = cold.any(axis=1)
    established = latest & (share >= ESTABLISHED)
    out[established & (trend > 0)] = INTENSIFYING
    out[established & (trend < 0)] = DIMINISHING
    out[established & (trend == 0)] = PERSISTENT
    rest = latest & ~established
    first = rest & ~earlier.any(axis=1) if steps > 1 else rest
    out[first] = NEW
    rest &= ~first
    out[rest & ~before_run & ~ever_cold] = CONSECUTIVE
    rest &= before_run | ever_cold
    out[rest & ever_cold] = OSCILLATING
    out[rest & ~ever_cold] = SPORADIC
    if steps > 1:
        former = ~latest & (earlier.mean(axis=1) >= 0.5)
        out[former] = FORMER
    return out


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def months_phrase(months: int) -> str:
    if months < 24 or months % 12:
        return plural(months, "month")
    return plural(months // 12, "year")


def persistence_reason(months_with: int, window: int = WINDOW) -> str:
    return f"offences in {months_with} of the last {window} months"


def reasons(row: pd.Series | dict) -> list[str]:
    """Why an area is listed, in the table's words; row keys as in geo.hotspots."""
    out = []
    if row["persistent"]:
        text = persistence_reason(int(row["months_with"]))
        run = int(row["persistent_months"])
        if run > 1:
            text += f" (persistent for {'at least ' if row['persistent_since_start'] else ''}"
            text += f"{months_phrase(run)})"
        out.append(text)
    if row["decile"]:
        out.append(
            f"in London's top 10% by rate in {int(row['decile_windows'])} of the last "
            f"{int(row['decile_of'])} rolling 12-month windows"
        )
    level = int(row["confidence"])
    if level and row["z"] > 0:
        out.append(f"Gi* hot at {level}%")
    elif level and row["z"] < 0:
        out.append(f"Gi* cold at {level}%")
    if row["class"]:
        windows = int(row["hot_windows"])
        out.append(
            f"{row['class']} hot spot (Gi* hot in {windows} of {int(row['windows'])} windows)"
        )
    return out


# The map groups the classes in four, strongest first; an area in none is "not flagged".
ESTABLISHED_SPOT = "established"
EMERGING_SPOT = "emerging"
FORMER_SPOT = "former"
REPEAT_ONLY = "repeat"
NOT_FLAGGED = "none"
CATEGORIES = (ESTABLISHED_SPOT, EMERGING_SPOT, FORMER_SPOT, REPEAT_ONLY, NOT_FLAGGED)
CATEGORY_LABELS = {
    ESTABLISHED_SPOT: "Established hot spot (persistent, intensifying or diminishing)",
    EMERGING_SPOT: "Emerging hot spot (new, consecutive, sporadic or oscillating)",
    FORMER_SPOT: "Former hot spot",
    REPEAT_ONLY: "Repeat victimisation only (9+ months of 12, or top 10% in most windows)",
    NOT_FLAGGED: "Not flagged",
}
_CATEGORY_OF_CLASS = {
    INTENSIFYING: ESTABLISHED_SPOT,
    PERSISTENT: ESTABLISHED_SPOT,
    DIMINISHING: ESTABLISHED_SPOT,
    NEW: EMERGING_SPOT,
    CONSECUTIVE: EMERGING_SPOT,
    SPORADIC: EMERGING_SPOT,
    OSCILLATING: EMERGING_SPOT,
    FORMER: FORMER_SPOT,
}


def category(hot_class: str, persistent: bool, decile: bool) -> str:
    if hot_class:
        return _CATEGORY_OF_CLASS[hot_class]
    return REPEAT_ONLY if (persistent or decile) else NOT_FLAGGED
