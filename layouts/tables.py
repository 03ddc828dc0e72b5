"""Tables on the page: drawn in the browser from a TableModel, every cell as text.

A table of 679 wards built from html.Tr/html.Td is about 8,000 Dash components, which
took the renderer nearly a minute to mount in headless Chromium; the model travels as
one JSON attribute instead and dashboard/assets/tables.js draws it (with sortable
columns and a CSV download of the same model), so nothing in it is read as HTML.
"""

from __future__ import annotations

from dash import html

from presenters.common.table import TableModel


def table(model: TableModel | None, *, label: str | None = None, class_name: str = "") -> object:
    """A scrollable, focusable region holding the table; nothing when there is no model."""
    if model is None:
        return None
    return html.Div(
        className=("table-wrap data-table " + class_name).strip(),
        tabIndex="0",
        role="region",
        **{"aria-label": label or model.caption, "data-table": model.payload()},
    )


def csv_button(holder_id: str, label: str = "Download this table (CSV)") -> html.Button:
    """A button that saves the table inside `holder_id` as CSV, as the page shows it."""
    return html.Button(
        label,
        type="button",
        className="table-csv arp-button",
        **{"data-csv-for": holder_id},
    )


# TRANSITIONAL: the old markup tables, until every page draws from a TableModel.
def html_table(caption, headers, rows, *, row_header=1, numeric=()):
    from html import escape

    from dash import dcc

    def cell(i: int, value: object) -> str:
        text = escape("" if value is None else str(value)).replace("\n", " ").replace("\r", " ")
        cls = ' class="num"' if i in numeric else ""
        tag = "th" if i == row_header else "td"
        scope = ' scope="row"' if i == row_header else ""
        return f"<{tag}{scope}{cls}>{text}</{tag}>"

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
