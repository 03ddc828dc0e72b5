"""About the data: definitions, caveats, how change is judged, sources, the data version.

The page's frame and its fixed text (how change is judged, the sources) live here; the
parts that depend on the published version come from presenters/about.py.
"""

from __future__ import annotations

from dash import html

from layouts import ids
from presenters.about import AboutView, Caveat, Fact, MeasureGroup, OpenData, Version

OGL2 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/"
OGL3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL2_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v2.0."
)
OGL3_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
OS_ATTRIBUTION = "Contains OS data © Crown copyright and database right."

SECTIONS = (
    ("about-measures", "Measures and definitions"),
    ("about-caveats", "Caveats: what to bear in mind"),
    ("about-change", "How change is judged"),
    ("about-sources", "Sources and licences"),
    ("about-open-data", "Open data: download and API"),
    ("about-version", "Data version"),
)


def section(key: str, children: list) -> html.Section:
    title = dict(SECTIONS)[key]
    return html.Section(
        [html.H2(title, id=key), *children],
        className="about-section",
        **{"aria-labelledby": key},
    )


def layout(query: dict[str, str], path: str = "/about") -> list:
    return [
        html.H1("About the data"),
        html.P(
            "What each figure on this dashboard counts, where the data come from, what "
            "to bear in mind when reading them, and which data version you are looking at.",
            className="about-lede",
        ),
        html.Nav(
            html.Ul([html.Li(html.A(title, href=f"#{key}")) for key, title in SECTIONS]),
            className="about-contents",
            **{"aria-label": "On this page"},
        ),
        html.Div(id=ids.ABOUT_CONTENT),
    ]


def content(view: AboutView) -> list:
    """Everything below the page's heading."""
    if view.message:
        return [html.P(view.message)]
    return [
        measures_section(view.measures),
        caveats_section(view.caveats),
        change_section(),
        sources_section(),
        open_data_section(view.open_data),
        version_section(view.version),
    ]


def open_data_section(found: OpenData | None) -> html.Section:
    """The published version's download and the JSON API, with working examples."""
    if found is None:
        return section("about-open-data", [])
    endpoints = [
        part
        for e in found.endpoints
        for part in (
            html.Dt(html.Code(e.path)),
            html.Dd([e.what, " Example: ", html.A(html.Code(e.example), href=e.example)]),
        )
    ]
    return section(
        "about-open-data",
        [
            html.P(
                [
                    html.A(
                        f"Download {found.download_name}",
                        href=found.download_href,
                        id=ids.ABOUT_DOWNLOAD,
                    ),
                    ". ",
                    found.download_text,
                ]
            ),
            html.P(f"Tables: {found.files}.", className="note"),
            html.H3("The JSON API"),
            html.P(
                [
                    "A small read-only API gives the same figures, so every number on these "
                    "pages can be worked out again. Its full description is in OpenAPI 3 "
                    "form at ",
                    html.A(html.Code(found.openapi_href), href=found.openapi_href),
                    ".",
                ]
            ),
            html.Dl(endpoints, className="about-list about-api"),
            html.Ul([html.Li(rule) for rule in found.rules]),
        ],
    )


def _facts(facts: tuple[Fact, ...], class_name: str) -> html.Dl:
    return html.Dl(
        [part for f in facts for part in (html.Dt(f.term), html.Dd(f.detail))],
        className=class_name,
    )


def measures_section(groups: tuple[MeasureGroup, ...]) -> html.Section:
    """Every catalogue measure, grouped, with its definition, unit, source and coverage."""
    children: list = []
    for group in groups:
        items: list = []
        for m in group.measures:
            items += [
                html.Dt(m.label),
                html.Dd([html.P(m.definition), html.P(m.facts, className="note")]),
            ]
        children += [html.H3(group.title), html.Dl(items, className="about-list")]
    return section("about-measures", children)


def caveats_section(caveats: tuple[Caveat, ...]) -> html.Section:
    items = [html.Li([html.Strong(c.title + ". "), c.text]) for c in caveats]
    return section("about-caveats", [html.Ul(items, className="about-caveats")])


def version_section(version: Version | None) -> html.Section:
    if version is None:
        return section("about-version", [])
    children: list = [
        _facts(version.facts, "about-facts"),
        html.H3("Months each measure group covers"),
        _facts(version.coverage, "about-facts about-wide"),
    ]
    if version.files:
        children += [
            html.H3(version.files_heading),
            html.P(version.files_note, className="note"),
            _facts(version.files, "about-facts about-wide about-files"),
        ]
    return section("about-version", children)


def change_section() -> html.Section:
    return section(
        "about-change",
        [
            html.P(
                "Crime counts in a borough or ward are small and vary from month to month "
                "by chance, so the dashboard judges change on the counts themselves, not on "
                "percentages alone."
            ),
            html.Dl(
                [
                    html.Dt("Is a change real?"),
                    html.Dd(
                        "Two periods of the same length are compared with an exact test for "
                        "two Poisson counts: given the total of both periods, the count in "
                        "the latest period is tested against a binomial distribution "
                        "(the conditional binomial test). Where the test fails at the 5% "
                        "level the page says \u201cnot a statistically significant "
                        "change\u201d, whatever the percentage."
                    ),
                    html.Dt("Many areas at once"),
                    html.Dd(
                        "Testing 32 boroughs or 679 wards at once would flag some by chance "
                        "alone. When areas are flagged or ranked, the p-values are corrected "
                        "with the Benjamini-Hochberg procedure, which keeps the expected "
                        "share of false flags under 5%."
                    ),
                    html.Dt("Comparing areas"),
                    html.Dd(
                        "Areas are compared on funnel plots rather than league tables alone: "
                        "each area\u2019s rate per 1,000 residents is plotted against its "
                        "population, with Poisson control limits (95% and 99.8%) around "
                        "London\u2019s rate. An area with London\u2019s true rate falls "
                        "outside the 99.8% limits about one time in 500."
                    ),
                    html.Dt("Which periods are compared"),
                    html.Dd(
                        "The latest 12 months are compared with the 12 months before; a "
                        "single month or a financial year to date with the same months a "
                        "year earlier, because knife crime has a strong seasonal pattern."
                    ),
                ],
                className="about-list",
            ),
        ],
    )


def _licence(text: str, href: str | None) -> object:
    return html.A(text, href=href) if href else text


SOURCES = (
    (
        "MPS Monthly Crime Dashboard Data: knife crime (and gun crime, when uploaded)",
        "Metropolitan Police Service, on the London Datastore",
        ("Open Government Licence v2.0", OGL2),
        OGL2_ATTRIBUTION,
    ),
    (
        "MPS Recorded Crime: Geographic Breakdown (borough, ward and small-area files)",
        "Metropolitan Police Service, on the London Datastore",
        ("Open Government Licence v2.0", OGL2),
        OGL2_ATTRIBUTION,
    ),
    (
        "MPS Homicide Dashboard Data: victims",
        "Metropolitan Police Service, on the London Datastore",
        ("Open Government Licence v2.0", OGL2),
        OGL2_ATTRIBUTION,
    ),
    (
        "MOPAC Surveys: Public Attitude Survey, trust and confidence by borough",
        "Mayor\u2019s Office for Policing and Crime, on the London Datastore",
        ("Open Government Licence", None),
        "Contains public sector information licensed under the Open Government Licence.",
    ),
    (
        "Census 2021, TS007A: age by five-year age bands",
        "Office for National Statistics",
        ("Open Government Licence v3.0", OGL3),
        "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. " + OGL3_ATTRIBUTION,
    ),
    (
        "LSOA (2021) to Electoral Ward (2025) to LAD (2025) best-fit lookup",
        "Office for National Statistics, Open Geography Portal",
        ("Open Government Licence v3.0", OGL3),
        "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. " + OGL3_ATTRIBUTION,
    ),
    (
        "Borough boundaries: Statistical GIS Boundary Files for London",
        "Greater London Authority, on the London Datastore",
        ("Open Government Licence", None),
        OS_ATTRIBUTION,
    ),
    (
        "Ward (December 2022), local authority (2022) and small-area (LSOA 2021) boundaries",
        "Office for National Statistics",
        ("Open Government Licence v3.0", OGL3),
        "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. " + OS_ATTRIBUTION,
    ),
)


def sources_section() -> html.Section:
    items = [
        html.Li(
            [
                html.Strong(name),
                html.Br(),
                f"Publisher: {publisher}. Licence: ",
                _licence(*licence),
                ". Attribution: \u201c",
                attribution,
                "\u201d",
            ]
        )
        for name, publisher, licence, attribution in SOURCES
    ]
    return section(
        "about-sources",
        [
            html.Ul(items, className="about-sources"),
            html.P(
                "The files were copied byte for byte from public repositories that had "
                "downloaded them from these publishers; those repositories are not the "
                "publishers.",
                className="note",
            ),
        ],
    )
