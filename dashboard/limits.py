"""Request bodies capped before they are read, whatever the request says about them.

A request with `Transfer-Encoding: chunked` carries no Content-Length, so a check of
`request.content_length` lets it through; Dash would then read the whole body into
memory to parse its JSON (one 650 MB chunked POST took a worker to 3.9 GB). So the
WSGI input stream itself is wrapped: `BodyCap` counts the bytes the application reads
and refuses (413) at the first byte beyond the request's limit, chunked or not.

The limit is the public one (1 MB) until the request is known to come from signed-in
staff: `raise_limit` lifts it to the staff upload limit once the session has been
checked, before anything reads the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO

from werkzeug.exceptions import RequestEntityTooLarge

ENVIRON_KEY = "wec.body_cap"


class CappedInput:
    """A WSGI input stream that raises RequestEntityTooLarge past `limit` bytes."""

    def __init__(self, stream: IO[bytes], limit: int):
        self._stream = stream
        self.limit = limit
        self.read_bytes = 0

    def _count(self, data: bytes) -> bytes:
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            raise RequestEntityTooLarge(
                f"The request body is larger than {self.limit:,} bytes, the most this server takes."
            )
        return data

    def _room(self, size: int | None) -> int:
        # Never ask the server for more than one byte past the limit.
        room = self.limit - self.read_bytes + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self._count(self._stream.read(self._room(size)))
        # All of it: in pieces, since a dechunking stream may answer a read in part.
        parts = []
        while True:
            data = self._count(self._stream.read(self._room(64 * 1024)))
            if not data:
                return b"".join(parts)
            parts.append(data)

    def read1(self, size: int | None = -1) -> bytes:
        return self.read(size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(self._room(size)))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines, total = [], 0
        while hint is None or hint <= 0 or total < hint:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
        return lines

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


class BodyCap:
    """WSGI middleware: every request's body stream is a CappedInput at `limit` bytes.

    A Content-Length over `ceiling` (the largest limit any request can have) is refused
    before the application runs.
    """

    def __init__(self, app: Callable, *, limit: int, ceiling: int):
        self.app = app
        self.limit = limit
        self.ceiling = ceiling

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        declared = environ.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > self.ceiling:
            return _too_large(environ, start_response, self.ceiling)
        capped = CappedInput(environ["wsgi.input"], self.limit)
        environ["wsgi.input"] = capped
        environ[ENVIRON_KEY] = capped
        return self.app(environ, start_response)


def raise_limit(environ: dict, limit: int) -> None:
    """Let this request's body grow to `limit` bytes (for signed-in staff)."""
    capped = environ.get(ENVIRON_KEY)
    if capped is not None:
        capped.limit = max(capped.limit, limit)


def body_limit(environ: dict) -> int | None:
    capped = environ.get(ENVIRON_KEY)
    return None if capped is None else capped.limit


def _too_large(environ: dict, start_response: Callable, limit: int) -> Iterable[bytes]:
    return RequestEntityTooLarge(
        f"The request body is larger than {limit:,} bytes, the most this server takes."
    )(environ, start_response)
