"""Perception on hand-made figures (measures, words, tests) and one fact about the real
survey file that every interval rests on: its figures are rolling four-quarter ones."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from data import perception, stats
from data.areas import LONDON_CODE
from data.readers import survey
from data.readers.tables import open_table

LAMBETH, CAMDEN = "E09000022", "E09000007"


def survey_table(rows: list[tuple[str, str, str, str, float]]) -> SimpleNamespace:
    """A stand-in for a dataset with only a survey table: (date, survey, area, measure, p)."""
    frame = pd.DataFrame(rows, columns=["quarter_end", "survey", "area_code", "measure",
                                        "proportion"])  # fmt: skip
    frame["quarter_end"] = pd.to_datetime(frame["quarter_end"])
    return SimpleNamespace(tables=SimpleNamespace(survey=frame))


# --- the real file: rolling four-quarter figures --------------------------------------


def test_the_published_figures_are_rolling_four_quarter_figures(raw_dir: Path):
    """A figure over the four quarters to Q shares three quarters with the one before:
    its change from that one is (new quarter - quarter dropped) / 4, so changes four
    quarters apart share a quarter with opposite signs and are negatively correlated,
    while separate quarterly figures would show no such pattern. The sample size the
    page assumes (about 400 interviews a borough) rests on this."""
    frame = survey.read(open_table(raw_dir / "mopac_pas" / "PAS_Dashboard_Borough.csv")).frame
    frame = frame[frame["area_code"] != LONDON_CODE].sort_values("quarter_end")
    correlations = {lag: [] for lag in range(1, 6)}
    for _, series in frame.groupby(["area_code", "measure"]):
        change = series["proportion"].diff()
        for lag, found in correlations.items():
            found.append(change.autocorr(lag))
    mean = {lag: float(np.nanmean(values)) for lag, values in correlations.items()}
    assert mean[4] < -0.25
    assert all(mean[lag] > -0.05 for lag in (1, 2, 3, 5))


# --- measures ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "concern"),
    [
        ("Worried about knife crime", True),
        ("Knife crime a problem locally", True),
        ("Concern about gun crime", True),
        ("Feel safe walking alone after dark", True),
        ("Fear of being a victim of weapon crime", True),
        ("Listen to concerns", False),
        ("Trust MPS", False),
        ('"Good Job" local', False),
        ("Police have begun to engage", False),
    ],
)
def test_concern_measures_are_told_apart_by_their_names(name, concern):
    assert perception.is_concern(name) is concern


def test_measures_come_from_the_table_with_concern_first_and_unique_keys():
    ds = survey_table(
        [
            ("2023-12-31", "PAS", LAMBETH, "Trust MPS", 0.6),
            ("2023-09-30", "PAS", LAMBETH, "Trust MPS", 0.61),
            ("2023-12-31", "PAS", CAMDEN, "Trust MPS", 0.7),
            ("2023-12-31", "PAS", LAMBETH, "Trust: MPS", 0.5),
            ("2024-03-31", "PAS", LAMBETH, "Worried about knife crime", 0.3),
        ]
    )
    measures = perception._survey_measures(ds)
    assert [m.name for m in measures] == ["Worried about knife crime", "Trust MPS", "Trust: MPS"]
    assert [m.key for m in measures] == ["worried-about-knife-crime", "trust-mps", "trust-mps-2"]
    assert measures[0].group == perception.CONCERN_GROUP
    assert measures[1].group == perception.POLICE_GROUP
    assert (measures[1].first, measures[1].last) == (
        pd.Timestamp("2023-09-30"),
        pd.Timestamp("2023-12-31"),
    )
    assert measures[1].boroughs == 2


def test_a_measure_with_figures_for_the_city_alone_is_not_offered():
    ds = survey_table(
        [
            ("2023-12-31", "PAS", "E09000001", "Worried about knife crime", 0.2),
            ("2023-12-31", "PAS", LAMBETH, "Trust MPS", 0.6),
        ]
    )
    assert [m.name for m in perception._survey_measures(ds)] == ["Trust MPS"]


def test_with_two_surveys_the_key_names_the_survey_too():
    ds = survey_table(
        [
            ("2023-12-31", "PAS", LAMBETH, "Trust MPS", 0.6),
            ("2023-12-31", "User survey", LAMBETH, "Trust MPS", 0.7),
        ]
    )
    assert [m.key for m in perception._survey_measures(ds)] == [
        "pas-trust-mps",
        "user-survey-trust-mps",
    ]


def test_two_long_names_cut_to_the_same_key_are_told_apart():
    stem = "Trust the police to " + "deal with what matters locally " * 3
    ds = survey_table(
        [
            ("2023-12-31", "PAS", LAMBETH, stem + "in the daytime", 0.6),
            ("2023-12-31", "PAS", LAMBETH, stem + "at night", 0.5),
        ]
    )
    keys = [m.key for m in perception._survey_measures(ds)]
    assert keys[1] == keys[0] + "-2"
    assert all(len(k) <= perception.MAX_KEY + 2 for k in keys)


def test_slugs_are_plain_ascii():
    assert perception.slug('"Good Job" local') == "good-job-local"
    assert perception.slug("Worry: knife & gun crime (%)") == "worry-knife-gun-crime"
    assert perception.slug("!!!") == "measure"
    # A long name (the reader takes 200 characters) still fits in an address.
    long = perception.slug("Worry about " + "knife crime and gun crime " * 8)
    assert long.startswith("worry-about-knife-crime-and-gun-crime-knife")
    assert len(long) <= perception.MAX_KEY
    assert not long.endswith("-")
    assert perception.slug("x" * 150) == "x" * perception.MAX_KEY


# --- words and tests -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "before", "q", "text"),
    [
        (0.46, 0.44, 0.5, "up 2 percentage points on a year earlier (44%), not a "
                          "statistically significant change"),
        (0.40, 0.49, 0.01, "down 9 percentage points on a year earlier (49%), a "
                           "statistically significant fall"),
        (0.51, 0.50, 0.9, "up 1 percentage point on a year earlier (50%), not a "
                          "statistically significant change"),
        (0.38, 0.38, 1.0, "the same as a year earlier (38%)"),
        (0.38, np.nan, np.nan, ""),
    ],
)  # fmt: skip
def test_change_on_a_year_earlier_in_words(now, before, q, text):
    assert perception.change_words(now, before, q) == text


def test_the_comparison_with_london_only_claims_a_difference_the_test_supports():
    assert perception.versus_london_words(0.61, 0.47, 0.001) == (
        "higher than London's 47%, by more than chance would explain"
    )
    assert perception.versus_london_words(0.38, 0.47, 0.01).startswith("lower than London's")
    assert perception.versus_london_words(0.50, 0.47, 0.2) == (
        "not significantly different from London's 47%"
    )


def test_a_borough_is_compared_with_the_rest_of_london():
    # London's 12,800 interviews include the borough's 400: a borough at London's
    # figure is at the rest's too, and the test is the two-sample test against the rest.
    assert perception.versus_london_test(0.47, 0.47) == pytest.approx(1.0)
    rest = (0.47 * 12_800 - 0.61 * 400) / 12_400
    # As a simple random sample (design effect 1, no rounding) ...
    assert perception.versus_london_test(0.61, 0.47, design_effect=1.0) == pytest.approx(
        stats.two_proportion_test(0.61, 400, rest, 12_400)
    )
    # ... and, by default, with each sample worth interviews / design effect.
    d = stats.DESIGN_EFFECT
    assert perception.versus_london_test(0.61, 0.47) == pytest.approx(
        stats.two_proportion_test(0.61, 400 / d, rest, 12_400 / d)
    )
    assert perception.versus_london_test(0.61, 0.47) < 1e-4
    assert perception.versus_london_test(0.50, 0.47) > 0.2


def test_dates_a_year_apart():
    assert perception.year_later(pd.Timestamp("2022-12-31")) == pd.Timestamp("2023-12-31")
    assert perception.year_later(pd.Timestamp("2015-06-30")) == pd.Timestamp("2016-06-30")
    assert perception.quarter_label(pd.Timestamp("2023-12-31")) == "12 months to December 2023"


def test_homicide_change_compares_five_full_years_with_the_five_before():
    years = pd.DataFrame(
        {
            "year": range(2013, 2024),
            "months": [12] * 11,
            "homicide_knife": [9, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9],
        }
    )
    change = perception.homicide_change(years, "homicide_knife")
    assert (change.recent, change.earlier) == ((2019, 2023), (2014, 2018))
    assert (change.count_recent, change.count_earlier) == (35, 14)
    assert change.p_value == pytest.approx(stats.poisson_change_test(35, 14))
    assert change.verdict == stats.change_verdict(35, 14, change.p_value)
    assert perception.homicide_change(years.head(9), "homicide_knife") is None
    assert perception.homicide_change(years, "homicide_shooting") is None
    # A year the data cover only in part is left out of the comparison.
    partial = pd.concat(
        [years, pd.DataFrame({"year": [2024], "months": [3], "homicide_knife": [1]})]
    )
    assert perception.homicide_change(partial, "homicide_knife").recent == (2019, 2023)


def test_association_words_never_claim_cause():
    frame = pd.DataFrame({"name": list("abc")})
    strong = perception.Association(frame, -0.54, 0.0014, 32)
    text = perception.association_words(strong, "Trust MPS", "knife crime")
    assert text.startswith(
        "Across the 32 boroughs, those with higher rates of knife crime tended to have "
        "lower figures for Trust MPS (Spearman rank correlation -0.54, p = 0.001)."
    )
    assert "says nothing about whether one causes the other" in text
    weak = perception.Association(frame, 0.1, 0.58, 32)
    assert "no clear link" in perception.association_words(weak, "Trust MPS", "knife crime")
    none = perception.Association(frame.head(0), float("nan"), float("nan"), 2)
    assert "too few boroughs" in perception.association_words(none, "Trust MPS", "knife crime")


def test_every_borough_that_shares_the_highest_or_lowest_figure_is_named():
    frame = pd.DataFrame(
        {
            "name": ["Harrow", "Kensington and Chelsea", "Lambeth", "Croydon", "Waltham Forest",
                     "City of London"],
            "proportion": [0.61, 0.61, 0.50, 0.38, 0.38, np.nan],
            "status": ["ok", "ok", "ok", "ok", "ok", "not covered"],
        }
    )  # fmt: skip
    highest, lowest, top, bottom = perception.extremes(frame)
    assert highest == ["Harrow", "Kensington and Chelsea"]
    assert lowest == ["Croydon", "Waltham Forest"]
    assert (top, bottom) == (0.61, 0.38)
    alone = perception.extremes(frame.iloc[[2, 3]])
    assert (alone[0], alone[1]) == (["Lambeth"], ["Croydon"])
    assert perception.extremes(frame.iloc[[5]])[:2] == ([], [])


def test_a_borough_against_london_allows_for_the_rounding_of_both_figures():
    # A borough at 50% against London at 49%: they could both have been 49.5%.
    assert perception.versus_london_test(0.50, 0.49, resolution=0.005) == pytest.approx(1.0)
    # 55% against 47%: judged as if they were 54.5% and 47.5%.
    moved = perception.versus_london_test(0.545, 0.475, resolution=0.0)
    assert perception.versus_london_test(0.55, 0.47, resolution=0.005) == pytest.approx(moved)
    assert moved > perception.versus_london_test(0.55, 0.47, resolution=0.0)
