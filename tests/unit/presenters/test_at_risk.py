"""The at-risk presenter on a hand-made London: ranks, words and the table model, with
every expected figure worked out by hand from tests/builders.py."""

from __future__ import annotations

from presenters import at_risk
from presenters.at_risk import AtRiskState
from tests.builders import (
    BCU,
    BRIXTON,
    LAMBETH,
    PECKHAM,
    SOUTHWARK,
    tiny_dataset,
)


def view_of(ds, **query):
    return at_risk.view(ds, at_risk.settle(ds, AtRiskState.from_query(query)))


def test_wards_are_ranked_by_rate_with_the_rate_to_three_figures():
    ds = tiny_dataset()
    view = view_of(ds)
    # 12 months: Brixton 72 / 15,000, Peckham 48 / 14,000, Clapham 36 / 12,000,
    # Stockwell 24 / 10,000, Borough & Bankside 12 / 11,000 (per 1,000 residents).
    assert view.ranked.column_texts("Area") == [
        "Brixton Windrush", "Peckham", "Clapham Town", "Stockwell East", "Borough & Bankside",
    ]  # fmt: skip
    assert view.ranked.column_texts("Rate per 1,000 residents") == [
        "4.80", "3.43", "3.00", "2.40", "1.09",
    ]  # fmt: skip
    assert view.ranked.column_values("Offences") == [72, 48, 36, 24, 12]
    assert view.ranked.headings[0] == "Area"
    assert view.ranked.headings[-1] == "Code"


def test_steady_counts_are_no_change_and_the_summary_says_what_was_tested():
    view = view_of(tiny_dataset())
    assert set(view.ranked.column_texts("Change")) == {"no change"}
    summary = " ".join(p.text for p in view.summary)
    assert "ranks are across all 5 wards in London" in summary


def test_ordering_by_count_and_narrowing_to_a_borough_keep_london_wide_ranks():
    ds = tiny_dataset()
    lambeth = view_of(ds, borough=LAMBETH, order="count")
    assert lambeth.ranked.column_texts("Area") == [
        "Brixton Windrush", "Clapham Town", "Stockwell East",
    ]  # fmt: skip
    # Ranked by count across London: Brixton 1, Peckham 2, Clapham 3, Stockwell 4.
    assert lambeth.ranked.column_values("Rank by count") == [1, 3, 4]
    assert lambeth.heading == "Knife crime by ward, 12 months to February 2026, Lambeth"


def test_a_bcu_of_boroughs_ranks_the_two_boroughs():
    view = view_of(tiny_dataset(), level="borough", bcu=BCU)
    assert sorted(view.ranked.column_texts("Area")) == ["Lambeth", "Southwark"]
    assert view.heading.endswith("the Central South BCU")


def test_what_could_not_be_placed_and_the_city_are_explained():
    view = view_of(tiny_dataset())
    notes = " ".join(p.text for p in view.notes)
    # One offence a month in Lambeth had no ward: 12 in the 12 months. London's total is
    # the wards' 72 + 48 + 36 + 24 + 12 = 192 and those 12.
    assert "London's total for the 12 months to February 2026 is 204" in notes
    assert "the 5 wards shown add up to 192. The other 12 were not placed by the MPS" in notes
    assert "not ranked" in notes
    assert "not zero" in notes


def test_a_measure_with_no_data_shows_no_numbers():
    view = view_of(tiny_dataset(), measure="gun_crime")
    assert view.has_results is False
    assert view.ranked is None
    assert "no published data" in view.summary[0].text


def test_the_selects_and_the_address_agree():
    ds = tiny_dataset()
    state = at_risk.choose(ds, AtRiskState(), {"changed": "within", "within": SOUTHWARK})
    assert state.borough == SOUTHWARK
    assert state.bcu is None
    assert AtRiskState.from_query(state.search()) == state
    selects = {s.name: s.value for s in at_risk.controls(ds, state).selects}
    assert selects["within"] == SOUTHWARK
    # A borough makes no sense for a ranking of boroughs.
    assert at_risk.settle(ds, AtRiskState(level="borough", borough=SOUTHWARK)).borough is None


def test_a_doubling_ward_is_called_a_significant_rise():
    months = 24
    counts = {BRIXTON: [3] * 12 + [9] * 12, PECKHAM: [4] * months}
    view = view_of(tiny_dataset(counts))
    change = dict(zip(view.ranked.column_texts("Area"), view.ranked.column_texts("Change"),
                      strict=True))  # fmt: skip
    assert change["Brixton Windrush"].startswith("up 200%")
    assert "significant rise" in change["Brixton Windrush"]
    assert change["Peckham"] == "no change"


def test_the_funnel_marks_open_profiles_and_its_table_lists_every_ward():
    view = view_of(tiny_dataset())
    marks = [t for t in view.funnel_figure["data"] if t["mode"] == "markers"]
    codes = {row[0] for trace in marks for row in trace["customdata"]}
    assert BRIXTON in codes
    assert len(view.funnel_table.rows) == 5
    assert [link.href for link in view.profiles][:1] == [f"/area/{BRIXTON}"]


def test_the_table_ends_with_the_total_the_sum_and_the_difference():
    ds = tiny_dataset()
    london = view_of(ds).ranked
    assert [(row[0], row[3]) for row in london.footer] == [
        ("London total", ("204", 204)),
        ("Sum of the 5 wards shown", ("192", 192)),
        ("Not placed in a ward (total minus sum)", ("12", 12)),
    ]
    # Within Lambeth: its own total is its wards' 72 + 36 + 24 and the 12 with no ward.
    lambeth = view_of(ds, borough=LAMBETH).ranked
    assert [row[3][1] for row in lambeth.footer] == [144, 132, 12]
    assert lambeth.footer[0][-1] == LAMBETH
