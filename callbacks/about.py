"""Callbacks of About the data: the parts that depend on the published version."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
from dash import Dash, Input, Output, html

from callbacks.context import Context, PublishedInfo, VersionFile
from data import perception, queries, visitors
from data.dataset import Dataset
from data.overview import coverage_by_group, current_window_start
from data.periods import rolling_twelve_months
from data.readers import KIND_LABELS
from layouts import about, ids

GROUP_TITLES = {
    "knife": "Knife crime",
    "gun": "Gun crime",
    "outcomes": "Positive outcomes",
    "context": "Context: other offences and homicide",
}
LEVEL_NAMES = {"london": "London", "bcu": "BCUs", "borough": "boroughs", "ward": "wards",
               "lsoa": "small areas (LSOAs)"}  # fmt: skip
LONDON_TIME = ZoneInfo("Europe/London")
SHA_SHOWN = 12
HEATHROW_VILLAGES = "E05013570"
HEATHROW_LABEL = (
    " Heathrow Villages appears in the MPS files under the label \u201cAviation Security "
    "(SO18)\u201d; its offences are kept in the ward, in Hillingdon."
)


def _month(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%B %Y}"


def when(value: dt.datetime | None) -> str:
    """A stored time in UK time; SQLite gives back the UTC time without its zone."""
    if value is None:
        return "not recorded"
    stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    local = stamp.astimezone(LONDON_TIME)
    return f"{local.day} {local:%B %Y} at {local:%H:%M} UK time"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _coverage_text(ds: Dataset, measure: str) -> str:
    spans = ds.coverage.loc[measure] if ds.has_data(measure) else None
    if spans is None:
        arrival = _text(ds.measures.loc[measure, "arrival"])
        return ("No published data yet. " + arrival).strip()
    order = list(LEVEL_NAMES)
    ranked = sorted(spans.index, key=lambda lv: order.index(lv) if lv in order else len(order))
    levels = [LEVEL_NAMES.get(str(level), str(level)) for level in ranked]
    first, last = spans["first_month"].min(), spans["last_month"].max()
    return f"Published data: {_month(first)} to {_month(last)}, for " + ", ".join(levels) + "."


def measures_section(ds: Dataset) -> html.Section:
    """Every catalogue measure, grouped, with its definition, unit, source and coverage."""
    children: list = []
    for group, rows in ds.measures.groupby("grp", sort=False):
        items: list = []
        for measure, row in rows.iterrows():
            items.append(html.Dt(str(row["label"])))
            items.append(
                html.Dd(
                    [
                        html.P(_text(row["definition"])),
                        html.P(
                            f"Counted in {row['unit']}. Source: {row['source']}. "
                            + _coverage_text(ds, str(measure)),
                            className="note",
                        ),
                    ]
                )
            )
        children.append(html.H3(GROUP_TITLES.get(str(group), str(group).capitalize())))
        children.append(html.Dl(items, className="about-list"))
    return about.section("about-measures", children)


def data_caveats(ds: Dataset) -> list[html.Li]:
    """Caveats whose facts come from the published version."""
    items: list[html.Li] = []
    latest = ds.latest_month("knife_crime", "london")
    if latest is not None:
        period = rolling_twelve_months(latest)
        ward = queries.unallocated(ds, "knife_crime", "ward", period)
        borough = queries.unallocated(ds, "knife_crime", "borough", period)
        items.append(
            about.caveat(
                "Offences not placed in an area",
                "Some offences carry no usable location in the MPS files (codes such as "
                "\u201c-1\u201d, \u201cN/K\u201d or \u201cNON ATHENA FORCE\u201d, wards "
                "that ceased in 2022, the airports). They count towards London\u2019s "
                "total but are not on the map, so borough or ward figures add up to less "
                f"than London\u2019s. In the {period.label[0].lower()}{period.label[1:]}, "
                f"{ward:,} knife crime offences could not be placed in a ward and "
                f"{borough:,} could not be placed in a borough.",
            )
        )
    rule = visitors.about_caveat(ds)
    if rule is not None:
        flagged = set(visitors.flagged_areas(ds, "ward")["code"])
        items.append(
            about.caveat(
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
        items.append(
            about.caveat(
                "Historical series",
                "These measures\u2019 published data end before the latest 12 months, so "
                "they describe the past, not London now: "
                + "; ".join(f"{label}, to {_month(end)}" for label, end in historical)
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
        items.append(
            about.caveat(
                "Public perception",
                "The MOPAC Public Attitude Survey figures are proportions of residents "
                "asked about trust and confidence in the police, by borough and quarter, "
                f"from the quarter to {_month(survey['quarter_end'].min())} to the quarter "
                f"to {_month(survey['quarter_end'].max())}. {worry} Each figure covers the "
                "12 months to its date, and the file gives no sample sizes: the perception "
                "page states the sample it assumes for its intervals.",
            )
        )
    return items


def group_coverage(ds: Dataset) -> list[tuple[str, str]]:
    """(group, the months it covers) for each measure group and the survey, in words."""
    cov = coverage_by_group(ds)
    items = []
    for group, part in cov.groupby("grp", sort=False):
        title = GROUP_TITLES.get(str(group), str(group).capitalize())
        with_data = part[part["last_month"].notna()]
        if with_data.empty:
            items.append((title, f"No data published yet (none of its {len(part)} measures)."))
            continue
        spans = with_data.groupby(["first_month", "last_month"], sort=False)["label"]
        for (first, last), labels in spans:
            if spans.ngroups > 1:
                name, which = ", ".join(labels), ""
            elif len(labels) == len(part):
                name, which = title, f" (all {len(part)} measures)"
            else:
                name, which = title, f" ({len(labels)} of its {len(part)} measures)"
            items.append((name, f"{_month(first)} to {_month(last)}{which}."))
    survey = ds.tables.survey
    if not survey.empty:
        items.append(
            (
                "Public Attitude Survey",
                f"Quarters ending {_month(survey['quarter_end'].min())} to "
                f"{_month(survey['quarter_end'].max())}.",
            )
        )
    return items


def _file_facts(f: VersionFile) -> str:
    months = f"; {_month(f.first_month)} to {_month(f.last_month)}" if f.first_month else ""
    return (
        f"{KIND_LABELS.get(f.kind, f.kind)}; {f.rows_read:,} rows read{months}. "
        f"SHA-256 {f.sha256[:SHA_SHOWN]}\u2026"
    )


def version_section(ds: Dataset, info: PublishedInfo | None) -> html.Section:
    current = info is not None and info.version_id == ds.version_id
    facts = [html.Dt("Version"), html.Dd(str(ds.version_id))]
    if current:
        facts += [
            html.Dt("Published"),
            html.Dd(when(info.published_at)),
            html.Dt("Prepared"),
            html.Dd(when(info.created_at)),
        ]
    latest = ds.latest_month_overall
    facts += [html.Dt("Latest month of data"), html.Dd(_month(latest) or "none")]
    children: list = [
        html.Dl(facts, className="about-facts"),
        html.H3("Months each measure group covers"),
        html.Dl(
            [
                part
                for name, months in group_coverage(ds)
                for part in (html.Dt(name), html.Dd(months))
            ],
            className="about-facts about-wide",
        ),
    ]
    if current:
        children += [
            html.H3(f"Files version {ds.version_id} was built from"),
            html.P(
                f"Each file\u2019s SHA-256 checksum (its first {SHA_SHOWN} characters here) "
                "identifies its exact contents: a copy with the same checksum is byte for "
                "byte the file used.",
                className="note",
            ),
            html.Dl(
                [part for f in info.files for part in (html.Dt(f.name), html.Dd(_file_facts(f)))],
                className="about-facts about-wide about-files",
            ),
        ]
    return about.section("about-version", children)


def about_view(ds: Dataset | None, info: PublishedInfo | None) -> list:
    """Everything below the page's heading; a plain function for tests."""
    if ds is None:
        return [html.P("No data has been published yet.")]
    return [
        measures_section(ds),
        about.caveats_section(data_caveats(ds)),
        about.change_section(),
        about.sources_section(),
        version_section(ds, info),
    ]


def register(app: Dash, context: Context) -> None:
    @app.callback(Output(ids.ABOUT_CONTENT, "children"), Input(ids.ABOUT_STATE, "data"))
    def _about(_state):
        return about_view(context.dataset(), context.published_info())
