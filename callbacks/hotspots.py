"""Hot spots and repeat victimisation (/hotspots), and an area's hot-spot history in
its profile: read the choices, find the hot spots (cached per data version), draw."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from callbacks.context import Context
from data import hotspots as rules
from data.dataset import Dataset
from data.export import safe_csv
from data.funnel import rate_decimals
from data.profiles import AreaFacts, measure_noun
from geo.hotspots import Hotspots, area_hotspots
from geo.weights import Contiguity
from layouts import hotspots as view
from layouts import ids
from layouts.pages import parse_query
from layouts.tables import html_table
from presenters.common.map_paint import LONDON_CENTRE, LONDON_ZOOM, NOT_COVERED_COLOUR
from presenters.common.options import Option

DEFAULTS = {"measure": "knife_crime", "level": "ward", "borough": ""}
GROUPS = {"knife": "Knife crime", "gun": "Gun crime", "context": "Context"}
CONTEXT_MEASURES = ("possession_of_weapons", "violence_against_the_person")
LEVELS = {"ward": "Wards", "lsoa": "Small areas (LSOAs)"}
LEVEL_WORDS = {"ward": ("ward", "wards"), "lsoa": ("small area", "small areas")}
NO_DATA = "No data has been published yet."
NO_BOUNDARIES = "The boundary files are not available, so hot spots cannot be found."
# Okabe-Ito colours, one per map category; the key and the hover name each too.
COLOURS = {
    rules.ESTABLISHED_SPOT: "#D55E00",
    rules.EMERGING_SPOT: "#F0E442",
    rules.FORMER_SPOT: "#CC79A7",
    rules.PERSISTENT_ONLY: "#56B4E9",
    rules.NOT_FLAGGED: "#f7f7f7",
}
UNRELIABLE = "Fewer than 10: unreliable"


# -- choices -----------------------------------------------------------------------


def measure_options(ds: Dataset, level: str) -> list[Option]:
    out = []
    for m in ds.measures.itertuples():
        if level not in str(m.levels).split(","):
            continue
        if m.grp in ("knife", "gun") or m.id in CONTEXT_MEASURES:
            out.append((str(m.id), str(m.label), GROUPS[m.grp]))
    return out


def level_options() -> list[Option]:
    return [(level, label, "") for level, label in LEVELS.items()]


def borough_options(ds: Dataset) -> list[Option]:
    boroughs = ds.areas[(ds.areas["level"] == "borough") & ds.areas["covered"]]
    out: list[Option] = [("", "All of London", "")]
    return out + [
        (str(r.code), str(r.name), "Boroughs") for r in boroughs.sort_values("name").itertuples()
    ]


def hot_state(ds: Dataset, raw: dict | None) -> dict[str, str]:
    """The view to show, with anything unknown replaced by its default."""
    raw = {k: str(v) for k, v in (raw or {}).items() if v is not None}
    level = raw.get("level", "")
    if level not in LEVELS:
        level = DEFAULTS["level"]
    measures = [o[0] for o in measure_options(ds, level)]
    measure = raw.get("measure", "")
    if measure not in measures:
        measure = DEFAULTS["measure"] if DEFAULTS["measure"] in measures else measures[0]
    borough = raw.get("borough", "")
    if borough not in [o[0] for o in borough_options(ds)]:
        borough = ""
    return {"measure": measure, "level": level, "borough": borough}


def query_string(state: dict[str, str]) -> str:
    return "?" + urlencode({k: v for k, v in state.items() if v})


# -- the table ------------------------------------------------------------------------


def flagged_rows(result: Hotspots, borough: str = "") -> pd.DataFrame:
    """The flagged areas, strongest first: by category, then Gi* z."""
    table = result.table
    rows = table[table["flagged"]]
    if borough:
        rows = rows[rows["parent_code"] == borough]
    order = {c: i for i, c in enumerate(rules.CATEGORIES)}
    return rows.assign(_order=rows["category"].map(order)).sort_values(
        ["_order", "z", "name"], ascending=[True, False, True], kind="stable"
    )


def export_frame(rows: pd.DataFrame, level: str, unit: str) -> pd.DataFrame:
    """The table as shown, with plain column names, for the CSV."""
    out = pd.DataFrame(
        {
            "area_code": rows["code"],
            "area": rows["name"],
            "borough": rows["parent"],
        }
    )
    if level == "lsoa":
        out["ward"] = rows["ward"]
    out = out.assign(
        **{
            f"{unit}_12_months": rows["count"],
            "rate_per_1000": rows["rate"].round(4),
            "months_with_offences_of_12": rows["months_with"],
            "top_10pct_years": rows["top_years"],
            "separate_years": rows["years"],
            "persistent_hot_spot": np.where(rows["persistent"], "yes", "no"),
            "gi_star_z": rows["z"].round(3),
            "gi_star_p_two_sided": rows["p"].round(5),
            "gi_star_q_fdr": rows["q"].round(4),
            "hot_spot_class": rows["class"],
            "gi_star_hot_windows": rows["hot_windows"],
            "windows": rows["windows"],
            "reasons": rows["reasons"],
            "fewer_than_10": np.where(rows["low_count"], "yes", "no"),
            "rate_caveat": rows["caveat"],
        }
    )
    return out.reset_index(drop=True)


def hot_table(rows: pd.DataFrame, level: str, unit: str, caption: str) -> object:
    if rows.empty:
        return html.P("No area is flagged.")
    d = rate_decimals(rows["rate"].max())
    lsoa = level == "lsoa"
    headers = [
        "Area",
        *(["Ward"] if lsoa else []),
        "Borough",
        f"{unit.capitalize()}, 12 months",
        "Rate per 1,000",
        "Months with offences",
        "Hot-spot class",
        "Reasons",
        "Reliability",
        "Rate caveat",
    ]
    body = [
        [
            r["name"],
            *([r["ward"]] if lsoa else []),
            r["parent"],
            f"{r['count']:,}",
            f"{r['rate']:,.{d}f}",
            f"{r['months_with']} of 12",
            r["class"],
            r["reasons"],
            UNRELIABLE if r["low_count"] else "",
            r["caveat"],
        ]
        for r in rows.to_dict("records")
    ]
    first = 3 if lsoa else 2
    return html_table(caption, headers, body, row_header=0, numeric=(first, first + 1))


# -- the map ----------------------------------------------------------------------


def layer_centre(layer: dict) -> tuple[dict, float]:
    """Centre and zoom that fit a FeatureCollection (a borough's small areas)."""
    xs, ys = [], []
    for feature in layer["features"]:
        coords = np.asarray(_flat(feature["geometry"]["coordinates"]))
        xs += [coords[:, 0].min(), coords[:, 0].max()]
        ys += [coords[:, 1].min(), coords[:, 1].max()]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    span = max(east - west, (north - south) * 1.6, 1e-3)
    zoom = float(np.clip(np.log2(360 / span) - 1.0, 8, 14))
    return {"lat": (south + north) / 2, "lon": (west + east) / 2}, round(zoom, 2)


def _flat(coords) -> list:
    if coords and isinstance(coords[0], int | float):
        return [coords]
    return [point for part in coords for point in _flat(part)]


def map_figure(
    rows: pd.DataFrame,
    geojson: str | dict,
    *,
    not_covered: list[str],
    centre: dict | None = None,
    zoom: float | None = None,
) -> dict:
    """One choropleth trace per category, each in its own colour, as a plain figure."""
    traces = []
    hover = "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"
    for key in reversed(rules.CATEGORIES):
        group = rows[rows["category"] == key]
        if group.empty:
            continue
        colour = COLOURS[key]
        traces.append(
            {
                "type": "choroplethmap",
                "geojson": geojson,
                "featureidkey": "id",
                "name": rules.CATEGORY_LABELS[key],
                "locations": group["code"].tolist(),
                "z": [1] * len(group),
                "colorscale": [[0, colour], [1, colour]],
                "showscale": False,
                "marker": {"line": {"color": "#4a4a4a", "width": 0.5}},
                "customdata": [
                    [n, rules.CATEGORY_LABELS[key], r or "not flagged"]
                    for n, r in zip(group["name"], group["reasons"], strict=True)
                ],
                "hovertemplate": hover,
            }
        )
    if not_covered:
        traces.append(
            {
                "type": "choroplethmap",
                "geojson": geojson,
                "featureidkey": "id",
                "name": "Not covered (City of London Police)",
                "locations": not_covered,
                "z": [1] * len(not_covered),
                "colorscale": [[0, NOT_COVERED_COLOUR], [1, NOT_COVERED_COLOUR]],
                "showscale": False,
                "marker": {"line": {"color": "#8a8a8a", "width": 0.5}},
                "hovertemplate": "Not covered: the City of London Police polices the City, "
                "so the MPS publishes nothing here<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            # A plain white style: the map needs no tiles from the internet.
            "map": {
                "style": "white-bg",
                "center": centre or LONDON_CENTRE,
                "zoom": zoom or LONDON_ZOOM,
            },
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
            "paper_bgcolor": "white",
            "hoverlabel": {"bgcolor": "white"},
        },
    }


# -- the view ----------------------------------------------------------------------


def _label(ds: Dataset, measure: str) -> str:
    return str(ds.measures.loc[measure, "label"])


def summary_words(result: Hotspots, noun: str, level: str, place: str) -> list:
    table = result.table
    _singular, plural = LEVEL_WORDS[level]
    n = len(table)
    in_place = table if not place else table[table["parent_code"] == place]
    persistent = int(in_place["persistent"].sum())
    years = int(table["years"].iloc[0]) if n else 0
    hot = in_place[in_place["hot"]]
    strong = int((hot["confidence"] >= 99).sum())
    classes = in_place["class"].value_counts()
    class_words = ", ".join(
        f"{int(classes[c]):,} {c}" for c in rules.CLASSES if c in classes.index and classes[c]
    )
    where = f"London's {n:,} {plural}" if not place else f"the {len(in_place):,} {plural} shown"
    latest = result.windows[-1]
    first = result.windows[0]
    out = [
        html.P(
            f"{persistent:,} of {where} "
            + ("was a persistent hot spot" if persistent == 1 else "were persistent hot spots")
            + f": "
            f"among London's top {rules.PERSISTENT_SHARE:.0%} of {plural} by {noun} in each "
            f"of the last {years} separate 12-month years, to {latest:%B %Y}.",
            className="risk-headline",
        ),
        html.P(
            f"Gi* finds {len(hot):,} hot {'spot' if len(hot) == 1 else 'spots'} in the "
            f"latest 12 months ({strong:,} with q < 0.01) after correcting for "
            f"testing {n:,} {plural} at once. Over the {result.z.shape[1]} rolling windows "
            f"from the 12 months to {first:%B %Y} to the 12 months to {latest:%B %Y}: "
            + (class_words or "no area has a hot-spot pattern")
            + "."
        ),
    ]
    return out


def hotspot_view(ds: Dataset | None, context: Context, state: dict[str, str]) -> dict:
    """Everything the page shows for a state; a plain function, for tests."""
    empty = {
        "heading": "",
        "summary": [html.P(NO_DATA)],
        "hidden": True,
        "figure": {},
        "map_note": "",
        "legend": None,
        "table": None,
        "notes": [],
        "rows": pd.DataFrame(),
    }
    if ds is None:
        return empty
    measure, level, borough = state["measure"], state["level"], state["borough"]
    label = _label(ds, measure)
    _singular, plural = LEVEL_WORDS[level]
    place = str(ds.areas.loc[borough, "name"]) if borough else "London"
    heading = f"{label}: hot spots among {plural}, {place}"
    contiguity = context.contiguity(level)
    if contiguity is None:
        return {**empty, "heading": heading, "summary": [html.P(NO_BOUNDARIES)]}
    result = area_hotspots(ds, contiguity, measure)
    if not result.available:
        return {
            **empty,
            "heading": heading,
            "summary": [html.P(result.message, className="arp-message")],
        }
    unit = str(ds.measures.loc[measure, "unit"])
    rows = flagged_rows(result, borough)
    heading = f"{heading}, 12 months to {result.windows[-1]:%B %Y}"
    shown = result.table if not borough else result.table[result.table["parent_code"] == borough]
    counts = shown["category"].value_counts()
    legend = view.legend(
        [(rules.CATEGORY_LABELS[c], COLOURS[c], int(counts.get(c, 0))) for c in rules.CATEGORIES]
    )
    figure: dict = {}
    map_note = (
        "Each area is coloured by its strongest finding; hover or tap an area for its "
        "reasons. The table below gives the same findings."
    )
    if level == "ward":
        url = context.geojson_url("ward")
        layer = context.lsoa_layer(borough) if borough else None
        centre, zoom = layer_centre(layer) if layer else (None, None)
        city = ds.areas[(ds.areas["level"] == "ward") & ~ds.areas["covered"]]["code"].tolist()
        if url:
            figure = map_figure(
                shown, url, not_covered=[] if borough else city, centre=centre, zoom=zoom
            )
    elif borough:
        layer = context.lsoa_layer(borough)
        if layer is not None:
            centre, zoom = layer_centre(layer)
            figure = map_figure(shown, layer, not_covered=[], centre=centre, zoom=zoom)
    else:
        map_note = (
            "London has almost 5,000 small areas: choose a borough to see its small areas "
            "on the map. The table lists every flagged small area in London."
        )
    notes = [
        html.P(
            "Gun crime measures have no public data yet: once MOPAC staff upload the "
            "MPS's gun crime file, the same hot-spot analysis runs on it."
        )
    ]
    if level == "ward":
        notes.append(
            html.P(
                "The City of London's 25 wards are not analysed: the City is policed by the "
                "City of London Police and the MPS publishes no figures for it (not zero)."
            )
        )
    low = int(rows["low_count"].sum())
    if low:
        notes.append(
            html.P(
                f"{low:,} of the flagged {plural} had fewer than 10 {unit} in the latest 12 "
                "months: their rates are marked unreliable.",
                className="arp-warning",
            )
        )
    caption = f"{label}: flagged {plural} in {place}, strongest first, with their reasons"
    return {
        "heading": heading,
        "summary": summary_words(result, measure_noun(ds, measure)[0], level, borough),
        "hidden": False,
        "figure": figure,
        "map_note": map_note,
        "legend": legend,
        "table": hot_table(rows, level, unit, caption),
        "notes": notes,
        "rows": rows,
    }


def hotspot_csv(ds: Dataset, context: Context, state: dict[str, str]) -> tuple[str, str] | None:
    contiguity = context.contiguity(state["level"])
    if contiguity is None:
        return None
    result = area_hotspots(ds, contiguity, state["measure"])
    if not result.available:
        return None
    unit = str(ds.measures.loc[state["measure"], "unit"])
    rows = flagged_rows(result, state["borough"])
    parts = [
        "hotspots",
        state["measure"],
        state["level"],
        *([state["borough"]] if state["borough"] else []),
    ]
    return f"{'-'.join(parts)}.csv".lower(), safe_csv(export_frame(rows, state["level"], unit))


# -- the area profile's section ------------------------------------------------------

PROFILE_MEASURES = (
    "knife_crime",
    "knife_crime_injury",
    "knife_injury_victims_1_24_non_da",
    "gun_crime",
    "possession_of_weapons",
)


def status_words(row: pd.Series | dict) -> str:
    if row["class"]:
        return f"{row['class'].capitalize()} hot spot"
    if row["persistent"]:
        return "Persistent hot spot"
    return "Not flagged"


def history_table(history: pd.DataFrame, name: str, label: str) -> object:
    return html_table(
        f"{name}: {label.lower()}, hot-spot record for the 12 months to each month",
        (
            "12 months to",
            "Offences",
            "Months with offences",
            "Gi* z-score",
            "Gi* result",
        ),
        (
            (
                f"{r['window_end']:%B %Y}",
                f"{r['count']:,}",
                f"{r['months_with']} of 12",
                f"{r['z']:.2f}",
                f"hot spot (q = {r['q']:.3f})"
                if r["hot"]
                else f"cold spot (q = {r['q']:.3f})"
                if r["cold"]
                else "not significant (q ≥ 0.05)",
            )
            for r in history.to_dict("records")
        ),
        row_header=0,
        numeric=(1, 3),
    )


def hotspot_section(ds: Dataset | None, context: Context, facts: AreaFacts | None) -> list:
    """The profile's "Hot-spot status" section for a ward, borough or BCU."""
    if ds is None or facts is None:
        return []
    if not facts.covered:
        return [html.P("No hot-spot figures: the MPS publishes no data for this area.")]
    contiguity: Contiguity | None = context.contiguity("ward")
    if contiguity is None:
        return [html.P(NO_BOUNDARIES)]
    if facts.level != "ward":
        return _wards_within(ds, contiguity, facts)
    rows, missing = [], []
    for measure in PROFILE_MEASURES:
        if measure not in ds.measures.index:
            continue
        result = area_hotspots(ds, contiguity, measure)
        label = _label(ds, measure)
        if not result.available:
            missing.append(label.lower())
            continue
        found = result.table[result.table["code"] == facts.code]
        if found.empty:
            continue
        row = found.iloc[0]
        rows.append((label, status_words(row), row["reasons"] or "none of the rules holds"))
    out: list = []
    if rows:
        out.append(
            html.Div(
                html_table(
                    f"{facts.name}: hot-spot status, latest 12 months",
                    ("Measure", "Status", "Reasons"),
                    rows,
                    row_header=0,
                ),
                className="table-wrap",
                tabIndex="0",
                role="region",
                **{"aria-label": "Hot-spot status"},
            )
        )
    if missing:
        out.append(
            html.P(
                "No hot-spot figures yet for " + ", ".join(missing) + ": no data "
                "has been published.",
                className="arp-message",
            )
        )
    result = area_hotspots(ds, contiguity, "knife_crime")
    history = result.history(facts.code) if result.available else None
    if history is not None:
        hot = int(history["hot"].sum())
        out.append(
            html.P(
                f"Knife crime: {facts.name} was a Gi* hot spot in {hot} of the "
                f"{len(history)} rolling 12-month windows from the 12 months to "
                f"{history['window_end'].iloc[-1]:%B %Y} to the 12 months to "
                f"{history['window_end'].iloc[0]:%B %Y}."
            )
        )
        out.append(
            html.Details(
                [
                    html.Summary("Hot-spot history, window by window"),
                    html.Div(
                        history_table(history, facts.name, _label(ds, "knife_crime")),
                        className="table-wrap",
                        tabIndex="0",
                        role="region",
                        **{"aria-label": "Hot-spot history"},
                    ),
                ]
            )
        )
    query = {"measure": "knife_crime", "level": "ward", "borough": facts.borough_code or ""}
    out.append(
        html.P(dcc.Link(f"Hot spots in {facts.borough}", href="/hotspots?" + urlencode(query)))
    )
    return out


def _wards_within(ds: Dataset, contiguity: Contiguity, facts: AreaFacts) -> list:
    result = area_hotspots(ds, contiguity, "knife_crime")
    if not result.available:
        return [html.P(result.message)]
    table = result.table
    if facts.level == "borough":
        inside = table[table["parent_code"] == facts.code]
        boroughs = [facts.code]
    else:
        members = ds.areas[(ds.areas["level"] == "borough") & (ds.areas["bcu"] == facts.bcu)]
        boroughs = list(members["code"])
        inside = table[table["parent_code"].isin(boroughs)]
    hot = inside[inside["class"] != ""]
    years = int(table["years"].iloc[0])
    text = (
        f"Knife crime, 12 months to {result.windows[-1]:%B %Y}: {int(inside['persistent'].sum())} "
        f"of the {len(inside)} wards in {facts.name} were persistent hot spots (among "
        f"London's top {rules.PERSISTENT_SHARE:.0%} of wards by offences in each of the last "
        f"{years} separate 12-month years); {len(hot)} "
        f"{'has' if len(hot) == 1 else 'have'} a Gi* hot-spot pattern"
    )
    text += (
        ": " + ", ".join(f"{n} ({c})" for n, c in zip(hot["name"], hot["class"], strict=True))
        if len(hot)
        else ""
    ) + "."
    links = [
        html.Li(
            dcc.Link(
                f"Hot spots in {ds.areas.loc[b, 'name']}",
                href="/hotspots?"
                + urlencode({"measure": "knife_crime", "level": "ward", "borough": b}),
            )
        )
        for b in boroughs
    ]
    return [html.P(text), html.Ul(links)]


def register(app: Dash, context: Context) -> None:

    @app.callback(
        Output(ids.HOT_CONTROLS, "children"),
        Output(ids.HOT_STATE, "data"),
        Output(ids.HOT_URL, "search"),
        Output(ids.HOT_HEADING, "children"),
        Output(ids.HOT_SUMMARY, "children"),
        Output(ids.HOT_RESULTS, "hidden"),
        Output(ids.HOT_MAP, "figure"),
        Output(ids.HOT_MAP_NOTE, "children"),
        Output(ids.HOT_LEGEND, "children"),
        Output(ids.HOT_TABLE, "children"),
        Output(ids.HOT_NOTES, "children"),
        Input(ids.HOT_CHOICE, "data"),
        Input(ids.HOT_URL, "search"),
    )
    def _show(choice, search):
        ds = context.dataset()
        from_url = ctx.triggered_id != ids.HOT_CHOICE or not choice
        if ds is None:
            v = hotspot_view(None, context, {})
            return None, None, no_update, "", v["summary"], True, {}, "", None, None, []
        state = hot_state(ds, parse_query(search) if from_url else choice)
        v = hotspot_view(ds, context, state)
        controls = view.controls(
            state,
            measures=measure_options(ds, state["level"]),
            levels=level_options(),
            boroughs=borough_options(ds),
        )
        return (
            controls,
            state,
            no_update if from_url else query_string(state),
            v["heading"],
            v["summary"],
            v["hidden"],
            v["figure"],
            v["map_note"],
            v["legend"],
            v["table"],
            v["notes"],
        )

    @app.callback(
        Output(ids.HOT_DOWNLOAD, "data"),
        Input(ids.HOT_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.HOT_STATE, "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks, state):
        ds = context.dataset()
        found = hotspot_csv(ds, context, state) if ds is not None and state else None
        if found is None:
            return no_update
        name, text = found
        return {"content": text, "filename": name, "type": "text/csv"}
