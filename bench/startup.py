"""Startup: a first start that ingests, a restart, and the first answer after a publish.

    python bench/startup.py [--raw-dir DIR] [--data-dir DIR]

gunicorn as deployed (gunicorn.conf.py, `app:server`, bench/load.py's launcher) on an
empty data folder (a temporary one unless `--data-dir` names an empty folder):

1. first start: the master ingests the raw data and builds the boundary files before
   forking; timed to the first `/healthz`, to the first answer of the map's callback
   (the page's first view, as a visitor's browser asks for it) and, with `--warmed`, to
   the warm-up's log lines saying the version's views are all worked out;
2. restart: the same folder again (nothing to ingest), the same three moments;
3. a publish while it serves: a new version is ingested and published from this
   process (the same raw data with one byte more, a blank line at the end of the
   homicide file, so the store sees new files and makes a new version); timed from the
   moment it is published to the first router answer that names the new version, the
   first map answer of it (and, with `--warmed`, the warm-up's log lines for it).

Every moment is measured from outside, on loopback, by polling (0.1 s apart).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from load import Callbacks, gunicorn  # noqa: E402

POLL = 0.1
PATIENCE = 600.0
# Without Redis every worker warms its own views (dashboard/warm.py).
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))


class Visitor:
    """A browser's requests for the map, kept simple: the page (for the CSRF cookie),
    then the router's and the map's callbacks as the renderer posts them."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.http.get(base + "/map", timeout=60)
        self.callbacks = Callbacks(self.http.get(base + "/_dash-dependencies", timeout=60).json())

    def _post(self, body: dict) -> dict:
        token = self.http.cookies.get("_csrf_token", "")
        answer = self.http.post(self.base + "/_dash-update-component", json=body,
                                headers={"X-CSRFToken": token}, timeout=120)  # fmt: skip
        answer.raise_for_status()
        return answer.json()["response"]

    def version_line(self) -> str:
        body = self.callbacks.body("page-content.children",
                                   {"url.pathname": "/map", "url.search": ""},
                                   ("url.pathname",))  # fmt: skip
        return str(self._post(body).get("data-version", {}).get("children"))

    def map(self) -> dict:
        values = {"map-url.search": "?measure=knife_crime&level=ward&period=m",
                  "map-url.pathname": "/map"}  # fmt: skip
        return self._post(self.callbacks.body("map-controls.children", values))


def wait_for_line(log: Path, start: int, pattern: str, since: float, count: int = 1) -> float:
    """Seconds from `since` until `count` lines matching `pattern` appear in the log
    after byte `start`."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        with log.open("rb") as f:
            f.seek(start)
            if len(regex.findall(f.read().decode(errors="replace"))) >= count:
                return time.monotonic() - since
        time.sleep(POLL)
    raise SystemExit(f"no log line /{pattern}/ within {PATIENCE:.0f} s: see {log}")


def warmed(log: Path, mark: int, pattern: str, since: float) -> str:
    first = wait_for_line(log, mark, pattern, since)
    every = wait_for_line(log, mark, pattern, since, WORKERS)
    return (
        f", views warmed by one worker after {first:.1f} s and by all {WORKERS} after {every:.1f} s"
    )


def start_and_time(label: str, data_dir: Path, log: Path, env: dict[str, str],
                   warm: bool) -> None:  # fmt: skip
    """Start gunicorn and print the moments; leaves it stopped."""
    mark = log.stat().st_size if log.exists() else 0
    started = time.monotonic()
    with gunicorn(data_dir, log, env) as (base, _master):
        healthy = time.monotonic() - started
        visitor = Visitor(base)
        visitor.map()
        answered = time.monotonic() - started
        more = warmed(log, mark, r"warmed version \d+", started) if warm else ""
        print(f"{label}: /healthz after {healthy:.1f} s, first map answer after "
              f"{answered:.1f} s{more}")  # fmt: skip


def publish_and_time(data_dir: Path, raw_dir: Path, log: Path, env: dict[str, str],
                     warm: bool) -> None:  # fmt: skip
    from dashboard.settings import Settings
    from data.ingest import ingest, raw_sources
    from data.store.store import Store
    from geo.register import area_register

    changed = Path(tempfile.mkdtemp(prefix="wec-raw-"))
    try:
        for item in raw_dir.iterdir():
            (changed / item.name).symlink_to(item)
        homicide = changed / "mps_homicide"
        homicide.unlink()
        shutil.copytree(raw_dir / "mps_homicide", homicide)
        for f in homicide.glob("*.csv"):
            f.chmod(0o644)
            with f.open("a") as out:
                out.write("\n")
        start = log.stat().st_size
        with gunicorn(data_dir, log, env) as (base, _master):
            visitor = Visitor(base)
            before = visitor.version_line()
            if warm:  # so that the publish does not share the machine with the first warm-up
                wait_for_line(log, start, r"warmed version \d+", time.monotonic(), WORKERS)
            mark = log.stat().st_size
            settings = Settings.from_env({**os.environ, **env, "WEC_DATA_DIR": str(data_dir)})
            store = Store(settings.database_url)
            t0 = time.monotonic()
            report = ingest(store, raw_sources(changed), area_register(changed),
                            actor="bench", publish=True)  # fmt: skip
            published = time.monotonic()
            store.dispose()
            line = visitor.version_line()
            while line == before:
                assert time.monotonic() - published < PATIENCE, "the new version never showed"
                time.sleep(POLL)
                line = visitor.version_line()
            seen = time.monotonic() - published
            visitor.map()
            answered = time.monotonic() - published
            pattern = rf"warmed version {report.version_id}\b"
            more = warmed(log, mark, pattern, published) if warm else ""
            print(f"publish: ingest and publish took {published - t0:.1f} s "
                  f"({len(report.warnings)} warnings); after it, '{line}' shown after "
                  f"{seen:.1f} s, first map answer after {answered:.1f} s{more}")  # fmt: skip
    finally:
        shutil.rmtree(changed, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", default=os.environ.get("WEC_RAW_DIR")
                        or str(REPO.parent / "shared" / "data" / "raw"))  # fmt: skip
    parser.add_argument("--data-dir", help="an empty folder (default: a temporary one)")
    parser.add_argument(
        "--warmed",
        action="store_true",
        help="also wait for every worker's warm-up (minutes on 2 cores)",
    )
    args = parser.parse_args()
    # Stopped by a signal: leave nothing running (gunicorn is stopped on the way out).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    raw_dir = Path(args.raw_dir).resolve()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="wec-startup-"))
    if any(data_dir.iterdir()):
        sys.exit(f"{data_dir} is not empty: the first start must ingest")
    log = data_dir.parent / f"{data_dir.name}-gunicorn.log"
    env = {"WEC_RAW_DIR": str(raw_dir), "LOG_LEVEL": "INFO"}
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPUs; data in {data_dir}")  # fmt: skip
    try:
        start_and_time("first start (ingest)", data_dir, log, env, args.warmed)
        start_and_time("restart", data_dir, log, env, args.warmed)
        publish_and_time(data_dir, raw_dir, log, env, args.warmed)
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
            log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
