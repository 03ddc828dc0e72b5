"""The London overview and About the data, as a person sees them in Chromium."""

from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from data import queries
from data.overview import ROLLING
from presenters import overview
from tests.browser.conftest import AXE, axe_violations, console_errors, saved_file

pytestmark = pytest.mark.browser

KNIFE = (
    "knife_crime",
    "knife_crime_injury",
    "knife_crime_injury_robbery",
    "knife_injury_victims_1_24",
    "knife_injury_victims_1_24_non_da",
)
GUN = ("gun_crime", "gun_crime_robbery", "lethal_barrelled_discharges", "non_lethal_discharges")


def open_overview(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait = WebDriverWait(driver, 60)
    wait.until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#overview-cards .overview-figure"))
    )
    wait.until(lambda d: d.execute_script(
        "const g = document.querySelectorAll('#overview-charts .js-plotly-plot');"
        "return g.length === 5 && Array.from(g).every(p => p._fullData && p._fullData.length);"
    ))  # fmt: skip


def open_about(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    WebDriverWait(driver, 60).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#about-content .about-files"))
    )


@contextmanager
def phone_width(driver):
    """A 390 x 844 viewport: headless Chromium will not open a window narrower than 500 px."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _overflow(driver) -> int:
    return driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )


def card(driver, measure: str):
    return driver.find_element(By.ID, f"overview-card-box-{measure}")


def test_the_overview_shows_the_published_figures(browser, live_server, dataset):
    open_overview(browser, live_server + "/")
    assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
    for measure in KNIFE:
        expected = queries.london_headline(dataset, measure, "r12")
        shown = card(browser, measure)
        assert shown.find_element(By.CLASS_NAME, "overview-figure").text == f"{expected['count']:,}"
        assert f"{expected['previous']:,} in the 12 months before" in shown.text
    assert (
        card(browser, "knife_crime").find_element(By.CLASS_NAME, "overview-figure").text == "13,552"
    )
    for measure in GUN:
        text = card(browser, measure).text
        assert "No figures yet" in text
        assert not re.search(r"\d", text)
    # How gun crime data will arrive is said once, for the four cards.
    arrival = dataset.measures.loc["gun_crime", "arrival"]
    assert browser.find_element(By.ID, "overview-cards").text.count(arrival) == 1

    # The first chart plots London's monthly knife crime offences.
    plotted = browser.execute_script(
        "return Array.from(document.querySelector('#overview-charts .js-plotly-plot')"
        "._fullData[0].y);"
    )
    assert plotted == dataset.series("knife_crime", "london").values[0].tolist()
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def _table_rows(driver) -> list[list[str]]:
    driver.find_element(By.CSS_SELECTOR, ".overview-table summary").click()
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#overview-table tr'))"
        ".map(r => Array.from(r.children).map(c => c.textContent));"
    )


def test_the_rolling_view_its_table_and_its_download_agree(browser, live_server, dataset, tmp_path):
    open_overview(browser, live_server + "/")
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.ID, "overview-trend-rolling").click()
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: "rolling 12-month" in d.execute_script(
        "return document.getElementById('overview-table').textContent;"
    ))  # fmt: skip
    assert browser.find_element(By.ID, "overview-trend-rolling").get_attribute("aria-pressed") == (
        "true"
    )
    assert browser.current_url.endswith("/?trend=rolling")

    rows = _table_rows(browser)
    expected = overview.trend_table(dataset, ROLLING)
    assert rows[0] == expected.headings
    assert rows[1:] == expected.texts()
    plotted = browser.execute_script(
        "return Array.from(document.querySelector('#overview-charts .js-plotly-plot')"
        "._fullData[0].y);"
    )
    assert [f"{int(v):,}" for v in plotted] == [r[1] for r in rows[1:]]

    browser.find_element(By.CSS_SELECTOR, "button[data-csv-for='overview-table']").click()
    target = saved_file(tmp_path, ".csv", timeout=20)
    assert target.name == f"london-knife-crime-rolling-v{dataset.version_id}.csv"
    downloaded = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert downloaded[0] == rows[0]
    assert [[r[0], *(f"{int(v):,}" for v in r[1:])] for r in downloaded[1:]] == rows[1:]

    # The address now reopens the same view; Back returns to each month.
    open_overview(browser, browser.current_url)
    pressed = browser.find_element(By.ID, "overview-trend-rolling").get_attribute("aria-pressed")
    assert pressed == "true"
    browser.back()
    wait.until(lambda d: d.find_element(By.ID, "overview-trend-monthly").get_attribute(
        "aria-pressed") == "true")  # fmt: skip
    assert console_errors(browser) == []


# Rules beyond the WCAG set run on every page: paragraphs dressed as headings (an
# experimental rule, so named here) and one footer landmark per page.
STRUCTURE_RULES = [
    "p-as-heading",
    "landmark-no-duplicate-contentinfo",
    "landmark-contentinfo-is-top-level",
    "landmark-unique",
    "heading-order",
]


def structure_violations(driver) -> list[tuple[str, list[str]]]:
    driver.execute_script(AXE.read_text())
    found = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'rule', values: arguments[0]}})
          .then(r => done(r.violations.map(v => [v.id, v.nodes.map(n => n.html)])))
          .catch(e => done([['axe-error', [String(e)]]]));
        """,
        STRUCTURE_RULES,
    )
    return [tuple(v) for v in found]


def test_the_overview_has_real_headings_and_one_footer(browser, live_server):
    open_overview(browser, live_server + "/")
    assert structure_violations(browser) == []
    # The rule does run: a paragraph dressed as a heading is caught.
    browser.execute_script(
        "const p = document.createElement('p'); p.textContent = 'Looks like a heading';"
        "p.style.fontWeight = '700'; p.style.fontSize = '2em';"
        "const q = document.createElement('p');"
        "q.textContent = 'The paragraph under it, twice its length or more.';"
        "document.getElementById('main').append(p, q);"
    )
    assert [v[0] for v in structure_violations(browser)] == ["p-as-heading"]
    footers = browser.execute_script(
        "return Array.from(document.querySelectorAll('footer, [role=contentinfo]'))"
        ".map(f => f.className);"
    )
    assert footers == ["site-footer"]


def test_the_overview_fits_a_phone_and_passes_axe(phone, live_server):
    with phone_width(phone):
        open_overview(phone, live_server + "/")
        assert phone.execute_script("return window.innerWidth;") == 390
        assert _overflow(phone) <= 0
        assert axe_violations(phone) == []
    assert console_errors(phone) == []


def test_about_shows_the_published_version(browser, live_server, dataset, published):
    from dashboard.services import DataService

    info = DataService(published).published_info()
    open_about(browser, live_server + "/about")
    assert [h.text for h in browser.find_elements(By.TAG_NAME, "h1")] == ["About the data"]
    text = browser.find_element(By.ID, "about-content").text
    assert f"Version\n{dataset.version_id}" in text or f"Version {dataset.version_id}" in text
    for f in info.files:
        assert f.sha256[:12] in text
    for label in dataset.measures["label"]:
        assert label in text
    assert "Open Government Licence v2.0" in text
    assert "Contains OS data © Crown copyright and database right." in text
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_about_fits_a_phone_and_passes_axe(phone, live_server):
    with phone_width(phone):
        open_about(phone, live_server + "/about")
        assert _overflow(phone) <= 0
        assert axe_violations(phone) == []
        assert structure_violations(phone) == []
    assert console_errors(phone) == []


def test_about_documents_the_open_data_and_its_links_work(browser, live_server, dataset):
    import requests

    open_about(browser, live_server + "/about")
    section = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=about-open-data]")
    assert "OpenAPI 3" in section.text
    links = [a.get_attribute("href") for a in section.find_elements(By.TAG_NAME, "a")]
    download = browser.find_element(By.ID, "about-download").get_attribute("href")
    assert download.endswith(f"london-weapon-crime-data-v{dataset.version_id}.zip")
    for href in links:
        if href == download:
            continue  # the zip is tested in tests/integration/test_api.py
        answer = requests.get(href, timeout=60)
        assert answer.status_code == 200, href
        assert answer.json().get("data_version", dataset.version_id) == dataset.version_id
