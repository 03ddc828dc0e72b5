"""The profile presenter on a hand-made London: its address, words, ranks, tables, search
and list of areas, with every expected figure worked out by hand from tests/builders.py."""

from __future__ import annotations

import re

import pytest

from presenters import profile
from presenters.profile import ProfileState, area_code
from tests.builders import (
    BCU,
    BOROUGH_WARD,
    BRIXTON,
    CITY,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    STOCKWELL,
    tiny_dataset,
)

SITE = " - London Weapon-Enabled Crime Dashboard"


def view_of(ds, code):
    return profile.view(ds, ProfileState(area=code))


def text(paras) -> str:
    return " ".join(p.text for p in paras)


@pytest.mark.parametrize(
    ("path", "code"),
    [("/area/E05000001", "E05000001"), ("/area/BCU-CENTRAL-SOUTH/", "BCU-CENTRAL-SOUTH"),
     ("/area", ""), ("/area/", ""), ("/areas/E05000001", ""), ("/area/<b>x</b>", ""),
     ("/area/a/b", "a"), (None, ""), (["/area/x"], "")],
)  # fmt: skip
def test_the_area_comes_from_the_path(path, code):
    assert area_code(path) == code


def test_the_trend_measure_is_in_the_query_and_the_area_never_is():
    state = ProfileState.from_address(f"/area/{BRIXTON}", "?measure=knife_crime_outcomes&area=x")
    assert (state.area, state.measure) == (BRIXTON, "knife_crime_outcomes")
    assert state.search() == "?measure=knife_crime_outcomes"
    assert state.href() == f"/area/{BRIXTON}?measure=knife_crime_outcomes"
    assert ProfileState.from_address("/area", "").href() == "/area?measure=knife_crime"


def test_a_trend_the_area_does_not_have_falls_back_to_knife_crime():
    ds = tiny_dataset()
    settled = profile.settle(ds, ProfileState(area=BRIXTON, measure="gun_crime"))
    assert settled.measure == "knife_crime"
    chosen = profile.choose(ds, ProfileState(area=BRIXTON), {"measure": "nonsense"})
    assert (chosen.area, chosen.measure) == (BRIXTON, "knife_crime")


def test_a_ward_summary_gives_its_count_rate_both_ranks_and_the_change():
    view = view_of(tiny_dataset(), STOCKWELL)
    assert view.document_title == "Stockwell East (ward in Lambeth)" + SITE
    assert (view.title, view.subtitle) == ("Stockwell East", "Ward in Lambeth, Central South BCU")
    # 24 offences over 10,000 residents; 4th of the 5 wards by rate, 3rd of Lambeth's 3.
    summary = text(view.summary)
    assert summary.startswith(
        "In the 12 months to February 2026 there were 24 knife crime offences in Stockwell "
        "East, 2.40 per 1,000 residents, rank 4 of 5 wards by rate per 1,000 residents (1 is "
        "the highest) and rank 3 of 3 wards in Lambeth; no change on the 12 months before "
    )
    # 24 against 24: the rate ratio's interval (tested against statsmodels in the data
    # tests) straddles no change.
    interval = re.search(r"\(95% interval (\d+)% down to (\d+)% up\)\.$", summary)
    assert interval is not None


def test_a_borough_ranks_among_boroughs_and_a_bcu_is_the_bcu():
    ds = tiny_dataset()
    lambeth = view_of(ds, LAMBETH)
    # 144 offences (11 a month in its wards, 1 not placed in one) over 37,000 residents.
    assert text(lambeth.summary).startswith(
        "In the 12 months to February 2026 there were 144 knife crime offences in Lambeth, "
        "3.89 per 1,000 residents, rank 1 of 2 boroughs by rate per 1,000 residents"
    )
    bcu = view_of(ds, BCU)
    assert bcu.document_title == "Central South BCU" + SITE
    assert bcu.subtitle == "Basic Command Unit covering Lambeth and Southwark"


def test_few_offences_make_the_rate_rank_and_change_unreliable():
    counts = {BRIXTON: [6] * 24, CLAPHAM: [3] * 24, STOCKWELL: [2] * 24,
              PECKHAM: [4] * 24, BOROUGH_WARD: [0] * 23 + [1]}  # fmt: skip
    summary = text(view_of(tiny_dataset(counts), BOROUGH_WARD).summary)
    assert "there was 1 knife crime offence in Borough & Bankside" in summary
    assert "rest on fewer than 10 offences, so they are unreliable" in summary


def test_the_tables_put_the_measure_first_and_say_what_the_rank_is_by():
    view = view_of(tiny_dataset(), BRIXTON)
    glance = view.glance
    assert glance.headings == ["Measure", "Count", "Rate per 1,000 in Brixton Windrush",
                               "Rate per 1,000 in London", "Change on the 12 months before",
                               "Reliability"]  # fmt: skip
    # London: 17 offences a month (one not placed in a ward) over 63,500 residents.
    row = glance.texts()[0]
    assert row[:4] == ["Knife crime", "72", "4.80", "3.21"]
    assert re.fullmatch(r"no change \(95% interval \d+% down to \d+% up\)", row[4])
    assert row[5] == ""
    assert glance.column_values("Count") == [72]
    assert glance.caption == "Brixton Windrush: 12 months to February 2026, beside London"
    ranks = view.ranks
    assert ranks.headings[2:] == ["Rank by rate among London's wards",
                                  "Rank by rate among the wards of Lambeth"]  # fmt: skip
    assert ranks.texts() == [["Knife crime", "4.80", "1 of 5", "1 of 3"]]
    assert ranks.column_values("Rank by rate among London's wards") == [1]
    assert "(1 is the highest)" in ranks.caption


def test_the_funnel_note_places_the_ward_and_marks_it_on_the_plot():
    view = view_of(tiny_dataset(), BRIXTON)
    assert view.funnel_note.startswith(
        "Brixton Windrush's rate of knife crime offences in the 12 months to February 2026 "
        "(4.80 per 1,000 residents) is "
    )
    assert "for an area of its population" in view.funnel_note
    marked = [t for t in view.funnel_figure["data"] if t["mode"] == "markers+text"]
    assert [row[0] for row in marked[0]["customdata"]] == [BRIXTON]
    assert view.funnel_table.column_texts("Area") == ["Brixton Windrush"]


def test_the_links_lead_to_the_map_the_borough_and_its_ranked_wards():
    hrefs = [link.href for link in view_of(tiny_dataset(), BRIXTON).links]
    assert hrefs == [
        "/map?measure=knife_crime&level=ward&period=r12&value=rate"
        f"&borough={LAMBETH}&area={BRIXTON}",
        f"/area/{LAMBETH}",
        f"/at-risk?measure=knife_crime&period=r12&order=rate&level=ward&borough={LAMBETH}",
        f"/compare?areas={BRIXTON}%2C{LAMBETH}",
        f"/compare?areas={BRIXTON}",
    ]


def test_the_city_says_why_there_are_no_figures_and_shows_no_zero():
    view = view_of(tiny_dataset(), CITY)
    assert view.found
    assert not view.covered
    assert "not zero" in text(view.summary)
    assert "0" not in text(view.summary)
    assert view.glance is None
    assert view.ranks is None


def test_without_an_area_or_with_an_unknown_one_the_page_lists_every_area():
    ds = tiny_dataset()
    listing = view_of(ds, None)
    assert listing.document_title == "Area profiles" + SITE
    boroughs = listing.browse.boroughs
    assert [b.name for b in boroughs] == ["City of London", "Lambeth", "Southwark"]
    assert [w.text for w in boroughs[1].wards] == ["Brixton Windrush", "Clapham Town",
                                                   "Stockwell East"]  # fmt: skip
    assert boroughs[1].profile.href == f"/area/{LAMBETH}"
    assert "Not covered" in boroughs[0].note
    assert [link.href for link in listing.browse.bcus] == [f"/area/{BCU}"]
    missing = view_of(ds, "E05999999")
    assert (missing.title, missing.found) == ("Area not found", False)
    assert "E05999999" in missing.subtitle
    assert missing.browse == listing.browse


def test_the_search_opens_one_area_and_lists_several_by_partial_name():
    ds = tiny_dataset()
    assert profile.search(ds, "brixton").href == f"/area/{BRIXTON}"
    assert profile.search(ds, "Lambeth (borough)").href == f"/area/{LAMBETH}"
    several = profile.search(ds, "ham")  # Clapham Town and Peckham
    assert several.href is None
    assert [m.href for m in several.matches] == [f"/area/{CLAPHAM}", f"/area/{PECKHAM}"]
    assert several.message.startswith("2 areas match")
    assert profile.search(ds, "  ").message == profile.TYPE_FIRST
    assert profile.search(ds, "Atlantis").matches == ()
    assert profile.search(None, "Lambeth").href is None


def test_the_trend_is_a_rolling_rate_marked_at_the_recording_change():
    # From December 2022, so the rolling rates (from November 2023) span February 2024.
    ds = tiny_dataset(first_month="2022-12")
    view = profile.trend_view(ds, ProfileState(area=BRIXTON))
    assert [t["name"] for t in view.figure["data"]] == ["Brixton Windrush", "Lambeth", "London"]
    assert view.figure["data"][0]["y"][-1] == pytest.approx(72 / 15_000 * 1000)
    assert view.figure["layout"]["shapes"][0]["x0"] == "2024-02-01"
    assert view.note.startswith("Knife crime. Each line is a rate per 1,000 residents")
    assert view.table.headings[:2] == ["Month", "Brixton Windrush: monthly count"]
    assert view.table.texts()[-1] == ["November 2024", "6", "4.80", "3.89", "3.21"]
    assert [s.value for s in view.controls.selects] == ["knife_crime"]


def test_the_download_holds_every_month_of_the_area():
    name, csv = profile.monthly_csv(tiny_dataset(), ProfileState(area=PECKHAM))
    assert name == f"area-{PECKHAM.lower()}-monthly-figures.csv"
    lines = csv.strip().splitlines()
    assert lines[0] == "area_code,area,measure,measure_label,month,count,fewer_than_10"
    assert len(lines) == 25
    assert profile.monthly_csv(tiny_dataset(), ProfileState(area="nowhere")) is None


def test_with_nothing_published_the_page_says_so():
    view = profile.view(None, ProfileState(area=LAMBETH))
    assert view.subtitle == "No data has been published yet."
    assert profile.search_labels(None) == []
