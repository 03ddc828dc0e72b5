"""The perception page on the real published data: its presenter, and its callback
called as a plain function, checked against the raw files worked through from scratch."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dash import no_update
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from callbacks import area_panels
from callbacks import perception as callback
from data import perception
from data.areas import BOROUGHS, CITY_OF_LONDON_CODE, LONDON_CODE, MPS_BOROUGHS, borough_code
from presenters import perception as presenter
from presenters.perception import PerceptionState
from tests.components import text_of

LAMBETH = "E09000022"
WESTMINSTER = "E09000033"
RICHMOND = "E09000027"
ABBEY_BD = "E05014053"
HACKNEY = "E09000012"  # a ward of Barking and Dagenham
GOOD_JOB = '"Good Job" local'
DECEMBER_2023 = pd.Timestamp("2023-12-31")


@pytest.fixture(scope="module")
def raw_survey(raw_dir: Path) -> pd.DataFrame:
    """The borough sheet read with nothing but pandas: decimal commas, day-first dates."""
    frame = pd.read_csv(raw_dir / "mopac_pas/PAS_Dashboard_Borough.csv", usecols=range(6))
    frame["p"] = frame["Proportion"].str.replace(",", ".").astype(float)
    frame["london"] = frame["MPS"].str.replace(",", ".").astype(float)
    frame["date"] = pd.to_datetime(frame["Date"], format="%d/%m/%Y")
    frame["code"] = frame["Borough"].map(borough_code)
    return frame


@pytest.fixture(scope="module")
def raw_total(raw_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(raw_dir / "mopac_pas/PAS_Total.csv", sep=";")
    frame["p"] = frame["Proportion"].str.replace(",", ".").astype(float)
    frame["date"] = pd.to_datetime(frame["Date"], format="%d/%m/%Y")
    return frame


@pytest.fixture(scope="module")
def raw_knife(raw_dir: Path) -> pd.DataFrame:
    raw = pd.read_parquet(raw_dir / "mps_knife_crime/monthly-crime-dashboard.parquet")
    return raw[
        (raw["area_type"] == "Borough")
        & (raw["crime_subtype"] == "Knife Crime")
        & (raw["measure"] == "Offences")
    ].assign(code=lambda f: f["area_code"].str.strip())


@pytest.fixture(scope="module")
def residents(raw_dir: Path) -> pd.Series:
    census = pd.read_csv(raw_dir / "ons_census2021/census2021-ts007a-ltla.csv")
    return census.set_index("geography code")["Age: Total"]


def state(dataset, **chosen) -> PerceptionState:
    return presenter.settle(dataset, PerceptionState.from_query(chosen))


def view(dataset, url: str | None = "/geo/boroughs.json", **chosen) -> presenter.PerceptionView:
    return presenter.view(dataset, state(dataset, **chosen), url)


def texts(paras) -> str:
    return " ".join(p.text for p in paras)


def by_name(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t["name"] == name)


def good_job(dataset) -> perception.SurveyMeasure:
    return next(m for m in perception.survey_measures(dataset) if m.name == GOOD_JOB)


# The stated survey assumptions (METHODS.md, section 5): each interview is worth
# 1 / 1.5 of an independent answer, and figures are published to whole points.
DESIGN_EFFECT = 1.5
HALF_POINT = 0.005


def wilson(p: float, n: int) -> tuple[float, float]:
    """Wilson limits (statsmodels) on n / design effect interviews, from the lowest and
    the highest value the published figure could have been rounded from."""
    effective = n / DESIGN_EFFECT
    low, _ = proportion_confint((p - HALF_POINT) * effective, effective, method="wilson")
    _, high = proportion_confint((p + HALF_POINT) * effective, effective, method="wilson")
    return low, high


def versus_rest_of_london(p: float, london: float) -> float:
    """The borough's 400 interviews against London's other 12,400 (each divided by the
    design effect), with the two published figures first moved half a point towards
    each other: the least favourable values they could have been rounded from."""
    step = min(HALF_POINT, abs(p - london) / 2) * np.sign(p - london)
    borough, whole = p - step, london + step
    rest = (whole * 12_800 - borough * 400) / 12_400
    n = np.array([400, 12_400]) / DESIGN_EFFECT
    if borough == rest:
        return 1.0
    return proportions_ztest(np.array([borough, rest]) * n, n)[1]


# --- the state in the URL -------------------------------------------------------------


def test_the_default_view_is_londons_confidence_beside_knife_crime(dataset):
    assert state(dataset) == PerceptionState(
        "good-job-local", LONDON_CODE, "2023-12", "knife_crime"
    )


def test_unknown_choices_fall_back_and_a_link_reopens_the_same_view(dataset):
    chosen = state(dataset, measure="trust-mps", area=LAMBETH, quarter="2016-03",
                   crime="possession_of_weapons")  # fmt: skip
    assert chosen == PerceptionState("trust-mps", LAMBETH, "2016-03", "possession_of_weapons")
    assert presenter.settle(dataset, PerceptionState.from_query(chosen.search())) == chosen
    # Trust MPS begins in March 2016: an earlier quarter falls back to the latest.
    assert state(dataset, measure="trust-mps", quarter="2015-03").quarter == "2023-12"
    wrong = state(dataset, measure="nope", area=CITY_OF_LONDON_CODE, crime="gun_crime")
    assert wrong == state(dataset)
    assert state(dataset, borough=LAMBETH).area == LAMBETH


def test_the_choices_list_every_measure_borough_and_period(dataset):
    selects = {s.name: s for s in presenter.controls(dataset, state(dataset)).selects}
    assert len(selects["measure"].options) == 8
    areas = selects["area"].options
    assert areas[0].label == "London as a whole"
    assert len([a for a in areas if a.group == "Boroughs"]) == 32  # no City of London
    assert len(selects["quarter"].options) == 37
    crimes = [o.value for o in selects["crime"].options]
    assert crimes[0] == "knife_crime"
    assert "possession_of_weapons" in crimes
    assert not any(c.startswith(("gun", "homicide")) for c in crimes)  # no data / own section


def test_the_page_says_plainly_that_no_concern_measure_is_published(dataset):
    assert "no question about worry over knife or gun crime" in texts(view(dataset).message)
    assert texts(presenter.view(None, PerceptionState()).message) == (
        "No data has been published yet."
    )


def test_the_callback_draws_the_address_and_writes_a_choice_back(dataset):
    shown = callback.show(dataset, f"?area={LAMBETH}", geojson_url="/geo/boroughs.json")
    assert shown["search"] is no_update  # an address is read, never written back
    assert shown["hidden"] is False
    assert shown["trend_heading"] == '"Good Job" local in Lambeth, against London'
    fieldset = shown["controls"]
    selects = {f.children[1].id: f.children[1] for f in fieldset.children[1:]}
    assert list(selects) == ["perception-measure", "perception-area", "perception-quarter",
                             "perception-crime"]  # fmt: skip
    assert fieldset.to_plotly_json()["props"]["data-store"] == "perception-choice"
    assert shown["map_fit"] == {"url": "/geo/boroughs.json", "codes": None,
                                "pad": presenter.MAP_PAD}  # fmt: skip
    assert (
        '"caption":"\\"Good Job\\" local in Lambeth, by 12-month period"'
        in (shown["trend_table"].to_plotly_json()["props"]["data-table"])
    )
    choice = {"changed": "measure", "measure": "trust-mps", "area": LAMBETH,
              "quarter": "2023-12", "crime": "knife_crime"}  # fmt: skip
    chosen = callback.show(dataset, f"?area={LAMBETH}", choice, from_choice=True)
    assert chosen["search"] == (
        f"?measure=trust-mps&area={LAMBETH}&quarter=2023-12&crime=knife_crime"
    )
    assert chosen["map"] == {}  # no boundaries given: the map's table remains
    nothing = callback.show(None, "")
    assert nothing["hidden"] is True
    assert text_of(nothing["message"]) == "No data has been published yet."


def test_a_borough_picked_on_a_chart_is_written_to_the_address(dataset):
    search = f"?measure=trust-mps&area={LAMBETH}&quarter=2023-12&crime=knife_crime"
    picked = callback.borough_search(dataset, search, {"points": [{"location": HACKNEY}]})
    assert picked == search.replace(LAMBETH, HACKNEY)
    city = {"points": [{"location": CITY_OF_LONDON_CODE}]}
    assert callback.borough_search(dataset, search, city) is no_update


# --- over time --------------------------------------------------------------------


def test_the_trend_is_the_files_figures_with_wilson_intervals_and_london(
    dataset, raw_survey, raw_total
):
    got = view(dataset, measure="trust-mps", area=LAMBETH).trend
    raw = raw_survey[(raw_survey["code"] == LAMBETH) & (raw_survey["Measure"] == "Trust MPS")]
    raw = raw.sort_values("date")
    london = raw_total[raw_total["Measure"] == "Trust MPS"].set_index("date")["p"]
    band, line, london_line = got.figure["data"]
    assert line["x"] == [f"{d:%Y-%m-%d}" for d in raw["date"]]
    assert line["y"] == pytest.approx(list(raw["p"] * 100))
    assert london_line["y"] == pytest.approx(list(london.reindex(raw["date"]) * 100))
    last = raw.iloc[-1]
    low, high = wilson(last["p"], 400)
    assert band["y"][len(raw) - 1] == pytest.approx(high * 100)
    assert band["y"][len(raw)] == pytest.approx(low * 100)
    headline = got.summary[0].text
    assert headline.startswith(
        f"Trust MPS, 12 months to December 2023: {last['p']:.0%} in Lambeth (95% interval "
        f"{low:.0%} to {high:.0%});"
    )
    year_before = raw.loc[raw["date"] == "2022-12-31", "p"].iloc[0]
    assert f"on a year earlier ({year_before:.0%})" in headline
    assert len(got.table.rows) == len(raw)
    assert got.table.column_values("Lambeth") == pytest.approx(list(raw["p"][::-1] * 100))


def test_london_alone_has_its_own_line_and_narrower_interval(dataset, raw_total):
    got = view(dataset).trend
    band, line = got.figure["data"]
    raw = raw_total[raw_total["Measure"] == GOOD_JOB].sort_values("date")
    assert line["y"] == pytest.approx(list(raw["p"] * 100))
    low, high = wilson(raw["p"].iloc[-1], 12_800)
    assert (band["y"][len(raw)], band["y"][len(raw) - 1]) == pytest.approx((low * 100, high * 100))
    assert got.heading == f"{GOOD_JOB} in London"


# --- the map ----------------------------------------------------------------------


def test_the_map_shows_every_boroughs_figure_and_outlines_those_unlike_london(dataset, raw_survey):
    got = view(dataset).map
    raw = raw_survey[(raw_survey["Measure"] == GOOD_JOB) & (raw_survey["date"] == DECEMBER_2023)]
    raw = raw.set_index("code")
    figures = by_name(got.figure, "figures")
    shown = dict(zip(figures["locations"], figures["z"], strict=True))
    assert shown == pytest.approx((raw["p"] * 100).round().to_dict())
    not_covered = by_name(got.figure, "not covered")
    assert not_covered["locations"] == [CITY_OF_LONDON_CODE]
    assert "Not in the survey" in not_covered["hovertemplate"]
    p = raw.apply(lambda r: versus_rest_of_london(r["p"], r["london"]), axis=1)
    q = pd.Series(sps.false_discovery_control(p.to_numpy()), index=p.index)
    outlined = by_name(got.figure, "unlike London")["locations"]
    assert sorted(outlined) == sorted(q[q < 0.05].index)
    assert 0 < len(outlined) < 32
    summary = texts(got.summary)
    higher = int(((q < 0.05) & (raw["p"] > raw["london"])).sum())
    assert f"{higher} of 32 boroughs are higher than London" in summary
    # The key's five classes account for every borough.
    counts = [int(i.text.split("(")[1].split()[0]) for i in got.key.items if "borough" in i.text]
    assert len(counts) == 5
    assert sum(counts) == 32


def test_boroughs_that_share_the_highest_or_lowest_figure_are_all_named(dataset, raw_survey):
    raw = raw_survey[(raw_survey["Measure"] == GOOD_JOB) & (raw_survey["date"] == DECEMBER_2023)]
    shown = (raw["p"] * 100).round()
    highest = sorted(BOROUGHS[c] for c in raw.loc[shown == shown.max(), "code"])
    lowest = sorted(BOROUGHS[c] for c in raw.loc[shown == shown.min(), "code"])
    # December 2023: two boroughs share the highest figure and two the lowest.
    assert (len(highest), len(lowest)) == (2, 2)
    summary = texts(view(dataset).map.summary)
    assert summary.startswith(
        f"Highest: {'; '.join(highest)} ({shown.max():.0f}% each). "
        f"Lowest: {'; '.join(lowest)} ({shown.min():.0f}% each). London: 47%."
    )


def test_a_chosen_borough_is_outlined_and_the_map_and_table_agree(dataset, raw_survey):
    got = view(dataset, area=WESTMINSTER).map
    assert by_name(got.figure, "chosen borough")["locations"] == [WESTMINSTER]
    assert len(got.table.rows) == 32
    raw = raw_survey[(raw_survey["Measure"] == GOOD_JOB) & (raw_survey["date"] == DECEMBER_2023)]
    top = raw.sort_values(["p", "Borough"], ascending=[False, True])
    first = dict(zip(got.table.headings, got.table.texts()[0], strict=True))
    assert first["Borough"] in {BOROUGHS[c] for c in top.loc[top["p"] == top["p"].max(), "code"]}
    assert first["Figure"] == f"{top['p'].iloc[0]:.0%}"
    assert first["Rank by figure"] == "1"


def test_without_boundary_files_the_map_says_so_and_the_table_remains(dataset):
    got = view(dataset, url=None).map
    assert got.figure == {}
    assert "cannot be drawn" in texts(got.summary)
    assert got.table is not None


def test_a_click_on_the_map_or_the_scatter_names_a_borough():
    assert presenter.clicked_borough({"points": [{"location": LAMBETH}]}) == LAMBETH
    assert presenter.clicked_borough({"points": [{"customdata": [RICHMOND, "Richmond"]}]}) == (
        RICHMOND
    )
    assert presenter.clicked_borough({"points": [{"location": CITY_OF_LONDON_CODE}]}) is None
    assert presenter.clicked_borough(None) is None


# --- beside recorded crime --------------------------------------------------------


def test_crime_rates_cover_the_same_12_months_as_the_survey_figure(dataset, raw_knife, residents):
    rates = perception.crime_rates(dataset, "knife_crime", [DECEMBER_2023]).set_index("area_code")
    window = raw_knife[(raw_knife["month_year"] >= "2023-01-01")
                       & (raw_knife["month_year"] <= "2023-12-01")]  # fmt: skip
    counts = window.groupby("code")["count"].sum()
    for code in (LAMBETH, WESTMINSTER, RICHMOND):
        assert rates.loc[code, "count"] == counts[code]
        assert rates.loc[code, "rate"] == pytest.approx(counts[code] / residents[code] * 1000)
    london = residents[sorted(MPS_BOROUGHS)].sum()
    assert rates.loc[LONDON_CODE, "count"] >= counts[sorted(MPS_BOROUGHS)].sum()
    assert rates.loc[LONDON_CODE, "rate"] == pytest.approx(
        rates.loc[LONDON_CODE, "count"] / london * 1000
    )
    # Knife crime begins in March 2022, so the 12 months to December 2022 are not covered.
    assert perception.crime_rates(dataset, "knife_crime", [pd.Timestamp("2022-12-31")]).empty


def test_the_association_across_boroughs_is_spearmans_on_the_raw_figures(
    dataset, raw_survey, raw_knife, residents
):
    got = view(dataset, area=LAMBETH).beside
    raw = raw_survey[(raw_survey["Measure"] == GOOD_JOB) & (raw_survey["date"] == DECEMBER_2023)]
    window = raw_knife[(raw_knife["month_year"] >= "2023-01-01")
                       & (raw_knife["month_year"] <= "2023-12-01")]  # fmt: skip
    rate = window.groupby("code")["count"].sum() / residents * 1000
    joined = raw.set_index("code").join(rate.rename("rate"), how="inner")
    rho, p = sps.spearmanr(joined["rate"], joined["p"])
    assert len(joined) == 32
    summary = texts(got.summary)
    direction = "lower" if rho < 0 else "higher"
    assert (
        f"Across the 32 boroughs, those with higher rates of knife crime tended to have "
        f"{direction} figures for {GOOD_JOB} (Spearman rank correlation {rho:+.2f}"
    ) in summary
    assert p < 0.05
    assert "says nothing about whether one causes the other" in summary
    # Lambeth's ranks, each saying what it ranks by.
    ranks = joined.rank(ascending=False, method="min")
    assert (
        f"Lambeth, 12 months to December 2023: {GOOD_JOB} {joined.loc[LAMBETH, 'p']:.0%}, rank "
        f"{int(ranks.loc[LAMBETH, 'p'])} of 32 boroughs by this figure (1 is the highest); "
        f"knife crime {rate[LAMBETH]:.2f} per 1,000 residents, rank "
        f"{int(ranks.loc[LAMBETH, 'rate'])} of 32 boroughs by rate per 1,000 residents (1 is "
        "the highest)."
    ) in summary
    # Visitors inflate its rate: its wards over the workday-population rule (data.visitors).
    assert (
        "Westminster (Hyde Park, Knightsbridge & Belgravia, Marylebone, St James's, "
        "Vincent Square, West End)"
    ) in summary
    points = sum(len(t["x"]) for t in got.scatter["data"])
    assert points == 32
    chosen = got.scatter["data"][1]
    assert chosen["customdata"][0][0] == LAMBETH
    assert chosen["x"][0] == pytest.approx(rate[LAMBETH])


def test_over_time_the_crime_rate_sits_under_the_survey_figure(dataset):
    got = view(dataset, area=LAMBETH, crime="possession_of_weapons").beside
    survey_line, crime_line = got.trend["data"][:2]
    trend = perception.beside_crime_trend(
        dataset, good_job(dataset), "possession_of_weapons", LAMBETH
    )
    assert len(survey_line["x"]) == 37  # possession of weapons covers every survey period
    assert (survey_line["yaxis"], crime_line["yaxis"]) == ("y", "y2")
    assert survey_line["y"] == pytest.approx(list(trend["proportion"] * 100))
    assert crime_line["y"] == pytest.approx(list(trend["rate"]))
    assert len(got.trend_table.rows) == 37
    short = view(dataset, area=LAMBETH).beside
    assert "only 4 of the 37 survey periods" in texts(short.summary)
    assert "Possession of weapons offences figures go back to April 2010" in texts(short.summary)


def test_a_period_before_the_crime_data_begin_says_so_plainly(dataset):
    got = view(dataset, quarter="2019-06").beside
    assert got.scatter == {}
    assert got.scatter_table is None
    assert "none for the 12 months to June 2019" in texts(got.summary)


# --- homicide ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw_homicide(raw_dir: Path) -> pd.DataFrame:
    raw = pd.read_csv(raw_dir / "mps_homicide/Homicides_2003_2023.csv")
    raw["code"] = raw["Borough"].map(borough_code)
    raw["year"] = pd.to_datetime(raw["Recorded Date"], format="%b-%y").dt.year
    return raw


def test_homicide_victims_by_year_are_the_files(dataset, raw_homicide):
    got = view(dataset, area=LAMBETH).homicide
    years = perception.homicide_years(dataset, LAMBETH).set_index("year")
    lambeth = raw_homicide[raw_homicide["code"] == LAMBETH]
    for method, measure in (("Knife or Sharp Implement", "homicide_knife"),
                            ("Shooting", "homicide_shooting")):  # fmt: skip
        raw = lambeth[lambeth["Method of Killing"] == method].groupby("year")["Count of Victims"]
        expected = raw.sum().reindex(range(2003, 2024), fill_value=0)
        assert years[measure].to_dict() == expected.to_dict()
        k = int(expected[2023])
        assert years.loc[2023, f"{measure}_low"] == pytest.approx(
            sps.chi2.ppf(0.025, 2 * k) / 2 if k else 0.0
        )
        assert years.loc[2023, f"{measure}_high"] == pytest.approx(
            sps.chi2.ppf(0.975, 2 * k + 2) / 2
        )
    assert len(got.table.rows) == 21
    assert "Fewer than 10 victims: unreliable" in got.table.column_texts("Reliability")
    assert "in every one of these 21 years" in texts(got.summary)


def test_londons_homicide_totals_and_change_are_stated(dataset, raw_homicide):
    got = view(dataset).homicide
    summary = texts(got.summary)
    knife = raw_homicide[raw_homicide["Method of Killing"] == "Knife or Sharp Implement"]
    shooting = raw_homicide[raw_homicide["Method of Killing"] == "Shooting"]
    assert f"London, 2003 to 2023: {knife['Count of Victims'].sum():,} victims killed with a " in (
        summary
    )
    assert f"{shooting['Count of Victims'].sum():,} victims killed by shooting" in summary
    recent = knife[knife["year"] >= 2019]["Count of Victims"].sum()
    earlier = knife[knife["year"].between(2014, 2018)]["Count of Victims"].sum()
    p = sps.binomtest(int(recent), int(recent + earlier), 0.5).pvalue
    assert f"{recent:,} in 2019-2023 against {earlier:,} in 2014-2018" in summary
    assert ("a statistically significant rise" in summary) == (p < 0.05)
    bars = got.figure["data"]
    assert [b["name"] for b in bars] == [
        "Killed with a knife or sharp implement",
        "Killed by shooting",
    ]
    assert sum(bars[0]["y"]) == knife["Count of Victims"].sum()
    # 1,504 victims over the 21 years: 71.6 a year.
    assert "(71.6 a year on average)" in summary


# --- download and the profile panel -----------------------------------------------


def test_the_download_holds_every_figure_with_its_assumption(dataset, raw_survey):
    name, text = presenter.download(dataset, state(dataset))
    assert name == "perception-good-job-local.csv"
    csv = pd.read_csv(io.StringIO(text))
    raw = raw_survey[raw_survey["Measure"] == GOOD_JOB]
    assert len(csv) == len(raw) + raw["date"].nunique()  # boroughs and London
    assert set(csv["measure"]) == {GOOD_JOB}
    assert set(csv["interviews_assumed"]) == {400, 12_800}
    lambeth = csv[(csv["area_code"] == LAMBETH) & (csv["twelve_months_to"] == "2023-12-31")]
    expected = raw[(raw["code"] == LAMBETH) & (raw["date"] == DECEMBER_2023)]["p"].iloc[0]
    assert lambeth["proportion"].iloc[0] == expected
    assert (csv["lower_95"] <= csv["proportion"]).all()
    assert (csv["proportion"] <= csv["upper_95"]).all()
    assert not csv.map(lambda v: isinstance(v, str) and v[:1] in "=+-@").any().any()


def test_a_wards_profile_shows_its_boroughs_perception(dataset, raw_survey):
    panel = area_panels.perception_panel(dataset, ABBEY_BD)
    text = " ".join(text_of(panel).split())
    assert "What residents of Barking and Dagenham told" in text
    assert "the survey reports boroughs, not wards" in text
    raw = raw_survey[(raw_survey["code"] == "E09000002") & (raw_survey["date"] == DECEMBER_2023)]
    for measure, p in zip(raw["Measure"], raw["p"], strict=True):
        assert f" {measure} December 2023 {p:.0%} " in f" {text} "
    assert "no question about worry over knife or gun crime" in text
    link = panel[-1].children
    assert link.href == "/perception?area=E09000002"


def test_the_city_and_a_bcu_get_a_plain_answer(dataset):
    assert "City of London is not in the survey" in text_of(
        area_panels.perception_panel(dataset, CITY_OF_LONDON_CODE)
    )
    bcu = area_panels.perception_panel(dataset, "BCU-CENTRAL-SOUTH")
    hrefs = [item.children.href for item in bcu[1].children]
    assert hrefs == ["/perception?area=E09000022", "/perception?area=E09000028"]
    assert area_panels.perception_panel(dataset, "E05999999") == []
    assert area_panels.perception_panel(None, LAMBETH) == []


def test_uploaded_text_cannot_add_markup_or_placeholders_to_a_chart():
    assert presenter.plain('<a href="x">Worry %{y}</a> & fear') == (
        '&lt;a href="x"&gt;Worry %&#123;y}&lt;/a&gt; &amp; fear'
    )  # plotly shows "%{y}" as written: its placeholder cannot start at a reference


def test_every_view_is_empty_but_honest_with_nothing_published():
    nothing = presenter.view(None, PerceptionState())
    assert nothing.available is False
    assert nothing.trend.figure == {}
    assert nothing.map.figure == {}
    assert nothing.beside.scatter == {}
    assert nothing.homicide.figure == {}
    assert np.isnan(perception.versus_london_test(np.nan, 0.5))


# -- homicide victims by age, sex and solved status ---------------------------------------


def _raw_victims(raw_dir: Path) -> pd.DataFrame:
    """The homicide file counted independently of the reader: year, borough, columns."""
    import csv

    with open(raw_dir / "mps_homicide" / "Homicides_2003_2023.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    frame = pd.DataFrame(rows)
    frame["year"] = 2000 + frame["Recorded Date"].str[-2:].astype(int)
    frame["borough"] = frame["Borough"].str.strip().str.replace(" & ", " and ").str.lower()
    frame["n"] = frame["Count of Victims"].astype(int)
    return frame


def test_london_victims_by_sex_and_status_match_the_file(dataset, raw_dir):
    from data import victims
    from presenters.perception import victims_section

    raw = _raw_victims(raw_dir)
    sex = victims.victims_by_year(dataset, LONDON_CODE, "sex").set_index("year")
    expected = raw.pivot_table(index="year", columns="Sex", values="n", aggfunc="sum")
    for year in range(2003, 2024):
        assert sex.loc[year, "total"] == raw.loc[raw["year"] == year, "n"].sum()
        assert sex.loc[year, "Female"] == expected.loc[year, "Female"]
        assert sex.loc[year, "Male"] == expected.loc[year, "Male"]
    solved = victims.victims_by_year(dataset, LONDON_CODE, "solved_status")
    every = solved[solved["year"] == victims.ALL_YEARS].iloc[0]
    assert every["Unsolved"] == (raw["Solved Status"] == "Unsolved").sum()
    section = victims_section(dataset, "")
    assert section.age_table.column_values("Victims")[-1] == 2912


def test_a_boroughs_years_under_ten_are_shown_whole(dataset, raw_dir):
    from data import victims
    from presenters.perception import victims_section

    raw = _raw_victims(raw_dir)
    lambeth = raw[raw["borough"] == "lambeth"].groupby("year")["n"].sum()
    age = victims.victims_by_year(dataset, "E09000022", "age_group").set_index("year")
    small = [y for y in range(2003, 2024) if lambeth.get(y, 0) < 10]
    assert small  # Lambeth has such years
    for year in range(2003, 2024):
        assert age.loc[year, "total"] == lambeth.get(year, 0)
        assert bool(age.loc[year, "split"]) == (year not in small)
    rows = {r[0]: r for r in victims_section(dataset, "E09000022").age_table.texts()}
    for year in small:
        assert rows[str(year)][2:-1] == [""] * (len(rows[str(year)]) - 3)
        assert rows[str(year)][-1] == "Not split: fewer than 10 victims"
