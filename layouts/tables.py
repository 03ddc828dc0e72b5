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
