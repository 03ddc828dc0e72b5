"""Control options and the one area search, on a hand-made London."""

from __future__ import annotations

from presenters.common import areas, options
from tests.builders import BCU, BRIXTON, CLAPHAM, LAMBETH, tiny_dataset


def test_periods_are_labelled_one_way():
    ds = tiny_dataset()  # March 2024 to February 2026
    labels = [o.label for o in options.period_options(ds, "knife_crime", "ward")]
    assert labels == [
        "12 months to February 2026",
        "February 2026 (latest month)",
        "Financial year 2025-26 (to date)",
        "Financial year 2024-25",
        "Financial year 2023-24 (part year)",
        "A range of months",
    ]


def test_a_period_outside_the_data_falls_back_and_a_range_is_cut_to_it():
    ds = tiny_dataset()
    assert options.valid_period(ds, "knife_crime", "ward", "fy2019") == "r12"
    assert options.valid_period(ds, "knife_crime", "ward", "2023-01..2024-05") == "2024-03..2024-05"
    assert options.valid_period(ds, "knife_crime", "ward", "2020-01..2020-05") == "r12"
    assert options.valid_period(ds, "knife_crime", "ward", "2025-02") == "2025-02"
    assert options.valid_period(ds, "knife_crime", "ward", ["r12"]) == "r12"


def test_a_range_starts_as_the_latest_six_months():
    ds = tiny_dataset()
    p = options.period_controls(ds, "knife_crime", "ward", "r12")
    assert (p["start"], p["end"]) == ("2025-09", "2026-02")
    assert p["range"] is False


def test_the_bcu_options_name_their_boroughs():
    ds = tiny_dataset()
    assert options.bcu_options(ds)[1] == options.Option(
        BCU, "Central South BCU (Lambeth, Southwark)"
    )


def test_a_ward_is_found_by_label_code_or_unique_name():
    ds = tiny_dataset()
    assert areas.find(ds, "Brixton Windrush (ward in Lambeth)").code == BRIXTON
    assert areas.find(ds, BRIXTON.lower()).code == BRIXTON
    assert areas.find(ds, "  clapham   TOWN ").code == CLAPHAM
    assert areas.find(ds, "Lambeth").code == LAMBETH


def test_part_of_a_name_finds_it_or_lists_the_choices():
    ds = tiny_dataset()
    assert areas.find(ds, "Brixton").code == BRIXTON
    several = areas.find(ds, "a")
    assert several.code is None
    assert len(several.matches) > 1
    assert "areas match" in several.message
    missing = areas.find(ds, "Atlantis")
    assert missing.code is None
    assert "No borough or ward is called \u201cAtlantis\u201d" in missing.message
    assert areas.find(ds, 42).code is None
    assert areas.find(ds, "").message.startswith("Type a postcode")


def test_where_areas_sit():
    ds = tiny_dataset()
    assert areas.parent_names(ds, "ward")[BRIXTON] == "Lambeth"
    assert areas.parent_names(ds, "borough")[LAMBETH] == "Central South BCU"
    assert areas.place_name(ds, BCU) == "the Central South BCU"
    assert areas.place_name(ds, None) == "all of London"
    assert areas.bcu_of(ds, LAMBETH) == BCU
