"""Compare areas in Chromium: open a shared link, add an area by name, change the chart,
remove an area, reach the page from a profile; axe on a laptop and at 390 px."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import axe_violations, console_errors

pytestmark = pytest.mark.browser

LAMBETH, SOUTHWARK = "E09000022", "E09000028"
LINES = """
const gd = document.querySelector('#compare-chart .js-plotly-plot');
return gd && gd.data ? gd.data.map(t => t.name) : [];
"""


def wait(driver, condition, timeout: float = 60):
    ignored = (StaleElementReferenceException,)
    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=ignored).until(
        condition
    )


def text(driver, element_id: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id
    )


def no_serious_violations(driver) -> None:
    found = axe_violations(driver)
    assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]


def test_a_comparison_is_built_changed_and_shared(browser, live_server):
    browser.get(f"{live_server}/compare?areas={LAMBETH},{SOUTHWARK}")
    wait(browser, lambda d: d.execute_script(LINES) == ["Lambeth", "Southwark", "London"])
    assert text(browser, "compare-heading") == "Comparing Lambeth and Southwark"
    wait(browser, lambda d: "Knife crime" in text(d, "compare-table"))
    no_serious_violations(browser)

    # Add a ward by name: the address, the chart and the table follow.
    box = browser.find_element(By.ID, "compare-search")
    box.send_keys("Peckham" + Keys.ENTER)
    wait(browser, lambda d: "Peckham" in d.execute_script(LINES))
    assert "areas=E09000022%2CE09000028%2C" in browser.current_url
    assert "Remove Peckham" in text(browser, "compare-chosen")
    assert "Peckham" in text(browser, "compare-table")

    # The chart's measure and kind of trend are choices kept in the address.
    Select(browser.find_element(By.ID, "compare-trend")).select_by_value("monthly")
    wait(browser, lambda d: "trend=monthly" in d.current_url)
    Select(browser.find_element(By.ID, "compare-measure")).select_by_value("knife_crime_injury")
    wait(browser, lambda d: "measure=knife_crime_injury" in d.current_url)
    wait(browser, lambda d: "Knife crime with injury" in text(d, "compare-chart-note"))

    # Remove an area; the shared link reopens the same comparison.
    browser.find_element(By.LINK_TEXT, "Remove Southwark").click()
    wait(browser, lambda d: "Southwark" not in d.execute_script(LINES)
         and d.execute_script(LINES))  # fmt: skip
    shared = browser.find_element(By.ID, "compare-share").get_attribute("href")
    browser.get(shared)
    wait(browser, lambda d: d.execute_script(LINES)[:1] == ["Lambeth"])
    assert "Southwark" not in text(browser, "compare-heading")
    assert Select(browser.find_element(By.ID, "compare-trend")).first_selected_option.text == (
        "Monthly"
    )
    assert not [e for e in console_errors(browser) if "favicon" not in e]


def test_a_profile_opens_a_comparison_and_the_page_fits_a_phone(browser, narrow_phone,
                                                                 live_server):  # fmt: skip
    browser.get(f"{live_server}/area/{LAMBETH}")
    link = wait(browser, lambda d: d.find_elements(By.LINK_TEXT,
                                                   "Compare Lambeth with other areas"))  # fmt: skip
    link[0].click()
    wait(browser, lambda d: "/compare?areas=E09000022" in d.current_url)
    wait(
        browser, lambda d: "Add another area to compare with Lambeth." in text(d, "compare-summary")
    )
    no_serious_violations(browser)

    narrow_phone.get(f"{live_server}/compare?areas={LAMBETH},{SOUTHWARK}")
    wait(narrow_phone, lambda d: len(d.execute_script(LINES)) == 3)
    wait(narrow_phone, lambda d: "Knife crime" in text(d, "compare-table"))
    no_serious_violations(narrow_phone)
    width = narrow_phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
