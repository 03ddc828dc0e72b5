"""The map presenter on a hand-made London (tests/builders.py): headlines, ranks, the
search, the choices and the table, every expected figure worked out by hand."""

from __future__ import annotations

from presenters import map as presenter
from presenters.map import MapState
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


def settled(ds, **query) -> MapState:
    return presenter.settle(ds, MapState.from_query(query))


def view_of(ds, **query) -> presenter.MapView:
    return presenter.view(ds, settled(ds, **query))


def texts(paras) -> str:
    return " ".join(p.text for p in paras)


def ward_month_ahead():
    """25 months, February 2024 to February 2026; February 2026 is published for wards
    only. Brixton has 2 offences a month and 9 in February 2026, the other wards 1 a
    month, and 1 a month in Lambeth is placed in no ward."""
    counts = {BRIXTON: [2] * 24 + [9], CLAPHAM: [1] * 25, STOCKWELL: [1] * 25,
              PECKHAM: [1] * 25, BOROUGH_WARD: [1] * 25}  # fmt: skip
    return tiny_dataset(counts, first_month="2024-02", ward_only_months=1)


# -- the headline describes the view shown ---------------------------------------------


def test_a_ward_map_of_the_latest_month_states_the_wards_own_month_and_total():
    view = view_of(ward_month_ahead(), level="ward", period="m")
    assert view.heading == "Knife crime by ward: number, February 2026"
    # February 2026: wards 9 + 1 + 1 + 1 + 1, and 1 placed in no ward = 14;
    # February 2025: 2 + 1 + 1 + 1 + 1 + 1 = 7.
    headline = texts(view.headline)
    assert headline.startswith(
        "London: 14 knife crime offences in February 2026, against 7 in February 2025: up 100%"
    )
    assert "January" not in headline


def test_a_borough_map_behind_the_ward_figures_says_so():
    view = view_of(ward_month_ahead(), level="borough", period="m")
    assert view.heading == "Knife crime by borough: number, January 2026"
    # January 2026 and January 2025 alike: Lambeth 2 + 1 + 1 and 1 unplaced, Southwark 2.
    assert view.headline[0].text.startswith(
        "London: 7 knife crime offences in January 2026, against 7 in January 2025: no change."
    )
    assert view.headline[1].tone == "warning"
    assert view.headline[1].text.startswith(
        "Boroughs have figures to January 2026: February 2026 has been published for wards only"
    )
    # A financial year is not "the latest": nothing to warn about.
    assert len(view_of(ward_month_ahead(), level="borough", period="fy2024").headline) == 1


def test_a_level_up_to_date_says_nothing_of_being_behind():
    assert len(view_of(tiny_dataset(), level="ward").headline) == 1


# -- ranks are by rate, and say so ------------------------------------------------------


def rates_differ_from_counts():
    """Over 12 months: Brixton 72 / 15,000 = 4.80 per 1,000, Clapham 60 / 12,000 = 5.00,
    Peckham 60 / 14,000 = 4.29, Stockwell 24 / 10,000 = 2.40, Borough & Bankside
    12 / 11,000 = 1.09. By count Brixton is first; by rate Clapham is."""
    counts = {BRIXTON: [6] * 24, CLAPHAM: [5] * 24, STOCKWELL: [2] * 24, PECKHAM: [5] * 24,
              BOROUGH_WARD: [1] * 24}  # fmt: skip
    return tiny_dataset(counts)


def test_the_chosen_areas_panel_ranks_it_by_rate_whatever_the_map_shows():
    ds = rates_differ_from_counts()
    for value in ("count", "change"):
        panel = view_of(ds, level="ward", value=value, area=BRIXTON).selected
        assert panel.kind == "Ward in Lambeth"
        assert panel.sentences[0] == (
            "72 knife crime offences in the 12 months to February 2026, 4.80 per 1,000 "
            "residents; rank 2 of 5 wards by rate per 1,000 residents (1 is the highest)."
        )
        assert panel.profile.href == f"/area/{BRIXTON}"


def test_the_table_ranks_by_rate_and_lists_in_that_order():
    view = view_of(rates_differ_from_counts(), level="ward")
    assert view.table.column_texts("Ward") == [
        "Clapham Town", "Brixton Windrush", "Peckham", "Stockwell East", "Borough & Bankside",
        "Aldersgate",
    ]  # fmt: skip
    assert view.table.column_values("Rank by rate") == [1, 2, 3, 4, 5, None]
    assert view.table.column_values("Offences") == [60, 72, 60, 24, 12, None]
    # The City's ward last: not covered, never zero.
    assert view.table.column_texts("Offences")[-1] == "not covered"
    assert view.table.column_texts("Rate per 1,000 residents") == [
        "5.00", "4.80", "4.29", "2.40", "1.09", "",
    ]  # fmt: skip
    assert view.table.column_values("Rate per 1,000 residents")[:5] == [5.0, 4.8, 4.29, 2.4, 1.09]


def test_the_hover_ranks_by_rate_and_one_offence_is_singular():
    ds = tiny_dataset()
    paint = view_of(ds, level="ward", period="m").paint
    assert "of 5 wards by rate per 1,000 residents (1 is the highest)" in paint.hovertemplate
    # Borough & Bankside: 1 offence in February 2026.
    data = dict(zip(paint.codes, paint.customdata, strict=True))
    assert data[BOROUGH_WARD][1] == "1 offence"
    assert data[BRIXTON][1] == "6 offences"


# -- the table's reconciliation -----------------------------------------------------------


def footer(view) -> list[tuple[str, int | None]]:
    return [(row[0], row[3][1]) for row in view.table.footer]


def test_londons_wards_add_up_with_the_offences_placed_in_no_ward():
    # 12 months: wards 72 + 36 + 24 + 48 + 12 = 192; 12 placed in no ward.
    assert footer(view_of(tiny_dataset(), level="ward")) == [
        ("London total", 204),
        ("Sum of the 5 wards shown", 192),
        ("Not placed in a ward (total minus sum)", 12),
    ]


def test_a_boroughs_wards_are_checked_against_its_own_figure():
    # Lambeth: 12 x (6 + 3 + 2 + 1) = 144; its wards 72 + 36 + 24 = 132.
    assert footer(view_of(tiny_dataset(), level="ward", borough=LAMBETH)) == [
        ("Lambeth's own total", 144),
        ("Sum of the 3 wards shown", 132),
        ("Recorded in Lambeth but not placed in one of its wards (total minus sum)", 12),
    ]
    # Southwark: 12 x (4 + 1) = 60, all placed.
    southwark = footer(view_of(tiny_dataset(), level="ward", borough=SOUTHWARK))
    assert southwark[2] == (
        "Recorded in Southwark but not placed in one of its wards (total minus sum)",
        0,
    )


def test_a_bcus_boroughs_add_up_to_its_total():
    assert footer(view_of(tiny_dataset(), level="borough", bcu=BCU)) == [
        ("Central South BCU's own total", 204),
        ("Sum of the 2 boroughs shown", 204),
        ("Recorded in Central South BCU but in none of its boroughs (total minus sum)", 0),
    ]


def test_a_month_the_boroughs_lack_has_no_borough_total_to_check_against():
    # The boroughs have no figure for the month the wards are ahead by: no total, no
    # difference, only the wards' own sum.
    view = view_of(ward_month_ahead(), level="ward", period="m", borough=LAMBETH)
    assert [name for name, _ in footer(view)] == ["Sum of the 3 wards shown"]


# -- finding an area ---------------------------------------------------------------------


def test_a_part_name_with_several_matches_lists_them_and_changes_nothing():
    ds = tiny_dataset()
    state = settled(ds, level="ward", area=BRIXTON)
    found = presenter.find(ds, state, "ham")  # Clapham Town, Peckham
    assert found.choice is None
    assert found.message.startswith("2 areas match")
    assert [m.text for m in found.matches] == [
        "Clapham Town (ward in Lambeth)", "Peckham (ward in Southwark)",
    ]  # fmt: skip
    assert [m.href for m in found.matches] == [
        f"/map?measure=knife_crime&level=ward&period=r12&value=count&area={CLAPHAM}",
        f"/map?measure=knife_crime&level=ward&period=r12&value=count&area={PECKHAM}",
    ]


def test_one_match_opens_it_and_none_says_so():
    ds = tiny_dataset()
    state = settled(ds)
    found = presenter.find(ds, state, "brixton")
    assert found.choice == {"changed": "find", "area": BRIXTON}
    opened = presenter.choose(ds, state, found.choice)
    assert (opened.area, opened.level) == (BRIXTON, "ward")
    nothing = presenter.find(ds, state, "Atlantis")
    assert nothing.choice is None
    assert not nothing.matches
    assert nothing.message.startswith("No borough or ward is called \u201cAtlantis\u201d")


def test_finding_a_bcu_narrows_the_map_to_it():
    ds = tiny_dataset()
    found = presenter.find(ds, settled(ds), "Central South BCU")
    assert presenter.choose(ds, settled(ds), found.choice).bcu == BCU


# -- the choices and the address -----------------------------------------------------------


def test_a_select_changes_only_its_own_part_of_the_address():
    ds = tiny_dataset()
    state = settled(ds, level="ward", bcu=BCU)
    # The page still showed Lambeth in the borough select when the period changed.
    chosen = presenter.choose(ds, state, {"changed": "period", "period": "m", "borough": LAMBETH})
    assert (chosen.period, chosen.borough, chosen.bcu) == ("m", None, BCU)


def test_choosing_a_borough_opens_its_wards_and_keeps_an_area_inside_it():
    ds = tiny_dataset()
    state = settled(ds, level="borough", area=BRIXTON)
    chosen = presenter.choose(ds, state, {"changed": "borough", "borough": LAMBETH})
    assert (chosen.level, chosen.borough, chosen.bcu, chosen.area) == (
        "ward", LAMBETH, BCU, BRIXTON)  # fmt: skip
    elsewhere = presenter.choose(ds, chosen, {"changed": "borough", "borough": SOUTHWARK})
    assert elsewhere.area is None


def test_the_selects_are_drawn_from_the_state():
    ds = tiny_dataset()
    state = settled(ds, level="ward", period="2025-01..2025-06", borough=LAMBETH)
    selects = {s.name: s.value for s in presenter.controls(ds, state).selects}
    assert selects == {"measure": "knife_crime", "level": "ward", "value": "count",
                       "period": "range", "start": "2025-01", "end": "2025-06",
                       "bcu": BCU, "borough": LAMBETH}  # fmt: skip


def test_back_to_all_london_leaves_the_level_of_a_borough_for_boroughs():
    ds = tiny_dataset()
    state = settled(ds, level="ward", borough=LAMBETH, area=BRIXTON)
    back = presenter.choose(ds, state, {"changed": "back"})
    assert (back.level, back.borough, back.bcu, back.area) == ("borough", None, None, None)


def test_the_key_and_heading_of_a_filtered_change_map():
    view = view_of(tiny_dataset(), level="ward", value="change", borough=LAMBETH)
    assert view.heading == (
        "Knife crime by ward: change on the previous period, 12 months to February 2026, Lambeth"
    )
    assert view.key.title == "Change in offences on the 12 months before"
    assert view.key.outlines[0][1] == "Black outline: a statistically significant change"
    assert view.focus == (BRIXTON, CLAPHAM, STOCKWELL)
    assert view.image.filename == ("london-knife-crime-by-ward-change-2025-03-to-2026-02-lambeth")
