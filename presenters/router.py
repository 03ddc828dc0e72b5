"""The site's pages and what the frame around them says: which page an address opens,
the browser's title, the current navigation item and the data-version line."""

from __future__ import annotations

from dataclasses import dataclass

from data.dataset import Dataset
from presenters.common import words
from presenters.common.view import Para, document_title


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    nav: str
    module: str  # the page's module in layouts/ (and callbacks/)
    # Staff pages: signed-in staff only, and never in the public navigation.
    staff: bool = False


PAGES: tuple[Page, ...] = (
    Page("/", "London overview", "Overview", "overview"),
    Page("/trends", "Long-term trends", "Long-term trends", "trends"),
    Page("/map", "Map of weapon-enabled crime", "Map", "map"),
    Page("/at-risk", "Most at-risk areas", "At-risk areas", "at_risk"),
    Page("/hotspots", "Hot spots and repeat victimisation", "Hot spots", "hotspots"),
    Page("/young-people", "Young people and knife crime", "Young people", "young_people"),
    Page("/area", "Area profiles", "Area profiles", "profile"),
    Page("/compare", "Compare areas", "Compare", "compare"),
    Page("/perception", "Public perception", "Perception", "perception"),
    Page("/about", "About the data", "About the data", "about"),
    Page("/staff", "Staff: data refresh", "Data refresh", "staff", staff=True),
    Page("/staff/history", "Staff: versions and history", "History", "staff_history", staff=True),
)


@dataclass(frozen=True)
class Route:
    """Where an address leads: its page (None when there is no such page), the
    browser's title, the navigation item to mark, and whether a staff page must ask
    for a sign-in first."""

    page: Page | None
    title: str
    nav_path: str
    sign_in: bool = False
    not_found: tuple[Para, ...] = ()


def page_for(pathname: object) -> Page | None:
    """The page of an address: the longest page path it equals or lies under."""
    path = (pathname if isinstance(pathname, str) else "/").rstrip("/") or "/"
    for page in sorted(PAGES, key=lambda p: len(p.path), reverse=True):
        if path == page.path or (page.path != "/" and path.startswith(page.path + "/")):
            return page
    return None


def route(pathname: object, staff: str | None = None) -> Route:
    """The route of an address for a visitor (`staff` is the signed-in member of staff)."""
    page = page_for(pathname)
    if page is None:
        shown = pathname if isinstance(pathname, str) and pathname else "/"
        return Route(
            None,
            document_title("Page not found"),
            "",
            not_found=(Para(f"There is no page at {shown}. Use the menu above to find your way."),),
        )
    return Route(page, document_title(page.title), page.path, sign_in=page.staff and not staff)


def data_version_line(ds: Dataset | None) -> str:
    """The footer's line: "Data version 3; latest month February 2026."."""
    if ds is None:
        return words.NO_DATA
    latest = ds.latest_month_overall
    text = f"Data version {ds.version_id}"
    return text + (f"; latest month {words.month(latest)}." if latest is not None else ".")
