"""The map explorer (/map): controls, headline, map with its key, and the table.

The view's whole state lives in the URL, so a copied link reopens it:

    /map?measure=knife_crime&level=ward&period=r12&value=rate&bcu=BCU-CENTRAL-SOUTH
        &borough=E09000022&area=E05014099&table=1

`period` is a token of data.periods (r12, m, fy2024, 2024-01..2024-06); `bcu` and
`borough` filter the table and zoom the map; `area` is the borough or ward found by
name or clicked, zoomed to, outlined and linked to its profile. `parse_query` keeps
what could be valid without the data (a known measure, level and value, a real BCU
or borough, the shapes of period and area); the callbacks then check the rest against
the published data and write every change back to the URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from urllib.parse import urlencode

from dash import dcc, html

from data.areas import BCUS, BOROUGHS, MPS_BOROUGHS, bcu_code, bcu_of, borough_code
from data.catalogue import MEASURES
from layouts import ids

DEFAULT_MEASURE = "knife_crime"
LEVELS = {"borough": "Boroughs", "ward": "Wards"}
LEVEL_WORDS = {"borough": ("borough", "boroughs"), "ward": ("ward", "wards")}
VALUE_LABELS = {
    "count": "Number",
    "rate": "Rate per 1,000 residents",
    "young_rate": "Rate per 1,000 residents aged 0-24",
    "change": "Change on the previous period",
}
GROUPS = {
    "knife": "Knife crime",
    "gun": "Gun crime",
    "outcomes": "Positive outcomes",
    "context": "Context",
}
CUSTOM = "custom"
PERIOD_TOKEN = re.compile(r"^(r12|m|fy\d{4}|\d{4}-\d{2}|\d{4}-\d{2}\.\.\d{4}-\d{2})$")
MONTH_TOKEN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
AREA_CODE = re.compile(r"^E0[59]\d{6}$")
BCU_CODES = {bcu_code(name): name for name in BCUS}


@dataclass(frozen=True)
class ExplorerState:
    """What the map shows. `area` is the area found or clicked (zoomed and outlined);
    `bcu` and `borough` filter the table and zoom the map."""

    measure: str = DEFAULT_MEASURE
    level: str = "borough"
    period: str = "r12"
    value: str = "count"
    bcu: str | None = None
    borough: str | None = None
    area: str | None = None
    table: bool = False

    def query(self) -> dict[str, str]:
        out = {
            "measure": self.measure,
            "level": self.level,
            "period": self.period,
            "value": self.value,
        }
        for key in ("bcu", "borough", "area"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.table:
            out["table"] = "1"
        return out

    def search(self) -> str:
        return "?" + urlencode(self.query())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping | None) -> ExplorerState | None:
        if not data:
            return None
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def allowed_levels(measure: str) -> tuple[str, ...]:
    return tuple(level for level in LEVELS if level in MEASURES[measure].levels)


def allowed_values(measure: str) -> tuple[str, ...]:
    return tuple(v for v in VALUE_LABELS if v != "young_rate" or MEASURES[measure].young)


def parse_query(query: Mapping[str, str]) -> ExplorerState:
    """The state a URL asks for, keeping only values that could be valid.

    Each bad value falls back to its default on its own, so one mistyped parameter
    does not throw away the rest of a shared link.
    """
    measure = query.get("measure", "")
    measure = measure if measure in MEASURES else DEFAULT_MEASURE
    levels = allowed_levels(measure)
    level = query.get("level", "")
    level = level if level in levels else levels[0]
    value = query.get("value", "")
    value = value if value in allowed_values(measure) else "count"
    period = query.get("period", "").strip()
    period = period if PERIOD_TOKEN.match(period) else "r12"
    borough = borough_code(query.get("borough"))
    borough = borough if borough in MPS_BOROUGHS else None
    bcu = _bcu(query.get("bcu"))
    if borough is not None:
        bcu = bcu_code(bcu_of(borough))
    area = query.get("area", "").strip().upper()
    area = area if AREA_CODE.match(area) else None
    table = query.get("table", "").lower() in {"1", "true", "yes", "on"}
    return ExplorerState(measure, level, period, value, bcu, borough, area, table)


def _bcu(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    if text.upper() in BCU_CODES:
        return text.upper()
    for name in BCUS:
        if text.lower() in (name.lower(), f"{name} bcu".lower()):
            return bcu_code(name)
    return None


# -- options --------------------------------------------------------------------
#
# Options are dicts {"label", "value"} with an optional "group" (an <optgroup>) or
# "disabled". The controls are native <select> elements and buttons: Dash 4's
# dcc.Dropdown keeps an aria-hidden input in the tab order and dcc.RadioItems nests
# radio inputs inside role="option" (both axe "serious" failures), while a native
# select is labelled by its <label>, works from the keyboard and opens a phone's own
# picker. A listener (callbacks.explorer.CHOICE_LISTENER) copies the selects' values
# into the MAP_CHOICE store when one changes.


def measure_options(without_data: Iterable[str] = ()) -> list[dict]:
    missing = set(without_data)
    return [
        {
            "label": m.label + (" (no published data yet)" if m.id in missing else ""),
            "value": m.id,
            "group": GROUPS[m.group],
        }
        for group in GROUPS
        for m in MEASURES.values()
        if m.group == group
    ]


def bcu_options() -> list[dict]:
    return [{"label": "All of London", "value": ""}] + [
        {"label": f"{name} ({', '.join(members)})", "value": bcu_code(name)}
        for name, members in BCUS.items()
    ]


def borough_options() -> list[dict]:
    return [{"label": "All boroughs", "value": ""}] + [
        {"label": name, "value": code}
        for code, name in sorted(BOROUGHS.items(), key=lambda item: item[1])
        if code in MPS_BOROUGHS
    ]


def static_period_options(choice: str) -> list[dict]:
    """Before the data is known: the choices every measure with data offers."""
    options = [
        {"label": "Latest 12 months", "value": "r12"},
        {"label": "Latest month", "value": "m"},
        {"label": "A range of months", "value": CUSTOM},
    ]
    if choice.startswith("fy"):
        options.insert(2, {"label": f"Financial year {choice[2:]}", "value": choice})
    return options


def period_control_values(token: str) -> tuple[str, str | None, str | None]:
    """The period select's value and the two month selects' values for a token."""
    if ".." in token:
        start, end = token.split("..")
        return CUSTOM, start, end
    if MONTH_TOKEN.match(token):
        return CUSTOM, token, token
    return token, None, None


# -- components -----------------------------------------------------------------


def select_options(options: Sequence[dict], value: str | None) -> list:
    """<option>s (in <optgroup>s where options name a group) with `value` selected."""
    children: list = []
    groups: dict[str, html.Optgroup] = {}
    for o in options:
        option = html.Option(
            o["label"],
            value=o["value"],
            selected=o["value"] == (value or ""),
            disabled=o.get("disabled", False),
        )
        group = o.get("group")
        if not group:
            children.append(option)
        elif group in groups:
            groups[group].children.append(option)
        else:
            groups[group] = html.Optgroup([option], label=group)
            children.append(groups[group])
    return children


def native_select(
    id_: str,
    label: str,
    name: str,
    options: Sequence[dict],
    value: str | None,
    class_name: str = "control",
) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=id_),
            html.Select(select_options(options, value), id=id_, name=name),
        ],
        className=class_name,
    )


def toggle_buttons(
    group_id: str, legend: str, options: Sequence[dict], value: str, class_name: str = "control"
) -> html.Div:
    """A row of buttons, one pressed: a choice of a few options, all in view."""
    label_id = f"{group_id}-label"
    return html.Div(
        [
            html.Span(legend, id=label_id, className="control-label"),
            html.Div(
                [
                    html.Button(
                        o["label"],
                        id={"type": group_id, "value": o["value"]},
                        type="button",
                        className="toggle",
                        disabled=o.get("disabled", False),
                        hidden=o.get("hidden", False),
                        **{"aria-pressed": "true" if o["value"] == value else "false"},
                    )
                    for o in options
                ],
                className="toggles",
                role="group",
                **{"aria-labelledby": label_id},
            ),
        ],
        className=class_name,
    )


def level_buttons(measure: str) -> list[dict]:
    allowed = allowed_levels(measure)
    return [
        {
            "label": label if level in allowed else f"{label} (not published)",
            "value": level,
            "disabled": level not in allowed,
        }
        for level, label in LEVELS.items()
    ]


def value_buttons(choices: Sequence[str]) -> list[dict]:
    return [
        {"label": label, "value": v, "hidden": v not in choices}
        for v, label in VALUE_LABELS.items()
    ]


def controls(state: ExplorerState) -> html.Section:
    choice, start, end = period_control_values(state.period)
    months = [{"label": m, "value": m} for m in sorted({start, end} - {None})]
    return html.Section(
        [
            html.H2("Choose what the map shows", className="visually-hidden"),
            native_select(
                ids.MAP_MEASURE,
                "Measure",
                "measure",
                measure_options(),
                state.measure,
                "control wide",
            ),
            toggle_buttons(ids.MAP_LEVEL, "Areas", level_buttons(state.measure), state.level),
            native_select(
                ids.MAP_PERIOD, "Period", "period", static_period_options(choice), choice
            ),
            html.Div(
                [
                    native_select(ids.MAP_FROM, "From", "from", months, start),
                    native_select(ids.MAP_TO, "To", "to", months, end),
                ],
                id=ids.MAP_RANGE,
                className="control-pair wide",
                hidden=choice != CUSTOM,
            ),
            toggle_buttons(
                ids.MAP_VALUE,
                "Show",
                value_buttons(allowed_values(state.measure)),
                state.value,
                "control wide",
            ),
            native_select(ids.MAP_BCU, "Basic Command Unit", "bcu", bcu_options(), state.bcu),
            native_select(ids.MAP_BOROUGH, "Borough", "borough", borough_options(), state.borough),
            html.Div(
                [
                    html.Label("Find an area by name", htmlFor=ids.MAP_FIND),
                    html.Div(
                        [
                            dcc.Input(
                                id=ids.MAP_FIND,
                                type="search",
                                list=ids.MAP_FIND_LIST,
                                debounce=True,
                                autoComplete="off",
                                placeholder="For example Lambeth or Brixton Windrush",
                            ),
                            html.Button(
                                "Show on map",
                                id=ids.MAP_FIND_BUTTON,
                                type="button",
                                className="button",
                            ),
                        ],
                        className="find-row",
                    ),
                    html.Datalist(id=ids.MAP_FIND_LIST),
                    html.P(id=ids.MAP_FIND_MESSAGE, className="hint", **{"aria-live": "polite"}),
                ],
                className="control find wide",
                role="search",
            ),
        ],
        id=ids.MAP_CONTROLS,
        className="map-controls",
        **{"aria-label": "Choose what the map shows"},
    )


def layout(query: dict[str, str], path: str = "/map") -> list:
    state = parse_query(query)
    return [
        dcc.Location(id=ids.MAP_URL, refresh=False, search=state.search()),
        dcc.Store(id=ids.MAP_VIEW),
        dcc.Store(id=ids.MAP_FOCUS),
        dcc.Store(id=ids.MAP_CHOICE),
        dcc.Store(id=ids.MAP_SYNC),
        dcc.Download(id=ids.MAP_CSV),
        html.H1("Map of weapon-enabled crime"),
        html.P(
            "Choose a measure, a period and what to show; click a borough to see its "
            "wards, or find your own area by name. Every view has its own web address, "
            "so you can share or bookmark it.",
            className="lede",
        ),
        controls(state),
        html.Div(id=ids.MAP_HEADLINE, className="headline", **{"aria-live": "polite"}),
        html.Div(
            [
                html.Figure(
                    [
                        html.H2(id=ids.MAP_HEADING, className="map-heading"),
                        dcc.Graph(
                            id=ids.MAP,
                            className="map",
                            # Inline: dcc.Graph sets its own height otherwise.
                            style={"height": "64vh", "minHeight": "340px", "maxHeight": "760px"},
                            config={
                                "displaylogo": False,
                                "scrollZoom": False,
                                "responsive": True,
                                "modeBarButtonsToRemove": [
                                    "select2d",
                                    "lasso2d",
                                    "sendChartToCloud",
                                ],
                                "toImageButtonOptions": {
                                    "format": "png",
                                    "filename": "london-weapon-crime-map",
                                    "width": 1200,
                                    "height": 900,
                                },
                            },
                        ),
                        html.Figcaption(
                            "Each area is coloured by its class in the key. Hover over or "
                            "tap an area for its figures; the same figures are in the table "
                            "below the map."
                        ),
                    ],
                    className="map-figure",
                ),
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
                                    "Download the figures (CSV)",
                                    id=ids.MAP_CSV_BUTTON,
                                    type="button",
                                    className="button",
                                ),
                            ],
                            className="map-actions",
                        ),
                    ],
                    className="map-side",
                    **{"aria-label": "Key and downloads"},
                ),
            ],
            className="map-layout",
        ),
        html.Div(id=ids.MAP_NOTE, className="note"),
        html.Section(id=ids.MAP_DEFINITION, className="definition"),
        html.Section(
            [
                html.H2("The map's figures as a table"),
                html.Button(
                    "Show the table",
                    id=ids.MAP_TABLE_TOGGLE,
                    type="button",
                    className="button secondary",
                    **{"aria-expanded": "false", "aria-controls": ids.MAP_TABLE},
                ),
                html.Div(
                    id=ids.MAP_TABLE,
                    className="table-wrap",
                    tabIndex="0",
                    role="region",
                    **{"aria-label": "The map's figures"},
                ),
            ],
            className="map-table-section",
        ),
    ]


def legend(
    title: str,
    classes: Sequence[tuple[str, str]],
    greys: Sequence[tuple[str, str]],
    outlines: Sequence[tuple[str, str]] = (),
) -> list:
    """The key in words: each colour with the range of values it stands for."""

    def item(colour: str, text: str, kind: str = "fill"):
        style = {"background": colour} if kind == "fill" else {"borderColor": colour}
        return html.Li(
            [
                html.Span(className=f"swatch {kind}", style=style, **{"aria-hidden": "true"}),
                html.Span(text),
            ]
        )

    items = [item(c, t) for c, t in classes] + [item(c, t) for c, t in greys]
    items += [item(c, t, "outline") for c, t in outlines]
    return [html.P(title, className="legend-title"), html.Ul(items, className="legend-list")]


def selected_area(
    name: str, kind: str, sentences: Sequence[str], code: str, profile_label: str
) -> list:
    return [
        html.H3(name),
        html.P(kind, className="hint"),
        *(html.P(s) for s in sentences),
        dcc.Link(profile_label, href=f"/area/{code}", className="profile-link"),
    ]


def definition(label: str, text: str, source: str) -> list:
    return [
        html.H2(f"About this measure: {label}"),
        html.P(text),
        html.P(f"Source: {source}.", className="hint"),
    ]
