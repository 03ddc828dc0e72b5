"""Postcode search as a person uses it in Chromium, on the map and on the profile search:
a full postcode in any spacing opens its ward and says where it lies, a district lists
its wards with their postcodes, bad input gets its message; axe on a laptop and at
390 px with the answers shown. Then the release notes: the overview's latest note and
the feed linked from the page's head, served as Atom."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from presenters.common import areas
from presenters.common.releases import ATOM
from tests.browser.conftest import axe_violations, console_errors

pytestmark = pytest.mark.browser

GRAPH = "document.querySelector('#map .js-plotly-plot')"
BRIXTON_ACRE_LANE = "E05014095"  # SW2 1RW's ward


def wait(driver, condition, timeout: float = 60):
    return WebDriverWait(
        driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def text_of(driver, element_id: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id
    )


def links(driver, holder: str) -> list[str]:
    return driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{holder} a')).map(a => a.textContent);"
    )


def search(driver, box_id: str, text: str) -> None:
    """Type into the box and press Enter once the box holds the text (a page still
    answering an earlier change may draw the box again and drop what was typed)."""

    def typed(d) -> bool:
        box = d.find_element(By.ID, box_id)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(text)
        return box.get_attribute("value") == text

    wait(driver, typed)
    driver.find_element(By.ID, box_id).send_keys(Keys.ENTER)


def open_map(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: d.execute_script(f"const g = {GRAPH}; return !!(g && g._fullData);"))


def test_the_map_finds_a_postcode_a_district_and_says_what_is_wrong(browser, live_server, dataset):
    open_map(browser, live_server + "/map")
    search(browser, "map-find", "sw21rw")
    wait(browser, lambda d: f"area={BRIXTON_ACRE_LANE}" in d.current_url)
    wait(browser, lambda d: "Brixton Acre Lane" in text_of(d, "map-selected"))
    assert text_of(browser, "map-find-message") == "SW2 1RW is in Brixton Acre Lane ward, Lambeth."

    search(browser, "map-find", "SW2")
    expected = [label for _, label in areas.find(dataset, "SW2").matches]
    wait(browser, lambda d: links(d, "map-find-message") == expected)
    assert expected[0].endswith("postcodes")
    assert axe_violations(browser) == []  # the list of wards shown
    browser.find_element(By.LINK_TEXT, expected[0]).click()
    code = areas.find(dataset, "SW2").matches[0][0]
    wait(browser, lambda d: f"area={code}" in d.current_url)
    name = str(dataset.areas.loc[code, "name"])
    wait(browser, lambda d: name in text_of(d, "map-selected"))

    search(browser, "map-find", "XX1")
    wait(browser, lambda d: "is not a UK postcode" in text_of(d, "map-find-message"))
    search(browser, "map-find", "EC2V 7HH")
    wait(browser, lambda d: "City of London Police" in text_of(d, "map-find-message"))
    assert axe_violations(browser) == []
    assert console_errors(browser) == []


def test_the_profile_search_opens_a_postcodes_ward(browser, live_server):
    browser.get(live_server + "/area")
    search(browser, "profile-search", "SW2 1RW")
    wait(browser, lambda d: d.current_url.endswith(f"/area/{BRIXTON_ACRE_LANE}"))
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Brixton Acre Lane")
    search(browser, "profile-search", "M1 1AE")
    wait(browser, lambda d: "not a London postcode" in text_of(d, "profile-search-message"))
    assert console_errors(browser) == []


def test_postcode_answers_fit_a_390px_phone_and_pass_axe(narrow_phone, live_server):
    open_map(narrow_phone, live_server + "/map")
    # On a phone the search sits in the folded choices, under the map: open them.
    narrow_phone.find_element(By.CSS_SELECTOR, ".map-choose-summary").click()
    search(narrow_phone, "map-find", "E14")
    wait(narrow_phone, lambda d: len(links(d, "map-find-message")) > 1)
    overflow = narrow_phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    assert axe_violations(narrow_phone) == []


def test_the_overview_shows_the_latest_release_and_links_its_feed(browser, live_server, dataset):
    browser.get(live_server + "/")
    wait(browser, lambda d: "the first published" in text_of(d, "overview-release"))
    feed = browser.execute_script(
        "const l = document.querySelector('head link[rel=alternate]"
        '[type="application/atom+xml"]\'); return l ? l.href : null;'
    )
    assert feed == live_server + "/releases.atom"
    with urllib.request.urlopen(feed) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.read())
    entries = root.findall(f"{{{ATOM}}}entry")
    assert entries
    assert entries[0].findtext(f"{{{ATOM}}}title").startswith(f"Data version {dataset.version_id}")
    links_shown = links(browser, "overview-release")
    assert links_shown == ["Every release so far", "Follow releases with the Atom feed"]
    assert axe_violations(browser) == []
