"""Text that must stay text: names holding Markdown, HTML and script, put where uploaded
and user-supplied text reaches the pages, and a check of what the pages draw.

`hostile_store` publishes, through the staff upload path (kept, checked, published by a
member of staff), a hand-made survey file whose measure is named with a link, a
script, a blank line, Markdown, an image with `onerror` and a plotly placeholder, and a
crime file whose area names hold the same; both files' names hold markup too. The
register's names of Lambeth, one of its wards and its BCU are then given markup in
the published version, as a register with such names would give them.

`problems` walks what a page's callbacks return (components, figures, stores) and
lists every place where that text could be read as something other than text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import plotly.utils
from sqlalchemy import text

from data import refresh
from data.areas import BOROUGHS, MPS_BOROUGHS, bcu_code
from data.readcache import ReadCache
from data.store.store import Store
from geo.register import area_register
from tests import official
from tests.conftest import built_once, copy_store

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
LINK = '<a href="https://evil.example/a">a</a>'
MARKDOWN = "[l](https://evil.example/m) ![i](https://evil.example/i) **b**"
PLACEHOLDER = "%{fullData.name}"  # plotly fills this in, in a hover
# A survey measure: the reader keeps names of up to 200 characters.
MEASURE = f"Fear {LINK} {SCRIPT}\n\n{MARKDOWN} {IMAGE} {PLACEHOLDER}"
SURVEY_FILE = 'PAS <img src=x onerror="window.__pwned=4"> [f](javascript:alert(1)).csv'
CRIME_FILE = "knife <script>window.__pwned=5</script> **Feb** <b>x</b>.csv"
CRIME_AREA_NAME = f"<b>Ward</b> {IMAGE}\n\n[w](https://evil.example/w)"
ACTOR = "alice"
LAMBETH, LAMBETH_WARD = "E09000022", None  # the ward is found in the register
REGISTER_NAMES = {
    "borough": f"Lambeth {LINK} {SCRIPT}",
    "ward": f"Brixton {IMAGE} **w**",
    "bcu": f"South {MARKDOWN}",
}
QUARTERS = ("31/3/2025", "30/6/2025", "30/9/2025", "31/12/2025")

# Anything that came from the payloads above, and the markup among it.
HOSTILE = re.compile(r"__pwned|evil\.example|fullData|\*\*[bw]\*\*|javascript:alert")
# The payloads' markup as plotly would read it in a label, a hover or a hovertemplate's
# data (it reads <a>, <b>, <br> and %{...}; escaped, they are shown as they are).
PLOTLY_MARKUP = (SCRIPT, IMAGE, LINK, PLACEHOLDER, "<b>x</b>", "<b>Ward</b>")
# Component properties whose strings the browser shows as text: Dash sets children as
# text nodes and these as attribute values or data that our scripts draw as text
# (dashboard/assets/tables.js for data-table, the datalists from their stores).
TEXT_PROPS = frozenset({"children", "data-table", "title", "aria-label", "label", "value",
                        "data", "search", "placeholder", "alt"})  # fmt: skip


def survey_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Survey", "Borough", "Measure", "Proportion"])
    for q, date in enumerate(QUARTERS):
        for b, code in enumerate(sorted(MPS_BOROUGHS)):
            writer.writerow([date, "PAS", BOROUGHS[code], MEASURE,
                             f"{(18 + (b * 7 + q * 3) % 29) / 100:.2f}"])  # fmt: skip
    return out.getvalue().encode()


def crime_file(raw_dir: Path) -> bytes:
    """February 2026's knife crime, every area's name replaced by markup."""
    frame = official.dashboard_frame(raw_dir, only="2026-02")
    has_code = frame["Area code"].fillna("").astype(str).str.strip() != ""
    frame.loc[has_code, "Area name"] = CRIME_AREA_NAME
    return official.to_csv(frame)


def hostile_store(published_dir: Path, raw_dir: Path, into: Path) -> dict:
    """A copy of a published store with the hostile files uploaded, checked and
    published by a member of staff, and the register's markup names. Returns what the
    tests need: the store's folder, the upload, the ward renamed."""
    assert len(MEASURE) <= 200
    skip = shutil.ignore_patterns("*.log", "background", "static", ".built")
    shutil.copytree(published_dir, into, ignore=skip, dirs_exist_ok=True)
    store = Store(f"sqlite:///{into / 'wec.sqlite'}")
    reads = ReadCache(into / "reads", refresh.READ_REVISION)
    register = area_register(raw_dir)
    upload = store.add_upload([(SURVEY_FILE, survey_file()), (CRIME_FILE, crime_file(raw_dir))],
                              actor=ACTOR)  # fmt: skip
    report = refresh.check_upload(store, upload, register, read=reads.read)
    assert report.ok, report.errors[:3]
    version = refresh.publish_upload(store, upload, register, actor=ACTOR, read=reads.read)
    ward = register.loc[(register["level"] == "ward") & (register["parent_code"] == LAMBETH),
                        "code"].min()  # fmt: skip
    bcu = bcu_code(register.loc[register["code"] == LAMBETH, "bcu"].iloc[0])
    with store.engine.begin() as conn:
        for code, name in ((LAMBETH, REGISTER_NAMES["borough"]), (ward, REGISTER_NAMES["ward"]),
                           (bcu, REGISTER_NAMES["bcu"])):  # fmt: skip
            conn.execute(text("UPDATE areas SET name = :name WHERE version_id = :v AND code = :c"),
                         {"name": name, "v": version.version_id, "c": code})  # fmt: skip
    store.dispose()
    return {"dir": into, "upload": upload, "ward": ward, "bcu": bcu,
            "version": version.version_id}  # fmt: skip


def hostile_copy(tmp_path_factory, published_dir: Path, raw_dir: Path, into: Path) -> dict:
    """`hostile_store`'s store, made once per test run (tests/conftest.py built_once) and
    copied into `into` for each module that uses it."""

    def build(folder: Path) -> None:
        made = hostile_store(published_dir, raw_dir, folder)
        (folder / "made.json").write_text(json.dumps({k: v for k, v in made.items() if k != "dir"}))

    template = built_once(tmp_path_factory, "hostile-store", build)
    copy_store(template, into, tmp_path_factory)
    return {**json.loads((into / "made.json").read_text()), "dir": into}


def as_json(outputs: object) -> object:
    """What a callback's outputs become on the wire."""
    return json.loads(json.dumps(outputs, cls=plotly.utils.PlotlyJSONEncoder))


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "data-table" and isinstance(value, str):  # a table model, as JSON
                yield from _strings(json.loads(value))
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def problems(outputs: object, where: str) -> list[str]:
    """Every place in a callback's outputs where hostile text could be read as markup:
    a Markdown component or raw HTML at all; hostile text in a property the browser
    reads as an address, a style, a class or an id; markup or a placeholder from it
    inside a plotly figure (plotly reads <a>, <b>, <br> and %{...} in its labels)."""
    found: list[str] = []

    def visit(node: object, path: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, f"{path}[{i}]")
            return
        if not isinstance(node, dict):
            return
        if {"type", "namespace", "props"} <= set(node):
            kind = node["type"]
            if kind == "Markdown" or "dangerously_allow_html" in node["props"]:
                found.append(f"{path}/{kind}: Markdown or raw HTML")
            for prop, value in node["props"].items():
                here = f"{path}/{kind}.{prop}"
                if prop == "figure":
                    found.extend(figure_problems(value, here))
                elif prop == "children":
                    visit(value, here)
                elif prop not in TEXT_PROPS and any(HOSTILE.search(s) for s in _strings(value)):
                    found.append(f"{here}: hostile text in an attribute read as more than text")
                elif not isinstance(value, str):
                    visit(value, here)
            return
        if "data" in node and "layout" in node:
            found.extend(figure_problems(node, path))
            return
        for key, value in node.items():
            visit(value, f"{path}.{key}")

    visit(as_json(outputs), where)
    return found


def figure_problems(figure: object, where: str) -> list[str]:
    return [f"{where}: plotly would read markup in {s[:80]!r}" for s in _strings(figure)
            if any(markup in s for markup in PLOTLY_MARKUP)]  # fmt: skip


def texts(outputs: object) -> str:
    """Every string the outputs hold, joined (to find the names shown literally)."""
    return "\n".join(_strings(as_json(outputs)))


def plain(text_: str) -> str:
    return " ".join(text_.split())
