"""Logs go to stdout, one line each, so containers and CI capture them."""

from __future__ import annotations

import logging
import sys


def configure(level: str) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_wec", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._wec = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
