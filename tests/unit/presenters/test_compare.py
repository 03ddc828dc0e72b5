"""Compare areas (/compare) on hand-made data: the state in the address, adding and
removing areas with the one search, the chart's rates and the table of every measure."""

from __future__ import annotations

import pytest

from presenters import compare
from presenters.common import charts
from presenters.compare import CompareState
from tests.builders import (
    BCU,
    BRIXTON,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    POPULATION,
    SOUTHWARK,
    tiny_dataset,
)


@pytest.fixture(scope="module")
def ds():
    return tiny_dataset(extra={"possession_of_weapons": {BRIXTON: [1] * 24, CLAPHAM: [2] * 24,
                                                         PECKHAM: [0] * 24}})  # fmt: skip


def test_the_address_holds_the_comparison_and_only_real_areas_stay(ds):
    state = CompareState.from_query(f"?areas={LAMBETH},{BRIXTON},E09999999,{LAMBETH},x&trend=no")
    settled = compare.settle(ds, state)
    assert settled.codes == (LAMBETH, BRIXTON)  # unknown and repeated codes go
    assert settled.trend == "r12"
    assert settled.search() == f"?areas={LAMBETH}%2C{BRIXTON}&measure=knife_crime&trend=r12"
    many = ",".join([LAMBETH, SOUTHWARK, BRIXTON, CLAPHAM, PECKHAM, BCU, "E05000003"])
    assert len(compare.settle(ds, CompareState(areas=many)).codes) == compare.MAX_AREAS
    # A lowercase code in a typed address still finds its area.
    assert compare.settle(ds, CompareState(areas=BCU.lower())).codes == (BCU,)


def test_areas_are_added_by_the_one_search_and_removed(ds):
    state = compare.settle(ds, CompareState(areas=LAMBETH))
    added = compare.add(ds, state, "Peckham")
    assert added.state.codes == (LAMBETH, PECKHAM)
    again = compare.add(ds, added.state, "Peckham")
    assert again.message == "Peckham is already in the comparison."
    assert again.state == added.state
    unknown = compare.add(ds, state, "Atlantis")
    assert unknown.state == state
    assert "No borough or ward is called" in unknown.message
    several = compare.add(ds, state, "a")  # many names contain "a"
    assert several.matches
    assert all(link.href.startswith(f"/compare?areas={LAMBETH}%2C") for link in several.matches)
    assert compare.remove(ds, added.state, LAMBETH).codes == (PECKHAM,)
    full = CompareState(areas=",".join([LAMBETH, SOUTHWARK, BRIXTON, CLAPHAM, PECKHAM, BCU]))
    assert "Up to 6 areas" in compare.add(ds, compare.settle(ds, full), "Stockwell").message


def test_one_area_asks_for_another(ds):
    view = compare.view(ds, compare.settle(ds, CompareState(areas=LAMBETH)))
    assert view.summary[0].text == "Add another area to compare with Lambeth."
    assert view.table is None
    assert view.figure == {}


def test_the_chart_has_each_areas_rate_and_londons(ds):
    state = compare.settle(ds, CompareState(areas=f"{BRIXTON},{PECKHAM}", trend="r12"))
    view = compare.view(ds, state)
    assert view.heading == "Comparing Brixton Windrush and Peckham"
    lines = {t["name"]: t["y"] for t in view.figure["data"]}
    assert list(lines) == ["Brixton Windrush", "Peckham", "London"]
    # Brixton: 6 a month, 72 in 12 months, per 1,000 of its 15,000 residents.
    assert lines["Brixton Windrush"][-1] == pytest.approx(72 / POPULATION[BRIXTON][0] * 1000)
    assert lines["Peckham"][-1] == pytest.approx(48 / POPULATION[PECKHAM][0] * 1000)
    # The first 11 months have no 12 months before them: the lines start in the 12th.
    assert len(lines["Brixton Windrush"]) == 24 - 11
    monthly = compare.view(ds, compare.settle(ds, CompareState(areas=f"{BRIXTON},{PECKHAM}",
                                                               trend="monthly")))  # fmt: skip
    first = {t["name"]: t["y"][0] for t in monthly.figure["data"]}
    assert first["Brixton Windrush"] == pytest.approx(6 / POPULATION[BRIXTON][0] * 1000)
    image = charts.image_of(view.figure)
    assert image["layout"]["title"]["text"].startswith("Knife crime: rate per 1,000 residents")
    assert view.trend_table.column_values("Brixton Windrush: monthly count")[0] == 6


def test_the_table_has_every_measure_for_every_area_in_the_profiles_words(ds):
    state = compare.settle(ds, CompareState(areas=f"{LAMBETH},{BRIXTON},{PECKHAM}"))
    view = compare.view(ds, state)
    table = view.table
    assert table.headings[:3] == ["Measure", "Area", "Count"]
    pairs = list(zip(table.column_texts("Measure"), table.column_texts("Area"), strict=True))
    assert pairs[:3] == [("Knife crime", "Lambeth"), ("Knife crime", "Brixton Windrush"),
                         ("Knife crime", "Peckham")]  # fmt: skip
    assert ("Possession of weapons offences", "Peckham") in pairs
    counts = dict(zip(pairs, table.column_values("Count"), strict=True))
    # Lambeth: its wards' 11 a month and 1 placed in no ward, over 12 months.
    assert counts[("Knife crime", "Lambeth")] == (6 + 3 + 2 + 1) * 12
    assert counts[("Knife crime", "Peckham")] == 48
    ranks = dict(zip(pairs, table.column_texts(compare.RANK_HEADING), strict=True))
    assert ranks[("Knife crime", "Brixton Windrush")] == "1 of 5 wards"
    assert ranks[("Knife crime", "Lambeth")].endswith("of 2 boroughs")
    changes = dict(zip(pairs, table.column_texts("Change on the 12 months before"), strict=True))
    # 48 against 48: the same count, with the rate ratio's interval (quasi-Poisson).
    assert changes[("Knife crime", "Peckham")].startswith("no change (95% interval ")
    assert any("different kinds" in p.text for p in view.notes)
    assert compare.NOT_TESTED in [p.text for p in view.notes]
    assert view.share_href == "/compare" + state.search()
