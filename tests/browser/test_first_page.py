"""The first page, as a person sees it: the ward map of knife crime over 12 months."""

from __future__ import annotations

import gzip
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from data import queries
from tests.browser.conftest import axe_violations, console_errors

pytestmark = pytest.mark.browser


def open_map(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait = WebDriverWait(driver, 60)
    wait.until(ec.text_to_be_present_in_element((By.ID, "headline"), "London:"))
    wait.until(lambda d: d.execute_script(
        "const g = document.querySelector('#map .js-plotly-plot');"
        "return g && g._fullData && g._fullData.length > 0 &&"
        " document.querySelectorAll('#map canvas').length > 0;"
    ))  # fmt: skip


def test_the_ward_map_shows_the_published_figures(browser, live_server, dataset):
    open_map(browser, live_server + "/map")
    expected = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12")
    shown = expected.frame[expected.frame["status"] == queries.OK]
    plotted = browser.execute_script(
        "const d = document.querySelector('#map .js-plotly-plot')._fullData[0];"
        "return [Array.from(d.locations), Array.from(d.z)];"
    )
    assert dict(zip(*plotted, strict=True)) == dict(
        zip(shown["code"], shown["value"].astype(float), strict=True)
    )
    assert len(plotted[0]) == 679
    grey = browser.execute_script(
        "return Array.from(document.querySelector('#map .js-plotly-plot')._fullData[1].locations);"
    )
    assert len(grey) == 25  # the City of London's wards: not covered, not zero
    assert all(code.startswith("E0500") for code in grey)

    # The table alternative holds the same numbers as the map.
    browser.find_element(By.CSS_SELECTOR, "#map-table-details summary").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#map-table tbody tr")
    assert len(rows) == 679
    top = shown.sort_values(["rank", "name"]).iloc[0]
    first = rows[0].text
    assert top["name"] in first
    assert f"{int(top['count']):,}" in first

    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_boundaries_are_sent_once_with_long_lived_cache_headers(browser, live_server):
    open_map(browser, live_server + "/map")
    url = browser.execute_script(
        "return document.querySelector('#map .js-plotly-plot')._fullData[0].geojson;"
    )
    assert url.startswith("/geo/wards-")
    with urllib.request.urlopen(live_server + url) as response:
        assert "immutable" in response.headers["Cache-Control"]
        body = response.read()
    assert len(body) > 10_000


def test_the_page_fits_a_phone_screen_and_passes_axe(phone, live_server):
    open_map(phone, live_server + "/map")
    overflow = phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    assert axe_violations(phone) == []


def test_the_accessibility_check_does_catch_a_violation(browser, live_server):
    """Guards the guard: axe must report a known failure, or the checks above prove nothing."""
    open_map(browser, live_server + "/map")
    browser.execute_script(
        "const b = document.createElement('button'); b.id = 'unlabelled';"
        "document.getElementById('main').appendChild(b);"
    )
    try:
        ids = {v["id"] for v in axe_violations(browser)}
    finally:
        browser.execute_script("document.getElementById('unlabelled').remove();")
    assert "button-name" in ids


def test_the_ward_boundaries_travel_gzipped_within_300_kb(live_server, published):
    name = next(p.name for p in published.web_dir.glob("wards-*.geojson"))
    request = urllib.request.Request(
        f"{live_server}/geo/{name}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        body = response.read()
    assert len(body) <= 300 * 1024
    assert gzip.decompress(body) == (published.web_dir / name).read_bytes()
