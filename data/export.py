"""Downloads: CSV of exactly what a page shows, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) is run as a formula by
Excel and LibreOffice; such cells are prefixed with an apostrophe so they are shown
as text (OWASP "CSV injection"). Negative numbers stay numbers: only text is touched.
"""

from __future__ import annotations

import io

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text with every text cell defused."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False)
    return buffer.getvalue()
