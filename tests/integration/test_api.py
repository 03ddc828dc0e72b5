"""The JSON API and the open data download on the real published data: every figure a
map view and a profile show is worked out again from the API alone; bad requests get
400 or 404 (never a 500); the limit per address answers 429 with Retry-After; the
OpenAPI description is valid; the zip holds the version's own figures."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import pandas as pd
import pytest
from openapi_spec_validator import validate

from dashboard.app import create_app
from dashboard.ratelimit import RedisBuckets, StoreBuckets
from data import profiles, queries
from data.areas import LONDON_CODE, UNALLOCATED_CODE
from data.canonical import Tables
from data.store.store import Store
from tests.builders import tiny_dataset
from tests.integration.servers import app_env

LAMBETH = "E09000022"
API = "/api/v1"


@pytest.fixture(scope="module")
def client(published):
    app = create_app(published.with_(api_burst=100_000))
    client = app.server.test_client()
    # The buckets are kept in the store, and this process's published store is shared
    # by the session's modules: a browser test's requests from 127.0.0.1 (with the
    # usual burst of 60) would leave this address's bucket nearly empty. An address of
    # its own starts with a full bucket of this app's burst.
    client.environ_base["REMOTE_ADDR"] = "192.0.2.80"
    return client


def get(client, url: str, **kw) -> dict:
    response = client.get(url, **kw)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def monthly(client, measure: str, area: str, period, **more: str) -> int:
    """The sum of an API series over a period's months."""
    extra = "".join(f"&{k}={v}" for k, v in more.items())
    data = get(client, f"{API}/series?measure={measure}&area={area}&from={period.start:%Y-%m}"
               f"&to={period.end:%Y-%m}{extra}")["data"]  # fmt: skip
    assert len(data["months"]) == period.months
    return sum(m["value"] for m in data["months"])


def test_every_answer_names_the_published_version(client, dataset):
    for path in ("/", "/measures", "/areas", "/versions", f"/series/knife_crime/{LONDON_CODE}"):
        body = get(client, API + path)
        assert body["data_version"] == dataset.version_id
        assert body["latest_month"] == f"{dataset.latest_month_overall:%Y-%m}"
    versions = get(client, f"{API}/versions")["data"]
    assert [v["version"] for v in versions if v["current"]] == [dataset.version_id]
    assert versions[0]["files"]
    assert all(len(f["sha256"]) == 64 for f in versions[0]["files"])


def test_a_map_view_is_reproduced_from_the_api(client, dataset):
    view = queries.map_values(dataset, measure="knife_crime", level="borough", period="r12")
    populations = {a["code"]: a["population"]
                   for a in get(client, f"{API}/areas?level=borough")["data"]}  # fmt: skip
    shown = view.frame[view.frame["covered"]]
    assert len(shown) == 32
    for row in shown.itertuples():
        count = monthly(client, "knife_crime", row.code, view.period)
        assert count == row.count, row.name
        assert 1000 * count / populations[row.code] == pytest.approx(row.rate), row.name
    # London is the boroughs plus the offences placed in no borough.
    london = monthly(client, "knife_crime", LONDON_CODE, view.period)
    unplaced = monthly(client, "knife_crime", UNALLOCATED_CODE, view.period, level="borough")
    assert london == shown["count"].sum() + unplaced


def test_a_boroughs_ward_map_is_reproduced_from_the_api(client, dataset):
    view = queries.map_values(dataset, measure="knife_injury_victims_1_24_non_da", level="ward",
                              period="r12")  # fmt: skip
    wards = get(client, f"{API}/areas?level=ward&parent={LAMBETH}")["data"]
    assert len(wards) == 25
    for ward in wards[:8]:
        row = view.by_code.loc[ward["code"]]
        count = monthly(client, "knife_injury_victims_1_24_non_da", ward["code"], view.period)
        assert count == row["count"]
        assert 1000 * count / ward["population_0_24"] == pytest.approx(row["young_rate"])


def test_a_profiles_figures_are_reproduced_from_the_api(client, dataset):
    facts = profiles.area_facts(dataset, LAMBETH)
    area = next(a for a in get(client, f"{API}/areas?level=borough")["data"]
                if a["code"] == LAMBETH)  # fmt: skip
    for s in profiles.glance(dataset, facts):
        count = monthly(client, s.measure, LAMBETH, s.period)
        assert count == s.count, s.measure
        if s.previous is not None:
            assert monthly(client, s.measure, LAMBETH, s.period.previous()) == s.previous
        population = area["population_0_24"] if s.young else area["population"]
        assert 1000 * count / population == pytest.approx(s.rate), s.measure
    outcomes = profiles.outcome_rates(dataset, facts)
    assert len(outcomes) >= 2
    period = profiles.standing(dataset, facts, "knife_crime").period
    for r in outcomes.itertuples():
        measure = next(m for m in dataset.measures.index
                       if dataset.measures.loc[m, "label"] == r.measure)  # fmt: skip
        offences = monthly(client, measure, LAMBETH, period)
        positive = monthly(client, f"{measure}_outcomes", LAMBETH, period)
        assert (offences, positive) == (r.offences, r.outcomes)
        assert 100 * positive / offences == pytest.approx(r.rate)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{API}/series?measure=knife_crime&area=E05999999", 404),
        (f"{API}/series?measure=knife_crime&area=E09000001", 404),
        (f"{API}/series?measure=nothing&area={LAMBETH}", 404),
        (f"{API}/series/knife_crime/E05999999", 404),
        (f"{API}/series?measure=knife_crime&area={LAMBETH}&from=2024-00", 400),
        (f"{API}/series?measure=knife_crime&area={LAMBETH}&from=2025&to=x", 400),
        (f"{API}/series?measure=knife_crime&area={LAMBETH}&area={LAMBETH}", 400),
        (f"{API}/series?measure=knife_crime&area=%00%01", 400),
        (f"{API}/series?measure=knife_crime&area=" + "A" * 5000, 400),
        (f"{API}/series?measure=%E2%98%83&area={LAMBETH}", 400),
        (f"{API}/series?measure[]=knife_crime&area={LAMBETH}", 400),
        (f"{API}/series/knife_crime/{LAMBETH}?area={LAMBETH}", 400),
        (f"{API}/areas?level=ward&parent=E09999999", 404),
        (f"{API}/areas?level=parish", 400),
        (f"{API}/areas?page=2", 400),
        (f"{API}/versions?all=1", 400),
        (f"{API}/download/london-weapon-crime-data-v999.zip", 404),
        (f"{API}/download/..%2f..%2fwec.sqlite", 404),
        (f"{API}/nothing/here", 404),
    ],
)
def test_bad_requests_get_400_or_404_with_a_message_never_a_500(client, url, status):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_the_api_is_get_only_and_asks_for_no_csrf_token(client, method):
    response = getattr(client, method)(f"{API}/measures", data=b'{"x": 1}')
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_answers_carry_their_own_policy_cors_and_an_etag(client):
    response = client.get(f"{API}/measures")
    policy = response.headers["Content-Security-Policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get(f"{API}/measures", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    page = client.get("/about")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_answers_are_kept_in_the_one_view_cache(client, dataset):
    get(client, f"{API}/series?measure=knife_crime&area={LAMBETH}&from=2025-01")
    backend = client.application.extensions["wec"].views.backend
    keys = [k for k in backend._items if "'api'" in k and "'series'" in k]  # LocalCache's own
    assert any(f"v{dataset.key}:" in k and LAMBETH in k for k in keys)


def test_the_openapi_description_is_valid_and_every_path_answers(client):
    spec = get(client, f"{API}/openapi.json")
    validate(spec)
    examples = {"{measure}": "knife_crime", "{area}": LAMBETH,
                "{name}": "london-weapon-crime-data-v1.zip"}  # fmt: skip
    for path in spec["paths"]:
        for token, value in examples.items():
            path = path.replace(token, value)
        query = "?measure=knife_crime&area=E12000007" if path.endswith("/series") else ""
        response = client.get(path + query)
        assert response.status_code in (200, 302), path


def test_the_download_holds_the_published_versions_own_figures(client, dataset):
    redirect = client.get(f"{API}/download")
    assert redirect.status_code == 302
    name = f"london-weapon-crime-data-v{dataset.version_id}.zip"
    assert redirect.headers["Location"].endswith(name)
    response = client.get(f"{API}/download/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert "max-age" in response.headers["Cache-Control"]
    files = zipfile.ZipFile(io.BytesIO(response.data))
    root = name.removesuffix(".zip")
    counts = pd.read_parquet(io.BytesIO(files.read(f"{root}/parquet/counts.parquet")))
    assert counts["value"].sum() == dataset.tables.counts["value"].sum()
    victims = pd.read_csv(files.open(f"{root}/csv/homicide_victims.csv"))
    assert victims["value"].sum() == 2912  # every victim in the homicide file
    dictionary = pd.read_csv(files.open(f"{root}/data_dictionary.csv"))
    assert {"counts", "homicide_victims", "population"} <= set(dictionary["file"])
    tag = {"If-None-Match": response.headers["ETag"]}
    again = client.get(f"{API}/download/{name}", headers=tag)
    assert again.status_code == 304


def test_drafts_are_neither_listed_nor_downloadable(tmp_path, published):
    settings = published.with_()  # the boundaries of the shared store
    env = app_env(tmp_path, settings.web_dir)
    from dashboard.settings import Settings

    own = Settings.from_env(env)
    store = Store(own.database_url)
    tables: Tables = tiny_dataset().tables
    public = store.add_version(tables, [], actor="test")
    store.publish(public, actor="test")
    draft = store.add_version(tables, [], actor="test")
    client = create_app(own, store).server.test_client()
    listed = [v["version"] for v in get(client, f"{API}/versions")["data"]]
    assert listed == [public]
    refused = client.get(f"{API}/download/london-weapon-crime-data-v{draft}.zip")
    assert refused.status_code == 404
    assert client.get(f"{API}/download/london-weapon-crime-data-v{public}.zip").status_code == 200
    store.dispose()


def test_the_limit_per_address_answers_429_with_retry_after(tmp_path, published):
    env = app_env(tmp_path, published.web_dir, WEC_API_BURST="3", WEC_API_PER_MINUTE="6",
                  WEC_PROXY_HOPS="1")  # fmt: skip
    from dashboard.settings import Settings

    settings = Settings.from_env(env)
    client = create_app(settings).server.test_client()
    one = {"X-Forwarded-For": "203.0.113.7"}
    answers = [client.get(f"{API}/measures", headers=one) for _ in range(4)]
    assert [a.status_code for a in answers] == [503, 503, 503, 429]  # nothing published here
    refused = answers[-1]
    assert refused.get_json()["error"]["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 10
    # Another address has its own bucket; the proxy's hop is trusted, the client's is not.
    other = client.get(f"{API}/measures", headers={"X-Forwarded-For": "198.51.100.9"})
    assert other.status_code == 503
    spoofed = client.get(f"{API}/measures",
                         headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.7"})  # fmt: skip
    assert spoofed.status_code == 429


def test_without_trusted_proxies_a_forwarded_address_changes_nothing(tmp_path, published):
    env = app_env(tmp_path, published.web_dir, WEC_API_BURST="2", WEC_API_PER_MINUTE="6")
    from dashboard.settings import Settings

    client = create_app(Settings.from_env(env)).server.test_client()
    codes = [client.get(f"{API}/", headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code
             for i in range(3)]  # fmt: skip
    assert codes == [503, 503, 429]


def _drain(limiter, start: float) -> list[tuple[bool, int]]:
    """Four requests at `start`, then one at +1 s and two at +10 s (3 a burst, 1 a second)."""
    out = [limiter.take("192.0.2.1", start) for _ in range(4)]
    out += [limiter.take("192.0.2.1", start + 1.0)]
    out += [limiter.take("192.0.2.1", start + 10.0) for _ in range(2)]
    out += [limiter.take("192.0.2.2", start)]
    return [(d.allowed, d.retry_after) for d in out]


EXPECTED = [(True, 0), (True, 0), (True, 0), (False, 1), (True, 0), (True, 0), (True, 0),
            (True, 0)]  # fmt: skip


def test_the_token_bucket_in_the_store(store_url):
    store = Store(store_url)
    limiter = StoreBuckets(store.engine, rate=1.0, burst=3)
    assert _drain(limiter, 1_000_000.0) == EXPECTED
    # Refused while empty: the wait is what a token needs.
    slow = StoreBuckets(store.engine, rate=0.1, burst=1)
    slow.take("192.0.2.9", 5.0)
    assert slow.take("192.0.2.9", 6.0).retry_after == 9
    store.dispose()


def test_the_token_bucket_in_redis(tmp_path):
    url = os.environ.get("WEC_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("WEC_TEST_REDIS_URL is not set; scripts/test starts Redis and sets it")
        pytest.skip("no Redis here: run scripts/services and set WEC_TEST_REDIS_URL")
    import redis

    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    prefix = f"wec-test:{np.random.default_rng().integers(1 << 30)}:"
    client = redis.Redis.from_url(url)
    limiter = RedisBuckets(client, StoreBuckets(store.engine, rate=1.0, burst=3),
                           rate=1.0, burst=3, prefix=prefix)  # fmt: skip
    assert _drain(limiter, 1_000_000.0) == EXPECTED
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    store.dispose()
