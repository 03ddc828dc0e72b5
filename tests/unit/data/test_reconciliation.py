"""Every view's total, the sum of its areas and the difference, on a version small
enough to add up by hand (tests/unit/data/small_dataset.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from data import reconciliation as rc
from data.areas import LONDON_CODE
from tests.unit.data.small_dataset import BCU, LAMBETH, SOUTHWARK, small_dataset


@pytest.fixture(scope="module")
def ds():
    return small_dataset()


@pytest.mark.parametrize(
    ("level", "within", "total", "shown", "areas", "unallocated"),
    [
        # London = 12 x (10 + 5 + 1); the boroughs hold 12 x 15, the wards 12 x 14.
        ("borough", "", 192, 180, 2, 12),
        ("ward", "", 192, 168, 3, 24),
        ("bcu", "", 192, 180, 1, 12),
        # Lambeth's own 120; its wards 12 x (6 + 3).
        ("ward", LAMBETH, 120, 108, 2, None),
        ("ward", SOUTHWARK, 60, 60, 1, None),
        ("borough", LAMBETH, 120, 120, 1, None),
        # The BCU's own 180 is its boroughs' own figures; its wards hold 168.
        ("ward", BCU, 180, 168, 3, None),
        ("borough", BCU, 180, 180, 2, None),
    ],
)
def test_each_view_against_its_total(ds, level, within, total, shown, areas, unallocated):
    r = rc.reconcile(ds, "knife_crime", level, "r12", within)
    assert r.available
    assert (r.total, r.shown, r.areas_shown, r.unallocated) == (total, shown, areas, unallocated)
    assert r.difference == total - shown
    if within == "":
        # Here every offence missing from the areas is under a placeholder code.
        assert r.not_in_file == 0


def test_london_is_never_the_sum_of_two_levels(ds):
    wards = rc.reconcile(ds, "knife_crime", "ward")
    boroughs = rc.reconcile(ds, "knife_crime", "borough")
    assert wards.total == boroughs.total == 192
    assert wards.total != wards.shown + boroughs.shown


def test_the_words(ds):
    assert rc.reconcile(ds, "knife_crime", "ward").sentence == (
        "London's total for the 12 months to February 2026 is 192 knife crime offences; the "
        "3 wards shown add up to 168. The other 24 were not placed by the MPS in a "
        "ward (recorded without a usable location, or under codes such as \u201cN/K\u201d or "
        "\u201c-1\u201d): they count in London's total but in no area on the map."
    )
    assert rc.reconcile(ds, "knife_crime", "ward", within=LAMBETH).sentence == (
        "Lambeth's own total for the 12 months to February 2026 is 120 knife crime offences; "
        "its 2 wards add up to 108. The other 12 were recorded in Lambeth but not placed by "
        "the MPS in one of its wards."
    )
    assert rc.reconcile(ds, "knife_crime", "ward", within=SOUTHWARK).sentence == (
        "Southwark's own total for the 12 months to February 2026 is 60 knife crime offences; "
        "its 1 ward adds up to exactly that."
    )


def test_a_month_is_named_as_written_and_a_span_of_months_takes_the(ds):
    """ "for February 2026", never "for the february 2026"."""
    assert rc.reconcile(ds, "knife_crime", "ward", period="m").sentence.startswith(
        "London's total for February 2026 is "
    )
    assert rc.period_phrase("February 2026") == "February 2026"
    assert rc.period_phrase("April to June 2025") == "April to June 2025"
    assert rc.period_phrase("12 months to February 2026") == "the 12 months to February 2026"
    assert rc.period_phrase("financial year 2025-26") == "the financial year 2025-26"


def test_the_rows_a_download_ends_with(ds):
    r = rc.reconcile(ds, "knife_crime", "ward", within=LAMBETH)
    assert r.rows() == [
        {"code": LAMBETH, "name": "Lambeth's own total", "value": 120, "row_type": rc.TOTAL},
        {"code": "", "name": "Sum of the 2 wards shown", "value": 108, "row_type": rc.SUM},
        {"code": "", "name": "Recorded in Lambeth but not placed in one of its wards (total "
         "minus sum)", "value": 12, "row_type": rc.DIFFERENCE},
    ]  # fmt: skip
    table = pd.DataFrame(
        {"Area code": ["W1", "W2"], "Area": ["Ward One", "Ward Two"], "Offences": [72, 36],
         "Rate": [180.0, 60.0]}
    )  # fmt: skip
    out = rc.with_reconciliation_rows(
        table, r, code="Area code", name="Area", value="Offences", row_type="Row"
    )
    assert list(out.columns) == ["Area code", "Area", "Offences", "Rate", "Row"]
    assert out["Row"].tolist() == ["area", "area", rc.TOTAL, rc.SUM, rc.DIFFERENCE]
    assert out["Offences"].tolist() == [72, 36, 120, 108, 12]
    assert out["Rate"].iloc[2:].isna().all()
    # The areas' rows add up to the sum row, and total minus sum is the difference row.
    assert out["Offences"].iloc[:2].sum() == out["Offences"].iloc[3]
    assert out["Offences"].iloc[2] - out["Offences"].iloc[3] == out["Offences"].iloc[4]


def test_a_period_without_data_is_not_reconciled(ds):
    r = rc.reconcile(ds, "knife_crime", "ward", "2019-01")
    assert not r.available
    assert r.rows() == []
    assert r.sentence == "There is no data for January 2019."
    assert not rc.reconcile(ds, "gun_crime", "ward").available


def test_a_view_needs_a_borough_or_bcu_filter(ds):
    with pytest.raises(ValueError, match="not a borough or a BCU"):
        rc.reconcile(ds, "knife_crime", "ward", within="E05014100")
    with pytest.raises(ValueError, match="not 'london'"):
        rc.reconcile(ds, "knife_crime", "london")
    assert rc.reconcile(ds, "knife_crime", "borough").scope_code == LONDON_CODE


def test_a_bcus_rows_name_it(ds):
    by_ward = rc.reconcile(ds, "knife_crime", "ward", within=BCU).rows()
    assert [r["name"] for r in by_ward] == [
        "Central South BCU's own total",
        "Sum of the 3 wards shown",
        "Recorded in Central South BCU but not placed in one of its boroughs' wards (total "
        "minus sum)",
    ]
    assert [r["value"] for r in by_ward] == [180, 168, 12]
    by_borough = rc.reconcile(ds, "knife_crime", "borough", within=BCU).rows()
    assert by_borough[2]["name"] == (
        "Recorded in Central South BCU but in none of its boroughs (total minus sum)"
    )
    assert by_borough[2]["value"] == 0
