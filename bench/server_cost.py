"""Server CPU per request of the public mix, through the whole Flask app, in one process.

    python bench/server_cost.py [--data-dir DIR] [--steps N] [--profile] [--redis URL]

What a request costs the server, measured in CPU time of the serving thread (so other
work on the machine hardly moves it, unlike the wall-clock figures of bench/load.py):
the Flask app as gunicorn runs it (CSRF, the staff guard, the kept answers, Dash,
compression for a browser's Accept-Encoding), driven by Werkzeug's test client with
the same requests bench/load.py sends. Three rounds:

- cold: an empty cache, nothing warmed: each view worked out as its first visitor would;
- after the warm-up: the version's views warmed as the app warms them
  (dashboard/warm.py), each answer asked for the first time;
- warm: the same requests again (a crowd sends the same requests again and again).

Then 2 cores divided by the mean CPU per step of the mix gives the steps per second
two workers can serve at full load. `--profile` prints the functions that took most of
the CPU in the warm round and in the mix with fresh ward profiles (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from load import MIX, Callbacks  # noqa: E402

from dashboard.app import create_app  # noqa: E402
from dashboard.cache import view_cache  # noqa: E402
from dashboard.services import ensure_ready  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def decoded(answer) -> dict:
    """A compressed JSON answer, decompressed as the browser does."""
    import json

    from flask_compress.compat import compression

    data, encoding = answer.data, answer.headers.get("Content-Encoding")
    if encoding == "zstd":
        data = compression.zstd.decompress(data)
    elif encoding == "gzip":
        data = compression.gzip.decompress(data)
    elif encoding == "br":
        import brotli

        data = brotli.decompress(data)
    return json.loads(data)


class Client:
    """One visitor's requests, timed in CPU time of this thread."""

    def __init__(self, app, rng: random.Random):
        self.http = app.server.test_client()
        self.rng = rng
        page = self.http.get("/map", headers=BROWSER)
        assert page.status_code == 200
        self.token = self.http.get_cookie("_csrf_token").value
        self.callbacks = Callbacks(self.http.get("/_dash-dependencies").get_json())
        self.times: dict[str, list[float]] = {}

    def timed(self, name: str, call: Callable[[], object]) -> object:
        started = time.thread_time()
        answer = call()
        self.times.setdefault(name, []).append((time.thread_time() - started) * 1000)
        assert answer.status_code in (200, 204), (name, answer.status_code, answer.data[:300])
        return answer

    def post(self, name: str, output: str, values: dict, changed: tuple[str, ...] = ()) -> dict:
        body = self.callbacks.body(output, values, changed)
        headers = {**BROWSER, "X-CSRFToken": self.token}
        answer = self.timed(name, lambda: self.http.post("/_dash-update-component", json=body,
                                                         headers=headers))  # fmt: skip
        return decoded(answer).get("response", {}) if answer.status_code == 200 else {}

    def get(self, name: str, path: str) -> None:
        self.timed(name, lambda: self.http.get(path, headers=BROWSER))


def open_map(c: Client, search: str = "") -> dict:
    c.get("page", "/map" + search)
    c.get("layout", "/_dash-layout")
    c.get("dependencies", "/_dash-dependencies")
    c.post("router", "page-content.children", {"url.pathname": "/map", "url.search": search},
           ("url.pathname",))  # fmt: skip
    c.post("names", "map-find-names.data", {"map-find-names.id": "map-find-names"})
    return c.post("map", "map-controls.children",
                  {"map-url.search": search, "map-url.pathname": "/map"})  # fmt: skip


def change(c: Client, answer: dict, name: str, choices: dict[str, tuple[str, list[str]]]) -> dict:
    choice = {k: v[0] for k, v in choices.items()}
    options = [v for v in choices.get(name, ("", []))[1] if v not in ("range", "")]
    choice[name] = c.rng.choice(options)
    choice["changed"] = name
    search = answer.get("map-url", {}).get("search", "")
    drawn = answer.get("map-drawn", {}).get("data")
    return c.post("map", "map-controls.children",
                  {"map-choice.data": choice, "map-find.value": "", "map-url.search": search,
                   "map-url.pathname": "/map", "map-drawn.data": drawn},
                  ("map-choice.data",))  # fmt: skip


def profile(c: Client, code: str) -> None:
    c.post("router", "page-content.children", {"url.pathname": f"/area/{code}", "url.search": ""},
           ("url.pathname",))  # fmt: skip
    c.post("profile", "profile-title.children", {"profile-code.data": code}, ("profile-code.data",))
    c.post("profile trend", "profile-trend.figure",
           {"profile-url.search": "", "profile-code.data": code})  # fmt: skip
    c.post("profile hot spots", "profile-hotspots.children", {"profile-code.data": code})
    c.post("profile perception", "profile-perception.children", {"profile-code.data": code})


def overview(c: Client) -> None:
    c.post("router", "page-content.children", {"url.pathname": "/", "url.search": ""},
           ("url.pathname",))  # fmt: skip
    c.post("overview charts", "overview-charts.children", {"overview-url.search": ""})
    c.post("overview cards", "overview-cards.children", {"overview-cards.id": "overview-cards"})


def mix(c: Client, steps: int, wards: list[str]) -> dict[str, list[float]]:
    """`steps` steps of the public mix; CPU ms of each step, by step."""
    from load import selects

    names, weights = zip(*MIX, strict=True)
    answer = open_map(c)
    per_step: dict[str, list[float]] = {}
    for _ in range(steps):
        step = c.rng.choices(names, weights)[0]
        started = time.thread_time()
        choices = selects(answer.get("map-controls", {}).get("children"))
        if step == "open map":
            answer = open_map(c, answer.get("map-url", {}).get("search", ""))
        elif step in ("change measure", "change period"):
            answer = change(c, answer, step.split()[1], choices)
        elif step == "ward profile":
            profile(c, c.rng.choice(wards))
        else:
            overview(c)
        per_step.setdefault(step, []).append((time.thread_time() - started) * 1000)
    return per_step


def report(title: str, c: Client, per_step: dict[str, list[float]]) -> float:
    print(f"\n{title}")
    for name, values in sorted(c.times.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {name:<20} n={len(values):>5}  mean {statistics.fmean(values):7.1f}  "
              f"p50 {statistics.median(values):7.1f}  max {max(values):8.1f} ms CPU")  # fmt: skip
    weights = dict(MIX)
    mean = sum(statistics.fmean(v) * weights[k] for k, v in per_step.items()) / sum(
        weights[k] for k in per_step
    )
    print(f"  a step of the mix: {mean:.1f} ms CPU on average; two cores serve at most "
          f"{2000 / mean:.0f} steps/s")  # fmt: skip
    return mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--redis")
    args = parser.parse_args()
    env = {"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING", "WEC_WARM_VIEWS": "false",
           "WEC_SECURE_COOKIES": "false", "SECRET_KEY": secrets.token_urlsafe(48)}  # fmt: skip
    if args.redis:
        env["REDIS_URL"] = args.redis
    settings = Settings.from_env({**os.environ, **env})
    ensure_ready(settings)
    app = create_app(settings)
    service = app.server.extensions["wec"]
    ds = service.dataset()
    covered = ds.areas[(ds.areas["level"] == "ward") & ds.areas["covered"]]
    wards = sorted(covered.index)

    c = Client(app, random.Random(args.seed))
    c.times.clear()
    report("cold: nothing kept, nothing warmed", c, mix(c, args.steps, wards))

    service.views = view_cache(settings)  # a new in-process cache holds nothing
    ds.views = service.views
    started = time.thread_time()
    done = service.warmer.warm(ds, duty=1.0)
    print(
        f"\nwarm-up: {done['views']} views in {time.thread_time() - started:.1f} s CPU: "
        + ", ".join(f"{g} {n} in {s} s" for g, (n, s) in done["by_group"].items())
    )
    c = Client(app, random.Random(args.seed))
    c.times.clear()
    report("after the warm-up, each answer asked once", c, mix(c, args.steps, wards))

    c2 = Client(app, random.Random(args.seed))
    c2.times.clear()
    profiler = cProfile.Profile()
    if args.profile:  # cProfile slows what it watches: the times are then not comparable
        profiler.enable()
    per_step = mix(c2, args.steps, wards)
    profiler.disable()
    report("warm: the same requests again", c2, per_step)
    if args.profile:
        print("\nwarm round, by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
