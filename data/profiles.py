"""One area's figures, in words and tables: the area profile.

Everything is computed from the same views as the map and the at-risk ranking
(`funnel.area_values`), so a ward's rate and rank read the same on every page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import queries, stats
from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.funnel import (
    LEVEL_WORDS,
    MEANINGS,
    area_funnel,
    area_values,
    memoised,
    overdispersion_words,
)
from data.periods import Period

PROFILE_LEVELS = ("ward", "borough", "bcu")
HEADLINE = "knife_crime"
YOUNG_HEADLINE = "knife_injury_victims_1_24_non_da"
OUTCOME_MEASURES = ("knife_crime", "knife_crime_injury")
ROLLING = 12

_SINGULAR = {"offences": "offence", "victims": "victim", "outcomes": "outcome"}


@dataclass(frozen=True)
class AreaFacts:
    code: str
    name: str
    level: str
    borough_code: str | None
    borough: str | None
    bcu: str | None
    covered: bool
    caveat: str
    members: tuple[str, ...] = ()  # a BCU's boroughs

    @property
    def description(self) -> str:
        if self.level == "ward":
            where = f"Ward in {self.borough}"
            return where + (f", {self.bcu} BCU" if self.bcu else "")
        if self.level == "borough":
            return "London borough" + (f" in the {self.bcu} BCU" if self.bcu else "")
        return "Basic Command Unit covering " + _and(self.members)


def _and(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def area_facts(ds: Dataset, code: str) -> AreaFacts | None:
    """Name, borough and BCU of a ward, borough or BCU; None for any other code."""
    if code not in ds.areas.index:
        return None
    row = ds.areas.loc[code]
    level = str(row["level"])
    if level not in PROFILE_LEVELS:
        return None
    borough_code = None
    if level == "ward":
        borough_code = str(row["parent_code"])
    elif level == "borough":
        borough_code = code
    borough = str(ds.areas.loc[borough_code, "name"]) if borough_code in ds.areas.index else None
    bcu = _text(row["bcu"]) or None
    members: tuple[str, ...] = ()
    if level == "bcu":
        boroughs = ds.areas[(ds.areas["level"] == "borough") & (ds.areas["bcu"] == bcu)]
        members = tuple(sorted(boroughs["name"]))
    return AreaFacts(
        code,
        str(row["name"]),
        level,
        borough_code,
        borough,
        bcu,
        bool(row["covered"]),
        _text(row["caveat"]),
        members,
    )


def area_choices(ds: Dataset) -> list[tuple[str, str]]:
    """(code, label) of every area with a profile; labels are unique, for a search list."""
    return memoised(ds, ("choices",), lambda: _area_choices(ds), small=True)


def _area_choices(ds: Dataset) -> list[tuple[str, str]]:
    areas = ds.areas[ds.areas["level"].isin(PROFILE_LEVELS)]
    boroughs = dict(zip(areas["code"], areas["name"], strict=True))
    choices = []
    for row in areas.itertuples():
        if row.level == "ward":
            label = f"{row.name} (ward in {boroughs.get(row.parent_code, '')})"
        elif row.level == "borough":
            label = f"{row.name} (borough)"
        else:
            label = str(row.name)
        choices.append((str(row.code), label))
    return sorted(choices, key=lambda c: c[1].casefold())


def find_area(ds: Dataset, text: str | None) -> str | None:
    """The area a person typed: a label from the list, a code, or a name only one area has."""
    wanted = " ".join((text or "").split()).casefold()
    if not wanted:
        return None
    choices = area_choices(ds)
    for code, label in choices:
        if wanted in (label.casefold(), code.casefold()):
            return code
    named = [code for code, _ in choices if str(ds.areas.loc[code, "name"]).casefold() == wanted]
    return named[0] if len(named) == 1 else None


# -- standing: count, rate, change and rank among peers ----------------------------


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_places(values: pd.Series) -> pd.DataFrame:
    """Every area's place among `values` in words, ("joint 2nd highest", 32): counted from
    the top in the upper half, from the bottom in the lower half, so no area is "the 679th
    highest". Areas without a value have no place."""
    values = values.dropna()
    array = values.to_numpy(dtype=float)
    ordered = np.sort(array)
    lower = np.searchsorted(ordered, array, side="left")
    higher = len(array) - np.searchsorted(ordered, array, side="right")
    joint = (len(array) - lower - higher) > 1
    places = []
    for up, down, tied in zip(higher.tolist(), lower.tolist(), joint.tolist(), strict=True):
        if up <= down:
            place = "highest" if up == 0 else f"{ordinal(up + 1)} highest"
        else:
            place = "lowest" if down == 0 else f"{ordinal(down + 1)} lowest"
        places.append(("joint " if tied else "") + place)
    return pd.DataFrame({"place": places, "of": len(array)}, index=values.index)


def rank_place(values: pd.Series, code: str) -> tuple[str, int] | None:
    places = rank_places(values)
    if code not in places.index:
        return None
    return str(places.at[code, "place"]), int(places.at[code, "of"])


def _phrase(place: str, of: int, peers: str) -> str:
    return f"the only one of its {peers}" if of == 1 else f"the {place} of {of} {peers}"


def rank_phrase(values: pd.Series, code: str, peers: str) -> str:
    """The place of `code` in words: "the 4th highest of 32 boroughs"."""
    found = rank_place(values, code)
    return "" if found is None else _phrase(*found, peers)


def peer_ranks(ds: Dataset, measure: str, level: str, period: str) -> pd.DataFrame:
    """Every area's place by rate in London and, for wards, among its borough's wards,
    for one view; memoised, so a profile looks its area up instead of re-ranking."""

    def compute() -> pd.DataFrame:
        frame = area_values(ds, measure, level, period).by_code
        ok = frame[frame["status"] == queries.OK]
        young = bool(ds.measures.loc[measure, "young"])
        rates = ok["young_rate" if young else "rate"]
        london = rank_places(rates)
        parent = pd.concat(
            [rank_places(group) for _, group in rates.groupby(ok["parent_code"], sort=False)]
        )
        return london.join(parent.add_suffix("_parent"))

    return memoised(ds, ("ranks", measure, level, period), compute)


@dataclass(frozen=True)
class Standing:
    """One measure in one area over a period, beside its peers."""

    measure: str
    noun: str  # "knife crime offences"
    singular: str  # "knife crime offence"
    unit: str
    young: bool
    period: Period
    count: int
    previous: int | None
    rate: float
    london_rate: float
    verdict: str  # the area's own verdict (from p_value): this is one area's own page
    q_value: float
    low_count: bool
    # (scope, phrase, short): London first, then the ward's borough;
    # "the 4th highest of 32 boroughs" and "4th highest of 32".
    ranks: tuple[tuple[str, str, str], ...]
    # The area's own change test (allowing for overdispersion) and the rate ratio with
    # its 95% interval; verdict_many is the verdict of maps and rankings (from q_value).
    p_value: float = float("nan")
    rate_ratio: float = float("nan")
    rr_low: float = float("nan")
    rr_high: float = float("nan")
    rate_ratio_words: str = ""
    verdict_many: str = ""
    # Visitor areas (data.visitors): per 1,000 workday population (all ages), the
    # area's and London's; shown beside the resident rate where visitor_flag is set.
    workday_rate: float = float("nan")
    london_workday_rate: float = float("nan")
    visitor_flag: bool = False


def measure_noun(ds: Dataset, measure: str) -> tuple[str, str]:
    label = str(ds.measures.loc[measure, "label"])
    unit = str(ds.measures.loc[measure, "unit"])
    text = label[0].lower() + label[1:]
    text = text.replace(", non domestic abuse", " outside domestic abuse")
    if unit in text:
        return text, text.replace(unit, _SINGULAR.get(unit, unit))
    return f"{text} {unit}", f"{text} {_SINGULAR.get(unit, unit)}"


def london_rate(ds: Dataset, measure: str, period: Period, young: bool) -> float:
    """London's rate as a whole (every offence the MPS recorded, per London resident)."""
    series = ds.series(measure, "london")
    if LONDON_CODE not in series.areas or not series.covers(period.start, period.end):
        return float("nan")
    count = series.window(period.start, period.end)[series.areas.get_loc(LONDON_CODE)].sum()
    population = ds.population_of([LONDON_CODE], "0-24" if young else "all")[0]
    return float(count / population * 1000) if population > 0 else float("nan")


def london_workday_rate(ds: Dataset, measure: str, period: Period) -> float:
    """London's offences per 1,000 workday population (its 32 MPS boroughs)."""
    series = ds.series(measure, "london")
    workday = ds.workday_of([LONDON_CODE])[0]
    if LONDON_CODE not in series.areas or not series.covers(period.start, period.end):
        return float("nan")
    count = series.window(period.start, period.end)[series.areas.get_loc(LONDON_CODE)].sum()
    return float(count / workday * 1000) if workday > 0 else float("nan")


def standing(ds: Dataset, facts: AreaFacts, measure: str, period: str = "r12") -> Standing | None:
    """The area's figures for a measure, with its rank by rate among London's areas of
    the same level and, for a ward, among the wards of its borough."""
    return memoised(ds, ("standing", facts, measure, period),
                    lambda: _standing(ds, facts, measure, period), small=True)  # fmt: skip


def _standing(ds: Dataset, facts: AreaFacts, measure: str, period: str) -> Standing | None:
    if not facts.covered or not ds.has_data(measure, facts.level):
        return None
    values = area_values(ds, measure, facts.level, period)
    if not values.available:
        return None
    frame = values.by_code
    if facts.code not in frame.index or frame.at[facts.code, "status"] != queries.OK:
        return None
    row = frame.loc[facts.code]
    young = bool(ds.measures.loc[measure, "young"])
    rate_column = "young_rate" if young else "rate"
    places = peer_ranks(ds, measure, facts.level, period)
    plural = LEVEL_WORDS[facts.level][1]
    london_peers = f"{plural} in London" if facts.level == "ward" else plural
    place = places.loc[facts.code] if facts.code in places.index else None

    def ranked(suffix: str, peers: str) -> tuple[str, str]:
        if place is None:
            return "", ""
        where, of = place[f"place{suffix}"], place[f"of{suffix}"]
        return _phrase(where, of, peers), f"{where} of {of}"

    ranks = [("London", *ranked("", london_peers))]
    if facts.level == "ward":
        ranks.append((facts.borough or "", *ranked("_parent", f"wards in {facts.borough}")))
    noun, one = measure_noun(ds, measure)
    previous = None if pd.isna(row["previous"]) else int(row["previous"])
    return Standing(
        measure=measure,
        noun=noun,
        singular=one,
        unit=str(ds.measures.loc[measure, "unit"]),
        young=young,
        period=values.period,
        count=int(row["count"]),
        previous=previous,
        rate=float(row[rate_column]),
        london_rate=london_rate(ds, measure, values.period, young),
        verdict=str(row["verdict_own"]),
        q_value=float(row["q_value"]),
        low_count=bool(row["low_count"]),
        ranks=tuple(ranks),
        p_value=float(row["p_value"]),
        rate_ratio=float(row["rate_ratio"]),
        rr_low=float(row["rr_low"]),
        rr_high=float(row["rr_high"]),
        rate_ratio_words=str(row["rate_ratio_words"]),
        verdict_many=str(row["verdict"]),
        workday_rate=float(row["workday_rate"]),
        london_workday_rate=london_workday_rate(ds, measure, values.period),
        visitor_flag=bool(row["visitor_flag"]),
    )


def _change_clause(verdict: str, comparison: str, interval: str = "") -> str:
    """ "down 35%, a statistically significant fall" -> "down 35% on <comparison>, a ...";
    with `interval` ("down 35%, 95% interval 20% to 47% down") the interval follows the
    comparison in brackets."""
    head, _, judgement = verdict.partition(", ")
    _, _, span = interval.partition(", ")
    text = f"{head} on {comparison}" + (f" ({span})" if span else "")
    return text + (f", {judgement}" if judgement else "")


def summary_sentence(facts: AreaFacts, s: Standing) -> str:
    """The headline in plain words, e.g. "In the 12 months to February 2026 there were
    634 knife crime offences in Lambeth, 2.00 per 1,000 residents, the 4th highest
    of 32 boroughs; down 35% on the 12 months before (95% interval 24% to 44% down), a
    statistically significant fall."

    The verdict is the area's own test (its own p-value, allowing for overdispersion):
    this sentence is about one area, not a search through all of them.
    """
    residents = "residents aged 0-24" if s.young else "residents"
    noun = s.singular if s.count == 1 else s.noun
    verb = "was" if s.count == 1 else "were"
    ranks = " and ".join(phrase for _, phrase, _ in s.ranks if phrase)
    text = (
        f"In the {s.period.label[0].lower()}{s.period.label[1:]} there {verb} {s.count:,} "
        f"{noun} in {facts.name}, {s.rate:,.2f} per 1,000 {residents}"
    )
    text += f", {ranks}" if ranks else ""
    if s.previous is not None and s.verdict:
        text += "; " + _change_clause(
            s.verdict, s.period.comparison or "the period before", s.rate_ratio_words
        )
    text += "."
    if s.visitor_flag and np.isfinite(s.workday_rate):
        ages = " (all ages)" if s.young else ""
        text += (
            f" Far more people are here by day than live here: per 1,000 workday "
            f"population{ages} the rate is {s.workday_rate:,.2f} (London "
            f"{s.london_workday_rate:,.2f})."
        )
    if s.low_count:
        text += (
            f" This rests on fewer than {stats.LOW_COUNT} {s.unit}, so the rate, "
            "rank and change are unreliable."
        )
    return text


def summary(ds: Dataset, facts: AreaFacts) -> list[str]:
    """The profile's opening sentences; for areas the MPS does not police, only why."""
    if not facts.covered:
        return [
            facts.caveat or "The Metropolitan Police publishes no data for this area.",
            f"This dashboard therefore shows no figures for {facts.name}: not zero, "
            "but not published.",
        ]
    sentences = []
    for measure in (HEADLINE, YOUNG_HEADLINE):
        s = standing(ds, facts, measure)
        if s is not None:
            sentences.append(summary_sentence(facts, s))
    if not sentences:
        sentences.append(f"No figures have been published for {facts.name} yet.")
    if facts.caveat:
        sentences.append(facts.caveat)
    return sentences


# -- every measure at a glance -----------------------------------------------------


def profile_measures(ds: Dataset, level: str) -> list[str]:
    """Measures with published data at a level, in catalogue order (outcomes apart)."""
    return [
        m
        for m in ds.measures.index
        if ds.has_data(m, level) and pd.isna(ds.measures.loc[m, "outcome_of"])
    ]


def missing_measures(ds: Dataset, level: str) -> list[tuple[str, str]]:
    """(label, how the data arrives) of catalogue measures with no data at a level yet."""
    out = []
    for m in ds.measures.index:
        levels = str(ds.measures.loc[m, "levels"]).split(",")
        if level in levels and not ds.has_data(m, level):
            out.append((str(ds.measures.loc[m, "label"]), _text(ds.measures.loc[m, "arrival"])))
    return out


def glance(ds: Dataset, facts: AreaFacts) -> pd.DataFrame:
    """The latest 12 months of every measure for the area, with London and its ranks."""
    rows = []
    for measure in profile_measures(ds, facts.level):
        s = standing(ds, facts, measure)
        if s is None:
            continue
        rows.append(
            {
                "measure": str(ds.measures.loc[measure, "label"]),
                "period": s.period.label,
                "count": s.count,
                "rate": s.rate,
                "per": "per 1,000 aged 0-24" if s.young else "per 1,000 residents",
                "london_rate": s.london_rate,
                "workday_rate": s.workday_rate,
                "london_workday_rate": s.london_workday_rate,
                "visitor_flag": s.visitor_flag,
                "rank_london": s.ranks[0][2],
                "rank_parent": s.ranks[1][2] if len(s.ranks) > 1 else "",
                "change": s.verdict,
                "low_count": s.low_count,
            }
        )
    return pd.DataFrame(rows)


def warm(ds: Dataset, period: str = "r12") -> None:
    """Work out the views every profile reads (each measure's values, ranks and the
    headline funnel at each level), so the first visitor after a publish does not
    wait over a second for them."""
    for level in PROFILE_LEVELS:
        for measure in ds.measures.index:
            if ds.has_data(measure, level):
                peer_ranks(ds, measure, level, period)
        if ds.has_data(HEADLINE, level):
            area_funnel(ds, HEADLINE, level, period)


# -- trends ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """Monthly counts and rolling 12-month rates of the area, its borough and London."""

    frame: pd.DataFrame  # month, area, parent, london, area_rate, parent_rate, london_rate
    lines: dict[str, str]  # rate column -> legend name
    y_title: str
    scale: str  # how the lines were made comparable, in words


def _row(ds: Dataset, measure: str, level: str, code: str, months: pd.DatetimeIndex) -> pd.Series:
    series = ds.series(measure, level)
    if code not in series.areas:
        return pd.Series(np.nan, index=months)
    values = pd.Series(series.values[series.areas.get_loc(code)], index=series.months)
    return values.reindex(months)


def trend(ds: Dataset, facts: AreaFacts, measure: str) -> Trend | None:
    if not facts.covered or not ds.has_data(measure, facts.level):
        return None
    months = ds.series(measure, facts.level).months
    outcome_of = ds.measures.loc[measure, "outcome_of"]
    young = bool(ds.measures.loc[measure, "young"])
    places = [("area", facts.level, facts.code, facts.name)]
    if facts.level == "ward" and facts.borough_code:
        places.append(("parent", "borough", facts.borough_code, facts.borough or ""))
    places.append(("london", "london", LONDON_CODE, "London"))
    frame = pd.DataFrame({"month": months})
    lines: dict[str, str] = {}
    rolled: dict[str, pd.Series] = {}
    for key, level, code, _ in places:
        counts = _row(ds, measure, level, code, months)
        frame[key] = counts.to_numpy()
        rolled[key] = counts.rolling(ROLLING, min_periods=ROLLING).sum()
    if isinstance(outcome_of, str) and outcome_of:
        for key, level, code, name in places:
            offences = _row(ds, outcome_of, level, code, months)
            total = offences.rolling(ROLLING, min_periods=ROLLING).sum()
            frame[f"{key}_rate"] = (rolled[key] / total.where(total > 0) * 100).to_numpy()
            lines[f"{key}_rate"] = name
        offences_label = str(ds.measures.loc[outcome_of, "label"]).lower()
        return Trend(
            frame,
            lines,
            "Positive outcome rate, % (12 months)",
            f"Each line is positive outcomes as a percentage of {offences_label} "
            "offences over the 12 months to each month.",
        )
    band = "0-24" if young else "all"
    populations = {key: ds.population_of([code], band)[0] for key, _, code, _ in places}
    london_latest = rolled["london"].dropna()
    per = 1000
    if not london_latest.empty and london_latest.iloc[-1] / populations["london"] * 1000 < 0.1:
        per = 100_000
    for key, _, _, name in places:
        population = populations[key]
        rate = rolled[key] / population * per if population > 0 else rolled[key] * np.nan
        frame[f"{key}_rate"] = rate.to_numpy()
        lines[f"{key}_rate"] = name
    who = "residents aged 0-24" if young else "residents"
    y_title = f"Rate per {per:,} {who} (12 months)"
    scale = (
        f"Each line is a rate per {per:,} {who} (Census 2021) over the 12 months to each "
        "month, so areas of different sizes can be compared; London's line counts every "
        "offence the MPS recorded in London, including those it could not place in an area."
    )
    return Trend(frame, lines, y_title, scale)


# -- positive outcomes ---------------------------------------------------------------


def outcome_rates(ds: Dataset, facts: AreaFacts, period: str = "r12") -> pd.DataFrame:
    """Positive outcomes / offences over a period for the area and London, with an exact
    (Clopper-Pearson) 95% interval on the area's rate where one means something.

    Columns: measure, period, offences, outcomes, rate (%), low and high (% limits,
    NaN when there is no interval), no_interval (why not, in words; "" when there is
    one), london_offences, london_outcomes, london_rate (%), low_count.

    The rate is treated as a proportion of the offences, which is what a reader takes
    it for, so its interval never leaves 0-100%. There is no interval when either
    count is under 10 (a proportion built on fewer than 10 is marked unreliable and
    gets none), nor when outcomes outnumber offences: outcomes recorded in a period
    can belong to offences recorded before it, so the figure is then not a proportion
    of these offences at all.
    """
    rows = []
    if not facts.covered:
        return pd.DataFrame(rows)
    for measure in OUTCOME_MEASURES:
        outcomes_measure = f"{measure}_outcomes"
        if not (ds.has_data(measure, facts.level) and ds.has_data(outcomes_measure, facts.level)):
            continue
        offences = area_values(ds, measure, facts.level, period)
        outcomes = area_values(ds, outcomes_measure, facts.level, period)
        if not (offences.available and outcomes.available):
            continue
        n_off = offences.by_code["count"].get(facts.code, np.nan)
        n_out = outcomes.by_code["count"].get(facts.code, np.nan)
        if pd.isna(n_off) or pd.isna(n_out):
            continue
        n_off, n_out = int(n_off), int(n_out)
        low, high, reason = outcome_interval(n_out, n_off)
        london_off = _london_total(ds, measure, offences.period)
        london_out = _london_total(ds, outcomes_measure, offences.period)
        rows.append(
            {
                "measure": str(ds.measures.loc[measure, "label"]),
                "period": offences.period.label,
                "offences": n_off,
                "outcomes": n_out,
                "rate": n_out / n_off * 100 if n_off > 0 else np.nan,
                "low": low * 100,
                "high": high * 100,
                "no_interval": reason,
                "london_offences": london_off,
                "london_outcomes": london_out,
                "london_rate": london_out / london_off * 100 if london_off else np.nan,
                "low_count": bool(n_out < stats.LOW_COUNT or n_off < stats.LOW_COUNT),
            }
        )
    return pd.DataFrame(rows)


def outcome_interval(outcomes: int, offences: int) -> tuple[float, float, str]:
    """The Clopper-Pearson 95% limits (as proportions) of outcomes / offences, or NaN
    and the reason there are none."""
    if offences < stats.LOW_COUNT or outcomes < stats.LOW_COUNT:
        which = "offences" if offences < stats.LOW_COUNT else "positive outcomes"
        return np.nan, np.nan, f"fewer than {stats.LOW_COUNT} {which}"
    if outcomes > offences:
        return (
            np.nan,
            np.nan,
            "more positive outcomes than offences: some outcomes belong to offences "
            "recorded before the period",
        )
    low, high = stats.binomial_interval(outcomes, offences, 0.95)
    return float(low), float(high), ""


def _london_total(ds: Dataset, measure: str, period: Period) -> int:
    series = ds.series(measure, "london")
    if LONDON_CODE not in series.areas or not series.covers(period.start, period.end):
        return 0
    return int(series.window(period.start, period.end)[series.areas.get_loc(LONDON_CODE)].sum())


# -- funnel position ------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelPlace:
    funnel: object  # data.funnel.Funnel
    row: pd.Series  # the area's point
    sentence: str
    period: Period


def funnel_place(ds: Dataset, facts: AreaFacts, measure: str = HEADLINE) -> FunnelPlace | None:
    if not facts.covered or not ds.has_data(measure, facts.level):
        return None
    values = area_values(ds, measure, facts.level, "r12")
    if not values.available:
        return None
    young = bool(ds.measures.loc[measure, "young"])
    funnel = area_funnel(ds, measure, facts.level, "r12")
    if funnel is None or facts.code not in set(funnel.points["code"]):
        return None
    row = funnel.points.set_index("code").loc[facts.code]
    noun, _ = measure_noun(ds, measure)
    who = "residents aged 0-24" if young else "residents"
    _, plural = LEVEL_WORDS[facts.level]
    sentence = (
        f"{possessive(facts.name)} rate of {noun} in the {values.period.label[0].lower()}"
        f"{values.period.label[1:]} ({row['rate']:,.2f} per 1,000 {who}) is "
        f"{row['position']} for an area of its population, so it is "
        f"{MEANINGS[row['position']]}. "
        f"The centre line is the rate of all London's {plural} together "
        f"({funnel.london_rate:,.2f} per 1,000)."
    )
    spread = overdispersion_words(funnel, plural)
    if spread:
        sentence += " " + spread
    if row["position"] != row["position_poisson"]:
        sentence += (
            f" Against limits for chance alone it would be {row['position_poisson']}; those "
            "limits ignore that areas differ for reasons other than chance."
        )
    if row["low_count"]:
        sentence += f" It rests on fewer than {stats.LOW_COUNT} events, so read it with care."
    return FunnelPlace(funnel, row, sentence, values.period)


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# -- download ----------------------------------------------------------------------


def monthly_figures(ds: Dataset, facts: AreaFacts) -> pd.DataFrame:
    """Every monthly count of every measure for the area, for a CSV download."""
    frames = []
    if facts.covered:
        for measure in ds.measures.index:
            if not ds.has_data(measure, facts.level):
                continue
            series = ds.series(measure, facts.level)
            if facts.code not in series.areas:
                continue
            counts = series.values[series.areas.get_loc(facts.code)]
            frames.append(
                pd.DataFrame(
                    {
                        "area_code": facts.code,
                        "area": facts.name,
                        "measure": measure,
                        "measure_label": str(ds.measures.loc[measure, "label"]),
                        "month": series.months.strftime("%Y-%m"),
                        "count": counts.astype("int64"),
                        "fewer_than_10": np.where(counts < stats.LOW_COUNT, "yes", "no"),
                    }
                )
            )
    columns = ["area_code", "area", "measure", "measure_label", "month", "count", "fewer_than_10"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
