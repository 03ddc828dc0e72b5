"""The map explorer's callbacks, called as plain functions on the real published data."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from html import unescape
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Patch

from callbacks import explorer as cb
from callbacks import figures
from data import queries
from data.dataset import Dataset
from layouts import ids

URLS = {"ward": "/geo/wards-test.geojson", "borough": "/geo/boroughs-test.geojson"}
LAMBETH = "E09000022"
CITY = "E09000001"


def geojson_url(level: str) -> str | None:
    return URLS.get(level)


class Page:
    """One person's page: each answer's view store and URL feed the next interaction."""

    def __init__(self, ds: Dataset | None, search: str = ""):
        self.ds = ds
        self.search = search
        self.view: dict | None = None
        self.out = self._apply(cb.explorer_update(ds, geojson_url, trigger=None, search=search))

    def _apply(self, out: dict) -> dict:
        self.view = out.get(cb.key(ids.MAP_VIEW, "data"), self.view)
        self.search = out.get(cb.key(ids.MAP_URL, "search"), self.search)
        return out

    def do(self, trigger: str, payload=None) -> dict:
        out = cb.explorer_update(
            self.ds,
            geojson_url,
            trigger=trigger,
            payload=payload,
            search=self.search,
            view_data=self.view,
        )
        self.out = self._apply(out)
        return self.out

    def choose(self, name: str, value: str, **others: str) -> dict:
        return self.do("choice", {"changed": name, name: value, **others})

    @property
    def state(self) -> dict:
        return self.view["state"]

    @property
    def figure(self) -> go.Figure:
        """The full figure of the last answer, checked by plotly's own validation."""
        return go.Figure(self.out[cb.key(ids.MAP, "figure")])

    def text(self, component: str) -> str:
        return json.dumps(self.out[cb.key(component, "children")], cls=_Encoder)


class _Encoder(json.JSONEncoder):
    def default(self, o):
        return o.to_plotly_json() if hasattr(o, "to_plotly_json") else super().default(o)


def expected_z(ds, measure, level, period, value) -> list:
    frame = queries.map_values(ds, measure=measure, level=level, period=period, value=value).frame
    shown = cb.mapped(frame["value"].where(frame["status"] == queries.OK), value)
    return [None if np.isnan(v) else v for v in shown]


def patch_operations(patch: Patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def patched(patch: Patch, trace: int, prop: str):
    for op in patch_operations(patch):
        if op["location"] == ["data", trace, prop]:
            return op["params"]["value"]
    raise KeyError(prop)


def by_area(traces: list[tuple[list, list]]) -> dict[str, float]:
    """Area code -> value over the values traces; an area may be in one trace only."""
    out: dict[str, float] = {}
    for locations, z in traces:
        for code, value in zip(locations, z, strict=True):
            assert code not in out
            out[code] = value
    return out


def patched_values(patch: Patch) -> dict[str, float]:
    return by_area(
        [
            (patched(patch, t, "locations"), patched(patch, t, "z"))
            for t in range(len(figures.VALUE_TRACES))
        ]
    )


def figure_values(fig: go.Figure) -> dict[str, float]:
    return by_area(
        [
            (list(fig.data[t].locations), list(fig.data[t].z))
            for t in range(len(figures.VALUE_TRACES))
        ]
    )


def expected_values(ds, measure, level, period, value) -> dict[str, float]:
    frame = queries.map_values(ds, measure=measure, level=level, period=period, value=value).frame
    z = expected_z(ds, measure, level, period, value)
    return {c: v for c, v in zip(frame["code"], z, strict=True) if v is not None}


def trace_of(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


# -- the map ----------------------------------------------------------------------


def test_a_shared_link_opens_its_view_with_the_published_values(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward&period=r12&value=rate")
    fig = page.figure
    assert all(t.geojson == URLS["ward"] for t in fig.data[:7])
    assert fig.layout.map.style == "white-bg"
    assert figure_values(fig) == expected_values(dataset, "knife_crime", "ward", "r12", "rate")
    reliable, low = fig.data[0], fig.data[2]
    assert "Fewer than 10 offences: unreliable" in low.hovertemplate
    assert "unreliable" not in reliable.hovertemplate
    assert "%{properties.name}" in reliable.hovertemplate  # names come with the boundaries
    frame = cb.map_layer(dataset, "knife_crime", "ward", "r12", "rate").frame
    few = frame.loc[frame["unreliable"] & frame["shown"].notna(), "code"]
    assert sorted(low.locations) == sorted(few)
    assert len(few) > 0
    not_covered = trace_of(fig, "not covered")
    assert len(not_covered.locations) == 25  # the City's wards: not covered, never zero
    assert set(not_covered.z) == {1}
    assert not trace_of(fig, "no figure").locations
    # Wards sit under the borough boundaries, drawn from the borough file.
    assert fig.data[figures.BOROUGH_LINES].geojson == URLS["borough"]
    assert len(fig.data[figures.BOROUGH_LINES].locations) == 33
    assert page.state == {
        "measure": "knife_crime",
        "level": "ward",
        "period": "r12",
        "value": "rate",
        "bcu": None,
        "borough": None,
        "area": None,
        "table": False,
    }
    # Opening a link writes nothing back: the browser's history keeps its entry.
    assert cb.key(ids.MAP_URL, "search") not in page.out


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
    patch = page.choose(name, value)[cb.key(ids.MAP, "figure")]
    assert isinstance(patch, Patch)
    operations = patch_operations(patch)
    assert all(op["location"][0] == "data" for op in operations)
    assert not any(
        "geojson" in op["location"] or "geojson" in json.dumps(op["params"]) for op in operations
    )
    assert patched_values(patch) == expected_values(dataset, measure, "ward", period, "count")
    assert page.state["measure"] == measure
    assert page.state["period"] == period
    assert dict(parse_qsl(page.search.lstrip("?")))["period"] == period


def test_every_value_kind_matches_the_query(dataset):
    page = Page(dataset, "?measure=knife_injury_victims_1_24_non_da&level=borough")
    for value in ("rate", "young_rate", "change", "count"):
        patch = page.do("value", value)[cb.key(ids.MAP, "figure")]
        expected = expected_values(
            dataset, "knife_injury_victims_1_24_non_da", "borough", "r12", value
        )
        assert patched_values(patch) == expected
        assert page.state["value"] == value


def test_each_area_takes_the_colour_of_its_class(dataset):
    """The staircase colour scale must put every plotted value in its own class."""
    for value in ("count", "rate", "change"):
        layer = cb.map_layer(dataset, "knife_crime", "ward", "r12", value)
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
    first_focus = page.out[cb.key(ids.MAP_FOCUS, "data")]
    assert first_focus["codes"] is None
    assert first_focus["url"] == URLS["borough"]
    page.do("level", "ward")
    assert page.figure.data[0].geojson == URLS["ward"]
    out = page.out
    assert out[cb.key(ids.MAP_FOCUS, "data")]["url"] == URLS["ward"]
    # The same view again changes nothing on the map's position.
    again = page.do("value", "count")
    assert cb.key(ids.MAP_FOCUS, "data") not in again


def test_hover_says_value_rank_reliability_and_caveat(dataset):
    layer = cb.map_layer(dataset, "knife_crime", "ward", "r12", "rate")
    template = layer.paint.hovertemplate
    assert "per 1,000 residents" in template
    assert "Rank %{customdata[0]} of 679 wards" in template
    frame = layer.frame.reset_index(drop=True)
    heathrow = frame.index[frame["code"] == "E05013570"][0]
    assert "Census 2021 workday population" in layer.paint.customdata[heathrow][2]
    assert "%{customdata[2]}" in template
    low = frame.index[frame["unreliable"] & frame["shown"].notna()]
    assert len(low) > 0
    assert all(layer.paint.unreliable[i] for i in low)
    assert layer.paint.unreliable_note == "<br>Fewer than 10 offences: unreliable"
    change = cb.map_layer(dataset, "knife_crime", "ward", "r12", "change")
    traces = figures.trace_values(change.paint)
    assert "A statistically significant change" in traces[1]["hovertemplate"]
    assert "Not statistically significant" in traces[0]["hovertemplate"]
    flagged = change.frame.set_index("code")["significance"]
    assert all(flagged[c].startswith("Significant") for c in traces[1]["locations"])
    assert not any(flagged[c].startswith("Significant") for c in traces[0]["locations"])
    none_before = traces[figures.NONE_BEFORE]
    assert "no offences before, %{customdata:,} now" in none_before["hovertemplate"]
    previous = change.frame.set_index("code").loc[none_before["locations"]]
    assert (previous["previous"] == 0).all()
    assert none_before["customdata"] == previous["count"].astype(int).tolist()
    # Significant changes are outlined on the map.
    significant = change.frame.loc[
        change.frame["significance"].str.startswith("Significant"), "code"
    ].tolist()
    assert change.paint.significant == significant


def test_the_legend_names_each_class_in_words(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward&value=count")
    legend = page.text(ids.MAP_LEGEND)
    layer = cb.map_layer(dataset, "knife_crime", "ward", "r12", "count")
    for c in layer.classification.classes:
        assert f"{c.smallest:,.0f} to {c.largest:,.0f} offences" in legend
    assert "Not covered" in legend
    change = Page(dataset, "?measure=knife_crime&level=borough&value=change").text(ids.MAP_LEGEND)
    assert "up or down" in change
    assert "Down" in change
    assert "Up" in change


# -- words ------------------------------------------------------------------------


def test_the_headline_states_london_figures_and_the_verdict(dataset):
    page = Page(dataset, "?measure=knife_crime&period=r12")
    top = queries.london_headline(dataset, "knife_crime", "r12")
    text = page.text(ids.MAP_HEADLINE)
    assert f"London: {top['count']:,} knife crime offences in the 12 months to" in text
    assert f"against {top['previous']:,} in the 12 months before: {top['verdict']}." in text


def test_the_note_counts_what_could_not_be_placed(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward")
    period = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").period
    unallocated = queries.unallocated(dataset, "knife_crime", "ward", period)
    assert unallocated > 0
    assert f"{unallocated:,} offences could not be placed in a ward" in page.text(ids.MAP_NOTE)


def test_a_measure_without_data_says_so_and_invents_nothing(dataset):
    page = Page(dataset, "?measure=gun_crime&level=ward&value=rate")
    text = page.text(ids.MAP_HEADLINE)
    assert "no published data" in text
    assert "upload" in text  # the measure's `arrival` text
    fig = page.figure
    assert figure_values(fig) == {}
    assert len(trace_of(fig, "no figure").locations) == 679
    assert "No data for this measure and period" in trace_of(fig, "no figure").hovertemplate
    assert len(trace_of(fig, "not covered").locations) == 25
    assert page.state["measure"] == "gun_crime"
    page.do("table")
    assert "No figures" in page.text(ids.MAP_TABLE)


def test_a_borough_only_measure_falls_back_to_boroughs(dataset):
    page = Page(dataset, "?measure=homicide_knife&level=ward&period=fy2010")
    assert page.state["level"] == "borough"
    assert page.state["period"] == "fy2010"
    assert page.out[cb.key(ids.MAP_LEVEL, "disabled")] == [False, True]
    heading = page.out[cb.key(ids.MAP_HEADING, "children")]
    assert heading == (
        "Homicide victims killed with a knife or sharp implement by borough: number, "
        "financial year 2010-11"
    )
    latest = Page(dataset, "?measure=homicide_knife")
    assert latest.out[cb.key(ids.MAP_HEADING, "children")].endswith("12 months to December 2023")


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
        ("?level=borough&area=E05014099", {"area": "E05014099", "level": "ward"}),
        ("?measure=homicide_knife&area=E05014099", {"level": "borough", "area": LAMBETH}),
        (
            "?measure=knife_crime&level=ward&value=change&bcu=central%20south",
            {"bcu": "BCU-CENTRAL-SOUTH", "level": "ward", "value": "change"},
        ),
    ],
)
def test_bad_url_values_fall_back_one_by_one(dataset, search, expected):
    state = Page(dataset, search + "&measure=knife_crime" if "measure" not in search else search)
    for key, value in expected.items():
        assert state.state[key] == value, key


def test_every_change_writes_the_view_back_to_the_url(dataset):
    page = Page(dataset, "")
    page.choose("measure", "knife_crime_injury")
    page.do("level", "ward")
    page.choose("period", "custom", **{"from": "2024-01", "to": "2024-06"})
    page.do("value", "change")
    page.choose("bcu", "BCU-SOUTH")
    query = dict(parse_qsl(page.search.lstrip("?")))
    assert query == {
        "measure": "knife_crime_injury",
        "level": "ward",
        "period": "2024-01..2024-06",
        "value": "change",
        "bcu": "BCU-SOUTH",
    }
    reopened = Page(dataset, page.search)
    assert reopened.state == page.state
    assert reopened.out[cb.key(ids.MAP_RANGE, "hidden")] is False
    assert "January to June 2024" in reopened.out[cb.key(ids.MAP_HEADING, "children")]


def test_the_browser_back_button_restores_the_view_from_the_url(dataset):
    page = Page(dataset, "?measure=knife_crime")
    page.choose("measure", "knife_crime_injury")
    out = cb.explorer_update(
        dataset, geojson_url, trigger="url", search="?measure=knife_crime", view_data=page.view
    )
    assert out[cb.key(ids.MAP_VIEW, "data")]["state"]["measure"] == "knife_crime"
    assert cb.key(ids.MAP_URL, "search") not in out  # restoring pushes no new history
    leaving = cb.explorer_update(
        dataset,
        geojson_url,
        trigger="url",
        search="",
        pathname="/area/E09000022",
        view_data=page.view,
    )
    assert leaving == {}


def test_a_custom_range_starts_with_the_latest_six_months(dataset):
    page = Page(dataset, "?measure=knife_crime")
    page.choose("period", "custom")
    assert page.state["period"] == "2025-09..2026-02"
    months = page.out[cb.key(ids.MAP_FROM, "children")]
    assert len(months) == 48  # March 2022 to February 2026
    page.choose("from", "2025-02", period="custom", to="2025-02")
    assert page.state["period"] == "2025-02"  # one month: compared with a year earlier


# -- drilling, filtering, finding -------------------------------------------------


def test_clicking_a_borough_shows_its_wards_and_back_returns(dataset):
    page = Page(dataset, "?measure=knife_crime&level=borough")
    out = page.do("click", {"points": [{"location": LAMBETH}]})
    assert page.state["level"] == "ward"
    assert page.state["borough"] == LAMBETH
    assert page.state["bcu"] == "BCU-CENTRAL-SOUTH"
    lambeth_wards = dataset.areas.index[dataset.areas["parent_code"] == LAMBETH].tolist()
    assert sorted(out[cb.key(ids.MAP_FOCUS, "data")]["codes"]) == sorted(lambeth_wards)
    assert out[cb.key(ids.MAP_BACK, "hidden")] is False
    assert "borough=E09000022" in page.search
    assert list(page.figure.data[figures.FOCUS].locations) == [LAMBETH]  # outlined
    page.do("table")
    rows = page.text(ids.MAP_TABLE).split("<tbody>")[1].count("<tr>")
    assert rows == len(lambeth_wards)
    page.do("back")
    assert page.state["level"] == "borough"
    assert page.state["borough"] is None
    assert page.state["bcu"] is None
    assert page.out[cb.key(ids.MAP_FOCUS, "data")]["codes"] is None


def test_clicking_the_city_does_not_drill_into_nothing(dataset):
    page = Page(dataset, "?level=borough")
    page.do("click", {"points": [{"location": CITY}]})
    assert page.state["level"] == "borough"
    assert page.state["area"] == CITY
    assert "City of London Police" in page.text(ids.MAP_SELECTED)


def test_a_bcu_filter_restricts_the_table_and_zooms_the_map(dataset):
    page = Page(dataset, "?measure=knife_crime&level=borough&table=1")
    out = page.choose("bcu", "BCU-SOUTH-WEST")
    boroughs = {"E09000021", "E09000024", "E09000027", "E09000032"}
    assert set(out[cb.key(ids.MAP_FOCUS, "data")]["codes"]) == boroughs
    table = page.text(ids.MAP_TABLE)
    assert table.split("<tbody>")[1].count("<tr>") == 4
    for name in ("Kingston upon Thames", "Merton", "Richmond upon Thames", "Wandsworth"):
        assert name in table
    # A borough outside the BCU is dropped when the BCU changes.
    page.choose("borough", LAMBETH)
    assert page.state["bcu"] == "BCU-CENTRAL-SOUTH"
    page.choose("bcu", "BCU-NORTH")
    assert page.state["borough"] is None


def test_finding_a_ward_zooms_to_it_and_links_to_its_profile(dataset):
    ward = dataset.areas.loc["E05014099"]
    borough = dataset.areas.loc[ward["parent_code"], "name"]
    page = Page(dataset, "?measure=knife_crime&level=borough")
    out = page.do("find", f"{ward['name']} (ward, {borough})")
    assert page.state["area"] == "E05014099"
    assert page.state["level"] == "ward"
    assert out[cb.key(ids.MAP_FOCUS, "data")]["codes"] == ["E05014099"]
    assert list(page.figure.data[figures.SELECTED].locations) == ["E05014099"]
    panel = page.text(ids.MAP_SELECTED)
    assert "/area/E05014099" in panel
    assert ward["name"] in panel
    frame = cb.map_layer(dataset, "knife_crime", "ward", "r12", "count").frame
    count = int(frame.set_index("code").loc["E05014099", "count"])
    assert f"{count:,} knife crime offence" in panel
    # A unique name works too; an unknown one says so and changes nothing.
    page.do("find", "lambeth")
    assert page.state["area"] == LAMBETH
    out = page.do("find", "Atlantis")
    assert page.state["area"] == LAMBETH
    assert "No borough or ward is called" in json.dumps(
        out[cb.key(ids.MAP_FIND_MESSAGE, "children")]
    )


def test_find_offers_every_borough_and_ward_by_name(dataset):
    labels = Page(dataset).out[cb.key(ids.MAP_SYNC, "data")]["find"]
    assert len(labels) == 33 + 704
    assert "Lambeth (borough)" in labels
    assert len(set(labels)) == len(labels)  # the two Abbey wards are told apart by borough


# -- table and CSV ----------------------------------------------------------------


def _table_rows(markup: str) -> list[list[str]]:
    body = markup.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in body.split("</tr>")
        if row
    ]


def test_the_csv_holds_exactly_the_tables_rows_with_a_low_count_flag(dataset):
    page = Page(dataset, "?measure=knife_crime&level=ward&value=rate&borough=E09000022&table=1")
    table = _table_rows(page.out[cb.key(ids.MAP_TABLE, "children")].children)
    state = cb.ExplorerState.from_dict(page.state)
    download = cb.csv_download(dataset, state)
    assert download["filename"].startswith("london-knife-crime-by-ward-rate-2025-03-to-2026-02")
    csv = pd.read_csv(io.StringIO(download["content"]))
    assert len(csv) == len(table) == 25
    assert csv["Ward"].tolist() == [row[1] for row in table]
    assert [f"{v:,.0f}" for v in csv["Offences"]] == [row[3] for row in table]
    assert [cb.rate_text(v) for v in csv["Rate per 1,000 residents"]] == [row[4] for row in table]
    assert csv["Rank (1 is highest)"].tolist() == [int(row[0]) for row in table]
    flagged = csv["Fewer than 10 events"] == "yes"
    assert (flagged == (csv["Offences"] < 10)).all()
    assert list(csv.columns[:3]) == ["Area code", "Rank (1 is highest)", "Ward"]
    # The numbers are the query's.
    frame = queries.map_values(
        dataset, measure="knife_crime", level="ward", period="r12", value="rate"
    ).frame.set_index("code")
    for row in csv.itertuples():
        assert frame.loc[row[1], "count"] == row.Offences


def test_the_csv_is_safe_to_open_in_a_spreadsheet(dataset):
    areas = dataset.tables.areas.copy()
    areas.loc[areas["code"] == "E05014099", "name"] = '=HYPERLINK("http://x")'
    unsafe = Dataset(dataset.version_id + 1000, dataclasses.replace(dataset.tables, areas=areas))
    state = cb.ExplorerState(measure="knife_crime", level="ward", borough=LAMBETH)
    csv = pd.read_csv(io.StringIO(cb.csv_download(unsafe, state)["content"]), dtype=str)
    assert '\'=HYPERLINK("http://x")' in csv["Ward"].tolist()
    cells = csv.fillna("").to_numpy().ravel()
    assert not any(str(c).startswith(("=", "+", "@")) for c in cells)
    assert any(str(c).startswith("-") for c in csv["Change"].fillna(""))  # numbers stay numbers


def test_the_table_lists_the_city_as_not_covered_never_zero(dataset):
    page = Page(dataset, "?measure=knife_crime&level=borough&table=1")
    rows = _table_rows(page.out[cb.key(ids.MAP_TABLE, "children")].children)
    assert len(rows) == 33
    assert rows[-1][1] == "City of London"
    assert rows[-1][3] == "not covered"
    assert [int(r[0]) for r in rows[:32]] == sorted(int(r[0]) for r in rows[:32])


def test_with_nothing_published_the_page_says_so():
    out = cb.explorer_update(None, geojson_url, trigger=None, search="")
    assert "No data has been published yet." in json.dumps(
        out[cb.key(ids.MAP_HEADLINE, "children")], cls=_Encoder
    )


def test_rates_keep_their_precision_however_rare_the_events():
    values = pd.Series([1.533061, 0.00471344, 17.566933, 0.0, np.nan])
    rounded = cb.mapped(values, "rate").tolist()
    assert rounded[:4] == [1.533, 0.004713, 17.57, 0.0]
    assert np.isnan(rounded[4])
    assert [cb.rate_text(v) for v in rounded[:4]] == ["1.53", "0.00471", "17.6", "0"]
    assert cb.rate_text(123.4) == "123"
    assert cb.mapped(pd.Series([-33.333, 12.06]), "change").tolist() == [-33.3, 12.1]
