"""The rows a table of areas ends with: the view's total, the sum of the areas shown and
the difference (data.reconciliation), set in the table's own columns, so the page and
its CSV end the same way."""

from __future__ import annotations

from data.reconciliation import SUM, Reconciliation
from presenters.common import words
from presenters.common.table import Cell, num


def footer_rows(
    totals: Reconciliation | None,
    width: int,
    *,
    name_at: int,
    value_at: int,
    code_at: int,
    sum_name: str | None = None,
) -> list[tuple[Cell, ...]]:
    """The total, the sum of the areas shown and the difference, each a row of `width`
    cells with its name, value and code in the columns given and the rest blank.

    `sum_name` renames the sum's row, for a table that lists some of the areas the
    view sums (a table of flagged areas under a map of them all)."""
    if totals is None or not totals.available:
        return []
    out = []
    for row in totals.rows():
        cells: list[Cell] = [""] * width
        name = str(row["name"])
        cells[name_at] = sum_name if sum_name and row["row_type"] == SUM else name
        cells[value_at] = num(words.number(row["value"]), row["value"])
        cells[code_at] = str(row["code"])
        out.append(tuple(cells))
    return out
