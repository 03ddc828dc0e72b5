"""The area profile on paper: headless Chromium prints it to PDF on the server, with the
area's name, its figures, and the sources and data version at the foot of every page;
the printed page has no navigation or controls."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import requests

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"


def pdf_text(path, *args: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is needed (poppler-utils: scripts/setup installs it)")
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def test_a_profile_is_downloaded_as_a_pdf_made_on_the_server(live_server, dataset, tmp_path):
    response = requests.get(f"{live_server}/pdf/area/{LAMBETH}", timeout=120)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    path = tmp_path / "lambeth.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert pages >= 3
    assert "A4" in info
    text = pdf_text(path)
    assert "Lambeth" in text
    assert "In the 12 months to February 2026 there were 634 knife crime offences" in text
    assert "Positive outcomes" in text
    # The sources and the version at the foot of every page, with its number.
    version = f"Data version {dataset.version_id}"
    for page in range(1, pages + 1):
        one = pdf_text(path, "-f", str(page), "-l", str(page))
        assert "Lambeth: area profile" in one, page
        assert version in one.replace("\n", " "), page
        assert f"Page {page}" in one, page
    # Paper has no use for the navigation, the search box or the buttons.
    for absent in ("Show profile", "Download this table (CSV)", "Skip to main content",
                   "At-risk areas"):  # fmt: skip
        assert absent not in text, absent
    # The same PDF again, from the cache.
    assert requests.get(f"{live_server}/pdf/area/{LAMBETH}", timeout=120).content == (
        response.content
    )


def test_the_profile_links_its_pdf_and_prints_its_footer(browser, narrow_phone, live_server):
    browser.get(f"{live_server}/area/{LAMBETH}")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script(
            "const a = document.getElementById('profile-pdf'); return a && a.href;"
        )
    )
    href = browser.execute_script("return document.getElementById('profile-pdf').href")
    assert href.endswith(f"/pdf/area/{LAMBETH}")
    sheet = browser.execute_script(
        "return Array.from(document.querySelectorAll('link[media=print]')).map(l => l.href);"
    )
    assert any(s.endswith(f"/print/area/{LAMBETH}.css") for s in sheet)
    # In print, the navigation and the buttons go and the footer line shows.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            """return [getComputedStyle(document.querySelector('.site-header nav')).display,
                       getComputedStyle(document.querySelector('button.chart-png')).display,
                       getComputedStyle(document.getElementById('profile-print-line')).display];"""
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown == ["none", "none", "block"]
    for driver in (browser, narrow_phone):
        driver.get(f"{live_server}/area/{LAMBETH}")
        WebDriverWait(driver, 60).until(
            lambda d: d.execute_script("return !!document.querySelector('#profile-glance td')")
        )
        found = axe_violations(driver)
        assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]
