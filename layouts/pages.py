"""The site's pages: one entry each, so the navigation and the router cannot disagree.

Each page is a module in `layouts/` with `layout(query: dict[str, str], path: str)`
returning its components; the query string holds the page's state, so a shared link
reopens the same view.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    nav: str
    module: str
    # Staff pages: signed-in staff only, and never in the public navigation.
    staff: bool = False


PAGES: tuple[Page, ...] = (
    Page("/", "London overview", "Overview", "overview"),
    Page("/map", "Map of weapon-enabled crime", "Map", "map"),
    Page("/at-risk", "Most at-risk areas", "At-risk areas", "at_risk"),
    Page("/hotspots", "Hot spots and repeat victimisation", "Hot spots", "hotspots"),
    Page("/young-people", "Young people and knife crime", "Young people", "young_people"),
    Page("/area", "Area profile", "Area profiles", "profile"),
    Page("/perception", "Public perception", "Perception", "perception"),
    Page("/about", "About the data", "About the data", "about"),
    Page("/staff", "Staff: data refresh", "Data refresh", "staff", staff=True),
    Page("/staff/history", "Staff: versions and history", "History", "staff_history", staff=True),
)


def page_for(pathname: str | None) -> Page | None:
    path = (pathname or "/").rstrip("/") or "/"
    for page in sorted(PAGES, key=lambda p: len(p.path), reverse=True):
        if path == page.path or (page.path != "/" and path.startswith(page.path + "/")):
            return page
    return None


def parse_query(search: str | None) -> dict[str, str]:
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))


def render(page: Page, query: dict[str, str], path: str):
    module = importlib.import_module(f"layouts.{page.module}")
    return module.layout(query, path)
