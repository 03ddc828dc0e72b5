"""The site's pages (listed once, in presenters/router.py) and how a page is drawn.

Each page is a module in `layouts/` with `layout(query: dict[str, str], path: str)`
returning its components; the query string holds the page's state, so a shared link
reopens the same view.
"""

from __future__ import annotations

import importlib

from presenters.common.state import query_dict
from presenters.router import PAGES, Page, page_for

__all__ = ["PAGES", "Page", "page_for", "parse_query", "render"]


def parse_query(search: str | None) -> dict[str, str]:
    return query_dict(search)


def render(page: Page, query: dict[str, str], path: str):
    module = importlib.import_module(f"layouts.{page.module}")
    return module.layout(query, path)
