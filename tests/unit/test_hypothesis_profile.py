"""The suite's Hypothesis profile: no deadline anywhere, derandomised in CI."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parents[1]


def test_the_profile_sets_no_deadline_and_is_derandomised_in_ci():
    assert settings.default.deadline is None
    assert settings.default.derandomize == bool(os.environ.get("CI"))
    # A test's own settings inherit the profile's: no deadline unless one is written.
    assert settings(max_examples=5).deadline is None


def test_no_test_sets_a_deadline():
    found = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "deadline":
                value = node.value
                if not (isinstance(value, ast.Constant) and value.value is None):
                    found.append(f"{path.relative_to(TESTS)}:{node.value.lineno}")
    assert not found, f"Hypothesis deadlines set in {found}"
