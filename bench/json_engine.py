"""plotly's JSON engines on Dash answers: CPU to encode the map's answer with each.

    python bench/json_engine.py [--data-dir DIR] [--repeat N]

Dash encodes every callback answer with `plotly.io.json.to_json_plotly`, whose engine
is plotly's `config.default_engine` ("auto" picks orjson when it is installed). This
posts the map's first callback for a ward map and a borough map through the whole app
(Werkzeug's test client), `--repeat` times per engine, each time with a query the kept
answers have not seen, and sums the CPU time spent inside `to_json_plotly`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import plotly.io.json as plotly_json  # noqa: E402
from load import Callbacks  # noqa: E402


def main() -> None:
    from dashboard.app import create_app
    from dashboard.services import ensure_ready
    from dashboard.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    env = {"WEC_DATA_DIR": args.data_dir, "LOG_LEVEL": "WARNING", "WEC_WARM_VIEWS": "false",
           "WEC_SECURE_COOKIES": "false", "SECRET_KEY": secrets.token_urlsafe(48)}  # fmt: skip
    settings = Settings.from_env({**os.environ, **env})
    ensure_ready(settings)
    app = create_app(settings)
    client = app.server.test_client()
    client.get("/map")
    callbacks = Callbacks(client.get("/_dash-dependencies").get_json())
    token = client.get_cookie("_csrf_token").value

    spent: list[float] = []
    real = plotly_json.to_json_plotly

    def timed(*a, **k):
        started = time.thread_time()
        try:
            return real(*a, **k)
        finally:
            spent.append((time.thread_time() - started) * 1000)

    # dash._utils.to_json imports it from plotly.io.json at each call.
    plotly_json.to_json_plotly = timed
    n = 0
    for level in ("ward", "borough"):
        for engine in ("json", "orjson", "json", "orjson"):
            plotly_json.config.default_engine = engine
            per: list[float] = []
            for _ in range(args.repeat):
                n += 1
                search = f"?measure=knife_crime&level={level}&period=m&n={n}"
                values = {"map-url.search": search, "map-url.pathname": "/map"}
                body = callbacks.body("map-controls.children", values)
                spent.clear()
                answer = client.post("/_dash-update-component", json=body,
                                     headers={"X-CSRFToken": token,
                                              "Accept-Encoding": "identity"})  # fmt: skip
                assert answer.status_code == 200, answer.status_code
                per.append(sum(spent))
            median, mean = statistics.median(per), statistics.fmean(per)
            print(f"{level:<8} {engine:<7} {len(answer.data) / 1024:6.0f} KB  encode "
                  f"p50 {median:6.1f} ms CPU, mean {mean:6.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
