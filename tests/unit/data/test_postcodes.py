"""Postcodes as typed, and the index of a version's postcodes, on hand-made postcodes."""

from __future__ import annotations

import pandas as pd
import pytest

from data.postcodes import (
    DISTRICT,
    PARTIAL,
    SECTOR,
    UNIT_KIND,
    PostcodeIndex,
    canonical,
    parse,
    prefix_of,
)
from tests.builders import BRIXTON, CLAPHAM, STOCKWELL, postcode_frame


@pytest.mark.parametrize(
    ("typed", "published"),
    [
        ("SW2 1RW", "SW2 1RW"),
        ("sw21rw", "SW2 1RW"),
        ("  Sw2   1rW ", "SW2 1RW"),
        ("E1W2ND", "E1W 2ND"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("E1 0AA", "E1 0AA"),
    ],
)
def test_a_full_postcode_in_any_spacing_or_case_is_its_published_form(typed, published):
    assert canonical(typed) == published
    assert parse(typed).candidates == ((UNIT_KIND, published),)


@pytest.mark.parametrize("typed", ["SW2", "SW2 1", "SW2 1R", "SW21RWX", "1SW 2RW", "", None, 42])
def test_anything_else_is_not_a_full_postcode(typed):
    assert canonical(typed) is None


def test_the_start_of_a_postcode_is_a_district_a_sector_or_part_of_a_unit():
    assert parse("sw2").candidates == ((DISTRICT, "SW2"),)
    assert parse("SW2 1").candidates == ((SECTOR, "SW2 1"),)
    assert parse("sw2 1r").candidates == ((PARTIAL, "SW2 1R"),)
    assert parse("EC2V").candidates == ((DISTRICT, "EC2V"),)


def test_typed_without_its_space_a_district_comes_before_a_sector():
    # E14 is a district; "E1 4" is a sector of E1: the index takes the first it holds.
    assert parse("E14").candidates == ((DISTRICT, "E14"), (SECTOR, "E1 4"))
    assert parse("SW21").candidates == ((DISTRICT, "SW21"), (SECTOR, "SW2 1"))
    assert parse("SW21R").candidates == ((PARTIAL, "SW2 1R"),)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("XX1", "\u201cXX1\u201d is not a UK postcode: no postcode begins with \u201cXX\u201d."),
        ("q1 1aa",
         "\u201cQ1 1AA\u201d is not a UK postcode: no postcode begins with \u201cQ\u201d."),
    ],
)  # fmt: skip
def test_an_area_no_postcode_has_is_not_a_uk_postcode(typed, words):
    query = parse(typed)
    assert query.candidates == ()
    assert query.problem == words


def test_a_shape_no_postcode_has_is_refused_with_what_one_looks_like():
    assert parse("SW 2").candidates == ((DISTRICT, "SW2"),)  # spacing does not matter
    query = parse("E1AA")  # no district ends in two letters, and no sector starts with one
    assert query.candidates == ()
    assert "a full postcode looks like SW2 1RW" in query.problem


@pytest.mark.parametrize(
    "typed", ["Brixton", "Clapham Town", "E05000001", "ABC1", "1 Acre Lane", "SW2-1RW", "é1", ""]
)
def test_names_codes_and_long_text_are_not_read_as_postcodes(typed):
    assert parse(typed) is None


def _index() -> PostcodeIndex:
    return PostcodeIndex(
        postcode_frame(
            [
                ("SW2 1RW", BRIXTON),
                ("SW2 1AA", BRIXTON),
                ("SW2 1AB", CLAPHAM),
                ("SW2 2AA", CLAPHAM),
                ("SW2 2AB", CLAPHAM),
                ("SW20 0AA", STOCKWELL),
                ("SW1A 1AA", STOCKWELL),
            ]
        )
    )


def test_a_unit_is_found_with_its_ward_borough_and_point():
    index = _index()
    place = index.place("sw2 1ab")
    assert (place.postcode, place.ward_code, place.borough_code) == ("SW2 1AB", CLAPHAM,
                                                                     "E09000022")  # fmt: skip
    assert place.quality == 10
    assert index.place("SW2 1ZZ") is None
    assert index.place("not one") is None
    assert PostcodeIndex().place("SW2 1RW") is None


def test_a_district_counts_its_own_units_and_not_a_longer_districts():
    index = _index()
    # SW2's five units: Brixton 2, Clapham 3; SW20's unit is not SW2's.
    assert index.ward_counts(prefix_of(DISTRICT, "SW2")) == ((CLAPHAM, 3), (BRIXTON, 2))
    assert index.count(prefix_of(DISTRICT, "SW2")) == 5
    assert index.ward_counts(prefix_of(SECTOR, "SW2 1")) == ((BRIXTON, 2), (CLAPHAM, 1))
    assert index.ward_counts(prefix_of(PARTIAL, "SW2 1R")) == ((BRIXTON, 1),)
    assert index.ward_counts("SW3 ") == ()
    assert index.count("SW2") == 6  # without the space, SW20 is included


def test_equal_counts_are_listed_by_ward_code():
    index = PostcodeIndex(postcode_frame([("E1 1AA", STOCKWELL), ("E1 1AB", BRIXTON)]))
    assert index.ward_counts("E1 ") == ((BRIXTON, 1), (STOCKWELL, 1))


def test_the_districts_that_begin_with_a_prefix():
    assert _index().districts("SW") == ("SW1A", "SW2", "SW20")
    assert _index().districts("EC2") == ()


def test_every_unit_with_its_ward_in_order():
    index = _index()
    assert len(index) == 7
    assert list(index.units()) == sorted(index.units())
    assert dict(zip(index.units(), index.wards(), strict=True))["SW20 0AA"] == STOCKWELL


def test_a_unit_without_a_point_is_still_found():
    frame = postcode_frame([("SW2 1RW", BRIXTON)])
    frame[["easting", "northing"]] = float("nan")
    place = PostcodeIndex(frame).place("SW2 1RW")
    assert place.ward_code == BRIXTON
    assert pd.isna(place.easting)
