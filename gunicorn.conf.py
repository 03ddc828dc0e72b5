"""gunicorn settings. The app ingests and builds boundary files once, before forking.

Every setting read from the environment here is listed in the README's settings table.
"""

import os

bind = os.environ.get("WEC_BIND", "0.0.0.0:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEC_THREADS", "4"))
preload_app = True
timeout = int(os.environ.get("WEC_WORKER_TIMEOUT", "120"))
accesslog = "-"
errorlog = "-"

# Request heads: the longest URL the pages use is well under 1 KB; a browser sends about
# 15 headers, a proxy adds a few; cookies stay under 1 KB. (Bodies are capped by the
# app itself, as they are read: dashboard/limits.py.)
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Forwarded headers are trusted by the app only, from WEC_PROXY_HOPS proxies (werkzeug's
# ProxyFix); gunicorn itself trusts none.
forwarded_allow_ips = ""


def post_worker_init(worker) -> None:
    """Each worker starts warming the published version's views as it boots, rather
    than at its first request (dashboard/warm.py; off with WEC_WARM_VIEWS=false)."""
    service = worker.wsgi.extensions.get("wec")
    if service is not None and service.settings.warm_views:
        service.warmer.start()


def _no_server_banner() -> None:
    """gunicorn always sends `Server: gunicorn`; a banner only helps an attacker."""
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if getattr(original, "_wec", False):
        return

    def default_headers(self):
        return [h for h in original(self) if not h.lower().startswith("server:")]

    default_headers._wec = True
    wsgi.Response.default_headers = default_headers


_no_server_banner()
