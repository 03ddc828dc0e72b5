"""Load: simulated visitors on the real Dash endpoints of gunicorn, on loopback.

    python bench/load.py [--data-dir DIR] [--users 50,100,200,400] [--seconds 60]
                         [--redis URL] [--static] [--base URL] [--workers N --threads N]

Starts gunicorn with the app's own settings (`gunicorn.conf.py`, `app:server`) on a
store in DIR (ingested first if nothing is published there), unless `--base` names a
server already running. Each simulated visitor is a browser: it opens the map (the
page, `/_dash-layout`, `/_dash-dependencies`, then the callbacks the renderer fires,
with the CSRF cookie echoed in `X-CSRFToken` as Dash's renderer does), then repeats,
with 1-5 s of thought before each step, one of

    open the map 3 : change the measure 4 : change the period 3 : a ward's profile 2 :
    the overview 1

posting the same `/_dash-update-component` bodies the renderer posts (built from the
app's own `/_dash-dependencies`, so they follow the callbacks as they change). A map
change carries the address and the drawn-map state of the answer before it, so the
server answers with a Patch exactly as it does for a person. A visitor's static files
(scripts, styles, plotly.js, boundaries) are the browser half's subject: with
`--static` each visitor fetches them once, on its first visit, as a new browser would.

For each number of visitors in turn (the server stays up; its caches are as a crowd
leaves them), visitors start over 10 s, then the window of `--seconds` is measured:
requests per second, latency of every HTTP request (p50/p95/p99, ms), per step, errors
(any status other than 200/204, a timeout of 30 s, a refused connection), and the
resident memory of gunicorn's master and workers before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import psutil

REPO = Path(__file__).resolve().parents[1]
MIX = (("open map", 3), ("change measure", 4), ("change period", 3), ("ward profile", 2),
       ("overview", 1))  # fmt: skip
THINK = (1.0, 5.0)
RAMP = 10.0
TIMEOUT = 30.0
# Scripts the renderer loads when the page first draws a graph (not named in the HTML).
LAZY = ("/_dash-component-suites/dash/dcc/async-graph.js",
        "/_dash-component-suites/plotly/package_data/plotly.min.js")  # fmt: skip


# -- the server ------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(data_dir: Path, log: Path, extra: dict[str, str]) -> Iterator[tuple[str, int]]:
    """gunicorn as the app is deployed (gunicorn.conf.py); yields its URL and master pid."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "WEC_DATA_DIR": str(data_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        # Plain HTTP on loopback: Secure cookies would never be sent back.
        "WEC_SECURE_COOKIES": "false",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "WEC_BIND": f"127.0.0.1:{port}",
        **extra,
    }
    started = time.monotonic()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        while True:
            if proc.poll() is not None:
                sys.exit("gunicorn stopped:\n" + log.read_text()[-3000:])
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            time.sleep(0.2)
        print(f"gunicorn answered after {time.monotonic() - started:.1f} s (pid {proc.pid})")
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def memory(master: int | None) -> str:
    """Resident memory of gunicorn's master and each worker, MB."""
    if master is None:
        return "-"
    try:
        proc = psutil.Process(master)
        workers = proc.children()
        rss = [p.memory_info().rss / 2**20 for p in workers]
        return (
            f"master {proc.memory_info().rss / 2**20:.0f} MB, workers "
            + ", ".join(f"{r:.0f}" for r in rss)
            + " MB"
        )
    except psutil.Error:
        return "-"


# -- Dash's requests --------------------------------------------------------------------------


def _find(tree: object, test) -> Iterator[dict]:
    """Components of a Dash component tree (as JSON) that pass `test`."""
    if isinstance(tree, dict):
        if test(tree):
            yield tree
        for value in tree.values():
            yield from _find(value, test)
    elif isinstance(tree, list):
        for item in tree:
            yield from _find(item, test)


def selects(tree: object) -> dict[str, tuple[str, list[str]]]:
    """{name: (selected value, [values])} of the native selects in a component tree."""
    out = {}
    for sel in _find(tree, lambda c: c.get("type") == "Select" and "props" in c):
        options = list(_find(sel["props"].get("children"), lambda c: c.get("type") == "Option"))
        values = [str(o["props"].get("value")) for o in options]
        chosen = next((str(o["props"]["value"]) for o in options if o["props"].get("selected")),
                      values[0] if values else "")  # fmt: skip
        out[str(sel["props"].get("name"))] = (chosen, values)
    return out


@dataclass
class Callbacks:
    """The server callbacks of the app (`/_dash-dependencies`), by one of their outputs."""

    specs: list[dict]

    def spec(self, output: str) -> dict:
        for s in self.specs:
            if s.get("clientside_function") is None and output in s["output"]:
                return s
        raise KeyError(output)

    def body(self, output: str, values: dict[str, object], changed: tuple[str, ...] = ()) -> dict:
        """The renderer's request for the callback with `output`: every input and state
        with its value where the page has one ("id.property" -> value)."""
        s = self.spec(output)

        def items(deps: list[dict]) -> list[dict]:
            out = []
            for d in deps:
                item = {"id": d["id"], "property": d["property"]}
                key = f"{d['id']}.{d['property']}"
                if key in values:
                    item["value"] = values[key]
                out.append(item)
            return out

        outs = [_output(o) for o in _outputs(s["output"])]
        body = {
            "output": s["output"],
            "outputs": outs if s["output"].startswith("..") else outs[0],
            "inputs": items(s["inputs"]),
            "changedPropIds": list(changed),
            "parsedChangedPropsIds": list(changed),
        }
        if s.get("state"):
            body["state"] = items(s["state"])
        return body


def _outputs(output: str) -> list[str]:
    return output.strip(".").split("...") if output.startswith("..") else [output]


def _output(text: str) -> dict:
    ident, prop = text.rsplit(".", 1)
    return {"id": ident, "property": prop}


# -- one visitor --------------------------------------------------------------------------------


@dataclass
class Record:
    at: float
    step: str
    request: str
    ms: float
    ok: bool
    status: int | str


@dataclass
class Shared:
    base: str
    callbacks: Callbacks
    wards: list[str]
    static: list[str]
    records: list[Record] = field(default_factory=list)
    stop: float = float("inf")


class Visitor:
    def __init__(self, shared: Shared, rng: random.Random):
        self.s = shared
        self.rng = rng
        self.http: aiohttp.ClientSession | None = None
        self.search = ""
        self.drawn: object = None
        self.choices: dict[str, tuple[str, list[str]]] = {}
        self.end_id = ""
        self.visited = False

    async def request(self, step: str, name: str, method: str, path: str, body=None) -> object:
        assert self.http is not None
        headers = {}
        token = next((c.value for c in self.http.cookie_jar if c.key == "_csrf_token"), None)
        if token:
            headers["X-CSRFToken"] = token
        started = time.perf_counter()
        status: int | str = "-"
        answer: object = None
        try:
            async with self.http.request(method, self.s.base + path, json=body,
                                         headers=headers) as r:  # fmt: skip
                status = r.status
                raw = await r.read()
                if r.status == 200 and r.content_type == "application/json":
                    answer = json.loads(raw)
                elif r.status == 200:
                    answer = raw.decode(errors="replace")
        except (TimeoutError, aiohttp.ClientError) as exc:
            status = type(exc).__name__
        ms = (time.perf_counter() - started) * 1000
        ok = status in (200, 204)
        self.s.records.append(Record(time.monotonic(), step, name, ms, ok, status))
        return answer

    async def callback(self, step: str, name: str, output: str, values: dict,
                       changed: tuple[str, ...] = ()) -> dict:  # fmt: skip
        body = self.s.callbacks.body(output, values, changed)
        path = "/_dash-update-component" + (f"?endId={self.end_id}" if self.end_id else "")
        answer = await self.request(step, name, "POST", path, body)
        return answer.get("response", {}) if isinstance(answer, dict) else {}

    async def route(self, step: str, pathname: str, search: str = "") -> None:
        await self.callback(step, "router", "page-content.children",
                            {"url.pathname": pathname, "url.search": search},
                            ("url.pathname",))  # fmt: skip

    def _map_answer(self, answer: dict) -> None:
        if "map-url" in answer:
            self.search = answer["map-url"].get("search", self.search)
        if "map-drawn" in answer:
            self.drawn = answer["map-drawn"].get("data")
        if "map-controls" in answer:
            self.choices = selects(answer["map-controls"].get("children"))

    async def open_map(self) -> None:
        step = "open map"
        page = await self.request(step, "page", "GET", "/map" + self.search)
        if isinstance(page, str):
            found = re.search(r'"end_id":\s*"([^"]+)"', page)
            self.end_id = found.group(1) if found else ""
        await self.request(step, "layout", "GET", "/_dash-layout")
        await self.request(step, "dependencies", "GET", "/_dash-dependencies")
        if not self.visited:
            self.visited = True
            for path in self.s.static:
                await self.request(step, "static", "GET", path)
        await self.route(step, "/map", self.search)
        self.drawn = None  # a new page has drawn nothing yet
        values = {"map-url.search": self.search, "map-url.pathname": "/map"}
        answer, _ = await asyncio.gather(
            self.callback(step, "map", "map-controls.children", values),
            self.callback(step, "names", "map-find-names.data",
                          {"map-find-names.id": "map-find-names"}),
        )  # fmt: skip
        self._map_answer(answer)

    async def change(self, step: str, name: str) -> None:
        if not self.choices:
            await self.open_map()
        choice = {k: v[0] for k, v in self.choices.items()}
        options = [v for v in self.choices.get(name, ("", []))[1] if v not in ("range", "")]
        if options:
            choice[name] = self.rng.choice(options)
        choice["changed"] = name
        values = {"map-choice.data": choice, "map-find.value": "", "map-url.search": self.search,
                  "map-url.pathname": "/map", "map-drawn.data": self.drawn}  # fmt: skip
        answer = await self.callback(step, "map", "map-controls.children", values,
                                     ("map-choice.data",))  # fmt: skip
        self._map_answer(answer)

    async def profile(self) -> None:
        step = "ward profile"
        code = self.rng.choice(self.s.wards)
        await self.route(step, f"/area/{code}")
        await asyncio.gather(
            self.callback(step, "profile", "profile-title.children", {"profile-code.data": code},
                          ("profile-code.data",)),
            self.callback(step, "profile trend", "profile-trend.figure",
                          {"profile-url.search": "", "profile-code.data": code}),
            self.callback(step, "profile hot spots", "profile-hotspots.children",
                          {"profile-code.data": code}),
            self.callback(step, "profile perception", "profile-perception.children",
                          {"profile-code.data": code}),
        )  # fmt: skip

    async def overview(self) -> None:
        step = "overview"
        await self.route(step, "/")
        await asyncio.gather(
            self.callback(step, "overview charts", "overview-charts.children",
                          {"overview-url.search": ""}),
            self.callback(step, "overview cards", "overview-cards.children",
                          {"overview-cards.id": "overview-cards"}),
        )  # fmt: skip

    async def run(self) -> None:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1, as a browser keeps them
        timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        # gunicorn closes a connection idle for 2 s (its keepalive); a browser whose reused
        # connection is closed under it sends again, which aiohttp does not: so a visitor
        # lets its connections go after 1 s.
        connector = aiohttp.TCPConnector(keepalive_timeout=1.0)
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout,
                                         connector=connector) as self.http:  # fmt: skip
            await self.open_map()
            steps, weights = zip(*MIX, strict=True)
            while time.monotonic() < self.s.stop:
                await asyncio.sleep(self.rng.uniform(*THINK))
                if time.monotonic() >= self.s.stop:
                    break
                step = self.rng.choices(steps, weights)[0]
                if step == "open map":
                    await self.open_map()
                elif step == "change measure":
                    await self.change(step, "measure")
                elif step == "change period":
                    await self.change(step, "period")
                elif step == "ward profile":
                    await self.profile()
                else:
                    await self.overview()


# -- the run ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0


async def prepare(base: str, static: bool) -> Shared:
    """The app's callbacks, the ward codes (from the ward map's locations) and, with
    `static`, the scripts and styles a first visit loads."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(base + "/map") as r:
            page = await r.text()
        async with http.get(base + "/_dash-dependencies") as r:
            callbacks = Callbacks(await r.json())
        shared = Shared(base, callbacks, [], [])
        probe = Visitor(shared, random.Random(0))
        probe.http = http
        probe.search = "?" + urlencode({"measure": "knife_crime", "level": "ward"})
        answer = await probe.callback("probe", "map", "map-controls.children",
                                      {"map-url.search": probe.search,
                                       "map-url.pathname": "/map"})  # fmt: skip
    figure = answer.get("map", {}).get("figure", {})
    codes = {c for trace in figure.get("data", []) for c in trace.get("locations") or []}
    shared.wards = sorted(c for c in codes if str(c).startswith("E05"))
    if not shared.wards:
        sys.exit("no ward codes in the ward map's answer: is anything published?")
    if static:
        found = re.findall(r'(?:src|href)="(/(?:assets|_dash-component-suites)/[^"]+)"', page)
        boundaries = [t["geojson"] for t in figure.get("data", [])
                      if isinstance(t.get("geojson"), str)]  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for path in LAZY:
                async with http.head(base + path) as r:
                    found += [path] if r.status == 200 else []
        shared.static = [*dict.fromkeys(found + boundaries)]
    shared.records.clear()
    return shared


async def step(shared: Shared, users: int, seconds: float, seed: int) -> list[Record]:
    start = time.monotonic()
    shared.stop = start + RAMP + seconds
    shared.records.clear()
    visitors = [Visitor(shared, random.Random(seed * 1000 + i)) for i in range(users)]

    async def later(v: Visitor, delay: float) -> None:
        await asyncio.sleep(delay)
        await v.run()

    await asyncio.gather(*(later(v, RAMP * i / users) for i, v in enumerate(visitors)))
    return [r for r in shared.records if start + RAMP <= r.at <= shared.stop]


def report(users: int, seconds: float, records: list[Record], cpu: float) -> None:
    ms = [r.ms for r in records]
    errors = [r for r in records if not r.ok]
    print(
        f"{users:>4} users: {len(records) / seconds:6.1f} req/s  p50 {pct(ms, 50):6.0f} ms  "
        f"p95 {pct(ms, 95):6.0f} ms  p99 {pct(ms, 99):6.0f} ms  max {max(ms, default=0):6.0f} ms  "
        f"errors {len(errors)} of {len(records)}  (client CPU {cpu:.0%} of a core)"
    )
    by: dict[str, list[float]] = {}
    for r in records:
        by.setdefault(r.request, []).append(r.ms)
    for name, values in sorted(by.items(), key=lambda kv: -len(kv[1])):
        print(f"        {name:<20} n={len(values):>6}  p50 {statistics.median(values):6.0f}  "
              f"p95 {pct(values, 95):6.0f}  p99 {pct(values, 99):6.0f} ms")  # fmt: skip
    kinds: dict[str, int] = {}
    for r in errors:
        kinds[f"{r.request} {r.status}"] = kinds.get(f"{r.request} {r.status}", 0) + 1
    for kind, n in sorted(kinds.items()):
        print(f"        error: {kind} x{n}")


async def campaign(base: str, master: int | None, args) -> None:
    shared = await prepare(base, args.static)
    me = psutil.Process()
    for users in args.users:
        print(f"before {users} users: {memory(master)}; load average {os.getloadavg()[0]:.2f}")
        cpu0 = sum(me.cpu_times()[:2])
        wall0 = time.monotonic()
        records = await step(shared, users, args.seconds, args.seed)
        cpu = (sum(me.cpu_times()[:2]) - cpu0) / (time.monotonic() - wall0)
        report(users, args.seconds, records, cpu)
        print(f"after  {users} users: {memory(master)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--users", default="50,100,200,400",
                        type=lambda s: [int(x) for x in s.split(",")])  # fmt: skip
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--static",
        action="store_true",
        help="each visitor fetches the page's scripts and styles once",
    )
    parser.add_argument("--redis", help="REDIS_URL for the app (the shared view cache)")
    parser.add_argument("--workers", help="WEB_CONCURRENCY (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", help="WEC_THREADS (default: gunicorn.conf.py's)")
    parser.add_argument("--base", help="a running server's URL (nothing is started)")
    parser.add_argument("--log", default=str(REPO / "var" / "bench-gunicorn.log"))
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    if args.base:
        asyncio.run(campaign(args.base, None, args))
        return
    extra = {}
    if args.redis:
        extra["REDIS_URL"] = args.redis
    if args.workers:
        extra["WEB_CONCURRENCY"] = args.workers
    if args.threads:
        extra["WEC_THREADS"] = args.threads
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    with gunicorn(Path(args.data_dir), Path(args.log), extra) as (base, master):
        asyncio.run(campaign(base, master, args))


if __name__ == "__main__":
    main()
