"""The pages work under the Content-Security-Policy: headless Chromium records every CSP
violation (a `securitypolicyviolation` listener installed before any script of the
page runs) while the map draws with MapLibre's workers, a page change, and the staff
sign-in page; there must be none, and no CSP message in the console."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import console_errors
from tests.browser.test_map import open_map, wait

pytestmark = pytest.mark.browser

RECORD = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def recording(browser):
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD})
    browser.get_log("browser")  # start with an empty console log
    yield browser
    browser.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
    )


def violations(driver) -> list[str]:
    return driver.execute_script("return window.__cspViolations || null;")


def test_the_map_and_pages_run_under_the_content_security_policy(live_server, recording):
    driver = recording
    open_map(driver, f"{live_server}/map?measure=knife_crime&level=ward&period=r12")
    # MapLibre has made its workers (blob: URLs) and drawn the map.
    assert driver.find_elements(By.CSS_SELECTOR, "#map canvas")
    assert violations(driver) == []
    # A page change in the single-page app, then a full load of the sign-in page.
    driver.find_element(By.CSS_SELECTOR, "a[href='/about']").click()
    wait(driver, lambda d: "/about" in d.current_url and d.find_elements(By.TAG_NAME, "h1"))
    assert violations(driver) == []
    # Signed out (a staff test of this session may have signed in on this host), so the
    # sign-in page is shown rather than the staff page it would forward to.
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(f"{live_server}/staff/sign-in")
    wait(driver, lambda d: d.find_elements(By.ID, "username"))
    assert violations(driver) == []
    logged = console_errors(driver)
    assert not [m for m in logged if "Content Security Policy" in m], logged
