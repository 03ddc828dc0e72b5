"""The young people's presenter on a hand-made London: the wording that is never a
chance, the table with its visitor columns and reconciliation, and the like-for-like
share with no interval under 10, every expected figure worked out by hand."""

from __future__ import annotations

import re

import pytest
from scipy import stats as sps

from data import young_people as yp
from presenters import young_people as page
from presenters.young_people import YoungState
from tests.builders import (
    BCU,
    BOROUGH_WARD,
    BRIXTON,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    SOUTHWARK,
    STOCKWELL,
    tiny_dataset,
)

WARDS = (BRIXTON, CLAPHAM, STOCKWELL, PECKHAM, BOROUGH_WARD)


@pytest.fixture(scope="module")
def ds():
    """Young victims outside domestic abuse as the default steady counts (Brixton 6 a
    month, Clapham 3, Stockwell 2, Peckham 4, Borough & Bankside 1, 1 in Lambeth in no
    ward); for the share, all young victims 2 a month in each Lambeth ward and 1 every
    third month in Peckham, and knife crime with injury 5 a month in every ward (the
    same 1 a month in Lambeth in no ward). Brixton has 40,000 people by day."""
    share_victims = {w: [2] * 24 for w in (BRIXTON, CLAPHAM, STOCKWELL)}
    share_victims |= {PECKHAM: [1, 0, 0] * 8, BOROUGH_WARD: [0] * 24}
    return tiny_dataset(
        measure=yp.HEADLINE,
        extra={yp.SHARE_NUMERATOR: share_victims,
               yp.SHARE_DENOMINATOR: {w: [5] * 24 for w in WARDS}},
        workday={BRIXTON: 40_000},
    )  # fmt: skip


def view_of(ds, **query):
    return page.view(ds, page.settle(ds, YoungState.from_query(query)))


def texts(view) -> list[str]:
    return [p.text for p in (*view.summary, *view.notes, *view.share_note)]


def test_a_link_is_settled_and_anything_unknown_falls_back(ds):
    settle = page.settle
    assert settle(ds, YoungState.from_query({})) == YoungState(yp.HEADLINE, "borough")
    odd = YoungState.from_query({"measure": "x", "level": "lsoa", "borough": "nope"})
    assert settle(ds, odd) == YoungState()
    # The City is not policed by the MPS: no figures to narrow to.
    assert settle(ds, YoungState(borough="E09000001")).within == ""
    assert settle(ds, YoungState(level="ward", bcu=BCU)).within == BCU
    # A borough is kept at borough level too: its own figure and share are shown.
    assert settle(ds, YoungState(borough=LAMBETH)).within == LAMBETH
    chosen = page.choose(ds, YoungState(), {"within": BCU, "level": "ward"})
    assert (chosen.level, chosen.bcu, chosen.borough) == ("ward", BCU, None)
    names = [s.name for s in page.controls(ds, YoungState()).selects]
    assert names == ["measure", "level", "within"]


def test_the_words_say_victims_for_every_n_residents_never_1_in_n(ds):
    view = view_of(ds, level="ward", borough=LAMBETH)
    # London: 72 + 36 + 24 + 48 + 12 wards' victims and 12 in no ward = 204 in 12
    # months; residents aged 0-24: 4,000 + 3,000 + 2,500 + 4,500 + 2,000 and the City's
    # 200 = 16,200; 16,200 / 204 = 79.4, to two figures 79.
    assert view.summary[0].text == (
        "In the 12 months to February 2026 the MPS recorded 1 knife injury victim aged 1-24 "
        "outside domestic abuse for every 79 residents aged 0-24 in London (204 victims; "
        "16,200 residents, Census 2021)."
    )
    # Lambeth: 144 victims, 9,500 young residents: 66.
    assert view.summary[1].text.startswith(
        "Lambeth, in the 12 months to February 2026: 1 knife injury victim aged 1-24 outside "
        "domestic abuse for every 66 residents aged 0-24"
    )
    everything = " ".join([*texts(view), *page.CAVEATS, view.share_caption, view.chart_note])
    assert not re.search(r"\b1 in [0-9,]+", everything)
    assert "young people were injured" not in everything


def test_the_table_of_a_boroughs_wards_with_its_visitor_columns_and_totals(ds):
    view = view_of(ds, level="ward", borough=LAMBETH)
    model = view.table
    assert model.column_texts("Area") == ["Brixton Windrush", "Clapham Town", "Stockwell East"]
    assert model.column_texts("Borough") == ["Lambeth"] * 3
    # Per 1,000 aged 0-24: 72 / 4,000 = 18.0, 36 / 3,000 = 12.0, 24 / 2,500 = 9.60;
    # across London, Peckham's 48 / 4,500 = 10.7 comes third.
    assert model.column_texts("Rate per 1,000 residents aged 0-24") == ["18.0", "12.0", "9.60"]
    assert model.column_values("Rank by rate") == [1, 2, 4]
    # 4,000 / 72 = 55.6, 3,000 / 36 = 83.3, 2,500 / 24 = 104: to two figures.
    assert model.column_texts("1 victim for every N residents aged 0-24") == ["56", "83", "100"]
    # Brixton alone is a visitor area: 72 per 40,000 by day and 72 per 15,000 residents.
    assert model.column_texts("Rate per 1,000 workday population, all ages (visitor areas)") == [
        "1.80", "", "",
    ]  # fmt: skip
    assert model.column_texts("Rate per 1,000 residents, all ages (visitor areas)") == [
        "4.80", "", "",
    ]  # fmt: skip
    assert model.column_texts("Reliability") == ["", "", ""]
    assert model.headings[-1] == "Code"
    # Lambeth's own 144: its wards' 132 and 12 placed in none of them.
    assert [(row[0], row[3]) for row in model.footer] == [
        ("Lambeth's own total", ("144", 144)),
        ("Sum of the 3 wards shown", ("132", 132)),
        ("Recorded in Lambeth but not placed in one of its wards (total minus sum)",
         ("12", 12)),
    ]  # fmt: skip
    notes = " ".join(p.text for p in view.notes)
    assert "Far more people spend the day than live in Brixton Windrush" in notes
    assert "its 3 wards add up to 132" in notes


def test_boroughs_of_a_bcu_and_the_city_note_for_london(ds):
    bcu = view_of(ds, bcu=BCU)
    assert sorted(bcu.table.column_texts("Area")) == ["Lambeth", "Southwark"]
    assert "Borough" not in bcu.table.headings
    # Each borough's own figure: the BCU's total is theirs, so nothing is left over.
    assert [row[2][1] for row in bcu.table.footer] == [204, 204, 0]
    london = view_of(ds)
    assert any("The City of London is not shown" in p.text for p in london.notes)
    assert not any("City of London" in p.text for p in bcu.notes)


def test_a_ward_with_few_victims_is_marked_and_the_others_are_blank():
    ds = tiny_dataset(
        {BRIXTON: [6] * 24, CLAPHAM: [3] * 24, STOCKWELL: [2] * 24, PECKHAM: [4] * 24,
         BOROUGH_WARD: [0, 0, 1] * 8},
        measure=yp.HEADLINE,
    )  # fmt: skip
    view = view_of(ds, level="ward", borough=SOUTHWARK)
    assert view.table.column_texts("Reliability") == ["", "Fewer than 10 victims: unreliable"]
    assert view.summary[-1].text == (
        "1 of the wards shown had fewer than 10 victims: their figures are marked unreliable."
    )
    assert view.summary[-1].tone == "warning"


def test_the_share_divides_like_by_like_with_exact_limits_and_none_under_10(ds):
    view = view_of(ds, borough=SOUTHWARK)
    rows = {(r[0], r[1]): r for r in view.share_table.texts()}
    # London, 12 months to February 2026: all young victims 3 x 24 in Lambeth's wards,
    # 4 in Peckham and 12 in no ward = 88; knife crime with injury 5 x 5 x 12 + 12 = 312.
    london = rows[("London", "February 2026")]
    low, high = sps.binomtest(88, 312).proportion_ci(method="exact")
    assert london[2:6] == ["88", "312", "28.2%", f"{low * 100:.1f}% to {high * 100:.1f}%"]
    assert london[6] == ""
    # Southwark: 4 young victims of 120 offences: too few for an interval.
    southwark = rows[("Southwark", "February 2026")]
    assert southwark[2:] == [
        "4",
        "120",
        "3.3%",
        "",
        "Fewer than 10 victims or offences: no interval",
    ]
    assert yp.SHARE_WORDS[1:] in view.share_caption
    assert "there is no interval under 10" in view.share_caption
    names = [t["name"] for t in view.share["data"] if t.get("showlegend", True)]
    assert names == ["London", "Southwark"]


def test_the_chart_marks_each_area_and_london_and_escapes_names(ds):
    view = view_of(ds, level="ward", borough=SOUTHWARK)
    dots = view.chart["data"][0]
    assert sorted(dots["y"]) == ["Borough &amp; Bankside", "Peckham"]
    london = view.chart["data"][1]
    # 204 victims per 16,200 residents aged 0-24, per 1,000: 12.6.
    assert london["name"] == "London (12.6)"
    assert london["x"][0] == pytest.approx(204 / 16_200 * 1000)
    assert len(view_of(ds, level="ward").chart["data"][0]["y"]) == 5


def test_with_nothing_published_the_page_says_so():
    view = page.view(None, YoungState())
    assert view.summary[0].text == page.words.NO_DATA
    assert not view.has_results
