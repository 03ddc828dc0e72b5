"""The at-risk ranking and the area profile, as a person uses them in Chromium."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from data import funnel, queries
from data.profiles import ordinal
from tests.browser.conftest import axe_violations, console_errors

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
BRIXTON_WINDRUSH = "E05014098"

TOP_ROWS = """
return Array.from(document.querySelectorAll('#risk-table tbody tr')).slice(0, arguments[0])
    .map(tr => Array.from(tr.children).map(cell => cell.textContent));
"""
FUNNEL_POINTS = """
const gd = document.querySelector('#risk-funnel .js-plotly-plot');
if (!gd || !gd._fullData) { return -1; }
return gd._fullData.filter(t => t.mode === 'markers').reduce((n, t) => n + t.x.length, 0);
"""


def wait(driver, condition, timeout: float = 30):
    # A page re-rendered by the router replaces the elements a condition may hold.
    return WebDriverWait(
        driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def text_of(driver, element_id: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id
    )


def heading(driver) -> str:
    return text_of(driver, "risk-heading")


def open_at_risk(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return !!document.querySelector('#risk-table td')"))
    wait(driver, lambda d: d.execute_script(FUNNEL_POINTS) > 0)


def choose(driver, select_id: str, value: str) -> None:
    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def expected_rows(dataset, n: int, **view) -> list[list[str]]:
    """The first rows as the page should print them: rank, name, code, count and the
    rate to three significant figures, worked out here from the store's counts and the
    Census populations."""
    frame = queries.map_values(dataset, period="r12", **view).frame
    frame = frame[frame["status"] == queries.OK].copy()
    frame["raw"] = frame["count"] / frame["population"] * 1000
    frame = frame.sort_values(["raw", "name"], ascending=[False, True]).head(n)
    return [
        [r["name"], str(i + 1), r["code"], f"{int(r['count']):,}", f"{r['raw']:#.3g}"]
        for i, (_, r) in enumerate(frame.iterrows())
    ]


def shown_rows(driver, n: int) -> list[list[str]]:
    """Area, rank, code, count and rate of the first rows of the ranked table."""
    return [[row[0], row[1], row[-1], row[3], row[4]] for row in driver.execute_script(TOP_ROWS, n)]


def downloaded(folder: Path, timeout: float = 20) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        done = [p for p in folder.glob("*.csv") if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no CSV arrived in {folder}")


def test_the_ranking_follows_the_choices_and_the_address(browser, live_server, dataset, tmp_path):
    open_at_risk(browser, live_server + "/at-risk")
    assert shown_rows(browser, 3) == expected_rows(dataset, 3, measure="knife_crime", level="ward")

    choose(browser, "risk-measure", "knife_crime_injury")
    wait(browser, lambda d: "measure=knife_crime_injury" in d.current_url)
    choose(browser, "risk-level", "borough")
    wait(browser, lambda d: "level=borough" in d.current_url)
    wait(browser, lambda d: heading(d).startswith("Knife crime with injury by borough"))
    # The heading and the table are drawn one after the other: wait for both.
    rows = expected_rows(dataset, 5, measure="knife_crime_injury", level="borough")
    wait(browser, lambda d: shown_rows(d, 5) == rows)
    wait(browser, lambda d: d.execute_script(FUNNEL_POINTS) == 32)

    # The CSV is the table shown.
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.CSS_SELECTOR, "button[data-csv-for='risk-table']").click()
    csv = pd.read_csv(downloaded(tmp_path), encoding="utf-8-sig")
    table = funnel.at_risk_areas(dataset, measure="knife_crime_injury", level="borough",
                                 period="r12").table  # fmt: skip
    assert list(csv["Code"]) == list(table["Code"])
    assert list(csv["Offences"]) == list(table["Offences"])
    assert list(csv["Rate per 1,000 residents"]) == pytest.approx(
        list(table["Rate per 1,000 residents"]), abs=0.01
    )

    # A column heading sorts the table; a second press reverses it.
    offences = browser.find_element(By.XPATH, "//*[@id='risk-table']//th/button[.='Offences']")
    offences.click()
    counts = [int(row[3].replace(",", "")) for row in browser.execute_script(TOP_ROWS, 32)]
    assert counts == sorted(counts)
    offences.click()
    counts = [int(row[3].replace(",", "")) for row in browser.execute_script(TOP_ROWS, 32)]
    assert counts == sorted(counts, reverse=True)
    assert offences.find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending"

    # Back undoes the last choice; the address alone reopens the view.
    browser.back()
    wait(browser, lambda d: heading(d).startswith("Knife crime with injury by ward"))
    assert Select(browser.find_element(By.ID, "risk-level")).first_selected_option.text == "Wards"
    browser.get(
        live_server + "/at-risk?measure=knife_crime_injury&level=borough&bcu=BCU-CENTRAL-SOUTH"
    )
    wait(browser, lambda d: "Central South BCU" in heading(d))
    wait(browser, lambda d: sorted(row[0] for row in d.execute_script(TOP_ROWS, 5))
         == ["Lambeth", "Southwark"])  # fmt: skip
    assert (
        Select(browser.find_element(By.ID, "risk-within")).first_selected_option.get_attribute(
            "value"
        )
        == "BCU-CENTRAL-SOUTH"
    )
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def summary(driver) -> str:
    return text_of(driver, "profile-summary")


def open_profile(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: summary(d) != "")
    wait(driver, lambda d: d.execute_script(
        "const g = document.querySelector('#profile-funnel .js-plotly-plot');"
        "return !!(g && g._fullData && g._fullData.length);"
    ))  # fmt: skip


def rank_words(frame: pd.DataFrame, code: str) -> str:
    higher = int((frame["rate"] > frame.loc[code, "rate"]).sum())
    return "the highest" if higher == 0 else f"the {ordinal(higher + 1)} highest"


def test_a_borough_profile_states_the_stores_figures(browser, live_server, dataset, tmp_path):
    open_profile(browser, live_server + f"/area/{LAMBETH}")
    frame = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12").frame
    frame = frame[frame["status"] == queries.OK].set_index("code")
    row = frame.loc[LAMBETH]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Lambeth"
    assert (
        f"there were {int(row['count']):,} knife crime offences in Lambeth, {row['rate']:.2f} "
        f"per 1,000 residents, {rank_words(frame, LAMBETH)} of 32 boroughs"
    ) in summary(browser)
    diamond = browser.execute_script(
        "return document.querySelector('#profile-funnel .js-plotly-plot')._fullData"
        ".filter(t => t.mode === 'markers+text').map(t => t.customdata[0][0]);"
    )
    assert diamond == [LAMBETH]

    outcomes = (
        queries.map_values(dataset, measure="knife_crime_outcomes", level="borough", period="r12")
        .frame.set_index("code")
        .loc[LAMBETH, "count"]
    )
    assert f"{int(outcomes):,} positive outcomes against {int(row['count']):,} offences" in (
        browser.find_element(By.ID, "profile-outcomes").text
    )

    choose(browser, "profile-trend-measure", "knife_crime_outcomes")
    wait(browser, lambda d: "Positive outcome rate" in d.execute_script(
        "return document.querySelector('#profile-trend .js-plotly-plot').layout.yaxis.title.text;"
    ))  # fmt: skip

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.ID, "profile-download-button").click()
    csv = pd.read_csv(downloaded(tmp_path))
    knife = csv[(csv["measure"] == "knife_crime") & (csv["month"] >= "2025-03")]
    assert len(knife) == 12
    assert knife["count"].sum() == row["count"]
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_a_ward_is_found_by_name_and_ranked_in_its_borough(browser, live_server, dataset):
    browser.get(live_server + "/area")
    box = wait(browser, lambda d: d.find_element(By.ID, "profile-search"))
    options = "return document.querySelectorAll('#profile-search-list option').length;"
    wait(browser, lambda d: d.execute_script(options) == 749)
    box.send_keys("Brixton Windrush (ward in Lambeth)", Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith(f"/area/{BRIXTON_WINDRUSH}"))
    wait(browser, lambda d: summary(d) != "")
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    frame = frame[frame["status"] == queries.OK].set_index("code")
    lambeth = frame[frame["parent_code"] == LAMBETH]
    row = frame.loc[BRIXTON_WINDRUSH]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Brixton Windrush"
    text = summary(browser)
    assert f"there were {int(row['count']):,} knife crime offences in Brixton Windrush" in text
    assert f"{rank_words(frame, BRIXTON_WINDRUSH)} of 679 wards in London" in text
    assert f"{rank_words(lambeth, BRIXTON_WINDRUSH)} of {len(lambeth)} wards in Lambeth" in text
    assert console_errors(browser) == []


def test_every_profile_table_downloads_as_the_cells_shown(browser, live_server, dataset, tmp_path):
    open_profile(browser, live_server + f"/area/{BRIXTON_WINDRUSH}")
    wait(
        browser, lambda d: d.execute_script("return !!document.querySelector('#profile-glance td')")
    )
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    buttons = browser.find_elements(By.CSS_SELECTOR, "button.table-csv")
    targets = [b.get_attribute("data-csv-for") for b in buttons]
    assert targets == ["profile-glance", "profile-ranks", "profile-trend-table",
                       "profile-funnel-table", "profile-outcomes", "profile-hotspots",
                       "profile-perception"]  # fmt: skip
    glance = browser.find_element(By.CSS_SELECTOR, "button[data-csv-for='profile-glance']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", glance)
    glance.click()
    path = downloaded(tmp_path)
    assert path.name.startswith("brixton-windrush-12-months-to-")
    csv = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#profile-glance tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent.trim()));"
    )
    assert list(csv.columns) == shown[0]
    assert csv.fillna("").to_numpy().tolist() == shown[1:]
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12").frame
    count = int(frame.set_index("code").loc[BRIXTON_WINDRUSH, "count"])
    knife = csv[csv["Measure"] == "Knife crime"].iloc[0]
    assert int(knife["Count"].replace(",", "")) == count

    # A cell a spreadsheet would run is defused; numbers, negative ones too, are kept.
    text = browser.execute_script(
        "return window.wecTableCsv.toCsv(arguments[0]);",
        [['=HYPERLINK("x")', "-12", "-3.5%", "@a", "b,c", "+44 20"]],
    )
    assert text == """"'=HYPERLINK(""x"")",-12,-3.5%,'@a,"b,c",'+44 20\r\n"""
    assert console_errors(browser) == []


# axe takes half a minute over the 8,000 cells of all London's wards; a borough's 25
# wards exercise the same components.
@pytest.mark.parametrize("path", [f"/at-risk?borough={LAMBETH}", f"/area/{BRIXTON_WINDRUSH}"])
def test_both_pages_fit_a_390px_phone_and_pass_axe(narrow_phone, live_server, path):
    if path.startswith("/at-risk"):
        open_at_risk(narrow_phone, live_server + path)
    else:
        open_profile(narrow_phone, live_server + path)
    assert narrow_phone.execute_script("return window.innerWidth") == 390
    overflow = narrow_phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    assert axe_violations(narrow_phone) == []
