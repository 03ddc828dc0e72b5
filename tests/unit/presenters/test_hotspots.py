"""The hot-spot presenter on a hand-made London: its words, map key, tables and
reconciliation, with every expected figure worked out by hand.

Most tests give the presenter a hot-spot answer made by hand (`hand_hotspots`), so the
words can be checked against figures written out here; one runs the whole page on a
tiny London with neighbours in a chain."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from data import hotspots as rules
from presenters import hotspots as page
from presenters.hotspots import HotspotsState
from tests.builders import (
    BCU,
    BOROUGH_WARD,
    BRIXTON,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    SOUTHWARK,
    STOCKWELL,
    hand_hotspots,
    tiny_contiguity,
    tiny_dataset,
)

# Five wards, one of each finding. Latest 12 months: 72 + 30 + 5 + 48 + 12 = 167 offences,
# a mean of 33.4 a ward.
ROWS = [
    {"code": BRIXTON, "name": "Brixton Windrush", "count": 72, "rate": 4.8,
     "persistent": True, "top_years": 3, "hot": True, "q": 0.004, "z": 3.1, "confidence": 99,
     "above_average": True, "class": "diminishing", "hot_windows": 24, "trend": -1,
     "trend_p": 0.0123, "flagged": True, "category": "established"},
    {"code": CLAPHAM, "name": "Clapham Town", "count": 30, "rate": 2.5, "top_years": 1,
     "hot": True, "q": 0.03, "z": 2.2, "confidence": 95, "above_average": False,
     "class": "new", "hot_windows": 1, "flagged": True, "category": "emerging"},
    {"code": STOCKWELL, "name": "Stockwell East", "count": 5, "rate": 0.5, "low_count": True,
     "class": "former", "hot_windows": 14, "z": 1.0, "q": 0.4, "flagged": True,
     "category": "former"},
    {"code": PECKHAM, "name": "Peckham", "parent_code": SOUTHWARK, "parent": "Southwark",
     "count": 48, "rate": 3.43, "persistent": True, "top_years": 3, "z": 0.5, "q": 0.7,
     "above_average": True, "flagged": True, "category": "persistent"},
    {"code": BOROUGH_WARD, "name": "Borough & Bankside", "parent_code": SOUTHWARK,
     "parent": "Southwark", "count": 12, "rate": 1.09, "cold": True, "q": 0.02, "z": -2.5,
     "confidence": 95},
]  # fmt: skip


class Boundaries:
    """The tiny London's neighbours and a ward file's address; no small areas."""

    def contiguity(self, level):
        return tiny_contiguity() if level == "ward" else None

    def geojson_url(self, level):
        return "/geo/wards-test.json"

    def lsoa_layer(self, borough_code):
        return None


def state_of(ds, **query) -> HotspotsState:
    return page.settle(ds, HotspotsState.from_query(query))


def parts(ds, result, **query):
    """What the page shows of a hand-made answer, as `view` puts it together."""
    state = state_of(ds, **query)
    everyone = page.with_visitors(ds, result.table)
    shown = page.in_scope(ds, everyone, state.within)
    return state, everyone, shown


def test_a_link_is_settled_and_anything_unknown_falls_back():
    ds = tiny_dataset()
    assert state_of(ds) == HotspotsState("knife_crime", "ward", None, None)
    assert state_of(ds, measure="nonsense", level="x", borough="E09000001") == HotspotsState()
    # Small areas have the recorded-crime measures only: the first of them is chosen.
    assert state_of(ds, level="lsoa").measure == "possession_of_weapons"
    assert state_of(ds, bcu=BCU).within == BCU
    assert state_of(ds, bcu=BCU, borough=LAMBETH) == HotspotsState(borough=LAMBETH)
    chosen = page.choose(ds, state_of(ds), {"within": BCU, "measure": "knife_crime_injury"})
    assert (chosen.bcu, chosen.borough, chosen.measure) == (BCU, None, "knife_crime_injury")
    assert page.choose(ds, chosen, {"within": ""}).within == ""
    names = [s.name for s in page.controls(ds, state_of(ds)).selects]
    assert names == ["measure", "level", "within"]


def test_the_summary_counts_persistent_and_gi_hot_spots_in_words():
    ds = tiny_dataset()
    result = hand_hotspots(ROWS)
    state, _, shown = parts(ds, result)
    text = [p.text for p in page.summary(ds, state, result, shown)]
    # Brixton and Peckham: 72 + 48 = 120 of 167 offences (71.9%), 2 of 5 wards (40.0%).
    assert text[0] == (
        "2 of London's 5 wards are persistent hot spots: among London's top 10% of wards by "
        "number of knife crime offences in each of the last 3 separate 12-month years (March "
        "2023 to February 2024, March 2024 to February 2025 and March 2025 to February 2026). "
        "Between them they had 71.9% of the knife crime offences in these wards in the latest "
        "12 months, though they are 40.0% of the wards."
    )
    assert text[1] == (
        "Gi* on the counts finds 2 hot spots and 1 cold spot in the 12 months to February "
        "2026: q < 0.05 after correcting for testing London's 5 wards at once (1 of the hot "
        "spots with q < 0.01). Over the 24 rolling 12-month windows from the 12 months to "
        "March 2024 to the 12 months to February 2026: hot-spot patterns 1 diminishing, 1 new "
        "and 1 former."
    )
    # Clapham's own 30 is below the mean of 33.4.
    assert text[2].startswith(
        "Clapham Town is a Gi* hot spot whose own count is not above the average ward's (33.4)"
    )
    assert text[3] == (
        "1 of the flagged wards had fewer than 10 offences in the latest 12 months: their "
        "rates are marked unreliable."
    )


def test_within_a_borough_the_words_count_its_wards_only():
    ds = tiny_dataset()
    result = hand_hotspots(ROWS)
    state, _, shown = parts(ds, result, borough=SOUTHWARK)
    text = [p.text for p in page.summary(ds, state, result, shown)]
    # Peckham's 48 of Southwark's 48 + 12 = 60: 80.0%, one ward of two.
    assert text[0].startswith("1 of the 2 wards in Southwark is a persistent hot spot")
    assert text[0].endswith(
        "It had 80.0% of the knife crime offences in these wards in the latest 12 months, "
        "though it is 50.0% of the wards."
    )
    assert text[1].startswith("Gi* on the counts finds 0 hot spots and 1 cold spot in Southwark")
    assert "testing London's 5 wards at once" in text[1]


def test_the_table_lists_the_flagged_strongest_first_with_reasons_and_blanks():
    ds = tiny_dataset(workday={BRIXTON: 40_000})
    result = hand_hotspots(ROWS)
    state, everyone, shown = parts(ds, result)
    totals = page.reconciliation.reconcile(ds, "knife_crime", "ward")
    model = page.flagged_table(ds, state, result, everyone, shown, totals)
    assert model.column_texts("Area") == [
        "Brixton Windrush", "Clapham Town", "Stockwell East", "Peckham",
    ]  # fmt: skip
    assert model.column_texts("Finding") == [
        "Lasting Gi* hot spot", "Emerging Gi* hot spot", "Former Gi* hot spot",
        "Persistent hot spot",
    ]  # fmt: skip
    assert model.column_texts("Reasons")[:2] == [
        "persistent hot spot: among London's top 10% of wards by count in 3 of the last 3 "
        "separate 12-month years; Gi* hot spot in the latest 12 months (q = 0.004); "
        "diminishing Gi* hot spot: hot in 24 of the 24 rolling 12-month windows (offences in "
        "it and its neighbours falling, seasonal Mann-Kendall p = 0.012)",
        "Gi* hot spot in the latest 12 months (q = 0.030), though its own count is not above "
        "the average ward's; new Gi* hot spot: hot in 1 of the 24 rolling 12-month windows",
    ]
    # A flag that does not apply is blank, never "no".
    assert model.column_texts("Own count above the average ward (Gi* hot spots)") == [
        "Yes", "No", "", "",
    ]  # fmt: skip
    assert model.column_texts("Reliability") == ["", "", "Fewer than 10 offences: unreliable", ""]
    # Brixton has 40,000 people by day against 15,000 residents: 72 / 40,000 x 1,000.
    assert model.column_texts("Rate per 1,000 workday population (visitor areas)") == [
        "1.80", "", "", "",
    ]  # fmt: skip
    assert model.column_texts("Persistent hot spot") == ["Yes", "No", "No", "Yes"]
    assert model.column_values("Years in London's top 10% by count") == [3, 1, 0, 3]
    # Ranks by count among all five: 72, 48, 30, 12, 5.
    assert model.column_values("Rank by count") == [1, 3, 5, 2]
    assert model.headings[-1] == "Code"
    # London's 12 months: the wards' 72 + 36 + 24 + 48 + 12 = 192 and 12 in no ward.
    assert [(row[0], row[3], row[-1]) for row in model.footer] == [
        ("London total", ("204", 204), "E12000007"),
        ("Sum of the 5 wards analysed (all on the map)", ("192", 192), ""),
        ("Not placed in a ward (total minus sum)", ("12", 12), ""),
    ]


def test_persistence_is_left_blank_where_it_cannot_be_judged():
    ds = tiny_dataset()
    result = hand_hotspots([{**r, "persistent": False} for r in ROWS], n_years=1)
    state, everyone, shown = parts(ds, result)
    text = page.summary(ds, state, result, shown)[0].text
    assert text == (
        "Persistence is not judged: the data covers fewer than 2 separate 12-month years."
    )
    totals = page.reconciliation.reconcile(ds, "knife_crime", "ward")
    model = page.flagged_table(ds, state, result, everyone, shown, totals)
    assert set(model.column_texts("Persistent hot spot")) == {""}
    assert set(model.column_texts("Years in London's top 10% by count")) == {""}


def test_the_map_key_and_the_patterns_name_only_what_is_shown():
    ds = tiny_dataset()
    result = hand_hotspots(ROWS)
    state, _, shown = parts(ds, result)
    key = [item.text for item in page.map_key(state, shown)]
    assert key == [
        f"{rules.CATEGORY_LABELS['established']}: 1 ward",
        f"{rules.CATEGORY_LABELS['emerging']}: 1 ward",
        f"{rules.CATEGORY_LABELS['former']}: 1 ward",
        f"{rules.CATEGORY_LABELS['persistent']}: 1 ward",
        "Not flagged: 1 ward",
        "Not covered: the City of London Police area",
    ]
    meanings = [p.text for p in page.class_meanings(shown, "ward")]
    assert meanings == [
        f"Diminishing (1 ward): {rules.CLASS_MEANINGS['diminishing']}.",
        f"New (1 ward): {rules.CLASS_MEANINGS['new']}.",
        f"Former (1 ward): {rules.CLASS_MEANINGS['former']}.",
    ]
    state, _, shown = parts(ds, result, borough=SOUTHWARK)
    assert [item.text for item in page.map_key(state, shown)] == [
        f"{rules.CATEGORY_LABELS['persistent']}: 1 ward",
        "Not flagged: 1 ward",
    ]


def test_the_hover_says_why_in_words_and_escapes_names():
    ds = tiny_dataset()
    result = hand_hotspots(ROWS)
    state, _, shown = parts(ds, result)
    figure = page.map_figure(ds, state, shown)
    hover = {
        code: data
        for trace in figure["data"]
        for code, data in zip(trace["locations"], trace.get("customdata", []), strict=False)
    }
    name, lines = hover[BOROUGH_WARD]
    assert name == "Borough &amp; Bankside (Southwark)"
    assert lines.split("<br>") == [
        "Not flagged",
        "12 offences in the latest 12 months",
        "1.09 per 1,000 residents",
        "Gi* cold spot in the latest 12 months (q = 0.020)",
    ]
    assert max(len(line) for d in hover.values() for line in d[1].split("<br>")) <= 56
    assert hover[STOCKWELL][1].endswith("Fewer than 10 offences: unreliable")
    assert "E09000001" not in hover
    city = [t for t in figure["data"] if t["name"].startswith("Not covered")]
    assert city
    assert "customdata" not in city[0]


def test_concentration_and_sensitivity_in_words_and_tables():
    ds = tiny_dataset()
    concentration = pd.DataFrame({
        "share_of_areas_named": [0.01, 0.05, 0.10], "areas": [1, 1, 1],
        "share_of_areas": [0.2, 0.2, 0.2], "offences": [72.0, 72.0, 72.0],
        "share_of_offences": [72 / 167] * 3,
    })  # fmt: skip
    sensitivity = pd.DataFrame([
        {"definition": rules.PERSISTENT_10, "label": "persistent", "used": True, "areas": 5,
         "flagged": 2, "share_of_areas": 0.4, "offences": 120.0, "share_of_offences": 120 / 167},
        {"definition": rules.GI_COUNTS, "label": "gi", "used": True, "areas": 5, "flagged": 2,
         "share_of_areas": 0.4, "offences": 102.0, "share_of_offences": 102 / 167},
        {"definition": rules.NINE_OF_TWELVE, "label": "old", "used": False, "areas": 5,
         "flagged": 5, "share_of_areas": 1.0, "offences": 167.0, "share_of_offences": 1.0},
    ])  # fmt: skip
    result = hand_hotspots(ROWS, concentration=concentration, gini=0.3, sensitivity=sensitivity)
    state = state_of(ds)
    text = page.concentration_words(ds, state, result)[0].text
    # 72 of 167 offences: 43.1%.
    assert text.startswith(
        "Across London's 5 wards, the top 1% (1 ward) had 43.1%, the top 5% (1 ward) had 43.1% "
        "and the top 10% (1 ward) had 43.1% of the knife crime offences in the 12 months to "
        "February 2026."
    )
    assert "The Gini coefficient of the counts is 0.30" in text
    model = page.concentration_table(ds, state, result)
    assert model.texts()[0] == ["Top 1%", "1", "20.0%", "72", "43.1%"]
    assert [c if isinstance(c, str) else c[1] for c in model.footer[0]] == [
        "All wards", 5, 1, 167, 1,
    ]  # fmt: skip
    words = page.sensitivity_words(ds, state, result)[0].text
    # 120 of 167: 71.9%; 102 of 167: 61.1%.
    assert (
        "The rules this page uses flag 2 wards as persistent hot spots (40.0% of the wards, "
        "with 71.9% of the knife crime offences) and 2 wards as Gi* hot spots on counts "
        "(40.0% of the wards, with 61.1% of the knife crime offences)." in words
    )
    assert (
        "The old rule of offences in at least 9 of the last 12 months would flag 5 wards "
        "(100.0% of the wards, with 100.0% of the knife crime offences)" in words
    )
    table = page.sensitivity_table(ds, state, result)
    assert table.column_texts("Used on this page") == ["Yes", "Yes", "No, for comparison"]
    assert table.column_values("Wards flagged") == [2, 2, 5]
    assert table.column_texts("Share of offences") == ["71.9%", "61.1%", "100.0%"]


def test_a_long_lorenz_curve_is_drawn_through_fewer_points_from_corner_to_corner():
    n = 4988
    lorenz = pd.DataFrame({
        "share_of_areas": [i / n for i in range(n + 1)],
        "share_of_offences": [(i / n) ** 0.5 for i in range(n + 1)],
    })  # fmt: skip
    concentration = pd.DataFrame({
        "share_of_areas_named": [0.01], "areas": [49], "share_of_areas": [49 / n],
        "offences": [10.0], "share_of_offences": [0.1],
    })  # fmt: skip
    result = hand_hotspots(ROWS, level="lsoa", lorenz=lorenz, concentration=concentration)
    figure = page.lorenz_figure(tiny_dataset(), state_of(tiny_dataset()), result)
    curve = figure["data"][1]
    assert len(curve["x"]) <= page.CURVE_POINTS + 1
    assert (curve["x"][0], curve["y"][0]) == (0, 0)
    assert (curve["x"][-1], curve["y"][-1]) == (100, 100)
    assert figure["data"][2]["text"] == ["top 1%: 10.0%"]


# -- the whole page on the tiny London ------------------------------------------------------


@pytest.fixture(scope="module")
def three_years():
    """36 months of the default steady counts, and Brixton a visitor area."""
    steady = {BRIXTON: 6, CLAPHAM: 3, STOCKWELL: 2, PECKHAM: 4, BOROUGH_WARD: 1}
    return tiny_dataset({c: [n] * 36 for c, n in steady.items()}, first_month="2023-03",
                        workday={BRIXTON: 40_000})  # fmt: skip


def test_the_whole_page_on_a_tiny_london(three_years):
    ds = three_years
    view = page.view(ds, state_of(ds), Boundaries())
    assert view.heading == (
        "Knife crime: hot spots among wards, all of London, 12 months to February 2026"
    )
    # Each year Brixton has 72 offences, the most; the top 10% of 5 wards is 1 ward.
    assert view.summary[0].text.startswith("1 of London's 5 wards is a persistent hot spot")
    # With two neighbours at most drawn from four other wards there are only 6 possible
    # neighbourhoods: no permutation p-value can reach the 0.05 a hot spot needs.
    assert "finds 0 hot spots and 0 cold spots" in view.summary[1].text
    assert view.flagged.column_texts("Area") == ["Brixton Windrush"]
    assert view.flagged.column_texts("Rate per 1,000 workday population (visitor areas)") == [
        "1.80"
    ]
    assert view.flagged.column_texts("Rate caveat")[0].startswith(
        "Brixton Windrush: about 40,000 people are here on a working day against 15,000"
    )
    assert [row[3][1] for row in view.flagged.footer] == [204, 192, 12]
    # The map: every ward coloured, the City not covered, fitted to the whole file.
    located = [c for trace in view.map_figure["data"] for c in trace["locations"]]
    assert sorted(located) == sorted([BRIXTON, CLAPHAM, STOCKWELL, PECKHAM, BOROUGH_WARD,
                                      "E05000006"])  # fmt: skip
    assert {t["geojson"] for t in view.map_figure["data"]} == {"/geo/wards-test.json"}
    assert view.map_fit == {"url": "/geo/wards-test.json", "codes": None, "pad": page.MAP_PAD}
    # Sorted 12, 24, 36, 48, 72: sum of |x_i - x_j| over ordered pairs 576, over 2 n² mean
    # = 2 x 25 x 38.4 = 1,920: 0.30.
    assert "The Gini coefficient of the counts is 0.30" in view.concentration_words[0].text
    notes = " ".join(p.text for p in view.notes)
    assert "Gun crime measures have no public data yet" in notes
    assert "The City of London's 1 ward is not analysed" in notes
    assert "London's total for the 12 months to February 2026 is 204 knife crime offences" in notes
    assert "Far more people spend the day than live in Brixton Windrush" in notes
    # Every ward has offences in every month: the old rule flags all five.
    assert "would flag 5 wards (100.0% of the wards" in view.sensitivity_words[0].text


def test_a_borough_zooms_the_map_to_its_wards_and_reconciles_to_its_own_total(three_years):
    ds = three_years
    view = page.view(ds, state_of(ds, borough=LAMBETH), Boundaries())
    assert view.heading.endswith("Lambeth, 12 months to February 2026")
    assert sorted(view.map_fit["codes"]) == [BRIXTON, CLAPHAM, STOCKWELL]
    assert not [t for t in view.map_figure["data"] if t["name"].startswith("Not covered")]
    # Lambeth's own 72 + 36 + 24 + 12 placed in none of its wards.
    assert [(row[0], row[3][1]) for row in view.flagged.footer] == [
        ("Lambeth's own total", 144),
        ("Sum of the 3 wards analysed (all on the map)", 132),
        ("Recorded in Lambeth but not placed in one of its wards (total minus sum)", 12),
    ]
    assert not any("City of London" in p.text for p in view.notes)


def test_without_boundaries_or_data_the_page_says_why(three_years):
    ds = three_years
    none = page.view(ds, state_of(ds), None)
    assert [p.text for p in none.summary] == [page.NO_BOUNDARIES]
    assert not none.has_results
    guns = page.view(ds, state_of(ds, measure="gun_crime"), Boundaries())
    assert "no published data for gun crime" in guns.summary[0].text
    assert not guns.has_results
    assert guns.map_figure == {}
    assert page.view(None, HotspotsState(), None).summary[0].text == page.words.NO_DATA
    # Small areas: no boundaries here.
    assert page.view(ds, state_of(ds, level="lsoa"), Boundaries()).summary[0].text == (
        page.NO_BOUNDARIES
    )


def test_gun_data_removes_the_note_that_there_is_none():
    steady = {BRIXTON: 6, CLAPHAM: 3, STOCKWELL: 2, PECKHAM: 4, BOROUGH_WARD: 1}
    ds = tiny_dataset(extra={"gun_crime": {c: [1] * 24 for c in steady}})
    view = page.view(ds, state_of(ds), Boundaries())
    assert not any("Gun crime measures" in p.text for p in view.notes)


def test_no_word_is_written_for_q_of_005_or_more():
    ds = tiny_dataset()
    rows = [{**ROWS[4], "cold": False, "q": 0.07, "z": -1.9}, *ROWS[:4]]
    result = hand_hotspots(rows)
    state, _, shown = parts(ds, result)
    figure = page.map_figure(ds, state, shown)
    texts = " ".join(d[1] for t in figure["data"] for d in t.get("customdata", []))
    assert not re.search(r"q = 0\.07", texts)
    assert "90%" not in texts
