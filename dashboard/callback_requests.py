"""Callback requests checked before Dash reads them, and the answers to what goes wrong.

`POST /_dash-update-component` is open to anyone, and Dash trusts the envelope of what
it is sent: a body that is not an object, a callback that does not exist or runs in
the browser, inputs of the wrong number or with other ids, a "changed" input that is
not an input, each made Dash itself raise, which Flask answered with a 500 and a
traceback of about 1 KB in the log. So each request is compared here with the
callback it names, from Dash's own callback map, and anything a browser cannot send is
refused with 400, a reason and one short log line, before Dash or a callback sees it.

Values are not checked here: what a value means is the page's business (its state's
`from_query` and `settle`, and the callback), and every callback answers any JSON
value (tests/public_fuzzing.py, bench/fuzz_public.py).

What still goes wrong while a callback runs is answered by `_callback_fault`: 503 with
Retry-After when the store or the cache cannot be reached (nothing the client did), 400
otherwise. Either way the client gets a line of JSON, never a traceback; the log gets
one line per request, and the whole traceback the first time each fault (its type and
the place it was raised) is seen by the process, so a real fault is never hidden and
never floods the log. Any other route (a staff page, a download) answers 503 and a line
of text too when the store or the cache is out of reach; its other faults are Flask's
own 500.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, NotFound

from dashboard.services import StoreUnavailableError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
# The renderer's bodies are a few levels deep (a chart's click is four); a body nested
# deeper than this is not one of them.
MAX_DEPTH = 64
# Pattern-matching inputs (a list of the matching components' values) are this long at most.
MAX_MATCHES = 1000
MAX_ID_LENGTH = 2000
# Faults of the store or the cache: the service is unavailable for a moment.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    StoreUnavailableError,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)
try:  # the cache's Redis client, when it is installed
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNAVAILABLE += (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is a dependency
    pass


UNAVAILABLE_TEXT = (
    "The dashboard cannot reach its data for a moment. Please try again in a few seconds.\n"
)


class BoundedJSON(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply for Python's parser is bad JSON
    (a 400, or None for `get_json(silent=True)`), not a RecursionError (a 500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _depth_over(value: object, limit: int) -> bool:
    """Whether a parsed JSON value is nested deeper than `limit` (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _pattern(text: str) -> dict | None:
    """A pattern-matching id ('{"type": "x", "index": ["ALL"]}') as a dict, or None."""
    if not text.startswith("{"):
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _matches(component_id: object, declared: str) -> bool:
    """Whether a component id sent by the browser is the declared one (or, for a
    pattern, one it matches)."""
    pattern = _pattern(declared)
    if pattern is None:
        return component_id == declared
    if not isinstance(component_id, dict) or set(component_id) != set(pattern):
        return False
    for key, wanted in pattern.items():
        value = component_id[key]
        if not isinstance(value, str | int | float | bool) or value is None:
            return False
        if not isinstance(wanted, list) and value != wanted:  # [ALL], [MATCH], [ALLSMALLER]
            return False
    return True


def _entry_problem(entry: object, declared: Mapping, *, with_value: bool) -> str | None:
    if not isinstance(entry, dict):
        return "an entry is not an object"
    if entry.get("property") != declared["property"]:
        return f"an entry's property is not {declared['property']!r}"
    component_id = entry.get("id")
    if isinstance(component_id, str) and len(component_id) > MAX_ID_LENGTH:
        return "an entry's id is too long"
    if not _matches(component_id, declared["id"]):
        return "an entry's id is not the callback's"
    if not with_value and "value" in entry:
        return "an output carries a value"
    return None


def _entries_problem(entries: object, declared: list, name: str) -> str | None:
    if not isinstance(entries, list) or len(entries) != len(declared):
        return f"{name} do not match the callback's"
    for entry, dep in zip(entries, declared, strict=True):
        if _pattern(dep["id"]) is not None:
            if not isinstance(entry, list) or len(entry) > MAX_MATCHES:
                return f"{name} do not match the callback's"
            found = next(
                (p for p in (_entry_problem(e, dep, with_value=True) for e in entry) if p), None
            )
        else:
            found = _entry_problem(entry, dep, with_value=True)
        if found:
            return f"{name}: {found}"
    return None


def _declared_outputs(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        component_id, _, prop = part.rpartition(".")
        out.append({"id": component_id, "property": prop})
    return out


def _outputs_problem(outputs: object, output: str, spec: Mapping) -> str | None:
    if spec.get("no_output"):
        return None
    declared = _declared_outputs(output)
    multi = output.startswith("..")
    sent = outputs if multi else [outputs]
    if not isinstance(sent, list) or len(sent) != len(declared):
        return "outputs do not match the callback's"
    for entry, dep in zip(sent, declared, strict=True):
        if _pattern(dep["id"]) is not None:
            items = entry if isinstance(entry, list) else None
            if items is None or len(items) > MAX_MATCHES:
                return "outputs do not match the callback's"
        else:
            items = [entry]
        for item in items:
            found = _entry_problem(item, dep, with_value=False)
            if found:
                return f"outputs: {found}"
    return None


def _changed_problem(changed: object, inputs: list) -> str | None:
    if not isinstance(changed, list) or len(changed) > len(inputs) * MAX_MATCHES:
        return "changedPropIds is not a list of the callback's inputs"
    for prop_id in changed:
        if not isinstance(prop_id, str) or len(prop_id) > MAX_ID_LENGTH:
            return "changedPropIds is not a list of the callback's inputs"
        component_id, _, prop = prop_id.rpartition(".")
        parsed: object = component_id
        if component_id.startswith("{"):
            try:
                parsed = json.loads(component_id)
            except ValueError:
                return "changedPropIds names an input that is not the callback's"
        if not any(dep["property"] == prop and _matches(parsed, dep["id"]) for dep in inputs):
            return "changedPropIds names an input that is not the callback's"
    return None


def request_problem(body: object, callback_map: Mapping[str, Mapping]) -> str | None:
    """Why a callback request's body is not one the renderer could send, or None.

    Compared with the callback the body names: the outputs, inputs and state (their
    number, ids and properties, in order) and the inputs said to have changed. Values
    are not looked at, except for how deeply they are nested.
    """
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    spec = callback_map.get(output) if isinstance(output, str) else None
    if spec is None or "callback" not in spec:
        return "there is no such callback on the server"
    found = (
        _outputs_problem(body.get("outputs"), output, spec)
        or _entries_problem(body.get("inputs"), spec.get("inputs", []), "inputs")
        # The renderer leaves out the state of a callback that has none.
        or _entries_problem(body.get("state", []), spec.get("state", []), "state")
        or _changed_problem(body.get("changedPropIds", []), spec.get("inputs", []))
    )
    if found:
        return found
    if _depth_over(body, MAX_DEPTH):
        return f"the body is nested more than {MAX_DEPTH} levels deep"
    return None


def _refusal(status: int, message: str, **headers: str) -> Response:
    response = Response(json.dumps({"error": message}), status=status, mimetype="application/json")
    response.headers.update(headers)
    return response


class _SeenFaults:
    """The faults (type and place) whose whole traceback this process has logged."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str, int]] = set()
        self._lock = threading.Lock()

    def first(self, exc: BaseException) -> tuple[bool, str]:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "site-packages" not in f.filename] or frames
        place = ours[-1] if ours else None
        key = (
            type(exc).__name__,
            place.filename if place else "",
            (place.lineno or 0) if place else 0,
        )
        where = f"{'/'.join(Path(key[1]).parts[-2:])}:{key[2]}"
        with self._lock:
            new = key not in self._seen
            self._seen.add(key)
        return new, where


def install(app: Dash) -> None:
    """Check every callback request against its callback; answer faults without a
    traceback; answer a request for a component suite file that is not there with 404.
    Call after auth.install (the body cap, CSRF and the staff guard come first)."""
    server = app.server
    server.json = BoundedJSON(server)
    seen = _SeenFaults()

    @server.before_request
    def _check_callback_request():
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        body = request.get_json(silent=True)
        problem = request_problem(body, app.callback_map)
        if problem is None:
            return None
        log.info("refused a callback request: %s", problem)
        return _refusal(400, f"this is not a request the dashboard's pages send: {problem}")

    @server.errorhandler(DependencyException)
    def _no_such_component_file(_exc):
        # Dash raises this for a component suite path it does not serve (a typo, a
        # traversal, an unknown package): the file is not there.
        return NotFound()

    @server.errorhandler(Exception)
    def _callback_fault(exc: Exception):
        if isinstance(exc, HTTPException):
            return exc
        unavailable = isinstance(exc, UNAVAILABLE)
        if not request.path.endswith(CALLBACK_PATH):
            if not unavailable:
                raise exc  # Flask's own 500 (and traceback in the log): a fault of a route
            first, where = seen.first(exc)
            line = "%s %s failed at %s: the store or cache is out of reach: %s: %s"
            args = (request.method, request.path[:120], where, type(exc).__name__,
                    str(exc)[:200])  # fmt: skip
            log.error(line, *args, exc_info=exc if first else None)
            response = Response(UNAVAILABLE_TEXT, status=503, mimetype="text/plain")
            response.headers["Retry-After"] = "5"
            return response
        first, where = seen.first(exc)
        output = request.get_json(silent=True)
        output = output.get("output", "") if isinstance(output, dict) else ""
        line = "callback %s failed at %s: %s: %s"
        args = (str(output)[:120], where, type(exc).__name__, str(exc)[:200])
        if first:
            log.error(line, *args, exc_info=exc)
        else:
            log.error(line + " (traceback logged before)", *args)
        if unavailable:
            return _refusal(
                503,
                "the dashboard cannot reach its data for a moment; try again",
                **{"Retry-After": "5"},
            )
        return _refusal(400, "this request could not be answered")
