"""The profile's panels on other pages' subjects (hot spots, perception) on a hand-made
London with hand-made ward neighbours."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from data.cache import ViewCache
from data.profiles import area_facts
from geo.weights import Contiguity
from presenters.common.hotspot_status import NO_BOUNDARIES, NOT_COVERED, hotspot_status
from presenters.common.perception_panel import NO_SURVEY, perception_panel
from tests.builders import (
    ALDERSGATE,
    BCU,
    BOROUGH_WARD,
    BRIXTON,
    CITY,
    CLAPHAM,
    LAMBETH,
    NAMES,
    PECKHAM,
    SOUTHWARK,
    STOCKWELL,
    WARD_BOROUGH,
    tiny_dataset,
)

# A chain of neighbours: Brixton - Clapham - Stockwell - Peckham - Borough & Bankside.
CHAIN = (BRIXTON, CLAPHAM, STOCKWELL, PECKHAM, BOROUGH_WARD)


def neighbours() -> Contiguity:
    codes = np.array(sorted(CHAIN))
    at = {c: i for i, c in enumerate(codes)}
    rows, cols = [], []
    for a, b in itertools.pairwise(CHAIN):
        rows += [at[a], at[b]]
        cols += [at[b], at[a]]
    adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(codes),) * 2)
    return Contiguity(
        "ward",
        codes,
        np.array([NAMES[c] for c in codes]),
        np.array([WARD_BOROUGH[c] for c in codes]),
        adjacency,
        np.full(len(codes), 2.0),  # every ward 2 km2
    )


class Kept(dict):
    """A view cache backend that keeps everything (one test module's worth)."""

    def set(self, key, value, timeout=None):
        self[key] = value


@pytest.fixture(scope="module")
def ds():
    """Knife crime only, 24 months; the hot spots worked out once for the module."""
    dataset = tiny_dataset()
    dataset.views = ViewCache(Kept())
    return dataset


def text(paras) -> str:
    return " ".join(p.text for p in paras)


def test_a_ward_has_its_status_what_is_missing_and_its_history(ds):
    status = hotspot_status(ds, neighbours(), area_facts(ds, BRIXTON))
    assert status.table.column_texts("Measure") == ["Knife crime"]
    assert status.table.caption == "Brixton Windrush: hot-spot status, latest 12 months"
    words = text(status.after)
    assert (
        "No hot-spot figures yet for knife crime with injury, knife injury victims aged 1-24, "
        "non domestic abuse, gun crime and possession of weapons offences"
    ) in words
    # 24 months make 13 rolling 12-month windows, the latest first.
    assert (
        "of the 13 rolling 12-month windows from the 12 months to February 2025 to the 12 "
        "months to February 2026."
    ) in words
    assert status.history.column_texts("12 months to")[0] == "February 2026"
    assert len(status.history.rows) == 13
    assert set(status.history.column_texts("Months with offences")) == {"12 of 12"}
    assert [link.href for link in status.links] == [
        f"/hotspots?measure=knife_crime&level=ward&borough={LAMBETH}"
    ]


def test_a_borough_and_a_bcu_count_their_wards(ds):
    lambeth = text(hotspot_status(ds, neighbours(), area_facts(ds, LAMBETH)).before)
    # Of 5 wards, the top 10% is at least one: the ward with the most offences (Brixton,
    # 72 a year) in each of the two separate years the 24 months hold.
    assert lambeth.startswith(
        "Knife crime, 12 months to February 2026: 1 of the 3 wards in Lambeth was a "
        "persistent hot spot (among London's top 10% of wards by offences in each of the "
        "last 2 separate 12-month years);"
    )
    bcu = hotspot_status(ds, neighbours(), area_facts(ds, BCU))
    assert "1 of the 5 wards in Central South BCU was a persistent hot spot" in text(bcu.before)
    assert [link.text for link in bcu.links] == ["Hot spots in Lambeth", "Hot spots in Southwark"]


def test_the_city_and_missing_boundaries_get_a_plain_answer(ds):
    assert text(hotspot_status(ds, neighbours(), area_facts(ds, ALDERSGATE)).before) == NOT_COVERED
    assert text(hotspot_status(ds, None, area_facts(ds, BRIXTON)).before) == NO_BOUNDARIES
    assert hotspot_status(None, neighbours(), None) is None


def test_the_perception_panel_points_a_bcu_to_its_boroughs_and_says_when_there_is_no_survey(ds):
    # No survey is published in the hand-made London.
    bcu = perception_panel(ds, BCU)
    assert [link.href for link in bcu.links] == [
        f"/perception?area={LAMBETH}",
        f"/perception?area={SOUTHWARK}",
    ]
    assert text(perception_panel(ds, CLAPHAM).paras) == NO_SURVEY
    assert "City of London is not in the survey" in text(perception_panel(ds, CITY).paras)
    assert perception_panel(ds, "E05999999") is None
    assert perception_panel(None, LAMBETH) is None
