"""Helpers of the staff browser tests: a store published to January 2026, the app
serving it on a local port, and the steps a member of staff takes."""

from __future__ import annotations

import threading
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from tests import official
from tests.conftest import TEST_SECRET_KEY, built_once, copy_store

PASSWORD = "staff browser password"
UPLOAD = "MPS_MonthlyCrimeDashboard_Feb2026.xlsx"


def staff_env(data_dir, raw_dir, **more: str) -> dict[str, str]:
    # No warming thread: the tests time nothing and share two cores (tests/conftest.py).
    return {"WEC_DATA_DIR": str(data_dir), "WEC_RAW_DIR": str(raw_dir), "LOG_LEVEL": "WARNING",
            "WEC_INGEST_ON_START": "false", "WEC_SECURE_COOKIES": "false",
            "WEC_WARM_VIEWS": "false", "SECRET_KEY": TEST_SECRET_KEY, **more}  # fmt: skip


def staff_store(tmp_path_factory, raw_dir) -> Path:
    """A store published to January 2026 as a first start leaves it (the version, the
    reads kept, the boundary files) and the February 2026 month as the Datastore's XLSX
    workbook: made once per test run (tests/conftest.py built_once), copied by each
    module that serves it."""

    def build(folder: Path) -> None:
        from dashboard.services import ensure_ready
        from dashboard.settings import Settings
        from data.ingest import ingest
        from data.readcache import ReadCache
        from data.readers import SourceFile
        from data.refresh import READ_REVISION
        from data.store.store import Store
        from geo.register import area_register

        settings = Settings.from_env(staff_env(folder, raw_dir))
        ensure_ready(settings)  # the boundary files
        store = Store(settings.database_url)
        base = [
            SourceFile("knife-to-january.csv",
                       official.to_csv(official.dashboard_frame(raw_dir, until="2026-01"))),
            SourceFile("census.csv", (raw_dir / official.CENSUS).read_bytes()),
        ]  # fmt: skip
        reads = ReadCache(settings.reads_dir, READ_REVISION)
        ingest(store, base, area_register(raw_dir), actor="setup", read=reads.read)
        store.dispose()
        (folder / UPLOAD).write_bytes(
            official.to_xlsx(official.dashboard_frame(raw_dir, only="2026-02"))
        )

    return built_once(tmp_path_factory, "staff-store", build)


GUN_UPLOAD = "MPS_MonthlyCrimeDashboard_OtherCrimeData.csv"


def gun_store(tmp_path_factory, raw_dir) -> Path:
    """The staff store with a gun file in the official long layout (tests/official.py
    gun_file, HAND-MADE figures, to January 2026) uploaded, checked and published by a
    member of staff through the staff page's own steps (data/refresh.py check_upload and
    publish_upload), as version 2: made once per test run."""

    def build(folder: Path) -> None:
        from dashboard.settings import Settings
        from data import refresh
        from data.readcache import ReadCache
        from data.store.store import Store
        from geo.register import area_register

        copy_store(staff_store(tmp_path_factory, raw_dir), folder, tmp_path_factory)
        settings = Settings.from_env(staff_env(folder, raw_dir))
        store = Store(settings.database_url)
        reads = ReadCache(settings.reads_dir, refresh.READ_REVISION)
        register = area_register(raw_dir)
        content = official.to_csv(official.gun_file(raw_dir, until="2026-01"))
        upload = store.add_upload([(GUN_UPLOAD, content)], actor="alice")
        report = refresh.check_upload(store, upload, register, read=reads.read)
        assert report.ok, report.errors[:3]
        assert not report.failed
        assert report.base_version == 1
        done = refresh.publish_upload(store, upload, register, actor="alice", read=reads.read)
        assert done.version_id == store.published_version_id() == 2
        store.dispose()

    return built_once(tmp_path_factory, "gun-store", build)


def serve_staff_app(tmp_path_factory, data_dir, raw_dir, env: dict[str, str]):
    """A copy of the staff store (`staff_store`) in `data_dir`, an account, the app on a
    local port, and the February 2026 workbook, ready to upload."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    copy_store(staff_store(tmp_path_factory, raw_dir), data_dir, tmp_path_factory)
    app = create_app(Settings.from_env(env))
    app.server.extensions["wec_accounts"].create("alice", PASSWORD, "Alice Example")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}", data_dir / UPLOAD


def wait(driver, condition, timeout: float = 60):
    try:
        # Dash re-renders as callbacks answer: an element found a moment ago may be gone.
        return WebDriverWait(
            driver,
            timeout,
            poll_frequency=0.2,
            ignored_exceptions=(StaleElementReferenceException,),
        ).until(condition)
    except TimeoutException:
        shown = {i: text(driver, i) for i in ("staff-who", "staff-outcome", "staff-progress-text")}
        raise AssertionError(f"timed out on {driver.current_url}; the page shows {shown}") from None


def text(driver, element_id: str) -> str:
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def public_map_month(driver, base: str) -> str:
    driver.get(f"{base}/map?measure=knife_crime&level=borough&period=m")
    wait(driver, lambda d: "2026" in text(d, "map-heading"))
    return text(driver, "map-heading")


def sign_in(driver, base: str, next_path: str = "/staff", timeout: float = 120) -> None:
    """Sign in as alice with a session started afresh (cookies belong to the host, not
    the port). Should the form be refused by its CSRF check (400), as a person would,
    this signs in again.

    The page open before may still have answers on their way when it is left (Chrome
    keeps a page it leaves in its back-forward cache, requests and all), and a signed-in
    page's callback answer refreshes the session cookie: landing after the cookies are
    cleared, it signs the browser in again, and the sign-in page goes straight to the
    staff page. Then this clears the cookies and starts again."""
    for _ in range(3):
        driver.get("about:blank")
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.get(f"{base}/staff/sign-in?next={next_path}")
        shown = wait(driver, lambda d: "form" if d.find_elements(By.ID, "username")
                     else "signed in" if "Signed in as alice" in text(d, "staff-who")
                     else None)  # fmt: skip
        if shown == "signed in":
            continue
        driver.find_element(By.ID, "username").send_keys("alice")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        outcome = wait(driver, lambda d: "signed in" if "Signed in as alice" in text(d, "staff-who")
                       else "refused" if "400 Bad Request" in d.page_source else None,
                       timeout)  # fmt: skip
        if outcome == "signed in":
            return
    raise AssertionError("no fresh sign-in in three tries (the form refused, or still signed in)")
