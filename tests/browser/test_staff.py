"""The staff refresh end to end in headless Chromium: sign in, upload a real-format file,
read the report, publish, see the new month on the public map, roll back, see it gone.

The app runs on a store of its own (never the shared `published` one): the published
version is the real knife file to January 2026, and the upload is the real February
2026 month written as the Datastore's XLSX workbook.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import update

from dashboard.auth import staff_sessions
from tests import official
from tests.browser.conftest import axe_violations, chrome, console_errors
from tests.browser.staff_helpers import (
    PASSWORD,
    public_map_month,
    serve_staff_app,
    sign_in,
    staff_env,
    text,
    wait,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory, raw_dir):
    data_dir = tmp_path_factory.mktemp("staff-browser")
    server, base, upload = serve_staff_app(
        tmp_path_factory, data_dir, raw_dir, staff_env(data_dir, raw_dir)
    )
    yield server, base, upload
    server.shutdown()


@pytest.fixture(scope="module")
def staff_server(served):
    _, base, upload = served
    return base, upload


@pytest.fixture(scope="module")
def driver():
    d = chrome(1280, 1000)
    yield d
    d.quit()


# The areas the preview map's first values trace colours.
PREVIEW_LOCATIONS = """
const gd = document.querySelector('#staff-preview-map .js-plotly-plot');
if (!gd || !gd.data) { return null; }
const shown = gd.data.filter((t) => t.name === 'values').flatMap((t) => t.locations);
return shown.length ? shown : null;
"""


def no_serious_violations(driver) -> None:
    found = axe_violations(driver)
    assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]


def test_sign_in_upload_publish_and_roll_back(staff_server, driver):
    base, upload = staff_server
    assert "January 2026" in public_map_month(driver, base)

    driver.get(f"{base}/staff")
    wait(driver, lambda d: d.find_elements(By.ID, "username"))
    assert "/staff/sign-in" in driver.current_url
    no_serious_violations(driver)
    driver.find_element(By.ID, "username").send_keys("alice")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, lambda d: "Signed in as alice" in text(d, "staff-who"))
    no_serious_violations(driver)

    driver.find_element(By.CSS_SELECTOR, "#staff-upload input[type=file]").send_keys(str(upload))
    wait(driver, lambda d: "Checked against published version 1" in text(d, "staff-report"), 120)
    report = text(driver, "staff-report")
    assert "Passed its check" in report
    assert "MPS Monthly Crime Dashboard (knife or gun)" in report
    assert "2026-02 to 2026-02" in report
    assert "New months" in report
    assert "2026-02" in report
    # The preview: the draft's map and London totals before and after.
    wait(driver, lambda d: d.find_element(By.ID, "staff-preview").is_displayed())
    wait(driver, lambda d: "February 2026" in text(d, "staff-preview-note"))
    assert "after publishing version 2" in text(driver, "staff-preview-note")
    totals = text(driver, "staff-totals")
    assert "February 2026: after publishing" in totals
    assert "not published" in totals  # the public has no February figures yet
    locations = wait(driver, lambda d: d.execute_script(PREVIEW_LOCATIONS))
    assert len(locations) == 32  # every MPS borough has a February figure
    no_serious_violations(driver)
    # Until it is published, the public still sees January.
    assert "January 2026" in public_map_month(driver, base)

    driver.back()
    wait(driver, lambda d: "Checked against published version 1" in text(d, "staff-report"), 120)
    publish = wait(driver, lambda d: d.find_element(By.ID, "staff-publish"))
    wait(driver, lambda d: publish.is_displayed())
    assert publish.text == "Publish version 2"
    publish.click()
    wait(driver, lambda d: "Published version 2" in text(d, "staff-outcome"))
    assert "February 2026" in public_map_month(driver, base)
    assert "latest month February 2026" in text(driver, "data-version")

    driver.get(f"{base}/staff/history")
    wait(driver, lambda d: "Published now" in text(d, "staff-history"))
    history = text(driver, "staff-history")
    assert "MPS_MonthlyCrimeDashboard_Feb2026.xlsx" in driver.page_source
    assert "Published by alice" in history
    assert "rollbacked" not in history
    no_serious_violations(driver)
    driver.find_element(By.XPATH, "//button[text()='Roll back to version 1']").click()
    wait(driver, lambda d: "Version 1 is published again" in text(d, "staff-history-message"))
    wait(driver, lambda d: "Rolled back to version 1" in text(d, "staff-history"))
    assert "January 2026" in public_map_month(driver, base)
    assert not [e for e in console_errors(driver) if "favicon" not in e]


def test_a_refused_file_shows_where_it_is_wrong_and_publishes_nothing(
    staff_server, driver, raw_dir, tmp_path
):
    base, _ = staff_server
    frame = official.dashboard_frame(raw_dir, only="2026-02").astype(object)
    frame.loc[10, "Count"] = "lots"
    bad = tmp_path / "february-with-a-typo.csv"
    bad.write_bytes(official.to_csv(frame))
    sign_in(driver, base)
    driver.find_element(By.CSS_SELECTOR, "#staff-upload input[type=file]").send_keys(str(bad))
    wait(driver, lambda d: "Refused" in text(d, "staff-report"), 120)
    report = text(driver, "staff-report")
    assert "the count 'lots' is not a number" in report
    assert "Rows rejected\n1" in report
    assert not driver.find_element(By.ID, "staff-publish").is_displayed()
    no_serious_violations(driver)


def test_a_ward_only_month_is_previewed_on_wards_and_the_public_map_says_so(
    staff_server, driver, raw_dir, tmp_path
):
    """A month published for wards before the borough file arrives: the preview opens on
    what changed (wards, February 2026), and once published the ward map's headline is
    the wards' own February while the borough map says it stops at January."""
    base, _ = staff_server
    frame = official.dashboard_frame(raw_dir, only="2026-02")
    wards = tmp_path / "wards-february-2026.csv"
    wards.write_bytes(official.to_csv(frame[frame["Area Type"] != "Borough"]))
    sign_in(driver, base)
    driver.find_element(By.CSS_SELECTOR, "#staff-upload input[type=file]").send_keys(str(wards))
    wait(driver, lambda d: "Passed its check" in text(d, "staff-report"), 120)
    wait(driver, lambda d: "February 2026" in text(d, "staff-preview-note"))
    assert text(driver, "staff-preview-note").startswith("Knife crime, wards, February 2026")
    values = driver.execute_script(
        "return ['staff-preview-measure', 'staff-preview-level', 'staff-preview-month']"
        ".map(i => document.getElementById(i).value);"
    )
    assert values == ["knife_crime", "ward", "2026-02"]
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#staff-totals tbody tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent));"
    )
    by_level = {row[0]: row[1:] for row in rows}
    assert by_level["Wards"][0] == "not published"
    assert by_level["Wards"][1] != "not published"  # the draft's February, for wards
    assert by_level["Boroughs"][:2] == ["not published", "not published"]
    no_serious_violations(driver)

    publish = wait(driver, lambda d: d.find_element(By.ID, "staff-publish"))
    wait(driver, lambda d: publish.is_displayed())
    publish.click()
    wait(driver, lambda d: "Published version" in text(d, "staff-outcome"))
    driver.get(f"{base}/map?measure=knife_crime&level=ward&period=m")
    wait(driver, lambda d: "London:" in text(d, "map-headline"))
    assert text(driver, "map-heading").endswith("February 2026")
    assert "in February 2026, against" in text(driver, "map-headline")
    driver.get(f"{base}/map?measure=knife_crime&level=borough&period=m")
    wait(driver, lambda d: "London:" in text(d, "map-headline"))
    assert text(driver, "map-heading").endswith("January 2026")
    assert "February 2026 has been published for wards only" in text(driver, "map-headline")

    driver.get(f"{base}/staff/history")
    wait(driver, lambda d: "Published now" in text(d, "staff-history"))
    driver.find_element(By.XPATH, "//button[text()='Roll back to version 1']").click()
    wait(driver, lambda d: "Version 1 is published again" in text(d, "staff-history-message"))


def test_staff_pages_fit_a_phone(staff_server):
    base, _ = staff_server
    phone = chrome(390, 844)
    # Headless Chromium's window cannot go below 500 px: emulate the 390 px screen.
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        phone.get(f"{base}/staff/sign-in")
        phone.find_element(By.ID, "username").send_keys("alice")
        phone.find_element(By.ID, "password").send_keys(PASSWORD)
        phone.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(phone, lambda d: "Signed in as alice" in text(d, "staff-who"))
        for path in ("/staff", "/staff/history"):
            phone.get(base + path)
            wait(phone, lambda d: "Signed in as alice" in text(d, "staff-who"))
            assert phone.execute_script("return window.innerWidth") == 390
            overflow = phone.execute_script(
                "return document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth;"
            )
            assert overflow <= 0, path
            no_serious_violations(phone)
    finally:
        phone.quit()


def test_the_public_footer_links_to_staff_sign_in_but_the_menu_does_not(staff_server, driver):
    base, _ = staff_server
    driver.get(base + "/")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".site-footer .staff-link"))
    # The router redraws the menu once the page is routed: read it, not an element of it.
    wait(driver, lambda d: "Overview" in d.execute_script(
        "const n = document.getElementById('nav'); return n ? n.innerText : '';"))  # fmt: skip
    menu = driver.execute_script("return document.getElementById('nav').innerText;")
    assert "Staff" not in menu
    assert "Data refresh" not in menu


def test_a_page_left_idle_past_the_timeout_says_the_session_ended(served, driver, tmp_path):
    """The server ends a session unused for its idle time (30 minutes) and then refuses
    the page's callbacks (403); the page says so and links to sign in again, back to
    the same upload, and what was refused changed nothing."""
    server, base, _ = served
    sign_in(driver, base)
    unknown = tmp_path / "notes.csv"
    unknown.write_text("a,b\n1,2\n")
    driver.find_element(By.CSS_SELECTOR, "#staff-upload input[type=file]").send_keys(str(unknown))
    wait(driver, lambda d: "Refused" in text(d, "staff-report"), 120)
    discard = driver.find_element(By.ID, "staff-discard")
    assert discard.is_displayed()
    page = driver.current_url
    assert "/staff?upload=" in page
    assert not driver.find_element(By.ID, "staff-session-ended").is_displayed()
    # Left idle: the session's last request is now longer ago than the idle timeout.
    accounts = server.app.extensions["wec_accounts"]
    idle = dt.datetime.now(dt.UTC) - accounts.session_idle - dt.timedelta(minutes=1)
    with accounts.engine.begin() as conn:
        conn.execute(update(staff_sessions).values(last_seen_at=idle))
    discard.click()
    wait(driver, lambda d: d.find_element(By.ID, "staff-session-ended").is_displayed())
    shown = text(driver, "staff-session-ended")
    assert "Your staff session has ended" in shown
    assert "after 30 minutes without use" in shown
    assert driver.switch_to.active_element.get_attribute("id") == "staff-session-ended"
    assert not driver.find_element(By.ID, "staff-who").is_displayed()  # no longer true
    assert text(driver, "staff-outcome") == ""  # nothing was discarded
    no_serious_violations(driver)
    link = driver.find_element(By.LINK_TEXT, "Sign in again")
    back = page.removeprefix(base)
    assert link.get_attribute("href") == f"{base}/staff/sign-in?next={quote(back, safe='')}"
    link.click()
    wait(driver, lambda d: d.find_elements(By.ID, "username"))
    driver.find_element(By.ID, "username").send_keys("alice")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, lambda d: "Refused" in text(d, "staff-report"), 120)
    assert driver.current_url == page
    assert text(driver, "staff-actions").startswith("Refused")  # still there to discard
    assert not driver.find_element(By.ID, "staff-session-ended").is_displayed()
