"""Assembling the canonical tables of one data version from the files read.

The MPS publishes a historical file and a "most recent 24 months" file that overlap,
and refreshes the recent one every month. Series are stitched so that no month is
counted twice: for each measure and level, a file that reaches later months replaces
the older files' figures for every month it covers (a newer file carries the MPS's
revisions). Borough and ward rows of one file are kept as separate levels and never
added together; London is the sum of the borough level, unallocated rows included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

import pandas as pd

from data import frames, visitors, workday
from data.areas import BCUS, LONDON_CODE, MPS_BOROUGHS, UNALLOCATED_CODE, bcu_code, borough_code
from data.catalogue import MEASURES
from data.problems import Problem, ReadResult

COUNT_KINDS = {
    "recorded_crime_ward",
    "recorded_crime_borough",
    "recorded_crime_lsoa",
    "crime_dashboard",
    "homicide_victims",
}


@dataclass
class Tables:
    """Everything one data version holds, as frames."""

    areas: pd.DataFrame
    measures: pd.DataFrame
    counts: pd.DataFrame
    coverage: pd.DataFrame
    population: pd.DataFrame
    lookup: pd.DataFrame
    survey: pd.DataFrame
    # Versions written before the workday population arrived have none.
    workday: pd.DataFrame = field(default_factory=lambda: frames.empty(frames.WORKDAY_COLUMNS))
    # Homicide victims by age, sex and solved status (versions before them have none).
    homicide_victims: pd.DataFrame = field(
        default_factory=lambda: frames.empty(frames.HOMICIDE_VICTIM_COLUMNS)
    )

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def row_counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.names()}


def measures_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": m.id,
                "grp": m.group,
                "label": m.label,
                "definition": m.definition,
                "unit": m.unit,
                "levels": ",".join(m.levels),
                "source": m.source,
                "young": m.young,
                "outcome_of": m.outcome_of,
                "arrival": m.arrival,
            }
            for m in MEASURES.values()
        ]
    )


def stitch_counts(
    parts: list[tuple[pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Combine (counts, coverage) pairs so each month of each series comes from one file.

    Parts are ranked per series by the last month they cover; a higher-ranked part
    owns every month inside its coverage.
    """
    series: dict[tuple[str, str], list[tuple[pd.Timestamp, int, pd.DataFrame, pd.Series]]] = {}
    for order, (counts, coverage) in enumerate(parts):
        if coverage is None or coverage.empty:
            continue
        for cov in coverage.itertuples(index=False):
            key = (cov.measure, cov.level)
            rows = counts[(counts["measure"] == cov.measure) & (counts["level"] == cov.level)]
            span = pd.Series({"first": cov.first_month, "last": cov.last_month})
            series.setdefault(key, []).append((cov.last_month, order, rows, span))

    kept: list[pd.DataFrame] = []
    coverage_rows = []
    for (measure, level), candidates in series.items():
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        claimed: list[pd.Series] = []
        for _, _, rows, span in candidates:
            month = rows["month"]
            mask = (month >= span["first"]) & (month <= span["last"])
            for other in claimed:
                mask &= ~((month >= other["first"]) & (month <= other["last"]))
            kept.append(rows[mask])
            claimed.append(span)
        coverage_rows.append(
            (
                measure,
                level,
                min(s["first"] for s in claimed),
                max(s["last"] for s in claimed),
            )
        )
    counts = frames.counts_frame(pd.concat(kept)) if kept else frames.counts_frame(pd.DataFrame())
    return counts, frames.coverage_frame(coverage_rows)


def superseded_parts(coverages: list[pd.DataFrame | None]) -> set[int]:
    """Parts (by position) that `stitch_counts` would take no month from.

    A part gives up every month that a higher-ranked part covers (ranked, per series,
    by the last month covered, then by position), so a part whose every series lies
    inside the higher-ranked parts' months contributes nothing and can be left out.
    """
    spans: dict[tuple[str, str], list[tuple[pd.Timestamp, int, pd.Timestamp]]] = {}
    for order, coverage in enumerate(coverages):
        if coverage is None or coverage.empty:
            continue
        for cov in coverage.itertuples(index=False):
            key = (cov.measure, cov.level)
            spans.setdefault(key, []).append((cov.last_month, order, cov.first_month))
    contributes: set[int] = set()
    for candidates in spans.values():
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        covered: set[pd.Timestamp] = set()
        for last, order, first in candidates:
            months = set(pd.date_range(first, last, freq="MS"))
            if months - covered:
                contributes.add(order)
            covered |= months
    with_series = {order for c in spans.values() for _, order, _ in c}
    return with_series - contributes


def coverage_gaps(coverage_parts: list[pd.DataFrame]) -> list[str]:
    """Series whose files leave months uncovered between them."""
    if not coverage_parts:
        return []
    cov = pd.concat(coverage_parts)
    gaps = []
    for (measure, level), group in cov.groupby(["measure", "level"]):
        spans = sorted(zip(group["first_month"], group["last_month"], strict=True))
        reach = spans[0][1]
        for first, last in spans[1:]:
            if first > reach + pd.offsets.MonthBegin(1):
                gaps.append(
                    f"{measure} at {level} level has no data from "
                    f"{(reach + pd.offsets.MonthBegin(1)):%Y-%m} to "
                    f"{(first - pd.offsets.MonthBegin(1)):%Y-%m}"
                )
            reach = max(reach, last)
    return gaps


def london_counts(
    counts: pd.DataFrame, coverage: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """London = all borough-level rows, unallocated included; never borough + ward."""
    borough = counts[counts["level"] == "borough"]
    london = borough.groupby(["measure", "month"], as_index=False)["value"].sum()
    london["level"] = "london"
    london["area_code"] = LONDON_CODE
    cov = coverage[coverage["level"] == "borough"].assign(level="london")
    return frames.counts_frame(london), cov


def bcu_areas() -> pd.DataFrame:
    """The 12 Basic Command Units as areas; their boroughs carry the BCU's name."""
    return pd.DataFrame(
        [
            {"code": bcu_code(name), "name": f"{name} BCU", "level": "bcu",
             "parent_code": LONDON_CODE, "bcu": name, "covered": True, "caveat": None}
            for name in BCUS
        ]
    )  # fmt: skip


def _borough_bcu() -> dict[str, str]:
    return {borough_code(b): bcu_code(name) for name, members in BCUS.items() for b in members}


def bcu_counts(counts: pd.DataFrame, coverage: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """BCU figures: the sum of their boroughs (unallocated offences belong to no BCU)."""
    borough = counts[counts["level"] == "borough"]
    codes = borough["area_code"].map(_borough_bcu())
    bcu = borough.assign(area_code=codes).dropna(subset=["area_code"])
    bcu = bcu.groupby(["measure", "area_code", "month"], as_index=False)["value"].sum()
    bcu["level"] = "bcu"
    cov = coverage[coverage["level"] == "borough"].assign(level="bcu")
    return frames.counts_frame(bcu), cov


def bcu_population(population: pd.DataFrame) -> pd.DataFrame:
    borough = population[population["level"] == "borough"]
    codes = borough["area_code"].map(_borough_bcu())
    bcu = borough.assign(area_code=codes).dropna(subset=["area_code"])
    bcu = bcu.groupby(["area_code", "age_band"], as_index=False)["value"].sum()
    return bcu.assign(level="bcu")[frames.POPULATION_COLUMNS]


def ward_population(lsoa_population: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """Ward residents by age band, from whole LSOAs assigned by the best-fit lookup."""
    joined = lsoa_population.merge(lookup, left_on="area_code", right_on="lsoa_code")
    wards = joined.groupby(["ward_code", "age_band"], as_index=False)["value"].sum()
    wards = wards.rename(columns={"ward_code": "area_code"}).assign(level="ward")
    return wards[frames.POPULATION_COLUMNS]


def with_young_band(population: pd.DataFrame) -> pd.DataFrame:
    """Add the 0-24 band (the denominator for young-victim rates)."""
    young = population[population["age_band"].isin(frames.YOUNG_BANDS)]
    summed = young.groupby(["area_code", "level"], as_index=False)["value"].sum()
    summed["age_band"] = "0-24"
    return pd.concat([population, summed[frames.POPULATION_COLUMNS]], ignore_index=True)


def name_key(name: str) -> str:
    """An area name as compared with the register's: case, punctuation, apostrophes,
    "&" and a trailing "(...)" (the MPS's "Abbey (KG)") do not count."""
    text = str(name).lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


NAMES_SHOWN = 3


def check_area_names(result: ReadResult, file: str, register: pd.DataFrame) -> list[Problem]:
    """A warning when the file names areas differently from the boundary register.

    The register's names are the ones every page shows, so this changes nothing for
    the public; staff are told, because a different name can mean a renamed ward, an
    old file, or a cell holding something else (a spreadsheet formula, say).
    """
    if not result.area_names:
        return []
    names = register.drop_duplicates("code").set_index("code")["name"]
    differ = [
        (code, written, str(names[code]))
        for code, written in sorted(result.area_names.items())
        if code in names.index and name_key(written) != name_key(names[code])
    ]
    if not differ:
        return []
    shown = "; ".join(f"{code}: the file says {written!r}, the register {known!r}"
                      for code, written, known in differ[:NAMES_SHOWN])  # fmt: skip
    more = f" (and {len(differ) - NAMES_SHOWN} more)" if len(differ) > NAMES_SHOWN else ""
    return [
        Problem(
            file,
            f"{len(differ)} area{'s are' if len(differ) != 1 else ' is'} named differently "
            f"from the boundary register, whose names the dashboard shows: {shown}{more}",
            None,
            result.area_name_column,
            "warning",
        )
    ]


def check_area_codes(result: ReadResult, file: str, register: pd.DataFrame) -> list[Problem]:
    """Every mapped code a file uses must be a known area of its level."""
    if result.frame.empty or "area_code" not in result.frame.columns:
        return []
    problems = []
    known = register.groupby("level")["code"].agg(set).to_dict()
    used = result.frame[["level", "area_code"]].drop_duplicates()
    for level, code in used.itertuples(index=False):
        if code == UNALLOCATED_CODE or level not in known:
            continue
        if code not in known[level]:
            problems.append(
                Problem(
                    file,
                    f"{level} code {code} is not a known London {level}: no {level} "
                    "boundary has this code",
                    result.area_rows.get(code),
                    result.area_column if code in result.area_rows else None,
                )
            )
    return problems


def build_tables(
    results: list[tuple[str, ReadResult]], register: pd.DataFrame
) -> tuple[Tables, list[Problem]]:
    """The canonical tables from read files, plus problems found in combining them.

    `results` pairs each file name with what its reader returned; `register` lists
    every area with a boundary (geo.area_register).
    """
    problems: list[Problem] = []
    count_parts, survey_parts, population_parts, lookups = [], [], [], []
    workplace_parts: list[tuple[str, pd.DataFrame]] = []
    msoa_lookups, msoa_names = [], []
    victim_parts: list[pd.DataFrame] = []
    for name, result in results:
        problems.extend(result.problems)
        if "homicide_victims" in result.extra:
            victim_parts.append(result.extra["homicide_victims"])
        if result.kind in COUNT_KINDS:
            problems.extend(check_area_codes(result, name, register))
            problems.extend(check_area_names(result, name, register))
            count_parts.append((result.frame, result.coverage))
        elif result.kind == "survey":
            survey_parts.append(result.frame)
        elif result.kind == "census_age":
            population_parts.append(result.frame)
        elif result.kind == "lsoa_ward_lookup":
            lookups.append(result.frame)
        elif result.kind == "workday":
            workplace_parts.append((name, result.frame))
        elif result.kind == "lsoa_msoa_lookup":
            msoa_lookups.append(result.frame)
        elif result.kind == "msoa_names":
            msoa_names.append(result.frame)

    for gap in coverage_gaps([c for _, c in count_parts if c is not None]):
        problems.append(Problem("(all files)", gap, severity="warning"))

    counts, coverage = stitch_counts(count_parts)
    london, london_cov = london_counts(counts, coverage)
    bcu, bcu_cov = bcu_counts(counts, coverage)
    counts = pd.concat([counts, london, bcu], ignore_index=True)
    coverage = pd.concat([coverage, london_cov, bcu_cov], ignore_index=True)

    lookup = (
        lookups[-1].drop_duplicates("lsoa_code", keep="last")
        if lookups
        else frames.empty(frames.LOOKUP_COLUMNS)
    )
    population = (
        pd.concat(population_parts, ignore_index=True).drop_duplicates(
            ["area_code", "level", "age_band"], keep="last"
        )
        if population_parts
        else frames.empty(frames.POPULATION_COLUMNS)
    )
    if not population.empty and not lookup.empty:
        population = pd.concat(
            [population, ward_population(population[population["level"] == "lsoa"], lookup)],
            ignore_index=True,
        )
    if not population.empty:
        mps = population[
            (population["level"] == "borough") & population["area_code"].isin(MPS_BOROUGHS)
        ]
        london_pop = mps.groupby("age_band", as_index=False)["value"].sum()
        london_pop["area_code"] = LONDON_CODE
        london_pop["level"] = "london"
        population = pd.concat(
            [population, london_pop[frames.POPULATION_COLUMNS], bcu_population(population)]
        )
        population = with_young_band(population[population["age_band"] != "0-24"])
        population["value"] = population["value"].astype("int64")

    survey = (
        pd.concat(survey_parts, ignore_index=True).drop_duplicates(
            ["quarter_end", "survey", "area_code", "measure"], keep="last"
        )
        if survey_parts
        else frames.empty(frames.SURVEY_COLUMNS)
    )
    workday_table, workday_problems = workday_tables(
        workplace_parts, population, lookup, msoa_lookups, msoa_names
    )
    problems += workday_problems
    areas = pd.concat([register, bcu_areas()], ignore_index=True)
    areas = visitors.with_visitor_caveats(areas, workday_table)
    tables = Tables(
        areas=areas.reset_index(drop=True),
        measures=measures_frame(),
        counts=counts.reset_index(drop=True),
        coverage=coverage.reset_index(drop=True),
        population=population.reset_index(drop=True),
        lookup=lookup.reset_index(drop=True),
        survey=survey.reset_index(drop=True),
        workday=workday_table.reset_index(drop=True),
        homicide_victims=stitch_victims(victim_parts),
    )
    return tables, problems


def stitch_victims(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Victims from several homicide files, each month from one file only: as for the
    counts, the file reaching the latest month owns every month it covers."""
    parts = [p for p in parts if not p.empty]
    if not parts:
        return frames.empty(frames.HOMICIDE_VICTIM_COLUMNS)
    ranked = sorted(enumerate(parts), key=lambda p: (p[1]["month"].max(), p[0]), reverse=True)
    kept, claimed = [], []
    for _, part in ranked:
        mask = pd.Series(True, index=part.index)
        for first, last in claimed:
            mask &= ~part["month"].between(first, last)
        kept.append(part[mask])
        claimed.append((part["month"].min(), part["month"].max()))
    out = pd.concat(kept, ignore_index=True)
    return out.sort_values(frames.HOMICIDE_VICTIM_COLUMNS[:-1]).reset_index(drop=True)


def workday_tables(
    workplace_parts: list[tuple[str, pd.DataFrame]],
    population: pd.DataFrame,
    lookup: pd.DataFrame,
    msoa_lookups: list[pd.DataFrame],
    msoa_names: list[pd.DataFrame],
) -> tuple[pd.DataFrame, list[Problem]]:
    """The workday population of every level, or none (with a warning saying why).

    A later file wins for the same area, as for the survey and the population.
    """
    nothing = frames.empty(frames.WORKDAY_COLUMNS)
    if not workplace_parts:
        return nothing, [
            Problem(
                "(workday population)",
                "no Census 2021 place-of-work (ODWP01EW) file: no area is marked as a visitor "
                "area and no rate per workday population is given",
                severity="warning",
            )
        ]
    files = ", ".join(dict.fromkeys(name for name, _ in workplace_parts))
    workplace = pd.concat([f for _, f in workplace_parts], ignore_index=True).drop_duplicates(
        ["area_code", "level"], keep="last"
    )
    missing = []
    if population.empty:
        missing.append("the Census 2021 age bands (TS007A), for residents")
    if (workplace["level"] == "msoa").any():
        if not msoa_lookups:
            missing.append("an LSOA to MSOA lookup, to carry MSOAs to wards")
        if lookup.empty:
            missing.append("the LSOA to ward lookup")
    if missing:
        return nothing, [
            Problem(
                files,
                "the workday population cannot be worked out without " + " and ".join(missing),
                severity="warning",
            )
        ]
    names = (
        pd.concat(msoa_names, ignore_index=True).drop_duplicates("msoa_code", keep="last")
        if msoa_names
        else None
    )
    msoa_lookup = msoa_lookups[-1] if msoa_lookups else frames.empty(frames.MSOA_LOOKUP_COLUMNS)
    table, warnings = workday.workday_population(workplace, population, msoa_lookup, lookup, names)
    return table, [Problem(files, w, severity="warning") for w in warnings]
