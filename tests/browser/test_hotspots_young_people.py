"""The hot-spot and young-people pages, as a person uses them in Chromium."""

from __future__ import annotations

import pandas as pd
import pytest
from selenium.webdriver.common.by import By

from dashboard.services import DataService
from data import reconciliation
from data import young_people as yp
from geo.hotspots import area_hotspots
from presenters import hotspots as hot_page
from tests.browser.conftest import axe_violations, console_errors
from tests.browser.test_at_risk_profile import choose, downloaded, text_of, wait

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
CENTRAL_SOUTH = "BCU-CENTRAL-SOUTH"
ROWS = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))
    .slice(0, arguments[1]).map(tr => tr.children[0].textContent);
"""
FOOTER = """
return Array.from(document.querySelectorAll('#' + arguments[0] + ' tfoot tr'))
    .map(tr => tr.children[0].textContent);
"""
MAP_AREAS = """
const gd = document.querySelector('#hot-map .js-plotly-plot');
if (!gd || !gd._fullData) { return -1; }
return gd._fullData.reduce((n, t) => n + (t.locations ? t.locations.length : 0), 0);
"""
MAP_ZOOM = """
const gd = document.querySelector('#hot-map .js-plotly-plot');
return gd && gd.layout && gd.layout.map ? gd.layout.map.zoom : null;
"""


def open_page(driver, url: str, ready: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: d.execute_script(ready), timeout=60)


def rows(driver, holder: str, n: int = 1000) -> list[str]:
    return driver.execute_script(ROWS, holder, n)


def save_csv(driver, holder: str, folder) -> pd.DataFrame:
    for old in folder.glob("*.csv"):
        old.unlink()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    button = driver.find_element(By.CSS_SELECTOR, f"button[data-csv-for='{holder}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    return pd.read_csv(downloaded(folder), encoding="utf-8-sig", dtype={"Code": str})


@pytest.fixture(scope="module")
def knife(published, dataset):
    return area_hotspots(dataset, DataService(published).contiguity("ward"), "knife_crime")


def test_the_hotspot_page_maps_every_ward_and_lists_the_flagged_with_their_reasons(
    browser, live_server, knife, tmp_path
):
    open_page(
        browser, live_server + "/hotspots", "return !!document.querySelector('#hot-table td')"
    )
    expected = hot_page.flagged_rows(knife.table)
    assert rows(browser, "hot-table", 5) == expected["name"].head(5).tolist()
    # Every ward has a colour, the City's 25 "not covered"; the map is fitted to its frame.
    wait(browser, lambda d: d.execute_script(MAP_AREAS) == 679 + 25)
    wait(browser, lambda d: (d.execute_script(MAP_ZOOM) or 0) != hot_page.LONDON_ZOOM)
    assert "Gi* on the counts finds" in text_of(browser, "hot-summary")
    assert "no victim identifiers" in browser.find_element(By.TAG_NAME, "main").text
    key = text_of(browser, "hot-legend")
    assert "Not covered" in key
    assert "Former Gi* hot spot" in key  # a finding some ward has ...
    assert "Intensifying (" not in text_of(browser, "hot-classes")  # ... and one none has
    link = browser.find_element(By.LINK_TEXT, "Hot spots")
    assert link.get_attribute("href").endswith("/hotspots")
    # The concentration and the sensitivity of the definition, as tables.
    assert rows(browser, "hot-concentration") == ["Top 1%", "Top 5%", "Top 10%"]
    definitions = rows(browser, "hot-sensitivity")
    assert len(definitions) == len(knife.sensitivity)
    assert definitions[0].startswith("Persistent hot spot: top 10% by count")
    # The CSV is the table: the flagged wards, then London's total, the wards, the difference.
    csv = save_csv(browser, "hot-table", tmp_path)
    assert csv["Code"].head(len(expected)).tolist() == expected["code"].tolist()
    assert csv["Area"].tail(3).tolist() == [
        "London total", "Sum of the 679 wards analysed (all on the map)",
        "Not placed in a ward (total minus sum)",
    ]  # fmt: skip
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_a_bcu_filter_narrows_the_map_the_table_and_the_totals(
    browser, live_server, dataset, knife
):
    open_page(
        browser, live_server + "/hotspots", "return !!document.querySelector('#hot-table td')"
    )
    choose(browser, "hot-within", CENTRAL_SOUTH)
    wait(browser, lambda d: f"bcu={CENTRAL_SOUTH}" in d.current_url)
    wait(browser, lambda d: "Central South BCU" in text_of(d, "hot-heading"))
    inside = knife.table[knife.table["parent_code"].isin([LAMBETH, "E09000028"])]
    wait(browser, lambda d: d.execute_script(MAP_AREAS) == len(inside))
    flagged = hot_page.flagged_rows(inside)
    wait(browser, lambda d: rows(d, "hot-table") == flagged["name"].tolist())
    totals = reconciliation.reconcile(dataset, "knife_crime", "ward", within=CENTRAL_SOUTH)
    total, _, difference = (str(r["name"]) for r in totals.rows())
    assert browser.execute_script(FOOTER, "hot-table") == [
        total, f"Sum of the {totals.areas_shown} wards analysed (all on the map)", difference,
    ]  # fmt: skip
    # Back returns to all of London.
    browser.back()
    wait(browser, lambda d: "all of London" in text_of(d, "hot-heading"))
    assert console_errors(browser) == []


def test_gun_crime_says_there_is_no_data_yet(browser, live_server):
    open_page(
        browser,
        live_server + "/hotspots?measure=gun_crime",
        "const e = document.getElementById('hot-summary'); return !!(e && e.innerText);",
    )
    assert "no published data for gun crime" in text_of(browser, "hot-summary")
    assert not browser.find_element(By.ID, "hot-results").is_displayed()


def test_the_young_people_page_follows_the_choices_and_downloads_its_table(
    browser, live_server, dataset, tmp_path
):
    ready = "return !!document.querySelector('#young-table td')"
    open_page(browser, live_server + "/young-people", ready)
    risk = yp.young_risk(dataset, yp.HEADLINE, "borough")
    assert yp.risk_sentence(risk) in text_of(browser, "young-summary")
    choose(browser, "young-level", "ward")
    wait(browser, lambda d: "level=ward" in d.current_url)
    choose(browser, "young-within", LAMBETH)
    wait(browser, lambda d: f"borough={LAMBETH}" in d.current_url)
    wait(browser, lambda d: "Lambeth, in the 12 months" in text_of(d, "young-summary"))
    wait(
        browser,
        lambda d: d.execute_script(
            "const g = document.querySelector('#young-chart .js-plotly-plot');"
            "return !!(g && g._fullData && g._fullData.length);"
        ),
    )
    wards = dataset.areas[(dataset.areas["level"] == "ward")
                          & (dataset.areas["parent_code"] == LAMBETH)]  # fmt: skip
    wait(browser, lambda d: len(rows(d, "young-table")) == len(wards))
    csv = save_csv(browser, "young-table", tmp_path)
    assert set(csv["Code"].head(len(wards))) == set(wards.index)
    totals = reconciliation.reconcile(dataset, yp.HEADLINE, "ward", within=LAMBETH)
    assert csv["Victims aged 1-24"].tail(3).tolist() == [
        totals.total, totals.shown, totals.total - totals.shown,
    ]  # fmt: skip
    assert csv["Area"].iloc[-3] == "Lambeth's own total"
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/hotspots", "return !!document.querySelector('#hot-table td')"),
        (
            f"/hotspots?measure=possession_of_weapons&level=lsoa&borough={LAMBETH}",
            "return !!document.querySelector('#hot-table td')",
        ),
        (
            f"/young-people?level=ward&bcu={CENTRAL_SOUTH}",
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
