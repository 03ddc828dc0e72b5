"""The at-risk ranking and the area profile, as a person uses them in Chromium."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from data import funnel, queries
from tests.browser.conftest import axe_violations, console_errors, saved_file

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
BRIXTON_WINDRUSH = "E05014098"
SITE = " - London Weapon-Enabled Crime Dashboard"
TREND_TITLE = (
    "return document.querySelector('#profile-trend .js-plotly-plot').layout.yaxis.title.text;"
)
# A table model holding cells a spreadsheet would run, for tables.js to draw.
DEFUSE = """
const holder = document.createElement('div');
holder.id = 'defuse-check';
holder.setAttribute('data-table', JSON.stringify({caption: 'c', header: 0, footer: [],
  filename: 'c.csv', columns: ['a', 'b', 'c', 'd', 'e', 'f'].map(h => ({heading: h,
  numeric: h === 'b'})),
  rows: [['=HYPERLINK("x")', ['-12', -12], '-3.5%', '@a', 'b,c', '+44 20']]}));
document.body.appendChild(holder);
"""

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
    return saved_file(folder, ".csv", timeout)


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
    # The download ends with London's total, the sum of the boroughs shown and the
    # difference (offences placed in no borough).
    csv, footer = csv.iloc[: len(table)], csv.iloc[len(table) :]
    assert list(footer["Area"]) == [
        "London total", "Sum of the 32 boroughs shown", "Not placed in a borough (total minus sum)",
    ]  # fmt: skip
    total, shown, difference = footer["Offences"].astype(int)
    assert shown == table["Offences"].sum()
    assert difference == total - shown
    assert list(csv["Code"]) == list(table["Code"])
    assert list(csv["Offences"].astype(int)) == list(table["Offences"])
    assert list(csv["Rate per 1,000 residents"].astype(float)) == pytest.approx(
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
    # The first profile after a publish works out every measure's ranks (and the hot
    # spots beside it): a minute at most on a busy machine.
    wait(driver, lambda d: summary(d) != "", timeout=90)
    wait(driver, lambda d: d.execute_script(
        "const g = document.querySelector('#profile-funnel .js-plotly-plot');"
        "return !!(g && g._fullData && g._fullData.length);"
    ))  # fmt: skip


def rank_of(frame: pd.DataFrame, code: str) -> int:
    """The rank by rate, worked out here: 1 + the number of areas with a higher rate."""
    return int((frame["rate"] > frame.loc[code, "rate"]).sum()) + 1


def knife(dataset, level: str) -> pd.DataFrame:
    frame = queries.map_values(dataset, measure="knife_crime", level=level, period="r12").frame
    return frame[frame["status"] == queries.OK].set_index("code")


def test_a_borough_profile_states_the_stores_figures(browser, live_server, dataset, tmp_path):
    open_profile(browser, live_server + f"/area/{LAMBETH}")
    frame = knife(dataset, "borough")
    row = frame.loc[LAMBETH]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Lambeth"
    wait(browser, lambda d: d.title == f"Lambeth (borough){SITE}")
    assert (
        f"there were {int(row['count']):,} knife crime offences in Lambeth, {row['rate']:#.3g} "
        f"per 1,000 residents, rank {rank_of(frame, LAMBETH)} of 32 boroughs by rate per "
        "1,000 residents (1 is the highest)"
    ) in summary(browser)
    # Its own change test, with the rate ratio's 95% interval (issue 9: one area's own
    # verdict, not the many-areas q).
    head, _, judgement = row["verdict_own"].partition(", ")
    interval = row["rate_ratio_words"].partition(", ")[2]
    assert f"; {head} on the 12 months before ({interval}), {judgement}." in summary(browser)
    diamond = browser.execute_script(
        "return document.querySelector('#profile-funnel .js-plotly-plot')._fullData"
        ".filter(t => t.mode === 'markers+text').map(t => t.customdata[0][0]);"
    )
    assert diamond == [LAMBETH]
    # Both sets of limits are drawn: the overdispersed ones that give the verdict, and
    # chance alone (Poisson) for reference; the note says which decides.
    names = browser.execute_script(
        "return document.querySelector('#profile-funnel .js-plotly-plot')._fullData"
        ".map(t => t.name);"
    )
    assert {"99.8% limits", "95% limits", "99.8% limits, chance alone"} <= set(names)
    assert "overdispersion factor, Spiegelhalter 2005" in text_of(browser, "profile-funnel-note")

    outcomes = (
        queries.map_values(dataset, measure="knife_crime_outcomes", level="borough", period="r12")
        .frame.set_index("code")
        .loc[LAMBETH, "count"]
    )
    assert f"{int(outcomes):,} positive outcomes against {int(row['count']):,} offences" in (
        browser.find_element(By.ID, "profile-outcomes").text
    )

    # The trend's measure goes into the address; Back returns to the one before.
    choose(browser, "profile-trend-measure", "knife_crime_outcomes")
    wait(browser, lambda d: d.current_url.endswith("?measure=knife_crime_outcomes"))
    wait(browser, lambda d: "Positive outcome rate" in d.execute_script(TREND_TITLE))
    browser.back()
    wait(browser, lambda d: "Rate per 1,000 residents" in d.execute_script(TREND_TITLE))
    assert Select(
        browser.find_element(By.ID, "profile-trend-measure")
    ).first_selected_option.text == ("Knife crime")

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.ID, "profile-download-button").click()
    csv = pd.read_csv(downloaded(tmp_path))
    knife_rows = csv[(csv["measure"] == "knife_crime") & (csv["month"] >= "2025-03")]
    assert len(knife_rows) == 12
    assert knife_rows["count"].sum() == row["count"]
    assert console_errors(browser) == []
    assert axe_violations(browser) == []


def test_a_ward_is_found_by_part_of_its_name_and_ranked_in_its_borough(
    browser, live_server, dataset
):
    browser.get(live_server + "/area")
    box = wait(browser, lambda d: d.find_element(By.ID, "profile-search"))
    options = "return document.querySelectorAll('#profile-search-list option').length;"
    wait(browser, lambda d: d.execute_script(options) == 749)
    # Part of a name lists every area that has it; each opens its profile.
    box.send_keys("Brixton", Keys.ENTER)
    matches = (
        "return Array.from(document.querySelectorAll('#profile-search-message a'))"
        ".map(a => a.textContent);"
    )
    wait(browser, lambda d: len(d.execute_script(matches)) == 4)
    assert "4 areas match" in text_of(browser, "profile-search-message")
    link = browser.find_element(By.LINK_TEXT, "Brixton Windrush (ward in Lambeth)")
    link.click()
    wait(browser, lambda d: d.current_url.endswith(f"/area/{BRIXTON_WINDRUSH}"))
    wait(browser, lambda d: summary(d) != "", timeout=90)
    # The browser's title names the area, not just the page.
    wait(browser, lambda d: d.title == f"Brixton Windrush (ward in Lambeth){SITE}")
    frame = knife(dataset, "ward")
    lambeth = frame[frame["parent_code"] == LAMBETH]
    row = frame.loc[BRIXTON_WINDRUSH]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Brixton Windrush"
    text = summary(browser)
    assert f"there were {int(row['count']):,} knife crime offences in Brixton Windrush" in text
    # One rank rule: by rate per 1,000 residents, London-wide as on the at-risk page.
    at_risk = funnel.at_risk_areas(dataset, measure="knife_crime", level="ward", period="r12")
    london_rank = int(at_risk.table.set_index("Code").loc[BRIXTON_WINDRUSH, "Rank in London"])
    assert london_rank == rank_of(frame, BRIXTON_WINDRUSH)
    assert (
        f"rank {london_rank} of 679 wards by rate per 1,000 residents (1 is the highest) and "
        f"rank {rank_of(lambeth, BRIXTON_WINDRUSH)} of {len(lambeth)} wards in Lambeth"
    ) in text
    # The full label from the suggestions opens that one area.
    box = browser.find_element(By.ID, "profile-search")
    box.send_keys("Lambeth (borough)", Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith(f"/area/{LAMBETH}"))
    assert console_errors(browser) == []


def test_area_lists_every_borough_with_its_wards(browser, live_server, dataset):
    browser.get(live_server + "/area")
    boroughs = "return document.querySelectorAll('#profile-browse details').length;"
    wait(browser, lambda d: d.execute_script(boroughs) == 33)
    assert browser.title == f"Area profiles{SITE}"
    links = browser.execute_script("return document.querySelectorAll('#profile-browse a').length;")
    areas = dataset.areas
    assert links == int(areas["level"].isin(["borough", "ward", "bcu"]).sum())
    lambeth = browser.find_element(By.XPATH, "//summary[starts-with(., 'Lambeth (')]")
    assert lambeth.text == "Lambeth (25 wards)"
    ward = browser.find_element(By.XPATH, "//a[normalize-space(.)='Brixton Windrush']")
    assert not ward.is_displayed()  # closed until a person opens the borough
    lambeth.send_keys(Keys.ENTER)  # from the keyboard, as a summary is meant to work
    wait(browser, lambda d: ward.is_displayed())
    assert axe_violations(browser) == []
    ward.click()
    wait(browser, lambda d: d.current_url.endswith(f"/area/{BRIXTON_WINDRUSH}"))
    wait(browser, lambda d: d.title == f"Brixton Windrush (ward in Lambeth){SITE}", timeout=90)
    assert console_errors(browser) == []


def test_the_search_box_shows_a_clear_focus_ring(browser, live_server):
    browser.get(live_server + "/area")
    box = wait(browser, lambda d: d.find_element(By.ID, "profile-search"))
    box.click()
    ring = browser.execute_script(
        "const s = getComputedStyle(arguments[0].closest('.dash-input-container'));"
        "return [s.outlineStyle, s.outlineWidth];",
        box,
    )
    assert ring == ["solid", "3px"]


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
    csv = pd.read_csv(path, encoding="utf-8-sig", dtype=str).fillna("")
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#profile-glance tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent.trim()));"
    )
    assert list(csv.columns) == shown[0]
    numeric = {"Count", "Rate per 1,000 in Brixton Windrush", "Rate per 1,000 in London"}
    for got, cells in zip(csv.to_numpy().tolist(), shown[1:], strict=True):
        for heading, value, cell in zip(shown[0], got, cells, strict=True):
            if heading in numeric:  # the number itself, unformatted
                assert float(value) == pytest.approx(float(cell.replace(",", "")))
            else:
                assert value == cell
    count = int(knife(dataset, "ward").loc[BRIXTON_WINDRUSH, "count"])
    knife_row = csv[csv["Measure"] == "Knife crime"].iloc[0]
    assert int(knife_row["Count"]) == count

    # A cell a spreadsheet would run is defused; numbers, negative ones too, are kept.
    browser.execute_script(DEFUSE)
    holder = "document.getElementById('defuse-check')"
    wait(browser, lambda d: d.execute_script(f"return {holder}._wecModel !== undefined;"))
    text = browser.execute_script(f"return window.wecTables.toCsv({holder});")
    assert text.splitlines()[1] == """"'=HYPERLINK(""x"")",-12,'-3.5%,'@a,"b,c",'+44 20"""
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


PHONE_TABLES = """
return Array.from(document.querySelectorAll('#profile-details [data-table]'))
  .filter(h => h.querySelector('table') && h.offsetParent !== null)
  .map(h => {
    const table = h.querySelector('table'), caption = table.querySelector('caption');
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    return {
      label: h.getAttribute('aria-label'),
      rows: rows.length,
      model: h._wecModel.rows.length,
      shown: rows.filter(r => r.getBoundingClientRect().height > 0).length,
      cut: h.scrollHeight - h.clientHeight,
      right: table.getBoundingClientRect().right - window.innerWidth,
      caption: caption.scrollWidth - caption.clientWidth,
      first: rows.map(r => r.firstElementChild.tagName + ':' +
                      getComputedStyle(r.firstElementChild).display),
    };
  });
"""


def test_profile_tables_read_as_cards_on_a_phone(narrow_phone, live_server):
    open_profile(narrow_phone, live_server + f"/area/{BRIXTON_WINDRUSH}")
    wait(narrow_phone, lambda d: d.execute_script(
        "return document.querySelectorAll('#profile-details [data-table] table').length >= 5"
    ))  # fmt: skip
    tables = narrow_phone.execute_script(PHONE_TABLES)
    assert {t["label"] for t in tables} >= {"Figures for every measure", "Ranks by rate",
                                            "Positive outcome rates"}  # fmt: skip
    for t in tables:
        # Every row is there and shown in full (no scrolling box cutting it short), the
        # caption is whole, nothing sticks out, and each row starts with its name.
        assert t["rows"] == t["model"] == t["shown"], t
        assert t["cut"] <= 1, t
        assert t["caption"] <= 0, t
        assert t["right"] <= 0, t
        assert set(t["first"]) == {"TH:block"}, t
