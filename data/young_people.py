"""The risk to young people of being injured with a knife, in figures and in words.

The MPS counts knife injury victims aged 1 to 24 where the offence happened; the
nearest denominator is Census 2021 residents aged 0 to 24. So "1 in N" is the number
of victims per resident of that age, not the chance that a resident was hurt: a
victim may live elsewhere, and a person hurt twice is counted twice. The page says so.

Each area's rate carries an exact (Garwood) Poisson interval, and its ratio to London
is an indirectly standardised ratio: the victims recorded there over the number
London's rate would give for its young population, with the same exact interval.
London's own rate rests on thousands of victims and is treated as known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from data import queries, stats
from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.funnel import area_values
from data.periods import Period
from data.profiles import london_rate

MEASURES = ("knife_injury_victims_1_24_non_da", "knife_injury_victims_1_24")
HEADLINE = MEASURES[0]
# All-age knife injury victims are not published; knife crime with injury offences
# (one victim in almost every offence) is the denominator of the young victims' share.
ALL_VICTIMS_PROXY = "knife_crime_injury"
LEVELS = ("borough", "ward")
LEVEL = 0.95


def one_in(population: float, count: float) -> float | None:
    """N in "1 in N": residents per victim; None when there were no victims."""
    if not (count > 0) or not (population > 0):
        return None
    return population / count


def round_figure(value: float) -> int:
    """Two significant figures, the precision a "1 in N" can honestly carry."""
    if value <= 0 or not math.isfinite(value):
        raise ValueError(f"cannot round {value!r} to a 1-in-N figure")
    digits = max(0, math.floor(math.log10(value)) - 1)
    return int(round(value / 10**digits) * 10**digits)


def one_in_words(population: float, count: float) -> str:
    """ "1 in 1,300" from residents and victims; "none" for no victims."""
    n = one_in(population, count)
    if n is None:
        return "none"
    return f"1 in {round_figure(n):,}"


@dataclass(frozen=True)
class YoungRisk:
    """Every area of a level with its young victims, rate, interval and ratio to London."""

    measure: str
    level: str
    available: bool
    message: str
    period: Period | None
    frame: pd.DataFrame
    london_victims: int
    london_population: float
    london_rate: float  # per 1,000 aged 0-24

    @property
    def london_one_in(self) -> str:
        return one_in_words(self.london_population, self.london_victims)


def young_risk(ds: Dataset, measure: str = HEADLINE, level: str = "borough") -> YoungRisk:
    """The latest 12 months of a young-victim measure for every borough or ward."""
    empty = pd.DataFrame()
    if measure not in MEASURES or level not in LEVELS:
        raise ValueError(f"no young people's figures for {measure!r} by {level!r}")
    values = area_values(ds, measure, level, "r12")
    if not values.available:
        return YoungRisk(measure, level, False, values.message, values.period, empty, 0, 0, 0)
    period = values.period
    frame = values.frame
    frame = frame[frame["status"] == queries.OK].copy()
    london = london_rate(ds, measure, period, young=True)
    london_population = float(ds.population_of([LONDON_CODE], "0-24")[0])
    series = ds.series(measure, "london")
    london_victims = int(series.window(period.start, period.end).sum())
    count = frame["count"].to_numpy(dtype=float)
    population = frame["population_0_24"].to_numpy(dtype=float)
    low, high = stats.poisson_interval(count, LEVEL)
    expected = london * population / 1000
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "code": frame["code"].to_numpy(),
                "name": frame["name"].to_numpy(),
                "parent_code": frame["parent_code"].to_numpy(),
                "victims": count.astype(int),
                "population": population,
                "rate": count / population * 1000,
                "rate_low": low / population * 1000,
                "rate_high": high / population * 1000,
                "ratio": count / expected,
                "ratio_low": low / expected,
                "ratio_high": high / expected,
                "low_count": count < stats.LOW_COUNT,
                "caveat": [c if isinstance(c, str) else "" for c in frame["caveat"]],
            }
        )
    out["one_in"] = [one_in_words(p, c) for p, c in zip(population, count, strict=True)]
    # The interval of "1 in N" runs the other way: the highest rate is the smallest N.
    out["one_in_range"] = [
        _range_words(p, lo, hi) for p, lo, hi in zip(population, low, high, strict=True)
    ]
    out["ratio_words"] = [
        ratio_words(r, lo, hi)
        for r, lo, hi in zip(out["ratio"], out["ratio_low"], out["ratio_high"], strict=True)
    ]
    out = out.sort_values(["rate", "name"], ascending=[False, True], ignore_index=True)
    return YoungRisk(
        measure, level, True, "", period, out, london_victims, london_population, london
    )


def _range_words(population: float, low: float, high: float) -> str:
    if not population > 0:
        return ""
    most = one_in_words(population, high)
    least = "fewer than 1 in " + f"{round_figure(population):,}" if low <= 0 else None
    return f"{most} to {least or one_in_words(population, low)}"


def ratio_words(ratio: float, low: float, high: float) -> str:
    """Where an area stands against London, judged on its interval, not its point."""
    if not np.isfinite(ratio):
        return ""
    if low > 1:
        return f"higher than London ({ratio:.1f} times London's rate)"
    if high < 1:
        return f"lower than London ({ratio:.1f} times London's rate)"
    return "not clearly different from London"


VICTIM_WORDS = {
    "knife_injury_victims_1_24_non_da": "injured with a knife outside domestic abuse",
    "knife_injury_victims_1_24": "injured with a knife",
}


def risk_sentence(risk: YoungRisk, row: pd.Series | None = None, name: str = "") -> str:
    """ "About 1 in 1,300 young people in Lambeth were injured with a knife in the 12
    months to February 2026 (likely between 1 in 1,100 and 1 in 1,600); London: 1 in
    2,100." With no row, London's own sentence."""
    injured = VICTIM_WORDS[risk.measure]
    when = f"in the {risk.period.label[0].lower()}{risk.period.label[1:]}"
    if row is None:
        return (
            f"About {risk.london_one_in} young people in London were {injured} {when}: "
            f"{risk.london_victims:,} victims aged 1 to 24 and "
            f"{risk.london_population:,.0f} residents aged 0 to 24."
        )
    if row["victims"] == 0:
        text = f"No young people were recorded as {injured} in {name} {when}"
        text += f"; London: {risk.london_one_in}."
    else:
        text = (
            f"About {row['one_in']} young people in {name} were {injured} {when} "
            f"(likely between {row['one_in_range'].replace(' to ', ' and ')}); "
            f"London: {risk.london_one_in}."
        )
    if row["low_count"]:
        text += (
            f" This rests on {int(row['victims'])} "
            f"victim{'' if row['victims'] == 1 else 's'}, fewer than {stats.LOW_COUNT}: "
            "one more or one fewer would change it a lot, so it is unreliable."
        )
    return text


def young_share(ds: Dataset, level: str, code: str, measure: str = HEADLINE) -> pd.DataFrame:
    """Young victims as a share of knife crime with injury, over the 12 months to each
    month, with an exact (Clopper-Pearson) interval where the share can be one.

    The MPS publishes no count of knife injury victims of all ages; offences of knife
    crime with injury stand in for it (most such offences have one victim), so the
    share is approximate, and in a small area it can even pass 100%.
    """
    victims = ds.series(measure, level)
    offences = ds.series(ALL_VICTIMS_PROXY, level)
    if code not in victims.areas or code not in offences.areas:
        return pd.DataFrame(columns=["month", "victims", "offences", "share", "low", "high"])
    months = victims.months.intersection(offences.months)
    v = pd.Series(victims.values[victims.areas.get_loc(code)], index=victims.months)
    o = pd.Series(offences.values[offences.areas.get_loc(code)], index=offences.months)
    v = v.reindex(months).rolling(12, min_periods=12).sum()
    o = o.reindex(months).rolling(12, min_periods=12).sum()
    frame = pd.DataFrame({"month": months, "victims": v.to_numpy(), "offences": o.to_numpy()})
    frame = frame.dropna().reset_index(drop=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["share"] = np.where(
            frame["offences"] > 0, frame["victims"] / frame["offences"], np.nan
        )
    fits = (frame["offences"] > 0) & (frame["victims"] <= frame["offences"])
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)
    if fits.any():
        lo, hi = stats.binomial_interval(
            frame.loc[fits, "victims"].to_numpy(), frame.loc[fits, "offences"].to_numpy(), LEVEL
        )
        low[fits.to_numpy()] = lo
        high[fits.to_numpy()] = hi
    frame["low"], frame["high"] = low, high
    return frame


def share_change(frame: pd.DataFrame) -> str:
    """The latest 12 months' share against the 12 months before, judged exactly."""
    if len(frame) < 13:
        return ""
    now, before = frame.iloc[-1], frame.iloc[-13]
    if not (now["offences"] > 0 and before["offences"] > 0):
        return ""
    # Conditional on all victims in both years, the young victims now are binomial.
    table = np.array([[now["victims"], now["offences"] - now["victims"]],
                      [before["victims"], before["offences"] - before["victims"]]])  # fmt: skip
    if (table < 0).any():
        return ""
    p = fisher_exact(table).pvalue
    moved = "higher" if now["share"] > before["share"] else "lower"
    if now["share"] == before["share"]:
        return "the same as the 12 months before"
    verdict = "a statistically significant change" if p < 0.05 else "not a significant change"
    return (
        f"{now['share']:.0%} in the 12 months to {now['month']:%B %Y}, {moved} than "
        f"{before['share']:.0%} a year earlier ({verdict}, Fisher's exact test p = {p:.2f})"
    )
