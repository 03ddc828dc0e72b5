"""The application factory: everything the running dashboard needs is built here."""

from __future__ import annotations

import datetime as dt
from html import escape

from dash import Dash, html
from flask import Response, abort, request, send_file
from plotly.io import json as plotly_json
from werkzeug.middleware.proxy_fix import ProxyFix

from callbacks import (
    about,
    at_risk,
    compare,
    hotspots,
    overview,
    perception,
    profile,
    router,
    staff,
    staff_history,
    staff_session,
    staff_targets,
    trends,
    young_people,
)
from callbacks import map as map_page
from dashboard import answers, api, auth, callback_requests, headers, logs, pdf, static
from dashboard.background import background_manager
from dashboard.limits import BodyCap
from dashboard.services import DataService, StoreUnavailableError, web_file
from dashboard.settings import Settings
from dashboard.staff import StaffService
from data.store.store import Store
from layouts.pages import PAGES, render
from layouts.shell import shell
from presenters.common.releases import FEED_PATH, FEED_TITLE, atom_feed

# Boundary files carry a content hash in their names, so browsers may keep them a year.
IMMUTABLE = "public, max-age=31536000, immutable"


# Feed readers and browsers find the release notes' feed from any page's head.
FEED_LINK = (
    '<link rel="alternate" type="application/atom+xml" '
    f'title="{escape(FEED_TITLE)}" href="{FEED_PATH}">'
)


def index_string(dash_default: str, plotly_src: str | None = None) -> str:
    """Dash's page with its language set, the release feed linked from its head, and
    without its <footer>: Dash wraps its scripts in a footer, a second "contentinfo"
    landmark beside the site's own footer.

    With `plotly_src`, plotly.js is fetched with the page's other scripts and run as soon
    as the page is read (deferred), while Dash asks for the first view, rather than only
    once a graph is drawn (which is when Dash would fetch it)."""
    page = dash_default.replace("<html>", '<html lang="en-GB">')
    page = page.replace("</head>", f"    {FEED_LINK}\n    </head>", 1)
    if plotly_src:
        page = page.replace(
            "{%css%}", f'{{%css%}}\n        <script src="{plotly_src}" defer></script>'
        )
    return page.replace("<footer>", '<div class="dash-scripts">').replace("</footer>", "</div>")


def validation_layout() -> html.Div:
    """Every page's components, so Dash can check each callback against them."""
    return html.Div([shell(), *(html.Div(render(page, {}, page.path)) for page in PAGES)])


def create_app(settings: Settings | None = None, store: Store | None = None) -> Dash:
    settings = settings or Settings.from_env()
    # Dash encodes every answer with plotly's JSON encoder. Its "orjson" engine (chosen
    # by "auto" whenever orjson is installed) is slower for Dash answers, not faster:
    # Dash's components make it walk the whole answer in Python first (3.6 ms against
    # 1.5 ms for a ward map's answer; docs/PERFORMANCE.md). So the standard library's.
    plotly_json.config.default_engine = "json"
    logs.configure(settings.log_level)
    settings.require_safe()
    service = DataService(settings, store)
    manager = background_manager(settings)

    app = Dash(
        __name__,
        title="London Weapon-Enabled Crime Dashboard",
        update_title=None,
        # Compress callback responses and scripts (plotly.js is 4.6 MB uncompressed).
        compress=True,
        # Every callback is checked against every page's components in development and
        # by the tests (tests/integration/test_callbacks_wired.py); a production page
        # does not carry every page's layout for the browser to check it again.
        suppress_callback_exceptions=not settings.development,
        background_callback_manager=manager,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {
                "name": "description",
                "content": "Knife and gun crime in London's boroughs and wards",
            },
        ],
    )
    app.server.config.update(SECRET_KEY=settings.secret_key)
    accounts = auth.Accounts(service.store.engine, session_hours=settings.session_hours,
                             session_idle_minutes=settings.session_idle_minutes)  # fmt: skip
    # Every body is counted as it is read: 1 MB for the public, an upload for staff.
    server = app.server
    server.wsgi_app = BodyCap(server.wsgi_app, limit=settings.public_body_max_bytes,
                              ceiling=settings.staff_body_max_bytes)  # fmt: skip
    if settings.proxy_hops:
        # The client's address and scheme from the trusted proxies' headers only.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxy_hops,
                                   x_proto=settings.proxy_hops)  # fmt: skip
    auth.install(server, accounts, secure_cookies=settings.secure_cookies,
                 public_body_limit=settings.public_body_max_bytes,
                 staff_body_limit=settings.staff_body_max_bytes)  # fmt: skip
    # Then each callback request is checked against its callback before Dash reads it.
    callback_requests.install(app)
    app.server.extensions["wec_accounts"] = accounts
    # After the CSRF check and the staff guard: a public answer sent before is a lookup.
    answers.install(server, service)
    # The public API and the open data download: GET only, exempt from CSRF.
    api.install(server, service)
    app.server.extensions["wec"] = service
    plotly_src = static.install(app, settings.data_dir / "static")
    app.index_string = index_string(app.index_string, plotly_src)
    app.layout = shell
    if settings.development:
        app.validation_layout = validation_layout()

    @app.server.route("/geo/<path:name>")
    def geo_file(name: str):
        found = web_file(
            settings, name, gzip_ok="gzip" in request.headers.get("Accept-Encoding", "")
        )
        if found is None:
            abort(404)
        path, gzipped = found
        response = send_file(path, mimetype="application/geo+json", conditional=True, etag=True)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = IMMUTABLE
        static.not_per_cookie()
        return response

    @app.server.route(FEED_PATH)
    def releases_feed():
        """The release notes as Atom 1.0, newest first."""
        body = atom_feed(service.release_notes(), base_url=settings.public_url or request.host_url,
                         now=dt.datetime.now(dt.UTC))  # fmt: skip
        response = Response(body, mimetype="application/atom+xml")
        # Shared caches may keep it only when its links do not come from the request.
        response.headers["Cache-Control"] = (
            "public, max-age=300" if settings.public_url else "no-cache"
        )
        return response

    @app.server.route("/healthz")
    def health():
        # 200 while pages can be answered, from the store or (if it is out of reach) from
        # the version in memory; 503 only when neither can be had.
        try:
            version = service.published_version()
        except StoreUnavailableError:
            return {"published_version": None, "store": "unreachable"}, 503
        return {"published_version": version,
                "store": "ok" if service.store_reachable() else "unreachable"}  # fmt: skip

    for page_callbacks in (
        router,
        overview,
        trends,
        map_page,
        at_risk,
        hotspots,
        young_people,
        profile,
        compare,
        perception,
        about,
    ):
        page_callbacks.register(app, service)
    staff_service = StaffService(service)
    for staff_callbacks in (staff, staff_history, staff_session, staff_targets):
        staff_callbacks.register(app, staff_service)
    pdf.install(app.server, service, settings)
    headers.install(app, secure=settings.secure_cookies, development=settings.development)
    # For Celery workers: `celery -A app:celery_app worker` (only with REDIS_URL).
    app.celery_app = getattr(manager, "handle", None) if settings.redis_url else None
    return app
