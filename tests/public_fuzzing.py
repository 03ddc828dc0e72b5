"""Fuzzing of the public endpoints: what anyone on the internet can send.

Cases are built from the server's own list of callbacks (`/_dash-dependencies`, as an
attacker would read it) and of routes:

- "values": a well-formed request for a server callback whose input and state values
  are replaced by what a browser never sends: wrong types, lists where strings are
  expected, non-dict states, unknown area codes and measures, odd query strings
  (NUL, bad escapes, 60 parameters, 10,000 characters, repeated keys), clicks of odd
  shapes, huge lists, deep nesting;
- "shape": a request whose envelope is broken: not an object, keys missing or of the
  wrong type, an unknown or clientside callback, inputs of the wrong number or ids,
  changed inputs that are not inputs, JSON nested too deep, bad UTF-8, not JSON;
- "csrf": a request without the CSRF token or with a wrong one;
- "route": GETs (and other methods) of every route: pages with odd queries, /area/ with
  odd codes, /geo/ with NUL, 300-character names and traversal, component suites with
  traversal and unknown packages, assets, Dash's own routes.

Each case says which answers are acceptable; a 5xx, or a traceback in the body, is
never. Used by bench/fuzz_public.py (10,000 cases and more, through gunicorn) and, with
a fixed seed and a few hundred cases, by tests/integration/test_fuzz_public.py.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

CALLBACK_PATH = "/_dash-update-component"
PAGES = (
    "/",
    "/map",
    "/at-risk",
    "/hotspots",
    "/young-people",
    "/area",
    "/perception",
    "/about",
    "/staff",
    "/staff/history",
    "/staff/sign-in",
)
# What a page's state may hold, by field name (presenters' PageState subclasses).
FIELDS = (
    "measure",
    "level",
    "period",
    "value",
    "bcu",
    "borough",
    "area",
    "table",
    "order",
    "trend",
    "quarter",
    "crime",
    "changed",
    "start",
    "end",
    "within",
)
LEVELS = ("london", "borough", "ward", "lsoa", "bcu", "", "Ward", "msoa")
PERIODS = (
    "r12",
    "r3",
    "m",
    "2025-06",
    "2026-02",
    "2019-01..2026-02",
    "2026-02..2019-01",
    "1900-01",
    "2099-12",
    "2025-13",
    "2025-6",
    "all",
    "ytd",
    "fy",
    "2024-04..",
)
ODD_CODES = (
    "E05999999",
    "E09000000",
    "E09000001",
    "W05000001",
    "e09000033",
    " E09000033 ",
    "E09000033\x00",
    "E0900003",
    "E090000333",
    "BCU-NOWHERE",
    "bcu-central-east",
    "E12000007",
    "E01000001",
    "E02000001",
    "../E09000033",
    "E09000033/../x",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "",
    "0",
    "null",
)
# Where a traceback or the server's insides would show in an answer.
LEAKS = re.compile(
    rb"Traceback \(most recent call last\)|File \"/|\.py\", line \d|"
    rb"site-packages|werkzeug\.exceptions|sqlalchemy\.exc"
)

# Acceptable answers. A callback may answer with its outputs (200), nothing to update
# (204), a refusal of the request (400), of a staff callback without a session (403), a
# body too large (413) or not JSON (415); a route, a page, a redirect, not modified, not
# found or method not allowed.
CALLBACK_OK = frozenset({200, 204, 400, 403, 413, 415})
WELL_FORMED_OK = frozenset({200, 204})
ROUTE_OK = frozenset({200, 301, 302, 304, 400, 404, 405, 413, 414, 431})


@dataclass(frozen=True)
class Callback:
    """A server callback as `/_dash-dependencies` lists it."""

    output: str
    outputs: tuple[tuple[str, str], ...]
    inputs: tuple[dict, ...]
    state: tuple[dict, ...]

    @property
    def multi(self) -> bool:
        return self.output.startswith("..")

    @property
    def staff(self) -> bool:
        return "staff-" in self.output


def server_callbacks(dependencies: list[dict]) -> list[Callback]:
    """The callbacks the server runs (not the browser's clientside ones)."""
    out = []
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        key = dep["output"]
        parts = key[2:-2].split("...") if key.startswith("..") else [key]
        outputs = tuple(tuple(p.rsplit(".", 1)) for p in parts)
        out.append(Callback(key, outputs, tuple(dep["inputs"]), tuple(dep.get("state") or ())))
    return out


def clientside_outputs(dependencies: list[dict]) -> list[str]:
    return [d["output"] for d in dependencies if d.get("clientside_function")]


@dataclass(frozen=True)
class Case:
    kind: str  # "values", "shape", "csrf", "route"
    what: str  # a short description, for the report
    method: str
    path: str
    body: bytes | None = None
    content_type: str = "application/json"
    csrf: str = "good"  # "good", "none" or "wrong"
    ok: frozenset[int] = CALLBACK_OK


@dataclass
class Tally:
    """What the cases got back."""

    total: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_kind: dict[str, Counter] = field(default_factory=dict)
    server_errors: int = 0
    unexpected: int = 0
    leaks: int = 0
    log_lines: Counter = field(default_factory=Counter)  # lines of log per case -> cases
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def add(self, case: Case, status: int, body: bytes, logged: int, seconds: float) -> None:
        self.total += 1
        self.statuses[status] += 1
        self.by_kind.setdefault(case.kind, Counter())[status] += 1
        self.log_lines[logged] += 1
        if seconds > self.slowest[0]:
            self.slowest = (seconds, f"{case.kind}: {case.what}")
        problems = []
        if status >= 500:
            self.server_errors += 1
            problems.append(f"answered {status}")
        elif status not in case.ok:
            self.unexpected += 1
            problems.append(f"answered {status}, expected one of {sorted(case.ok)}")
        if LEAKS.search(body or b""):
            self.leaks += 1
            problems.append("the answer shows the server's insides")
        if problems:
            self.failures.append(
                f"{case.kind}: {case.what}: {'; '.join(problems)}: {(body or b'')[:160]!r}"
            )

    @property
    def failed(self) -> int:
        return self.server_errors + self.unexpected + self.leaks


DEEP = "__deep__"  # stands for a deeply nested value until the body is written out


def _deep(depth: int, leaf: object = 1) -> str:
    """A marker for `depth` levels of nested lists and objects around `leaf`, written
    out by _dump (Python's own json cannot write what it cannot read)."""
    return f"{DEEP}{depth}:{json.dumps(leaf)}"


def _deep_json(depth: int, leaf: str) -> str:
    opens = "".join('{"a":' if i % 2 else "[" for i in range(depth))
    closes = "".join("}" if i % 2 else "]" for i in reversed(range(depth)))
    return opens + leaf + closes


class Fuzzer:
    """Makes cases from a seeded random generator, so a run can be repeated."""

    def __init__(
        self,
        rng: random.Random,
        dependencies: list[dict],
        *,
        codes: list[str],
        measures: list[str],
        survey_measures: list[str],
    ):
        self.rng = rng
        self.callbacks = server_callbacks(dependencies)
        self.public = [c for c in self.callbacks if not c.staff]
        self.clientside = clientside_outputs(dependencies)
        self.codes = list(codes)
        self.measures = list(measures)
        self.survey_measures = list(survey_measures)

    # -- values ------------------------------------------------------------------

    def text(self) -> str:
        r = self.rng
        return r.choice(
            [
                "",
                " ",
                "a",
                "\x00",
                "%00",
                "%ff",
                "\u202e",
                "💥",
                "é",
                "\ufeff",
                "\r\n\r\n",
                "<script>alert(1)</script>",
                '<img src=x onerror="alert(1)">',
                "[x](javascript:1)",
                "../../etc/passwd",
                "' OR '1'='1",
                "${7*7}",
                "{{7*7}}",
                "__proto__",
                "constructor",
                "x" * r.choice([121, 300, 5000]),
                "".join(r.choice(string.printable) for _ in range(r.randint(1, 40))),
            ]
        )

    def scalar(self) -> object:
        r = self.rng
        return r.choice(
            [
                None,
                True,
                False,
                0,
                -1,
                1,
                2**63,
                -(2**70),
                1e308,
                -1e-308,
                0.5,
                self.text(),
                self.code(),
            ]
        )

    def junk(self, depth: int = 0) -> object:
        """Any JSON value, of any type, sometimes big or deep."""
        r = self.rng
        roll = r.random()
        if depth > 3 or roll < 0.45:
            return self.scalar()
        if roll < 0.6:
            return [self.junk(depth + 1) for _ in range(r.randint(0, 4))]
        if roll < 0.75:
            keys = [*FIELDS, "points", "customdata", "location", self.text()]
            return {r.choice(keys): self.junk(depth + 1) for _ in range(r.randint(0, 4))}
        if roll < 0.85:
            return r.choice(
                [
                    [0] * 40_000,
                    ["E09000033"] * 20_000,
                    list(range(30_000)),
                    {str(i): i for i in range(20_000)},
                ]
            )
        return _deep(r.choice([20, 200, 900]), self.scalar())

    def code(self) -> str:
        r = self.rng
        return r.choice(self.codes) if r.random() < 0.5 else r.choice(ODD_CODES)

    def field_value(self, name: str) -> str:
        r = self.rng
        if r.random() < 0.3:
            return self.text()
        if name == "measure":
            return r.choice([*self.measures, *self.survey_measures, "homicide", "KNIFE_CRIME"])
        if name == "level":
            return r.choice(LEVELS)
        if name in ("period", "start", "end", "quarter"):
            return r.choice(PERIODS)
        if name in ("bcu", "borough", "area", "within", "crime"):
            return self.code()
        if name in ("table",):
            return r.choice(["1", "0", "true", "yes", "no", "2"])
        if name == "order":
            return r.choice(["rate", "count", "change", "name", "ratio", ""])
        if name == "trend":
            return r.choice(["monthly", "rolling", "yearly", ""])
        if name == "value":
            return r.choice(["count", "rate", "change", "share", ""])
        if name == "changed":
            return r.choice([*FIELDS, "click", "back", "table", ""])
        return self.text()

    def query(self) -> str:
        """A query string a page's state is read from, odd in one or more ways."""
        r = self.rng
        roll = r.random()
        if roll < 0.1:
            return r.choice(
                [
                    "",
                    "?",
                    "??",
                    "?&&&",
                    "?=",
                    "?=x",
                    "?a=b=c",
                    "?%",
                    "?%2",
                    "?measure=%ff%fe",
                    "?measure=%00",
                    "?measure",
                    "measure=knife_crime",
                    "?measure[]=knife_crime",
                    "?+=+",
                    "?measure=knife_crime#frag",
                ]
            )
        if roll < 0.2:
            return "?" + "&".join(f"p{i}={i}" for i in range(r.choice([49, 60, 500])))
        if roll < 0.3:
            name = r.choice(FIELDS)
            return "?" + "&".join(f"{name}={quote(self.field_value(name))}" for _ in range(50))
        if roll < 0.35:
            return "?measure=" + "k" * r.choice([121, 2000, 10_000])
        pairs = []
        for _ in range(r.randint(1, 6)):
            name = r.choice(FIELDS) if r.random() < 0.85 else self.text()
            pairs.append(f"{quote(name)}={quote(self.field_value(name), safe=r.choice(['', '%']))}")
        return "?" + "&".join(pairs)

    def choice(self) -> object:
        """What a page's selects send (a dict by select name), or something else."""
        r = self.rng
        if r.random() < 0.25:
            return self.junk()
        names = r.sample(FIELDS, r.randint(0, 6))
        out: dict[str, object] = {n: self.field_value(n) for n in names}
        for name in r.sample(names, min(len(names), r.randint(0, 2))):
            out[name] = self.junk()
        if r.random() < 0.1:
            out[self.text()] = self.junk()
        return out

    def click(self) -> object:
        """A chart's or map's click data, well-formed or not."""
        r = self.rng
        point = {
            "location": self.code(),
            "customdata": [self.code(), self.scalar()],
            "pointIndex": r.randint(-5, 800),
            "x": self.scalar(),
            "y": self.scalar(),
        }
        shapes = [
            {"points": [point]},
            {"points": [self.junk()]},
            {"points": self.junk()},
            {"points": []},
            {"points": [{**point, "customdata": self.junk()}]},
            {"points": [{**point, "location": self.junk()}]},
            [point],
            self.junk(),
        ]
        return r.choice(shapes)

    def good_value(self, dep: dict) -> object:
        """A value a browser could send for an input or state (a few odd ones too)."""
        r = self.rng
        dep_id, prop = dep["id"], dep["property"]
        if prop == "pathname":
            page = r.choice(PAGES)
            return f"/area/{self.code()}" if page == "/area" else page
        if prop == "search":
            return self.query()
        if prop == "clickData":
            return self.click()
        if prop in ("n_clicks", "n_submit"):
            return r.choice([None, 0, 1, 7])
        if prop == "id":
            return dep_id
        if prop == "value":
            return r.choice(
                [
                    None,
                    "",
                    "Lambeth",
                    "westminster",
                    "E09000033",
                    "Brixton",
                    self.code(),
                    self.text(),
                ]
            )
        if prop == "data":
            if dep_id.endswith("-choice"):
                return self.choice()
            if dep_id.endswith("-code"):
                return self.code()
            if dep_id.endswith("-drawn"):
                return r.choice(
                    [None, {"drawn": "1|ward|/geo/x|/geo/y", "focus": "x"}, self.junk()]
                )
            return self.junk()
        return self.junk()

    def hostile_value(self, dep: dict) -> object:
        """A value for an input or state that a browser would never send."""
        r = self.rng
        roll = r.random()
        if roll < 0.35:
            return self.junk()
        if roll < 0.5:
            return [self.good_value(dep)]  # a list where a string or dict is expected
        if roll < 0.6:
            return r.choice([self.code(), self.text(), self.scalar()])
        return self.good_value(dep)

    # -- requests ----------------------------------------------------------------

    def _entries(self, deps: tuple[dict, ...], hostile: bool) -> list:
        out = []
        for dep in deps:
            if dep["id"].startswith("{"):  # pattern-matching (staff only): a list of matches
                out.append(
                    [
                        {
                            "id": json.loads(dep["id"]) | {"version": 1},
                            "property": dep["property"],
                            "value": self.scalar(),
                        }
                    ]
                )
                continue
            entry: dict[str, object] = {"id": dep["id"], "property": dep["property"]}
            value = self.hostile_value(dep) if hostile else self.good_value(dep)
            if value is not None or self.rng.random() < 0.5:  # undefined values are left out
                entry["value"] = value
            out.append(entry)
        return out

    def body(self, cb: Callback, hostile: bool = True) -> dict:
        r = self.rng
        outputs = [{"id": i, "property": p} for i, p in cb.outputs]
        inputs = self._entries(cb.inputs, hostile)
        changed = [
            f"{d['id']}.{d['property']}" for d in r.sample(cb.inputs, r.randint(0, len(cb.inputs)))
        ]
        body = {
            "output": cb.output,
            "outputs": outputs if cb.multi else outputs[0],
            "inputs": inputs,
            "changedPropIds": changed,
        }
        if cb.state:
            body["state"] = self._entries(cb.state, hostile)
        return body

    def values_case(self) -> Case:
        cb = self.rng.choice(self.public)
        body = self.body(cb)
        data = _dump(body)
        if len(data) > 1024 * 1024:
            ok = frozenset({413})
        elif _deepest(data) > 60:  # refused as no page's request (dashboard/callback_requests)
            ok = frozenset({400})
        else:
            ok = WELL_FORMED_OK
        return Case(
            "values", f"{cb.output[:60]} {_short(body)}", "POST", CALLBACK_PATH, data, ok=ok
        )

    def shape_case(self) -> Case:
        r = self.rng
        cb = r.choice(self.callbacks)
        body: object = self.body(cb, hostile=r.random() < 0.3)
        assert isinstance(body, dict)
        what = r.choice(
            [
                "not an object",
                "key missing",
                "key of the wrong type",
                "unknown output",
                "clientside output",
                "outputs of the wrong number",
                "inputs of the wrong number",
                "inputs of other ids",
                "odd changed ids",
                "too deep",
                "bad utf-8",
                "not json",
                "wrong content type",
                "extra keys",
                "entry not an object",
                "staff output",
            ]
        )
        content_type, raw = "application/json", None
        if what == "not an object":
            body = r.choice([[body], "body", 7, None, True, []])
        elif what == "key missing":
            body.pop(r.choice(["output", "outputs", "inputs", "state", "changedPropIds"]), None)
        elif what == "key of the wrong type":
            body[r.choice(["output", "outputs", "inputs", "state", "changedPropIds"])] = self.junk()
        elif what == "unknown output":
            body["output"] = r.choice(
                ["x.y", "..a.b...c.d..", "", "page-content.children", self.text(), cb.output + "x"]
            )
        elif what == "clientside output" and self.clientside:
            body["output"] = r.choice(self.clientside)
        elif what == "outputs of the wrong number":
            outs = body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]]
            body["outputs"] = r.choice([[], outs + outs, outs[:-1] or [{"id": "x"}]])
        elif what == "inputs of the wrong number":
            body["inputs"] = r.choice([[], body["inputs"] * 2, body["inputs"][:-1]])
        elif what == "inputs of other ids":
            for entry in body["inputs"]:
                if isinstance(entry, dict):
                    entry[r.choice(["id", "property"])] = r.choice([self.text(), 5, None, {}])
        elif what == "odd changed ids":
            body["changedPropIds"] = r.choice(
                [
                    ["{bad json.n_clicks"],
                    ['{"a":1}.x'],
                    ["x.y"],
                    [5],
                    [None],
                    ["."],
                    ["url"],
                    ["a" * 5000],
                ]
            )
        elif what == "too deep":
            body["inputs"] = [{"id": "x", "property": "y", "value": _deep(r.choice([1200, 5000]))}]
            raw = _dump(body["inputs"][0]["value"]) if r.random() < 0.3 else None
        elif what == "bad utf-8":
            raw = _dump(body).replace(b'"inputs"', b'"inp\xff\xfets"')
        elif what == "not json":
            raw = r.choice([b"{", b"", b"null", b"[1,2", b"\x00" * 50, b"output=x&inputs=y"])
        elif what == "wrong content type":
            content_type = r.choice(
                [
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x",
                    "",
                ]
            )
        elif what == "extra keys":
            body.update({self.text() or "k": self.junk(), "parsedChangedPropsIds": self.junk()})
        elif what == "entry not an object":
            key = r.choice(["inputs", "state", "outputs"])
            if isinstance(body.get(key), list) and body[key]:
                body[key][r.randrange(len(body[key]))] = self.scalar()
        elif what == "staff output":
            staff = [c for c in self.callbacks if c.staff]
            body = self.body(r.choice(staff), hostile=r.random() < 0.5)
        data = raw if raw is not None else _dump(body)
        return Case("shape", f"{what}: {cb.output[:40]}", "POST", CALLBACK_PATH, data, content_type)

    def csrf_case(self) -> Case:
        cb = self.rng.choice(self.public)
        body = self.body(cb, hostile=False)
        csrf = self.rng.choice(["none", "wrong"])
        # Refused before anything runs: Flask-WTF's 400 (or 413 for a body too large).
        return Case(
            "csrf",
            f"{csrf} token: {cb.output[:40]}",
            "POST",
            CALLBACK_PATH,
            _dump(body),
            csrf=csrf,
            ok=frozenset({400, 413}),
        )

    def route_case(self) -> Case:
        r = self.rng
        roll = r.random()
        method = "GET"
        if roll < 0.25:
            name = r.choice(
                [
                    "%00",
                    "a%00.geojson",
                    "x" * 300,
                    "x" * 300 + ".geojson",
                    "../../etc/passwd",
                    "..%2f..%2fetc%2fpasswd",
                    "%2e%2e/%2e%2e/app.py",
                    "..\\..\\app.py",
                    "manifest.json",
                    "%2fetc%2fpasswd",
                    "ward.geojson.gz",
                    "ward.geojson",
                    "%ff%fe",
                    "\u00e9.geojson",
                    "./",
                    "",
                    "a/../../wec.sqlite",
                    "../wec.sqlite",
                    "..%252f..%252fwec.sqlite",
                    quote(self.text(), safe=""),
                ]
            )
            path = f"/geo/{name}"
        elif roll < 0.45:
            package = r.choice(
                [
                    "dash",
                    "plotly",
                    "os",
                    "sys",
                    "dashboard",
                    "nope",
                    "..",
                    "%00",
                    "dash_html_components",
                    "data",
                ]
            )
            name = r.choice(
                [
                    "../../../etc/passwd",
                    "..%2f..%2fsettings.py",
                    "dcc/x.js",
                    "x.js",
                    "dash-renderer/build/dash_renderer.min.js",
                    "deps/react@18.3.1.min.js",
                    "dash-renderer/build/dash_renderer.v9_9_9m1.min.js",
                    "%00.js",
                    "a" * 300,
                    "../__init__.py",
                    "dash.py",
                    "package_data/plotly.min.js",
                    "html/../dash.py",
                    "dcc/dash_core_components.js.map",
                    quote(self.text(), safe=""),
                ]
            )
            path = f"/_dash-component-suites/{package}/{name}"
        elif roll < 0.7:
            page = r.choice(PAGES)
            if page == "/area":
                page = f"/area/{quote(self.code(), safe='')}"
            path = page + self.query()
        elif roll < 0.8:
            path = r.choice(
                [
                    "/area/",
                    "/area/x/y/z",
                    "/nope",
                    "/" + "x" * 300,
                    "/%00",
                    "/map/%ff",
                    "/staff/sign-in?next=//evil.example",
                    "/staff/sign-in?next=https://evil.example",
                    "/healthz",
                    "/healthz?x=%00",
                    "/_dash-layout",
                    "/_dash-dependencies",
                    "/_reload-hash",
                    "/_favicon.ico",
                    "/assets/site.css",
                    "/assets/../app.py",
                    "/assets/%2e%2e/app.py",
                    "/assets/%00",
                    "/assets/" + "x" * 300,
                    "//etc/passwd",
                    "/..;/app.py",
                ]
            )
        else:
            method = r.choice(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "GET"])
            path = r.choice(
                [
                    CALLBACK_PATH,
                    "/",
                    "/map",
                    "/geo/x.geojson",
                    "/_dash-layout",
                    "/_dash-dependencies",
                    "/healthz",
                    "/staff/sign-out",
                ]
            )
            if method == "GET" and path == CALLBACK_PATH:
                path += self.query()
        # OPTIONS may answer 200 with the methods allowed; a POST to a page without the
        # form's token is a CSRF refusal (400); the callback path answers its own codes.
        ok = ROUTE_OK | (CALLBACK_OK if path.startswith(CALLBACK_PATH) else frozenset())
        # Signing out with the token would end the fuzzer's own session.
        csrf = "none" if path == "/staff/sign-out" else "good"
        return Case("route", f"{method} {path[:90]}", method, path, None, "", csrf, ok)

    def cases(self, n: int, *, shares: dict[str, float] | None = None):
        """`n` cases, of each kind in the given shares (values 50%, shape 20%, csrf 5%,
        route 25% unless told)."""
        shares = shares or {"values": 0.5, "shape": 0.2, "csrf": 0.05, "route": 0.25}
        makers: dict[str, Callable[[], Case]] = {
            "values": self.values_case,
            "shape": self.shape_case,
            "csrf": self.csrf_case,
            "route": self.route_case,
        }
        kinds, weights = zip(*shares.items(), strict=True)
        for _ in range(n):
            yield makers[self.rng.choices(kinds, weights)[0]]()


def _dump(body: object) -> bytes:
    text = json.dumps(body, allow_nan=True)
    text = re.sub(
        rf'"{DEEP}(\d+):((?:[^"\\]|\\.)*)"',
        lambda m: _deep_json(int(m.group(1)), json.loads(f'"{m.group(2)}"')),
        text,
    )
    return text.encode()


def _deepest(data: bytes) -> int:
    """How deeply a JSON text is nested (strings do not hold brackets here... but may)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _short(body: dict) -> str:
    text = json.dumps(
        [
            e.get("value") if isinstance(e, dict) else e
            for e in (*body.get("inputs", []), *body.get("state", []))
        ]
    )
    return text[:140]


def headers_for(case: Case, token: str) -> dict[str, str]:
    headers = {}
    if case.content_type:
        headers["Content-Type"] = case.content_type
    if case.csrf == "good":
        headers["X-CSRFToken"] = token
    elif case.csrf == "wrong":
        headers["X-CSRFToken"] = token[::-1]
    return headers
