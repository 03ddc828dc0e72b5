"""The wheel the Dockerfile builds carries the whole app: every package of the layers,
the stylesheets and scripts in dashboard/assets (without them the installed app
had no CSS, no table download and no staff script) and the page's plotly.js."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> list[str]:
    # Built from a copy, as the Dockerfile's build stage does: an in-tree build would
    # leave build/ and *.egg-info in the checkout.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    for package in _packages():
        shutil.copytree(REPO / package, src / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "--wheel-dir", str(out), str(src)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = out.glob("*.whl")
    return zipfile.ZipFile(found).namelist()


def _packages() -> list[str]:
    """The top-level Python packages of the checkout (the import layers)."""
    skip = {"tests", "bench", "scripts", "node_modules", "var", "build", "dist"}
    return sorted(
        p.name
        for p in REPO.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in skip
    )


def test_the_wheel_carries_every_package_of_the_app(wheel):
    packages = _packages()
    assert {"dashboard", "callbacks", "layouts", "data", "geo"} <= set(packages)
    for package in packages:
        modules = sorted(str(p.relative_to(REPO)) for p in (REPO / package).rglob("*.py"))
        missing = [m for m in modules if m not in wheel]
        assert not missing, f"not in the wheel: {missing}"


def test_the_wheel_carries_the_assets(wheel):
    assets = sorted(p.name for p in (REPO / "dashboard" / "assets").iterdir() if p.is_file())
    assert {"site.css", "staff.js", "tables.js", "choices.js", "map.js"} <= set(assets)
    missing = [a for a in assets if f"dashboard/assets/{a}" not in wheel]
    assert not missing, f"assets not in the wheel: {missing}"


def _pinned(lock: str) -> dict[str, str]:
    import re

    text = (REPO / lock).read_text()
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\", text, re.M)
    }


def _declared(group: list[str]) -> set[str]:
    import re

    return {re.split(r"[\[<>=!~ ;]", d, maxsplit=1)[0].lower().replace("_", "-") for d in group}


def test_the_lock_files_pin_every_dependency_with_hashes_and_are_what_installs():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    app, test = _pinned("requirements.lock"), _pinned("requirements-test.lock")
    assert _declared(project["dependencies"]) <= set(app)
    assert _declared(project["dependencies"] + project["optional-dependencies"]["test"]) <= set(
        test
    )
    for lock in ("requirements.lock", "requirements-test.lock"):
        text = (REPO / lock).read_text()
        assert "--hash=sha256:" in text
        assert not [line for line in text.splitlines()
                    if "==" in line and not line.rstrip().endswith("\\")]  # fmt: skip
    # The tests run the versions production runs (but urllib3: the test tools need 1.x).
    assert {name for name, version in app.items() if test[name] != version} <= {"urllib3"}
    setup = (REPO / "scripts" / "setup").read_text()
    assert "--require-hashes -r" in setup
    assert "requirements-test.lock" in setup
    docker = (REPO / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in docker
    compose = (REPO / "compose.yaml").read_text()
    assert ":/data/raw:ro" in compose
    assert all(f"\n  {service}:" in compose for service in ("app", "worker", "postgres", "redis"))


def test_the_wheel_carries_the_pages_plotly(wheel):
    assert "dashboard/vendor/plotly-wec.min.js" in wheel


def test_the_dockerfile_builds_the_wheel_from_every_package():
    """The image's wheel is built from what the Dockerfile copies: a package left out
    there is missing from the image though the wheel built here has it."""
    copied = set()
    for line in (REPO / "Dockerfile").read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["COPY"] and not parts[1].startswith("--"):
            copied.update(p.rstrip("/") for p in parts[1:-1])
    missing = [p for p in _packages() if p not in copied]
    assert not missing, f"the Dockerfile does not copy {missing}"
