"""About the data: definitions, caveats, how change is judged, sources, the data version.

The page's frame and its fixed text live here; the parts that depend on the published
version (definitions, dates, files, named wards) are filled in by callbacks/about.py.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids

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
        dcc.Store(id=ids.ABOUT_STATE, data=query),
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


def caveat(title: str, *text: object) -> html.Li:
    return html.Li([html.Strong(title + ". "), *text])


def caveats_section(extra: list[html.Li]) -> html.Section:
    """Every data caveat a reader needs; `extra` holds those built from the data version."""
    fixed = [
        caveat(
            "City of London not covered",
            "The City of London has its own police force, the City of London Police, so "
            "the Metropolitan Police publishes nothing for it. It is shown as \u201cnot "
            "covered\u201d, never as zero, and London\u2019s figures are for the 32 "
            "boroughs the Metropolitan Police covers.",
        ),
        caveat(
            "Boroughs and wards are never added together",
            "The MPS files give the same offences once by borough and again by ward. The "
            "dashboard uses one level at a time; London\u2019s figure is the sum of the "
            "borough rows.",
        ),
        caveat(
            "Near-empty first month left out",
            "Each of the MPS\u2019s \u201cmost recent 24 months\u201d ward and small-area "
            "files begins with a month holding only a few dozen offences, an incomplete "
            "extract. That month is left out and the series continues from the historical "
            "file, so no month is counted twice or counted short.",
        ),
        caveat(
            "The CONNECT recording system, February 2024",
            "In February 2024 the Metropolitan Police moved to a new crime recording "
            "system, CONNECT. How offences were recorded changed with it, so a change "
            "across that month may partly reflect recording rather than crime. The "
            "overview\u2019s charts mark the month, and its headline cards say when a "
            "comparison spans it.",
        ),
        caveat(
            "Small numbers are unreliable",
            "Any figure built on fewer than 10 offences or victims is marked as unreliable "
            "on the page and in downloads: a few events more or less change it a lot.",
        ),
        caveat(
            "Ward populations are approximate",
            "Rates per 1,000 residents use Census 2021 counts of usual residents on census "
            "day (21 March 2021), not mid-year estimates. Ward populations are built from "
            "small areas (LSOAs) through the ONS best-fit lookup, which assigns each whole "
            "small area to one ward, so they are approximate.",
        ),
        caveat(
            "Possession of weapons reflects police activity",
            "Possession offences are mostly found through stop and search and other "
            "police action, so a rise can mean more enforcement rather than more weapons.",
        ),
        caveat(
            "Gun crime",
            "The MPS publishes gun crime in its Monthly Crime Dashboard\u2019s \u201cother "
            "crime\u201d file, of which no public copy has been found. Gun crime figures "
            "appear once MOPAC staff upload that file; until then the dashboard shows no "
            "gun crime number at all.",
        ),
        caveat(
            "Copies of the published files",
            "The files behind this version were copied byte for byte from public "
            "repositories that had downloaded them from the publishers; none has yet been "
            "checked against the publisher\u2019s current download. The MPS revises "
            "earlier months in each new file, and where files overlap the newest is used "
            "for every month it covers.",
        ),
    ]
    return section("about-caveats", [html.Ul([*fixed, *extra], className="about-caveats")])


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
