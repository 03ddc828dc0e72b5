"""Whole public answers kept: the same public request again is a lookup with the same
bytes; a new version, signed-in staff and failures are never served a kept answer.
And every kind of view the warm-up works out runs on the real data."""

from __future__ import annotations

import itertools

import pytest

from dashboard import answers, warm
from dashboard.app import create_app

BROWSER = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def app(published):
    return create_app(published)


def map_body(search: str) -> dict:
    """The router's request for the map at an address (a public callback)."""
    from tests.integration.servers import router_body

    body = router_body("/map")
    body["state"][0]["value"] = search
    return body


@pytest.fixture
def client(app):
    client = app.server.test_client()
    assert client.get("/map").status_code == 200
    return client


def post(client, body: dict):
    token = client.get_cookie("_csrf_token").value
    return client.post("/_dash-update-component", json=body,
                       headers={**BROWSER, "X-CSRFToken": token})  # fmt: skip


@pytest.fixture
def counted(monkeypatch):
    """How often the router's callback really ran."""
    from callbacks import router

    calls = []
    real = router.show

    def show(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(router, "show", show)
    return calls


def test_the_same_public_request_again_is_a_lookup_with_the_same_bytes(client, counted):
    body = map_body("?measure=knife_crime&level=ward&period=m")
    first = post(client, body)
    second = post(client, body)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert len(counted) == 1
    # Another request is another answer.
    other = post(client, map_body("?measure=knife_crime&level=borough&period=m"))
    assert other.status_code == 200
    assert other.data != first.data
    assert len(counted) == 2


def test_a_new_version_is_never_served_an_old_answer(app, client, counted, monkeypatch):
    service = app.server.extensions["wec"]
    body = map_body("?measure=possession_of_weapons")
    post(client, body)
    real = service.answer_version
    monkeypatch.setattr(service, "answer_version", lambda: real() + "-published-again")
    post(client, body)
    assert len(counted) == 2


def test_signed_in_staff_are_never_served_or_given_kept_answers(client, counted, monkeypatch):
    monkeypatch.setattr(answers, "signed_in_name", lambda: "alice")
    body = map_body("?measure=knife_crime_injury")
    post(client, body)
    post(client, body)
    assert len(counted) == 2
    monkeypatch.setattr(answers, "signed_in_name", lambda: None)
    post(client, body)  # nothing was kept for staff: the public's first is worked out
    assert len(counted) == 3


def test_a_refused_request_is_not_kept(client, counted):
    token_less = client.post("/_dash-update-component", json=map_body("?measure=gun_crime"))
    assert token_less.status_code == 400  # no CSRF token: refused before any lookup
    assert counted == []


def test_every_kind_of_view_the_warm_up_works_out_runs_on_the_real_data(app):
    service = app.server.extensions["wec"]
    ds = service.dataset()
    groups = {}
    for group, what, work in warm.items(ds, service):
        groups.setdefault(group, []).append((what, work))
    assert set(groups) == {"pages", "map", "hot spots", "at-risk", "borough profiles",
                           "bcu profiles", "ward profiles"}  # fmt: skip
    assert len(groups["borough profiles"]) == 32
    assert len(groups["ward profiles"]) > 600
    # Every page's default, and the first of each other kind (the rest are alike).
    for _what, work in itertools.chain(groups.pop("pages"), (g[0] for g in groups.values())):
        work()
