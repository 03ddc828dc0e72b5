"""The table model: one object that the page's HTML table and its CSV download both
render, so the two cannot disagree.

A cell is the text a person reads; a numeric cell also carries its number, which the
download keeps unformatted and the table sorts by. Footer rows follow the areas: the
total the view reconciles to, the sum of the areas shown and the difference.

The browser draws the table from `payload()` (dashboard/assets/tables.js), setting
every cell as text: nothing in a table, an uploaded name included, is ever read as
HTML or Markdown.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
    """

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_header: int = 0
    footer: tuple[tuple[Cell, ...], ...] = ()
    filename: str = "table.csv"
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        width = len(self.columns)
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
) -> TableModel:
    """A TableModel from plain sequences; a column given as a string is text."""
    cols = tuple(c if isinstance(c, Column) else Column(c) for c in columns)
    return TableModel(
        caption=caption,
        columns=cols,
        rows=tuple(tuple(r) for r in rows),
        row_header=row_header,
        footer=tuple(tuple(r) for r in footer),
        filename=filename or slug(caption) + ".csv",
    )
