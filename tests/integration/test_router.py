"""The router on the real published data: the page an address opens, with its title,
its navigation item and the data-version line."""

from __future__ import annotations

from callbacks.router import show
from layouts import ids
from tests.components import find, flat, text_of

SITE = " - London Weapon-Enabled Crime Dashboard"


def current_nav(shown: dict) -> list[str]:
    items = shown["nav"].children.children
    return [item.children.children for item in items if getattr(item, "aria-current", None)]


def test_an_area_address_opens_the_profile_with_its_code_and_query(dataset):
    shown = show(dataset, "/area/E09000022", "?measure=knife_crime_outcomes")
    assert find(shown["content"], ids.PROFILE_CODE).data == "E09000022"
    assert find(shown["content"], ids.PROFILE_URL).search == "?measure=knife_crime_outcomes"
    assert shown["title"] == "Area profiles" + SITE  # the profile then names the area
    assert current_nav(shown) == ["Area profiles"]
    latest = dataset.latest_month_overall
    assert shown["version"] == f"Data version {dataset.version_id}; latest month {latest:%B %Y}."


def test_staff_pages_ask_for_a_sign_in_and_unknown_pages_say_so(dataset):
    staff = show(dataset, "/staff", "")
    assert "Staff sign in needed" in text_of(staff["content"])
    assert current_nav(staff) == []  # staff pages are not in the public navigation
    missing = show(dataset, "/nowhere", "")
    assert missing["title"] == "Page not found" + SITE
    assert flat(text_of(missing["content"])).startswith("Page not found There is no page at")


def test_with_nothing_published_the_footer_says_so():
    assert show(None, "/about", "")["version"] == "No data has been published yet."
