"""The map (/map): the folding panel of choices, the map with its headline and key, the
notes and the table; and the functions that turn the map's view model into components.

On a phone the choices fold away (dashboard/assets/map.js opens them on wider
screens), so the map is the first thing under the page's title.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from layouts import ids
from layouts.controls import fieldset
from layouts.map_figure import image_layout
from layouts.tables import csv_button, table
from layouts.text import paras
from presenters.common.controls import Controls
from presenters.common.view import Definition
from presenters.map import Finding, Image, MapView, SelectedArea

GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud"],
    "toImageButtonOptions": {
        "format": "png",
        "filename": "london-weapon-crime-map",
        "width": 1200,
        "height": 900,
    },
}


def find_box() -> html.Div:
    return html.Div(
        [
            html.Label("Find a postcode or an area by name", htmlFor=ids.MAP_FIND),
            html.Div(
                [
                    dcc.Input(
                        id=ids.MAP_FIND,
                        type="search",
                        list=ids.MAP_FIND_LIST,
                        debounce=True,
                        autoComplete="off",
                        placeholder="For example SW2 1RW, Lambeth or Brixton",
                    ),
                    html.Button(
                        "Show on map", id=ids.MAP_FIND_BUTTON, type="button", className="button"
                    ),
                ],
                className="find-row",
            ),
            html.Datalist(id=ids.MAP_FIND_LIST),
            html.Div(id=ids.MAP_FIND_MESSAGE, className="find-message", **{"aria-live": "polite"}),
        ],
        className="map-find",
        role="search",
    )


def layout(query: dict[str, str], path: str = "/map") -> list:
    search = "?" + urlencode(query) if query else ""
    return [
        dcc.Location(id=ids.MAP_URL, refresh="callback-nav", search=search),
        dcc.Store(id=ids.MAP_CHOICE),
        dcc.Store(id=ids.MAP_DRAWN),
        dcc.Store(id=ids.MAP_FOCUS),
        dcc.Store(id=ids.MAP_IMAGE),
        dcc.Store(id=ids.MAP_FIND_NAMES),
        html.H1("Map of weapon-enabled crime"),
        html.Details(
            [
                html.Summary("Choose what the map shows", className="map-choose-summary"),
                html.P(
                    "Choose a measure, a period and what to show; click a borough to see "
                    "its wards, or find your own area by postcode or name. Every view has "
                    "its own web address, so you can share or bookmark it.",
                    className="lede",
                ),
                html.Div(id=ids.MAP_CONTROLS),
                find_box(),
            ],
            id=ids.MAP_CHOOSE,
            open=True,
            className="map-choose",
        ),
        html.Section(
            [
                html.H2(id=ids.MAP_HEADING, className="map-heading", tabIndex="-1"),
                html.Figure(
                    [
                        html.Div(dcc.Graph(id=ids.MAP, config=GRAPH_CONFIG), className="map-graph"),
                        html.Figcaption(
                            "Each area is coloured by its class in the key. Hover over or "
                            "tap an area for its figures; the same figures are in the table "
                            "below."
                        ),
                    ],
                    className="map-figure",
                ),
                html.Div(id=ids.MAP_HEADLINE, className="headline", **{"aria-live": "polite"}),
                html.Aside(
                    [
                        html.H2("Key"),
                        html.Div(id=ids.MAP_LEGEND, className="legend"),
                        html.Div(
                            id=ids.MAP_SELECTED,
                            className="selected-area",
                            **{"aria-live": "polite"},
                        ),
                        html.Div(
                            [
                                html.Button(
                                    "Back to all London",
                                    id=ids.MAP_BACK,
                                    type="button",
                                    className="button secondary",
                                    hidden=True,
                                ),
                                html.Button(
                                    "Download map image (PNG)",
                                    id=ids.MAP_IMAGE_BUTTON,
                                    type="button",
                                    className="button",
                                ),
                                html.Button(
                                    "The figures as a table, to download",
                                    id=ids.MAP_TABLE_OPEN,
                                    type="button",
                                    className="button",
                                ),
                                html.Div(
                                    csv_button(ids.MAP_TABLE, "Download the figures (CSV)"),
                                    id=ids.MAP_CSV,
                                    hidden=True,
                                ),
                            ],
                            className="map-actions",
                        ),
                    ],
                    className="map-side",
                    **{"aria-label": "Key and downloads"},
                ),
            ],
            className="map-view",
            **{"aria-labelledby": ids.MAP_HEADING},
        ),
        html.Div(id=ids.MAP_NOTE, className="note"),
        html.Section(id=ids.MAP_DEFINITION, className="definition"),
        html.Section(
            [
                html.H2("The map's figures as a table", id=ids.MAP_TABLE_HEADING, tabIndex="-1"),
                html.Button(
                    "Show the table",
                    id=ids.MAP_TABLE_TOGGLE,
                    type="button",
                    className="button secondary",
                    **{"aria-expanded": "false", "aria-controls": ids.MAP_TABLE_AREA},
                ),
                html.Div(
                    [
                        html.Div(csv_button(ids.MAP_TABLE), className="arp-actions"),
                        html.Div(id=ids.MAP_TABLE, className="map-table"),
                    ],
                    id=ids.MAP_TABLE_AREA,
                    hidden=True,
                ),
            ],
            className="map-table-section",
        ),
    ]


def selected_area(area: SelectedArea | None) -> list:
    if area is None:
        return []
    return [
        html.H3(area.name),
        html.P(area.kind, className="hint"),
        *(html.P(s) for s in area.sentences),
        dcc.Link(area.profile.text, href=area.profile.href, className="profile-link"),
    ]


def definition(d: Definition | None) -> list:
    if d is None:
        return []
    return [
        html.H2(f"About this measure: {d.label}"),
        html.P(d.text),
        html.P(f"Source: {d.source}.", className="hint"),
    ]


def find_message(finding: Finding | None) -> list:
    """What the search box found, when it did not open an area: the matches to choose
    from, or that nothing matched."""
    if finding is None or not finding.message:
        return []
    out: list = [html.P(finding.message)]
    if finding.matches:
        links = [html.Li(dcc.Link(m.text, href=m.href)) for m in finding.matches]
        out.append(html.Ul(links, className="find-matches"))
    return out


def table_holder(view: MapView) -> object:
    if view.table is None:
        return html.P(view.table_message)
    return table(view.table, label="The map's figures", class_name="map-table-grid")


def table_parts(view: MapView, shown: bool) -> dict:
    """The table and its buttons; the table (and the CSV it makes) travels only when a
    person asks for it."""
    return {
        "table": table_holder(view) if shown else [],
        "table_hidden": not shown,
        "csv_hidden": not shown,
        "open_hidden": shown,
        "toggle_text": "Hide the table" if shown else "Show the table",
        "toggle_expanded": "true" if shown else "false",
    }


def headline(view: MapView) -> list:
    return paras(view.headline)


def controls(model: Controls) -> object:
    return fieldset(model, store=ids.MAP_CHOICE, prefix=ids.MAP_SELECT,
                    class_name="arp-choices map-choices")  # fmt: skip


def image(model: Image | None) -> dict | None:
    """The picture's file name and what its layout adds: title, key and source."""
    if model is None:
        return None
    return {"filename": model.filename, "layout": image_layout(
        model.title, model.key.title, model.key.entries, model.source)}  # fmt: skip
