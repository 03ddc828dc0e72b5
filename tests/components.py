"""Reading Dash components as a person would: their text, tables included.

Tables are drawn in the browser from their model (a `data-table` JSON attribute, see
layouts/tables.py); here they read as caption, headings, then each row's cells in order.
"""

from __future__ import annotations

import json
import re
from html import unescape

from dash import dcc


def table_text(payload: str) -> str:
    model = json.loads(payload)

    def cell(c: object) -> str:
        return c if isinstance(c, str) else str(c[0])  # type: ignore[index]

    lines = [model["caption"], " ".join(c["heading"] for c in model["columns"])]
    lines += [" ".join(cell(c) for c in row) for row in [*model["rows"], *model["footer"]]]
    return " ".join(lines)


def text_of(component) -> str:
    """All the text a person would read in a component tree (tables included)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, dcc.Markdown):
        return unescape(re.sub(r"<[^>]+>", " ", component.children))
    payload = getattr(component, "data-table", None)
    if isinstance(payload, str):
        return table_text(payload)
    return text_of(getattr(component, "children", None))


def flat(text: str) -> str:
    """Text with its runs of white space made single spaces."""
    return " ".join(text.split())


def find(component, id_: str):
    """The component with an id in a tree, or None."""
    if isinstance(component, list | tuple):
        for c in component:
            if (hit := find(c, id_)) is not None:
                return hit
        return None
    if getattr(component, "id", None) == id_:
        return component
    children = getattr(component, "children", None)
    return find(children, id_) if children is not None else None
