"""The one URL codec: every page's state read from and written to its address."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presenters.common.state import PageState


@dataclass(frozen=True)
class Example(PageState):
    measure: str = "knife_crime"
    period: str = "r12"
    borough: str | None = None
    code: str = field(default="", metadata={"pattern": r"E0[59]\d{6}"})
    table: bool = False


def test_an_empty_address_gives_the_defaults():
    assert Example.from_query("") == Example()
    assert Example.from_query(None) == Example()


def test_each_field_is_read_on_its_own():
    state = Example.from_query("?measure=gun_crime&borough=E09000022&code=nonsense&table=1")
    assert state == Example(measure="gun_crime", borough="E09000022", table=True)


def test_a_written_state_reads_back_the_same():
    state = Example("knife_crime_injury", "2024-01..2024-06", "E09000022", "E05014099", True)
    assert state.search() == (
        "?measure=knife_crime_injury&period=2024-01..2024-06&borough=E09000022"
        "&code=E05014099&table=1"
    )
    assert Example.from_query(state.search()) == state


@pytest.mark.parametrize(
    "query",
    [{"measure": 5}, {"measure": ["a", "b"]}, {"measure": {"x": 1}}, {"measure": None},
     {"measure": "x" * 500}, {"measure": "   "}, 42, ["measure"], b"measure=x"],
)  # fmt: skip
def test_malformed_values_fall_back_to_the_defaults_without_an_error(query):
    assert Example.from_query(query) == Example()


@given(
    st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.text(max_size=200), st.integers(), st.none(), st.lists(st.text())),
    )
)
def test_any_dict_is_read_without_an_error(raw):
    state = Example.from_query(raw)
    assert isinstance(state, Example)
    assert Example.from_query(state.search()) == state


def test_a_choice_of_the_selects_sets_its_fields_and_builds_the_period():
    state = Example().with_choice(
        {"changed": "period", "measure": "gun_crime", "period": "range", "start": "2025-06",
         "end": "2025-01", "borough": "", "unknown": "x"}
    )  # fmt: skip
    assert state == Example(measure="gun_crime", period="2025-01..2025-06", borough=None)


def test_a_range_of_one_month_is_that_month_and_a_broken_range_the_latest_year():
    one = Example().with_choice({"period": "range", "start": "2025-03", "end": "2025-03"})
    assert one.period == "2025-03"
    broken = Example().with_choice({"period": "range", "start": "2025-03", "end": None})
    assert broken.period == "r12"


def test_choices_that_are_not_strings_are_ignored():
    assert Example().with_choice({"measure": 3, "table": ["1"]}) == Example()
    assert Example().with_choice("nonsense") == Example()  # type: ignore[arg-type]
