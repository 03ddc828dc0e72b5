"""The map as a person uses it, in headless Chromium on the real data."""

from __future__ import annotations

import gzip
import io
import urllib.request

import numpy as np
import pandas as pd
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from data import queries
from tests.browser.conftest import axe_violations, console_errors, saved_file

pytestmark = pytest.mark.browser

LAMBETH = "E09000022"
CLAPHAM_COMMON = "E05014099"  # Clapham Common & Abbeville, a ward of Lambeth
GRAPH = "document.querySelector('#map .js-plotly-plot')"


def wait(driver, predicate, timeout: float = 30):
    # The server redraws the selects after each choice: an element may be replaced.
    ignored = (StaleElementReferenceException,)
    return WebDriverWait(driver, timeout, 0.1, ignored_exceptions=ignored).until(predicate)


def open_map(driver, url: str) -> None:
    driver.set_script_timeout(60)
    driver.get(url)
    wait(
        driver,
        lambda d: d.execute_script(
            f"const g = {GRAPH}; return g && g._fullData && g._fullData.length > 0"
            " && document.querySelectorAll('#map canvas').length > 0"
            # dcc.Graph listens for clicks only once the map has drawn: a click emitted
            # before that is lost, as it would be for a person tapping too soon.
            " && g._ev && g._ev.listeners('plotly_click').length > 0"
            " && document.getElementById('map-headline').textContent.length > 0"
            " && !!document.getElementById('map-measure');"
        ),
        60,
    )


def text_of(driver, element_id: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id
    )


def heading(driver) -> str:
    return text_of(driver, "map-heading")


def plotted(driver) -> dict[str, float]:
    """Area code -> the value the map draws for it, from its values trace."""
    locations, z = driver.execute_script(
        f"const d = {GRAPH}._fullData.find(t => t.name === 'values');"
        " return [Array.from(d.locations || []), Array.from(d.z || [])];"
    )
    if len(locations) != len(z):
        return {}  # caught between two updates; the caller waits and asks again
    return dict(zip(locations, z, strict=True))


def not_covered(driver) -> list[str]:
    """The areas drawn in the not-covered grey (z 1 of the greys' trace)."""
    return driver.execute_script(
        f"const d = {GRAPH}._fullData.find(t => t.name === 'no figure');"
        " return Array.from(d.locations).filter((c, i) => d.z[i] === 1);"
    )


# Counts the layers MapLibre is asked to add from now on (a repaint should add none).
COUNT_LAYERS_ADDED = f"""
const map = {GRAPH}._fullLayout.map._subplot.map;
window.wecLayersAdded = 0;
if (!map.wecCounting) {{
  const add = map.addLayer.bind(map);
  map.addLayer = function () {{ window.wecLayersAdded += 1; return add(...arguments); }};
  map.wecCounting = true;
}}
"""


def trace_locations(driver, name: str) -> list[str]:
    return driver.execute_script(
        f"return Array.from({GRAPH}._fullData.find(d => d.name === arguments[0]).locations);",
        name,
    )


def expected(ds, measure: str, level: str, period: str, value: str) -> dict[str, float]:
    """The values the map should draw: the query's, rates to three significant figures."""
    frame = queries.map_values(ds, measure=measure, level=level, period=period, value=value).frame
    ok = frame[(frame["status"] == queries.OK) & np.isfinite(frame["value"])]
    if value in ("rate", "young_rate"):
        return {c: float(f"{v:.3g}") for c, v in zip(ok["code"], ok["value"], strict=True)}
    return {c: float(v) for c, v in zip(ok["code"], ok["value"], strict=True)}


def choose(driver, select_id: str, value: str) -> None:
    wait(driver, lambda d: d.find_element(By.ID, select_id))
    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def selected(driver, *select_ids: str) -> list[str]:
    return driver.execute_script(
        "return arguments[0].map(i => { const e = document.getElementById(i);"
        " return e ? e.value : null; });",
        list(select_ids),
    )


def geometry_downloads(driver) -> int:
    """Ward boundary files the page asked for, over the network or from the browser's
    cache (a file met on an earlier page of the session comes from the cache)."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/geo/wards-')).length;"
    )


def test_controls_change_the_map_values_without_resending_geometry(browser, live_server, dataset):
    open_map(browser, live_server + "/map?measure=knife_crime&level=ward")
    assert plotted(browser) == expected(dataset, "knife_crime", "ward", "r12", "count")
    assert len(not_covered(browser)) == 25  # the City: never zero
    browser.execute_script(COUNT_LAYERS_ADDED)

    choose(browser, "map-measure", "knife_crime_injury")
    wait(browser, lambda d: "with injury" in heading(d))
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "r12",
                                                   "count"))  # fmt: skip
    choose(browser, "map-period", "m")
    wait(browser, lambda d: "12 months" not in heading(d))
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "m",
                                                   "count"))  # fmt: skip
    choose(browser, "map-value", "rate")
    wait(browser, lambda d: "rate per 1,000" in heading(d))
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "m",
                                                   "rate"))  # fmt: skip
    assert browser.current_url.endswith(
        "/map?measure=knife_crime_injury&level=ward&period=m&value=rate"
    )
    assert geometry_downloads(browser) == 1  # the boundaries came once, values since
    # Each change set new values in the layers the map already had: none was added again.
    assert browser.execute_script("return window.wecLayersAdded;") == 0
    assert console_errors(browser) == []


# What the screen shows inside each of the values trace's areas that is in view: for each
# area, the pixel at its centroid (read from the map's WebGL canvas in the frame MapLibre
# has just drawn, so before anything is composited over it) beside the colour plotly.js
# worked out for its value, blended with the white ground by the layer's opacity. Only
# areas whose centroid pixel MapLibre itself says is that area, and whose pixels round it
# are all one colour, are kept. Read once the map has every tile in.
SCREEN_COLOURS = f"""
const done = arguments[arguments.length - 1];
const gd = {GRAPH};
const map = gd._fullLayout.map._subplot.map;
const trace = gd._fullData.find(t => t.name === 'values');
const cd = gd.calcdata.find(c => c[0].trace.uid === trace.uid);
const fill = 'plotly-trace-layer-' + trace.uid + '-fill';
// MapLibre numbers the areas in the order plotly.js gave them: the boundary file's.
const file = window.PlotlyGeoAssets[trace.geojson].features;
const drawn = cd.filter(pt => pt.fOut);
const place = new Map(drawn.map(pt => [pt, file.indexOf(pt.fIn)]));
const order = drawn.slice().sort((a, b) => place.get(a) - place.get(b));
const number = new Map(order.map((pt, i) => [pt, i + 1]));
const canvas = map.getCanvas();
const ratio = canvas.width / canvas.clientWidth;
const rgb = c => {{
  const m = String(c).match(/[0-9.]+/g);
  if (String(c)[0] === '#') {{
    const h = c.slice(1);
    return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16));
  }}
  return m.slice(0, 3).map(Number);
}};
const read = () => {{
  const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
  const opacity = map.getPaintProperty(fill, 'fill-opacity');
  const alpha = typeof opacity === 'number' ? opacity : 1;
  const out = [];
  drawn.forEach(pt => {{
    if (!pt.ct || isNaN(pt.ct[0])) {{ return; }}
    const p = map.project(pt.ct);
    if (p.x < 5 || p.y < 5 || p.x > canvas.clientWidth - 5 || p.y > canvas.clientHeight - 5) {{
      return;
    }}
    const hit = map.queryRenderedFeatures([p.x, p.y], {{layers: [fill]}});
    if (!hit.length || hit[0].id !== number.get(pt)) {{ return; }}
    // A 5 x 5 block round the centroid, kept only if all one colour: inside the area,
    // clear of its boundary lines.
    const block = new Uint8Array(4 * 25);
    gl.readPixels(Math.round(p.x * ratio) - 2, canvas.height - 1 - Math.round(p.y * ratio) - 2,
                  5, 5, gl.RGBA, gl.UNSIGNED_BYTE, block);
    const px = block.slice(48, 52);
    for (let k = 0; k < 25; k++) {{
      for (let c = 0; c < 3; c++) {{
        if (Math.abs(block[4 * k + c] - px[c]) > 2) {{ return; }}
      }}
    }}
    const want = rgb(pt.fOut.properties.fc).map(v => Math.round(v * alpha + 255 * (1 - alpha)));
    out.push([pt.loc, Array.from(px.slice(0, 3)), want]);
  }});
  done(out);
}};
// Once every tile is in and drawn, a frame drawn again is read as it is drawn.
const settled = () => {{
  map.once('render', read);
  map.triggerRepaint();
}};
if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) {{ settled(); }}
else {{ map.once('idle', settled); }}
"""
REPAINTS = f"return Object.assign({{}}, {GRAPH}._fullLayout.map._subplot.map.__wecRepaint);"


def screen_colours(driver) -> dict[str, tuple[list[int], list[int]]]:
    return {
        code: (shown, want) for code, shown, want in driver.execute_async_script(SCREEN_COLOURS)
    }


def off_by(shown: list[int], want: list[int]) -> int:
    return max(abs(a - b) for a, b in zip(shown, want, strict=True))


def test_a_change_of_measure_repaints_the_screen_from_the_boundaries_it_has(browser, live_server,
                                                                          dataset):  # fmt: skip
    """A measure change gives MapLibre the new colours as feature state, on the
    boundaries it already has (dashboard/assets/map_repaint.js), and the screen shows
    them: each area's pixel is the colour of its new value (the values, borough lines
    and greys traces all drawn, the borough lines' clear fill hidden)."""
    open_map(browser, live_server + "/map?measure=knife_crime&level=ward")
    before = screen_colours(browser)
    assert len(before) >= 100, len(before)
    # The borough lines' fill is clear: hidden, never triangulated; their lines are drawn.
    shown = browser.execute_script(
        f"const map = {GRAPH}._fullLayout.map._subplot.map;"
        "return Object.fromEntries(['values-fill', 'borough-lines-fill', 'borough-lines-line']"
        ".map(k => [k, map.getLayoutProperty('plotly-trace-layer-' + k, 'visibility')]));"
    )
    assert shown == {"values-fill": "visible", "borough-lines-fill": "none",
                     "borough-lines-line": "visible"}  # fmt: skip
    wrong = {c: pair for c, pair in before.items() if off_by(*pair) > 2}
    assert not wrong, (len(wrong), list(wrong.items())[:5])
    repaints = browser.execute_script(REPAINTS)

    choose(browser, "map-measure", "knife_crime_injury")
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime_injury", "ward", "r12",
                                                   "count"))  # fmt: skip
    wait(browser, lambda d: d.execute_script(REPAINTS)["state"] > repaints["state"])
    after = screen_colours(browser)
    wrong = {c: pair for c, pair in after.items() if off_by(*pair) > 2}
    assert not wrong, list(wrong.items())[:5]
    changed = [c for c in after.keys() & before.keys() if off_by(after[c][0], before[c][0]) > 2]
    assert len(changed) >= 20, len(changed)  # the new colours are on the screen
    # ... and MapLibre was not given the boundaries again.
    assert browser.execute_script(REPAINTS)["whole"] == repaints["whole"]
    assert console_errors(browser) == []


def test_drill_find_download_share_and_follow_to_a_profile(browser, live_server, dataset, tmp_path):
    open_map(browser, live_server + "/map?measure=knife_crime&level=borough&value=rate")
    london_zoom = browser.execute_script(f"return {GRAPH}.layout.map.zoom;")
    browser.execute_script(
        f"{GRAPH}.emit('plotly_click', {{points: [{{location: '{LAMBETH}'}}]}});"
    )
    wait(browser, lambda d: "by ward" in heading(d) and "Lambeth" in heading(d))
    assert f"borough={LAMBETH}" in browser.current_url
    wait(browser, lambda d: d.execute_script(f"return {GRAPH}.layout.map.zoom;") > london_zoom + 1)
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime", "ward", "r12", "rate"))

    # The table shows Lambeth's wards with the map's numbers, then the reconciliation.
    browser.find_element(By.ID, "map-table-toggle").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map-table tbody tr")) == 25)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map-table tfoot tr")) == 3

    # Find a ward by name; the map outlines it and links to its profile.
    ward = dataset.areas.loc[CLAPHAM_COMMON]
    box = browser.find_element(By.ID, "map-find")
    box.send_keys(str(ward["name"]), Keys.ENTER)
    wait(browser, lambda d: ward["name"] in text_of(d, "map-selected"))
    wait(browser, lambda d: trace_locations(d, "outlines") == [CLAPHAM_COMMON])
    shared = browser.current_url
    assert f"area={CLAPHAM_COMMON}" in shared
    assert "by rate per 1,000 residents" in text_of(browser, "map-selected")

    # Download the CSV (the table's own model) and compare it with the store.
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.find_element(By.CSS_SELECTOR, "button[data-csv-for='map-table']").click()
    csv_path = saved_file(tmp_path, ".csv")
    csv = pd.read_csv(io.StringIO(csv_path.read_text(encoding="utf-8-sig")))
    frame = queries.map_values(dataset, measure="knife_crime", level="ward", period="r12",
                               value="rate").frame.set_index("code")  # fmt: skip
    # The table's rows, then Lambeth's own total, the wards' sum and the difference.
    wards, footer = csv.iloc[:-3], csv.iloc[-3:]
    assert list(footer["Ward"]) == [
        "Lambeth's own total", "Sum of the 25 wards shown",
        "Recorded in Lambeth but not placed in one of its wards (total minus sum)",
    ]  # fmt: skip
    assert len(wards) == 25
    assert set(wards["Borough"]) == {"Lambeth"}
    for row in wards.itertuples(index=False):
        assert row.Offences == frame.loc[row.Code, "count"]
        assert row[4] == pytest.approx(frame.loc[row.Code, "rate"], rel=5e-3)  # 3 figures
    assert (wards["Reliability"].notna()).tolist() == (wards["Offences"] < 10).tolist()
    total, summed, difference = footer["Offences"].tolist()
    assert summed == wards["Offences"].sum()
    assert difference == total - summed

    # The map as a picture, with a name that says what it shows.
    browser.find_element(By.ID, "map-image-button").click()
    png = saved_file(tmp_path, ".png")
    assert png.name == csv_path.name.replace(".csv", ".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert axe_violations(browser) == []
    assert console_errors(browser) == []

    # Follow the profile link (a page someone else builds: only the address is ours).
    browser.find_element(By.CSS_SELECTOR, "#map-selected a").click()
    wait(browser, lambda d: d.current_url.endswith(f"/area/{CLAPHAM_COMMON}"))

    # The copied link reopens the same view in a fresh page load.
    open_map(browser, shared)
    wait(browser, lambda d: ward["name"] in text_of(d, "map-selected"))
    assert selected(browser, "map-measure", "map-level", "map-period", "map-value",
                    "map-borough") == ["knife_crime", "ward", "r12", "rate", LAMBETH]  # fmt: skip
    wait(browser, lambda d: plotted(d) == expected(dataset, "knife_crime", "ward", "r12", "rate"))
    assert browser.find_element(By.ID, "map-find").get_attribute("value").startswith(ward["name"])

    # Back to all London: the whole ward map again, and the keyboard focus is not lost.
    browser.find_element(By.ID, "map-back").click()
    wait(browser, lambda d: heading(d).endswith("12 months to February 2026"))
    assert browser.execute_script("return document.activeElement.id;") == "map-heading"
    assert "borough=" not in browser.current_url


def test_back_restores_the_selects_with_the_view(browser, live_server, dataset):
    """After BCU, Wards, Lambeth and a found ward, the browser's Back button brings back
    each view with its own selects, and a period chosen then keeps that view."""
    open_map(browser, live_server + "/map?measure=knife_crime&level=borough")
    choose(browser, "map-bcu", "BCU-CENTRAL-SOUTH")
    wait(browser, lambda d: "bcu=BCU-CENTRAL-SOUTH" in d.current_url)
    choose(browser, "map-level", "ward")
    wait(browser, lambda d: "level=ward" in d.current_url)
    choose(browser, "map-borough", LAMBETH)
    wait(browser, lambda d: "Lambeth" in heading(d))
    box = browser.find_element(By.ID, "map-find")
    box.clear()
    box.send_keys("Clapham Common", Keys.ENTER)
    wait(browser, lambda d: f"area={CLAPHAM_COMMON}" in d.current_url)

    browser.back()  # to Lambeth's wards, nothing found
    wait(browser, lambda d: f"area={CLAPHAM_COMMON}" not in d.current_url)
    wait(browser, lambda d: text_of(d, "map-selected") == "")
    assert selected(browser, "map-bcu", "map-borough") == ["BCU-CENTRAL-SOUTH", LAMBETH]
    browser.back()  # to the Central South BCU's wards: no borough chosen
    wait(browser, lambda d: "Lambeth" not in heading(d) and "by ward" in heading(d))
    wait(browser, lambda d: selected(d, "map-bcu", "map-borough", "map-level")
         == ["BCU-CENTRAL-SOUTH", "", "ward"])  # fmt: skip
    # A period chosen now is a period of this view, not of the one Back left.
    choose(browser, "map-period", "m")
    wait(browser, lambda d: "period=m" in d.current_url)
    assert "borough=" not in browser.current_url
    assert "bcu=BCU-CENTRAL-SOUTH" in browser.current_url
    wait(browser, lambda d: heading(d) == (
        "Knife crime by ward: number, February 2026, Central South BCU"))  # fmt: skip
    wait(browser, lambda d: selected(d, "map-borough") == [""])
    assert console_errors(browser) == []


def test_part_of_a_name_lists_the_matches_to_choose_from(browser, live_server, dataset):
    open_map(browser, live_server + f"/map?measure=knife_crime&level=ward&area={CLAPHAM_COMMON}")
    box = browser.find_element(By.ID, "map-find")
    box.clear()
    box.send_keys("Brixton", Keys.ENTER)
    wait(browser, lambda d: "areas match" in text_of(d, "map-find-message"))
    links = browser.find_elements(By.CSS_SELECTOR, "#map-find-message a")
    names = sorted(a.text for a in links)
    assert names == ["Brixton Acre Lane (ward in Lambeth)", "Brixton North (ward in Lambeth)",
                     "Brixton Rush Common (ward in Lambeth)",
                     "Brixton Windrush (ward in Lambeth)"]  # fmt: skip
    assert f"area={CLAPHAM_COMMON}" in browser.current_url  # nothing chosen yet
    next(a for a in links if a.text.startswith("Brixton North")).click()
    wait(browser, lambda d: "Brixton North" in text_of(d, "map-selected"))
    assert text_of(browser, "map-find-message") == ""
    # Nothing matched: the view stays and the page says so.
    box = browser.find_element(By.ID, "map-find")
    box.clear()
    box.send_keys("Atlantis", Keys.ENTER)
    wait(browser, lambda d: "No borough or ward is called" in text_of(d, "map-find-message"))
    assert "Brixton North" in text_of(browser, "map-selected")
    assert axe_violations(browser) == []


def test_on_a_phone_the_map_comes_first_and_the_choices_fold_away(narrow_phone, live_server):
    phone = narrow_phone
    open_map(phone, live_server + "/map?measure=knife_crime&level=ward")
    overflow = phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    assert overflow <= 0
    wait(phone, lambda d: d.execute_script(
        "return document.getElementById('map-choose').open === false;"))  # fmt: skip
    box = phone.execute_script(
        "const r = document.getElementById('map').getBoundingClientRect();"
        "return [r.top, r.height, r.width];"
    )
    top, height, width = box
    assert top + height <= 844  # the whole map on the first screen
    assert height <= width  # a frame of London's shape, not a tall one
    # The map is fitted to its own width: London is zoomed out further than on a desktop.
    wait(phone, lambda d: d.execute_script(f"return {GRAPH}.layout.map.zoom;") < 8.7)
    # Open the choices: one column of labelled selects.
    phone.find_element(By.CSS_SELECTOR, "#map-choose summary").click()
    lefts = phone.execute_script(
        "return Array.from(document.querySelectorAll('#map-controls .arp-field'))"
        ".map(e => Math.round(e.getBoundingClientRect().left));"
    )
    assert len(set(lefts)) == 1
    assert axe_violations(phone) == []
    assert console_errors(phone) == []


def test_the_accessibility_check_does_catch_a_violation(browser, live_server):
    """Guards the guard: axe must report a known failure, or the checks above prove nothing."""
    open_map(browser, live_server + "/map")
    browser.execute_script(
        "const b = document.createElement('button'); b.id = 'unlabelled';"
        "document.getElementById('main').appendChild(b);"
    )
    try:
        found = {v["id"] for v in axe_violations(browser)}
    finally:
        browser.execute_script("document.getElementById('unlabelled').remove();")
    assert "button-name" in found


def test_boundaries_travel_gzipped_within_300_kb_and_cached_for_good(live_server, published):
    name = next(p.name for p in published.web_dir.glob("wards-*.geojson"))
    request = urllib.request.Request(
        f"{live_server}/geo/{name}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        body = response.read()
    assert len(body) <= 300 * 1024
    assert gzip.decompress(body) == (published.web_dir / name).read_bytes()
