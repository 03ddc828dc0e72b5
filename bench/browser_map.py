"""The map in the browser, side by side with the usual Dash build, in one run.

    python bench/browser_map.py [--data-dir DIR] [--changes N] [--loads N] [--only repaint|load]

Two servers run on loopback under the same gunicorn settings (gunicorn.conf.py: its
workers and threads): the dashboard (`app:server`) and `bench/usual_map_app.py`, which
rebuilds a `px.choropleth_map` figure on every change from the same published values and
the same ward boundary file. Headless Debian Chromium (selenium, the browser tests'
options, a 1280 x 900 window) drives both, alternating between them so that the
machine's other work falls on both alike.

Figures, all from the browser's own clock (`performance.now()`, the event's timeStamp):
- repaint: from the `change` event of the select (radio button in the usual build)
  to `plotly_afterplot` and the animation frame after it; plotly.js emits afterplot
  only once MapLibre has rendered with every tile loaded (`resolveOnRender`), so this
  is the new colours on the screen; measure changes and period changes on the ward map,
  median and p90, and how much of it is the wait for the server's answer;
- load: from the start of navigation to the first frame at which the map is drawn
  (every visible trace's features are in MapLibre's loaded tiles and MapLibre has loaded them all);
  cold (a new browser profile: nothing cached) and warm (the same page again in the same
  browser), median and p90, with the bytes over the wire, when the page's scripts had
  run and when the last callback answer before the map was drawn arrived.
The servers are warmed first (each view asked for once, each page loaded once), so the
figures are the browser's and the transfer's, not the first computation of a view.
Targets (issue 11): a measure change at least 3x faster than the usual build; the map
drawn under 2.5 s cold; a warm load faster than the usual build.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WARD_MAP = "/map?measure=knife_crime&level=ward&period=r12&value=count"
PERIODS = ("m", "fy2025", "fy2024", "fy2023", "r12")

# Runs in every page before its own scripts (CDP Page.addScriptToEvaluateOnNewDocument):
# notes when the map is first drawn, every change event and every plotly_afterplot (with
# the frame after it).
TIMERS = """
(function () {
  var w = window.__wec = {drawn: null, changes: [], plots: [], answers: []};
  var graph = null;
  function subplotMap(g) {
    var s = g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot;
    return s && s.map;
  }
  function drawn(g, m) {
    if (!m || !m.loaded()) { return false; }
    var traces = (g._fullData || []).filter(function (t) {
      return t.visible === true && t._length;
    });
    return traces.length > 0 && traces.every(function (t) {
      var id = "source-" + t.uid;
      return m.getSource(id) && m.querySourceFeatures(id).length > 0;
    });
  }
  function tick() {
    var g = document.querySelector(".js-plotly-plot");
    if (g && g !== graph && g.on) {
      graph = g;
      g.on("plotly_afterplot", function () {
        var t = performance.now();
        requestAnimationFrame(function () { w.plots.push([t, performance.now()]); });
      });
    }
    if (w.drawn === null && g && drawn(g, subplotMap(g))) {
      w.drawn = -1;
      requestAnimationFrame(function () { w.drawn = performance.now(); });
    }
    requestAnimationFrame(tick);
  }
  document.addEventListener("change", function (e) { w.changes.push(e.timeStamp); }, true);
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      if (e.name.indexOf("_dash-update-component") >= 0) {
        w.answers.push([e.startTime, e.responseEnd]);
      }
    });
  }).observe({type: "resource", buffered: true});
  requestAnimationFrame(tick);
})();
"""


# -- servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn of this repository's settings on a loopback port, stopped by its id."""

    def __init__(self, name: str, target: str, env: dict[str, str], log: Path, *extra: str):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "WEC_BIND": f"127.0.0.1:{self.port}"}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(REPO / "gunicorn.conf.py"), *extra, target],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait(self, path: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=30) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not start in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# -- the browser ---------------------------------------------------------------------


def chrome(profile: Path) -> webdriver.Chrome:
    """Headless Chromium with the browser tests' options, a profile of its own."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader",
        "--window-size=1280,900", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(90)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TIMERS})
    return driver


def until(driver, predicate: Callable, timeout: float = 240):
    return WebDriverWait(driver, timeout, 0.05).until(predicate)


def quiet(driver, timeout: float = 240) -> None:
    """Wait until Dash has no callback running and the map is drawn."""
    try:
        until(
            driver,
            lambda d: d.execute_script(
                "return !document.querySelector('[data-dash-is-loading=\"true\"]')"
                " && window.__wec && window.__wec.drawn > 0;"
            ),
            timeout,
        )
    except TimeoutException:
        raise TimeoutException(f"not quiet: {stuck(driver)}") from None


def opened(driver, url: str, tries: int = 3) -> None:
    """Open `url` and wait until its map is drawn, loading it again if it never starts:
    a gunicorn worker that has not yet written a page refuses Dash's scripts (a 500) in
    the usual build, as in any Dash app; the dashboard serves them
    (dashboard/static.py)."""
    for attempt in range(tries):
        driver.get(url)
        try:
            quiet(driver, timeout=90)
            return
        except TimeoutException as stopped:
            print(f"  {url} did not draw its map (try {attempt + 1}): {stopped.msg}")
    raise TimeoutException(f"{url} never drew its map in {tries} tries")


def stuck(driver) -> dict:
    """What a page that did not settle was doing: for the message of a failed wait."""
    return driver.execute_script(
        "var g = document.querySelector('.js-plotly-plot');"
        "var s = g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot;"
        "var m = s && s.map;"
        "return {url: location.href, drawn: window.__wec && window.__wec.drawn,"
        " loading: !!document.querySelector('[data-dash-is-loading=\"true\"]'),"
        " graph: !!g, map: !!m, loaded: !!(m && m.loaded()),"
        " traces: g && (g._fullData || []).map(t => [t.name, t.visible, t._length,"
        "   m && m.getSource('source-' + t.uid) ? m.querySourceFeatures('source-' + t.uid).length"
        "   : null])};"
    )


def load(driver, url: str) -> dict:
    """Open `url` and return when its map is drawn (ms from navigation start), when the
    page's scripts had run (DOMContentLoaded), when the last answer of a callback before
    the map was drawn arrived, and the bytes and requests."""
    driver.get("about:blank")
    driver.get(url)
    script = "var w = window.__wec; return w && w.drawn > 0 && w.drawn;"
    try:
        drawn = until(driver, lambda d: d.execute_script(script), timeout=90)
    except TimeoutException:
        print(f"  a load of {url} did not draw the map in 90 s: {stuck(driver)}")
        return None
    found = driver.execute_script(
        "var n = performance.getEntriesByType('navigation')[0];"
        "var r = performance.getEntriesByType('resource');"
        "var answers = r.filter(e => e.name.indexOf('_dash-update-component') >= 0"
        "                            && e.responseEnd <= arguments[0]).map(e => e.responseEnd);"
        "return [n.transferSize + r.reduce((s, e) => s + e.transferSize, 0), r.length + 1,"
        " n.decodedBodySize, n.domContentLoadedEventEnd, Math.max(0, ...answers)];",
        drawn,
    )
    return {"ms": drawn, "bytes": found[0], "requests": found[1], "html": found[2],
            "ready": found[3], "answer": found[4]}  # fmt: skip


def repaint(driver, act: Callable[[], None]) -> dict:
    """Do `act` (a change) and time it: from the change event to the frame after
    plotly_afterplot (`ms`), and to the end of the server's first answer (`answer`)."""
    driver.execute_script("var w = window.__wec; w.changes = []; w.plots = []; w.answers = [];")
    act()
    total = until(
        driver,
        lambda d: d.execute_script(
            "var w = window.__wec; if (!w.changes.length) { return null; }"
            "var t0 = w.changes[0];"
            "var plot = w.plots.find(p => p[0] >= t0);"
            "return plot ? plot[1] - t0 : null;"
        ),
    )
    quiet(driver)
    answer = driver.execute_script(
        "var w = window.__wec, t0 = w.changes[0];"
        "var a = w.answers.filter(a => a[0] >= t0).sort((x, y) => x[0] - y[0])[0];"
        "return a ? a[1] - t0 : null;"
    )
    return {"ms": total, "answer": answer}


# -- the two pages ---------------------------------------------------------------------


class Ours:
    name = "dashboard"

    def __init__(self, server: Server):
        self.url = server.url + WARD_MAP

    def measure(self, driver, measure: str) -> None:
        Select(driver.find_element(By.ID, "map-measure")).select_by_value(measure)

    def period(self, driver, period: str) -> None:
        Select(driver.find_element(By.ID, "map-period")).select_by_value(period)


class Usual:
    name = "usual build"

    def __init__(self, server: Server):
        self.url = server.url + "/"

    def measure(self, driver, measure: str) -> None:
        driver.find_element(By.CSS_SELECTOR, f'#measure input[value="{measure}"]').click()

    def period(self, driver, period: str) -> None:
        driver.find_element(By.CSS_SELECTOR, f'#period input[value="{period}"]').click()


# -- figures ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):>6.0f} ms  p90 {percentile(values, 90):>6.0f} ms"


def ratio(usual: list[float], ours: list[float]) -> str:
    return f"{statistics.median(usual) / statistics.median(ours):.1f}x"


def bench_repaint(pages: list, scratch: Path, measures: list[str], changes: int) -> None:
    drivers = {p.name: chrome(scratch / f"repaint-{i}") for i, p in enumerate(pages)}
    try:
        for page in pages:
            opened(drivers[page.name], page.url)
        # Warm-up: every view asked for once on both servers (not timed).
        for m in [*measures[1:], measures[0]]:
            for page in pages:
                repaint(drivers[page.name], lambda p=page, m=m: p.measure(drivers[p.name], m))
        for kind, choices in (("measure", measures), ("period", list(PERIODS))):
            if kind == "period" and measures[changes % len(measures)] != measures[0]:
                for page in pages:  # back to the first measure for the period changes
                    repaint(drivers[page.name],
                            lambda p=page: p.measure(drivers[p.name], measures[0]))  # fmt: skip
                for period in PERIODS:  # warm-up of the periods
                    for page in pages:
                        repaint(drivers[page.name],
                                lambda p=page, t=period: p.period(drivers[p.name], t))  # fmt: skip
            found: dict[str, list[dict]] = {p.name: [] for p in pages}
            sequence = [choices[(i + 1) % len(choices)] for i in range(changes)]
            for choice in sequence:
                for page in pages:
                    driver = drivers[page.name]
                    act = getattr(page, kind)
                    found[page.name].append(
                        repaint(driver, lambda a=act, d=driver, c=choice: a(d, c))
                    )
            print(f"\n{kind} change on the ward map ({changes} changes each, alternating):")
            for page in pages:
                rows = found[page.name]
                answers = [r["answer"] for r in rows if r["answer"] is not None]
                print(f"  {page.name:<12} to afterplot + frame: {summary([r['ms'] for r in rows])}")
                if answers:
                    print(f"  {'':<12} of which to the answer:  {summary(answers)}")
            ours, usual = ([r["ms"] for r in found[p.name]] for p in pages)
            print(f"  the dashboard repaints {ratio(usual, ours)} faster (medians)")
    finally:
        for driver in drivers.values():
            driver.quit()


def bench_load(pages: list, scratch: Path, loads: int) -> None:
    cold: dict[str, list[dict]] = {p.name: [] for p in pages}
    warm: dict[str, list[dict]] = {p.name: [] for p in pages}
    for i in range(loads):
        for page in pages:
            driver = chrome(scratch / f"cold-{page.name}-{i}".replace(" ", "-"))
            try:
                found = load(driver, page.url)
                if found:
                    cold[page.name].append(found)
            finally:
                driver.quit()
    drivers = {p.name: chrome(scratch / f"warm-{p.name}".replace(" ", "-")) for p in pages}
    try:
        for page in pages:
            for _ in range(2):  # fills the HTTP cache and the script cache
                load(drivers[page.name], page.url)
        for _ in range(loads):  # alternating, as the cold loads
            for page in pages:
                found = load(drivers[page.name], page.url)
                if found:
                    warm[page.name].append(found)
    finally:
        for driver in drivers.values():
            driver.quit()
    for label, found in (("cold (empty cache)", cold), ("warm (cached)", warm)):
        print(f"\nload to map drawn, {label}, {loads} loads each (loads that never drew left out):")
        for page in pages:
            rows = found[page.name]
            if len(rows) < loads:
                print(f"  {page.name:<12} {loads - len(rows)} of {loads} loads never drew the map")
            if not rows:
                continue
            kb = statistics.median(r["bytes"] for r in rows) / 1024
            print(f"  {page.name:<12} {summary([r['ms'] for r in rows])}   "
                  f"{kb:>7,.0f} KB over the wire in {rows[0]['requests']} requests, "
                  f"page HTML {rows[0]['html'] / 1024:,.0f} KB")  # fmt: skip
            ready = summary([r["ready"] for r in rows])
            print(f"  {'':<12} scripts run (DOMContentLoaded):   {ready}")
            print(f"  {'':<12} last callback answer before drawn: "
                  f"{summary([r['answer'] for r in rows])}")  # fmt: skip
        ours, usual = found[pages[0].name], found[pages[1].name]
        if ours and usual:
            times = ratio([r["ms"] for r in usual], [r["ms"] for r in ours])
            print(f"  the usual build takes {times} the dashboard's time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", help="a WEC_DATA_DIR with a published version")
    parser.add_argument("--changes", type=int, default=15)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--only", choices=("repaint", "load"))
    args = parser.parse_args()
    print(f"machine load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} (1, 5, 15 min) on {os.cpu_count()} cores")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="wec-browser-bench-") as tmp:
        scratch = Path(tmp)
        data_dir = args.data_dir or str(scratch / "data")
        env = {
            **os.environ,
            "WEC_DATA_DIR": data_dir,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "LOG_LEVEL": "WARNING",
            "WEC_WARM_VIEWS": "false",
        }
        if not args.data_dir:
            from dashboard.services import ensure_ready
            from dashboard.settings import Settings

            print("ingesting the real data into a scratch folder ...")
            ensure_ready(Settings.from_env(env))
        servers = [
            Server("dashboard", "app:server", env, scratch / "dashboard.log"),
            Server("usual", "usual_map_app:server", env, scratch / "usual.log",
                   "--pythonpath", str(REPO / "bench")),
        ]  # fmt: skip
        try:
            servers[0].wait(WARD_MAP)
            servers[1].wait("/")
            pages = [Ours(servers[0]), Usual(servers[1])]
            from dashboard.services import DataService
            from dashboard.settings import Settings

            ds = DataService(Settings.from_env(env)).dataset()
            measures = [m for m in ds.measures.index if ds.has_data(m, "ward")]
            if args.only != "load":
                bench_repaint(pages, scratch, measures, args.changes)
            if args.only != "repaint":
                bench_load(pages, scratch, args.loads)
        finally:
            for server in servers:
                server.stop()
    print(f"\nmachine load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
