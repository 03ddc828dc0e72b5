"""The first page's callback, called as a plain function on the real published data."""

from __future__ import annotations

from callbacks.explorer import ward_map_view
from data import queries


def test_the_view_maps_every_mps_ward_and_greys_the_city(dataset):
    view = ward_map_view(dataset, "/geo/wards.geojson")
    figure = view["figure"]
    coloured, grey = figure.data
    assert len(coloured.locations) == 679
    assert len(grey.locations) == 25
    assert coloured.geojson == "/geo/wards.geojson"
    assert figure.layout.map.style == "white-bg"


def test_the_headline_states_london_figures_and_a_verdict(dataset):
    view = ward_map_view(dataset, "/geo/wards.geojson")
    headline = queries.london_headline(dataset, "knife_crime", "r12")
    assert f"{headline['count']:,}" in view["headline"]
    assert f"{headline['previous']:,}" in view["headline"]
    assert "significant" in view["headline"]
    assert "12 months to February 2026" in view["headline"]


def test_the_note_counts_offences_that_could_not_be_placed(dataset):
    view = ward_map_view(dataset, "/geo/wards.geojson")
    result = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12")
    expected = queries.unallocated(dataset, "knife_crime", "ward", result.period)
    assert expected > 0
    assert f"{expected:,} offences could not be placed" in view["note"]


def test_the_table_lists_the_same_wards_as_the_map_in_rank_order(dataset):
    view = ward_map_view(dataset, "/geo/wards.geojson")
    markup = view["table"].children
    body = markup.split("<tbody>")[1]
    assert body.count("<tr>") == 679
    result = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12")
    top = result.frame.sort_values(["rank", "name"]).iloc[0]
    first_row = body.split("</tr>")[0]
    assert '<td class="num">1</td>' in first_row
    assert f'<th scope="row">{top["name"]}</th>' in first_row.replace("&#x27;", "'")


def test_ward_names_are_escaped_in_the_table(dataset):
    markup = ward_map_view(dataset, "/geo/wards.geojson")["table"].children
    assert "Queen's Park" not in markup  # apostrophes arrive escaped
    assert "Queen&#x27;s Park" in markup


def test_with_nothing_published_the_page_says_so(dataset):
    view = ward_map_view(None, None)
    assert view["headline"] == "No data has been published yet."
