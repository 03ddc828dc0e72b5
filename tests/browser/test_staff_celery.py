"""Staff uploads with REDIS_URL set: the check runs on a real Celery worker (a process of
its own, `celery -A app:celery_app worker`) through a real Redis.

A module of its own: Dash keeps background callbacks in a registry of the process, so
the Celery app and the disk-cache app of test_staff.py must not be alive at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import chrome
from tests.browser.staff_helpers import (
    public_map_month,
    serve_staff_app,
    sign_in,
    staff_env,
    text,
    wait,
)
from tests.conftest import own_redis_db

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def celery_server(tmp_path_factory, raw_dir):
    """The same app with REDIS_URL set, so uploads are checked by a real Celery worker
    (a process of its own, `celery -A app:celery_app worker`) through a real Redis."""
    redis_url = os.environ.get("WEC_TEST_REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("WEC_TEST_REDIS_URL is not set; scripts/test starts Redis and sets it")
        pytest.skip("no Redis here: run scripts/services and set WEC_TEST_REDIS_URL")
    redis_url = own_redis_db(redis_url, 11)
    data_dir = tmp_path_factory.mktemp("staff-celery")
    # A queue of its own, so no other test run's worker takes these jobs.
    env = staff_env(data_dir, raw_dir, REDIS_URL=redis_url,
                    WEC_CELERY_QUEUE=f"wec-test-{uuid.uuid4().hex[:8]}")  # fmt: skip
    server, base, upload = serve_staff_app(tmp_path_factory, data_dir, raw_dir, env)
    log = data_dir / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo",
             "-Q", env["WEC_CELERY_QUEUE"], "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        end = time.monotonic() + 90
        while b" ready." not in log.read_bytes():
            if worker.poll() is not None or time.monotonic() > end:
                pytest.fail("the Celery worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.5)
        yield base, upload, log
    finally:
        worker.terminate()
        worker.wait(30)
        server.shutdown()


@pytest.fixture(scope="module")
def driver():
    d = chrome(1280, 1000)
    yield d
    d.quit()


def test_with_redis_a_celery_worker_checks_the_upload(celery_server, driver):
    base, upload, log = celery_server
    sign_in(driver, base)
    driver.find_element(By.CSS_SELECTOR, "#staff-upload input[type=file]").send_keys(str(upload))
    wait(driver, lambda d: "Checked against published version 1" in text(d, "staff-report"), 120)
    assert "Passed its check" in text(driver, "staff-report")
    # The worker, not the web process, ran the check.
    assert b"succeeded" in log.read_bytes()
    publish = wait(driver, lambda d: d.find_element(By.ID, "staff-publish"))
    wait(driver, lambda d: publish.is_displayed())
    publish.click()
    wait(driver, lambda d: "Published version 2" in text(d, "staff-outcome"))
    assert "February 2026" in public_map_month(driver, base)
    # Opened again, the upload is on record as published, with nothing left to publish.
    driver.get(f"{base}/staff?upload=1")
    wait(driver, lambda d: "Checked against published version 1" in text(d, "staff-report"), 120)
    assert not driver.find_element(By.ID, "staff-publish").is_displayed()
