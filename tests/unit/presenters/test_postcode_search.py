"""The one area search (presenters.common.areas.find) given postcodes, on a hand-made
London: a unit opens its ward, a district or sector lists its wards with how many
postcodes lie in each, and the City, places outside London and bad input each get a
plain answer. The map and the profile search both go through it."""

from __future__ import annotations

import pytest

from presenters import map as map_page
from presenters import profile
from presenters.common import areas
from presenters.map import MapState
from tests.builders import (
    ALDERSGATE,
    BOROUGH_WARD,
    BRIXTON,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    tiny_dataset,
)

POSTCODES = (
    ("SW2 1RW", BRIXTON),
    ("SW2 1AA", BRIXTON),
    ("SW2 1AB", CLAPHAM),
    ("SW2 2AA", CLAPHAM),
    ("SW2 2AB", CLAPHAM),
    ("SW20 0AA", BRIXTON),
    ("SE15 1AA", PECKHAM),
    ("SE15 1AB", PECKHAM),
    ("SE1 9AA", BOROUGH_WARD),
    ("SE1 9AB", PECKHAM),
    ("EC1A 1AA", ALDERSGATE),
    ("EC1A 1AB", ALDERSGATE),
)


@pytest.fixture(scope="module")
def ds():
    return tiny_dataset(postcodes=POSTCODES)


@pytest.mark.parametrize("typed", ["SW2 1RW", "sw21rw", "  sW2   1rw ", "SW21RW"])
def test_a_full_postcode_in_any_spacing_or_case_opens_its_ward(ds, typed):
    found = areas.find(ds, typed)
    assert found.code == BRIXTON
    assert found.message == "SW2 1RW is in Brixton Windrush ward, Lambeth."


def test_a_district_lists_its_wards_with_their_postcodes_most_first(ds):
    found = areas.find(ds, "sw2")
    assert found.code is None
    # SW2's five postcodes: Clapham Town 3, Brixton Windrush 2 (SW20's is not SW2's).
    assert found.matches == (
        (CLAPHAM, "Clapham Town (ward in Lambeth): 3 postcodes"),
        (BRIXTON, "Brixton Windrush (ward in Lambeth): 2 postcodes"),
    )
    assert found.message == (
        "The 5 postcodes in SW2 lie in 2 wards; the number in each is given. Choose one."
    )


def test_a_sector_in_one_ward_opens_it_and_says_so(ds):
    found = areas.find(ds, "SW2 2")
    assert found.code == CLAPHAM
    assert found.message == "All 2 postcodes in SW2 2 are in Clapham Town ward, Lambeth."
    assert areas.find(ds, "SE15").message == (
        "All 2 postcodes in SE15 are in Peckham ward, Southwark."
    )


def test_a_sector_typed_without_its_space_is_found(ds):
    # "SW21" is no district (none of its postcodes exist), so it is read as SW2 1.
    found = areas.find(ds, "SW21")
    assert [code for code, _ in found.matches] == [BRIXTON, CLAPHAM]
    assert found.message.startswith("The 3 postcodes in SW2 1 lie in 2 wards")


def test_a_page_that_finds_no_wards_gets_the_borough(ds):
    assert areas.find(ds, "SW2 1RW", levels=("borough",)).code == LAMBETH
    found = areas.find(ds, "SE1", levels=("borough",))
    assert found.code is not None
    assert found.message.startswith("All 2 postcodes in SE1 are in")


def test_the_city_of_london_is_said_to_be_policed_by_its_own_force(ds):
    found = areas.find(ds, "ec1a 1ab")
    assert found.code is None
    assert found.matches == ((ALDERSGATE, "Aldersgate (ward in City of London)"),)
    assert found.message == (
        "EC1A 1AB is in the City of London (Aldersgate ward). The City has its own police "
        "force, the City of London Police, so the Metropolitan Police publishes no figures "
        "for it."
    )
    district = areas.find(ds, "EC1A")
    assert district.code is None
    assert district.message.startswith("The 2 postcodes in EC1A are in the City of London.")


def test_a_postcode_outside_london_says_so(ds):
    found = areas.find(ds, "M1 1AE")
    assert (found.code, found.matches) == (None, ())
    assert found.message == (
        "M1 1AE is not a London postcode: no London postcode begins with M1. This dashboard "
        "covers London\u2019s boroughs only."
    )
    assert areas.find(ds, "OX1").message == (
        "No London postcode begins with \u201cOX1\u201d. This dashboard covers London only; "
        "check the postcode, or type the name of a borough or ward."
    )


def test_an_unknown_postcode_in_a_london_district_lists_its_sectors_wards(ds):
    found = areas.find(ds, "SW2 1ZZ")
    assert found.code is None
    assert found.message == (
        "SW2 1ZZ is not one of London\u2019s live postcodes. Check it: it may be new, no longer "
        "in use or just outside London. Postcodes in its sector, SW2 1, lie in these areas:"
    )
    assert [code for code, _ in found.matches] == [BRIXTON, CLAPHAM]


def test_a_prefix_of_districts_names_them(ds):
    assert areas.find(ds, "SW").code is None  # no digit: a name search
    found = areas.find(ds, "EC1")
    assert found.message == (
        "\u201cEC1\u201d is not a postcode district on its own: London\u2019s districts that "
        "begin with it are EC1A. Type one of them, or a whole postcode."
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("XX1", "\u201cXX1\u201d is not a UK postcode: no postcode begins with \u201cXX\u201d. "
                "Type a postcode, such as SW2 1RW, or the name of a borough or ward."),
        ("", "Type a postcode, such as SW2 1RW, or the name of a borough or ward."),
        ("   ", "Type a postcode, such as SW2 1RW, or the name of a borough or ward."),
        ("a" * 200, "That is too long to be a postcode or an area\u2019s name (200 characters). "
                    "Type a postcode, such as SW2 1RW, or the name of a borough or ward."),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message(ds, typed, message):
    found = areas.find(ds, typed)
    assert (found.code, found.matches, found.message) == (None, (), message)


def test_names_and_codes_are_still_found_first(ds):
    assert areas.find(ds, "Brixton").code == BRIXTON
    assert areas.find(ds, BRIXTON).code == BRIXTON
    assert areas.find(ds, 42).code is None


def test_a_version_without_postcodes_says_the_search_is_not_available():
    found = areas.find(tiny_dataset(), "SW2 1RW")
    assert found.code is None
    assert found.message.startswith("Postcode search is not available")


def test_the_map_opens_a_postcodes_ward_and_says_where_it_lies(ds):
    state = map_page.settle(ds, MapState())
    found = map_page.find(ds, state, "SW2 1RW")
    assert found.choice == {"changed": "find", "area": BRIXTON}
    assert found.message == "SW2 1RW is in Brixton Windrush ward, Lambeth."
    listed = map_page.find(ds, state, "SW2")
    assert [link.text for link in listed.matches] == [
        "Clapham Town (ward in Lambeth): 3 postcodes",
        "Brixton Windrush (ward in Lambeth): 2 postcodes",
    ]
    assert all(link.href.startswith("/map?") for link in listed.matches)


def test_the_profile_search_opens_a_postcodes_ward(ds):
    assert profile.search(ds, "sw2 1rw").href == f"/area/{BRIXTON}"
    answer = profile.search(ds, "SW2")
    assert [link.href for link in answer.matches] == [f"/area/{CLAPHAM}", f"/area/{BRIXTON}"]
    assert profile.search(ds, "XX1").message.startswith("\u201cXX1\u201d is not a UK postcode")
