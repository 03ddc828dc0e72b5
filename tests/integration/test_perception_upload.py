"""A survey measure of worry about knife crime, uploaded by staff in the survey's own
layout, reaches every perception view through the real ingest, with no code change."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy import stats as sps

from callbacks import area_panels
from data import perception
from data.areas import BOROUGHS, LONDON_CODE, MPS_BOROUGHS
from data.dataset import Dataset
from data.ingest import ingest, raw_sources
from data.problems import InputError
from data.readers import SourceFile
from data.store.store import Store
from geo.register import area_register
from presenters import perception as presenter
from presenters.about import data_caveats
from presenters.perception import PerceptionState
from tests.components import text_of

QUARTERS = ("31/3/2023", "30/6/2023", "30/9/2023", "31/12/2023")
WORRY = "Worried about knife crime"
UPLOAD = "PAS_worry_about_knife_crime.csv"
# A second upload in the London sheet's layout (semicolons): London figures only.
SAFE = "Feel safe walking alone after dark"
LONDON_UPLOAD = "PAS_feel_safe_London.csv"
LONDON_TEXT = "Date;Survey;Borough;Measure;Proportion\n" + "".join(
    f"{date};PAS;MPS;{SAFE};0,{70 + i}\n" for i, date in enumerate(QUARTERS)
)
LONDON_FIGURES = ("0,33", "0,34", "0,32", "0,31")
LAMBETH = "E09000022"
# The spellings the MOPAC sheets use, not the register's.
SPELLING = {"E09000033": "City of Westminster", "E09000027": "Richmond Upon Thames"}
# Files the perception page draws on; the rest of the raw data would only slow the test.
NEEDED = ("PAS_", "monthly-crime-dashboard", "recorded-crime-borough", "Homicides",
          "census2021-ts007a-ltla")  # fmt: skip


def worry(borough: int, quarter: int) -> float:
    """A made-up but varied figure for each borough and quarter, in whole per cent."""
    return (18 + (borough * 7 + quarter * 3) % 29) / 100


def upload_text(bad_row: int | None = None) -> str:
    lines = ["Date,Survey,Borough,Measure,Proportion,MPS"]
    boroughs = sorted(MPS_BOROUGHS)
    for q, (date, london) in enumerate(zip(QUARTERS, LONDON_FIGURES, strict=True)):
        for b, code in enumerate(boroughs):
            shown = f"{worry(b, q):.2f}".replace(".", ",")
            name = SPELLING.get(code, BOROUGHS[code])
            lines.append(f'{date},PAS,{name},{WORRY},"{shown}","{london}"')
    if bad_row is not None:
        lines[bad_row - 1] = lines[bad_row - 1].replace(f',{WORRY},"', f',{WORRY},"1', 1)
    return "\n".join(lines) + "\n"


def expected(code: str, date: str) -> float:
    b = sorted(MPS_BOROUGHS).index(code)
    return worry(b, QUARTERS.index(date))


@pytest.fixture(scope="module")
def store_and_sources(raw_dir: Path, tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('upload') / 'store.sqlite'}")
    sources = [s for s in raw_sources(raw_dir) if s.name.startswith(NEEDED)]
    return store, sources, area_register(raw_dir)


@pytest.fixture(scope="module")
def uploaded(store_and_sources) -> Dataset:
    store, sources, register = store_and_sources
    report = ingest(
        store,
        [
            *sources,
            SourceFile(UPLOAD, upload_text().encode()),
            SourceFile(LONDON_UPLOAD, LONDON_TEXT.encode()),
        ],
        register,
        actor="test staff",
        note="worry about knife crime",
    )
    assert not report.problems or all(p.severity == "warning" for p in report.problems)
    return Dataset(report.version_id, store.load(report.version_id))


def settled(ds: Dataset, **query) -> PerceptionState:
    return presenter.settle(ds, PerceptionState.from_query(query))


def texts(paras) -> str:
    return " ".join(p.text for p in paras)


def measure(ds: Dataset) -> perception.SurveyMeasure:
    return next(m for m in perception.survey_measures(ds) if m.name == WORRY)


def test_the_uploaded_measure_is_listed_first_as_a_concern_and_becomes_the_default(uploaded):
    found = measure(uploaded)
    assert found.concern
    assert found.group == perception.CONCERN_GROUP
    assert found.boroughs == 32
    assert (found.first, found.last) == (pd.Timestamp("2023-03-31"), pd.Timestamp("2023-12-31"))
    assert perception.default_measure(uploaded).name == SAFE  # concern measures by name
    state = settled(uploaded)
    assert state.measure == "feel-safe-walking-alone-after-dark"
    offered = presenter.controls(uploaded, state).selects[0].options
    concern = [o.label for o in offered if o.group == perception.CONCERN_GROUP]
    assert concern == [SAFE, WORRY]
    assert offered[0].group == perception.CONCERN_GROUP  # listed first
    # The published measures are all still there.
    assert len([o for o in offered if o.group == perception.POLICE_GROUP]) == 8
    message = texts(presenter.view(uploaded, state).message)
    assert f"{perception.CONCERN_GROUP}: {SAFE}; {WORRY}." in message


def test_it_appears_over_time_on_the_map_beside_crime_and_in_the_download(uploaded):
    state = settled(uploaded, area=LAMBETH, measure="worried-about-knife-crime")
    page = presenter.view(uploaded, state, "/geo/b.json")
    trend = page.trend
    line = trend.figure["data"][1]
    assert line["y"] == pytest.approx([expected(LAMBETH, d) * 100 for d in QUARTERS])
    assert trend.heading == f"{WORRY} in Lambeth, against London"

    figures = next(t for t in page.map.figure["data"] if t["name"] == "figures")
    shown = dict(zip(figures["locations"], figures["z"], strict=True))
    assert shown["E09000033"] == pytest.approx(expected("E09000033", "31/12/2023") * 100)
    assert shown["E09000027"] == pytest.approx(expected("E09000027", "31/12/2023") * 100)
    assert len(shown) == 32

    beside = page.beside
    assert sum(len(t["x"]) for t in beside.scatter["data"]) == 32
    rates = perception.crime_rates(uploaded, "knife_crime", [pd.Timestamp("2023-12-31")])
    rates = rates[rates["area_code"] != LONDON_CODE]
    figures = [expected(code, "31/12/2023") for code in rates["area_code"]]
    rho = sps.spearmanr(rates["rate"], figures).statistic
    assert f"{WORRY} (Spearman rank correlation {rho:+.2f}" in texts(beside.summary)
    assert len(beside.trend["data"][0]["x"]) == 4  # knife crime covers all four quarters

    name, text = presenter.download(uploaded, state)
    assert name == "perception-worried-about-knife-crime.csv"
    assert text.count(WORRY) == 4 * 33


def test_london_comes_from_the_mps_column_and_is_compared(uploaded):
    london = perception.area_trend(uploaded, measure(uploaded), LONDON_CODE)
    assert list(london["proportion"]) == [0.33, 0.34, 0.32, 0.31]
    lambeth = perception.area_trend(uploaded, measure(uploaded), LAMBETH)
    assert lambeth["vs_london"].str.contains("London's").all()
    # Only the four quarters of 2023: no figure a year earlier to compare with.
    assert (lambeth["change_words"] == "").all()


def test_the_profile_and_the_about_page_mention_it(uploaded):
    text = " ".join(text_of(area_panels.perception_panel(uploaded, LAMBETH)).split())
    assert f"{WORRY} December 2023 {expected(LAMBETH, '31/12/2023'):.0%}" in text
    assert "no question about worry" not in text
    caveats = " ".join(" ".join(c.text for c in data_caveats(uploaded)).split())
    assert f"Measures of worry about crime uploaded by MOPAC staff: {SAFE}; {WORRY}." in caveats
    assert "asks nothing about knife or gun crime" not in caveats


def test_a_broken_upload_is_refused_by_file_row_and_column_and_nothing_changes(
    store_and_sources, uploaded
):
    store, sources, register = store_and_sources
    before = store.published_version_id()
    with pytest.raises(InputError) as refused:
        ingest(store, [*sources, SourceFile(UPLOAD, upload_text(bad_row=40).encode())],
               register, actor="test staff")  # fmt: skip
    errors = [p for p in refused.value.problems if p.severity == "error"]
    assert [(p.file, p.row, p.column) for p in errors] == [(UPLOAD, 40, "Proportion")]
    assert "is above 1" in errors[0].reason
    assert store.published_version_id() == before


def test_a_london_only_measure_has_its_trend_and_says_plainly_what_it_lacks(uploaded):
    page = presenter.view(uploaded, settled(uploaded), "/geo/b.json")
    assert page.trend.figure["data"][1]["y"] == pytest.approx([70, 71, 72, 73])
    assert texts(page.trend.summary).startswith(f"{SAFE}, 12 months to December 2023: 73% in")
    lambeth = presenter.view(uploaded, settled(uploaded, area=LAMBETH)).trend
    assert "There are no figures for" in texts(lambeth.summary)
    assert "has this measure for London as a whole only" in texts(lambeth.summary)
    assert "No borough has a figure" in texts(page.map.summary)
    assert page.beside.scatter == {}
    assert f"No borough has a figure for {SAFE}" in texts(page.beside.summary)
    panel = " ".join(text_of(area_panels.perception_panel(uploaded, LAMBETH)).split())
    assert f"{SAFE} No figure" in panel
