"""Long-term trends (data.trends and presenters.trends) on the hand-made London: the long
run for London and a borough, month by month and as rolling 12-month totals, the
recording change marked, small counts flagged, and the chart's picture named and
sourced. Expected figures are worked out by hand from tests/builders.py's counts."""

from __future__ import annotations

import pandas as pd
import pytest

from data.areas import LONDON_CODE
from data.overview import MONTHLY, ROLLING
from data.trends import long_run, long_run_measures
from presenters import trends
from presenters.common import charts
from presenters.trends import TrendsState
from tests.builders import CITY, LAMBETH, SOUTHWARK, tiny_dataset

POSSESSION = "possession_of_weapons"


@pytest.fixture(scope="module")
def ds():
    # 24 months, March 2023 to February 2025: across the recording change of Feb 2024.
    # Each month London has 6 + 3 + 2 + 4 + 1 = 16 offences in wards and 1 in Lambeth
    # that is in no ward: 17; Lambeth 6 + 3 + 2 + 1 = 12; Southwark 4 + 1 = 5.
    return tiny_dataset(first_month="2023-03", measure=POSSESSION)


def test_the_long_run_measures_are_those_the_data_hold_for_london(ds):
    assert long_run_measures(ds) == [POSSESSION]


def test_the_monthly_long_run_of_london_and_a_borough(ds):
    frame = long_run(ds, POSSESSION, [LONDON_CODE, LAMBETH], MONTHLY)
    assert list(frame.columns) == ["month", LONDON_CODE, LAMBETH]
    assert len(frame) == 24
    assert frame["month"].iloc[0] == pd.Timestamp("2023-03-01")
    assert set(frame[LONDON_CODE]) == {17}
    assert set(frame[LAMBETH]) == {12}


def test_rolling_totals_start_when_a_whole_year_is_behind_them():
    counts = {"E05000001": list(range(1, 25))}  # Brixton: 1, 2, ... 24 offences a month
    ds = tiny_dataset(counts, first_month="2023-03", measure=POSSESSION)
    frame = long_run(ds, POSSESSION, [LONDON_CODE], ROLLING)
    # London = Brixton + 1 unplaced: the first total (to February 2024) is 1 + ... + 12
    # = 78 plus 12 unplaced = 90; the last (to February 2025) 13 + ... + 24 = 222 + 12.
    assert frame["month"].iloc[0] == pd.Timestamp("2024-02-01")
    assert len(frame) == 13
    assert frame[LONDON_CODE].iloc[0] == 90
    assert frame[LONDON_CODE].iloc[-1] == 234


def test_an_area_without_figures_is_missing_not_zero(ds):
    frame = long_run(ds, POSSESSION, [LONDON_CODE, CITY], MONTHLY)
    assert frame[CITY].isna().all()
    with pytest.raises(ValueError, match="unknown trend view"):
        long_run(ds, POSSESSION, [LONDON_CODE], "weekly")


def test_settle_keeps_a_covered_borough_and_a_known_view(ds):
    assert trends.settle(ds, TrendsState(LAMBETH, MONTHLY)) == TrendsState(LAMBETH, MONTHLY)
    assert trends.settle(ds, TrendsState(CITY, "weekly")) == TrendsState(None, ROLLING)
    assert trends.settle(ds, TrendsState.from_query("?borough=nowhere")) == TrendsState()
    assert trends.choose(ds, TrendsState(), {"borough": SOUTHWARK, "trend": "monthly"}) == (
        TrendsState(SOUTHWARK, MONTHLY)
    )


def test_the_controls_offer_london_only_and_the_boroughs(ds):
    model = trends.controls(ds, TrendsState(LAMBETH))
    borough, view = model.selects
    assert [(o.value, o.label) for o in borough.options] == [
        ("", "London only"), (LAMBETH, "Lambeth"), (SOUTHWARK, "Southwark")
    ]  # fmt: skip
    assert borough.value == LAMBETH
    assert [o.value for o in view.options] == [ROLLING, MONTHLY]


def test_london_alone_is_one_panel_with_the_recording_change_marked():
    steady = {"E05000001": 6, "E05000002": 3, "E05000003": 2, "E05000004": 4, "E05000005": 1}
    ds = tiny_dataset({code: [n] * 36 for code, n in steady.items()}, first_month="2022-03",
                      measure=POSSESSION)  # fmt: skip
    view = trends.view(ds, TrendsState())
    assert view.heading == "Long-term trends: London, rolling 12-month totals"
    (m,) = view.measures
    assert m.label == "Possession of weapons offences"
    assert m.covers == "Published data: March 2022 to February 2025."
    assert len(m.figure["data"]) == 1
    assert m.figure["layout"]["shapes"][0]["x0"] == "2024-02-01"
    assert m.table.headings == ["12 months to", "London (offences, rolling 12 months)"]
    assert m.table.rows[0] == ("2023-02", ("204", 204))  # 12 months of 17
    assert len(m.table.rows) == 25
    assert m.notes == ()


def test_a_borough_adds_its_own_panel_column_and_small_count_warning(ds):
    view = trends.view(ds, TrendsState(SOUTHWARK, MONTHLY))
    (m,) = view.measures
    assert view.place == "London and Southwark"
    assert [trace["name"] for trace in m.figure["data"]] == ["London", "Southwark"]
    assert [trace["yaxis"] for trace in m.figure["data"]] == ["y", "y2"]
    assert m.table.headings == ["Month", "London (offences)", "Southwark (offences)",
                                "Reliability"]  # fmt: skip
    assert m.table.rows[0] == ("2023-03", ("17", 17), ("5", 5),
                               "Fewer than 10, unreliable: Southwark")  # fmt: skip
    assert [n.text for n in m.notes] == [
        "Southwark: 24 of the 24 monthly counts (100%) rest on fewer than 10 offences, too "
        "few to be reliable; the table marks them. The rolling 12-month totals are steadier."
    ]
    assert m.caption.endswith("Each area has its own scale. The same figures are in the table "
                              "below.")  # fmt: skip


def test_the_chart_picture_has_its_title_source_and_data_version(ds):
    (m,) = trends.view(ds, TrendsState(LAMBETH, MONTHLY)).measures
    image = charts.image_of(m.figure)
    assert image["filename"] == "possession-of-weapons-london-lambeth-monthly-v1"
    assert m.table.filename == image["filename"] + ".csv"
    assert (image["width"], image["height"]) == (1200, 900)
    assert image["layout"]["title"]["text"] == (
        "Possession of weapons offences: London and Lambeth, monthly counts, March 2023 to "
        "February<br>2025"
    )
    # The chart's own marks stay (the recording change) and the picture adds the source
    # line with the data version below.
    assert "New recording system" in [a["text"] for a in m.figure["layout"]["annotations"]]
    (source,) = [a["text"] for a in image["annotations"]]
    assert source.startswith("London Weapon-Enabled Crime Dashboard. Source: ")
    assert source.endswith("<br>Data version 1 (latest month February 2025)")


def test_a_series_that_ends_before_the_recording_change_says_so():
    ds = tiny_dataset(first_month="2021-01", measure="homicide_knife")
    (m,) = trends.view(ds, TrendsState()).measures
    assert "shapes" not in m.figure["layout"]
    assert m.notes[0].text == (
        "The published homicide data end in December 2022, before the recording change of "
        "February 2024: they describe the past, not London now."
    )


def test_without_data_the_page_says_so():
    assert trends.view(None, TrendsState()).message == "No data has been published yet."
    assert trends.view(tiny_dataset(), TrendsState()).message == (
        "No long-run series have been published."
    )
