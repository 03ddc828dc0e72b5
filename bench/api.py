"""The open data API and download on the real data: time per answer, cold and warm, and
the download's build.

    python bench/api.py [--data-dir DIR] [--repeats N]

Requests go through the Flask test client of a real app (the limit per address lifted
so that the bench is not refused), so each figure includes routing, the rate limiter's
bucket (one UPSERT in the store), the ETag and the JSON. "cold" is the first request
after the one view cache is emptied; "warm" the same request again. The download is
built once per version (kept on disk under WEC_DATA_DIR): its build is timed on an empty
folder, then the send of the kept file.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.app import create_app  # noqa: E402
from dashboard.services import ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

URLS = (
    "/api/v1/measures",
    "/api/v1/areas?level=ward",
    "/api/v1/areas?level=lsoa&parent=E09000022",
    "/api/v1/series?measure=knife_crime&area=E09000022",
    "/api/v1/series/possession_of_weapons/E05014098",
    "/api/v1/versions",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="wec-bench-api-"))
    env = {**os.environ, "WEC_DATA_DIR": str(data_dir), "WEC_WARM_VIEWS": "false",
           "LOG_LEVEL": "WARNING", "WEC_API_BURST": "1000000",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48)}  # fmt: skip
    settings = Settings.from_env(env)
    started = time.perf_counter()
    ensure_ready(settings)
    print(f"store ready in {time.perf_counter() - started:.1f} s ({data_dir})")
    app = create_app(settings)
    client = app.server.test_client()
    client.get("/api/v1/")  # the dataset loaded
    backend = app.server.extensions["wec"].views.backend
    print(f"{'request':58} {'cold ms':>8} {'warm ms':>8} {'bytes':>9}")
    for url in URLS:
        cold, warm = [], []
        for _ in range(args.repeats):
            if hasattr(backend, "clear"):
                backend.clear()
            t = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        print(f"{url:58} {statistics.median(cold):8.1f} {statistics.median(warm):8.1f} "
              f"{len(response.data):9,}")  # fmt: skip
    shutil.rmtree(settings.open_data_dir, ignore_errors=True)
    version = app.server.extensions["wec"].published_version()
    name = f"/api/v1/download/london-weapon-crime-data-v{version}.zip"
    t = time.perf_counter()
    response = client.get(name)
    built = time.perf_counter() - t
    t = time.perf_counter()
    client.get(name)
    sent = time.perf_counter() - t
    print(
        f"download: built in {built:.1f} s ({len(response.data) / 1e6:.1f} MB), "
        f"then sent from disk in {sent * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
