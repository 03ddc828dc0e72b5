"""Outcome rates against their targets: the words, the profile, with hand-made data."""

from __future__ import annotations

import math

from data.targets import Target, Targets
from presenters import profile
from presenters.common import targets as words
from presenters.profile import ProfileState
from tests.builders import (
    BOROUGH_WARD,
    BRIXTON,
    CLAPHAM,
    LAMBETH,
    PECKHAM,
    SOUTHWARK,
    STOCKWELL,
    tiny_dataset,
)

LONDON_30 = Target("knife_crime", "", 30.0)


def test_a_rate_wholly_below_its_target_is_said_to_be_below_it():
    text = words.sentence(22.5, 18.04, 27.44, "", LONDON_30)
    assert text == (
        "22.5% is below the London-wide target of 30%, and its 95% interval (18.0% to 27.4%) "
        "lies wholly below it."
    )
    assert words.cell(18.04, 27.44, LONDON_30).startswith("Below the target (30%)")


def test_a_rate_whose_interval_holds_the_target_is_only_consistent_with_it():
    text = words.sentence(27.0, 21.0, 33.5, "", Target("knife_crime", LAMBETH, 30.0),
                          borough_name="Lambeth")  # fmt: skip
    assert text.startswith("27.0% is consistent with the target set for Lambeth of 30%")
    assert "includes the target, so the difference from it could be chance" in text
    assert "below" not in text
    assert words.cell(21.0, 33.5, LONDON_30) == "Consistent with the target (30%)"


def test_a_rate_without_an_interval_is_not_judged_and_no_target_is_invented():
    text = words.sentence(40.0, math.nan, math.nan, "fewer than 10 offences", LONDON_30)
    assert text == (
        "40.0% against the London-wide target of 30%: there is no interval (fewer than 10 "
        "offences), so the rate is not judged against the target."
    )
    assert words.sentence(40.0, 30.0, 50.0, "", None) == "No target has been set for this rate."
    assert words.cell(30.0, 50.0, None) == "No target set"


def _with_outcomes():
    return tiny_dataset(
        extra={"knife_crime_outcomes": {BRIXTON: [2] * 24, CLAPHAM: [1] * 24,
                                        STOCKWELL: [0] * 24, PECKHAM: [1] * 24,
                                        BOROUGH_WARD: [0] * 24}},
    )  # fmt: skip


def test_the_profile_reads_each_outcome_rate_against_its_target():
    ds = _with_outcomes()
    # Brixton: 24 outcomes of 72 offences, 33.3% (95% interval 22.7% to 45.4%).
    none = profile.view(ds, ProfileState(area=BRIXTON))
    assert "No target has been set for this rate." in none.outcomes[0].text
    assert none.outcomes_table.column_texts("Target, %") == ["none set"]

    london = Targets((Target("knife_crime", "", 50.0),), stamp=1)
    text = profile.view(ds, ProfileState(area=BRIXTON), london).outcomes[0].text
    assert "33.3% is below the London-wide target of 50%" in text
    assert "(22.7% to 45.4%) lies wholly below it" in text
    table = profile.view(ds, ProfileState(area=BRIXTON), london).outcomes_table
    assert table.column_values("Target, %") == [50.0]
    assert table.column_texts("Against the target")[0].startswith("Below the target (50%)")

    # Lambeth's own target stands for its wards; Southwark's wards keep London's.
    both = Targets((Target("knife_crime", "", 50.0), Target("knife_crime", LAMBETH, 30.0)),
                   stamp=2)  # fmt: skip
    brixton = profile.view(ds, ProfileState(area=BRIXTON), both).outcomes[0].text
    assert "consistent with the target set for Lambeth of 30%" in brixton
    # Peckham: 12 outcomes of 48 offences, 25.0% (14% to 39%): below 50%.
    peckham = profile.view(ds, ProfileState(area=PECKHAM), both).outcomes[0].text
    assert "below the London-wide target of 50%" in peckham
    borough = profile.view(ds, ProfileState(area=SOUTHWARK), both).outcomes[0].text
    assert "London-wide target" in borough


def test_the_ranking_gives_each_area_its_outcome_rate_against_its_target():
    from presenters import at_risk
    from presenters.at_risk import AtRiskState

    ds = _with_outcomes()
    state = at_risk.settle(ds, AtRiskState(measure="knife_crime", level="ward"))
    none = at_risk.view(ds, state)
    table = none.ranked
    by_area = dict(zip(table.column_texts("Area"), table.column_values("Positive outcome rate, %"),
                       strict=True))  # fmt: skip
    assert by_area["Brixton Windrush"] == 33.3
    assert by_area["Borough & Bankside"] == 0
    assert set(table.column_texts("Positive outcome rate against its target")) == {"No target set"}
    assert any("No target has been set for the positive outcome rate of knife crime" in p.text
               for p in none.notes)  # fmt: skip

    lambeth = Targets((Target("knife_crime", LAMBETH, 50.0),), stamp=7)
    table = at_risk.view(ds, state, lambeth).ranked
    against = dict(zip(table.column_texts("Area"),
                       table.column_texts("Positive outcome rate against its target"),
                       strict=True))  # fmt: skip
    assert against["Brixton Windrush"].startswith("Below the target (50%)")
    assert against["Peckham"] == "No target set"  # Southwark has none, nor London
    # Clapham: 12 of 36; Stockwell: none of 24, so neither has an interval.
    assert against["Stockwell East"] == "Not judged: no interval (target 50%)"
    assert table.column_texts("Positive outcome rate, 95% interval")[:1] != [""]


def test_a_measure_without_outcomes_has_no_outcome_columns():
    from presenters import at_risk
    from presenters.at_risk import AtRiskState

    ds = tiny_dataset()
    view = at_risk.view(ds, at_risk.settle(ds, AtRiskState()))
    assert "Positive outcome rate, %" not in view.ranked.headings


def test_the_map_offers_and_paints_positive_outcome_rates_against_their_targets():
    from data import queries
    from presenters import map as map_page
    from presenters.map import MapState

    assert "outcome_rate" not in queries.value_choices(tiny_dataset(), "knife_crime")
    ds = _with_outcomes()
    assert "outcome_rate" in queries.value_choices(ds, "knife_crime", "ward")
    state = map_page.settle(ds, MapState(measure="knife_crime", level="ward",
                                         value="outcome_rate"))  # fmt: skip
    assert state.value == "outcome_rate"
    targets = Targets((Target("knife_crime", "", 50.0),), stamp=3)
    view = map_page.view(ds, state, targets)
    paint = dict(zip(view.paint.codes, view.paint.z, strict=True))
    assert paint[BRIXTON] == 33.3  # 24 of 72, to one decimal as printed
    assert paint[PECKHAM] == 25.0  # 12 of 48
    unreliable = dict(zip(view.paint.codes, view.paint.unreliable, strict=True))
    assert unreliable[STOCKWELL]  # no interval for 0 of 24
    assert not unreliable[BRIXTON]
    assert view.key.title == "Positive outcomes as a % of offences"
    # London: every outcome and offence recorded, the ones placed in no ward included.
    london_out, london_off = (2 + 1 + 0 + 1 + 0 + 1) * 12, (6 + 3 + 2 + 4 + 1 + 1) * 12
    headline = view.headline[0].text
    assert f"{london_out:,} positive outcomes against {london_off:,} knife crime" in headline
    assert "London-wide target of 50%" in view.headline[1].text
    table = view.table
    against = dict(zip(table.column_texts("Ward"),
                       table.column_texts("Positive outcome rate against its target"),
                       strict=True))  # fmt: skip
    assert against["Brixton Windrush"].startswith("Below the target (50%)")
    # With no target set the page says so, and the table never invents one.
    none = map_page.view(ds, state)
    assert "No target has been set" in none.headline[1].text
    assert set(none.table.column_texts("Positive outcome rate against its target")) <= {
        "No target set",
        "",
    }
