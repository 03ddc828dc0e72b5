"""The perception page as a person uses it in Chromium: change the measure and the
borough, pick a borough on the map, go back, download, on a desktop and a phone."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from data import perception
from data.areas import LONDON_CODE
from tests.browser.conftest import axe_violations, console_errors
from tests.browser.test_at_risk_profile import downloaded, text_of, wait

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
HACKNEY = "E09000012"

LAST_Y = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd._fullData) { return null; }
const line = gd._fullData.find(t => t.name === arguments[1] && t.mode === 'lines+markers');
return line ? line.y[line.y.length - 1] : null;
"""
MAP_READY = """
const gd = document.querySelector('#perception-map .js-plotly-plot');
return !!(gd && gd._fullData && gd._fullData.length > 0
          && document.querySelectorAll('#perception-map canvas').length > 0);
"""
TRACE_NAMES = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return gd && gd._fullData ? gd._fullData.map(t => t.name) : [];
"""


def open_perception(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: text_of(d, "perception-trend-summary") != "", 60)
    wait(driver, lambda d: d.execute_script(MAP_READY), 60)
    wait(driver, lambda d: d.execute_script(TRACE_NAMES, "perception-scatter") != [], 60)
    wait(driver, lambda d: text_of(d, "perception-homicide-summary") != "", 60)


def latest(dataset, name: str, code: str) -> float:
    measure = next(m for m in perception.survey_measures(dataset) if m.name == name)
    return float(perception.area_trend(dataset, measure, code)["proportion"].iloc[-1]) * 100


def choose(driver, select_id: str, value: str) -> None:
    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def test_change_measure_and_borough_then_back_and_download(browser, live_server, dataset, tmp_path):
    open_perception(browser, live_server + "/perception")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Public perception"
    assert "assume the survey's design" in text_of(browser, "main")
    assert text_of(browser, "perception-trend-heading") == '"Good Job" local in London'
    assert browser.execute_script(LAST_Y, "perception-trend", "London") == pytest.approx(
        latest(dataset, '"Good Job" local', LONDON_CODE)
    )

    # Boroughs that share the highest (or lowest) figure are all named.
    figures = perception.borough_figures(
        dataset, perception.find_measure(dataset, "good-job-local"), pd.Timestamp("2023-12-31")
    )
    shown = (figures["proportion"] * 100).round()
    highest = sorted(figures.loc[shown == shown.max(), "name"])
    assert len(highest) > 1
    assert f"Highest: {'; '.join(highest)} ({shown.max():.0f}% each)." in text_of(
        browser, "perception-map-summary"
    )
    # The map's table is drawn from its model when opened: a row for each borough.
    browser.find_element(By.CSS_SELECTOR, "#perception-map-table").find_element(
        By.XPATH, "./ancestor::details/summary"
    ).click()
    wait(browser, lambda d: len(d.find_elements(
        By.CSS_SELECTOR, "#perception-map-table tbody tr")) == 32)  # fmt: skip

    choose(browser, "perception-measure", "trust-mps")
    wait(browser, lambda d: "measure=trust-mps" in d.current_url)
    wait(browser, lambda d: text_of(d, "perception-trend-heading") == "Trust MPS in London")
    choose(browser, "perception-area", LAMBETH)
    wait(browser, lambda d: f"area={LAMBETH}" in d.current_url)
    wait(
        browser,
        lambda d: text_of(d, "perception-trend-heading") == "Trust MPS in Lambeth, against London",
    )
    wait(browser, lambda d: browser.execute_script(LAST_Y, "perception-trend", "Lambeth"))
    assert browser.execute_script(LAST_Y, "perception-trend", "Lambeth") == pytest.approx(
        latest(dataset, "Trust MPS", LAMBETH)
    )
    wait(browser, lambda d: "Lambeth" in d.execute_script(TRACE_NAMES, "perception-scatter"))
    wait(
        browser,
        lambda d: text_of(d, "perception-homicide-heading").startswith("Homicide in Lambeth"),
    )

    # A borough picked on the map becomes the chosen area (once the map listens for it).
    wait(browser, lambda d: d.execute_script(
        "const g = document.querySelector('#perception-map .js-plotly-plot');"
        "return !!(g && g._ev && g._ev.listeners('plotly_click').length);"
    ))  # fmt: skip
    browser.execute_script(
        "document.querySelector('#perception-map .js-plotly-plot')"
        ".emit('plotly_click', {points: [{location: arguments[0]}]});",
        HACKNEY,
    )
    wait(browser, lambda d: f"area={HACKNEY}" in d.current_url)
    wait(browser, lambda d: "in Hackney" in text_of(d, "perception-trend-heading"))
    assert Select(browser.find_element(By.ID, "perception-area")).first_selected_option.text == (
        "Hackney"
    )

    # Back undoes it, and the selects follow the address.
    browser.back()
    wait(browser, lambda d: "in Lambeth" in text_of(d, "perception-trend-heading"))
    assert Select(browser.find_element(By.ID, "perception-area")).first_selected_option.text == (
        "Lambeth"
    )

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.ID, "perception-download-button").click()
    csv = pd.read_csv(downloaded(tmp_path))
    assert set(csv["measure"]) == {"Trust MPS"}
    lambeth = csv[csv["area_code"] == LAMBETH].sort_values("twelve_months_to")
    assert lambeth["proportion"].iloc[-1] * 100 == pytest.approx(
        latest(dataset, "Trust MPS", LAMBETH)
    )

    # Every table opened, so axe checks them too.
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);")
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_the_page_fits_a_390px_phone_and_passes_axe(narrow_phone, live_server):
    open_perception(narrow_phone, live_server + f"/perception?area={LAMBETH}")
    assert narrow_phone.execute_script("return window.innerWidth") == 390
    overflow = narrow_phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    # The whole of London is fitted into the phone's map, not cut at the edges.
    # The map is fitted in the browser once it has drawn, so wait for it.
    wait(narrow_phone, lambda d: d.execute_script(
        "return document.querySelector('#perception-map .js-plotly-plot').layout.map.zoom;"
    ) < 8.7)  # fmt: skip
    assert axe_violations(narrow_phone) == []


def test_homicide_victims_by_age_sex_and_status_show_small_years_whole(
    browser, narrow_phone, live_server, dataset
):
    from data import victims

    open_perception(browser, live_server + f"/perception?area={LAMBETH}")
    wait(browser, lambda d: "Lambeth" in text_of(d, "perception-victims-heading"))
    summary = text_of(browser, "perception-victims-summary")
    assert "Counts under 10 are not split further" in summary
    age = victims.victims_by_year(dataset, LAMBETH, "age_group")
    years = age[age["year"] != victims.ALL_YEARS]
    small = years.loc[~years["split"].astype(bool), "year"].tolist()
    assert f"{len(small)} of the {len(years)} years are too small to split" in summary
    wait(browser, lambda d: "Not split: fewer than 10 victims" in d.execute_script(
        TRACE_NAMES, "perception-victims"))  # fmt: skip
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);")
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#perception-victims-sex-table tbody tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent));"
    )
    by_year = {row[0]: row for row in shown}
    total = int(years.loc[years["year"] == small[0], "total"].iloc[0])
    assert by_year[str(small[0])][:2] == [str(small[0]), str(total)]
    assert by_year[str(small[0])][-1] == "Not split: fewer than 10 victims"
    browser.execute_script(
        "document.getElementById('perception-victims-heading').scrollIntoView();"
    )
    shot = os.environ.get("WEC_TEST_SHOTS")
    if shot:
        browser.save_screenshot(f"{shot}/victims-laptop.png")
    assert axe_violations(browser) == []

    open_perception(narrow_phone, live_server + "/perception")
    wait(narrow_phone, lambda d: "London" in text_of(d, "perception-victims-heading"))
    narrow_phone.execute_script(
        "document.getElementById('perception-victims-heading').scrollIntoView();"
    )
    overflow = narrow_phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    if shot:
        narrow_phone.save_screenshot(f"{shot}/victims-390.png")
    assert axe_violations(narrow_phone) == []
