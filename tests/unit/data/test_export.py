"""CSV downloads cannot run formulas when opened in a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from data.export import safe_csv


def test_text_that_looks_like_a_formula_is_defused_and_numbers_are_kept():
    frame = pd.DataFrame(
        {
            "area": ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "Lambeth"],
            "n": [1, -2, 3, 4, 5],
        }
    )
    text = safe_csv(frame)
    back = pd.read_csv(io.StringIO(text))
    assert back["area"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "Lambeth",
    ]
    assert back["n"].tolist() == [1, -2, 3, 4, 5]


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8))
def test_no_cell_of_text_ever_starts_a_formula(values):
    text = safe_csv(pd.DataFrame({"name": values}))
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for cell in back["name"]:
        assert not cell.startswith(("=", "+", "-", "@"))
