"""Postcode search on the real OS Code-Point Open file, as published by the first ingest:
every London postcode resolves to a ward that exists in the boundaries; the file's ward
codes are checked against the generalised ward polygons (the disagreements are edge
effects, and the search follows the file); the City, places outside London and bad
input get their answers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.areas import CITY_OF_LONDON_CODE
from data.postcodes import GB_AREAS
from geo.boundaries import load_wards
from geo.postcodes import check_wards
from presenters.common import areas

CODEPOINT = Path("os_codepoint_open")
# The file's own count of London postcodes (PROVENANCE.md, section 8).
LONDON_POSTCODES = 180_754


@pytest.fixture(scope="module")
def raw_file(raw_dir) -> pd.DataFrame:
    """The file as pandas reads it, apart from the dashboard's reader."""
    return pd.read_csv(raw_dir / CODEPOINT / "codepoint_open_london.csv.gz", dtype=str)


@pytest.fixture(scope="module")
def wards(raw_dir):
    return load_wards(raw_dir)


def test_every_london_postcode_resolves_to_its_ward_in_the_boundaries(dataset, raw_file, wards):
    index = dataset.postcodes
    assert len(index) == len(raw_file) == LONDON_POSTCODES
    found = dict(zip(index.units(), index.wards(), strict=True))
    expected = dict(zip(raw_file["Postcode"], raw_file["Admin_ward_code"], strict=True))
    assert found == expected
    assert set(found.values()) <= set(wards["code"])
    # One by one, as a search does, for every 50th postcode and the last.
    for postcode in [*raw_file["Postcode"].iloc[::50], raw_file["Postcode"].iloc[-1]]:
        place = index.place(postcode.lower().replace(" ", ""))
        assert place is not None, postcode
        assert place.ward_code == expected[postcode], postcode


def test_a_search_for_any_postcode_opens_its_ward_or_explains_the_city(dataset, raw_file):
    register = dataset.areas
    sample = raw_file.iloc[::97]
    for postcode, ward in zip(sample["Postcode"], sample["Admin_ward_code"], strict=True):
        found = areas.find(dataset, postcode)
        if register.loc[ward, "parent_code"] == CITY_OF_LONDON_CODE:
            assert found.code is None
            assert found.matches[0][0] == ward
            assert "City of London Police" in found.message
        else:
            assert found.code == ward, postcode
            assert found.message.startswith(f"{postcode} is in {register.loc[ward, 'name']} ward")


def test_postcodes_on_the_generalised_edges_still_resolve(dataset, wards, capsys):
    check = check_wards(dataset.tables.postcodes, wards)
    summary = check.summary()
    with capsys.disabled():
        print("\npostcode points against the generalised ward polygons:")
        for name, value in summary.items():
            print(f"  {name}: {value:,.2f}" if isinstance(value, float) else f"  {name}: {value:,}")
        print(check.disagreements.head(10).to_string(index=False))
    assert check.checked == LONDON_POSTCODES
    assert check.without_point == 0
    # Points the generalised outlines leave out (PROVENANCE.md names E1W 2ND, SE1 2AX)
    # are found by the search all the same, in the ward the file gives.
    outside = check.outside
    assert {"E1W 2ND", "SE1 2AX"} <= set(outside["postcode"])
    for postcode, ward in zip(outside["postcode"], outside["ward_code"], strict=True):
        assert areas.find(dataset, postcode).code == ward
    # Where a polygon disagrees with the file, the point lies on the file's ward's edge
    # (within 50 m of its polygon): the outlines are generalised, not the codes wrong.
    disagreements = check.disagreements
    assert 0 < len(disagreements) < LONDON_POSTCODES / 100
    assert disagreements["from_file_ward_m"].max() < 50
    for postcode, ward in zip(disagreements["postcode"].iloc[::10],
                              disagreements["ward_code"].iloc[::10], strict=True):  # fmt: skip
        found = areas.find(dataset, postcode)
        assert found.code == ward or "City of London Police" in found.message


def test_districts_and_sectors_list_the_wards_their_postcodes_lie_in(dataset, raw_file):
    in_sw2 = raw_file[raw_file["Postcode"].str.startswith("SW2 ")]
    found = areas.find(dataset, "sw2")
    counted = in_sw2["Admin_ward_code"].value_counts()
    assert [code for code, _ in found.matches] == sorted(
        counted.index, key=lambda c: (-counted[c], dataset.areas.loc[c, "name"])
    )
    for code, label in found.matches:
        assert label.endswith(f": {counted[code]:,} postcode" + ("s" if counted[code] > 1 else ""))
    assert found.message.startswith(f"The {len(in_sw2):,} postcodes in SW2 lie in {len(counted)}")
    sector = raw_file[raw_file["Postcode"].str.startswith("SW2 1")]
    assert sum(
        int(re.search(r": ([\d,]+) postcode", label)[1].replace(",", ""))
        for _, label in areas.find(dataset, "SW2 1").matches
    ) == len(sector)


def test_heathrow_the_city_and_places_outside_london(dataset):
    assert dataset.areas.loc[areas.find(dataset, "TW6 1AA").code, "name"] == "Heathrow Villages"
    city = areas.find(dataset, "EC2V 7HH")
    assert city.code is None
    assert "City of London Police" in city.message
    assert areas.find(dataset, "M1 1AE").message.startswith(
        "M1 1AE is not a London postcode: no London postcode begins with M1."
    )
    # A well-formed postcode of a London district that Code-Point Open does not list.
    units = set(dataset.postcodes.units())
    missing = next(f"SW2 1{a}{b}" for a in "ABDEFGHJLNPQRSTUWXYZ" for b in "ABDEFGHJLNPQRSTUWXYZ"
                   if f"SW2 1{a}{b}" not in units)  # fmt: skip
    assert areas.find(dataset, missing).message.startswith(
        f"{missing} is not one of London\u2019s live postcodes."
    )


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("XX1", "\u201cXX1\u201d is not a UK postcode"),
        ("", "Type a postcode, such as SW2 1RW"),
        ("x" * 200, "That is too long to be a postcode or an area\u2019s name (200 characters)"),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_real_data(dataset, typed, start):
    found = areas.find(dataset, typed)
    assert found.code is None
    assert found.matches == ()
    assert found.message.startswith(start)


def test_no_area_name_could_be_taken_for_a_postcode(dataset):
    assert not dataset.areas["name"].str.contains(r"\d").any()


def test_the_uk_postcode_areas_are_code_point_opens_own(raw_dir):
    metadata = (raw_dir / CODEPOINT / "metadata.txt").read_text(encoding="latin-1")
    listed = set(re.findall(r"^\s+([A-Z]{1,2})\t\d+$", metadata, flags=re.MULTILINE))
    assert listed == GB_AREAS


def test_the_lookup_is_fast_enough_to_time_in_the_bench(dataset):
    # The speed itself is measured by bench/postcodes.py; here only that the index is
    # an array search (its keys sorted), not a scan.
    keys = dataset.postcodes._keys
    assert keys.dtype == np.dtype("S8")
    assert bool(np.all(keys[:-1] < keys[1:]))
