"""Outages made on purpose, without touching the servers other people use: a TCP proxy of
our own in front of PostgreSQL that can be closed (every connection cut, new ones
refused) and opened again, and a Redis server of our own that can be stopped and
started again on the same port."""

from __future__ import annotations

import contextlib
import select
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`; `close()` cuts every connection through it
    and refuses new ones (the server looks unreachable), `open()` lets them through."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._open = True
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url_for(self, url: str) -> str:
        """`url` (a database URL) pointed at the proxy."""
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)
        auth = host[0] + "@" if len(host) == 2 else ""
        return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{self.port}"))

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._live.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                if not self._open:
                    break
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            pass
        finally:
            for sock in (a, b):
                _reset(sock)
            with self._lock:
                self._live.difference_update((a, b))

    def close(self) -> None:
        """Cut every connection and refuse new ones."""
        self._open = False
        with self._lock:
            live = list(self._live)
        for sock in live:
            _reset(sock)

    def open(self) -> None:
        self._open = True

    def shutdown(self) -> None:
        self._stop = True
        self.close()
        with contextlib.suppress(OSError):
            self._listener.close()


def _reset(sock: socket.socket) -> None:
    """Close with a reset, as a dead peer or a cut network looks to the other side."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    with contextlib.suppress(OSError):
        sock.close()


class OwnRedis:
    """A redis-server of our own on a free port, stopped and started at will."""

    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed")
        self.folder = folder
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            if _pong(self.port):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop it at once (SIGKILL: no goodbye to the clients)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        self.proc = None


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False
