"""The JSON API's answers on a hand-made London (tests/builders.py): Brixton has 6 knife
crimes a month, Clapham 3, Stockwell 2, Peckham 4, Borough & Bankside 1, and one a
month in Lambeth is placed in no ward, over the 24 months March 2024 to February 2026."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.areas import LONDON_CODE, UNALLOCATED_CODE
from presenters import api
from presenters.api import ApiError
from tests.builders import (
    BCU,
    BRIXTON,
    CITY,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    SOUTHWARK,
    STOCKWELL,
    tiny_dataset,
)

DS = tiny_dataset(version=7)


def q(**params: str) -> dict[str, list[str]]:
    return {k.rstrip("_"): [v] for k, v in params.items()}


def refused(call, status: int, *words: str) -> str:
    with pytest.raises(ApiError) as caught:
        call()
    assert caught.value.status == status, caught.value.message
    for word in words:
        assert word in caught.value.message
    return caught.value.message


def test_every_answer_names_its_data_version():
    for answer in (api.measures(DS, {}), api.areas(DS, {}), api.index(DS, {}),
                   api.series(DS, q(measure="knife_crime", area=BRIXTON)),
                   api.versions(DS, {}, ())):  # fmt: skip
        assert answer["data_version"] == 7
        assert answer["latest_month"] == "2026-02"


def test_measures_give_their_months_by_level_or_how_they_arrive():
    found = {m["id"]: m for m in api.measures(DS, {})["data"]}
    knife = found["knife_crime"]
    assert {
        p["level"]: (p["first_month"], p["last_month"]) for p in knife["published"]
    } == dict.fromkeys(("london", "bcu", "borough", "ward"), ("2024-03", "2026-02"))
    assert knife["unit"] == "offences"
    assert knife["arrival"] is None
    assert found["knife_crime_outcomes"]["outcome_of"] == "knife_crime"
    gun = found["gun_crime"]
    assert gun["published"] == []
    assert "upload" in gun["arrival"]


def test_areas_of_a_borough_with_their_populations():
    wards = api.areas(DS, q(level="ward", parent=LAMBETH))["data"]
    assert [(a["code"], a["population"], a["population_0_24"]) for a in wards] == [
        (BRIXTON, 15_000, 4_000), (CLAPHAM, 12_000, 3_000), (STOCKWELL, 10_000, 2_500)
    ]  # fmt: skip
    assert {a["parent_code"] for a in wards} == {LAMBETH}


def test_areas_inside_a_bcu_are_its_boroughs_and_their_wards_not_the_city():
    inside = {a["code"] for a in api.areas(DS, q(parent=BCU))["data"]}
    assert {LAMBETH, SOUTHWARK, BRIXTON, PECKHAM} <= inside
    assert CITY not in inside
    assert BCU not in inside
    boroughs = api.areas(DS, q(level="borough"))["data"]
    city = next(a for a in boroughs if a["code"] == CITY)
    assert city["covered"] is False


def test_a_ward_series_lists_every_month_with_its_count():
    data = api.series(DS, q(measure="knife_crime", area=BRIXTON))["data"]
    assert data["area"] == {"code": BRIXTON, "name": "Brixton Windrush", "level": "ward"}
    assert len(data["months"]) == 24
    assert data["months"][0] == {"month": "2024-03", "value": 6}
    assert data["total"] == 6 * 24


def test_a_borough_holds_its_unplaced_offences_and_london_every_borough():
    lambeth = api.series(DS, q(measure="knife_crime", area=LAMBETH))["data"]
    assert {m["value"] for m in lambeth["months"]} == {6 + 3 + 2 + 1}
    london = api.series(DS, q(measure="knife_crime", area=LONDON_CODE))["data"]
    assert {m["value"] for m in london["months"]} == {12 + 4 + 1}
    unplaced = api.series(DS, q(measure="knife_crime", area=UNALLOCATED_CODE, level="ward"))
    assert unplaced["data"]["total"] == 24


def test_from_and_to_cut_the_months_and_the_path_form_is_the_same():
    cut = api.series(DS, q(measure="knife_crime", area=PECKHAM, from_="2025-03", to="2026-02"))
    assert [m["month"] for m in cut["data"]["months"]][::11] == ["2025-03", "2026-02"]
    assert cut["data"]["total"] == 12 * 4
    by_path = api.series(DS, q(from_="2025-03", to="2026-02"),
                         {"measure": "knife_crime", "area": PECKHAM})  # fmt: skip
    assert by_path == cut


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"measure": ["knife_crime"], "area": ["E09999999"]}, 404, ("no area",)),
        ({"measure": ["no_such"], "area": [BRIXTON]}, 404, ("no measure",)),
        ({"measure": ["Knife Crime!"], "area": [BRIXTON]}, 400, ("not a measure id",)),
        ({"measure": ["knife_crime"], "area": [CITY]}, 404, ("not covered", "not zero")),
        ({"measure": ["gun_crime"], "area": [BRIXTON]}, 404, ("no published figures",)),
        ({"measure": ["knife_crime"]}, 400, ("give an area",)),
        ({"area": [BRIXTON]}, 400, ("give a measure",)),
        ({"measure": ["knife_crime", "gun_crime"], "area": [BRIXTON]}, 400, ("2 times",)),
        ({"measure": ["knife_crime"], "area": [BRIXTON], "form": ["2025-01"]}, 400,
         ("unknown parameter 'form'",)),
        ({"measure": ["knife_crime"], "area": [BRIXTON], "from": ["2025-13"]}, 400,
         ("not a month",)),
        ({"measure": ["knife_crime"], "area": [BRIXTON], "from": ["2026-01"],
          "to": ["2025-01"]}, 400, ("after",)),
        ({"measure": ["knife_crime"], "area": [BRIXTON], "level": ["borough"]}, 400,
         ("is a ward, not a borough",)),
        ({"measure": ["knife_crime"], "area": [UNALLOCATED_CODE]}, 400, ("needs a level",)),
        ({"measure": ["knife_crime"], "area": ["x" * 500]}, 400, ("not a value",)),
        ({"measure": ["knife_crime"], "area": ["E05\x00"]}, 400, ("not a value",)),
        ({"measure": ["knife_crime"], "area": ["<script>"]}, 400, ("not an area code",)),
    ],
)  # fmt: skip
def test_bad_series_requests_say_what_is_wrong(params, status, words):
    refused(lambda: api.series(DS, params), status, *words)


def test_bad_area_requests_say_what_is_wrong():
    refused(lambda: api.areas(DS, q(level="county")), 400, "not a level")
    refused(lambda: api.areas(DS, q(parent="E09999999")), 404, "no area")
    refused(lambda: api.areas(DS, q(levle="ward")), 400, "takes level, parent")
    refused(lambda: api.measures(DS, q(level="ward")), 400, "takes no parameters")


@given(
    st.dictionaries(
        st.sampled_from(["measure", "area", "level", "from", "to", "parent", "x"]),
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        "knife_crime",
                        "gun_crime",
                        BRIXTON,
                        LAMBETH,
                        CITY,
                        UNALLOCATED_CODE,
                        "ward",
                        "lsoa",
                        "2025-01",
                        "2024-02",
                        "",
                    ]
                ),
                st.text(max_size=30),
            ),
            min_size=1,
            max_size=2,
        ),
        max_size=5,
    )
)
def test_no_query_is_answered_with_anything_but_json_or_an_api_error(query):
    for call in (api.series, api.areas, api.measures):
        try:
            answer = call(DS, query)
        except ApiError as exc:
            status, message = exc.status, exc.message
        else:
            status, message = 200, str(answer["data_version"])
        assert status in (200, 400, 404)
        assert message
