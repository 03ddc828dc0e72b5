"""The visitor-area rule, its caveat and the rate per workday population, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data import queries, visitors
from tests.unit.data.small_dataset import LAMBETH, SOUTHWARK, W1, W2, W3, small_dataset


@pytest.mark.parametrize(
    ("workday", "residents", "flagged"),
    [
        (1500, 1000, True),  # exactly 1.5 times: flagged
        (1499, 1000, False),
        (92_141, 8_580, True),
        (100, 0, False),  # no residents: no ratio, no flag
        (float("nan"), 1000, False),
    ],
)
def test_the_rule(workday, residents, flagged):
    assert visitors.is_visitor_area(workday, residents) is flagged


def test_the_rule_on_a_workday_table():
    table = pd.DataFrame(
        {
            "area_code": ["A", "B", "C"],
            "residents": [1000, 1000, 0],
            "workday_population": [1500.0, 1499.0, 10.0],
        }
    )
    assert visitors.visitor_flags(table).to_dict() == {"A": True, "B": False, "C": False}


def test_the_caveat_is_written_from_the_areas_own_figures():
    borough = visitors.caveat_text("Westminster", "borough", 204_235, 367_509, estimated=False)
    assert borough.startswith(
        "Westminster: 367,509 people are here on a working day against 204,235 residents, "
        "1.8 times as many (Census 2021 workday population)."
    )
    assert "overstates the risk" in borough
    assert "rate per 1,000 workday population is given beside it" in borough
    ward = visitors.caveat_text("West End", "ward", 10_645, 66_386.08, estimated=True)
    assert ward.startswith(
        "West End: about 66,400 people are here on a working day against 10,645 residents, "
        "6.2 times as many (Census 2021 workday population, estimated for the ward from its "
        "MSOAs)."
    )


def test_flagged_covered_areas_get_the_caveat_and_others_keep_theirs():
    areas = pd.DataFrame(
        {
            "code": ["A", "B", "C"],
            "name": ["Busy", "Quiet", "Not policed"],
            "level": ["ward", "ward", "ward"],
            "covered": [True, True, False],
            "caveat": [None, None, "Policed by someone else."],
        }
    )
    workday = pd.DataFrame(
        {
            "area_code": ["A", "B", "C"],
            "residents": [100, 100, 100],
            "workday_population": [250.0, 120.0, 900.0],
            "estimated": [True, True, True],
        }
    )
    out = visitors.with_visitor_caveats(areas, workday).set_index("code")["caveat"]
    assert out["A"].startswith("Busy: about 300 people are here")
    assert not isinstance(out["B"], str)
    assert out["C"] == "Policed by someone else."


def test_the_map_values_carry_the_workday_population_and_rate():
    ds = small_dataset()
    frame = queries.map_values(ds, measure="knife_crime", level="ward", period="r12").by_code
    for column in visitors.VISITOR_COLUMNS:
        assert column in frame.columns
    # W1: 72 offences over 12 months, 400 residents, 1,000 workday population.
    assert frame.loc[W1, "count"] == 72
    assert frame.loc[W1, "rate"] == pytest.approx(72 / 400 * 1000)
    assert frame.loc[W1, "workday_rate"] == pytest.approx(72 / 1000 * 1000)
    assert frame.loc[W1, "workday_ratio"] == pytest.approx(2.5)
    assert frame.loc[W1, "visitor_flag"]
    assert frame.loc[W1, "caveat"].startswith("Ward One: about 1,000 people")
    # W2 is not a visitor area but still has its workday rate: no gap at the threshold.
    assert not frame.loc[W2, "visitor_flag"]
    assert frame.loc[W2, "workday_rate"] == pytest.approx(36 / 600 * 1000)
    assert not isinstance(frame.loc[W2, "caveat"], str)
    assert not frame.loc[W3, "visitor_flag"]
    boroughs = queries.map_values(ds, measure="knife_crime", level="borough", period="r12")
    b = boroughs.by_code
    assert b.loc[LAMBETH, "visitor_flag"]
    assert not b.loc[SOUTHWARK, "visitor_flag"]
    assert b.loc[LAMBETH, "workday_rate"] == pytest.approx(120 / 1600 * 1000)


def test_without_a_workday_population_nothing_is_flagged():
    ds = small_dataset(with_workday=False)
    frame = queries.map_values(ds, measure="knife_crime", level="ward", period="r12").frame
    assert not frame["visitor_flag"].any()
    assert frame["workday_population"].isna().all()
    assert frame["workday_rate"].isna().all()
    assert visitors.about_caveat(ds) is None


def test_flagged_areas_and_the_about_text():
    ds = small_dataset()
    wards = visitors.flagged_areas(ds, "ward")
    assert wards["code"].tolist() == [W1]
    assert wards["workday_ratio"].tolist() == [2.5]
    assert visitors.flagged_areas(ds, "borough")["code"].tolist() == [LAMBETH]
    text = visitors.about_caveat(ds)
    assert text.startswith(visitors.rule_words())
    assert "Boroughs: Lambeth (E09000022), 1.6 times." in text
    assert f"Wards: Ward One ({W1}), 2.5 times." in text


def test_workday_columns_for_any_counts():
    ds = small_dataset()
    out = visitors.workday_columns(ds, [W1, W2, "E05999999"], [10, 0, 5])
    assert out.loc[W1, "workday_rate"] == pytest.approx(10.0)
    assert out.loc[W2, "workday_rate"] == 0
    assert math.isnan(out.loc["E05999999", "workday_rate"])
    assert out["visitor_flag"].tolist() == [True, False, False]
    assert out["visitor_flag"].dtype == np.bool_
