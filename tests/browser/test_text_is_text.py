"""Text is text, in Chromium: names holding Markdown, HTML and script, published through a
staff upload and in the register (tests/text_safety.py), are shown on every page as
the characters they are; no element, attribute, link, image or script comes from them
and none of their scripts runs. tests/integration/test_text_is_text.py walks the same
pages' outputs on the server."""

from __future__ import annotations

import threading

import pytest
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from data import perception as survey
from tests import text_safety as hostile
from tests.browser.test_at_risk_profile import text_of, wait

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
# Attributes whose values the browser treats as text (a table's model, drawn as text
# by tables.js; a label; a select's value, which is a key, not a name; plotly's copy of
# a label's source, kept beside the text it drew).
TEXT_ATTRIBUTES = ("data-table", "data-label", "title", "aria-label", "label", "value",
                   "placeholder", "alt", "data-unformatted")  # fmt: skip
FROM_PAYLOADS = """
const hostile = /__pwned|evil\\.example|fullData|javascript:alert/;
const textAttributes = new Set(arguments[0]);
const found = [];
if (window.__pwned !== undefined) { found.push('a script from the names ran: ' + window.__pwned); }
for (const el of document.querySelectorAll('*')) {
  const tag = el.tagName.toLowerCase();
  if ((tag === 'script' || tag === 'style') && hostile.test(el.textContent)) {
    found.push('a <' + tag + '> from the names');
  }
  if (['img', 'iframe', 'object', 'embed'].includes(tag) &&
      hostile.test(el.getAttribute('src') || el.getAttribute('data') || '')) {
    found.push('an <' + tag + '> from the names');
  }
  if (tag === 'img' && el.getAttribute('src') === 'x') { found.push('an <img src=x>'); }
  for (const a of el.attributes) {
    if (/^on/i.test(a.name) && hostile.test(a.value)) { found.push('a handler ' + a.name); }
    else if (hostile.test(a.value) && !textAttributes.has(a.name)) {
      found.push('<' + tag + ' ' + a.name + '="' + a.value.slice(0, 60) + '">');
    }
  }
  // Markup the names hold, drawn as elements: <b>Ward</b>, <b>x</b>, <a>a</a>.
  if (['b', 'strong', 'em', 'a'].includes(tag) &&
      ['Ward', 'x', 'a', 'b', 'w', 'l'].includes(el.textContent.trim())) {
    found.push('a <' + tag + '> holding ' + JSON.stringify(el.textContent));
  }
}
return found;
"""
PLOTS_DRAWN = """
const plots = document.querySelectorAll('.js-plotly-plot');
return plots.length > 0 && Array.from(plots).every(p => p._fullData);
"""
PLOT_TEXT = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => p.textContent).join(' ');
"""


@pytest.fixture(scope="module")
def site(published, raw_dir, tmp_path_factory):
    from dashboard.app import create_app

    into = tmp_path_factory.mktemp("hostile-browser") / "data"
    made = hostile.hostile_copy(tmp_path_factory, published.data_dir, raw_dir, into)
    settings = published.with_(data_dir=made["dir"], secure_cookies=False,
                               database_url=f"sqlite:///{made['dir'] / 'wec.sqlite'}")  # fmt: skip
    app = create_app(settings)
    accounts = app.server.extensions["wec_accounts"]
    # The store is a copy of the session's published one, where a staff test may have
    # made the same account already: give it this test's password.
    if accounts.by_username(hostile.ACTOR) is None:
        accounts.create(hostile.ACTOR, PASSWORD, f"Alice {hostile.IMAGE}")
    else:
        accounts.set_password(hostile.ACTOR, PASSWORD)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ds = app.server.extensions["wec"].dataset()
    key = next(m.key for m in survey.survey_measures(ds) if m.name == hostile.MEASURE)
    yield made | {"base": f"http://127.0.0.1:{server.server_port}", "measure": key}
    server.shutdown()


def _shown(driver) -> str:
    return " ".join(driver.execute_script("return document.body.innerText;").split())


def _open(driver, url: str, element_id: str, *, plots: bool = True) -> str:
    driver.get(url)
    wait(driver, lambda d: text_of(d, element_id).strip() != "", 90)
    if plots:
        wait(driver, lambda d: d.execute_script(PLOTS_DRAWN), 90)
    found = driver.execute_script(FROM_PAYLOADS, list(TEXT_ATTRIBUTES))
    assert found == [], f"{url}: {found}"
    return _shown(driver)


def test_every_public_page_shows_the_names_as_text(browser, site):
    base, borough, ward = site["base"], hostile.LAMBETH, site["ward"]
    measure = hostile.plain(hostile.MEASURE)
    lambeth = hostile.plain(hostile.REGISTER_NAMES["borough"])

    shown = _open(browser, f"{base}/perception?measure={site['measure']}&area={borough}",
                  "perception-homicide-summary")  # fmt: skip
    heading = hostile.plain(text_of(browser, "perception-trend-heading"))
    assert heading.startswith(f"{measure} in ")
    assert measure in _shown(browser)
    selected = browser.execute_script(
        "const s = document.querySelector('#perception-controls select');"
        "return s.options[s.selectedIndex].text;"
    )
    assert hostile.plain(selected) == measure
    # In the charts too: plotly shows the characters, the link and script included.
    assert '<a href="https://evil.example/a">a</a>' in browser.execute_script(PLOT_TEXT)
    # A table drawn by tables.js: its caption is the name as written.
    captions = browser.execute_script(
        "return Array.from(document.querySelectorAll('#perception-trend-table caption'))"
        ".map(c => c.textContent);"
    )
    assert any(measure in hostile.plain(c) for c in captions), captions

    shown = _open(browser, f"{base}/area/{borough}", "profile-perception")
    assert text_of(browser, "profile-title") == hostile.REGISTER_NAMES["borough"]
    assert measure in shown
    shown = _open(browser, f"{base}/area/{ward}", "profile-funnel-note")
    assert hostile.plain(hostile.REGISTER_NAMES["ward"]) in shown

    for path, element in (
        (f"/map?level=ward&borough={borough}", "map-heading"),
        (f"/at-risk?level=ward&borough={borough}", "risk-summary"),
        (f"/young-people?level=ward&borough={borough}", "young-summary"),
        (f"/hotspots?level=ward&borough={borough}", "hot-summary"),
    ):
        shown = _open(browser, base + path, element)
        assert lambeth in shown, path

    shown = _open(browser, f"{base}/about", "about-content", plots=False)
    assert hostile.plain(hostile.SURVEY_FILE) in shown
    assert hostile.plain(hostile.CRIME_FILE) in shown
    # The crime file's own area names are never shown: the register's are.
    assert hostile.plain(hostile.CRIME_AREA_NAME) not in shown


def test_the_staff_history_shows_file_names_and_actors_as_text(browser, site):
    base = site["base"]
    browser.delete_all_cookies()
    browser.get(f"{base}/staff/sign-in")
    wait(browser, lambda d: d.find_elements(By.ID, "username"))
    browser.find_element(By.ID, "username").send_keys(hostile.ACTOR)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, lambda d: "Signed in as" in text_of(d, "staff-who"), 60)
    shown = _open(browser, f"{base}/staff/history", "staff-history", plots=False)
    assert hostile.plain(hostile.SURVEY_FILE) in shown
    assert hostile.plain(hostile.CRIME_FILE) in shown
    assert hostile.ACTOR in shown
    _open(browser, f"{base}/staff", "staff-who", plots=False)
    browser.delete_all_cookies()
