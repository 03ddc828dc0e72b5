"""A real process killed (SIGKILL) in the middle of writing a version to the store.

The process runs `body` with `Store._bulk_insert` slowed: after the third table it
writes a marker file and sleeps, so the kill lands while a version is half written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PRELUDE = """
import sys, time
from pathlib import Path
sys.path[:0] = [{repo!r}, {tests!r}]
from data.store.store import Store

original = Store._bulk_insert
calls = []

def slow_insert(self, conn, table, frame, version_id):
    original(self, conn, table, frame, version_id)
    calls.append(table.name)
    if len(calls) == 3:
        Path({marker!r}).write_text("writing")
        time.sleep(120)

Store._bulk_insert = slow_insert
"""


def kill_while_writing(body: str, marker: Path, who: str, timeout: float = 90) -> None:
    """Run `body` (Python source) in a new process and kill it once it is writing."""
    prelude = _PRELUDE.format(repo=str(REPO), tests=str(REPO / "tests"), marker=str(marker))
    script = prelude + textwrap.dedent(body)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, f"the {who} exited before it was killed"
        assert time.monotonic() < deadline, f"the {who} never started writing"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
