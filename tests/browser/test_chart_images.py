"""Every chart on every page can be saved as a picture with its title, source line and
data version: each "Download this chart (PNG)" button names a drawn chart that carries
its picture, and a click saves a PNG of the report size."""

from __future__ import annotations

import struct
from pathlib import Path

import plotly
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import static
from tests.browser.conftest import axe_violations, console_errors, saved_file

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
# Each button's chart, once drawn: [graph id, picture title, picture footer] or the
# reason it cannot be saved.
BUTTONS = """
return Array.from(document.querySelectorAll('button.chart-png')).map(b => {
  const id = b.getAttribute('data-chart-for');
  const holder = document.getElementById(id);
  const gd = holder && holder.querySelector('.js-plotly-plot');
  if (!gd || !gd.data || !gd.data.length) { return [id, 'not drawn', '']; }
  const image = gd.layout.meta && gd.layout.meta.wecImage;
  if (!image) { return [id, 'no picture', '']; }
  return [id, image.layout.title.text, image.annotations[0].text];
});
"""
PAGES = {
    "/": 2,
    "/at-risk": 1,
    f"/area/{LAMBETH}": 2,
    "/hotspots": 1,
    f"/young-people?borough={LAMBETH}": 2,
    "/perception": 3,
}


def wait(driver, condition, timeout: float = 60):
    ignored = (StaleElementReferenceException,)
    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=ignored).until(
        condition
    )


def drawn_buttons(driver, at_least: int):
    def ready(d):
        found = d.execute_script(BUTTONS)
        drawn = [b for b in found if b[1] not in ("not drawn",)]
        return found if len(drawn) >= at_least else None

    return wait(driver, ready)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


# The trace types the page's plotly.js knows, and those its graphs draw.
TRACE_TYPES = """
return {known: Object.keys(Plotly.PlotSchema.get().traces), version: Plotly.version,
        drawn: Array.from(document.querySelectorAll('.js-plotly-plot'))
                 .flatMap(gd => (gd.data || []).map(t => t.type || 'scatter'))};
"""


@pytest.mark.parametrize("path", list(PAGES))
def test_every_chart_carries_its_title_source_and_version(browser, live_server, dataset, path):
    browser.get(live_server + path)
    buttons = drawn_buttons(browser, PAGES[path])
    # The page's plotly.js (a bundle of only these, dashboard/static.py) draws them all.
    types = browser.execute_script(TRACE_TYPES)
    assert sorted(types["known"]) == sorted(static.PLOTLY_TRACES)
    assert types["version"] == plotly.offline.get_plotlyjs_version()
    assert types["drawn"]
    assert set(types["drawn"]) <= set(static.PLOTLY_TRACES), types["drawn"]
    version = f"Data version {dataset.version_id}"
    for graph_id, title, footer in buttons:
        if title == "not drawn":  # a chart the view leaves empty has nothing to save
            continue
        assert title != "no picture", graph_id
        assert title, graph_id
        assert "Source:" in footer, graph_id
        assert version in footer, graph_id


def test_a_chart_is_saved_as_a_png_of_the_report_size(browser, narrow_phone, live_server,
                                                      tmp_path):  # fmt: skip
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.get(f"{live_server}/area/{LAMBETH}")
    drawn_buttons(browser, 2)
    button = browser.find_element(
        By.CSS_SELECTOR, "button.chart-png[data-chart-for='profile-trend']"
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    saved = [saved_file(tmp_path, ".png", 30)]
    assert saved[0].name.startswith(f"area-{LAMBETH.lower()}-trend-knife-crime")
    assert png_size(saved[0]) == (1200, 750)
    assert not [e for e in console_errors(browser) if "favicon" not in e]
    found = axe_violations(browser)
    assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]
    narrow_phone.get(f"{live_server}/area/{LAMBETH}")
    drawn_buttons(narrow_phone, 2)
    found = axe_violations(narrow_phone)
    assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]
