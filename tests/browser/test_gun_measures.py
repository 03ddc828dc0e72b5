"""Gun measures end to end: a gun crime file in the official long layout (the Monthly
Crime Dashboard's "OtherCrimeData": the knife file's layout, crime type "Gun Crime";
HAND-MADE figures, tests/official.gun_file) uploaded, checked and published by a member
of staff through the staff page's own steps (tests/browser/staff_helpers.gun_store:
data/refresh.py check_upload and publish_upload, as the page's callbacks call them);
then every page shows the gun measures: the overview, the map, the at-risk ranking, the
hot spots, the profiles (figures and outcome rates), the downloads and the API. The
young people's page says why gun crime is not on it (no gun measure counts victims by
age). axe finds nothing serious on the gun views.

The upload itself in the browser (sign in, upload, the report, publish) is what
tests/browser/test_staff.py and test_staff_celery.py do, with the knife workbook; the
staff page treats a gun file no differently. At 390 px, tests/browser/
test_hotspots_young_people.py and test_at_risk_profile.py run axe on the same pages
(hot spots, profiles) with the knife data."""

from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import requests
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from tests import official
from tests.browser.conftest import axe_violations, console_errors
from tests.browser.staff_helpers import gun_store, staff_env, text, wait
from tests.conftest import copy_store

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
# The published version ends in January 2026: the latest 12 months.
R12 = ("2025-02", "2026-01")


@pytest.fixture(scope="module")
def gun(tmp_path_factory, raw_dir):
    """The app on a copy of the gun store, and the gun file's frame (as uploaded)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    data_dir = tmp_path_factory.mktemp("gun-browser")
    copy_store(gun_store(tmp_path_factory, raw_dir), data_dir, tmp_path_factory)
    app = create_app(Settings.from_env(staff_env(data_dir, raw_dir)))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", official.gun_file(raw_dir, until="2026-01")
    server.shutdown()


def figure(frame: pd.DataFrame, subtype: str, measure: str = "Offences", *,
           code: str | None = None, months: tuple[str, str] = R12) -> int:  # fmt: skip
    """A count from the uploaded file: borough rows, one area or all of them."""
    month = pd.to_datetime(frame["Month_Year"], dayfirst=True).dt.strftime("%Y-%m")
    rows = frame[(frame["Area Type"] == "Borough") & (frame["Crime Subtype"] == subtype)
                 & (frame["Measure"] == measure) & month.between(*months)]  # fmt: skip
    if code is not None:
        rows = rows[rows["Area code"].str.strip() == code]
    return int(rows["Count"].sum())


def shot(driver, name: str) -> None:
    """A screenshot to look at, when WEC_TEST_SHOTS names a folder."""
    folder = os.environ.get("WEC_TEST_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def no_serious_violations(driver) -> None:
    found = axe_violations(driver)
    assert not found, [(v["id"], v["nodes"][0]["html"][:150]) for v in found]


def open_ready(driver, url: str, ready: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(driver, lambda d: d.execute_script(ready), 90)


def table_rows(driver, holder: str) -> list[list[str]]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent));",
        holder,
    )


def test_a_published_gun_file_reaches_every_page(gun, browser):
    driver = browser
    base, frame = gun

    # The overview: London's gun crime over the latest 12 months, with its verdict.
    london = figure(frame, "Gun Crime")
    open_ready(driver, base + "/", "return !!document.querySelector('#overview-cards "
               ".overview-figure')")  # fmt: skip
    card = driver.find_element(By.ID, "overview-card-box-gun_crime")
    wait(driver, lambda d: card.find_element(By.CLASS_NAME, "overview-figure").text
         == f"{london:,}")  # fmt: skip
    for measure in ("gun_crime_robbery", "lethal_barrelled_discharges", "non_lethal_discharges"):
        box = driver.find_element(By.ID, f"overview-card-box-{measure}")
        assert "No figures yet" not in box.text, measure
    assert "Gun crime:" in text(driver, "overview-summary")
    shot(driver, "gun-overview")

    # The map and its table: Lambeth's count.
    lambeth = figure(frame, "Gun Crime", code=LAMBETH)
    open_ready(driver, base + "/map?measure=gun_crime&level=borough&period=r12&table=1",
               "return !!document.querySelector('#map-table td')")  # fmt: skip
    assert text(driver, "map-heading").startswith("Gun crime")
    shown = {r[0]: r for r in table_rows(driver, "map-table")}
    assert f"{lambeth:,}" in shown["Lambeth"]
    shot(driver, "gun-map")

    # The at-risk ranking ranks every borough on gun crime.
    open_ready(driver, base + "/at-risk?measure=gun_crime&level=borough",
               "return !!document.querySelector('#risk-table td')")  # fmt: skip
    assert text(driver, "risk-heading").startswith("Gun crime by borough")
    assert len(table_rows(driver, "risk-table")) == 32
    no_serious_violations(driver)

    # Hot spots run on gun crime, and nothing says it has no data.
    ready = "const e = document.getElementById('hot-summary'); return !!(e && e.innerText);"
    open_ready(driver, base + "/hotspots?measure=gun_crime", ready)
    assert driver.find_element(By.ID, "hot-results").is_displayed()
    page = driver.find_element(By.TAG_NAME, "main").text
    assert "no public data yet" not in page
    assert "no published data for gun crime" not in page.lower()
    shot(driver, "gun-hotspots")
    no_serious_violations(driver)

    # Young people: gun crime does not apply, and the page says why.
    open_ready(driver, base + "/young-people", "return !!document.querySelector('#young-table td')")
    caveats = driver.execute_script("return document.querySelector('.young-caveats').textContent")
    assert "Gun crime is not on this page" in caveats

    # The profile: gun figures beside knife, and the gun outcome rates.
    open_ready(driver, base + f"/area/{LAMBETH}",
               "const e = document.getElementById('profile-outcomes'); "
               "return !!(e && e.innerText.includes('Gun crime'));")  # fmt: skip
    outcomes = driver.find_element(By.ID, "profile-outcomes").text
    offences = figure(frame, "Gun Crime", code=LAMBETH)
    positive = figure(frame, "Gun Crime", "Positive Outcomes", code=LAMBETH)
    sentence = next(line for line in outcomes.splitlines() if line.startswith("Gun crime, "))
    assert f": {positive:,} positive outcome" in sentence
    assert f"against {offences:,} offences in Lambeth" in sentence
    assert f"a rate of {positive / offences * 100:.0f}%" in sentence
    assert "Lethal barrelled firearm discharges" in outcomes
    assert "Gun crime" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "gun-profile")
    no_serious_violations(driver)

    assert not [e for e in console_errors(driver) if "favicon" not in e]

    # The API and the open data download carry the gun figures.
    series = requests.get(f"{base}/api/v1/series?measure=gun_crime&area={LAMBETH}",
                          timeout=60).json()  # fmt: skip
    assert series["data_version"] == 2
    assert series["data"]["total"] == figure(frame, "Gun Crime", code=LAMBETH,
                                             months=("2022-03", "2026-01"))  # fmt: skip
    measures = {
        m["id"]: m for m in requests.get(f"{base}/api/v1/measures", timeout=60).json()["data"]
    }
    assert {p["level"] for p in measures["non_lethal_discharges_outcomes"]["published"]} >= {
        "borough", "ward"}  # fmt: skip
    archive = requests.get(f"{base}/api/v1/download", timeout=120)
    assert archive.status_code == 200
    files = zipfile.ZipFile(io.BytesIO(archive.content))
    counts = pd.read_csv(files.open("london-weapon-crime-data-v2/csv/counts.csv"))
    gun_counts = counts[(counts["measure"] == "gun_crime") & (counts["level"] == "borough")]
    assert gun_counts["value"].sum() == figure(frame, "Gun Crime", months=("2022-03", "2026-01"))
