"""The public, read-only JSON API and the open data download, under /api/v1/.

Wiring only: the answers come from presenters/api.py (kept in the one view cache by
data version), the download from data/opendata.py (built once per version, kept on
disk). Here: the rate limit per client address, HTTP caching (an ETag of the version
and the request, so a client's repeat is a 304), the errors as JSON (never an HTML
page, never a 500 for a bad request), and the API's place beside the dashboard's
security: GET only and exempt from CSRF (it changes nothing and reads no body), a
policy of its own that loads nothing, and open to other sites' scripts (CORS).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from flask import Blueprint, Flask, Response, abort, redirect, request, send_file
from werkzeug.exceptions import HTTPException

from dashboard import openapi
from dashboard.ratelimit import buckets
from dashboard.services import DataService
from data.opendata import archive_name, kept_archive, utc_text
from presenters import api
from presenters.api import ApiError, PublishedVersion

log = logging.getLogger(__name__)

# Answers may be kept a minute; after that a client revalidates (a 304 while the
# version is unchanged). A version's zip never changes.
CACHE_CONTROL = "public, max-age=60"
DOWNLOAD_CACHE_CONTROL = "public, max-age=86400"
# Nothing an API answer could load or run: the policy OWASP advises for APIs.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                    status=status, mimetype="application/json")  # fmt: skip


def _error(status: int, message: str, version: int | None = None) -> Response:
    return _json(api.error_body(status, message, version), status)


def published_versions(service: DataService) -> list[PublishedVersion]:
    """Versions the public has seen (published or rolled back to), never a draft."""
    store = service.store
    current = store.published_version_id()
    when: dict[int, str] = {}
    for row in store.history():  # newest first
        if row["action"] in ("publish", "rollback") and row["version_id"] not in when:
            when[row["version_id"]] = utc_text(row["at"])
    out = []
    for v in store.versions():
        if v.id not in when:
            continue
        files = tuple(
            {"name": f["name"], "kind": f["kind"], "sha256": f["sha256"],
             "rows_read": f["rows_read"],
             "first_month": api.month_text(f["first_month"]),
             "last_month": api.month_text(f["last_month"])}
            for f in sorted(v.files, key=lambda f: f["name"]) if f["kind"] != "revision"
        )  # fmt: skip
        out.append(
            PublishedVersion(v.id, utc_text(v.created_at), when[v.id],
                             api.month_text(v.latest_month), v.id == current, files)
        )  # fmt: skip
    return out


def install(server: Flask, service: DataService) -> None:
    """Register /api/v1/ on the Flask server; call after auth.install (CSRF exists)."""
    settings = service.settings
    limiter = buckets(service.store.engine, settings.redis_url,
                      rate=settings.api_per_minute / 60, burst=settings.api_burst)  # fmt: skip
    bp = Blueprint("api", __name__, url_prefix=api.PREFIX)

    @bp.before_request
    def _limit():
        if request.method == "OPTIONS":
            return None
        decision = limiter.take(request.remote_addr or "unknown")
        request.environ["wec.api_remaining"] = decision.remaining
        if not decision.allowed:
            response = _error(429, f"too many requests from your address: try again in "
                              f"{decision.retry_after} seconds")  # fmt: skip
            response.headers["Retry-After"] = str(decision.retry_after)
            return response
        return None

    def answer(compute: Callable) -> Response:
        ds = service.dataset()
        if ds is None:
            return _error(503, "no data version has been published yet")
        tag = hashlib.sha256(f"{ds.key}|{request.full_path}".encode()).hexdigest()[:32]
        if tag in request.if_none_match:
            response = Response(status=304)
        else:
            try:
                body = compute(ds)
            except ApiError as exc:
                return _error(exc.status, exc.message, ds.version_id)
            response = _json(body)
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response

    def query() -> dict[str, list[str]]:
        return request.args.to_dict(flat=False)

    @bp.get("/")
    def index():
        return answer(lambda ds: api.index(ds, query()))

    @bp.get("/measures")
    def measures():
        return answer(lambda ds: api.measures(ds, query()))

    @bp.get("/areas")
    def areas():
        return answer(lambda ds: api.areas(ds, query()))

    @bp.get("/series")
    def series():
        return answer(lambda ds: api.series(ds, query()))

    @bp.get("/series/<measure>/<area>")
    def series_path(measure: str, area: str):
        return answer(lambda ds: api.series(ds, query(), {"measure": measure, "area": area}))

    @bp.get("/versions")
    def versions():
        ds = service.dataset()
        if ds is None:
            return _error(503, "no data version has been published yet")
        try:
            body = api.versions(ds, query(), published_versions(service))
        except ApiError as exc:
            return _error(exc.status, exc.message, ds.version_id)
        response = _json(body)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get("/openapi.json")
    def openapi_json():
        response = _json(openapi.spec(request.host_url))
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response

    @bp.get("/download")
    def download_current():
        version = service.published_version()
        if version is None:
            return _error(503, "no data version has been published yet")
        response = redirect(f"{api.PREFIX}/download/{archive_name(version)}", 302)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get("/download/<name>")
    def download(name: str):
        published = {archive_name(v.id): v for v in published_versions(service)}
        found = published.get(name)
        if found is None:
            return _error(404, f"there is no published version called {name[:80]!r}; "
                          f"see {api.PREFIX}/versions")  # fmt: skip
        store = service.store
        path = kept_archive(settings.open_data_dir, found.id, store.version_key(found.id),
                            lambda: store.load(found.id), published=found.published_at)  # fmt: skip
        response = send_file(path, mimetype="application/zip", as_attachment=True,
                             download_name=name, conditional=True, etag=True)  # fmt: skip
        response.headers["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
        return response

    @bp.route("/<path:rest>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(rest: str):
        if request.method not in ("GET", "HEAD"):
            abort(405)
        return _error(404, f"there is no {api.PREFIX}/{rest[:80]}; see {api.PREFIX}/openapi.json")

    @bp.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        response = _error(exc.code or 500, exc.description or exc.name)
        if exc.code == 405:
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
        return response

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = API_POLICY
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            "ETag, Retry-After, X-RateLimit-Remaining"
        )
        remaining = request.environ.get("wec.api_remaining")
        if remaining is not None:
            response.headers["X-RateLimit-Remaining"] = str(remaining)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    server.extensions["csrf"].exempt(bp)
    server.register_blueprint(bp)
