"""The map explorer as a person uses it, in headless Chromium on the real data."""

from __future__ import annotations

import gzip
import io
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from callbacks import explorer as cb
from data import queries
from tests.browser.conftest import axe_violations, console_errors

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
GRAPH = "document.querySelector('#map .js-plotly-plot')"


def wait(driver, predicate, timeout: float = 30):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(predicate)


def open_map(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(
        driver,
        lambda d: d.execute_script(
            f"const g = {GRAPH}; return g && g._fullData && g._fullData.length > 0"
            " && document.querySelectorAll('#map canvas').length > 0"
            # dcc.Graph listens for clicks only once the map has drawn: a click emitted
            # before that is lost, as it would be for a person tapping too soon.
            " && g._ev && g._ev.listeners('plotly_click').length > 0"
            " && document.getElementById('map-headline').textContent.length > 0;"
        ),
        60,
    )


def heading(driver) -> str:
    return driver.find_element(By.ID, "map-heading").text


def plotted(driver) -> dict[str, float]:
    """Area code -> the value the map draws for it, over its four values traces."""
    traces = driver.execute_script(
        f"return {GRAPH}._fullData.slice(0, 4)"
        ".map(d => [Array.from(d.locations || []), Array.from(d.z || [])]);"
    )
    if any(len(locations) != len(z) for locations, z in traces):
        return {}  # caught between two updates; the caller waits and asks again
    return {c: v for locations, z in traces for c, v in zip(locations, z, strict=True)}


def trace_locations(driver, name: str) -> list[str]:
    return driver.execute_script(
        f"return Array.from({GRAPH}._fullData.find(d => d.name === arguments[0]).locations);",
        name,
    )


def expected(ds, measure: str, level: str, period: str, value: str) -> dict[str, float]:
    frame = queries.map_values(ds, measure=measure, level=level, period=period, value=value).frame
    shown = cb.mapped(frame["value"].where(frame["status"] == queries.OK), value)
    return {c: float(v) for c, v in zip(frame["code"], shown, strict=True) if pd.notna(v)}


def choose(driver, select_id: str, value: str) -> None:
    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def press(driver, group: str, value: str) -> None:
    driver.find_element(
        By.CSS_SELECTOR, f'[id*=\'"type":"{group}"\'][id*=\'"value":"{value}"\']'
    ).click()


def geometry_downloads(driver) -> int:
    """Ward boundary files fetched over the network (not from the browser's cache)."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/geo/wards-') && e.transferSize > 0).length;"
    )


def test_controls_change_the_map_values_without_resending_geometry(browser, live_server, dataset):
    open_map(browser, live_server + "/map?measure=knife_crime&level=ward")
    assert plotted(browser) == expected(dataset, "knife_crime", "ward", "r12", "count")
    assert len(trace_locations(browser, "not covered")) == 25  # the City: never zero

    choose(browser, "map-measure", "knife_crime_injury")
    wait(browser, lambda d: "with injury" in heading(d))
    wait(
        browser,
        lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "r12", "count"),
    )
    choose(browser, "map-period", "m")
    wait(browser, lambda d: "12 months" not in heading(d))
    wait(
        browser,
        lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "m", "count"),
    )
    press(browser, "map-value", "rate")
    wait(browser, lambda d: "rate per 1,000" in heading(d))
    wait(
        browser,
        lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "m", "rate"),
    )
    assert browser.current_url.endswith(
        "/map?measure=knife_crime_injury&level=ward&period=m&value=rate"
    )
    assert geometry_downloads(browser) == 1  # the boundaries came once, values since
    assert console_errors(browser) == []


def test_drill_find_download_share_and_follow_to_a_profile(browser, live_server, dataset, tmp_path):
    open_map(browser, live_server + "/map?measure=knife_crime&level=borough&value=rate")
    london_zoom = browser.execute_script(f"return {GRAPH}.layout.map.zoom;")
    browser.execute_script(
        f"{GRAPH}.emit('plotly_click', {{points: [{{location: '{LAMBETH}'}}]}});"
    )
    wait(browser, lambda d: "by ward" in heading(d) and "Lambeth" in heading(d))
    assert f"borough={LAMBETH}" in browser.current_url
    wait(browser, lambda d: d.execute_script(f"return {GRAPH}.layout.map.zoom;") > london_zoom + 1)
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime", "ward", "r12", "rate"))

    # The table shows Lambeth's wards with the map's numbers.
    browser.find_element(By.ID, "map-table-toggle").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map-table tbody tr")) == 25)

    # Find a ward by name; the map outlines it and links to its profile.
    ward = dataset.areas.loc["E05014099"]
    box = browser.find_element(By.ID, "map-find")
    box.send_keys(str(ward["name"]), Keys.ENTER)
    wait(browser, lambda d: ward["name"] in d.find_element(By.ID, "map-selected").text)
    assert trace_locations(browser, "chosen area") == ["E05014099"]
    shared = browser.current_url
    assert "area=E05014099" in shared

    # Download the CSV and compare it with the store.
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.ID, "map-csv-button").click()
    csv_path = wait(browser, lambda d: next(Path(tmp_path).glob("*.csv"), None))
    time.sleep(0.2)  # let Chrome finish writing
    csv = pd.read_csv(io.StringIO(csv_path.read_text()))
    frame = queries.map_values(
        dataset, measure="knife_crime", level="ward", period="r12", value="rate"
    ).frame.set_index("code")
    assert len(csv) == 25
    assert set(csv["Borough"]) == {"Lambeth"}
    for row in csv.itertuples(index=False):
        assert row[4] == frame.loc[row[0], "count"]  # offences
        assert row[5] == pytest.approx(frame.loc[row[0], "rate"], rel=5e-4)
    assert (csv["Fewer than 10 events"] == "yes").tolist() == (csv["Offences"] < 10).tolist()

    # The map as a picture, with a name that says what it shows.
    browser.find_element(By.ID, "map-image-button").click()
    png = wait(browser, lambda d: next(Path(tmp_path).glob("*.png"), None))
    assert png.name == csv_path.name.replace(".csv", ".png")
    time.sleep(0.2)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert axe_violations(browser) == []
    assert console_errors(browser) == []

    # Follow the profile link (a page someone else builds: only the address is ours).
    browser.find_element(By.CSS_SELECTOR, "#map-selected a").click()
    wait(browser, lambda d: d.current_url.endswith("/area/E05014099"))

    # The copied link reopens the same view in a fresh page load.
    open_map(browser, shared)
    wait(browser, lambda d: ward["name"] in d.find_element(By.ID, "map-selected").text)
    wait(
        browser,
        lambda d: (
            d.execute_script(
                "return ['map-measure', 'map-period', 'map-borough']"
                ".map(i => document.getElementById(i).value);"
            )
            == ["knife_crime", "r12", LAMBETH]
        ),
    )
    pressed = browser.execute_script(
        "return Array.from(document.querySelectorAll('.toggle[aria-pressed=true]'))"
        ".map(b => b.textContent);"
    )
    assert pressed == ["Wards", "Rate per 1,000 residents"]
    assert plotted(browser) == expected(dataset, "knife_crime", "ward", "r12", "rate")
    assert browser.find_element(By.ID, "map-find").get_attribute("value").startswith(ward["name"])

    # Back to all London: the whole ward map again, and the keyboard focus is not lost.
    browser.find_element(By.ID, "map-back").click()
    wait(browser, lambda d: heading(d).endswith("12 months to February 2026"))
    assert browser.execute_script("return document.activeElement.id;") == "map-heading"
    assert "borough=" not in browser.current_url


def test_the_page_fits_a_phone_and_passes_axe(phone, live_server):
    open_map(phone, live_server + "/map?measure=knife_crime&level=ward")
    overflow = phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    # The map is fitted to its own width: London is zoomed out further than on a desktop.
    wait(phone, lambda d: d.execute_script(f"return {GRAPH}.layout.map.zoom;") < 8.7)
    controls = phone.execute_script(
        "return Array.from(document.querySelectorAll('#map-controls > div:not([hidden])'))"
        ".map(e => e.getBoundingClientRect().left);"
    )
    assert len({round(x) for x in controls}) == 1  # the controls stack in one column
    assert axe_violations(phone) == []
    assert console_errors(phone) == []


def test_the_accessibility_check_does_catch_a_violation(browser, live_server):
    """Guards the guard: axe must report a known failure, or the checks above prove nothing."""
    open_map(browser, live_server + "/map")
    browser.execute_script(
        "const b = document.createElement('button'); b.id = 'unlabelled';"
        "document.getElementById('main').appendChild(b);"
    )
    try:
        found = {v["id"] for v in axe_violations(browser)}
    finally:
        browser.execute_script("document.getElementById('unlabelled').remove();")
    assert "button-name" in found


def test_boundaries_travel_gzipped_within_300_kb_and_cached_for_good(live_server, published):
    name = next(p.name for p in published.web_dir.glob("wards-*.geojson"))
    request = urllib.request.Request(
        f"{live_server}/geo/{name}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        body = response.read()
    assert len(body) <= 300 * 1024
    assert gzip.decompress(body) == (published.web_dir / name).read_bytes()
