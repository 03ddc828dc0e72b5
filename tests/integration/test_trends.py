"""Long-term trends on the real published data: possession of weapons since April 2010 and
homicide by method since 2003, for London and Lambeth, checked month by month against
the raw files as pandas reads them (not through the dashboard's readers), and the page
as the callback draws it."""

from __future__ import annotations

import pandas as pd
import pytest

from callbacks.trends import show
from data.areas import LONDON_CODE
from data.overview import MONTHLY, ROLLING
from data.trends import long_run, long_run_measures
from presenters import trends
from presenters.common import charts
from presenters.trends import TrendsState
from tests.components import flat, text_of

LAMBETH = "E09000022"


@pytest.fixture(scope="module")
def possession(raw_dir) -> dict[str, pd.Series]:
    """Monthly possession of weapons offences: all of the borough files' rows (London,
    the unplaced ones included) and Lambeth's, historical file then recent."""
    folder = raw_dir / "mps_recorded_crime"
    files = [pd.read_parquet(folder / f"recorded-crime-borough{part}.parquet")
             for part in ("-historical", "")]  # fmt: skip

    def monthly(name: str | None) -> pd.Series:
        parts = []
        for frame in files:
            rows = frame[frame["majortext"] == "POSSESSION OF WEAPONS"]
            if name:
                rows = rows[rows["boroughname"] == name]
            parts.append(rows[[c for c in rows.columns if str(c).isdigit()]].sum())
        out = pd.concat(parts)
        out.index = pd.to_datetime(out.index, format="%Y%m")
        return out

    return {LONDON_CODE: monthly(None), LAMBETH: monthly("Lambeth")}


@pytest.fixture(scope="module")
def homicide(raw_dir) -> pd.DataFrame:
    frame = pd.read_csv(raw_dir / "mps_homicide" / "Homicides_2003_2023.csv")
    frame["month"] = pd.to_datetime(frame["Recorded Date"], format="%b-%y")
    return frame


def test_the_long_run_measures_reach_back_to_2010_and_2003(dataset):
    assert long_run_measures(dataset) == ["possession_of_weapons", "homicide_knife",
                                          "homicide_shooting"]  # fmt: skip
    assert dataset.months_covered("possession_of_weapons", "london")[0] == pd.Timestamp("2010-04")
    assert dataset.months_covered("homicide_knife", "borough")[0] == pd.Timestamp("2003-01")


def test_possession_of_weapons_month_by_month_is_the_files(dataset, possession):
    frame = long_run(dataset, "possession_of_weapons", [LONDON_CODE, LAMBETH], MONTHLY)
    frame = frame.set_index("month")
    assert frame.index[0] == pd.Timestamp("2010-04-01")
    assert frame.index[-1] == pd.Timestamp("2026-02-01")
    assert len(frame) == 191  # no month missing or counted twice where the files meet
    for code in (LONDON_CODE, LAMBETH):
        expected = possession[code].reindex(frame.index)
        assert frame[code].astype(int).tolist() == expected.astype(int).tolist()
    rolling = long_run(dataset, "possession_of_weapons", [LONDON_CODE], ROLLING)
    assert rolling["month"].iloc[0] == pd.Timestamp("2011-03-01")
    assert rolling[LONDON_CODE].iloc[0] == possession[LONDON_CODE].iloc[:12].sum()


def test_homicide_by_knife_month_by_month_is_the_victims_file(dataset, homicide):
    frame = long_run(dataset, "homicide_knife", [LONDON_CODE, LAMBETH], MONTHLY).set_index("month")
    knife = homicide[homicide["Method of Killing"] == "Knife or Sharp Implement"]
    months = pd.date_range("2003-01-01", "2023-12-01", freq="MS")
    london = knife.groupby("month")["Count of Victims"].sum().reindex(months, fill_value=0)
    lambeth = knife[knife["Borough"].str.strip() == "Lambeth"]
    lambeth = lambeth.groupby("month")["Count of Victims"].sum().reindex(months, fill_value=0)
    assert list(frame.index) == list(months)
    assert frame[LONDON_CODE].astype(int).tolist() == london.tolist()
    assert frame[LAMBETH].astype(int).tolist() == lambeth.tolist()


def test_the_page_for_lambeth_as_the_callback_draws_it(dataset):
    out = show(dataset, f"?borough={LAMBETH}&trend=rolling")
    assert out["heading"] == "Long-term trends: London and Lambeth, rolling 12-month totals"
    view = trends.view(dataset, TrendsState(LAMBETH, ROLLING))
    possession, knife, shooting = view.measures
    assert possession.figure["layout"]["shapes"][0]["x0"] == "2024-02-01"
    assert "shapes" not in knife.figure["layout"]  # the homicide data end in 2023
    assert knife.notes[0].text.startswith("The published homicide data end in December 2023")
    # Lambeth's knife homicides: nearly every 12-month total is under 10, and it is said.
    assert any(n.text.startswith("Lambeth: ") and "fewer than 10 victims" in n.text
               for n in knife.notes)  # fmt: skip
    assert shooting.table.headings[-1] == "Reliability"
    text = flat(text_of(out["measures"]))
    assert "Possession of weapons offences in London and Lambeth, rolling 12-month totals, " \
        "April 2010 to February 2026." in text  # fmt: skip
    # Each chart carries its picture: the file name names the measure, places and version.
    images = [charts.image_of(m.figure) for m in view.measures]
    assert [i["filename"] for i in images] == [
        f"possession-of-weapons-london-lambeth-rolling-v{dataset.version_id}",
        f"homicide-knife-london-lambeth-rolling-v{dataset.version_id}",
        f"homicide-shooting-london-lambeth-rolling-v{dataset.version_id}",
    ]


def test_a_mistyped_link_opens_london(dataset):
    out = show(dataset, "?borough=E09000001&trend=weekly")  # the City has no MPS figures
    assert out["heading"] == "Long-term trends: London, rolling 12-month totals"
