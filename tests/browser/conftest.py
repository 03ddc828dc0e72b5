"""Browser tests: the real app on a local port, driven by headless Debian Chromium,
with axe-core injected into each page to check accessibility."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def live_server(published):
    from dashboard.app import create_app

    app = create_app(published)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    # The PDF of a profile is printed from this server's own address.
    app.server.config["WEC_PDF_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def chrome(width: int = 1280, height: int = 900) -> webdriver.Chrome:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail(
            "Debian's chromium and chromium-driver are needed (scripts/setup installs them)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        # The machine has no network: stop Chromium trying to reach Google's hosts.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # MapLibre needs WebGL; headless Chromium has only the software renderer.
        "--enable-unsafe-swiftshader",
        f"--window-size={width},{height}",
        f"--user-data-dir={tempfile.mkdtemp(prefix='wec-chrome-')}",
    ]
    for arg in args:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


_SHARED: list[webdriver.Chrome] = []


@pytest.fixture(scope="session")
def browser():
    driver = chrome()
    _SHARED.append(driver)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def phone():
    driver = chrome(390, 844)
    _SHARED.append(driver)
    yield driver
    driver.quit()


@pytest.fixture(scope="module", autouse=True)
def _blank_between_modules():
    """The session's browsers go from module to module: each module leaves them on a
    blank page with an empty console. A page left open on a module's own server (a
    background callback still polling it) would otherwise log that server's going away
    in the next module's console, whose tests read it."""
    yield
    for driver in _SHARED:
        driver.get("about:blank")
        driver.get_log("browser")  # reading the log empties it


@pytest.fixture
def narrow_phone(phone):
    """The phone fixture's window cannot go below 500 px in headless Chromium: emulate 390."""
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    yield phone
    phone.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def axe_violations(driver, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page; return violations."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run scripts/setup (npm ci)")
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
          .then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical',
            description: String(e), nodes: []}]));
        """
    )
    return [v for v in result if v.get("impact") in impacts]


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def saved_file(folder: Path, suffix: str, timeout: float = 60) -> Path:
    """The first file Chrome saved in `folder` ending in `suffix`, once it is whole
    (Chrome writes a .crdownload file and renames it when done)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = next(iter(sorted(folder.glob(f"*{suffix}"))), None)
        if done is not None:
            return done
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file arrived in {folder}")
