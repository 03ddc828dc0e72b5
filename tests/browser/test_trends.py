"""Long-term trends (/trends) in Chromium: a borough chosen from the select adds its panel
and column, the table downloads as the cells shown, the chart downloads as a PNG named
for what it shows, and the page passes axe on a laptop and at 390 px."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from data.overview import ROLLING
from presenters import trends
from presenters.trends import TrendsState
from tests.browser.conftest import axe_violations, console_errors, saved_file

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
MEASURES = ("possession_of_weapons", "homicide_knife", "homicide_shooting")
TRACES = """
return Array.from(document.querySelectorAll('#trends-measures .js-plotly-plot'))
  .map(gd => gd._fullData ? gd._fullData.length : -1);
"""


def wait(driver, condition, timeout: float = 60):
    return WebDriverWait(
        driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def open_trends(driver, url: str, panels: int) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: d.execute_script(TRACES) == [panels] * len(MEASURES))


def test_a_borough_adds_its_panel_and_both_downloads_say_what_they_show(
    browser, live_server, dataset, tmp_path
):
    open_trends(browser, live_server + "/trends", panels=1)
    assert [h.text for h in browser.find_elements(By.TAG_NAME, "h1")] == ["Long-term trends"]
    Select(browser.find_element(By.ID, "trends-borough")).select_by_value(LAMBETH)
    wait(browser, lambda d: f"borough={LAMBETH}" in d.current_url)
    wait(browser, lambda d: d.execute_script(TRACES) == [2, 2, 2])
    heading = browser.find_element(By.ID, "trends-heading").text
    assert heading == "Long-term trends: London and Lambeth, rolling 12-month totals"
    # The recording change is marked on the chart that reaches it.
    shapes = browser.execute_script(
        "const gd = document.querySelector('#trends-chart-possession_of_weapons .js-plotly-plot');"
        "return (gd.layout.shapes || []).map(s => s.x0);"
    )
    assert shapes == ["2024-02-01"]

    model = trends.view(dataset, TrendsState(LAMBETH, ROLLING)).measures[0].table
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(
        By.CSS_SELECTOR, "button[data-csv-for='trends-table-possession_of_weapons']"
    ).click()
    csv_path = saved_file(tmp_path, ".csv")
    assert csv_path.name == model.filename
    csv = pd.read_csv(io.StringIO(csv_path.read_text(encoding="utf-8-sig")))
    assert list(csv.columns) == model.headings
    assert len(csv) == len(model.rows)
    assert csv.iloc[0].tolist() == [model.rows[0][0], model.rows[0][1][1], model.rows[0][2][1]]

    button = browser.find_element(
        By.CSS_SELECTOR, "button.chart-png[data-chart-for='trends-chart-possession_of_weapons']"
    )
    button.click()
    png = saved_file(tmp_path, ".png")
    assert png.name == model.filename.replace(".csv", ".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert axe_violations(browser) == []
    assert console_errors(browser) == []


def test_the_page_fits_a_390px_phone_and_passes_axe(narrow_phone, live_server):
    open_trends(narrow_phone, live_server + f"/trends?borough={LAMBETH}&trend=monthly", panels=2)
    assert narrow_phone.execute_script("return window.innerWidth") == 390
    overflow = narrow_phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    assert axe_violations(narrow_phone) == []
    assert console_errors(narrow_phone) == []
