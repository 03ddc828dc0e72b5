"""The router's words: which page an address opens, its title, and the data version."""

from __future__ import annotations

import pytest

from presenters.router import data_version_line, page_for, route
from tests.builders import tiny_dataset

SITE = " - London Weapon-Enabled Crime Dashboard"


@pytest.mark.parametrize(
    ("path", "module"),
    [("/", "overview"), ("", "overview"), (None, "overview"), ("/area", "profile"),
     ("/area/E09000022", "profile"), ("/at-risk/", "at_risk"), ("/staff/history", "staff_history"),
     ("/staff", "staff"), ("/about", "about")],
)  # fmt: skip
def test_each_address_opens_its_page(path, module):
    assert page_for(path).module == module


def test_an_unknown_address_is_not_found_and_a_staff_page_asks_for_a_sign_in():
    missing = route("/areas")
    assert (missing.page, missing.title) == (None, "Page not found" + SITE)
    assert "There is no page at /areas." in missing.not_found[0].text
    staff = route("/staff")
    assert staff.sign_in
    assert not route("/staff", staff="someone").sign_in
    assert route("/area/E09000022").title == "Area profiles" + SITE
    assert route("/area/E09000022").nav_path == "/area"


def test_the_footer_names_the_data_version_and_its_latest_month():
    assert data_version_line(tiny_dataset(version=3)) == (
        "Data version 3; latest month February 2026."
    )
    assert data_version_line(None) == "No data has been published yet."
