"""The hot-spot and young-people pages, as a person uses them in Chromium."""

from __future__ import annotations

import pandas as pd
import pytest
from selenium.webdriver.common.by import By

from callbacks import hotspots as hot_page
from dashboard.services import DataService
from data import young_people as yp
from geo.hotspots import area_hotspots
from tests.browser.conftest import axe_violations, console_errors
from tests.browser.test_at_risk_profile import choose, downloaded, text_of, wait

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
ROWS = """
return Array.from(document.querySelectorAll('#hot-table tbody tr')).slice(0, arguments[0])
    .map(tr => tr.children[0].textContent);
"""
MAP_AREAS = """
const gd = document.querySelector('#hot-map .js-plotly-plot');
if (!gd || !gd._fullData) { return -1; }
return gd._fullData.reduce((n, t) => n + (t.locations ? t.locations.length : 0), 0);
"""


def open_page(driver, url: str, ready: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: d.execute_script(ready), timeout=60)


def test_the_hotspot_page_lists_the_flagged_wards_and_maps_every_ward(
    browser, live_server, published, dataset, tmp_path
):
    open_page(
        browser, live_server + "/hotspots", "return !!document.querySelector('#hot-table td')"
    )
    wards = DataService(published).contiguity("ward")
    result = area_hotspots(dataset, wards, "knife_crime")
    expected = hot_page.flagged_rows(result)["name"].head(5).tolist()
    assert browser.execute_script(ROWS, 5) == expected
    # Every ward has a colour, the City's 25 "not covered".
    wait(browser, lambda d: d.execute_script(MAP_AREAS) == 679 + 25)
    assert "Gi* finds" in text_of(browser, "hot-summary")
    assert (
        browser.find_element(By.LINK_TEXT, "Hot spots").get_attribute("href").endswith("/hotspots")
    )

    choose(browser, "hot-borough", LAMBETH)
    wait(browser, lambda d: f"borough={LAMBETH}" in d.current_url)
    wait(browser, lambda d: "Lambeth" in text_of(d, "hot-heading"))
    flagged = hot_page.flagged_rows(result, LAMBETH)
    wait(browser, lambda d: d.execute_script(ROWS, 100) == flagged["name"].tolist())

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.ID, "hot-download-button").click()
    csv = pd.read_csv(downloaded(tmp_path))
    assert csv["area_code"].tolist() == flagged["code"].tolist()
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_gun_crime_says_there_is_no_data_yet(browser, live_server):
    open_page(
        browser,
        live_server + "/hotspots?measure=gun_crime",
        "const e = document.getElementById('hot-summary'); return !!(e && e.innerText);",
    )
    assert "no published data for gun crime" in text_of(browser, "hot-summary")
    assert not browser.find_element(By.ID, "hot-results").is_displayed()


def test_the_young_people_page_says_1_in_n_and_follows_the_choices(browser, live_server, dataset):
    ready = "return !!document.querySelector('#young-table td')"
    open_page(browser, live_server + "/young-people", ready)
    risk = yp.young_risk(dataset, yp.HEADLINE, "borough")
    assert yp.risk_sentence(risk) in text_of(browser, "young-summary")
    choose(browser, "young-level", "ward")
    wait(browser, lambda d: "level=ward" in d.current_url)
    choose(browser, "young-borough", LAMBETH)
    wait(browser, lambda d: f"borough={LAMBETH}" in d.current_url)
    wait(browser, lambda d: "Lambeth, in the 12 months" in text_of(d, "young-summary"))
    wait(
        browser,
        lambda d: d.execute_script(
            "const g = document.querySelector('#young-chart .js-plotly-plot');"
            "return !!(g && g._fullData && g._fullData.length);"
        ),
    )
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


@pytest.fixture
def narrow_phone(phone):
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    yield phone
    phone.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        (
            f"/hotspots?measure=possession_of_weapons&level=lsoa&borough={LAMBETH}",
            "return !!document.querySelector('#hot-table td')",
        ),
        (
            f"/young-people?level=ward&borough={LAMBETH}",
            "return !!document.querySelector('#young-table td')",
        ),
    ],
)
def test_both_pages_fit_a_390px_phone_and_pass_axe(narrow_phone, live_server, path, ready):
    open_page(narrow_phone, live_server + path, ready)
    assert narrow_phone.execute_script("return window.innerWidth") == 390
    overflow = narrow_phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    assert axe_violations(narrow_phone) == []
