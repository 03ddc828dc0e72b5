"""Accessible HTML tables as a single component.

A table of 679 wards built from html.Tr/html.Td is ~3,400 Dash components, and the
Dash renderer takes over ten seconds on a modest machine to mount that many. The
same semantic table (caption, scoped headers) sent as one escaped HTML string in a
Markdown component mounts in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from dash import dcc, html


def html_table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    row_header: int = 1,
    numeric: Sequence[int] = (),
) -> dcc.Markdown:
    """A table whose column `row_header` names each row; `numeric` columns align right."""

    def cell(i: int, value: object) -> str:
        text = escape("" if value is None else str(value))
        cls = num if i in numeric else ""
        if i == row_header:
            return f'<th scope="row"{cls}>{text}</th>'
        return f"<td{cls}>{text}</td>"

    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if i in numeric else ""}>{escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    markup = (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
    return dcc.Markdown(markup, dangerously_allow_html=True, className="data-table")


def csv_button(holder_id: str, label: str = "Download this table (CSV)") -> html.Button:
    """A button that saves the table inside `holder_id` as CSV, cell for cell as shown
    (dashboard/assets/table_csv.js), so every table on a page can be taken away."""
    return html.Button(
        label,
        type="button",
        className="table-csv arp-button",
        **{"data-csv-for": holder_id},
    )
