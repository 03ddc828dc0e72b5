"""Positive outcome rates against targets on the real data: every borough's rate on
the map and in the ranking is outcomes over offences in the raw MPS file, with the
exact interval scipy gives, and each is read against the target that applies."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats as sps

from data.targets import Target, Targets
from presenters import at_risk, profile
from presenters import map as map_page
from presenters.at_risk import AtRiskState
from presenters.map import MapState
from presenters.profile import ProfileState

LAMBETH, SOUTHWARK = "E09000022", "E09000028"
TARGETS = Targets((Target("knife_crime", "", 60.0), Target("knife_crime", LAMBETH, 10.0)), 99)


@pytest.fixture(scope="module")
def raw_rates(raw_dir) -> pd.DataFrame:
    """Each borough's knife crime offences and positive outcomes, March 2025 to February
    2026, from the raw file."""
    raw = pd.read_parquet(raw_dir / "mps_knife_crime/monthly-crime-dashboard.parquet")
    window = raw[
        (raw["area_type"] == "Borough")
        & (raw["crime_subtype"] == "Knife Crime")
        & (raw["month_year"] >= "2025-03-01")
        & (raw["month_year"] <= "2026-02-01")
    ].assign(code=lambda f: f["area_code"].str.strip())
    counts = window.pivot_table(index="code", columns="measure", values="count", aggfunc="sum")
    return counts.rename(columns={"Offences": "offences", "Positive Outcomes": "outcomes"})


def test_the_map_paints_every_boroughs_outcome_rate_from_the_raw_file(dataset, raw_rates):
    state = map_page.settle(dataset, MapState(measure="knife_crime", level="borough",
                                              value="outcome_rate"))  # fmt: skip
    assert state.value == "outcome_rate"
    view = map_page.view(dataset, state, TARGETS)
    painted = {c: z for c, z in zip(view.paint.codes, view.paint.z, strict=True) if z is not None}
    assert len(painted) == 32
    for code, z in painted.items():
        r = raw_rates.loc[code]
        assert z == pytest.approx(round(r["outcomes"] / r["offences"] * 100, 1), abs=1e-9)
    table = view.table
    row = table.column_texts("Borough").index("Lambeth")
    lambeth = raw_rates.loc[LAMBETH]
    ci = sps.binomtest(int(lambeth["outcomes"]), int(lambeth["offences"])).proportion_ci(
        method="exact"
    )
    interval = table.column_texts("Positive outcome rate, 95% interval")[row]
    assert interval == f"{ci.low * 100:.1f}% to {ci.high * 100:.1f}%"
    # Lambeth is read against its own 10%, Southwark against London's 60%.
    against = table.column_texts("Positive outcome rate against its target")
    assert "(10%)" in against[row]
    assert "(60%)" in against[table.column_texts("Borough").index("Southwark")]
    assert "London-wide target of 60%" in view.headline[1].text


def test_the_ranking_and_the_profile_read_the_same_rates_against_the_same_targets(
    dataset, raw_rates
):
    state = at_risk.settle(dataset, AtRiskState(measure="knife_crime", level="borough"))
    ranked = at_risk.view(dataset, state, TARGETS).ranked
    rates = dict(zip(ranked.column_values("Code"),
                     ranked.column_values("Positive outcome rate, %"), strict=True))  # fmt: skip
    for code, rate in rates.items():
        r = raw_rates.loc[code]
        assert rate == pytest.approx(round(r["outcomes"] / r["offences"] * 100, 1))
    shown = profile.view(dataset, ProfileState(area=SOUTHWARK), TARGETS)
    knife = next(p.text for p in shown.outcomes if p.text.startswith("Knife crime,"))
    assert "the London-wide target of 60%" in knife
    # No target is invented: knife crime with injury has none.
    injury = next(p.text for p in shown.outcomes if p.text.startswith("Knife crime with injury"))
    assert "No target has been set for this rate." in injury
