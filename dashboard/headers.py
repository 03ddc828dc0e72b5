"""Security headers on every response, and no development endpoints in production.

The Content-Security-Policy allows scripts from this site only, plus exactly the inline
scripts Dash writes into its index page (the renderer's start and any clientside
callbacks written inline), by their SHA-256 hashes from `Dash.csp_hashes()`: an
injected script, inline or from elsewhere, does not run. plotly.js and MapLibre draw
the maps with web workers made from `blob:` URLs and images from `data:` URLs, and
set inline styles, so those are allowed; nothing may frame the site.
"""

from __future__ import annotations

from dash import Dash
from flask import Response, abort, request

# Dash's hot-reload endpoint, served by Dash whether or not debugging is on.
DEV_ONLY_PATHS = ("/_reload-hash",)
HSTS = "max-age=31536000"
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def content_security_policy(script_hashes: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(app: Dash, *, secure: bool, development: bool) -> None:
    """Add the headers to every response of `app`; hide the dev endpoints unless
    `development`. Call after every callback is registered (their inline scripts are
    hashed on the first request)."""
    server = app.server
    policy: list[str] = []

    def csp() -> str:
        if not policy:
            policy.append(content_security_policy(list(dict.fromkeys(app.csp_hashes()))))
        return policy[0]

    @server.before_request
    def _no_dev_endpoints():
        if not development and request.path.rstrip("/") in DEV_ONLY_PATHS:
            abort(404)

    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        # A response with a policy of its own (the API's, which loads nothing) keeps it.
        headers.setdefault("Content-Security-Policy", csp())
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = PERMISSIONS
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if secure:
            headers["Strict-Transport-Security"] = HSTS
        return response
