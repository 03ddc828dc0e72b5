"""About the data (/about): every measure's definition and coverage, the caveats a reader
needs (those that depend on the published version with its own figures), and the data
version with the files it was built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from data import perception, queries, visitors
from data.areas import LONDON_CODE
from data.dataset import Dataset
from data.opendata import DICTIONARY, archive_name
from data.overview import coverage_by_group, current_window_start
from data.periods import CONNECT_START, rolling_twelve_months
from data.readers import KIND_LABELS
from data.stats import LOW_COUNT
from presenters.common import words

GROUP_TITLES = {
    "knife": "Knife crime",
    "gun": "Gun crime",
    "outcomes": "Positive outcomes",
    "context": "Context: other offences and homicide",
}
LEVEL_NAMES = {"london": "London", "bcu": "BCUs", "borough": "boroughs", "ward": "wards",
               "lsoa": "small areas (LSOAs)"}  # fmt: skip
SHA_SHOWN = 12
HEATHROW_VILLAGES = "E05013570"
HEATHROW_LABEL = (
    " Heathrow Villages appears in the MPS files under the label \u201cAviation Security "
    "(SO18)\u201d; its offences are kept in the ward, in Hillingdon."
)


class VersionFile(Protocol):
    """A file a version was built from, as the store recorded it (callbacks.context)."""

    name: str
    kind: str
    sha256: str
    rows_read: int
    first_month: dt.date | None
    last_month: dt.date | None


class PublishedInfo(Protocol):
    version_id: int
    created_at: dt.datetime
    published_at: dt.datetime | None
    files: Sequence[VersionFile]


@dataclass(frozen=True)
class Fact:
    """A term and what it is: a <dt> and its <dd>."""

    term: str
    detail: str


@dataclass(frozen=True)
class Measure:
    label: str
    definition: str
    facts: str  # unit, source and the months published


@dataclass(frozen=True)
class MeasureGroup:
    title: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Caveat:
    title: str
    text: str


@dataclass(frozen=True)
class Version:
    facts: tuple[Fact, ...]
    coverage: tuple[Fact, ...]  # the months each measure group covers
    files_heading: str = ""
    files_note: str = ""
    files: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    path: str  # what to ask for, e.g. "/api/v1/measures"
    example: str  # a link that works on the published version
    what: str


@dataclass(frozen=True)
class OpenData:
    """The download of the published version and the API's endpoints."""

    download_href: str
    download_name: str
    download_text: str
    files: str  # the tables the download holds, in words
    endpoints: tuple[Endpoint, ...]
    rules: tuple[str, ...]  # what a reader of the API needs to know
    openapi_href: str = "/api/v1/openapi.json"


@dataclass(frozen=True)
class AboutView:
    message: str = ""
    measures: tuple[MeasureGroup, ...] = ()
    caveats: tuple[Caveat, ...] = ()
    version: Version | None = None
    open_data: OpenData | None = None


def view(ds: Dataset | None, info: PublishedInfo | None) -> AboutView:
    """The parts of the page that depend on the published version."""
    if ds is None:
        return AboutView(message=words.NO_DATA)
    measures, caveats = ds.cached(("about",), lambda: (measure_groups(ds), all_caveats(ds)))
    return AboutView(measures=measures, caveats=caveats, version=version(ds, info),
                     open_data=open_data(ds))  # fmt: skip


API = "/api/v1"


def open_data(ds: Dataset) -> OpenData:
    """How to take the published figures away: the version's zip and the JSON API."""
    name = archive_name(ds.version_id)
    example = next((str(m) for m in ds.measures.index if ds.has_data(str(m), "borough")),
                   "knife_crime")  # fmt: skip
    return OpenData(
        download_href=f"{API}/download/{name}",
        download_name=name,
        download_text=(
            f"Data version {ds.version_id} as one zip: every table behind these pages as "
            "CSV and as Parquet, with a data dictionary (every file, column, type, unit and "
            "meaning) and a README on how to add the figures up."
        ),
        files=", ".join(DICTIONARY),
        endpoints=(
            Endpoint(
                f"{API}/measures",
                f"{API}/measures",
                "Every measure, its definition, unit and the months it covers.",
            ),
            Endpoint(
                f"{API}/areas?level=&parent=",
                f"{API}/areas?level=ward&parent=E09000022",
                "Areas with their Census 2021 populations (all ages and 0-24) and workday "
                "population; level is london, bcu, borough, ward or lsoa, parent an area "
                "code (the example: Lambeth's wards).",
            ),
            Endpoint(
                f"{API}/series?measure=&area=",
                f"{API}/series?measure={example}&area={LONDON_CODE}",
                "A measure's monthly counts for an area (also "
                f"{API}/series/<measure>/<area>); from= and to= (YYYY-MM) cut it.",
            ),
            Endpoint(
                f"{API}/versions",
                f"{API}/versions",
                "Every version the public has seen, with its files and its download.",
            ),
        ),
        rules=(
            "Every answer is JSON and names the data version it comes from.",
            "A rate per 1,000 residents is 1,000 \u00d7 count \u00f7 population; a positive "
            "outcome rate is the outcomes over the offences of the same months.",
            "Unknown areas and measures get 404, malformed requests 400, each with a message. "
            "Requests are limited per address: past the limit the answer is 429, with the "
            "seconds to wait in Retry-After.",
        ),
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def coverage_text(ds: Dataset, measure: str) -> str:
    """ "Published data: March 2022 to February 2026, for London, BCUs, boroughs, wards." """
    if not ds.has_data(measure):
        return ("No published data yet. " + _text(ds.measures.loc[measure, "arrival"])).strip()
    spans = ds.coverage.loc[measure]
    order = list(LEVEL_NAMES)
    ranked = sorted(spans.index, key=lambda lv: order.index(lv) if lv in order else len(order))
    levels = [LEVEL_NAMES.get(str(level), str(level)) for level in ranked]
    first, last = spans["first_month"].min(), spans["last_month"].max()
    return (
        f"Published data: {words.month(first)} to {words.month(last)}, for "
        + ", ".join(levels)
        + "."
    )


def measure_groups(ds: Dataset) -> tuple[MeasureGroup, ...]:
    """Every catalogue measure, grouped, with its definition, unit, source and coverage."""
    out = []
    for group, rows in ds.measures.groupby("grp", sort=False):
        measures = tuple(
            Measure(
                str(row["label"]),
                _text(row["definition"]),
                f"Counted in {row['unit']}. Source: {row['source']}. "
                + coverage_text(ds, str(measure)),
            )
            for measure, row in rows.iterrows()
        )
        out.append(MeasureGroup(GROUP_TITLES.get(str(group), str(group).capitalize()), measures))
    return tuple(out)


FIXED_CAVEATS = (
    Caveat(
        "City of London not covered",
        "The City of London has its own police force, the City of London Police, so the "
        "Metropolitan Police publishes nothing for it. It is shown as \u201cnot covered\u201d, "
        "never as zero, and London\u2019s figures are for the 32 boroughs the Metropolitan "
        "Police covers.",
    ),
    Caveat(
        "Boroughs and wards are never added together",
        "The MPS files give the same offences once by borough and again by ward. The "
        "dashboard uses one level at a time; London\u2019s figure is the sum of the borough "
        "rows.",
    ),
    Caveat(
        "Near-empty first month left out",
        "Each of the MPS\u2019s \u201cmost recent 24 months\u201d ward and small-area files "
        "begins with a month holding only a few dozen offences, an incomplete extract. That "
        "month is left out and the series continues from the historical file, so no month "
        "is counted twice or counted short.",
    ),
    Caveat(
        "The CONNECT recording system, February 2024",
        f"In {words.month(CONNECT_START)} the Metropolitan Police moved to a new crime "
        "recording system, CONNECT. How offences were recorded changed with it, so a change "
        "across that month may partly reflect recording rather than crime. The "
        "overview\u2019s charts mark the month, and its headline cards say when a comparison "
        "spans it.",
    ),
    Caveat(
        "Small numbers are unreliable",
        f"Any figure built on fewer than {LOW_COUNT} offences or victims is marked as "
        "unreliable on the page and in downloads: a few events more or less change it a lot.",
    ),
    Caveat(
        "Ward populations are approximate",
        "Rates per 1,000 residents use Census 2021 counts of usual residents on census day "
        "(21 March 2021), not mid-year estimates. Ward populations are built from small "
        "areas (LSOAs) through the ONS best-fit lookup, which assigns each whole small area "
        "to one ward, so they are approximate.",
    ),
    Caveat(
        "Possession of weapons reflects police activity",
        "Possession offences are mostly found through stop and search and other police "
        "action, so a rise can mean more enforcement rather than more weapons.",
    ),
    Caveat(
        "Gun crime",
        "The MPS publishes gun crime in its Monthly Crime Dashboard\u2019s \u201cother "
        "crime\u201d file, of which no public copy has been found. Gun crime figures appear "
        "once MOPAC staff upload that file; until then the dashboard shows no gun crime "
        "number at all.",
    ),
    Caveat(
        "Copies of the published files",
        "The files behind this version were copied byte for byte from public repositories "
        "that had downloaded them from the publishers; none has yet been checked against "
        "the publisher\u2019s current download. The MPS revises earlier months in each new "
        "file, and where files overlap the newest is used for every month it covers.",
    ),
)


def all_caveats(ds: Dataset) -> tuple[Caveat, ...]:
    return (*FIXED_CAVEATS, *data_caveats(ds))


def data_caveats(ds: Dataset) -> tuple[Caveat, ...]:
    """Caveats whose facts come from the published version."""
    out = []
    latest = ds.latest_month("knife_crime", "london")
    if latest is not None:
        period = rolling_twelve_months(latest)
        ward = queries.unallocated(ds, "knife_crime", "ward", period)
        borough = queries.unallocated(ds, "knife_crime", "borough", period)
        out.append(
            Caveat(
                "Offences not placed in an area",
                "Some offences carry no usable location in the MPS files (codes such as "
                "\u201c-1\u201d, \u201cN/K\u201d or \u201cNON ATHENA FORCE\u201d, wards that "
                "ceased in 2022, the airports). They count towards London\u2019s total but are "
                "not on the map, so borough or ward figures add up to less than London\u2019s. "
                f"{_capital(words.in_period(period.label))}, "
                f"{words.number(ward)} knife crime offences could not be placed in a ward and "
                f"{words.number(borough)} could not be placed in a borough.",
            )
        )
    rule = visitors.about_caveat(ds)
    if rule is not None:
        flagged = set(visitors.flagged_areas(ds, "ward")["code"])
        out.append(
            Caveat(
                "Rates in visitor areas",
                rule + (HEATHROW_LABEL if HEATHROW_VILLAGES in flagged else ""),
            )
        )
    window_start = current_window_start(ds)
    historical = [
        (str(r["label"]), ds.latest_month(str(m), "london"))
        for m, r in ds.measures.iterrows()
        if ds.has_data(str(m), "london")
        and window_start is not None
        and ds.latest_month(str(m), "london") < window_start
    ]
    if historical:
        out.append(
            Caveat(
                "Historical series",
                "These measures\u2019 published data end before the latest 12 months, so they "
                "describe the past, not London now: "
                + "; ".join(f"{label}, to {words.month(end)}" for label, end in historical)
                + ".",
            )
        )
    survey = ds.tables.survey
    if not survey.empty:
        concern = [m.name for m in perception.survey_measures(ds) if m.concern]
        worry = (
            "Measures of worry about crime uploaded by MOPAC staff: " + "; ".join(concern) + "."
            if concern
            else "The published survey file asks nothing about knife or gun crime or worry "
            "about it."
        )
        first, last = survey["quarter_end"].min(), survey["quarter_end"].max()
        out.append(
            Caveat(
                "Public perception",
                "The MOPAC Public Attitude Survey figures are proportions of residents asked "
                "about trust and confidence in the police, by borough and quarter, from the "
                f"quarter to {words.month(first)} to the quarter to {words.month(last)}. "
                f"{worry} Each figure covers the 12 months to its date, and the file gives no "
                "sample sizes: the perception page states the sample it assumes for its "
                "intervals.",
            )
        )
    return tuple(out)


def group_coverage(ds: Dataset) -> tuple[Fact, ...]:
    """The months each measure group (and the survey) covers, in words."""
    cov = coverage_by_group(ds)
    out = []
    for group, part in cov.groupby("grp", sort=False):
        title = GROUP_TITLES.get(str(group), str(group).capitalize())
        with_data = part[part["last_month"].notna()]
        if with_data.empty:
            out.append(Fact(title, f"No data published yet (none of its {len(part)} measures)."))
            continue
        spans = with_data.groupby(["first_month", "last_month"], sort=False)["label"]
        for (first, last), labels in spans:
            if spans.ngroups > 1:
                name, which = ", ".join(labels), ""
            elif len(labels) == len(part):
                name, which = title, f" (all {len(part)} measures)"
            else:
                name, which = title, f" ({len(labels)} of its {len(part)} measures)"
            out.append(Fact(name, f"{words.month(first)} to {words.month(last)}{which}."))
    survey = ds.tables.survey
    if not survey.empty:
        out.append(
            Fact(
                "Public Attitude Survey",
                f"Quarters ending {words.month(survey['quarter_end'].min())} to "
                f"{words.month(survey['quarter_end'].max())}.",
            )
        )
    return tuple(out)


def file_facts(f: VersionFile) -> str:
    months = ""
    if f.first_month:
        months = f"; {words.month(f.first_month)} to {words.month(f.last_month)}"
    return (
        f"{KIND_LABELS.get(f.kind, f.kind)}; {words.number(f.rows_read)} rows read{months}. "
        f"SHA-256 {f.sha256[:SHA_SHOWN]}\u2026"
    )


def version(ds: Dataset, info: PublishedInfo | None) -> Version:
    """The version's number, dates, latest month, coverage and (when it is the published
    one) the files it was built from with their checksums."""
    current = info is not None and info.version_id == ds.version_id
    facts = [Fact("Version", str(ds.version_id))]
    if current:
        facts += [Fact("Published", words.uk_time(info.published_at)),
                  Fact("Prepared", words.uk_time(info.created_at))]  # fmt: skip
    latest = ds.latest_month_overall
    facts.append(Fact("Latest month of data", words.month(latest) or "none"))
    if not current:
        return Version(tuple(facts), group_coverage(ds))
    return Version(
        tuple(facts),
        group_coverage(ds),
        files_heading=f"Files version {ds.version_id} was built from",
        files_note=(
            f"Each file\u2019s SHA-256 checksum (its first {SHA_SHOWN} characters here) "
            "identifies its exact contents: a copy with the same checksum is byte for byte "
            "the file used."
        ),
        files=tuple(Fact(f.name, file_facts(f)) for f in info.files),
    )
