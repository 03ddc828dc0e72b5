"""Area profile (/area/<code>): one borough, ward or BCU in plain words, its figures beside
London, its rank, trends, funnel position and positive outcomes; /area alone lists
every borough and its wards, and offers the one area search."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pandas as pd

from data import profiles, stats
from data.areas import bcu_code
from data.dataset import Dataset
from data.export import safe_csv
from data.funnel import MEANINGS, overdispersion_words
from data.profiles import AreaFacts, Standing
from data.targets import Targets
from presenters.common import areas, charts, words
from presenters.common import standing as standing_words
from presenters.common import targets as target_words
from presenters.common.charts import FONT
from presenters.common.controls import Controls, select
from presenters.common.funnel import funnel_chart, funnel_table
from presenters.common.options import Option
from presenters.common.state import PageState
from presenters.common.table import Column, TableModel, num, table
from presenters.common.view import Link, Para, document_title, profile_href

PATH = "/area"
LEVELS = profiles.PROFILE_LEVELS  # the levels that have a profile, in search order
CODE = r"[A-Za-z0-9-]{1,40}"
OUTCOMES_NOTE = (
    "The positive outcome rate is positive outcomes (charges, cautions and other sanctions) "
    "divided by offences recorded in the same 12 months. An outcome recorded in a month may "
    "relate to an offence from an earlier month, so this is a ratio of two counts, not the "
    "share of these offences that were solved. The 95% interval is exact (Clopper-Pearson) "
    f"and is given only when there are at least {stats.LOW_COUNT} offences and "
    f"{stats.LOW_COUNT} outcomes and the outcomes do not outnumber the offences. Targets are "
    "set by MOPAC staff, London-wide or for a borough (whose wards share it); a rate is "
    "called below or above its target only when its whole 95% interval lies on that side."
)
INTRO = (
    "Weapon-enabled crime in one borough, ward or Basic Command Unit: its figures in "
    "plain words, its trends against London, its rank among similar areas and its "
    "positive outcome rate."
)
TYPE_FIRST = "Type a postcode, or the name of a borough, ward or BCU, first."
OFFENCES_GROUP, OUTCOMES_GROUP = "Offences and victims", "Positive outcomes"


@dataclass(frozen=True)
class ProfileState(PageState):
    """The area comes from the path (/area/<code>), the trend's measure from the query."""

    area: str | None = field(default=None, metadata={"pattern": CODE})
    measure: str = profiles.HEADLINE

    @classmethod
    def from_address(cls, path: object, search: object = None) -> ProfileState:
        return replace(cls.from_query(search if isinstance(search, str) else None),
                       area=area_code(path) or None)  # fmt: skip

    def to_query(self) -> dict[str, str]:
        query = super().to_query()
        query.pop("area", None)  # it is the path
        return query

    def href(self) -> str:
        return (profile_href(self.area) if self.area else PATH) + self.search()


def area_code(path: object) -> str:
    """The code in /area/<code>; "" for /area or anything else."""
    if not isinstance(path, str) or not (path == PATH or path.startswith(PATH + "/")):
        return ""
    rest = path.rstrip("/")[len(PATH) :].strip("/").split("/")[0]
    return rest if rest and len(rest) <= 40 and rest.replace("-", "").isalnum() else ""


def stored_code(value: object) -> str | None:
    """The area code the page keeps in its store, or None for anything that is not one:
    the store is written from the address, but a request may carry any value."""
    return value if isinstance(value, str) and re.fullmatch(CODE, value) else None


# -- views -------------------------------------------------------------------------


@dataclass(frozen=True)
class BoroughEntry:
    """A borough in the list on /area: its own profile and its wards' profiles."""

    name: str
    profile: Link
    wards: tuple[Link, ...]
    note: str = ""


@dataclass(frozen=True)
class Browse:
    boroughs: tuple[BoroughEntry, ...]
    bcus: tuple[Link, ...]


@dataclass(frozen=True)
class ProfileView:
    """Everything the profile shows apart from its trend chart (see `TrendView`).

    `found` says whether the address names an area with a profile; `covered` whether
    the MPS publishes figures for it (the City of London's are not). Each table has
    beside it the words shown when it is empty.
    """

    document_title: str
    title: str
    subtitle: str
    found: bool = False
    covered: bool = False
    summary: tuple[Para, ...] = ()
    links: tuple[Link, ...] = ()
    glance: TableModel | None = None
    glance_empty: str = ""
    missing: tuple[Para, ...] = ()
    ranks: TableModel | None = None
    ranks_empty: str = ""
    funnel_figure: dict = field(default_factory=dict)
    funnel_note: str = ""
    funnel_table: TableModel | None = None
    outcomes: tuple[Para, ...] = ()
    outcomes_table: TableModel | None = None
    outcomes_note: str = ""  # what the rate is, and is not: under the table
    browse: Browse | None = None
    # Printed at the foot of every page of the printed profile (and its PDF): the area,
    # the sources and the data version.
    print_line: str = ""
    pdf_href: str = ""  # the profile as a PDF made on the server


@dataclass(frozen=True)
class TrendView:
    controls: Controls | None = None
    figure: dict = field(default_factory=dict)
    note: str = ""
    table: TableModel | None = None


@dataclass(frozen=True)
class SearchAnswer:
    """Where a search leads (`href`), or what to say and the areas that match."""

    href: str | None = None
    message: str = ""
    matches: tuple[Link, ...] = ()


def facts_of(ds: Dataset, state: ProfileState) -> AreaFacts | None:
    return profiles.area_facts(ds, state.area) if state.area else None


def settle(ds: Dataset, state: ProfileState) -> ProfileState:
    """The trend measure falls back to knife crime when the area has no such trend."""
    facts = facts_of(ds, state)
    offered = [o.value for o in trend_options(ds, facts)] if facts else []
    measure = state.measure if state.measure in offered else profiles.HEADLINE
    return ProfileState(area=state.area, measure=measure)


def choose(ds: Dataset, state: ProfileState, choice: Mapping | None) -> ProfileState:
    return settle(ds, replace(state.with_choice(choice), area=state.area))


def trend_options(ds: Dataset, facts: AreaFacts | None) -> list[Option]:
    """Every measure published at the area's level, then the positive outcome rates."""
    if facts is None or not facts.covered:
        return []
    out = [Option(m, words.label(ds, m), OFFENCES_GROUP)
           for m in profiles.profile_measures(ds, facts.level)]  # fmt: skip
    for m in ds.measures.index:
        of = ds.measures.loc[m, "outcome_of"]
        if isinstance(of, str) and ds.has_data(m, facts.level):
            label = f"Positive outcome rate: {words.label(ds, of).lower()}"
            out.append(Option(str(m), label, OUTCOMES_GROUP))
    return out


def controls(ds: Dataset, state: ProfileState) -> Controls | None:
    options = trend_options(ds, facts_of(ds, state))
    if not options:
        return None
    return Controls("Choose a measure", (select("measure", "Measure", options, state.measure),))


def view(ds: Dataset | None, state: ProfileState, targets: Targets | None = None) -> ProfileView:
    """Everything the profile shows for an area (or the list of areas on /area); its
    positive outcome rates are read against the staff's `targets` (none given: none set)."""
    if ds is None:
        return ProfileView(document_title("Area profiles"), "Area profiles", words.NO_DATA)
    targets = target_words.targets_of(targets)
    return ds.cached(("profile", state.area, targets.stamp),
                     lambda: _view(ds, state.area, targets))  # fmt: skip


def _view(ds: Dataset, code: str | None, targets: Targets | None = None) -> ProfileView:
    if not code:
        return ProfileView(document_title("Area profiles"), "Area profiles", INTRO,
                           browse=browse(ds))  # fmt: skip
    facts = profiles.area_facts(ds, code)
    if facts is None:
        return ProfileView(
            document_title("Area not found"),
            "Area not found",
            f"No borough, ward or BCU has the code {code}. Search for an area by name, or "
            "choose one from the list below.",
            browse=browse(ds),
        )
    base = ProfileView(
        document_title(areas.label_of(ds, code, LEVELS)),
        facts.name,
        facts.description,
        found=True,
        covered=facts.covered,
        summary=summary(ds, facts),
        links=links(facts),
        print_line=print_line(ds, facts),
        pdf_href=pdf_href(facts.code),
    )
    if not facts.covered:
        return base
    glance = profiles.glance(ds, facts)
    place = profiles.funnel_place(ds, facts)
    outcomes = profiles.outcome_rates(ds, facts)
    return replace(
        base,
        glance=glance_table(ds, facts, glance),
        glance_empty="No figures have been published for this area yet.",
        missing=missing_note(ds, facts.level),
        ranks=ranks_table(ds, facts, glance),
        ranks_empty="No ranks: no figures have been published for this area yet.",
        **funnel_parts(ds, facts, place),
        outcomes=outcome_paras(facts, outcomes, targets),
        outcomes_table=outcomes_table(facts, outcomes, targets),
        outcomes_note="" if outcomes.empty else OUTCOMES_NOTE,
    )


PDF_PATH = "/pdf/area"
PRINT_CSS_PATH = "/print/area"


def pdf_href(code: str) -> str:
    return f"{PDF_PATH}/{code}"


def print_css_href(code: str) -> str:
    """The stylesheet that puts the profile's print line at the foot of every printed
    page (a CSS page-margin box: its text cannot come from the page itself)."""
    return f"{PRINT_CSS_PATH}/{code}.css"


def print_css(line: str) -> str:
    """The running footer of a printed profile: its print line bottom left, the page
    number bottom right. The line is written as a CSS string, escaped."""
    text = "".join(ch if ch.isprintable() and ch not in '\\"' else f"\\{ord(ch):x} "
                   for ch in line)  # fmt: skip
    return (
        "@media print {\n"
        "  @page {\n"
        "    margin-bottom: 20mm;\n"
        f'    @bottom-left {{ content: "{text}"; font: 7pt {FONT}; color: #222; '
        "vertical-align: top; padding-top: 3mm; border-top: 0.3mm solid #555; }\n"
        f'    @bottom-right {{ content: "Page " counter(page) " of " counter(pages); '
        f"font: 7pt {FONT}; color: #222; vertical-align: top; padding-top: 3mm; "
        "border-top: 0.3mm solid #555; }\n"
        "  }\n"
        "}\n"
    )


def print_line(ds: Dataset, facts: AreaFacts) -> str:
    """ "Lambeth: area profile. London Weapon-Enabled Crime Dashboard. Sources: ...; ONS
    Census 2021. Data version 3 (latest month February 2026)." """
    sources = []
    for m in profiles.profile_measures(ds, facts.level):
        text = str(ds.measures.loc[m, "source"])
        if text not in sources:
            sources.append(text)
    named = "; ".join([*sources, "ONS Census 2021 populations"])
    return (
        f"{facts.name}: area profile. London Weapon-Enabled Crime Dashboard. Sources: "
        f"{named}. {charts.version_line(ds)}."
    )


# -- words -------------------------------------------------------------------------


def summary(ds: Dataset, facts: AreaFacts) -> tuple[Para, ...]:
    """The opening sentences; for an area the MPS does not police, only why."""
    if not facts.covered:
        return (
            Para(facts.caveat or "The Metropolitan Police publishes no data for this area."),
            Para(f"This dashboard therefore shows no figures for {facts.name}: not zero, but "
                 "not published."),
        )  # fmt: skip
    out = []
    for measure in (profiles.HEADLINE, profiles.YOUNG_HEADLINE):
        s = profiles.standing(ds, facts, measure)
        if s is not None:
            out.append(Para(summary_sentence(ds, facts, s)))
    if not out:
        out.append(Para(f"No figures have been published for {facts.name} yet."))
    if facts.caveat:
        out.append(Para(facts.caveat, "warning"))
    return tuple(out)


def rank_clause(facts: AreaFacts, s: Standing) -> str:
    """ "rank 4 of 32 boroughs by rate per 1,000 residents (1 is the highest)", and for a
    ward "... and rank 2 of 25 wards in Lambeth"."""
    if s.rank is None:
        return ""
    text = words.rank_words(s.rank, s.of, facts.level, "rate", s.young)
    if facts.level == "ward" and s.rank_parent is not None and facts.borough:
        text += " and " + words.rank_within(s.rank_parent, s.of_parent, "ward", facts.borough)
    return text


def change_clause(s: Standing) -> str:
    """ "down 35% on the 12 months before (95% interval 20% to 47% down), a statistically
    significant fall". The verdict is the area's own test (its own p-value, allowing for
    overdispersion): this sentence is about one area, not a search through all of them."""
    head, _, judgement = s.verdict.partition(", ")
    _, _, span = s.rate_ratio_words.partition(", ")
    text = f"{head} on {s.period.comparison or 'the period before'}"
    text += f" ({span})" if span else ""
    return text + (f", {judgement}" if judgement else "")


def summary_sentence(ds: Dataset, facts: AreaFacts, s: Standing) -> str:
    """ "In the 12 months to February 2026 there were 634 knife crime offences in Lambeth,
    2.00 per 1,000 residents, rank 4 of 32 boroughs by rate per 1,000 residents (1 is
    the highest); down 35% on the 12 months before, a statistically significant fall." """
    verb = "was" if s.count == 1 else "were"
    text = (
        f"{words.in_period(s.period.label)} there {verb} {words.counted(s.count, ds, s.measure)} "
        f"in {areas.place_name(ds, facts.code)}, {words.per_thousand(s.rate, s.young)}"
    )
    ranks = rank_clause(facts, s)
    text += f", {ranks}" if ranks else ""
    if s.previous is not None and s.verdict:
        text += "; " + change_clause(s)
    text = words.sentence(text)
    if s.visitor_flag and words.rate(s.workday_rate):
        ages = " (all ages)" if s.young else ""
        text += (
            f" Far more people are here by day than live here: per 1,000 workday "
            f"population{ages} the rate is {words.rate(s.workday_rate)} (London "
            f"{words.rate(s.london_workday_rate)})."
        )
    if s.low_count:
        text += f" The rate, rank and change rest on fewer than {stats.LOW_COUNT} {s.unit}, so "
        text += "they are unreliable."
    return text


def links(facts: AreaFacts) -> tuple[Link, ...]:
    """The area on the map, its borough or BCU, and the ranking of its wards or boroughs."""
    # The map's own address scheme: its wards, zoomed to the area.
    map_query = {"measure": profiles.HEADLINE, "level": "ward", "period": "r12", "value": "rate"}
    if facts.level == "bcu":
        map_query["bcu"] = facts.code
    else:
        map_query.update(borough=facts.borough_code or "", area=facts.code)
    out = [Link(f"{facts.name} on the map", "/map?" + urlencode(map_query))]
    risk = {"measure": profiles.HEADLINE, "period": "r12", "order": "rate"}
    if facts.level == "ward" and facts.borough_code:
        out.append(Link(f"Profile of {facts.borough}", profile_href(facts.borough_code)))
        if facts.covered:
            query = {**risk, "level": "ward", "borough": facts.borough_code}
            out.append(
                Link(f"All wards in {facts.borough}, ranked", "/at-risk?" + urlencode(query))
            )
    elif facts.level == "borough" and facts.covered:
        query = {**risk, "level": "ward", "borough": facts.code}
        out.append(Link(f"Wards of {facts.name}, ranked", "/at-risk?" + urlencode(query)))
        if facts.bcu:
            out.append(Link(f"Profile of the {facts.bcu} BCU", profile_href(bcu_code(facts.bcu))))
    elif facts.level == "bcu":
        query = {**risk, "level": "borough", "bcu": facts.code}
        out.append(Link(f"Boroughs of the {facts.name}, ranked", "/at-risk?" + urlencode(query)))
    # Compare with...: a ward beside its borough, and the area alone to add others to.
    if facts.level == "ward" and facts.borough_code and facts.covered:
        both = f"{facts.code},{facts.borough_code}"
        out.append(Link(f"Compare {facts.name} with {facts.borough}",
                        "/compare?" + urlencode({"areas": both})))  # fmt: skip
    out.append(Link(f"Compare {facts.name} with other areas",
                    "/compare?" + urlencode({"areas": facts.code})))  # fmt: skip
    return tuple(out)


def missing_note(ds: Dataset, level: str) -> tuple[Para, ...]:
    """Which catalogue measures have no figures yet at the level, and when they come."""
    missing = profiles.missing_measures(ds, level)
    if not missing:
        return ()
    main = [label for label, _ in missing if not label.startswith("Positive outcomes")]
    names = main or [label for label, _ in missing]
    text = "No figures have been published yet for " + words.listing([n.lower() for n in names])
    if len(main) < len(missing):
        text += " (nor their positive outcomes)"
    arrivals = sorted({arrival for _, arrival in missing if arrival})
    return (Para(" ".join([text + ".", *arrivals]), "message"),)


# -- tables ------------------------------------------------------------------------


def _usual_period(glance: list[Standing]) -> str:
    labels = pd.Series([s.period.label for s in glance])
    return str(labels.mode().iloc[0])


def _measure_cell(ds: Dataset, s: Standing, usual: str) -> str:
    return standing_words.measure_cell(ds, s, usual)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def glance_table(ds: Dataset, facts: AreaFacts, glance: list[Standing]) -> TableModel | None:
    """Every measure for the area's latest 12 months, with London's rate beside it."""
    if not glance:
        return None
    usual = _usual_period(glance)
    # Visitor areas: the rate per 1,000 workday population beside the resident rate.
    visitor = any(s.visitor_flag for s in glance)

    def row(s: Standing) -> tuple:
        cells = [
            _measure_cell(ds, s, usual),
            num(words.number(s.count), s.count),
            num(words.rate(s.rate), words.rounded_rate(s.rate)),
            num(words.rate(s.london_rate), words.rounded_rate(s.london_rate)),
        ]
        if visitor:
            cells.append(num(words.rate(s.workday_rate), words.rounded_rate(s.workday_rate)))
        cells += [
            _change_cell(s),
            words.low_count_note(s.unit) if s.low_count else "",
        ]
        return tuple(cells)

    columns = [
        Column("Measure"),
        Column("Count", numeric=True),
        Column(f"Rate per 1,000 in {facts.name}", numeric=True),
        Column("Rate per 1,000 in London", numeric=True),
    ]
    if visitor:
        columns.append(Column("Rate per 1,000 workday population (all ages)", numeric=True))
    columns += [Column("Change on the 12 months before"), Column("Reliability")]
    return table(f"{facts.name}: {_lower_first(usual)}, beside London", columns,
                 (row(s) for s in glance))  # fmt: skip


def _change_cell(s: Standing) -> str:
    """The area's own verdict, with the rate ratio's interval where there is one."""
    return standing_words.change_cell(s)


def ranks_table(ds: Dataset, facts: AreaFacts, glance: list[Standing]) -> TableModel | None:
    """The area's rank by rate for every measure, in London and (a ward) in its borough."""
    ranked = [s for s in glance if s.rank is not None]
    if not ranked:
        return None
    usual = _usual_period(ranked)
    _, plural = words.level_words(facts.level)
    ward = facts.level == "ward" and bool(facts.borough)
    by_rate = words.rank_heading("rate")
    columns = [
        Column("Measure"),
        Column("Rate per 1,000", numeric=True),
        Column(f"{by_rate} among London's {plural}", numeric=True),
    ]
    if ward:
        columns.append(Column(f"{by_rate} among the wards of {facts.borough}", numeric=True))
    rows = []
    for s in ranked:
        row = [
            _measure_cell(ds, s, usual),
            num(words.rate(s.rate), words.rounded_rate(s.rate)),
            num(f"{s.rank:,} of {s.of:,}", s.rank),
        ]
        if ward:
            rank = s.rank_parent
            row.append(num(f"{rank:,} of {s.of_parent:,}" if rank else "", rank))
        rows.append(row)
    return table(
        f"{facts.name}: rank by rate per 1,000 residents among London's {plural} "
        f"(1 is the highest), {_lower_first(usual)}",
        columns,
        rows,
    )


def funnel_parts(ds: Dataset, facts: AreaFacts, place: profiles.FunnelPlace | None) -> dict:
    """The funnel plot with the area marked, the sentence under it and its table."""
    if place is None:
        return {"funnel_note": "No funnel plot: there are no knife crime figures for this area."}
    measure = profiles.HEADLINE
    parents = areas.parent_names(ds, facts.level)
    young = place.funnel.young
    row = place.row
    _, plural = words.level_words(facts.level)
    note = words.sentence(
        f"{words.possessive(areas.place_name(ds, facts.code))} rate of {words.noun(ds, measure)} "
        f"{words.in_period(place.period.label)} ({words.per_thousand(row['rate'], young)}) is "
        f"{row['position']} for an area of its population, so it is "
        f"{MEANINGS[row['position']]}. The centre line is the rate of all London's {plural} "
        f"together ({words.per_thousand(place.funnel.london_rate, young)})."
    )
    spread = overdispersion_words(place.funnel, plural)
    if spread:
        note += " " + spread
    if row["position"] != row["position_poisson"]:
        note += (
            f" Against limits for chance alone it would be {row['position_poisson']}; those "
            "limits ignore that areas differ for reasons other than chance."
        )
    if row["low_count"]:
        note += " " + words.low_count_sentence(words.unit(ds, measure))
    return {
        "funnel_figure": charts.image_for(
            ds,
            funnel_chart(
                place.funnel,
                level=facts.level,
                unit=words.unit(ds, measure),
                parents=parents,
                highlight=facts.code,
            ),
            f"{facts.name} on the funnel plot: {words.label(ds, measure).lower()} rate "
            f"against population, {_lower_first(place.period.label)}",
            [measure],
            f"area-{facts.code}-funnel-{measure}",
        ),
        "funnel_note": note,
        "funnel_table": funnel_table(
            place.funnel,
            {facts.code},
            parents,
            f"{words.possessive(facts.name)} {words.label(ds, measure).lower()} rate and the "
            f"control limits for its population, {_lower_first(place.period.label)}",
        ),
    }


def outcome_paras(
    facts: AreaFacts, frame: pd.DataFrame, targets: Targets | None = None
) -> tuple[Para, ...]:
    """Each positive outcome rate in a sentence, then the rate against its target."""
    if frame.empty:
        return (Para("No positive outcome figures have been published for this area."),)
    targets = target_words.targets_of(targets)
    out = []
    for r in frame.itertuples():
        text = (
            f"{r.measure}, {_lower_first(r.period)}: {r.outcomes:,} "
            f"{words.plural(r.outcomes, 'positive outcome')} against "
            f"{words.units(r.offences, 'offences')} in {facts.name}, a rate of "
            f"{words.percent(r.rate)} ({_interval_words(r)}); London "
            f"{words.percent(r.london_rate)} "
            f"({words.number(r.london_outcomes)} of {words.number(r.london_offences)})."
        )
        if r.low_count:
            text += " " + words.low_count_sentence("events")
        target = targets.for_area(r.measure_id, facts.borough_code)
        text += " " + target_words.sentence(r.rate, r.low, r.high, r.no_interval, target,
                                            borough_name=facts.borough)  # fmt: skip
        out.append(Para(text))
    return tuple(out)


def _interval_words(r) -> str:
    if r.no_interval:
        return f"no interval: {r.no_interval}"
    return f"95% interval {words.percent(r.low)} to {words.percent(r.high)}"


def _interval_cell(r) -> str:
    if r.no_interval:
        return f"No interval: {r.no_interval}"
    return f"{words.percent(r.low, 1)} to {words.percent(r.high, 1)}"


def outcomes_table(
    facts: AreaFacts, frame: pd.DataFrame, targets: Targets | None = None
) -> TableModel | None:
    if frame.empty:
        return None
    targets = target_words.targets_of(targets)

    def target_of(r) -> object:
        return targets.for_area(r.measure_id, facts.borough_code)

    rows = (
        (
            r.measure,
            num(words.number(r.offences), r.offences),
            num(words.number(r.outcomes), r.outcomes),
            num(words.percent(r.rate, 1), round(r.rate, 1)),
            _interval_cell(r),
            num(words.percent(r.london_rate, 1), round(r.london_rate, 1)),
            _target_cell(target_of(r)),
            target_words.cell(r.low, r.high, target_of(r)),
            words.low_count_note("events") if r.low_count else "",
        )
        for r in frame.itertuples()
    )
    return table(
        f"{facts.name}: positive outcome rate, latest 12 months",
        (
            Column("Measure"),
            Column("Offences", numeric=True),
            Column("Positive outcomes", numeric=True),
            Column("Rate, %", numeric=True),
            Column("95% interval"),
            Column("London rate, %", numeric=True),
            Column("Target, %", numeric=True),
            Column("Against the target"),
            Column("Reliability"),
        ),
        rows,
    )


def _target_cell(target) -> tuple:
    if target is None:
        return num("none set", None)
    return num(target_words.target_percent(target.rate), target.rate)


# -- trend -------------------------------------------------------------------------


def trend_view(ds: Dataset | None, state: ProfileState) -> TrendView:
    """The chosen measure's trend against London: the select, the chart, the sentence
    saying how its lines were scaled, and the table of its figures."""
    if ds is None or not state.area:
        return TrendView()
    return ds.cached(("profile-trend", state.area, state.measure),
                     lambda: _trend_view(ds, state))  # fmt: skip


def _trend_view(ds: Dataset, state: ProfileState) -> TrendView:
    facts = facts_of(ds, state)
    found = profiles.trend(ds, facts, state.measure) if facts is not None else None
    if facts is None or found is None:
        return TrendView(controls=controls(ds, state) if facts else None)
    label = words.label(ds, state.measure)
    if found.percent:
        y_title, hover = "Positive outcome rate, % (12 months)", "%{y:.1f}%"
        note = (
            f"{label}. Each line is positive outcomes as a percentage of "
            f"{words.label(ds, str(found.outcome_of)).lower()} offences over the 12 months "
            "to each month."
        )
    else:
        who = words.residents(found.young)
        y_title, hover = f"Rate per {found.per:,} {who} (12 months)", "%{y:,.3r}"
        note = (
            f"{label}. Each line is a rate per {found.per:,} {who} (Census 2021) over the 12 "
            "months to each month, so areas of different sizes can be compared; London's "
            "line counts every offence the MPS recorded in London, including those it could "
            "not place in an area."
        )
    drawn = found.frame[found.frame["area_rate"].notna()]
    figure = charts.trend_chart(drawn, found.lines, y_title=y_title)
    for trace in figure["data"]:
        trace["hovertemplate"] = f"{trace['name']}<br>%{{x|%B %Y}}: {hover}<extra></extra>"
    measures = [state.measure, *([found.outcome_of] if found.outcome_of else [])]
    figure = charts.image_for(ds, figure, f"{facts.name}: {label}, {_lower_first(y_title)}",
                              measures, f"area-{facts.code}-trend-{state.measure}")  # fmt: skip
    return TrendView(
        controls=controls(ds, state),
        figure=figure,
        note=note,
        table=_trend_table(facts, found, label, y_title),
    )


def _trend_table(facts: AreaFacts, found: profiles.Trend, label: str, y_title: str) -> TableModel:
    def cell(value: float) -> tuple:
        if found.percent:
            return num(words.percent(value, 1), None if pd.isna(value) else round(value, 1))
        return num(words.rate(value), words.rounded_rate(value))

    rows = (
        (
            words.month(r["month"]),
            num(words.number(r["area"]), r["area"]),
            *(cell(r[column]) for column in found.lines),
        )
        for r in found.frame.to_dict("records")
    )
    return table(
        f"{facts.name}: {label.lower()}, by month",
        (
            Column("Month"),
            Column(f"{facts.name}: monthly count", numeric=True),
            *(
                Column(f"{name}: {_lower_first(y_title)}", numeric=True)
                for name in found.lines.values()
            ),
        ),
        rows,
    )


# -- search, list and download -------------------------------------------------------


def search_labels(ds: Dataset | None) -> list[str]:
    """The suggestions of the search box: every area with a profile, labels unique."""
    return [] if ds is None else areas.search_labels(ds, LEVELS)


def search(ds: Dataset | None, text: object) -> SearchAnswer:
    """The profile a person asked for by name, label or code; or the areas that match."""
    if ds is None:
        return SearchAnswer(message=words.NO_DATA)
    if not isinstance(text, str) or not text.strip():
        return SearchAnswer(message=TYPE_FIRST)
    found = areas.find(ds, text, LEVELS)
    if found.code is not None:
        return SearchAnswer(href=profile_href(found.code))
    matches = tuple(Link(label, profile_href(code)) for code, label in found.matches)
    return SearchAnswer(message=found.message, matches=matches)


def browse(ds: Dataset) -> Browse:
    """Every borough with its wards, and the BCUs: the list on /area."""
    return ds.cached(("profile-browse",), lambda: _browse(ds))


def _browse(ds: Dataset) -> Browse:
    frame = ds.areas
    boroughs = frame[frame["level"] == "borough"].sort_values("name")
    wards = frame[frame["level"] == "ward"].sort_values("name")
    entries = []
    for b in boroughs.itertuples():
        inside = wards[wards["parent_code"] == b.code]
        note = "" if b.covered else "Not covered by the MPS: no figures are published."
        entries.append(
            BoroughEntry(
                str(b.name),
                Link(f"{b.name} (borough)", profile_href(str(b.code))),
                tuple(Link(str(w.name), profile_href(str(w.code))) for w in inside.itertuples()),
                note,
            )
        )
    bcus = frame[frame["level"] == "bcu"].sort_values("name")
    return Browse(
        tuple(entries),
        tuple(Link(str(r.name), profile_href(str(r.code))) for r in bcus.itertuples()),
    )


def monthly_csv(ds: Dataset | None, state: ProfileState) -> tuple[str, str] | None:
    """(file name, text) of every monthly count of every measure for the area."""
    facts = facts_of(ds, state) if ds is not None else None
    if facts is None:
        return None
    name = f"area-{facts.code}-monthly-figures.csv".lower()
    return name, safe_csv(profiles.monthly_figures(ds, facts))
