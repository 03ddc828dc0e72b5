"""Targets for positive outcome rates, as staff set them and the public reads them:
a member of staff sets a London-wide target on /staff, the profile and the at-risk
ranking read the rates against it, and Versions and history record the change. The
table filter of a ranking keeps its CSV equal to what is shown.

The app serves the shared published store (the real data) with an account of its own;
the target is cleared again at the end, so other tests see none."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from werkzeug.serving import make_server

from data.store.store import Store
from tests.browser.conftest import axe_violations, console_errors, saved_file
from tests.browser.staff_helpers import PASSWORD, sign_in, text, wait

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
TARGET_COLUMN = "Positive outcome rate against its target"


@pytest.fixture(scope="module")
def staff_live(published):
    from dashboard.app import create_app

    app = create_app(published)
    accounts = app.server.extensions["wec_accounts"]
    if accounts.by_username("alice") is None:
        accounts.create("alice", PASSWORD, "Alice Example")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    store = Store(published.database_url)
    try:
        if store.targets().get("knife_crime") is not None:
            store.set_target("knife_crime", "", None, actor="test", what="cleared by the test")
    finally:
        store.dispose()


@pytest.fixture(autouse=True)
def signed_out_after(browser):
    """The browser is shared by the session's tests: leave it signed out."""
    yield
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})


def no_serious_violations(driver) -> None:
    found = axe_violations(driver)
    assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]


def outcomes_text(driver) -> str:
    return driver.execute_script(
        "const e = document.getElementById('profile-outcomes'); return e ? e.innerText : '';"
    )


def test_staff_set_a_target_that_the_public_pages_read_rates_against(staff_live, browser):
    base = staff_live
    browser.get(f"{base}/area/{LAMBETH}")
    wait(browser, lambda d: "positive outcome" in outcomes_text(d).lower())
    assert "No target has been set for this rate." in outcomes_text(browser)

    sign_in(browser, base)
    wait(browser, lambda d: d.find_elements(By.ID, "staff-target-measure"))
    Select(browser.find_element(By.ID, "staff-target-measure")).select_by_value("knife_crime")
    Select(browser.find_element(By.ID, "staff-target-area")).select_by_value("")
    browser.find_element(By.ID, "staff-target-rate").send_keys("30")
    browser.find_element(By.ID, "staff-target-set").click()
    wait(browser, lambda d: "30% (it was none)" in text(d, "staff-target-message"))
    assert "London-wide" in text(browser, "staff-targets")
    no_serious_violations(browser)

    # The profile reads Lambeth's knife crime outcome rate against it, with its interval.
    browser.get(f"{base}/area/{LAMBETH}")
    wait(browser, lambda d: "London-wide target of 30%" in outcomes_text(d))
    shown = outcomes_text(browser)
    assert "95% interval" in shown
    assert any(w in shown for w in ("lies wholly below it", "lies wholly above it",
                                    "is consistent with the London-wide target"))  # fmt: skip

    # The ranking gives every borough's rate against it.
    browser.get(f"{base}/at-risk?measure=knife_crime&level=borough&period=r12")
    wait(browser, lambda d: d.execute_script("return !!document.querySelector('#risk-table td')"))
    cells = browser.execute_script(
        """const heads = Array.from(document.querySelectorAll('#risk-table thead th'))
             .map(th => th.textContent);
           const i = heads.indexOf(arguments[0]);
           return Array.from(document.querySelectorAll('#risk-table tbody tr'))
             .map(tr => tr.children[i].textContent);""",
        TARGET_COLUMN,
    )
    assert len(cells) == 32
    assert all("(30%)" in c or "target 30%" in c for c in cells)

    # The map paints every borough's positive outcome rate and reads London's against it.
    browser.get(f"{base}/map?measure=knife_crime&level=borough&period=r12&value=outcome_rate")
    wait(browser, lambda d: "London-wide target of 30%" in text(d, "map-headline"))
    assert "positive outcome rate" in text(browser, "map-heading").lower()
    no_serious_violations(browser)

    # Versions and history: who, and the old and new value.
    browser.get(f"{base}/staff/history")
    wait(browser, lambda d: "Set a target" in text(d, "staff-history"))
    history = text(browser, "staff-history")
    assert "Target for the positive outcome rate of knife crime, London-wide: none -> 30%" in (
        history
    )
    assert "alice" in history
    assert not [e for e in console_errors(browser) if "favicon" not in e]


HAS_ROWS = "return !!document.querySelector('#risk-table td')"


def test_a_ranking_filtered_to_one_borough_downloads_what_it_shows(
    live_server, browser, narrow_phone, tmp_path
):
    browser.get(f"{live_server}/at-risk?measure=knife_crime&level=ward&period=r12")
    wait(browser, lambda d: d.execute_script("return !!document.querySelector('#risk-table td')"))
    select = Select(browser.find_element(By.CSS_SELECTOR, "#risk-table select.table-filter-select"))
    assert select.first_selected_option.text.startswith("All (")
    select.select_by_value("Lambeth")
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#risk-table tbody tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent));"
    )
    assert len(rows) == 25  # Lambeth's wards
    assert {r[2] for r in rows} == {"Lambeth"}
    status = browser.find_element(By.CSS_SELECTOR, "#risk-table .table-filter-status").text
    assert status.startswith("Showing the 25 of")
    assert not browser.find_element(By.CSS_SELECTOR, "#risk-table tfoot").is_displayed()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.CSS_SELECTOR, "button[data-csv-for='risk-table']").click()
    csv = pd.read_csv(saved_file(tmp_path, ".csv", 20), encoding="utf-8-sig")
    assert list(csv["Area"]) == [r[0] for r in rows]  # the rows shown, no footer rows
    assert set(csv["Borough"]) == {"Lambeth"}
    no_serious_violations(browser)

    narrow_phone.get(f"{live_server}/at-risk?measure=knife_crime&level=ward&borough={LAMBETH}")
    wait(narrow_phone, lambda d: d.execute_script(HAS_ROWS))
    no_serious_violations(narrow_phone)
