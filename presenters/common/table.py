"""The table model: one object that the page's HTML table and its CSV download both
render, so the two cannot disagree.

A cell is the text a person reads; a numeric cell also carries its number, which the
download keeps unformatted and the table sorts by. Footer rows follow the areas: the
total the view reconciles to, the sum of the areas shown and the difference.

The browser draws the table from `payload()` (dashboard/assets/tables.js), setting
every cell as text: nothing in a table, an uploaded name included, is ever read as
HTML or Markdown.

A table of areas with a "Borough" (or "BCU") column can be filtered by it: the model
names that column (`filter_column`) and the browser draws a select above the table
listing its values. While a filter is on, the table and its CSV show the same rows
(those of the chosen borough), and the footer rows, which add up the whole table, are
left out of both and the table says so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

# The headings of the column a table of areas can be filtered by, in order of preference:
# a ward's borough first, then a borough's BCU.
FILTER_HEADINGS = ("Borough", "BCU", "Borough or BCU")

# A numeric cell: (text shown, number or None). Other cells are plain text.
Number = tuple[str, float | int | None]
Cell = str | Number


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = False


@dataclass(frozen=True)
class TableModel:
    """A table: caption, columns, rows of cells, footer rows and a file name.

    `row_header` is the column that names each row (a scoped row header).
    `filter_column` is the column whose values the browser offers as a filter (a table
    of wards by their borough), or None for a table that cannot be filtered.
    """

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_header: int = 0
    footer: tuple[tuple[Cell, ...], ...] = ()
    filename: str = "table.csv"
    notes: tuple[str, ...] = field(default=())
    filter_column: int | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        if self.filter_column is not None and not 0 <= self.filter_column < width:
            raise ValueError(f"no column {self.filter_column} to filter by")
        for row in (*self.rows, *self.footer):
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    def texts(self) -> list[list[str]]:
        """Every body row as the text shown."""
        return [[text_of(c) for c in row] for row in self.rows]

    def column(self, heading: str) -> list[Cell]:
        i = self.headings.index(heading)
        return [row[i] for row in self.rows]

    def column_texts(self, heading: str) -> list[str]:
        return [text_of(c) for c in self.column(heading)]

    def column_values(self, heading: str) -> list[object]:
        return [value_of(c) for c in self.column(heading)]

    def filtered(self, value: str) -> TableModel:
        """The table as the browser shows it with its filter set to `value`: only the
        rows whose filter column reads `value`, and no footer (it adds up every row).
        The tests use it to check what a person sees and downloads."""
        if self.filter_column is None:
            raise ValueError("this table has no filter")
        i = self.filter_column
        rows = tuple(r for r in self.rows if text_of(r[i]) == value)
        return replace(self, rows=rows, footer=())

    def filter_values(self) -> list[str]:
        """The choices of the filter: every value of its column, sorted, blanks left out."""
        if self.filter_column is None:
            return []
        return sorted({text_of(r[self.filter_column]) for r in self.rows} - {""})

    def payload(self) -> str:
        """The table as JSON for the browser (see dashboard/assets/tables.js)."""
        return json.dumps(
            {
                "caption": self.caption,
                "columns": [{"heading": c.heading, "numeric": c.numeric} for c in self.columns],
                "rows": [[_json_cell(c) for c in row] for row in self.rows],
                "footer": [[_json_cell(c) for c in row] for row in self.footer],
                "header": self.row_header,
                "filename": self.filename,
                "filter": self.filter_column,
            },
            separators=(",", ":"),
            allow_nan=False,
        )

    @property
    def empty(self) -> bool:
        return not self.rows


def text_of(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def value_of(cell: Cell) -> object:
    return cell if isinstance(cell, str) else cell[1]


def num(text: str, value: object) -> Number:
    """A numeric cell; a missing or non-finite value is kept as None."""
    if value is None:
        return (text, None)
    try:
        v = float(value)
    except (TypeError, ValueError):
        return (text, None)
    if not math.isfinite(v):
        return (text, None)
    return (text, int(v) if v.is_integer() and abs(v) < 2**53 else v)


def _json_cell(cell: Cell) -> object:
    return cell if isinstance(cell, str) else [cell[0], cell[1]]


def slug(text: str, limit: int = 80) -> str:
    """A file-name part from words: "Knife crime, Lambeth" -> "knife-crime-lambeth"."""
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:limit].strip("-") or "table"


def table(
    caption: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Cell]],
    *,
    row_header: int = 0,
    footer: Iterable[Sequence[Cell]] = (),
    filename: str | None = None,
    filter_by: str | None = "",
) -> TableModel:
    """A TableModel from plain sequences; a column given as a string is text.

    `filter_by` names the column a person can filter the table by; by default a table
    with a column headed "Borough" (or "BCU", "Borough or BCU") that does not name its
    rows gets that filter, so every table of areas has it; None turns it off.
    """
    cols = tuple(c if isinstance(c, Column) else Column(c) for c in columns)
    return TableModel(
        caption=caption,
        columns=cols,
        rows=tuple(tuple(r) for r in rows),
        row_header=row_header,
        footer=tuple(tuple(r) for r in footer),
        filename=filename or slug(caption) + ".csv",
        filter_column=_filter_column(cols, row_header, filter_by),
    )


def _filter_column(columns: Sequence[Column], row_header: int, heading: str | None) -> int | None:
    if heading is None:
        return None
    headings = [c.heading for c in columns]
    for wanted in (heading,) if heading else FILTER_HEADINGS:
        if wanted in headings and headings.index(wanted) != row_header:
            return headings.index(wanted)
    return None
