"""Static files: compressed once, cached for a year where the address names the version,
revalidated by ETag where it does not; production pages carry no validation layout."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import dash
import plotly
import pytest

from dashboard import static
from dashboard.app import create_app
from dashboard.settings import Settings
from tests.conftest import TEST_SECRET_KEY

BR = {"Accept-Encoding": "gzip, deflate, br"}
GZIP = {"Accept-Encoding": "gzip"}
DASH = Path(dash.__file__).parent


def make_app(data_dir: Path, environment: str = "production"):
    return create_app(Settings.from_env({"WEC_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING",
                                         "SECRET_KEY": TEST_SECRET_KEY, "WEC_ENV": environment,
                                         "WEC_SECURE_COOKIES": "false"}))  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("static")
    client = make_app(data_dir).server.test_client()
    page = client.get("/map").get_data(as_text=True)
    return client, page, data_dir / "static"


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    return gzip.decompress(response.data) if encoding == "gzip" else response.data


def script(page: str, pattern: str) -> str:
    return next(s for s in re.findall(r'<script src="([^"]+)"', page) if re.search(pattern, s))


def test_the_page_asks_for_its_plotly_at_once_by_an_address_cached_for_a_year(site):
    client, page, _ = site
    src = static.plotly_script()
    assert f'<script src="{src}" defer></script>' in page
    bundle = static.PLOTLY_BUNDLE.read_bytes()
    assert src == f"/_wec/plotly-{hashlib.sha256(bundle).hexdigest()[:16]}.min.js"
    response = client.get(src, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == static.YEAR
    assert response.headers["Content-Type"].startswith(
        ("text/javascript", "application/javascript")
    )
    assert "Content-Encoding" not in response.headers
    assert response.data == bundle
    assert brotli.decompress(client.get(src, headers=BR).data) == bundle
    # Another bundle's address (a page from before an upgrade) is not answered with this one.
    assert client.get("/_wec/plotly-0123456789abcdef.min.js").status_code == 404


def test_dash_still_serves_the_whole_plotly_should_anything_ask(site):
    client, page, _ = site
    src = static.dash_plotly_script()
    assert src not in page
    assert re.fullmatch(r"/_dash-component-suites/plotly/package_data/plotly\.v[\w]+m\d+\.min\.js",
                        src)  # fmt: skip
    response = client.get(src, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == static.YEAR
    assert response.data == (Path(plotly.__file__).parent / static.PLOTLY_JS).read_bytes()


def test_a_script_is_compressed_once_and_kept_for_a_year(site, monkeypatch):
    client, page, cache = site
    src = script(page, r"/react@18\.v")
    original = (DASH / "deps" / "react@18.3.1.min.js").read_bytes()
    made = []
    compress = static.compress
    monkeypatch.setattr(static, "compress", lambda *a: made.append(a[1]) or compress(*a))
    first = client.get(src, headers=BR)
    assert first.headers["Content-Encoding"] == "br"
    assert first.headers["Cache-Control"] == static.YEAR
    assert "Accept-Encoding" in first.headers["Vary"]
    assert "Set-Cookie" not in first.headers
    assert brotli.decompress(first.data) == original
    (copy,) = cache.glob("*react@18*.br")
    written = copy.stat().st_mtime_ns
    again = client.get(src, headers=BR)
    assert again.data == first.data
    assert made == ["br"]  # compressed once; the second answer came from the copy
    assert copy.stat().st_mtime_ns == written
    zipped = client.get(src, headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == original
    assert made == ["br", "gzip"]


def test_a_script_is_not_kept_per_cookie(site):
    """Every page sets a new CSRF cookie: a script that varied by Cookie would be asked
    for again (a 304 round trip each) on every page, though cached for a year."""
    client, page, _ = site
    assert "Set-Cookie" in client.get("/map").headers  # the browser now holds a cookie
    for src in (static.plotly_script(), script(page, r"/dash_renderer\.v")):
        response = client.get(src, headers=BR)
        assert response.headers["Cache-Control"] == static.YEAR
        vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
        assert vary == {"accept-encoding"}


def test_a_worker_that_has_written_no_page_yet_serves_the_scripts(site, tmp_path):
    """Under gunicorn a browser's script requests can reach another worker than the
    page did: each must serve them before it has written a page itself."""
    _, page, _ = site
    fresh = make_app(tmp_path).server.test_client()
    for src in (script(page, r"/react-dom@18\.v"), script(page, r"/dash_renderer\.v")):
        response = fresh.get(src, headers=BR)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == static.YEAR


def test_an_address_without_a_version_is_revalidated_and_not_sent_again(site):
    client, _, _ = site
    first = client.get("/_dash-component-suites/dash/dcc/async-graph.js", headers=BR)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == static.REVALIDATE
    etag = first.headers["ETag"]
    again = client.get("/_dash-component-suites/dash/dcc/async-graph.js",
                       headers={**BR, "If-None-Match": etag})  # fmt: skip
    assert again.status_code == 304
    assert again.data == b""


def test_assets_and_the_favicon_are_cached_while_their_address_names_their_version(site):
    client, page, _ = site
    src = script(page, r"/assets/tables\.js\?m=")
    assert client.get(src, headers=BR).headers["Cache-Control"] == static.YEAR
    old = client.get("/assets/tables.js?m=1", headers=BR)
    assert old.status_code == 200
    assert old.headers["Cache-Control"] == static.REVALIDATE
    css = re.search(r'href="(/assets/site\.css\?m=[^"]+)"', page).group(1)
    assert client.get(css, headers=BR).headers["Cache-Control"] == static.YEAR
    icon = re.search(r'rel="icon"[^>]* href="([^"]+)"', page).group(1)
    answer = client.get(icon, headers=BR)
    assert answer.headers["Cache-Control"] == static.YEAR
    assert decoded(answer) == (DASH / "favicon.ico").read_bytes()
    # Nothing outside the package folders and the assets is served.
    assert client.get("/assets/../app.py").status_code == 404
    assert client.get("/_dash-component-suites/dash/../../os.py").status_code != 200


def test_a_production_page_carries_no_validation_layout(site, tmp_path):
    _, page, _ = site
    assert "validation_layout" not in page
    assert len(page.encode()) < 20_000
    development = make_app(tmp_path, "development").server.test_client().get("/map")
    assert "validation_layout" in development.get_data(as_text=True)
