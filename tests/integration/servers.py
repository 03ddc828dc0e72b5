"""Real servers for the security tests: the app under werkzeug's threaded server and under
gunicorn (a process of its own), and raw HTTP requests a normal client would not send."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import requests
from werkzeug.serving import make_server

from tests.conftest import TEST_SECRET_KEY

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def app_env(data_dir: Path, published_web_dir: Path, **more: str) -> dict[str, str]:
    """Settings for an app with an empty store of its own and the built boundary files
    copied from the shared published store (so nothing is ingested or built)."""
    web = data_dir / "web"
    if not web.exists():
        shutil.copytree(published_web_dir, web)
    return {
        "WEC_DATA_DIR": str(data_dir),
        "WEC_RAW_DIR": str(data_dir / "no-raw-data"),
        "WEC_INGEST_ON_START": "false",
        "WEC_WARM_VIEWS": "false",
        "WEC_SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": TEST_SECRET_KEY,
        **more,
    }


@contextlib.contextmanager
def werkzeug_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn_server(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[tuple[str, int]]:
    """gunicorn with the project's gunicorn.conf.py; yields its URL and master pid."""
    port = free_port()
    full = {**os.environ, **env, "WEC_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers), "WEC_THREADS": "4"}  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
            cwd=REPO, env=full, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError("gunicorn did not start:\n" + log.read_text()[-3000:])
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not answer:\n" + log.read_text()[-3000:])
            time.sleep(0.3)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def visitor(base: str) -> requests.Session:
    """A browser's first visit: the session cookie and the CSRF cookie."""
    session = requests.Session()
    assert session.get(f"{base}/", timeout=30).status_code == 200
    return session


def signed_in(base: str, username: str = "alice", password: str = PASSWORD) -> requests.Session:
    session = visitor(base)
    page = session.get(f"{base}/staff/sign-in", timeout=30).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = session.post(f"{base}/staff/sign-in", timeout=60, allow_redirects=False,
                          data={"username": username, "password": password,
                                "csrf_token": token, "next": "/staff"})  # fmt: skip
    assert answer.status_code == 302, answer.text[:300]
    session.get(f"{base}/staff", timeout=30)  # a fresh CSRF cookie, as a browser gets
    return session


def csrf_headers(session: requests.Session) -> dict[str, str]:
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return {"Cookie": cookies, "X-CSRFToken": session.cookies.get("_csrf_token")}


def router_body(path: str = "/about") -> dict:
    """The public router callback's request, as the renderer sends it for a page."""
    outputs = [("page-content", "children"), ("page-title", "data"), ("nav-holder", "children"),
               ("data-version", "children")]  # fmt: skip
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "url", "property": "pathname", "value": path}],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["url.pathname"],
    }


def chunked_post(
    base: str,
    path: str,
    headers: dict[str, str],
    total: int,
    *,
    prefix: bytes = b'{"output": "page-content.children", "padding": "',
    chunk: int = 64 * 1024,
    timeout: float = 120,
) -> tuple[int, int]:
    """POST `total` bytes with Transfer-Encoding: chunked (no Content-Length) over a raw
    socket; returns the status code and how many body bytes the server took before it
    answered. The body is sent from a thread so a server that stops reading and answers
    early is seen answering."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Content-Type: application/json",
            "Transfer-Encoding: chunked", "Connection: close",
            *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sent = [0]

    def send() -> None:
        try:
            body = prefix
            while sent[0] < total:
                piece = body or b"x" * min(chunk, total - sent[0])
                body = b""
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent[0] += len(piece)
            sock.sendall(b'1\r\n"\r\n1\r\n}\r\n0\r\n\r\n')
        except OSError:
            pass  # the server answered and closed: what a cap should do

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    finally:
        at_answer = sent[0]
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        sender.join(30)
    status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    assert status_line.startswith("HTTP/1."), f"no HTTP answer: {answer[:200]!r}"
    return int(status_line.split()[1]), at_answer
