"""Words and number formats: one formatter per kind of number, one noun per measure.

Every page writes a rate, a count, a change or a p-value through these functions, so
one ward's rate reads the same on the map, in a ranking and in its profile, and a
threshold is stated only where it is defined (`data.stats.LOW_COUNT`).
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.stats import LOW_COUNT

# Rates are shown to three significant figures: a ward's knife crime rate (about 1.5
# per 1,000), the West End's (17.6) and a borough's homicide rate (0.005) alike.
RATE_FIGURES = 3
LONDON_TIME = ZoneInfo("Europe/London")
MINUS = "\u2212"

# (singular, plural) of each level's areas.
LEVEL_WORDS: dict[str, tuple[str, str]] = {
    "london": ("London", "London"),
    "bcu": ("BCU", "BCUs"),
    "borough": ("borough", "boroughs"),
    "ward": ("ward", "wards"),
    "lsoa": ("small area", "small areas"),
}
LEVEL_TITLES = {
    "bcu": "BCUs",
    "borough": "Boroughs",
    "ward": "Wards",
    "lsoa": "Small areas (LSOAs)",
}
SINGULAR = {"offences": "offence", "victims": "victim", "outcomes": "outcome"}


NO_DATA = "No data has been published yet."
NOT_COVERED = (
    "The City of London has its own police force, so the Metropolitan Police publishes no "
    "figures for it: it is shown as not covered, never as zero."
)
CONNECT_NOTE = (
    "The MPS moved to a new crime recording system (CONNECT) in February 2024; compare "
    "figures from either side of that month with care."
)


def _finite(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def number(value: object) -> str:
    """A whole number with thousands separators; blank when there is none."""
    return f"{round(float(value)):,}" if _finite(value) else ""


def rate(value: object, figures: int = RATE_FIGURES) -> str:
    """A rate to three significant figures, never in scientific notation; blank when
    there is none."""
    if not _finite(value):
        return ""
    v = float(value)
    if v == 0:
        return "0"
    places = max(figures - 1 - math.floor(math.log10(abs(v))), 0)
    return f"{v:,.{places}f}"


def rounded_rate(value: object, figures: int = RATE_FIGURES) -> float:
    """The number `rate` prints, as a number (for a CSV or a chart's hover)."""
    text = rate(value, figures).replace(",", "")
    return float(text) if text else float("nan")


def rounded_rates(values: pd.Series, figures: int = RATE_FIGURES) -> pd.Series:
    v = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(v)))
    places = np.where(np.isfinite(magnitude), figures - 1 - magnitude, 0).clip(min=0).astype(int)
    out = [round(x, p) if np.isfinite(x) else np.nan for x, p in zip(v, places, strict=True)]
    return pd.Series(out, index=values.index, dtype=float)


def percent(value: object, decimals: int = 0) -> str:
    """A share as a percentage: "47%"."""
    return f"{float(value):.{decimals}f}%" if _finite(value) else ""


def signed_percent(value: object) -> str:
    """A change as a signed percentage with a true minus sign: "+12%", "−8%"."""
    if not _finite(value):
        return ""
    return f"{float(value):+.0f}%".replace("-", MINUS)


def p_value(value: object) -> str:
    """A p- or q-value: three decimals, or "< 0.001"."""
    if not _finite(value):
        return ""
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def plural(n: int, singular: str, many: str | None = None) -> str:
    return singular if n == 1 else (many or singular + "s")


def is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def level_words(level: str) -> tuple[str, str]:
    return LEVEL_WORDS.get(level, (level, level + "s"))


def areas(n: int, level: str) -> str:
    """ "1 ward", "679 wards"."""
    one, many = level_words(level)
    return f"{n:,} {one if n == 1 else many}"


def unit(ds: Dataset, measure: str) -> str:
    """What a measure counts, in the plural: "offences", "victims", "outcomes"."""
    return str(ds.measures.loc[measure, "unit"])


def label(ds: Dataset, measure: str) -> str:
    return str(ds.measures.loc[measure, "label"])


def noun(ds: Dataset, measure: str) -> str:
    """What a measure counts, in a sentence: "knife crime offences"."""
    text, u = label(ds, measure), unit(ds, measure)
    if text.startswith("Positive outcomes: "):
        return "positive outcomes for " + text.removeprefix("Positive outcomes: ").lower()
    text = text[0].lower() + text[1:]
    text = text.replace(", non domestic abuse", " outside domestic abuse")
    if u in text or text.endswith("discharges"):
        return text
    return f"{text} {u}"


def counted(n: int, ds: Dataset, measure: str) -> str:
    """ "1 knife crime offence", "2,345 knife crime offences"."""
    words, u = noun(ds, measure), unit(ds, measure)
    if n == 1 and u in SINGULAR and words.endswith(u):
        words = words[: -len(u)] + SINGULAR[u]
    elif n == 1 and u in SINGULAR and f" {u} " in f" {words} ":
        # "knife injury victims aged 1-24 ..." -> "knife injury victim aged 1-24 ..."
        words = f" {words} ".replace(f" {u} ", f" {SINGULAR[u]} ", 1).strip()
    elif n == 1 and words.endswith("discharges"):
        words = words[: -len("s")]
    return f"{n:,} {words}"


def units(n: int, u: str) -> str:
    """ "1 offence", "12 offences"."""
    return f"{n:,} {SINGULAR.get(u, u) if n == 1 else u}"


def in_period(period_label: str) -> str:
    """ "in the 12 months to February 2026", "in February 2026"."""
    if period_label.startswith("the "):
        return "in " + period_label
    if period_label.startswith(("12 months", "financial year")):
        return "in the " + period_label
    return "in " + period_label


def low_count_note(u: str = "events") -> str:
    """The flag of a figure built on too few events, in tables and downloads."""
    return f"Fewer than {LOW_COUNT} {u}: unreliable"


def low_count_sentence(u: str = "events") -> str:
    return f"This is built on fewer than {LOW_COUNT} {u}: treat it with caution."


def residents(young: bool) -> str:
    return "residents aged 0-24" if young else "residents"


def per_thousand(value: object, young: bool = False) -> str:
    """ "1.51 per 1,000 residents"."""
    text = rate(value)
    return f"{text} per 1,000 {residents(young)}" if text else ""


def sentence(text: str) -> str:
    """Capitalised, ending with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def listing(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def rank_basis(by: str, young: bool = False) -> str:
    """What a rank is by: "rate per 1,000 residents" or "number of offences"."""
    return f"rate per 1,000 {residents(young)}" if by == "rate" else "count"


def rank_heading(by: str) -> str:
    """A ranking column's heading: "Rank by rate", "Rank by count"."""
    return "Rank by rate" if by == "rate" else "Rank by count"


def rank_words(rank: int, of: int, level: str, by: str = "rate", young: bool = False) -> str:
    """ "rank 3 of 679 wards by rate per 1,000 residents (1 is the highest)"."""
    return f"rank {rank:,} of {areas(of, level)} by {rank_basis(by, young)} (1 is the highest)"


def rank_within(rank: int, of: int, level: str, place: str) -> str:
    """ "rank 5 of 25 wards in Lambeth": a rank among the areas of one place, by the
    same value as the London rank it follows."""
    return f"rank {rank:,} of {areas(of, level)} in {place}"


def possessive(name: str) -> str:
    """ "Lambeth's", "Heathrow Villages'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def month(value: object) -> str:
    """ "February 2026"; blank when there is none."""
    if value is None or value is pd.NaT:
        return ""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return ""
    return "" if pd.isna(stamp) else f"{stamp:%B %Y}"


def uk_time(value: dt.datetime | None) -> str:
    """A stored time in UK time: "3 December 2026 at 09:46 UK time". A time without a
    zone is UTC (SQLite gives times back without theirs)."""
    if value is None:
        return "not recorded"
    stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    local = stamp.astimezone(LONDON_TIME)
    return f"{local.day} {local:%B %Y} at {local:%H:%M} UK time"


def z_score(value: object) -> str:
    """A z-score to two decimals, with a true minus sign: "2.31", "−1.05"."""
    return f"{float(value):.2f}".replace("-", MINUS) if _finite(value) else ""
