"""The page's static files (plotly.js, Dash's scripts, the site's CSS and JavaScript, the
favicon), compressed once and cached by browsers for as long as their address stays.

Dash serves these itself, uncompressed, and Flask-Compress would compress each one
again on every request (plotly.js is 4.8 MB: about 170 ms of one core each time). Here
each file is compressed once, on its first request, with brotli (or gzip for a browser
that takes no brotli), written atomically beside the data (`<data dir>/static/`, named
by the file's path, size and modification time, so a new version of a package gets new
copies) and sent from disk from then on.

An address that names its version is cached for a year, never asked for again while it
lasts: Dash's fingerprinted component scripts (`dash_renderer.v4_4_1m1796297329.min.js`),
the site's assets with the `?m=` Dash writes (their modification time: a changed file
gets a new address), the favicon with Dash's `?v=`. Any other address (Dash's lazily
loaded chunks, plotly.js as Dash itself asks for it) is revalidated with its ETag: a
304 and no body while it has not changed.

The page's plotly.js is not the whole of it that the plotly package ships (4.8 MB, every
trace type) but a bundle of the same version with only the trace types the dashboard
draws (`PLOTLY_TRACES`: 3.0 MB, built by scripts/plotly-bundle into dashboard/vendor/):
less for a phone to fetch and for every browser to compile and run before the first
map. `plotly_script` names it by its content, for the page to load it at once
(deferred) rather than after the first callback has drawn a graph; Dash's own copy is
still served should anything ask for it.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import sys
from pathlib import Path

import brotli
import dash
import plotly
from dash import Dash
from dash.fingerprint import build_fingerprint, check_fingerprint
from flask import Response, abort, request, send_file
from flask.globals import request_ctx

from dashboard.services import write_atomically

YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "image/vnd.microsoft.icon", "image/x-icon")  # fmt: skip
# brotli's best quality takes about 30 s for plotly.js on this kind of machine; 9 takes 2.
BEST_QUALITY_UP_TO = 512 * 1024
PLOTLY_JS = "package_data/plotly.min.js"
PLOTLY_BUNDLE = Path(__file__).parent / "vendor" / "plotly-wec.min.js"
# The trace types in PLOTLY_BUNDLE (bundle/plotly/entry.js registers them).
PLOTLY_TRACES = ("scatter", "bar", "choroplethmap")
PLOTLY_PATH = "_wec/plotly-{digest}.min.js"
SERVED = "wec.static_file"


def plotly_script(prefix: str = "/") -> str:
    """The address of the page's plotly.js, named by its content."""
    digest = hashlib.sha256(PLOTLY_BUNDLE.read_bytes()).hexdigest()[:16]
    return prefix + PLOTLY_PATH.format(digest=digest)


def dash_plotly_script(prefix: str = "/") -> str:
    """The address of the whole plotly.js that Dash serves, with its version in the name."""
    path = Path(plotly.__file__).parent / PLOTLY_JS
    fingerprint = build_fingerprint(PLOTLY_JS, plotly.__version__, int(path.stat().st_mtime))
    return f"{prefix}_dash-component-suites/plotly/{fingerprint}"


def install(app: Dash, cache_dir: Path) -> str:
    """Serve `app`'s static files compressed once and with cache headers; Dash answers
    whatever this does not recognise (and refuses what it does not know). Returns the
    address of the page's plotly.js (`plotly_script`), for the page to name."""
    prefix = app.config.requests_pathname_prefix
    suites = f"{prefix}_dash-component-suites/"
    assets = f"{prefix}{app.config.assets_url_path.strip('/')}/"
    favicon = f"{prefix}_favicon.ico"
    bundle = plotly_script(prefix)
    own = prefix + PLOTLY_PATH.partition("/")[0] + "/"

    def _static_file():
        if request.method not in ("GET", "HEAD"):
            return None
        path = request.path
        found = None
        try:
            if path.startswith(suites):
                found = suite_file(app, path[len(suites) :])
            elif path.startswith(assets):
                found = asset_file(app, path[len(assets) :])
            elif path == favicon:
                found = Path(dash.__file__).parent / "favicon.ico", bool(request.args.get("v"))
            elif path == bundle:
                found = PLOTLY_BUNDLE, True
            elif path.startswith(own):
                abort(404)  # another build's address: not this one's page
        except (ValueError, OSError):  # a NUL byte, a name too long: no such file
            abort(404)
        if found is None:
            return None
        not_per_cookie()
        return send(*found, cache_dir)

    def _not_per_cookie(response: Response) -> Response:
        # Flask adds `Vary: Cookie` to any response of a request whose hooks looked at
        # the session (flask-login's after_request always does). Every page sets a new
        # CSRF cookie, so a browser would ask for each script again (a 304 round trip)
        # on every page, though it is cached for a year. A static file does not depend
        # on the session.
        if request.environ.get(SERVED):
            request_ctx.session.accessed = False
        return response

    # The file is answered before the other hooks run, and the session marked unread
    # after all of them (after_request hooks run last registered first).
    app.server.before_request_funcs.setdefault(None, []).insert(0, _static_file)
    app.server.after_request_funcs.setdefault(None, []).insert(0, _not_per_cookie)
    return bundle


def not_per_cookie() -> None:
    """Mark the current request's answer as the same for every visitor: it is sent
    without `Vary: Cookie` (see `install`)."""
    request.environ[SERVED] = True


def suite_file(app: Dash, fingerprinted: str) -> tuple[Path, bool] | None:
    """A component package's file Dash would serve, and whether its address is
    versioned; None for anything Dash has not registered."""
    package, _, rest = fingerprinted.partition("/")
    path_in_package, versioned = check_fingerprint(rest)
    if not app.registered_paths:
        # Dash registers the files it may serve while it writes a page, in the process
        # that writes it. A browser's first script requests can reach a worker that has
        # written no page yet, which would refuse them all (a 500, "not a registered
        # library", and a page that never starts): register them as a page would.
        app._generate_scripts_html()
        app._generate_css_dist_html()
    if path_in_package not in app.registered_paths.get(package, ()):
        return None
    module = sys.modules.get(package)
    if module is None or not getattr(module, "__file__", None):
        return None
    root = Path(module.__file__).parent.resolve()
    path = (root / path_in_package).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path, versioned


def asset_file(app: Dash, name: str) -> tuple[Path, bool] | None:
    """A file of the assets folder, and whether the address carries its modification
    time as Dash writes it (`?m=`)."""
    root = Path(app.config.assets_folder).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.name.startswith("."):
        return None
    return path, request.args.get("m") == str(path.stat().st_mtime)


def send(path: Path, versioned: bool, cache_dir: Path) -> Response:
    stat = path.stat()
    version = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    encoding = _encoding(request.headers.get("Accept-Encoding", ""))
    if not mimetype.startswith(COMPRESSIBLE):
        encoding = None
    body = path
    if encoding:
        body = cache_dir / f"{version[:24]}-{path.name}.{'br' if encoding == 'br' else 'gz'}"
        if not body.exists():
            write_atomically(body, compress(path.read_bytes(), encoding))
    response = send_file(body, mimetype=mimetype, conditional=True,
                         etag=f"{version[:24]}-{encoding or 'identity'}",
                         last_modified=stat.st_mtime, max_age=None)  # fmt: skip
    if encoding and response.status_code != 304:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = YEAR if versioned else REVALIDATE
    return response


def compress(content: bytes, encoding: str) -> bytes:
    if encoding == "br":
        quality = 11 if len(content) <= BEST_QUALITY_UP_TO else 9
        return brotli.compress(content, quality=quality)
    return gzip.compress(content, compresslevel=9, mtime=0)


def _encoding(accepted: str) -> str | None:
    """brotli if the browser takes it, else gzip, else none (q=0 refuses)."""
    offered = {}
    for part in accepted.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip().lower()] = q
    for name in ("br", "gzip"):
        if offered.get(name, 0) > 0:
            return name
    return None
