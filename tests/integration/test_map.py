"""The map page on the real published data: its presenter, and its callback called as a
plain function, one person's page at a time."""

from __future__ import annotations

import dataclasses
import json
import math
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Patch, no_update

from callbacks.map import show
from data import queries
from data.dataset import Dataset
from layouts import map_figure as figures
from presenters import map as presenter
from presenters.common.map_paint import map_layer
from presenters.map import MapState

URLS = {"ward": "/geo/wards-test.geojson", "borough": "/geo/boroughs-test.geojson"}
LAMBETH = "E09000022"
CITY = "E09000001"
BRIXTON_WINDRUSH = "E05014098"
CLAPHAM_COMMON = "E05014099"  # Clapham Common & Abbeville


def geojson_url(level: str) -> str | None:
    return URLS.get(level)


class Page:
    """One person's page: each answer's address and drawn map feed the next interaction,
    as they do in the browser."""

    def __init__(self, ds: Dataset | None, search: str = ""):
        self.ds, self.search, self.drawn = ds, search, None
        self.out = self._apply(show(ds, geojson_url, search))

    def _apply(self, out: dict) -> dict:
        self.drawn = out.get("drawn", self.drawn)
        if out.get("search", no_update) is not no_update:
            self.search = out["search"]
        return out

    def do(self, changed: str, **values) -> dict:
        action = {"changed": changed, **values}
        out = show(self.ds, geojson_url, self.search, action, drawn=self.drawn)
        self.out = self._apply(out)
        return out

    def choose(self, name: str, value: str, **others: str) -> dict:
        return self.do(name, **{name: value, **others})

    def find(self, text: str) -> dict:
        self.out = self._apply(show(self.ds, geojson_url, self.search, find=text,
                                    drawn=self.drawn))  # fmt: skip
        return self.out

    @property
    def state(self) -> MapState:
        return presenter.settle(self.ds, MapState.from_query(self.search))

    @property
    def view(self) -> presenter.MapView:
        return presenter.view(self.ds, self.state)

    @property
    def figure(self) -> go.Figure:
        """The full figure of the last answer, checked by plotly's own validation."""
        return go.Figure(self.out["figure"])

    def text(self, name: str) -> str:
        return json.dumps(self.out[name], cls=_Encoder)


class _Encoder(json.JSONEncoder):
    def default(self, o):
        return o.to_plotly_json() if hasattr(o, "to_plotly_json") else super().default(o)


def three_figures(v: float) -> float:
    """A rate to three significant figures, as the page prints it."""
    return float(f"{v:.3g}")


def expected_values(ds, measure, level, period, value) -> dict[str, float]:
    """Area code -> the value the map should draw, from the query's own frame."""
    frame = queries.map_values(ds, measure=measure, level=level, period=period,
                               value=value).frame  # fmt: skip
    ok = frame[frame["status"] == queries.OK]
    out = {}
    for code, v in zip(ok["code"], ok["value"], strict=True):
        if not np.isfinite(v):
            continue
        if value in ("rate", "young_rate"):
            out[code] = three_figures(v)
        elif value == "change":
            out[code] = float(round(v))
        else:
            out[code] = v
    return out


def patch_operations(patch: Patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def patched(patch: Patch, trace: str, prop: str):
    """A property of the trace named `trace` in a Patch of the map's traces."""
    (op,) = patch_operations(patch)
    assert op["location"] == ["data"]
    return next(t for t in op["params"]["value"] if t["name"] == trace)[prop]


def by_area(locations: list, z: list) -> dict[str, float]:
    """Area code -> value of the values trace; an area appears once."""
    assert len(set(locations)) == len(locations)
    return dict(zip(locations, z, strict=True))


def patched_values(patch: Patch) -> dict[str, float]:
    return by_area(patched(patch, figures.VALUES, "locations"),
                   patched(patch, figures.VALUES, "z"))  # fmt: skip


def figure_values(fig: go.Figure) -> dict[str, float]:
    values = [t for t in fig.data if t.name == figures.VALUES]
    if not values:
        return {}
    return by_area(list(values[0].locations), list(values[0].z))


def trace_of(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


def table_rows(page: Page) -> list[list[str]]:
    return page.view.table.texts()


# -- the map ----------------------------------------------------------------------


def test_a_shared_link_opens_its_view_with_the_published_values(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward&period=r12&value=rate")
    fig = page.figure
    level_traces = (figures.VALUES, figures.NO_FIGURE)
    assert all(trace_of(fig, t).geojson == URLS["ward"] for t in level_traces)
    assert fig.layout.map.style == "white-bg"
    assert figure_values(fig) == expected_values(dataset, "knife_crime", "ward", "r12", "rate")
    values = trace_of(fig, figures.VALUES)
    assert "%{properties.name}" in values.hovertemplate  # names come with the boundaries
    assert values.hovertemplate.endswith("%{customdata[3]}<extra></extra>")
    # The fourth item of an area's hover data says when its figure rests on few events.
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    few = frame.loc[(frame["status"] == queries.OK) & (frame["count"] < 10), "code"]
    notes = dict(zip(values.locations, (c[3] for c in values.customdata), strict=True))
    assert sorted(c for c, n in notes.items() if "Fewer than 10 offences: unreliable" in n) == (
        sorted(few)
    )
    assert len(few) > 0
    greys = trace_of(fig, figures.NO_FIGURE)
    # The City's wards: not covered (the lighter grey), never zero; no ward lacks a figure.
    assert len(greys.locations) == 25
    assert set(greys.z) == {1}
    assert set(greys.customdata) == {
        "Not covered: policed by the City of London Police, so the MPS publishes no data"
    }
    # A trace for each part of the map that shows something, top first, each under the
    # one before it (none shares a place among the map's layers).
    assert [t.name for t in fig.data] == ["borough lines", "no figure", "values"]
    assert [t.below for t in fig.data] == [
        "", "plotly-trace-layer-borough-lines-fill", "plotly-trace-layer-no-figure-fill"
    ]  # fmt: skip
    # Wards sit under the borough boundaries, drawn from the borough file.
    assert trace_of(fig, figures.BOROUGH_LINES).geojson == URLS["borough"]
    assert len(trace_of(fig, figures.BOROUGH_LINES).locations) == 33
    assert page.state == MapState("knife_crime", "ward", "r12", "rate")
    # Opening a link writes nothing back: the browser's history keeps its entry.
    assert page.out["search"] is no_update


@pytest.mark.parametrize(
    ("name", "value", "measure", "period"),
    [
        ("measure", "knife_crime_injury", "knife_crime_injury", "r12"),
        ("period", "m", "knife_crime", "m"),
        ("period", "fy2023", "knife_crime", "fy2023"),
    ],
)
def test_a_new_measure_or_period_sends_only_values(dataset, name, value, measure, period):
    page = Page(dataset, "?measure=knife_crime&level=ward")
    patch = page.choose(name, value)["figure"]
    assert isinstance(patch, Patch)
    # The traces again, on the boundary files' URLs: no geometry, nothing of the layout.
    (operation,) = patch_operations(patch)
    assert operation["location"] == ["data"]
    sent = operation["params"]["value"]
    assert {t["geojson"] for t in sent} == {URLS["ward"], URLS["borough"]}
    assert '"coordinates"' not in json.dumps(sent)
    assert patched_values(patch) == expected_values(dataset, measure, "ward", period, "count")
    assert (page.state.measure, page.state.period) == (measure, period)
    assert f"period={period}" in page.search


def test_every_value_kind_matches_the_query(dataset):
    page = Page(dataset, "?measure=knife_injury_victims_1_24_non_da&level=borough")
    for value in ("rate", "young_rate", "change", "count"):
        patch = page.choose("value", value)["figure"]
        expected = expected_values(
            dataset, "knife_injury_victims_1_24_non_da", "borough", "r12", value
        )
        assert patched_values(patch) == expected
        assert page.state.value == value


def test_each_area_takes_the_colour_of_its_class(dataset):
    """The staircase colour scale must put every plotted value in its own class."""
    for value in ("count", "rate", "change"):
        layer = map_layer(dataset, "knife_crime", "ward", "r12", value)
        scale = layer.paint.colorscale
        zmin, zmax = layer.paint.zmin, layer.paint.zmax
        for z, cls in zip(layer.frame["shown"], layer.classification.index, strict=True):
            if np.isnan(z):
                continue
            position = (z - zmin) / (zmax - zmin)
            colours = {c for p, c in scale if p == position}
            below = [c for p, c in scale if p <= position]
            assert not colours or len(colours) == 1, "a value sits exactly on a step"
            assert below[-1] == layer.colours[cls]


def test_switching_level_sends_a_new_figure_and_refits_the_map(dataset):
    page = Page(dataset, "?level=borough")
    first_focus = page.out["focus"]
    assert first_focus["codes"] is None
    assert first_focus["url"] == URLS["borough"]
    page.choose("level", "ward")
    assert trace_of(page.figure, figures.VALUES).geojson == URLS["ward"]
    assert page.out["focus"]["url"] == URLS["ward"]
    # The same view again changes nothing on the map's position.
    again = page.choose("value", "count")
    assert again["focus"] is no_update


def test_hover_says_value_rank_by_rate_reliability_and_caveat(dataset):
    layer = map_layer(dataset, "knife_crime", "ward", "r12", "rate")
    template = layer.paint.hovertemplate
    assert "per 1,000 residents" in template
    assert (
        "Rank %{customdata[0]} of 679 wards by rate per 1,000 residents (1 is the highest)"
        in template
    )
    frame = layer.frame.reset_index(drop=True)
    heathrow = frame.index[frame["code"] == "E05013570"][0]
    assert "Census 2021 workday population" in layer.paint.customdata[heathrow][2]
    assert "%{customdata[2]}" in template
    # One offence is one offence, not "1 offences".
    counts = layer.frame.set_index("code")["count"]
    ones = [i for i, c in enumerate(layer.frame["code"]) if counts[c] == 1]
    assert ones, "some ward has exactly one offence"
    assert all(layer.paint.customdata[i][1] == "1 offence" for i in ones)
    low = frame.index[frame["unreliable"] & frame["shown"].notna()]
    assert len(low) > 0
    assert all(layer.paint.unreliable[i] for i in low)
    assert layer.paint.unreliable_note == "<br>Fewer than 10 offences: unreliable"
    for level in ("ward", "borough"):
        change = map_layer(dataset, "knife_crime", level, "r12", "change")
        traces = figures.trace_values(change.paint)
        values = traces[figures.VALUES]
        flagged = change.frame.set_index("code")["significance"]
        for code, item in zip(values["locations"], values["customdata"], strict=True):
            significant = flagged[code].startswith("Significant")
            assert ("<br>A statistically significant change" in item[3]) == significant
            assert ("<br>Not statistically significant" in item[3]) == (not significant)
        # Significant changes are outlined on the map, thinner than a chosen area.
        significant = change.frame.loc[
            change.frame["significance"].str.startswith("Significant"), "code"
        ].tolist()
        assert change.paint.significant == significant
        assert traces[figures.OUTLINES]["locations"] == significant
    assert significant, "some borough's change is significant"
    assert traces[figures.OUTLINES]["marker"]["line"]["width"] == figures.SIGNIFICANT[1]
    change = map_layer(dataset, "knife_crime", "ward", "r12", "change")
    greys = figures.trace_values(change.paint)[figures.NO_FIGURE]
    by_code = change.frame.set_index("code")
    before = [(c, w) for c, w in zip(greys["locations"], greys["customdata"], strict=True)
              if by_code.loc[c, "status"] == queries.OK]  # fmt: skip
    assert before, "some ward had no offences in the previous period"
    for code, text in before:
        count = int(by_code.loc[code, "count"])
        if by_code.loc[code, "previous"] == 0 and count > 0:
            assert text == f"No % change: no offences before, {count:,} now"
        else:
            assert text == "None in either period"


def test_ranks_on_the_map_are_by_rate_whatever_is_shown(dataset):
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    ok = frame[frame["status"] == queries.OK]
    # Rank 1 is the highest rate, counted here from the query's rates.
    expected = {c: 1 + int((ok["rate"] > r).sum()) for c, r in zip(ok["code"], ok["rate"],
                                                                   strict=True)}  # fmt: skip
    for value in ("count", "change"):
        layer = map_layer(dataset, "knife_crime", "ward", "r12", value)
        shown = layer.frame.set_index("code")
        assert {c: int(shown.loc[c, "rank"]) for c in expected} == expected


def test_the_legend_names_each_class_in_words_with_the_rounding_shown(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward&value=count")
    legend = page.text("legend")
    layer = map_layer(dataset, "knife_crime", "ward", "r12", "count")
    classes = [c for c in layer.classification.classes if c.count]
    # Each class starts one above the last one's largest: no gaps, no overlaps.
    assert f"{classes[0].smallest:,.0f} to {classes[0].largest:,.0f} offences" in legend
    for low, high in pairwise(classes):
        assert f"{low.largest + 1:,.0f} to {high.largest:,.0f} offences" in legend
    assert "Not covered" in legend
    rates = page.choose("value", "rate")["legend"]
    texts = json.dumps(rates, cls=_Encoder)
    ranges = [t.split(" (")[0] for t in _legend_texts(rates)[:-1]]
    for text in ranges:
        for part in text.split(" to "):
            digits = part.replace(".", "").lstrip("0")
            assert len(digits) <= 3, text  # three significant figures, as the values
    bounds = [[float(p) for p in text.split(" to ")] for text in ranges]
    for (_, high), (low, _) in pairwise(bounds):
        # The next class starts one unit in the third figure above the last one's top.
        step = 10 ** (math.floor(math.log10(high)) - 2)
        assert low == pytest.approx(high + step)
    assert "wards)" in texts
    change = Page(dataset, "?measure=knife_crime&level=borough&value=change").text("legend")
    assert "up or down" in change
    assert "Down" in change
    assert "Up" in change


def _legend_texts(legend: list) -> list[str]:
    items = legend[1].children
    return [item.children[1].children for item in items]


# -- words ------------------------------------------------------------------------


def test_the_headline_states_london_figures_and_the_verdict(dataset):
    page = Page(dataset, "?measure=knife_crime&period=r12")
    top = queries.london_headline(dataset, "knife_crime", "r12")
    text = page.text("headline")
    assert f"London: {top['count']:,} knife crime offences in the 12 months to" in text
    # London's own test, allowing for how much its monthly counts vary, with the rate
    # ratio's interval (the overview's headline says the same).
    assert f"against {top['previous']:,} in the 12 months before: {top['verdict']} (" in text
    assert top["rate_ratio_words"].partition(", ")[2] in text


def test_the_note_counts_what_could_not_be_placed(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward")
    period = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").period
    unallocated = queries.unallocated(dataset, "knife_crime", "ward", period)
    assert unallocated > 0
    assert f"The other {unallocated:,} were not placed by the MPS in a ward" in page.text("notes")


def test_a_measure_without_data_says_so_and_invents_nothing(dataset):
    page = Page(dataset, "?measure=gun_crime&level=ward&value=rate")
    text = page.text("headline")
    assert "no published data" in text
    assert "upload" in text  # the measure's `arrival` text
    fig = page.figure
    assert figure_values(fig) == {}
    greys = trace_of(fig, "no figure")
    words = dict(zip(greys.locations, zip(greys.z, greys.customdata, strict=True), strict=True))
    assert len(words) == 679 + 25
    nc = "Not covered: policed by the City of London Police, so the MPS publishes no data"
    assert sorted(set(words.values())) == [(0, "No data for this measure and period"), (1, nc)]
    assert sum(z for z, _ in words.values()) == 25
    assert page.state.measure == "gun_crime"
    page.do("table")
    assert "No figures" in page.text("table")


def test_a_borough_only_measure_falls_back_to_boroughs(dataset):
    page = Page(dataset, "?measure=homicide_knife&level=ward&period=fy2010")
    assert page.state.level == "borough"
    assert page.state.period == "fy2010"
    levels = page.out["controls"].children[2].children[1]
    assert [o.value for o in levels.children] == ["borough"]  # no ward figures to offer
    assert page.out["heading"] == (
        "Homicide victims killed with a knife or sharp implement by borough: number, "
        "financial year 2010-11"
    )
    latest = Page(dataset, "?measure=homicide_knife")
    assert latest.out["heading"].endswith("12 months to December 2023")
    # A latest view of figures that stop early says so.
    assert "figures run to December 2023" in latest.text("headline")


# -- the URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("?measure=nope", {"measure": "knife_crime"}),
        ("?level=lsoa", {"level": "borough"}),
        ("?value=young_rate", {"value": "count"}),  # knife crime is not a young measure
        ("?period=fy1999", {"period": "r12"}),
        ("?period=2024-13", {"period": "r12"}),
        ("?period=banana", {"period": "r12"}),
        ("?period=2021-01..2022-05", {"period": "2022-03..2022-05"}),  # cut to the data
        ("?period=2025-06..2025-01", {"period": "2025-01..2025-06"}),
        ("?bcu=BCU-NOWHERE", {"bcu": None}),
        ("?borough=E09000001", {"borough": None}),  # the City: nothing to filter to
        ("?borough=E09000022&bcu=BCU-NORTH", {"borough": LAMBETH, "bcu": "BCU-CENTRAL-SOUTH"}),
        ("?area=E05999999", {"area": None}),
        ("?area=<script>", {"area": None}),
        ("?level=borough&area=e05014099", {"area": CLAPHAM_COMMON, "level": "ward"}),
        ("?measure=homicide_knife&area=E05014099", {"level": "borough", "area": LAMBETH}),
        (
            "?measure=knife_crime&level=ward&value=change&bcu=central%20south",
            {"bcu": "BCU-CENTRAL-SOUTH", "level": "ward", "value": "change"},
        ),
    ],
)
def test_bad_url_values_fall_back_one_by_one(dataset, search, expected):
    page = Page(dataset, search + "&measure=knife_crime" if "measure" not in search else search)
    for key, value in expected.items():
        assert getattr(page.state, key) == value, key


def test_every_change_writes_the_view_back_to_the_url(dataset):
    page = Page(dataset, "")
    page.choose("measure", "knife_crime_injury")
    page.choose("level", "ward")
    page.choose("period", "range", start="2024-01", end="2024-06")
    page.choose("value", "change")
    page.choose("bcu", "BCU-SOUTH")
    assert MapState.from_query(page.search) == MapState(
        "knife_crime_injury", "ward", "2024-01..2024-06", "change", "BCU-SOUTH"
    )
    reopened = Page(dataset, page.search)
    assert reopened.state == page.state
    selects = {s.name: s.value for s in presenter.controls(dataset, reopened.state).selects}
    assert (selects["period"], selects["start"], selects["end"]) == ("range", "2024-01", "2024-06")
    assert "January to June 2024" in reopened.out["heading"]


def test_the_address_alone_restores_the_view_and_its_selects(dataset):
    page = Page(dataset, "?measure=knife_crime")
    page.choose("bcu", "BCU-CENTRAL-SOUTH")
    page.choose("level", "ward")
    page.choose("borough", LAMBETH)
    page.find("Brixton Windrush (ward in Lambeth)")
    assert page.state.area == BRIXTON_WINDRUSH
    # Back: the address of two steps before, read afresh; nothing is written back.
    out = show(dataset, geojson_url, "?measure=knife_crime&level=ward&bcu=BCU-CENTRAL-SOUTH",
               drawn=page.drawn)  # fmt: skip
    assert out["search"] is no_update
    selects = {s.name: s.value for s in presenter.controls(dataset, page.state).selects}
    assert selects["borough"] == LAMBETH
    back = presenter.settle(dataset, MapState.from_query(
        "?measure=knife_crime&level=ward&bcu=BCU-CENTRAL-SOUTH"))  # fmt: skip
    selects = {s.name: s.value for s in presenter.controls(dataset, back).selects}
    assert (selects["borough"], selects["bcu"]) == ("", "BCU-CENTRAL-SOUTH")
    assert "Lambeth" not in out["heading"]
    # A period chosen now starts from the address, not from a select left behind.
    stale = {"changed": "period", "period": "m", "borough": LAMBETH}
    after = show(dataset, geojson_url, "?measure=knife_crime&level=ward&bcu=BCU-CENTRAL-SOUTH",
                 stale, drawn=page.drawn)  # fmt: skip
    written = MapState.from_query(after["search"])
    assert (written.period, written.borough, written.area) == ("m", None, None)


def test_a_range_starts_with_the_latest_six_months(dataset):
    page = Page(dataset, "?measure=knife_crime")
    page.choose("period", "range")
    assert page.state.period == "2025-09..2026-02"
    months = next(s for s in presenter.controls(dataset, page.state).selects if s.name == "start")
    assert len(months.options) == 48  # March 2022 to February 2026
    page.choose("start", "2025-02", period="range", end="2025-02")
    assert page.state.period == "2025-02"  # one month: compared with a year earlier


# -- drilling, filtering, finding -------------------------------------------------


def test_clicking_a_borough_shows_its_wards_and_back_returns(dataset):
    page = Page(dataset, "?measure=knife_crime&level=borough")
    out = page.do("click", area=LAMBETH)
    assert (page.state.level, page.state.borough, page.state.bcu) == (
        "ward", LAMBETH, "BCU-CENTRAL-SOUTH")  # fmt: skip
    lambeth_wards = dataset.areas.index[dataset.areas["parent_code"] == LAMBETH].tolist()
    assert sorted(out["focus"]["codes"]) == sorted(lambeth_wards)
    assert out["back_hidden"] is False
    assert "borough=E09000022" in page.search
    fig = page.figure
    assert list(trace_of(fig, figures.CHOSEN_BOROUGHS).locations) == [LAMBETH]  # outlined
    assert trace_of(fig, figures.CHOSEN_BOROUGHS).geojson == URLS["borough"]
    # over a white halo, drawn wider under it with the other borough boundaries
    lines = trace_of(fig, figures.BOROUGH_LINES)
    halo = dict(zip(lines.locations, zip(lines.marker.line.color, lines.marker.line.width,
                                         strict=True), strict=True))  # fmt: skip
    assert halo[LAMBETH] == figures.HALO
    assert {v for c, v in halo.items() if c != LAMBETH} == {figures.BOROUGH}
    page.do("table")
    assert page.out["table_hidden"] is False
    assert len(table_rows(page)) == len(lambeth_wards)
    page.do("back")
    assert (page.state.level, page.state.borough, page.state.bcu) == ("borough", None, None)
    assert page.out["focus"]["codes"] is None


def test_clicking_the_city_does_not_drill_into_nothing(dataset):
    page = Page(dataset, "?level=borough")
    page.do("click", area=CITY)
    assert page.state.level == "borough"
    assert page.state.area == CITY
    assert "City of London Police" in page.text("selected")


def test_a_bcu_filter_restricts_the_table_and_zooms_the_map(dataset):
    page = Page(dataset, "?measure=knife_crime&level=borough&table=1")
    out = page.choose("bcu", "BCU-SOUTH-WEST")
    boroughs = {"E09000021", "E09000024", "E09000027", "E09000032"}
    assert set(out["focus"]["codes"]) == boroughs
    names = [row[0] for row in table_rows(page)]
    assert sorted(names) == ["Kingston upon Thames", "Merton", "Richmond upon Thames",
                             "Wandsworth"]  # fmt: skip
    # A borough outside the BCU is dropped when the BCU changes.
    page.choose("borough", LAMBETH)
    assert page.state.bcu == "BCU-CENTRAL-SOUTH"
    page.choose("bcu", "BCU-NORTH")
    assert page.state.borough is None


def test_finding_a_ward_zooms_to_it_and_links_to_its_profile(dataset):
    ward = dataset.areas.loc[BRIXTON_WINDRUSH]
    page = Page(dataset, "?measure=knife_crime&level=borough")
    out = page.find(f"{ward['name']} (ward in Lambeth)")
    assert page.state.area == BRIXTON_WINDRUSH
    assert page.state.level == "ward"
    assert out["focus"]["codes"] == [BRIXTON_WINDRUSH]
    fig = page.figure
    outlines = trace_of(fig, figures.OUTLINES)
    assert list(outlines.locations) == [BRIXTON_WINDRUSH]
    assert outlines.marker.line.width == figures.CHOSEN[1]
    # over a white halo: its own boundary line in the values trace, drawn wide and white
    values = trace_of(fig, figures.VALUES)
    lines = dict(zip(values.locations, zip(values.marker.line.color, values.marker.line.width,
                                           strict=True), strict=True))  # fmt: skip
    assert lines[BRIXTON_WINDRUSH] == figures.HALO
    assert {v for c, v in lines.items() if c != BRIXTON_WINDRUSH} == {("#ffffff", 0.5)}
    assert out["find_value"] == "Brixton Windrush (ward in Lambeth)"
    panel = page.text("selected")
    assert f"/area/{BRIXTON_WINDRUSH}" in panel
    assert ward["name"] in panel
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    row = frame.set_index("code").loc[BRIXTON_WINDRUSH]
    assert f"{int(row['count']):,} knife crime offence" in panel
    ok = frame[frame["status"] == queries.OK]
    rank = 1 + int((ok["rate"] > row["rate"]).sum())
    assert f"rank {rank} of 679 wards by rate per 1,000 residents (1 is the highest)" in panel
    # A unique name works too; an unknown one says so and changes nothing.
    page.find("lambeth")
    assert page.state.area == LAMBETH
    out = page.find("Atlantis")
    assert page.state.area == LAMBETH
    assert out["search"] is no_update
    assert "No borough or ward is called" in page.text("find_message")


def test_part_of_a_name_lists_the_areas_to_choose_from(dataset):
    page = Page(dataset, f"?measure=knife_crime&level=ward&area={LAMBETH}")
    out = page.find("Brixton")
    brixtons = sorted(c for c, n in zip(dataset.areas["code"], dataset.areas["name"],
                                        strict=True) if "brixton" in n.lower())  # fmt: skip
    assert len(brixtons) > 1
    assert out["search"] is no_update  # nothing chosen yet: the view stays
    assert page.state.area == LAMBETH
    message = page.text("find_message")
    assert f"{len(brixtons)} areas match" in message
    for code in brixtons:
        assert f"area={code}" in message  # each match opens its own view
    # A match that is the only one opens it.
    page.find("Brixton Windrush")
    assert page.state.area == BRIXTON_WINDRUSH


def test_find_offers_every_borough_ward_and_bcu_by_name(dataset):
    from presenters.common.areas import search_labels

    labels = search_labels(dataset, presenter.FINDABLE)
    assert len(labels) == 33 + 704 + 12
    assert "Lambeth (borough)" in labels
    assert len(set(labels)) == len(labels)  # the two Abbey wards are told apart by borough


# -- table and CSV ----------------------------------------------------------------


def test_the_table_is_the_csv_and_ends_with_its_reconciliation(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward&value=rate&borough=E09000022&table=1")
    model = page.view.table
    assert model.filename.startswith("london-knife-crime-by-ward-rate-2025-03-to-2026-02")
    assert model.filename.endswith("lambeth.csv")
    assert len(model.rows) == 25
    assert model.headings[:4] == ["Ward", "Borough", "Rank by rate", "Offences"]
    frame = queries.map_values(dataset, measure="knife_crime", level="ward",
                               period="r12").frame.set_index("code")  # fmt: skip
    codes = model.column_values("Code")
    assert model.column_values("Offences") == [int(frame.loc[c, "count"]) for c in codes]
    assert model.column_values("Rate per 1,000 residents") == [
        three_figures(frame.loc[c, "rate"]) for c in codes
    ]
    reliability = model.column_texts("Reliability")
    assert [r != "" for r in reliability] == [frame.loc[c, "count"] < 10 for c in codes]
    # The footer: Lambeth's own borough figure, its wards' sum and what no ward holds.
    total, shown, difference = (row[3][1] for row in model.footer)
    period = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").period
    borough = queries.map_values(dataset, measure="knife_crime", level="borough",
                                 period="r12").frame.set_index("code")  # fmt: skip
    assert total == int(borough.loc[LAMBETH, "count"])
    assert shown == sum(int(frame.loc[c, "count"]) for c in codes)
    assert difference == total - shown
    assert period.label == "12 months to February 2026"
    assert [row[0] for row in model.footer] == [
        "Lambeth's own total", "Sum of the 25 wards shown",
        "Recorded in Lambeth but not placed in one of its wards (total minus sum)"]  # fmt: skip


def test_londons_table_reconciles_to_the_unplaced_offences(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward")
    model = page.view.table
    total, shown, difference = (row[3][1] for row in model.footer)
    period = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").period
    assert difference == queries.unallocated(dataset, "knife_crime", "ward", period)
    assert shown == sum(v for v in model.column_values("Offences") if v is not None)
    assert total == shown + difference
    top = queries.london_headline(dataset, "knife_crime", "r12")
    assert total == top["count"]  # the ward file's total is London's


def test_the_csv_is_safe_to_open_in_a_spreadsheet(dataset):
    """tables.js writes the CSV from the model; a formula in a name stays text there
    (tests/browser), and the model keeps numbers as numbers."""
    areas = dataset.tables.areas.copy()
    areas.loc[areas["code"] == BRIXTON_WINDRUSH, "name"] = '=HYPERLINK("http://x")'
    unsafe = Dataset(dataset.version_id + 1000, dataclasses.replace(dataset.tables, areas=areas))
    state = presenter.settle(unsafe, MapState(measure="knife_crime", level="ward",
                                              borough=LAMBETH))  # fmt: skip
    model = presenter.view(unsafe, state).table
    assert '=HYPERLINK("http://x")' in model.column_texts("Ward")  # a text cell, as text
    changes = [v for v in model.column_values("Change") if v is not None]
    assert any(v < 0 for v in changes)  # numbers stay numbers


def test_the_table_lists_the_city_as_not_covered_never_zero(dataset):
    page = Page(dataset, "?measure=knife_crime&level=borough&table=1")
    rows = table_rows(page)
    assert len(rows) == 33
    assert rows[-1][0] == "City of London"
    assert rows[-1][3] == "not covered"
    ranks = [int(r[2]) for r in rows[:32]]
    assert ranks == sorted(ranks)


def test_with_nothing_published_the_page_says_so():
    out = show(None, geojson_url, "")
    assert "No data has been published yet." in json.dumps(out["headline"], cls=_Encoder)


def test_rates_are_shown_to_three_significant_figures_however_rare_the_events():
    from presenters.common.map_paint import shown_values
    from presenters.common.words import rate

    values = pd.Series([1.533061, 0.00471344, 17.566933, 0.0, np.nan])
    rounded = shown_values(values, "rate").tolist()
    assert rounded[:4] == [1.53, 0.00471, 17.6, 0.0]
    assert np.isnan(rounded[4])
    assert [rate(v) for v in rounded[:4]] == ["1.53", "0.00471", "17.6", "0"]
    assert rate(123.4) == "123"
    assert shown_values(pd.Series([-33.333, 12.56, -0.4]), "change").tolist() == [-33, 13, 0]
    assert str(shown_values(pd.Series([-0.4]), "change")[0]) == "0.0"  # never "-0%"
