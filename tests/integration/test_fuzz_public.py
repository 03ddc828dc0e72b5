"""Public endpoints fuzzed: malformed and hostile requests to every server callback and
route answer without a 5xx, without a traceback, with at most one short log line, and
change nothing published. The derandomised few hundred of bench/fuzz_public.py's
10,000 cases (tests/public_fuzzing.py), through the Flask test client."""

from __future__ import annotations

import json
import logging
import random

import pytest
from sqlalchemy.exc import OperationalError

from dashboard.app import create_app
from dashboard.callback_requests import request_problem
from tests import public_fuzzing
from tests.integration.servers import router_body

CASES = 250


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def app(published):
    return create_app(published.with_(secure_cookies=False, log_level="INFO"))


@pytest.fixture
def client(app):
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    return client


@pytest.fixture
def lines():
    handler = Lines()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def _post(client, body, token: str | None = None):
    token = token or client.get_cookie("_csrf_token").value
    return client.post(
        public_fuzzing.CALLBACK_PATH,
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )


def test_fuzzed_requests_never_fail_and_change_nothing(app, client, lines, dataset):
    store = app.server.extensions["wec"].store
    before = (store.published_version_id(), [v.id for v in store.versions()])
    dependencies = client.get("/_dash-dependencies").get_json()
    fuzzer = public_fuzzing.Fuzzer(
        random.Random(0),
        dependencies,
        codes=dataset.areas.index.tolist(),
        measures=dataset.measures.index.tolist(),
        survey_measures=dataset.tables.survey["measure"].unique().tolist(),
    )
    tally = public_fuzzing.Tally()
    for case in fuzzer.cases(CASES):
        seen = len(lines.records)
        token = client.get_cookie("_csrf_token").value
        answer = client.open(
            case.path,
            method=case.method,
            data=case.body,
            headers=public_fuzzing.headers_for(case, token),
        )
        logged = lines.records[seen:]
        tally.add(case, answer.status_code, answer.data, len(logged), 0.0)
        assert all(r.levelno < logging.ERROR for r in logged), (case.what, logged[0].getMessage())
        assert all(len(r.getMessage()) < 300 and not r.exc_info for r in logged), case.what
    assert tally.failed == 0, tally.failures[:5]
    assert max(tally.log_lines) <= 1
    # Every kind of case was tried, and each answered in more than one way.
    assert {kind: len(statuses) > 1 for kind, statuses in tally.by_kind.items()} == {
        "values": True,
        "shape": True,
        "csrf": False,
        "route": True,
    }
    assert tally.by_kind["values"][200] > 50
    assert (store.published_version_id(), [v.id for v in store.versions()]) == before


def test_what_the_renderer_sends_is_taken_and_what_it_cannot_send_is_refused(app, client, lines):
    good = router_body("/about")
    assert request_problem(good, app.callback_map) is None
    assert _post(client, good).status_code == 200
    cases = {
        "a list": [good],
        "a clientside callback": {**good, "output": "page-title.id"},
        "no output": {k: v for k, v in good.items() if k != "output"},
        "one input too few": {**good, "inputs": []},
        "an input of another id": {**good, "inputs": [{**good["inputs"][0], "id": "nope"}]},
        "state of null": {**good, "state": None},
        "a changed input that is not one": {**good, "changedPropIds": ['{"bad.n_clicks']},
        "nested 65 deep": {**good, "extra": public_fuzzing.json.loads("[" * 65 + "]" * 65)},
    }
    for what, body in cases.items():
        answer = _post(client, body)
        assert answer.status_code == 400, what
        assert answer.get_json()["error"].startswith("this is not a request"), what
    # One short line each, no traceback.
    refused = [r for r in lines.records if r.name == "dashboard.callback_requests"]
    assert len(refused) == len(cases)
    assert all(not r.exc_info and len(r.getMessage()) < 200 for r in refused)
    # Nested past what Python's parser takes: bad JSON, 400, before anything reads it.
    deep = client.post(
        public_fuzzing.CALLBACK_PATH,
        data="[" * 100_000,
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": client.get_cookie("_csrf_token").value,
        },
    )
    assert deep.status_code == 400
    # A component suite file that is not there is not found, not a server error.
    assert client.get("/_dash-component-suites/dash/../../../etc/passwd").status_code == 404
    assert client.get("/_dash-component-suites/os/x.js").status_code == 404


def test_a_fault_in_a_callback_is_answered_cleanly_and_logged_whole_once(
    app, client, lines, monkeypatch
):
    from callbacks import about

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a fault of ours")

    monkeypatch.setattr(about, "show", broken)
    # The callback must run: an answer kept whole by an earlier test would be sent first.
    monkeypatch.setattr(app.server.extensions["wec"], "answer_version", lambda: None)
    body = {
        "output": "..about-content.children..",
        "outputs": [{"id": "about-content", "property": "children"}],
        "inputs": [{"id": "about-content", "property": "id", "value": "about-content"}],
        "changedPropIds": [],
    }
    assert request_problem(body, app.callback_map) is None
    answers = [_post(client, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [400] * 3
    assert all(b"Traceback" not in a.data and b"a fault of ours" not in a.data for a in answers)
    faults = [r for r in lines.records if r.levelno == logging.ERROR]
    assert len(faults) == 3
    assert faults[0].exc_info is not None
    assert "ZeroDivisionError" in faults[0].getMessage()
    assert all(r.exc_info is None and "logged before" in r.getMessage() for r in faults[1:])

    # The store out of reach is not the client's fault: 503, try again shortly.
    def unreachable(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr(about, "show", unreachable)
    answer = _post(client, body)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert b"SELECT" not in answer.data
