"""The verdicts on the real data (latest 12 months to February 2026), worked out from
the raw knife file with scipy and statsmodels, as a statistician reviewing the site
would: funnel limits, change tests, outcome intervals and survey tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from data import change, funnel, perception, profiles, queries, stats
from presenters import map as map_page
from presenters import profile as profile_page

WESTMINSTER = "E09000033"
LAMBETH = "E09000022"
BRIXTON_WINDRUSH = "E05014098"
ABBEY_BD = "E05014053"


@pytest.fixture(scope="module")
def knife_raw(raw_dir) -> pd.DataFrame:
    raw = pd.read_parquet(raw_dir / "mps_knife_crime/monthly-crime-dashboard.parquet")
    raw = raw[(raw["crime_subtype"] == "Knife Crime") & (raw["measure"] == "Offences")]
    return raw.assign(code=raw["area_code"].str.strip())


def monthly(knife_raw: pd.DataFrame, area_type: str) -> pd.DataFrame:
    """Areas x the 24 months to February 2026, from the raw file alone."""
    rows = knife_raw[(knife_raw["area_type"] == area_type)
                     & (knife_raw["month_year"] >= "2024-03-01")]  # fmt: skip
    table = rows.pivot_table(index="code", columns="month_year", values="count", aggfunc="sum")
    return table.fillna(0)


# --- funnel plots -------------------------------------------------------------------


def test_boroughs_outside_the_poisson_limits_and_the_overdispersed_ones(dataset):
    found = funnel.area_funnel(dataset, "knife_crime", "borough", "r12")
    # 25 of 32 boroughs are outside limits that chance alone should leave to 0.06 of
    # them; Spiegelhalter's factor (z-scores Winsorised at 10% each end) is about 50.
    assert found.outside(poisson=True) == 25
    assert found.overdispersion.phi == pytest.approx(49.5, abs=0.5)
    points = found.points.set_index("code")
    outside = points.index[points["position"].isin([funnel.ABOVE_998, funnel.BELOW_998])]
    assert list(outside) == [WESTMINSTER]


def test_wards_outside_the_poisson_limits_and_the_overdispersed_ones(dataset):
    found = funnel.area_funnel(dataset, "knife_crime", "ward", "r12")
    assert found.outside(poisson=True) == 176
    assert found.overdispersion.phi == pytest.approx(4.86, abs=0.05)
    assert found.outside() == 29
    assert found.outside(0.95) == 56
    # Every ward outside the adjusted limits is outside the Poisson ones too.
    points = found.points
    adjusted = set(points.loc[points["position"] == funnel.ABOVE_998, "code"])
    poisson = set(points.loc[points["position_poisson"] == funnel.ABOVE_998, "code"])
    assert adjusted <= poisson


def test_a_profile_says_what_the_limits_allow_for(dataset):
    note = profile_view(dataset, WESTMINSTER).funnel_note
    assert "is above the 99.8% limit" in note
    assert "even allowing for the usual differences between areas" in note
    assert "Against limits for chance alone 25 of the 32 would be outside" in note


# --- change ---------------------------------------------------------------------------


# Wards with events in a single month fit perfectly (no residual df): statsmodels warns.
@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:The design matrix is rank")
def test_the_dispersion_of_each_level_is_statsmodels_pooled_pearson(dataset, knife_raw):
    design = pd.DataFrame({"now": [0.0] * 12 + [1.0] * 12, "month": list(range(12)) * 2})
    design = pd.get_dummies(design, columns=["month"], drop_first=True, dtype=float)
    design.insert(0, "const", 1.0)
    wards = monthly(knife_raw, "Safer Neighbourhood Teams")
    wards = wards[wards.index.isin(dataset.areas.index[dataset.areas["level"] == "ward"])]
    chi2 = df = 0.0
    for counts in wards.to_numpy():
        if counts[:12].sum() == 0 or counts[12:].sum() == 0:
            continue  # no spread to measure (and the GLM cannot be fitted)
        months = counts[:12] + counts[12:]
        keep = np.concatenate([months > 0, months > 0])
        fit = sm.GLM(counts[keep], design[keep].loc[:, lambda d: d.any()],
                     family=sm.families.Poisson()).fit()  # fmt: skip
        chi2 += fit.pearson_chi2
        df += fit.df_resid
    view = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12")
    assert view.dispersion.factor == pytest.approx(chi2 / df, rel=1e-6)
    assert view.dispersion.factor == pytest.approx(1.22, abs=0.01)
    boroughs = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12")
    assert boroughs.dispersion.factor == pytest.approx(1.58, abs=0.01)
    london = queries.london_headline(dataset, "knife_crime", "r12")
    assert london["dispersion"].factor == pytest.approx(5.0, abs=0.05)
    assert london["verdict"] == "down 18%, a statistically significant fall"
    assert london["rate_ratio_words"] == "down 18%, 95% interval 13% to 22% down"


def profile_view(dataset, code: str):
    return profile_page.view(dataset, profile_page.ProfileState(area=code))


def test_brixton_windrush_halved_and_its_own_profile_says_so(dataset):
    # 69 offences to 35: exact Poisson p = 0.001; allowing for overdispersion about
    # 0.003. Its profile gives its own verdict; the ward map (679 wards at once) does not.
    text = " ".join(p.text for p in profile_view(dataset, BRIXTON_WINDRUSH).summary)
    assert "there were 35 knife crime offences in Brixton Windrush" in text
    assert (
        "down 49% on the 12 months before (95% interval 19% to 69% down), a statistically "
        "significant fall"
    ) in text
    row = queries.map_values(dataset, measure="knife_crime", level="ward",
                             period="r12").by_code.loc[BRIXTON_WINDRUSH]  # fmt: skip
    assert row["verdict"] == "down 49%, not a statistically significant change"
    assert row["p_value"] == pytest.approx(
        float(stats.quasi_poisson_change(35, 69, row["dispersion"]).p)
    )
    assert sps.binomtest(35, 104).pvalue == pytest.approx(0.0011, abs=1e-4)


def test_many_wards_judged_at_once_use_q_and_single_wards_their_own_p(dataset):
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    ok = frame[frame["status"] == queries.OK]
    own = (ok["p_value"] < 0.05).sum()
    many = (ok["q_value"] < 0.05).sum()
    assert own > 20  # about 56 wards changed by their own tests
    assert many < own
    assert (ok["verdict"].str.contains("statistically significant (?:rise|fall)")
            == (ok["q_value"] < 0.05) & (ok["count"] != ok["previous"])).all()  # fmt: skip


def test_a_wards_change_set_against_the_rest_of_london(dataset):
    found = change.against_london(dataset, "knife_crime", "ward", "r12")
    row = found.frame.set_index("code").loc[BRIXTON_WINDRUSH]
    assert (row["count"], row["previous"]) == (35, 69)
    assert row["rest"] == 13_552 - 35
    assert row["relative"] == pytest.approx((35 / 69) / ((13_552 - 35) / (16_429 - 69)))
    assert found.london_ratio == pytest.approx(13_552 / 16_429)


# --- outcomes and the map CSV -----------------------------------------------------------


def test_positive_outcome_intervals_are_exact_and_never_leave_0_to_100(dataset):
    rates = profiles.outcome_rates(dataset, profiles.area_facts(dataset, LAMBETH))
    with_interval = rates[rates["no_interval"] == ""]
    assert {"Knife crime", "Knife crime with injury"} <= set(with_interval["measure"])
    for row in rates.itertuples():
        if row.no_interval:  # robbery's few outcomes: no interval, and the reason
            assert min(row.outcomes, row.offences) < 10
            assert np.isnan(row.low)
            continue
        ci = sps.binomtest(row.outcomes, row.offences).proportion_ci(method="exact")
        assert (row.low, row.high) == pytest.approx((ci.low * 100, ci.high * 100))
    abbey = profiles.outcome_rates(dataset, profiles.area_facts(dataset, ABBEY_BD))
    assert abbey["low"].isna().all()
    assert set(abbey["no_interval"]) == {"fewer than 10 positive outcomes",
                                        "fewer than 10 offences"}  # fmt: skip
    view = profile_view(dataset, ABBEY_BD)
    text = " ".join(p.text for p in view.outcomes) + " ".join(
        " ".join(row) for row in view.outcomes_table.texts()
    )
    assert "no interval: fewer than 10" in text
    assert "nan" not in text


def test_the_map_csv_leaves_the_low_count_flag_blank_where_there_is_no_figure(dataset):
    state = map_page.settle(dataset, map_page.MapState(measure="knife_crime", level="borough",
                                                       table=True))  # fmt: skip
    model = map_page.view(dataset, state).table
    rows = {r[0]: dict(zip(model.headings, r, strict=True)) for r in model.texts()}
    city = rows["City of London"]
    assert city["Offences"] == "not covered"
    assert city["Reliability"] == ""
    assert {r["Reliability"] for r in rows.values()} <= {"", "Fewer than 10 offences: unreliable"}


# --- the survey -------------------------------------------------------------------------


def test_londons_good_job_47_against_49_is_not_called_a_significant_fall(dataset):
    measure = next(m for m in perception.survey_measures(dataset) if m.name == '"Good Job" local')
    london = perception.area_trend(dataset, measure, "E12000007").set_index("quarter_end")
    latest = london.loc[pd.Timestamp("2023-12-31")]
    assert (latest["proportion"], latest["year_before"]) == (0.47, 0.49)
    assert latest["change_p"] > 0.05
    assert latest["change_words"].endswith("not a statistically significant change")
