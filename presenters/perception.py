"""Public perception (/perception): what Londoners tell MOPAC's Public Attitude Survey,
over time and across the boroughs, set beside the crime the police record there and
beside homicide.

Every section is drawn from the survey measures present in the published version, so
a measure staff upload in the survey's layout appears here with no code change. Its
name comes from a file: it reaches the page only as text (paragraphs, table cells,
select options) or escaped for plotly (`plain`), never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import escape

import numpy as np
import pandas as pd
from plotly.colors import sample_colorscale

from data import perception, victims
from data.areas import CITY_OF_LONDON_CODE, LONDON_CODE, MPS_BOROUGHS
from data.classify import natural_breaks
from data.dataset import Dataset
from data.export import safe_csv
from data.frames import NOT_RECORDED
from data.perception import (
    HOMICIDE_MEASURES,
    NOT_COVERED_NOTE,
    ROLLING_NOTE,
    SAMPLE_ASSUMPTION,
    SurveyMeasure,
    area_name,
    quarter_label,
)
from presenters.common import options, survey, words
from presenters.common.charts import DASHES, FONT, OKABE_ITO, base_layout
from presenters.common.controls import Controls, select
from presenters.common.map_paint import (
    LONDON_CENTRE,
    LONDON_ZOOM,
    NAME,
    NO_DATA_COLOUR,
    NOT_COVERED_COLOUR,
    class_colours,
    stepped_colourscale,
)
from presenters.common.state import PageState
from presenters.common.survey import interval, share, share_cell
from presenters.common.table import Column, TableModel, num, slug, table
from presenters.common.view import Para

DEFAULT_CRIME = "knife_crime"
HOMICIDE_WORDS = {
    "homicide_knife": "killed with a knife or sharp implement",
    "homicide_shooting": "killed by shooting",
}
# The static notes of the page: (lead-in, text).
ASSUMPTIONS = (
    ("Sample sizes are assumed. ", SAMPLE_ASSUMPTION),
    ("Rolling figures. ", ROLLING_NOTE),
    ("", NOT_COVERED_NOTE),
)
LONDON_OPTION = "London as a whole"
# The map is fitted to the whole of London in the browser, with this margin.
MAP_PAD = 1.04


@dataclass(frozen=True)
class PerceptionState(PageState):
    """The page's address: `?measure=trust-mps&area=E09000022&quarter=2023-12&crime=...`.

    `borough` is read from links written for other pages (`?borough=...`) and becomes
    the area when no area is given.
    """

    measure: str = ""
    area: str = ""
    quarter: str = field(default="", metadata={"pattern": r"\d{4}-\d{2}"})
    crime: str = ""
    borough: str | None = None


@dataclass(frozen=True)
class TrendSection:
    heading: str = "Over time, against London"
    summary: tuple[Para, ...] = ()
    figure: dict = field(default_factory=dict)
    table: TableModel | None = None


@dataclass(frozen=True)
class KeyItem:
    colour: str
    text: str
    kind: str = "fill"  # "fill" (a swatch) or "outline"


@dataclass(frozen=True)
class MapKey:
    title: str
    items: tuple[KeyItem, ...]


@dataclass(frozen=True)
class MapSection:
    heading: str = "Across London's boroughs"
    summary: tuple[Para, ...] = ()
    figure: dict = field(default_factory=dict)
    key: MapKey | None = None
    table: TableModel | None = None
    # What the browser fits the map to: {"url": boundaries, "codes": None, "pad": ...}.
    fit: dict | None = None


@dataclass(frozen=True)
class BesideSection:
    heading: str = "Beside recorded crime"
    summary: tuple[Para, ...] = ()
    scatter: dict = field(default_factory=dict)
    scatter_table: TableModel | None = None
    trend: dict = field(default_factory=dict)
    trend_table: TableModel | None = None


@dataclass(frozen=True)
class HomicideSection:
    heading: str = "Homicide by year"
    summary: tuple[Para, ...] = ()
    figure: dict = field(default_factory=dict)
    table: TableModel | None = None


@dataclass(frozen=True)
class VictimsSection:
    """Homicide victims by age group, sex and solved status, by year (data.victims)."""

    heading: str = "Homicide victims by age, sex and solved status"
    summary: tuple[Para, ...] = ()
    figure: dict = field(default_factory=dict)
    age_table: TableModel | None = None
    sex_table: TableModel | None = None
    solved_table: TableModel | None = None


@dataclass(frozen=True)
class PerceptionView:
    message: tuple[Para, ...] = ()
    available: bool = False  # survey figures are published: the sections are shown
    trend: TrendSection = TrendSection()
    map: MapSection = MapSection()
    beside: BesideSection = BesideSection()
    homicide: HomicideSection = HomicideSection()
    victims: VictimsSection = VictimsSection()


def plain(text: str) -> str:
    """Text from an uploaded file, safe inside a plotly label: plotly reads tags such as
    <a> or <br> and %{...} placeholders there, so neither may come from the file."""
    return escape(text, quote=False).replace("%{", "% {")


# -- the state and the choices ------------------------------------------------------


def area_options(ds: Dataset) -> list[options.Option]:
    boroughs = options.borough_options(ds, everyone="")
    return [options.Option(LONDON_CODE, LONDON_OPTION)] + [
        options.Option(o.value, o.label, "Boroughs") for o in boroughs
    ]


def measure_options(ds: Dataset) -> list[options.Option]:
    return [options.Option(m.key, m.name, m.group) for m in perception.survey_measures(ds)]


def quarter_options(ds: Dataset, measure: SurveyMeasure) -> list[options.Option]:
    return [
        options.Option(f"{q:%Y-%m}", quarter_label(q)) for q in perception.quarters(ds, measure)
    ]


def crime_options(ds: Dataset) -> list[options.Option]:
    return options.measure_options(
        ds,
        groups=("knife", "gun", "context"),
        only=perception.comparison_measures(ds),
        mark_missing=False,
    )


def settle(ds: Dataset, state: PerceptionState) -> PerceptionState:
    """A state the published survey can show: anything unknown falls back on its own
    (the measure to the default one, the area to London, the 12 months to the latest,
    the crime measure to knife crime). With no survey published, the empty state."""
    measure = perception.find_measure(ds, state.measure) or perception.default_measure(ds)
    if measure is None:
        return PerceptionState()
    areas = options.values(area_options(ds))
    area = next((a for a in (state.area, state.borough) if a in areas), LONDON_CODE)
    quarters = options.values(quarter_options(ds, measure))
    quarter = state.quarter if state.quarter in quarters else quarters[0]
    crimes = options.values(crime_options(ds))
    crime = state.crime if state.crime in crimes else (
        DEFAULT_CRIME if DEFAULT_CRIME in crimes else (crimes[0] if crimes else "")
    )  # fmt: skip
    return PerceptionState(measure.key, area, quarter, crime)


def with_area(ds: Dataset, state: PerceptionState, code: str | None) -> PerceptionState | None:
    """The state with another area chosen (a borough picked on a chart); None when the
    code is not an area the page offers."""
    if code is None:
        return None
    chosen = settle(ds, replace(state, area=code))
    return chosen if chosen.area == code else None


def clicked_borough(click: object) -> str | None:
    """The borough a click on the map (its location) or the scatter (its customdata) names."""
    try:
        point = click["points"][0]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(point, Mapping):
        return None
    code = point.get("location")
    if code is None:
        custom = point.get("customdata")
        code = custom[0] if isinstance(custom, list) and custom else None
    return code if code in MPS_BOROUGHS else None


def controls(ds: Dataset, state: PerceptionState) -> Controls | None:
    measure = perception.find_measure(ds, state.measure)
    if measure is None:
        return None
    selects = [
        select("measure", "Survey measure", measure_options(ds), state.measure),
        select("area", "Area", area_options(ds), state.area),
        select("quarter", "12 months to (for the map and the comparison)",
               quarter_options(ds, measure), state.quarter),
    ]  # fmt: skip
    crimes = crime_options(ds)
    if crimes:
        selects.append(select("crime", "Recorded crime to set beside it", crimes, state.crime))
    return Controls("Choose what to show", tuple(selects))


def message(ds: Dataset | None) -> tuple[Para, ...]:
    """What the survey holds, said once above the sections."""
    if ds is None:
        return (Para(words.NO_DATA, "message"),)
    measures = perception.survey_measures(ds)
    if not measures:
        return (Para(survey.NO_SURVEY, "message"),)
    concern = [m.name for m in measures if m.concern]
    if not concern:
        return (Para(survey.NO_CONCERN, "message"),)
    return (Para(survey.concern_words(concern), "message"),)


# -- the page -----------------------------------------------------------------------


def view(
    ds: Dataset | None, state: PerceptionState, geojson_url: str | None = None
) -> PerceptionView:
    """Everything the page shows for a settled state; `geojson_url` is the borough
    boundaries' address (None: the map cannot be drawn, its table remains)."""
    if ds is None:
        return PerceptionView(message=message(None))
    return ds.cached(
        ("perception", state.search(), geojson_url), lambda: _view(ds, state, geojson_url)
    )


def _view(ds: Dataset, state: PerceptionState, geojson_url: str | None) -> PerceptionView:
    measure = perception.find_measure(ds, state.measure)
    if measure is None:
        return PerceptionView(message=message(ds))
    quarter = _quarter(ds, measure, state.quarter)
    return PerceptionView(
        message=message(ds),
        available=True,
        trend=trend_section(ds, measure, state.area),
        map=map_section(ds, measure, quarter, state.area, geojson_url),
        beside=beside_section(ds, measure, quarter, state.crime, state.area),
        homicide=homicide_section(ds, state.area),
        victims=victims_section(ds, state.area),
    )


def _quarter(ds: Dataset, measure: SurveyMeasure, token: str) -> pd.Timestamp:
    found = perception.quarters(ds, measure)
    return next((q for q in found if f"{q:%Y-%m}" == token), found[0])


def download(ds: Dataset | None, state: PerceptionState) -> tuple[str, str] | None:
    """Every figure of the chosen measure as CSV: (file name, text). Not a table of the
    page: it holds every borough and London for every 12 months."""
    measure = perception.find_measure(ds, state.measure) if ds is not None else None
    if measure is None:
        return None
    return f"perception-{measure.key}.csv", safe_csv(perception.figures_for_download(ds, measure))


def _band_colour(hex_colour: str, alpha: float = 0.22) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(**extra) -> dict:
    return base_layout(
        **{"margin": {"l": 56, "r": 12, "t": 16, "b": 40},
           "legend": {"orientation": "h", "y": -0.2, "x": 0}, **extra}
    )  # fmt: skip


def _dates(values: pd.Series) -> list[str]:
    return [f"{pd.Timestamp(d):%Y-%m-%d}" for d in values]


def _floats(values) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


# -- over time ------------------------------------------------------------------------


def _proportion_traces(frame: pd.DataFrame, name: str, index: int, *, band: bool = True) -> list:
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    dates = _dates(frame["quarter_end"])
    traces = []
    if band:
        traces.append({
            "type": "scatter", "x": dates + dates[::-1],
            "y": _floats(frame["high"] * 100) + _floats(frame["low"][::-1] * 100),
            "fill": "toself", "fillcolor": _band_colour(colour), "line": {"width": 0},
            "name": f"{name}: 95% interval", "hoverinfo": "skip",
        })  # fmt: skip
    traces.append({
        "type": "scatter", "x": dates, "y": _floats(frame["proportion"] * 100),
        "customdata": [[interval(lo, hi)] for lo, hi in zip(frame["low"], frame["high"],
                                                            strict=True)],
        "name": name, "mode": "lines+markers", "marker": {"size": 5},
        "line": {"color": colour, "dash": DASHES[index % len(DASHES)], "width": 2.5},
        "hovertemplate": f"{name}<br>12 months to %{{x|%B %Y}}: %{{y:.0f}}% "
        "(95% interval %{customdata[0]})<extra></extra>",
    })  # fmt: skip
    return traces


def trend_figure(frame: pd.DataFrame, name: str, measure: SurveyMeasure) -> dict:
    data = _proportion_traces(frame, name, 0)
    if (frame["area_code"] != LONDON_CODE).any() and frame["london"].notna().any():
        london = pd.DataFrame({"quarter_end": frame["quarter_end"],
                               "proportion": frame["london"], "low": frame["london_low"],
                               "high": frame["london_high"]})  # fmt: skip
        data += _proportion_traces(london, "London", 1, band=False)
    layout = _layout(
        yaxis={"title": {"text": f"{plain(measure.name)}: per cent of residents"},
               "range": [0, 100], "gridcolor": "#e0e0e0", "ticksuffix": "%"},
        xaxis={"type": "date", "gridcolor": "#f0f0f0"},
    )  # fmt: skip
    return {"data": data, "layout": layout}


def trend_section(ds: Dataset, measure: SurveyMeasure, code: str) -> TrendSection:
    name = area_name(code)
    frame = perception.area_trend(ds, measure, code)
    heading = f"{measure.name} in {name}" + ("" if code == LONDON_CODE else ", against London")
    if frame.empty:
        where = (
            f"{measure.boroughs} of the {len(MPS_BOROUGHS)} boroughs."
            if measure.boroughs
            else "London as a whole only."
        )
        return TrendSection(heading, (Para(
            f"There are no figures for {measure.name} in {name}: the published survey has "
            f"this measure for {where}", "message"),))  # fmt: skip
    last, first = frame.iloc[-1], frame.iloc[0]
    lead = (
        f"{measure.name}, {quarter_label(last.quarter_end)}: {share(last.proportion)} in "
        f"{name} (95% interval {interval(last.low, last.high)})"
    )
    comparisons = [] if code == LONDON_CODE else [last.vs_london]
    comparisons += [last.change_words] if last.change_words else []
    summary = (
        Para(lead + (f"; {'; '.join(comparisons)}." if comparisons else "."), "headline"),
        Para(
            f"Figures run from the {quarter_label(first.quarter_end)} to the "
            f"{quarter_label(last.quarter_end)}, one for each quarter, each covering the 12 "
            "months to its date."
        ),
    )
    rows = (
        (f"{r.quarter_end:%B %Y}", share_cell(r.proportion), interval(r.low, r.high),
         share_cell(r.london), "" if code == LONDON_CODE else r.vs_london, r.change_words)
        for r in frame.iloc[::-1].itertuples()
    )  # fmt: skip
    caption = f"{measure.name} in {name}, by 12-month period"
    model = table(
        caption,
        (Column("12 months to"), Column(name, numeric=True), Column("95% interval"),
         Column("London", numeric=True), Column("Compared with London"),
         Column("Change on a year earlier")),
        rows,
        filename=f"perception-{slug(caption)}.csv",
    )  # fmt: skip
    return TrendSection(heading, summary, trend_figure(frame, name, measure), model)


# -- the map --------------------------------------------------------------------------

# The map's palette, greys and colour scale are the shared map paint's
# (presenters/common/map_paint.py); the perception map draws its own few traces.
OUTLINE_COLOUR = "#000000"
CLEAR = "rgba(0,0,0,0)"
AREA_NAME = NAME


def _choropleth(url: str, name: str, locations: list, z: list, colorscale: list, **extra) -> dict:
    return {"type": "choroplethmap", "geojson": url, "featureidkey": "id", "name": name,
            "locations": locations, "z": z, "colorscale": colorscale, "showscale": False,
            **extra}  # fmt: skip


def _outline(url: str, name: str, locations: list[str], colour: str, width: float) -> dict:
    return _choropleth(
        url,
        name,
        locations,
        [0] * len(locations),
        [[0, CLEAR], [1, CLEAR]],
        hoverinfo="skip",
        marker={"line": {"color": colour, "width": width}},
    )


def map_figure(
    url: str,
    frame: pd.DataFrame,
    shown: pd.Series,
    scale: tuple[list[list], float, float],
    hovertemplate: str,
    no_figure: str,
    outlined: list[str],
    chosen: list[str],
) -> dict:
    """The borough map: a trace of figures coloured by class, the greys, and outlines
    (unlike London; the chosen borough, black on a white halo). A plain dict."""
    ok = frame["status"] == "ok"
    colorscale, zmin, zmax = scale
    customdata = [[interval(r.low, r.high), r.vs_london, int(r.rank)]
                  for r in frame[ok].itertuples()]  # fmt: skip
    missing = frame.loc[frame["status"] == "no data", "area_code"].tolist()
    flat = [[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]]
    data = [
        _choropleth(url, "figures", frame.loc[ok, "area_code"].tolist(), _floats(shown[ok]),
                    colorscale, zmin=zmin, zmax=zmax, customdata=customdata,
                    hovertemplate=hovertemplate, marker={"line": {"width": 0.5,
                                                                  "color": "#ffffff"}}),
        _choropleth(url, "no figure", missing, [0] * len(missing), flat,
                    hovertemplate=f"{AREA_NAME}<br>{no_figure}<extra></extra>",
                    marker={"line": {"width": 0.5, "color": "#ffffff"}}),
        _choropleth(url, "not covered", [CITY_OF_LONDON_CODE], [1],
                    [[0, NOT_COVERED_COLOUR], [1, NOT_COVERED_COLOUR]],
                    hovertemplate=f"{AREA_NAME}<br>Not in the survey: the City has its own "
                    "police force<extra></extra>",
                    marker={"line": {"width": 0.5, "color": "#ffffff"}}),
        _outline(url, "unlike London", outlined, OUTLINE_COLOUR, 1.6),
        _outline(url, "chosen borough halo", chosen, "#ffffff", 7),
        _outline(url, "chosen borough", chosen, OUTLINE_COLOUR, 3),
    ]  # fmt: skip
    layout = {
        "map": {"style": "white-bg", "center": LONDON_CENTRE, "zoom": LONDON_ZOOM},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"color": "#1b1b1b", "size": 14}},
        "uirevision": "map",
    }
    return {"data": data, "layout": layout}


def _class_text(smallest: float, largest: float, count: int) -> str:
    low, high = f"{smallest:.0f}%", f"{largest:.0f}%"
    return f"{low if low == high else f'{low} to {high}'} ({words.areas(count, 'borough')})"


def extremes(frame: pd.DataFrame) -> tuple[list[str], str, list[str], str]:
    """Every borough with the highest figure and every one with the lowest, with the
    figures as shown (`data.perception.extremes` decides the ties)."""
    highest, lowest, top, bottom = perception.extremes(frame)
    return highest, share(top), lowest, share(bottom)


def _tied(names: list[str], figure: str) -> str:
    """ "Harrow (82%)"; boroughs sharing a place are all named, apart by semicolons since
    a borough's own name may hold "and": "Harrow; Kensington and Chelsea (61% each)"."""
    return f"{names[0]} ({figure})" if len(names) == 1 else f"{'; '.join(names)} ({figure} each)"


def map_section(
    ds: Dataset,
    measure: SurveyMeasure,
    quarter: pd.Timestamp,
    area: str,
    geojson_url: str | None,
) -> MapSection:
    """A borough choropleth of one measure for one 12-month period, its key and table."""
    period = quarter_label(quarter)
    frame = perception.borough_figures(ds, measure, quarter)
    ok = frame["status"] == "ok"
    of = int(ok.sum())
    shown = (frame["proportion"] * 100).round()
    classification = natural_breaks(shown.to_numpy(dtype=float))
    colours = class_colours(classification)
    unlike = ok & (frame["vs_london_q"] < perception.SIGNIFICANCE)
    figure: dict = {}
    fit = None
    if geojson_url:
        hover = (
            f"{AREA_NAME}<br>%{{z:.0f}}% (95% interval %{{customdata[0]}})<br>Rank "
            f"%{{customdata[2]}} of {words.areas(of, 'borough')} by this figure (1 is the "
            "highest)<br>%{customdata[1]}<extra></extra>"
        )
        figure = map_figure(
            geojson_url, frame, shown, stepped_colourscale(classification, colours), hover,
            f"No figure for the {period}", frame.loc[unlike, "area_code"].tolist(),
            [area] if area in MPS_BOROUGHS else [],
        )  # fmt: skip
        fit = {"url": geojson_url, "codes": None, "pad": MAP_PAD}
    items = [
        KeyItem(colour, _class_text(c.smallest, c.largest, c.count))
        for c, colour in zip(classification.classes, colours, strict=True)
        if c.count
    ]
    if (frame["status"] == "no data").any():
        items.append(KeyItem(NO_DATA_COLOUR, "No figure for these 12 months"))
    items.append(KeyItem(NOT_COVERED_COLOUR, "Not in the survey: the City of London"))
    items.append(KeyItem(OUTLINE_COLOUR, "Higher or lower than London by more than chance",
                         "outline"))  # fmt: skip
    key = MapKey(f"{measure.name}, {period}", tuple(items))
    summary = [_map_summary(ds, measure, quarter, frame, unlike) if of else
               Para(f"No borough has a figure for the {period}.")]  # fmt: skip
    if not geojson_url:
        summary.append(Para("The map cannot be drawn: the boundary files have not been built. "
                            "The table below has the same figures.", "message"))  # fmt: skip
    rows = frame[frame["status"] != "not covered"].sort_values(["rank", "name"])
    caption = f"{measure.name}, {period}, by borough"
    model = table(
        caption,
        (Column("Borough"), Column("Figure", numeric=True), Column("95% interval"),
         Column("Rank by figure", numeric=True), Column("Compared with London"),
         Column("Change on a year earlier")),
        ((r.name, share_cell(r.proportion), interval(r.low, r.high),
          num(words.number(r.rank), r.rank),
          r.vs_london if r.status == "ok" else "No figure", r.change_words or "")
         for r in rows.itertuples()),
        filename=f"perception-{slug(caption)}.csv",
    )  # fmt: skip
    return MapSection(
        heading=f"{measure.name} across London's boroughs, {period}",
        summary=tuple(summary),
        figure=figure,
        key=key,
        table=model,
        fit=fit,
    )


def _map_summary(
    ds: Dataset, measure: SurveyMeasure, quarter: pd.Timestamp, frame: pd.DataFrame, unlike
) -> Para:
    ok = frame["status"] == "ok"
    highest, top, lowest, bottom = extremes(frame)
    london = perception.area_trend(ds, measure, LONDON_CODE)
    london = london[london["quarter_end"] == quarter]
    higher = int((unlike & (frame["proportion"] > frame["london"])).sum())
    lower = int((unlike & (frame["proportion"] < frame["london"])).sum())
    of = int(ok.sum())
    return Para(
        f"Highest: {_tied(highest, top)}. Lowest: {_tied(lowest, bottom)}."
        + (f" London: {share(london['proportion'].iloc[0])}." if len(london) else "")
        + f" {higher} of {words.areas(of, 'borough')} {words.is_are(higher)} higher than London "
        f"and {lower} lower by more than chance would explain (each borough against the rest "
        "of London, corrected for testing all the boroughs at once, Benjamini-Hochberg "
        f"q < {perception.SIGNIFICANCE:g})."
    )


# -- beside recorded crime ------------------------------------------------------------


def _crime_words(ds: Dataset, crime: str) -> str:
    """A crime measure after "rates of": "knife crime"."""
    label = words.label(ds, crime)
    return label[0].lower() + label[1:]


def _reliability(low: bool, unit: str) -> str:
    return words.low_count_note(unit) if low else ""


def scatter_figure(
    found: perception.Association,
    measure: SurveyMeasure,
    label: str,
    quarter: pd.Timestamp,
    london: tuple[float, float],
    highlight: str,
) -> dict:
    frame = found.frame
    name = plain(measure.name)

    def points(rows: pd.DataFrame, trace: str, marker: dict, **extra) -> dict:
        return {
            "type": "scatter", "mode": "markers", "name": trace,
            "x": _floats(rows["rate"]), "y": _floats(rows["proportion"] * 100),
            "error_y": {
                "type": "data", "symmetric": False,
                "array": _floats((rows["high"] - rows["proportion"]) * 100),
                "arrayminus": _floats((rows["proportion"] - rows["low"]) * 100),
                "color": "#9a9a9a", "thickness": 1, "width": 0,
            },
            "marker": marker,
            "customdata": [[r.area_code, r.name, int(r.count), interval(r.low, r.high),
                            words.rate(r.rate)] for r in rows.itertuples()],
            "hovertemplate": f"<b>%{{customdata[1]}}</b><br>{name}: %{{y:.0f}}% "
            "(95% interval %{customdata[3]})<br>"
            f"{label}: %{{customdata[4]}} per 1,000 residents (%{{customdata[2]:,}})"
            "<extra></extra>",
            **extra,
        }  # fmt: skip

    others = frame[frame["area_code"] != highlight]
    ring = {"symbol": "circle-open", "size": 9, "color": OKABE_ITO[0], "line": {"width": 2}}
    traces = [points(others, "Boroughs", ring)]
    chosen = frame[frame["area_code"] == highlight]
    if len(chosen):
        traces.append(
            points(chosen, str(chosen["name"].iloc[0]),
                   {"symbol": "diamond", "size": 14, "color": "#1b1b1b",
                    "line": {"width": 2, "color": "#ffffff"}},
                   mode="markers+text", text=chosen["name"].tolist(), textposition="top center",
                   textfont={"size": 13, "color": "#1b1b1b"})
        )  # fmt: skip
    london_rate, london_share = london
    shapes, annotations = [], []
    line = {"color": "#6b6b6b", "width": 1}
    if not np.isnan(london_share):
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": london_share * 100,
                "y1": london_share * 100,
                "line": {**line, "dash": "dash"},
            }
        )
        annotations.append({"xref": "paper", "x": 1, "y": london_share * 100, "xanchor": "right",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 12},
                            "text": f"London {share(london_share)}"})  # fmt: skip
    if not np.isnan(london_rate):
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "x0": london_rate,
                "x1": london_rate,
                "line": {**line, "dash": "dot"},
            }
        )
        annotations.append({"yref": "paper", "y": 1, "x": london_rate, "xanchor": "left",
                            "yanchor": "top", "showarrow": False, "font": {"size": 12},
                            "text": f" London {words.rate(london_rate)}"})  # fmt: skip
    layout = _layout(
        xaxis={"title": {"text": f"{label}: rate per 1,000 residents, {quarter_label(quarter)}"},
               "rangemode": "tozero", "gridcolor": "#ececec"},
        yaxis={"title": {"text": f"{name} (%)"}, "gridcolor": "#e0e0e0", "ticksuffix": "%"},
        shapes=shapes,
        annotations=annotations,
    )  # fmt: skip
    return {"data": traces, "layout": layout}


def crime_trend_figure(
    frame: pd.DataFrame, name: str, measure: SurveyMeasure, label: str, london: bool
) -> dict:
    """Two panels on one time axis: the survey figure above, the crime rate below."""
    dates = _dates(frame["quarter_end"])
    lines = [(name, "proportion", "rate", 0)]
    if not london:
        lines.append(("London", "london", "london_rate", 1))
    traces = []
    for line_name, proportion, rate, i in lines:
        style = {"color": OKABE_ITO[i], "dash": DASHES[i], "width": 2.5 if i == 0 else 2}
        for axis, values, shown, custom, legend_on in (
            ("y", _floats(frame[proportion] * 100), "%{y:.0f}%", None, True),
            ("y2", _floats(frame[rate]), "%{customdata} per 1,000 residents",
             [words.rate(v) for v in frame[rate]], False),
        ):  # fmt: skip
            traces.append(
                {"type": "scatter", "x": dates, "y": values, "xaxis": "x", "yaxis": axis,
                 "name": line_name, "legendgroup": line_name, "showlegend": legend_on,
                 "mode": "lines+markers", "marker": {"size": 5}, "line": style,
                 **({"customdata": custom} if custom is not None else {}),
                 "hovertemplate": f"{line_name}<br>12 months to %{{x|%B %Y}}: {shown}"
                 "<extra></extra>"}
            )  # fmt: skip
    title = {"xref": "paper", "yref": "paper", "x": 0, "xanchor": "left", "yanchor": "bottom",
             "showarrow": False, "font": {"size": 14}}  # fmt: skip
    layout = _layout(
        legend={"orientation": "h", "y": -0.12, "x": 0},
        xaxis={"type": "date", "anchor": "y2", "gridcolor": "#f0f0f0"},
        yaxis={"domain": [0.58, 0.94], "range": [0, 100], "ticksuffix": "%",
               "gridcolor": "#e0e0e0"},
        yaxis2={"domain": [0, 0.4], "rangemode": "tozero", "gridcolor": "#e0e0e0"},
        annotations=[
            {**title, "y": 0.95, "text": f"{plain(measure.name)} (%)"},
            {**title, "y": 0.41, "text": f"{label}: rate per 1,000 residents"},
        ],
        margin={"l": 56, "r": 12, "t": 8, "b": 40},
    )  # fmt: skip
    return {"data": traces, "layout": layout}


def longer_series_note(ds: Dataset, crime: str, compared: int, periods: int) -> str:
    """Why the chart over time is short, and which measure reaches further back."""
    span = ds.months_covered(crime, "borough")
    text = (
        f"{words.label(ds, crime)} figures begin in {span[0]:%B %Y}, so only {compared} of "
        f"the {periods} survey periods can be set beside them."
    )
    longest = min(
        perception.comparison_measures(ds), key=lambda m: ds.months_covered(m, "borough")[0]
    )
    first = ds.months_covered(longest, "borough")[0]
    if first < span[0]:
        text += f" {words.label(ds, longest)} figures go back to {first:%B %Y}."
    return text


def beside_section(
    ds: Dataset, measure: SurveyMeasure, quarter: pd.Timestamp, crime: str, code: str
) -> BesideSection:
    """Perception set beside recorded crime: across boroughs for a quarter, and over time."""
    if not crime:
        return BesideSection(summary=(Para(
            "No recorded crime figures cover the same 12 months as the survey, so the two "
            "cannot be set side by side.", "message"),))  # fmt: skip
    label, crime_words = words.label(ds, crime), _crime_words(ds, crime)
    unit = words.unit(ds, crime)
    name, period = area_name(code), quarter_label(quarter)
    span = ds.months_covered(crime, "borough")
    found = perception.beside_crime(ds, measure, crime, quarter)
    boroughs = perception.borough_figures(ds, measure, quarter)
    summary: list[Para] = []
    scatter: dict = {}
    scatter_table = None
    if not (boroughs["status"] == "ok").any():
        summary.append(Para(
            f"No borough has a figure for {measure.name} in the {period}, so there is nothing "
            "to set beside recorded crime.", "message"))  # fmt: skip
    elif found.n == 0:
        summary.append(Para(
            f"{label} figures run from {span[0]:%B %Y} to {span[1]:%B %Y}, so there are none "
            f"for the {period}. Choose a later period, or another measure of recorded crime.",
            "message"))  # fmt: skip
    else:
        scatter = scatter_figure(found, measure, label, quarter,
                                 _london_figures(ds, measure, crime, quarter), code)  # fmt: skip
        summary += _beside_words(ds, found, measure, crime, code, period)
        scatter_table = _scatter_table(found, measure, crime_words, unit, period)
    summary.append(Para(
        "The crime rate covers the same 12 months as each survey figure; rates use Census "
        f"2021 populations throughout. {label} figures run from {span[0]:%B %Y} to "
        f"{span[1]:%B %Y}."))  # fmt: skip
    whole = perception.beside_crime_trend(ds, measure, crime, code)
    over_time = whole[whole["rate"].notna()]
    if 0 < len(over_time) < len(whole):
        summary.append(Para(longer_series_note(ds, crime, len(over_time), len(whole))))
    trend: dict = {}
    trend_table = None
    if len(over_time):
        trend = crime_trend_figure(over_time, name, measure, label, code == LONDON_CODE)
        caption = f"{measure.name} and {crime_words} in {name}, by 12-month period"
        trend_table = table(
            caption,
            (Column("12 months to"), Column("Survey figure", numeric=True),
             Column("London survey figure", numeric=True), Column(f"{label}: count", numeric=True),
             Column("Rate per 1,000 residents", numeric=True),
             Column("London rate", numeric=True), Column("Reliability")),
            ((f"{r.quarter_end:%B %Y}", share_cell(r.proportion), share_cell(r.london),
              num(words.number(r.count), r.count), _rate_cell(r.rate), _rate_cell(r.london_rate),
              _reliability(r.low_count, unit))
             for r in over_time.iloc[::-1].itertuples()),
            filename=f"perception-{slug(caption)}.csv",
        )  # fmt: skip
    else:
        summary.append(Para(
            f"No 12 months of {crime_words} figures line up with a survey figure for {name}, "
            "so there is no chart over time.", "message"))  # fmt: skip
    return BesideSection(
        heading=f"{measure.name} beside {crime_words}",
        summary=tuple(summary),
        scatter=scatter,
        scatter_table=scatter_table,
        trend=trend,
        trend_table=trend_table,
    )


def _rate_cell(value: object):
    return num(words.rate(value), words.rounded_rate(value))


def _london_figures(
    ds: Dataset, measure: SurveyMeasure, crime: str, quarter: pd.Timestamp
) -> tuple[float, float]:
    """London's crime rate and survey figure for the 12 months (NaN where missing)."""
    rates = perception.crime_rates(ds, crime, [quarter])
    rate = rates.loc[rates["area_code"] == LONDON_CODE, "rate"]
    trend = perception.area_trend(ds, measure, LONDON_CODE)
    figure = trend.loc[trend["quarter_end"] == quarter, "proportion"]
    return (float(rate.iloc[0]) if len(rate) else np.nan,
            float(figure.iloc[0]) if len(figure) else np.nan)  # fmt: skip


def _beside_words(
    ds: Dataset,
    found: perception.Association,
    measure: SurveyMeasure,
    crime: str,
    code: str,
    period: str,
) -> list[Para]:
    crime_words, unit = _crime_words(ds, crime), words.unit(ds, crime)
    out = [Para(perception.association_words(found, measure.name, crime_words), "headline")]
    mine = found.frame[found.frame["area_code"] == code]
    if len(mine):
        r = mine.iloc[0]
        out.append(Para(
            f"{area_name(code)}, {period}: {measure.name} {share(r.proportion)}, rank "
            f"{int(r.survey_rank):,} of {words.areas(found.n, 'borough')} by this figure (1 is "
            f"the highest); {crime_words} {words.per_thousand(r.rate)}, "
            f"{words.rank_words(int(r.crime_rank), found.n, 'borough')}."))  # fmt: skip
    caveats = perception.borough_rate_caveats(ds)
    shown = [c for c in found.frame.sort_values("name")["area_code"] if c in caveats]
    if shown:
        out.append(Para(
            "Rates per resident overstate the risk to residents where many of the people "
            "present are visitors or travellers: "
            + "; ".join(f"{area_name(c)} ({', '.join(caveats[c])})" for c in shown)
            + "."))  # fmt: skip
    low = int(found.frame["low_count"].sum())
    if low:
        out.append(Para(
            f"{low} of the {words.areas(found.n, 'borough')} had fewer than {words.LOW_COUNT} "
            f"{unit} in the 12 months: their rates are unreliable.", "warning"))  # fmt: skip
    return out


def _scatter_table(
    found: perception.Association, measure: SurveyMeasure, crime_words: str, unit: str,
    period: str,
) -> TableModel:  # fmt: skip
    caption = f"{measure.name} and {crime_words}, {period}, by borough"
    return table(
        caption,
        (Column("Borough"), Column("Survey figure", numeric=True), Column("95% interval"),
         Column("Rank by survey figure", numeric=True), Column("Count", numeric=True),
         Column("Rate per 1,000 residents", numeric=True), Column("Rank by rate", numeric=True),
         Column("Reliability")),
        ((r.name, share_cell(r.proportion), interval(r.low, r.high),
          num(words.number(r.survey_rank), r.survey_rank), num(words.number(r.count), r.count),
          _rate_cell(r.rate), num(words.number(r.crime_rank), r.crime_rank),
          _reliability(r.low_count, unit))
         for r in found.frame.sort_values(["survey_rank", "name"]).itertuples()),
        filename=f"perception-{slug(caption)}.csv",
    )  # fmt: skip


# -- homicide -------------------------------------------------------------------------


def homicide_figure(years: pd.DataFrame, name: str) -> dict:
    data = []
    for i, measure in enumerate(m for m in HOMICIDE_MEASURES if m in years.columns):
        counts = years[measure]
        colour = OKABE_ITO[i]
        data.append({
            "type": "bar", "x": [int(y) for y in years["year"]], "y": _floats(counts),
            "name": words.sentence(HOMICIDE_WORDS[measure]).rstrip("."),
            "marker": {"color": colour, "pattern": {"shape": "" if i == 0 else "/"},
                       "line": {"color": colour, "width": 1}},
            "error_y": {"type": "data", "symmetric": False,
                        "array": _floats(years[f"{measure}_high"] - counts),
                        "arrayminus": _floats(counts - years[f"{measure}_low"]),
                        "color": "#4a4a4a", "thickness": 1},
            "customdata": [[float(lo), float(hi)] for lo, hi in
                           zip(years[f"{measure}_low"], years[f"{measure}_high"], strict=True)],
            "hovertemplate": f"{name}, %{{x}}: %{{y}} {HOMICIDE_WORDS[measure]} (95% interval "
            "%{customdata[0]:.1f} to %{customdata[1]:.1f})<extra></extra>",
        })  # fmt: skip
    layout = _layout(
        barmode="group",
        yaxis={"title": {"text": "Victims in the year"}, "rangemode": "tozero",
               "gridcolor": "#e0e0e0"},
        xaxis={"dtick": 2, "gridcolor": "#f0f0f0"},
    )  # fmt: skip
    return {"data": data, "layout": layout}


def homicide_section(ds: Dataset, code: str) -> HomicideSection:
    """Homicide victims by year and method for the chosen area, with small-number caveats."""
    code = code or LONDON_CODE
    name = area_name(code)
    years = perception.homicide_years(ds, code)
    heading = f"Homicide in {name} by year: knife and shooting victims"
    methods = [m for m in HOMICIDE_MEASURES if m in years.columns]
    if years.empty or not methods:
        return HomicideSection(heading, (Para("No homicide figures have been published.",
                                              "message"),))  # fmt: skip
    first, last = int(years["year"].iloc[0]), int(years["year"].iloc[-1])
    span = f"{first} to {last}"
    # A year on average over the months the data cover, so part years do not pull it down.
    covered_years = float(years["months"].sum()) / 12
    totals = "; ".join(
        f"{words.units(int(years[m].sum()), 'victims')} {HOMICIDE_WORDS[m]} "
        f"({years[m].sum() / covered_years:.1f} a year on average)"
        for m in methods
    )
    summary = [Para(f"{name}, {span}: {totals}.", "headline")]
    for m in methods:
        change = perception.homicide_change(years, m)
        if change is not None:
            summary.append(Para(
                f"Victims {HOMICIDE_WORDS[m]}: {change.count_recent:,} in "
                f"{change.recent[0]}-{change.recent[1]} against {change.count_earlier:,} in "
                f"{change.earlier[0]}-{change.earlier[1]}, {change.verdict} (exact test for "
                "two Poisson counts)."))  # fmt: skip
    low_years = int(years[[f"{m}_low_count" for m in methods]].any(axis=1).sum())
    if low_years:
        every = "every one" if low_years == len(years) else f"{low_years}"
        summary.append(Para(
            f"Homicide is rare: in {every} of these {len(years)} years at least one of the "
            f"counts for {name} is below {words.LOW_COUNT}, where a difference of one or two "
            "victims from one year to the next is well within chance. Read single years with "
            "care, and compare periods of several years instead.", "warning"))  # fmt: skip
    summary.append(Para(
        "Counts are by the year the homicide was recorded; the public homicide data run "
        f"from {first} to {last}."))  # fmt: skip
    partial = [str(y) for y in years.loc[years["months"] < 12, "year"]]
    if partial:
        summary.append(Para(
            f"{words.listing(partial)} {words.is_are(len(partial))} only partly covered by "
            "the data."))  # fmt: skip
    return HomicideSection(heading, tuple(summary), homicide_figure(years, name),
                           _homicide_table(years, methods, name, span))  # fmt: skip


def _homicide_table(years: pd.DataFrame, methods: list[str], name: str, span: str) -> TableModel:
    columns = [Column("Year")]
    for m in methods:
        columns += [Column(f"Victims {HOMICIDE_WORDS[m]}", numeric=True), Column("95% interval")]
    columns.append(Column("Reliability"))
    rows = []
    for r in years.iloc[::-1].to_dict("records"):
        row: list = [str(r["year"])]
        for m in methods:
            row += [num(words.number(r[m]), r[m]),
                    f"{r[f'{m}_low']:.1f} to {r[f'{m}_high']:.1f}"]  # fmt: skip
        low = [m for m in methods if r[f"{m}_low_count"]]
        row.append(
            "" if not low
            else words.low_count_note("victims") if len(low) == len(methods)
            else f"Fewer than {words.LOW_COUNT} victims {HOMICIDE_WORDS[low[0]]}: unreliable"
        )  # fmt: skip
        rows.append(row)
    caption = f"Homicide victims in {name} by year and method, {span}"
    return table(caption, columns, rows, filename=f"perception-{slug(caption)}.csv")


# -- homicide victims by age, sex and solved status -----------------------------------------

DIMENSION_WORDS = {"age_group": "age group", "sex": "sex", "solved_status": "solved status"}
NOT_SPLIT = "Not split: fewer than 10 victims"
# Ordered age groups are drawn in an ordered, colour-blind-safe scale; what is not
# recorded and what is not split are greys.
NOT_RECORDED_COLOUR, NOT_SPLIT_COLOUR = "#8c8c8c", "#d9d9d9"


def _age_words(group: str) -> str:
    return "aged 65 and over" if group == "65+" else (
        f"aged {group.replace('-', ' to ')}" if group != NOT_RECORDED else "age not recorded"
    )  # fmt: skip


def victims_figure(frame: pd.DataFrame, name: str) -> dict:
    """Victims each year, stacked by age group; a year not split is one grey bar."""
    years = frame[frame["year"] != victims.ALL_YEARS]
    x = [int(y) for y in years["year"]]
    groups = [c for c in frame.columns if c in (*victims.DIMENSIONS["age_group"], NOT_RECORDED)]
    ordered = [g for g in groups if g != NOT_RECORDED]
    colours = sample_colorscale("Cividis", [i / max(1, len(ordered) - 1)
                                            for i in range(len(ordered))])  # fmt: skip
    data = []
    for group, colour in [*zip(ordered, colours, strict=True), (NOT_RECORDED, NOT_RECORDED_COLOUR)]:
        if group not in groups:
            continue
        data.append({
            "type": "bar", "x": x, "y": _floats(years[group]), "name": group.replace("-", " to ")
            if group != NOT_RECORDED else NOT_RECORDED, "marker": {"color": colour},
            "hovertemplate": f"{name}, %{{x}}: %{{y}} victims {_age_words(group)}<extra></extra>",
        })  # fmt: skip
    unsplit = years["total"].where(~years["split"].astype(bool))
    if unsplit.notna().any():
        data.append({
            "type": "bar", "x": x, "y": _floats(unsplit), "name": NOT_SPLIT,
            "marker": {"color": NOT_SPLIT_COLOUR, "pattern": {"shape": "/"},
                       "line": {"color": "#4a4a4a", "width": 1}},
            "hovertemplate": f"{name}, %{{x}}: %{{y}} victims, not split (fewer than 10)"
            "<extra></extra>",
        })  # fmt: skip
    layout = _layout(
        barmode="stack",
        yaxis={"title": {"text": "Victims in the year"}, "rangemode": "tozero",
               "gridcolor": "#e0e0e0"},
        xaxis={"dtick": 2, "gridcolor": "#f0f0f0"},
        legend={"orientation": "h", "y": -0.25, "x": 0, "traceorder": "normal"},
    )  # fmt: skip
    return {"data": data, "layout": layout}


def _victims_table(frame: pd.DataFrame, dimension: str, name: str, span: str) -> TableModel:
    names = [c for c in frame.columns if c not in ("year", "first", "last", "total", "split")]
    heading = {"age_group": lambda g: g.replace("-", " to ") if g != NOT_RECORDED else g}.get(
        dimension, lambda g: g
    )
    columns = [Column("Year"), Column("Victims", numeric=True),
               *(Column(heading(n), numeric=True) for n in names), Column("Note")]  # fmt: skip
    rows = []
    for r in frame.to_dict("records"):
        label = span if r["year"] == victims.ALL_YEARS else str(r["year"])
        cells = [num(words.number(r[n]), r[n]) if r["split"] else num("", None) for n in names]
        small = [n for n in names if r["split"] and 0 < r[n] < words.LOW_COUNT]
        note = (NOT_SPLIT if not r["split"]
                else f"Parts under {words.LOW_COUNT} are unreliable" if small else "")  # fmt: skip
        rows.append([label, num(words.number(r["total"]), r["total"]), *cells, note])
    caption = f"Homicide victims in {name} by {DIMENSION_WORDS[dimension]} and year, {span}"
    return table(caption, columns, rows, filename=f"perception-{slug(caption)}.csv")


def victims_section(ds: Dataset, code: str) -> VictimsSection:
    """Victims of every method of killing by age group, sex and solved status, by year,
    each year split only where it has 10 or more victims."""
    code = code or LONDON_CODE
    name = area_name(code)
    heading = f"Homicide victims in {name} by age, sex and solved status"
    by = {d: victims.victims_by_year(ds, code, d) for d in victims.DIMENSIONS}
    age = by["age_group"]
    if age.empty:
        return VictimsSection(heading, (Para(
            "No homicide victims by age, sex and solved status have been published.", "message"
        ),))  # fmt: skip
    years = age[age["year"] != victims.ALL_YEARS]
    span = f"{int(years['year'].iloc[0])} to {int(years['year'].iloc[-1])}"
    total = int(age.loc[age["year"] == victims.ALL_YEARS, "total"].iloc[0])
    summary = [Para(f"{name}, {span}: {words.units(total, 'victims')} of homicide by any "
                    "method.", "headline")]  # fmt: skip
    sex = victims.shares(by["sex"], ["Male", "Female"])
    solved = victims.shares(by["solved_status"], ["Solved", "Unsolved"])
    young = victims.shares(age, ["13-19", "20-24"])
    if sex and solved and young:
        aged = words.percent(young["13-19"] + young["20-24"])
        summary.append(Para(
            f"Of these victims {words.percent(sex['Male'])} were male and "
            f"{words.percent(sex['Female'])} female, and {aged} were aged 13 to 24. "
            f"{words.percent(solved['Solved'])} of the victims' homicides are recorded as solved."
        ))  # fmt: skip
    unsplit = int((~years["split"].astype(bool)).sum())
    rule = (
        f"Counts under {words.LOW_COUNT} are not split further: a year with fewer than "
        f"{words.LOW_COUNT} victims shows its total but not how they divide by age, sex or "
        "solved status, so that no one can be picked out and a handful of deaths is not "
        "read as a pattern."
    )
    if unsplit:
        rule += (f" Here {'every one' if unsplit == len(years) else unsplit} of the "
                 f"{len(years)} years {words.is_are(unsplit) if unsplit != len(years) else 'is'}"
                 " too small to split; the row for all the years together is split.")  # fmt: skip
    summary.append(Para(rule, "warning" if unsplit else ""))
    summary.append(Para(
        "The solved status is as the MPS recorded it when the file was extracted: the latest "
        "years' homicides have had less time to be solved, so their unsolved share is higher "
        "for that reason alone. Age groups are the MPS's own, not Census bands. Victims are "
        "counted in the year the homicide was recorded."
    ))  # fmt: skip
    return VictimsSection(
        heading,
        tuple(summary),
        victims_figure(age, name),
        _victims_table(age, "age_group", name, span),
        _victims_table(by["sex"], "sex", name, span),
        _victims_table(by["solved_status"], "solved_status", name, span),
    )
