"""The page's plotly.js (dashboard/vendor/plotly-wec.min.js, built by scripts/plotly-bundle
from bundle/plotly/) is the same plotly.js version as the one the Python plotly package
ships, with the trace types dashboard/static.py says it has: a plotly upgrade without
a new bundle fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly

from dashboard import static

BUNDLE = Path(__file__).resolve().parents[3] / "bundle" / "plotly"


def test_the_bundle_is_the_python_packages_plotly_js_version():
    version = plotly.offline.get_plotlyjs_version()
    declared = json.loads((BUNDLE / "package.json").read_text())["devDependencies"]["plotly.js"]
    locked = json.loads((BUNDLE / "package-lock.json").read_text())
    assert declared == version
    assert locked["packages"]["node_modules/plotly.js"]["version"] == version
    head = static.PLOTLY_BUNDLE.read_text(encoding="utf-8")[:200]
    assert head.startswith(f"/* plotly.js {version} ({', '.join(static.PLOTLY_TRACES)}),")


def test_the_bundle_registers_the_trace_types_the_dashboard_names():
    entry = (BUNDLE / "entry.js").read_text()
    registered = re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)
    assert registered[0] == "core"
    # scatter is in plotly.js's core, always.
    assert ["scatter", *registered[1:]] == list(static.PLOTLY_TRACES)
    assert static.PLOTLY_BUNDLE.stat().st_size > 1_000_000
    assert static.PLOTLY_BUNDLE.read_bytes().rstrip().endswith(b"window.Plotly = Plotly;")
