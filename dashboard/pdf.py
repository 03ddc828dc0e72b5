"""Area profiles as PDF, made on the server: headless Chromium prints the profile page
(its print stylesheet, dashboard/assets/print.css) to A4.

- Public, at /pdf/area/<code>; an unknown code is a 404, never a print.
- Kept in the one view cache per data version and area (`Dataset.cached`), so a
  profile is printed once per version; the response carries the version in its ETag.
- One Chromium at a time per worker (a lock); a request that cannot have it within the
  time limit, or whose print runs past it, gets a 503 with Retry-After, and the
  Chromium is killed.
- Chromium opens this server's own address (Settings.pdf_base_url, on the loopback),
  never one taken from the request, so a forged Host header cannot point it elsewhere.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from flask import Flask, Response, abort

from data import profiles
from presenters import profile
from presenters.profile import ProfileState

log = logging.getLogger(__name__)

PATH = "/pdf/area/<code>"
CSS_PATH = "/print/area/<code>.css"
# The printable width of A4 (186 mm at 96 dpi): the page is drawn at the width it prints at.
A4_WINDOW = "703,1123"
_lock = threading.Lock()  # one Chromium at a time in this worker


class PdfUnavailableError(RuntimeError):
    """No PDF could be made now (no Chromium, busy, too slow): try again later."""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_to_pdf(url: str, *, timeout: float, binary: str | None = None) -> bytes:
    """The page at `url` printed to PDF by headless Chromium, within `timeout` seconds."""
    binary = binary or chromium()
    if binary is None:
        raise PdfUnavailableError("Chromium is not installed on this server")
    with tempfile.TemporaryDirectory(prefix="wec-pdf-") as folder:
        out = Path(folder) / "profile.pdf"
        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            # Virtual time runs the page's scripts (Dash's callbacks) to the end, waiting
            # while its requests are answered, then prints.
            f"--virtual-time-budget={int(timeout * 1000 * 0.8)}",
            f"--window-size={A4_WINDOW}", f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={out}", url,
        ]  # fmt: skip
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)  # fmt: skip
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailableError(f"printing took longer than {timeout:g} seconds") from None
        if process.returncode != 0 or not out.exists():
            log.warning("chromium could not print %s: %s", url, err.decode(errors="replace")[-500:])
            raise PdfUnavailableError("Chromium could not print the page")
        return out.read_bytes()


def install(server: Flask, service, settings) -> None:
    """The /pdf/area/<code> route, and /print/area/<code>.css, the running footer that
    every printed profile (from a browser or as the PDF) links."""

    @server.route(CSS_PATH)
    def print_css(code: str):
        ds = service.dataset()
        view = profile.view(ds, ProfileState(area=code)) if ds is not None else None
        if view is None or not view.found:
            abort(404)
        response = Response(profile.print_css(view.print_line), mimetype="text/css")
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    @server.route(PATH)
    def area_pdf(code: str):
        ds = service.dataset()
        facts = profiles.area_facts(ds, code) if ds is not None else None
        if facts is None:
            abort(404)
        # A test server on a port of its own says where it is in the app's config.
        base = server.config.get("WEC_PDF_BASE_URL") or settings.pdf_base_url
        url = f"{base.rstrip('/')}/area/{facts.code}"
        timeout = settings.pdf_timeout_seconds
        if not _lock.acquire(timeout=timeout):
            return _unavailable("another profile is being printed")
        try:
            pdf = ds.cached(("profile-pdf", facts.code),
                            lambda: print_to_pdf(url, timeout=timeout))  # fmt: skip
        except PdfUnavailableError as exc:
            return _unavailable(str(exc))
        finally:
            _lock.release()
        name = f"area-{facts.code}-profile-version-{ds.version_id}.pdf".lower()
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "public, max-age=3600"
        response.set_etag(f"{ds.key or ds.version_id}:{facts.code}")
        return response


def _unavailable(reason: str) -> Response:
    response = Response(
        f"The PDF cannot be made just now ({reason}). Try again in a minute, or use your "
        "browser's Print on the profile page.",
        status=503,
        mimetype="text/plain",
    )
    response.headers["Retry-After"] = "60"
    return response
