"""The risk to young people of being injured with a knife, in figures and in words.

The MPS counts knife injury victims aged 1 to 24 where the offence happened; the
nearest denominator is Census 2021 residents aged 0 to 24 (TS007A has five-year
bands only, so 1-24 cannot be told apart; babies under 1 are about a fifth of the
0-4 band, some 4% of residents aged 0-24). So the figure is worded as what it is,
"1 victim aged 1-24 for every N residents aged 0-24", never "1 in N young people
were injured": a victim may live elsewhere and a person hurt twice counts twice, so
it is not the chance that a young resident was hurt. The page says so.

Each area's rate carries an exact (Garwood) Poisson interval, and its ratio to London
is an indirectly standardised ratio: the victims recorded there over the number
London's rate would give for its young population, with the same exact interval.
London's own rate rests on thousands of victims and is treated as known.

Visitor areas (data.visitors) also get their victims per 1,000 workday population;
the Census publishes no workday population by age, so that rate is over people of
all ages, and `rate_all_ages` (per 1,000 residents of all ages) is its like.
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
from data.profiles import london_rate, london_workday_rate

MEASURES = ("knife_injury_victims_1_24_non_da", "knife_injury_victims_1_24")
HEADLINE = MEASURES[0]
# The young victims' share divides like by like. The knife file has no count of
# knife injury victims of all ages and none of knife crime with injury outside
# domestic abuse, so the only pair that agrees on domestic abuse is all young victims
# (domestic abuse included) over all knife crime with injury offences (domestic abuse
# included). One offence usually has one victim; one with two victims counts once
# below and twice above, so the share is close to, not exactly, a proportion.
SHARE_NUMERATOR = "knife_injury_victims_1_24"
SHARE_DENOMINATOR = "knife_crime_injury"
ALL_VICTIMS_PROXY = SHARE_DENOMINATOR  # the earlier name
SHARE_WORDS = (
    "knife injury victims aged 1-24 as a share of knife crime with injury offences "
    "(both including domestic abuse)"
)
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


def for_every(population: float, count: float) -> str:
    """ "2,300" in "1 victim for every 2,300 residents", rounded; "" for no victims."""
    n = one_in(population, count)
    return "" if n is None else f"{round_figure(n):,}"


def for_every_words(population: float, count: float) -> str:
    """ "1 for every 2,300" from residents and victims; "none" for no victims."""
    n = for_every(population, count)
    return f"1 for every {n}" if n else "none"


@dataclass(frozen=True)
class YoungRisk:
    """Every area of a level with its young victims, rate, interval and ratio to London.

    `frame` columns: code, name, parent_code; victims (aged 1-24, in the period);
    population (residents aged 0-24); rate, rate_low, rate_high (per 1,000 aged 0-24,
    exact 95% interval); ratio, ratio_low, ratio_high (to London's rate, with its
    interval); low_count (fewer than 10 victims); caveat; for_every ("2,300": residents
    aged 0-24 per victim, rounded; "" for none) and for_every_range ("1,100 to 1,600",
    or "more than 3,000" with no victims); ratio_words; rate_all_ages (per 1,000
    residents of all ages); workday_population, workday_ratio, visitor_flag and
    workday_rate (per 1,000 workday population, all ages: data.visitors).
    """

    measure: str
    level: str
    available: bool
    message: str
    period: Period | None
    frame: pd.DataFrame
    london_victims: int
    london_population: float
    london_rate: float  # per 1,000 aged 0-24
    london_rate_all_ages: float = float("nan")  # per 1,000 residents of all ages
    london_workday_rate: float = float("nan")  # per 1,000 workday population

    @property
    def london_for_every(self) -> str:
        return for_every_words(self.london_population, self.london_victims)


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
    out["for_every"] = [for_every(p, c) for p, c in zip(population, count, strict=True)]
    # The interval of N runs the other way: the highest rate is the smallest N.
    out["for_every_range"] = [
        _range_words(p, lo, hi) for p, lo, hi in zip(population, low, high, strict=True)
    ]
    residents = frame["population"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate_all_ages"] = np.where(residents > 0, count / residents * 1000, np.nan)
    for column in ("workday_population", "workday_ratio", "visitor_flag", "workday_rate"):
        out[column] = frame[column].to_numpy()
    out["ratio_words"] = [
        ratio_words(r, lo, hi)
        for r, lo, hi in zip(out["ratio"], out["ratio_low"], out["ratio_high"], strict=True)
    ]
    out = out.sort_values(["rate", "name"], ascending=[False, True], ignore_index=True)
    london_all = float(ds.population_of([LONDON_CODE], "all")[0])
    return YoungRisk(
        measure,
        level,
        True,
        "",
        period,
        out,
        london_victims,
        london_population,
        london,
        london_victims / london_all * 1000 if london_all > 0 else float("nan"),
        london_workday_rate(ds, measure, period),
    )


def _range_words(population: float, low: float, high: float) -> str:
    """ "1,100 to 1,600" residents per victim from the rate's interval (in victims)."""
    if not population > 0:
        return ""
    most = for_every(population, high)
    if low <= 0:
        return f"{most} to more than {round_figure(population):,}"
    return f"{most} to {for_every(population, low)}"


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
    "knife_injury_victims_1_24_non_da": (
        "knife injury victim aged 1-24 outside domestic abuse",
        "knife injury victims aged 1-24 outside domestic abuse",
    ),
    "knife_injury_victims_1_24": (
        "knife injury victim aged 1-24 (domestic abuse included)",
        "knife injury victims aged 1-24 (domestic abuse included)",
    ),
}


def risk_sentence(risk: YoungRisk, row: pd.Series | None = None, name: str = "") -> str:
    """The figure in words that cannot be read as a chance. With no row, London's:
    "In the 12 months to February 2026 the MPS recorded 1 knife injury victim aged 1-24
    outside domestic abuse for every 2,300 residents aged 0-24 in London (1,138 victims;
    2,672,732 residents, Census 2021)." With a row, the area's, beside London's."""
    one, many = VICTIM_WORDS[risk.measure]
    when = f"in the {risk.period.label[0].lower()}{risk.period.label[1:]}"
    if row is None:
        return (
            f"{when[0].upper()}{when[1:]} the MPS recorded 1 {one} for every "
            f"{for_every(risk.london_population, risk.london_victims)} residents aged 0-24 "
            f"in London ({risk.london_victims:,} victims; {risk.london_population:,.0f} "
            "residents, Census 2021)."
        )
    london = f"London: {risk.london_for_every}"
    if row["victims"] == 0:
        text = f"No {many} were recorded in {name} {when}; {london}."
    else:
        low, _, high = row["for_every_range"].partition(" to ")
        text = (
            f"{name}, {when}: 1 {one} for every {row['for_every']} residents aged 0-24 "
            f"(95% interval: 1 for every {low} to 1 for every {high}); {london}."
        )
    if row["low_count"]:
        text += (
            f" This rests on {int(row['victims'])} "
            f"victim{'' if row['victims'] == 1 else 's'}, fewer than {stats.LOW_COUNT}: "
            "one more or one fewer would change it a lot, so it is unreliable."
        )
    if bool(row.get("visitor_flag", False)) and np.isfinite(row.get("workday_rate", np.nan)):
        text += (
            f" {name} has {row['workday_ratio']:.1f} times as many people by day as residents "
            "(Census 2021 workday population), so victims recorded here may well live "
            f"elsewhere: per 1,000 workday population (all ages) the rate is "
            f"{row['workday_rate']:,.2f}, against {row['rate_all_ages']:,.2f} per 1,000 "
            f"residents of all ages (London {risk.london_workday_rate:,.2f} and "
            f"{risk.london_rate_all_ages:,.2f})."
        )
    return text


SHARE_COLUMNS = ["month", "victims", "offences", "share", "low", "high", "low_count"]


def young_share(ds: Dataset, level: str, code: str) -> pd.DataFrame:
    """Young victims (aged 1-24, domestic abuse included) as a share of knife crime with
    injury offences (domestic abuse included), over the 12 months to each month.

    Columns: month; victims and offences over the 12 months; share = victims /
    offences; low and high, the exact (Clopper-Pearson, 1934) 95% interval, only
    where victims and offences are both at least 10 and victims do not exceed
    offences (else NaN); low_count, fewer than 10 victims or offences.
    """
    victims = ds.series(SHARE_NUMERATOR, level)
    offences = ds.series(SHARE_DENOMINATOR, level)
    if code not in victims.areas or code not in offences.areas:
        return pd.DataFrame(columns=SHARE_COLUMNS)
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
    frame["low_count"] = (frame["victims"] < stats.LOW_COUNT) | (
        frame["offences"] < stats.LOW_COUNT
    )
    fits = ~frame["low_count"] & (frame["victims"] <= frame["offences"])
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)
    if fits.any():
        lo, hi = stats.binomial_interval(
            frame.loc[fits, "victims"].to_numpy(), frame.loc[fits, "offences"].to_numpy(), LEVEL
        )
        low[fits.to_numpy()] = lo
        high[fits.to_numpy()] = hi
    frame["low"], frame["high"] = low, high
    return frame[SHARE_COLUMNS]


def share_change(frame: pd.DataFrame) -> str:
    """The latest 12 months' share against the 12 months before, judged exactly."""
    if len(frame) < 13:
        return ""
    now, before = frame.iloc[-1], frame.iloc[-13]
    if bool(now["low_count"]) or bool(before["low_count"]):
        return (
            f"fewer than {stats.LOW_COUNT} victims or offences in one of the two years, "
            "too few to compare"
        )
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
