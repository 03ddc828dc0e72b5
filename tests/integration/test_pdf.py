"""The profile as a PDF: the route's rules, with a stand-in for Chromium (a script that
writes a PDF and records when it ran): unknown areas are a 404, one print runs at a time
in a worker, a print past the time limit is killed and answered with a 503, and the PDF
is kept per data version and area. The real Chromium prints in tests/browser."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from dashboard import pdf

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fake_chromium(folder: Path, *, seconds: float = 0.3) -> Path:
    """A script that takes Chromium's arguments, notes its start and end, and writes a PDF
    to the --print-to-pdf path."""
    script = folder / "chromium"
    log = folder / "runs.log"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "start $$" >> {log}\n'
        f"sleep {seconds}\n"
        'for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done\n'
        f"printf '%s' '{MINIMAL_PDF.decode()}' > \"$out\"\n"
        f'echo "end $$" >> {log}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.fixture
def app(published, tmp_path, monkeypatch):
    from dashboard.app import create_app

    monkeypatch.setattr(pdf, "chromium", lambda: str(fake_chromium(tmp_path)))
    app = create_app(published.with_(pdf_timeout_seconds=20))
    app.server.config["TESTING"] = True
    return app


def test_an_unknown_area_is_not_printed(app, tmp_path):
    client = app.server.test_client()
    assert client.get("/pdf/area/E09999999").status_code == 404
    assert client.get('/pdf/area/E09"%20onload').status_code == 404
    assert client.get("/print/area/E09999999.css").status_code == 404
    assert not (tmp_path / "runs.log").exists()


def test_the_pdf_is_printed_once_per_version_and_one_chromium_runs_at_a_time(app, tmp_path):
    client = app.server.test_client()
    answers: dict[str, object] = {}

    def fetch(code: str) -> None:
        answers[code] = app.server.test_client().get(f"/pdf/area/{code}")

    threads = [threading.Thread(target=fetch, args=(c,)) for c in ("E09000022", "E09000028")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for code, response in answers.items():
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data == MINIMAL_PDF
        assert (
            f'filename="area-{code.lower()}-profile-version-'
            in (response.headers["Content-Disposition"])
        )
    runs = (tmp_path / "runs.log").read_text().split()
    # start, end, start, end: never two at once.
    assert runs[0::2] == ["start", "end", "start", "end"]
    # Again: from the cache, no new print.
    again = client.get("/pdf/area/E09000022")
    assert again.data == MINIMAL_PDF
    assert len((tmp_path / "runs.log").read_text().split()) == 8


def test_a_print_past_its_time_limit_is_killed_and_answered_503(published, tmp_path, monkeypatch):
    from dashboard.app import create_app

    slow = fake_chromium(tmp_path, seconds=60)
    monkeypatch.setattr(pdf, "chromium", lambda: str(slow))
    app = create_app(published.with_(pdf_timeout_seconds=1))
    response = app.server.test_client().get("/pdf/area/E09000028")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "longer than 1 seconds" in response.get_data(as_text=True)
    pid = int((tmp_path / "runs.log").read_text().split()[1])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the stand-in was killed with its process group


def test_without_chromium_the_route_says_so(published, monkeypatch):
    from dashboard.app import create_app

    monkeypatch.setattr(pdf, "chromium", lambda: None)
    response = create_app(published).server.test_client().get("/pdf/area/E09000028")
    assert response.status_code == 503
    assert "Chromium is not installed" in response.get_data(as_text=True)


def test_the_running_footer_of_a_printed_profile(app):
    response = app.server.test_client().get("/print/area/E09000022.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert '@bottom-left { content: "Lambeth: area profile.' in css
    assert "Data version" in css
    assert 'counter(page) " of " counter(pages)' in css
