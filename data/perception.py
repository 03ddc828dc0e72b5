"""Public perception: the MOPAC Public Attitude Survey by borough, how sure each figure
is, and the same boroughs' recorded crime and homicide beside it.

Everything is driven by the measures present in the survey table, never by a list: a
question staff upload in the same layout (worry about knife crime, say) appears in
every perception view as soon as its version is published.

The survey file holds proportions only, and two facts about them shape every figure:

- Each figure is a rolling four-quarter (12-month) figure, as MOPAC publishes them.
  The file does not say so, but its quarter-on-quarter changes are negatively
  correlated four quarters apart, the signature of overlapping 12-month windows (a
  test checks this on the real file). Consecutive figures share three quarters of
  their interviews, so change is judged only against the figure a year earlier,
  which shares none.
- The file has no sample sizes. Intervals and tests assume the survey's design:
  about 100 interviews a quarter in each of the 32 boroughs, so about 400 behind a
  borough's figure and 12,800 behind London's. The survey is weighted and clustered,
  so those interviews count as fewer (the design effect, `stats.DESIGN_EFFECT`), and
  the figures are published to whole percentage points, so a published 47% may be
  anything from 46.5% to 47.5%: intervals cover every value a figure could have been
  rounded from, and a difference is only called significant if it would be whatever
  the unrounded figures were (METHODS.md, section 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from data import stats, visitors
from data.areas import (
    BOROUGHS,
    CITY_OF_LONDON_CODE,
    LONDON_CODE,
    LONDON_NAME,
    MPS_BOROUGHS,
)
from data.dataset import Dataset
from data.funnel import memoised
from data.periods import month_start, rolling_twelve_months

BOROUGH_INTERVIEWS = 400
LONDON_INTERVIEWS = 12_800
SIGNIFICANCE = 0.05

SAMPLE_ASSUMPTION = (
    "The survey file gives proportions but not how many people were asked. The "
    "intervals and tests on this page assume the survey's design: about 100 interviews "
    "in each borough every quarter, so about 400 behind each borough's figure and "
    f"12,800 behind London's. Because the survey is weighted and its interviews are "
    f"clustered, they are counted as worth {1 / stats.DESIGN_EFFECT:.0%} as many "
    f"independent answers (a design effect of {stats.DESIGN_EFFECT:g}). Figures are "
    "published to the nearest percentage point, so a published 47% could be anything "
    "from 46.5% to 47.5%: each interval covers all of those values, and a difference is "
    "only called significant if it would be whatever the figures were before rounding. "
    "The number of interviews is an assumption, not a published count: it varies from "
    "quarter to quarter, so the true intervals may still be somewhat wider than shown."
)
ROLLING_NOTE = (
    "Each figure covers the four quarters (12 months) ending on the date shown, as "
    "MOPAC publishes them. Consecutive figures share three quarters of their "
    "interviews, so a change from one quarter to the next is mostly the same answers "
    "again; a change is only tested against the figure a year earlier, which shares "
    "no interviews with it."
)
NOT_COVERED_NOTE = (
    "The City of London is not in the survey: it has its own police force, the City of "
    "London Police."
)

# A measure that names a weapon, worry, fear or safety is about concern over crime;
# "Listen to concerns" (about the police) deliberately does not match.
_CONCERN = re.compile(
    r"\b(knife|knives|gun|guns|firearm|weapon|shooting|stabbing|worr|fear|afraid|safe|unsafe)",
    re.IGNORECASE,
)
CONCERN_GROUP = "Worry about crime and safety"
POLICE_GROUP = "Views of the police"
# The confidence measure MOPAC leads with; the default when no concern measure exists.
HEADLINE_MEASURE = '"Good Job" local'

# Measures of recorded crime a survey measure can be set beside: weapon-enabled crime
# and possession of weapons. Homicide has its own section (its counts are too small for
# a borough's 12 months), and positive outcomes are not a level of crime.
COMPARISON_GROUPS = ("knife", "gun")
COMPARISON_CONTEXT = ("possession_of_weapons",)
HOMICIDE_MEASURES = ("homicide_knife", "homicide_shooting")


def is_concern(name: str) -> bool:
    return bool(_CONCERN.search(name))


# A measure's key goes into the address, whose values are at most 120 characters
# (presenters/common/state.py); a longer name (the survey reader takes 200) is cut at a
# word, and `survey_measures` tells apart two that are cut to the same key.
MAX_KEY = 80


def slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    out = ""
    for word in words:
        longer = f"{out}-{word}" if out else word
        if len(longer) > MAX_KEY:
            break
        out = longer
    return out or (words[0][:MAX_KEY] if words else "measure")


@dataclass(frozen=True)
class SurveyMeasure:
    """One survey question as published: its figures are proportions of residents."""

    key: str  # for URLs
    survey: str
    name: str
    concern: bool
    first: pd.Timestamp
    last: pd.Timestamp
    boroughs: int

    @property
    def group(self) -> str:
        return CONCERN_GROUP if self.concern else POLICE_GROUP


def survey_measures(ds: Dataset) -> list[SurveyMeasure]:
    """Every (survey, measure) in the published survey table, concern measures first."""
    return memoised(ds, ("perception", "measures"), lambda: _survey_measures(ds), small=True)


def _survey_measures(ds: Dataset) -> list[SurveyMeasure]:
    table = ds.tables.survey
    if table.empty:
        return []
    surveys = set(table["survey"])
    found = []
    for (survey, name), rows in table.groupby(["survey", "measure"], sort=True):
        rows = rows[rows["area_code"].isin(MPS_BOROUGHS | {LONDON_CODE})]
        if rows.empty:  # figures for the City of London alone: nothing the page can show
            continue
        dates = pd.to_datetime(rows["quarter_end"])
        boroughs = int(rows.loc[rows["area_code"].isin(MPS_BOROUGHS), "area_code"].nunique())
        text = name if len(surveys) == 1 else f"{survey} {name}"
        found.append((str(survey), str(name), slug(text), dates.min(), dates.max(), boroughs))
    out, used = [], set()
    for survey, name, key, first, last, boroughs in found:
        unique, n = key, 2
        while unique in used:
            unique, n = f"{key}-{n}", n + 1
        used.add(unique)
        out.append(SurveyMeasure(unique, survey, name, is_concern(name), first, last, boroughs))
    return sorted(out, key=lambda m: (not m.concern, m.survey, m.name.strip('"').lower()))


def find_measure(ds: Dataset, key: str | None) -> SurveyMeasure | None:
    return next((m for m in survey_measures(ds) if m.key == key), None)


def default_measure(ds: Dataset) -> SurveyMeasure | None:
    """A concern measure when one has been uploaded, else MOPAC's headline measure."""
    measures = survey_measures(ds)
    if not measures:
        return None
    if measures[0].concern:
        return measures[0]
    return next((m for m in measures if m.name == HEADLINE_MEASURE), measures[0])


def area_name(code: str) -> str:
    return LONDON_NAME if code == LONDON_CODE else BOROUGHS.get(code, code)


def percent(value: float) -> str:
    return "" if pd.isna(value) else f"{value * 100:.0f}%"


# -- one measure's figures -----------------------------------------------------------


def measure_figures(ds: Dataset, measure: SurveyMeasure) -> pd.DataFrame:
    """Every figure of a measure, one row per quarter and area (boroughs and London).

    Columns: quarter_end, area_code, name, interviews (assumed), effective_interviews
    (interviews / design effect), proportion, low, high (95% Wilson limits on the
    effective interviews, widened to cover the rounding of the published figure);
    London's figure and limits for the same quarter; vs_london_p
    and vs_london_q (Benjamini-Hochberg over the boroughs of the quarter) and
    vs_london (words); year_before, change (proportion points), change_p, change_q
    and change_words, against the figure four quarters earlier.
    """
    return memoised(
        ds, ("perception", "figures", measure.key), lambda: _measure_figures(ds, measure)
    )


def _measure_figures(ds: Dataset, measure: SurveyMeasure) -> pd.DataFrame:
    table = ds.tables.survey
    rows = table[(table["survey"] == measure.survey) & (table["measure"] == measure.name)]
    rows = rows[rows["area_code"].isin(MPS_BOROUGHS | {LONDON_CODE})]
    frame = pd.DataFrame(
        {
            "quarter_end": pd.to_datetime(rows["quarter_end"]).to_numpy(),
            "area_code": rows["area_code"].astype(str).to_numpy(),
            "proportion": rows["proportion"].astype(float).to_numpy(),
        }
    )
    frame["name"] = frame["area_code"].map(area_name)
    london = frame["area_code"] == LONDON_CODE
    frame["interviews"] = np.where(london, LONDON_INTERVIEWS, BOROUGH_INTERVIEWS)
    frame["effective_interviews"] = frame["interviews"] / stats.DESIGN_EFFECT
    rounding = stats.published_resolution(frame["proportion"])
    frame["low"], frame["high"] = stats.survey_interval(
        frame["proportion"], frame["interviews"], stats.DESIGN_EFFECT, rounding
    )
    by_quarter = frame[london].set_index("quarter_end")
    for column, source in (("london", "proportion"), ("london_low", "low"),
                           ("london_high", "high")):  # fmt: skip
        frame[column] = frame["quarter_end"].map(by_quarter[source]).astype(float)
    frame["vs_london_p"] = np.where(
        london,
        np.nan,
        versus_london_test(frame["proportion"], frame["london"], resolution=rounding),
    )
    earlier = frame.assign(quarter_end=frame["quarter_end"].map(year_later))
    earlier = earlier.set_index(["quarter_end", "area_code"])["proportion"]
    keys = pd.MultiIndex.from_frame(frame[["quarter_end", "area_code"]])
    frame["year_before"] = earlier.reindex(keys).to_numpy()
    frame["change"] = frame["proportion"] - frame["year_before"]
    frame["change_p"] = stats.survey_difference_test(
        frame["proportion"], frame["interviews"], frame["year_before"], frame["interviews"],
        stats.DESIGN_EFFECT, rounding,
    )  # fmt: skip
    frame["vs_london_q"] = np.nan
    frame["change_q"] = np.where(london, frame["change_p"], np.nan)
    for _, index in frame[~london].groupby("quarter_end").groups.items():
        frame.loc[index, "vs_london_q"] = stats.benjamini_hochberg(frame.loc[index, "vs_london_p"])
        frame.loc[index, "change_q"] = stats.benjamini_hochberg(frame.loc[index, "change_p"])
    frame["vs_london"] = [
        versus_london_words(p, ldn, q) if not is_london else ""
        for p, ldn, q, is_london in zip(
            frame["proportion"], frame["london"], frame["vs_london_q"], london, strict=True
        )
    ]
    frame["change_words"] = [
        change_words(now, before, q)
        for now, before, q in zip(
            frame["proportion"], frame["year_before"], frame["change_q"], strict=True
        )
    ]
    order = ["quarter_end", "area_code", "name", "interviews", "effective_interviews",
             "proportion", "low", "high",
             "london", "london_low", "london_high", "vs_london_p", "vs_london_q", "vs_london",
             "year_before", "change", "change_p", "change_q", "change_words"]  # fmt: skip
    return frame[order].sort_values(["quarter_end", "name"]).reset_index(drop=True)


def year_later(quarter_end: pd.Timestamp) -> pd.Timestamp:
    """The date a year after a figure's: the figure it is the year-earlier one of."""
    return pd.Timestamp(quarter_end) + pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)


def year_earlier(quarter_end: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(quarter_end) - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)


def versus_london_test(
    borough: pd.Series | np.ndarray | float,
    london: pd.Series | np.ndarray | float,
    borough_n: float = BOROUGH_INTERVIEWS,
    london_n: float = LONDON_INTERVIEWS,
    design_effect: float = stats.DESIGN_EFFECT,
    resolution: float = 0.0,
) -> np.ndarray | float:
    """p-value for "the borough's residents answer as the rest of London's do".

    London's figure includes the borough's own interviews, so the borough is compared
    with the rest of London (London's answers less the borough's), two independent
    samples. London's published figure is weighted, so the rest is approximate. Both
    samples count as their interviews / `design_effect`; the borough's and London's
    figures are first moved towards each other by the rounding (`resolution`), the
    least favourable values they could have been rounded from, since the gap between
    the borough and the rest of London is the gap between the borough and London
    scaled by London / (London - borough) interviews.
    """
    b = np.asarray(borough, dtype=float)
    whole = np.asarray(london, dtype=float)
    step = np.minimum(resolution, np.abs(b - whole) / 2)
    sign = np.sign(b - whole)
    b, whole = b - sign * step, whole + sign * step
    rest_n = london_n - borough_n
    rest = np.clip((whole * london_n - b * borough_n) / rest_n, 0, 1)
    return stats.two_proportion_test(b, borough_n / design_effect, rest, rest_n / design_effect)


def versus_london_words(borough: float, london: float, q: float) -> str:
    if pd.isna(borough) or pd.isna(london):
        return "no London figure to compare with"
    shown = percent(london)
    if not pd.isna(q) and q < SIGNIFICANCE:
        side = "higher" if borough > london else "lower"
        return f"{side} than London's {shown}, by more than chance would explain"
    return f"not significantly different from London's {shown}"


def points(change: float) -> str:
    size = abs(round(change * 100))
    return f"{size} percentage point{'' if size == 1 else 's'}"


def change_words(now: float, before: float, q: float) -> str:
    """The change on a year earlier in words; "significant" only when the test passes."""
    if pd.isna(now) or pd.isna(before):
        return ""
    if round(now * 100) == round(before * 100):
        return f"the same as a year earlier ({percent(before)})"
    direction = "up" if now > before else "down"
    if not pd.isna(q) and q < SIGNIFICANCE:
        judgement = "a statistically significant " + ("rise" if now > before else "fall")
    else:
        judgement = "not a statistically significant change"
    return f"{direction} {points(now - before)} on a year earlier ({percent(before)}), {judgement}"


def quarters(ds: Dataset, measure: SurveyMeasure) -> list[pd.Timestamp]:
    """The dates the measure has figures for, latest first."""
    figures = measure_figures(ds, measure)
    return sorted(set(figures["quarter_end"]), reverse=True)


def quarter_label(quarter_end: pd.Timestamp) -> str:
    """ "12 months to December 2023": what a rolling figure covers."""
    return f"12 months to {pd.Timestamp(quarter_end):%B %Y}"


def area_trend(ds: Dataset, measure: SurveyMeasure, code: str) -> pd.DataFrame:
    """One area's figures by quarter, with London's beside them."""
    figures = measure_figures(ds, measure)
    return figures[figures["area_code"] == code].reset_index(drop=True)


def borough_figures(ds: Dataset, measure: SurveyMeasure, quarter: pd.Timestamp) -> pd.DataFrame:
    """All 33 boroughs for one quarter, with `status` ok, no data or not covered and the
    rank of each figure (1 is the highest)."""
    return memoised(
        ds,
        ("perception", "boroughs", measure.key, pd.Timestamp(quarter)),
        lambda: _borough_figures(ds, measure, quarter),
    )


def _borough_figures(ds: Dataset, measure: SurveyMeasure, quarter: pd.Timestamp) -> pd.DataFrame:
    figures = measure_figures(ds, measure)
    rows = figures[(figures["quarter_end"] == quarter) & (figures["area_code"] != LONDON_CODE)]
    base = pd.DataFrame({"area_code": list(BOROUGHS)})
    base["name"] = base["area_code"].map(BOROUGHS)
    out = base.merge(rows.drop(columns=["name"]), on="area_code", how="left")
    out["quarter_end"] = pd.Timestamp(quarter)
    out["status"] = np.where(
        out["area_code"] == CITY_OF_LONDON_CODE,
        "not covered",
        np.where(out["proportion"].notna(), "ok", "no data"),
    )
    out["rank"] = out["proportion"].rank(ascending=False, method="min")
    return out.sort_values("name").reset_index(drop=True)


def extremes(frame: pd.DataFrame) -> tuple[list[str], list[str], float, float]:
    """Every borough with the highest published figure and every one with the lowest
    (names in alphabetical order), and the two figures: boroughs that share a figure
    share the place, so none is named alone. `frame` is `borough_figures(...)`."""
    shown = frame[frame["status"] == "ok"]
    if shown.empty:
        return [], [], np.nan, np.nan
    # Published figures are rounded; compare them as published, not to float noise.
    figures = shown["proportion"].round(6)
    top, bottom = figures.max(), figures.min()
    return (
        sorted(shown.loc[figures == top, "name"]),
        sorted(shown.loc[figures == bottom, "name"]),
        float(top),
        float(bottom),
    )


# -- recorded crime beside it ----------------------------------------------------------


def comparison_measures(ds: Dataset) -> list[str]:
    """Recorded-crime measures with borough figures for 12 months ending at a survey date."""
    return memoised(ds, ("perception", "comparisons"), lambda: _comparisons(ds), small=True)


def _comparisons(ds: Dataset) -> list[str]:
    wanted = [
        str(m.id)
        for m in ds.measures.itertuples()
        if m.grp in COMPARISON_GROUPS or m.id in COMPARISON_CONTEXT
    ]
    return [m for m in wanted if not crime_rates(ds, m, survey_dates(ds)).empty]


def survey_dates(ds: Dataset) -> list[pd.Timestamp]:
    return memoised(ds, ("perception", "dates"), lambda: _survey_dates(ds), small=True)


def _survey_dates(ds: Dataset) -> list[pd.Timestamp]:
    table = ds.tables.survey
    return sorted(set(pd.to_datetime(table["quarter_end"]))) if not table.empty else []


CRIME_COLUMNS = ["quarter_end", "area_code", "count", "population", "rate", "low_count"]


def crime_rates(ds: Dataset, measure: str, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """Recorded crime in the 12 months ending at each survey date, per 1,000 residents.

    The same 12 months as the survey figure for that date; boroughs and London, one
    row per date and area, only where the data cover all 12 months.
    """
    every = memoised(
        ds, ("perception", "crime", measure), lambda: _crime_rates(ds, measure, survey_dates(ds))
    )
    wanted = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    missing = wanted.difference(pd.DatetimeIndex(survey_dates(ds)))
    found = every[every["quarter_end"].isin(wanted)]
    if len(missing):
        found = pd.concat([found, _crime_rates(ds, measure, list(missing))])
    return found.reset_index(drop=True)


def _crime_rates(ds: Dataset, measure: str, dates: list[pd.Timestamp]) -> pd.DataFrame:
    parts = []
    for level in ("borough", "london"):
        series = ds.series(measure, level)
        keep = np.asarray(series.areas.isin(MPS_BOROUGHS | {LONDON_CODE}))
        # Sums over any 12 months are differences of one running total.
        running = np.concatenate(
            [np.zeros((len(series.areas), 1)), np.cumsum(series.values, axis=1)], axis=1
        )
        for when in dates:
            period = rolling_twelve_months(month_start(when))
            if not series.covers(period.start, period.end):
                continue
            end = series.months.get_loc(period.end) + 1
            counts = running[:, end] - running[:, end - period.months]
            parts.append(
                pd.DataFrame(
                    {
                        "quarter_end": pd.Timestamp(when),
                        "area_code": series.areas[keep].astype(str),
                        "count": counts[keep].round().astype(int),
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=CRIME_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["population"] = ds.population_of(out["area_code"], "all")
    out["rate"] = out["count"] / out["population"] * 1000
    out["low_count"] = out["count"] < stats.LOW_COUNT
    return out[CRIME_COLUMNS]


def borough_rate_caveats(ds: Dataset) -> dict[str, list[str]]:
    """Borough -> its wards whose rates per resident overstate risk (visitors, an airport):
    the borough's own rate per resident is raised by them too."""
    flagged = visitors.flagged_areas(ds, "ward")
    wards = ds.areas[ds.areas.index.isin(list(flagged.loc[flagged["covered"], "code"]))]
    out: dict[str, list[str]] = {}
    for code, parent in zip(wards.index, wards["parent_code"], strict=True):
        out.setdefault(str(parent), []).append(str(ds.areas.loc[code, "name"]))
    return {parent: sorted(names) for parent, names in out.items()}


@dataclass(frozen=True)
class Association:
    """How a survey measure and a crime rate line up across the boroughs of a quarter."""

    frame: pd.DataFrame  # boroughs with both figures, and their ranks on each
    rho: float
    p_value: float
    n: int

    @property
    def significant(self) -> bool:
        return not np.isnan(self.p_value) and self.p_value < SIGNIFICANCE


def beside_crime(
    ds: Dataset, measure: SurveyMeasure, crime: str, quarter: pd.Timestamp
) -> Association:
    """Each borough's survey figure against its crime rate over the same 12 months.

    Spearman's rank correlation, because the question is whether boroughs with more
    crime tend to answer differently, not whether the relation is a straight line.
    """
    survey = borough_figures(ds, measure, quarter)
    survey = survey[survey["status"] == "ok"]
    rates = crime_rates(ds, crime, [quarter])
    rates = rates[rates["area_code"] != LONDON_CODE][["area_code", "count", "population", "rate",
                                                       "low_count"]]  # fmt: skip
    frame = survey.merge(rates, on="area_code", how="inner")
    frame = frame[frame["rate"].notna()].copy()
    frame["survey_rank"] = frame["proportion"].rank(ascending=False, method="min")
    frame["crime_rank"] = frame["rate"].rank(ascending=False, method="min")
    n = len(frame)
    rho = p = float("nan")
    distinct = n >= 3 and frame["proportion"].nunique() > 1 and frame["rate"].nunique() > 1
    if distinct:
        result = scipy_stats.spearmanr(frame["rate"], frame["proportion"])
        rho, p = float(result.statistic), float(result.pvalue)
    return Association(frame.sort_values("name").reset_index(drop=True), rho, p, n)


def association_words(found: Association, survey_name: str, crime_label: str) -> str:
    """What the correlation says, and what it does not; `crime_label` reads after
    "rates of" ("knife crime")."""
    if np.isnan(found.rho):
        return (
            f"There are too few boroughs with both figures ({found.n}) to say how "
            f"{survey_name} and rates of {crime_label} line up."
        )
    p = found.p_value
    shown = stats.p_text(p)
    shown = f"Spearman rank correlation {found.rho:+.2f}, {shown}"
    if found.significant:
        direction = "higher" if found.rho > 0 else "lower"
        lead = (
            f"Across the {found.n} boroughs, those with higher rates of {crime_label} "
            f"tended to have {direction} figures for {survey_name} ({shown})."
        )
    else:
        lead = (
            f"Across the {found.n} boroughs there is no clear link between rates of "
            f"{crime_label} and {survey_name} ({shown}): the "
            "pattern is within what chance alone would give."
        )
    return (
        lead + " This compares boroughs, not people, and says nothing about whether one "
        "causes the other."
    )


def beside_crime_trend(ds: Dataset, measure: SurveyMeasure, crime: str, code: str) -> pd.DataFrame:
    """An area's survey figure and its crime rate at each survey date, with London's."""
    trend = area_trend(ds, measure, code)
    dates = list(trend["quarter_end"])
    rates = crime_rates(ds, crime, dates)
    mine = rates[rates["area_code"] == code].set_index("quarter_end")
    london = rates[rates["area_code"] == LONDON_CODE].set_index("quarter_end")
    out = trend[["quarter_end", "proportion", "low", "high", "london"]].copy()
    out["count"] = out["quarter_end"].map(mine["count"]) if len(mine) else np.nan
    out["rate"] = out["quarter_end"].map(mine["rate"]) if len(mine) else np.nan
    out["low_count"] = out["count"] < stats.LOW_COUNT
    out["london_rate"] = out["quarter_end"].map(london["rate"]) if len(london) else np.nan
    return out


# -- homicide --------------------------------------------------------------------------


def homicide_years(ds: Dataset, code: str) -> pd.DataFrame:
    """Homicide victims by calendar year and method for a borough or London.

    One row per year with `months` (12 unless the data stop within it) and, for each
    method, the count, its exact 95% Poisson limits and whether it is below 10.
    """
    level = "london" if code == LONDON_CODE else "borough"
    out: pd.DataFrame | None = None
    for measure in HOMICIDE_MEASURES:
        series = ds.series(measure, level)
        if code not in series.areas:
            continue
        counts = pd.Series(series.values[series.areas.get_loc(code)], index=series.months)
        yearly = counts.groupby(counts.index.year).agg(["sum", "size"])
        frame = pd.DataFrame({"year": yearly.index.astype(int), "months": yearly["size"].values})
        frame[measure] = yearly["sum"].to_numpy().astype(int)
        low, high = stats.poisson_interval(frame[measure].to_numpy())
        frame[f"{measure}_low"], frame[f"{measure}_high"] = low, high
        frame[f"{measure}_low_count"] = frame[measure] < stats.LOW_COUNT
        out = frame if out is None else out.merge(frame, on=["year", "months"], how="outer")
    if out is None:
        return pd.DataFrame(columns=["year", "months"])
    return out.sort_values("year").reset_index(drop=True)


@dataclass(frozen=True)
class HomicideChange:
    measure: str
    recent: tuple[int, int]  # first and last year
    earlier: tuple[int, int]
    count_recent: int
    count_earlier: int
    p_value: float
    verdict: str


def homicide_change(years: pd.DataFrame, measure: str, span: int = 5) -> HomicideChange | None:
    """The last `span` full years against the `span` before, by the exact Poisson test."""
    if measure not in years.columns:
        return None
    full = years[years["months"] == 12]
    if len(full) < 2 * span:
        return None
    recent, earlier = full.iloc[-span:], full.iloc[-2 * span : -span]
    now, before = int(recent[measure].sum()), int(earlier[measure].sum())
    p = stats.poisson_change_test(now, before)
    return HomicideChange(
        measure,
        (int(recent["year"].iloc[0]), int(recent["year"].iloc[-1])),
        (int(earlier["year"].iloc[0]), int(earlier["year"].iloc[-1])),
        now,
        before,
        p,
        stats.change_verdict(now, before, p),
    )


# -- download --------------------------------------------------------------------------


def figures_for_download(ds: Dataset, measure: SurveyMeasure) -> pd.DataFrame:
    """Every figure of a measure, as the page shows them, for a spreadsheet."""
    figures = measure_figures(ds, measure)
    return pd.DataFrame(
        {
            "survey": measure.survey,
            "measure": measure.name,
            "twelve_months_to": figures["quarter_end"].dt.strftime("%Y-%m-%d"),
            "area_code": figures["area_code"],
            "area": figures["name"],
            "proportion": figures["proportion"],
            "interviews_assumed": figures["interviews"],
            "design_effect": stats.DESIGN_EFFECT,
            "lower_95": figures["low"].round(4),
            "upper_95": figures["high"].round(4),
            "london": figures["london"],
            "compared_with_london": figures["vs_london"],
            "q_value_vs_london": figures["vs_london_q"].round(4),
            "a_year_earlier": figures["year_before"],
            "change_on_a_year_earlier": figures["change_words"],
            "q_value_change": figures["change_q"].round(4),
        }
    )
