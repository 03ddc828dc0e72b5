"""Every callback is wired to components that exist: the check Dash makes in the browser
against the validation layout, made here for every callback at once (production pages
do not carry the validation layout, so the browser no longer makes it there)."""

from __future__ import annotations

import json

import pytest
from dash.development.base_component import Component

from dashboard.app import create_app, validation_layout
from dashboard.settings import Settings
from layouts import ids
from tests.conftest import TEST_SECRET_KEY


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("wired")
    return create_app(Settings.from_env({"WEC_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING",
                                         "SECRET_KEY": TEST_SECRET_KEY}))  # fmt: skip


def components(root: Component) -> dict[str, tuple[set[str], tuple[str, ...]]]:
    """Every component id in a layout -> its component's properties, and the prefixes of
    the attributes it takes any of ("data-", "aria-")."""
    out: dict[str, tuple[set[str], tuple[str, ...]]] = {}
    for c in [root, *root._traverse()]:
        if isinstance(c, Component) and getattr(c, "id", None) is not None:
            key = c.id if isinstance(c.id, str) else json.dumps(c.id, sort_keys=True)
            out[key] = ({"id", *c._prop_names}, tuple(c._valid_wildcard_attributes))
    return out


def has(known: dict, component: str, prop: str) -> bool:
    if component not in known:
        return False
    props, prefixes = known[component]
    return prop in props or prop.startswith(prefixes)


def wired(app) -> list[tuple[str, object, str]]:
    """(callback, component id, property) for every output, input and state."""
    out = []
    for name, callback in app.callback_map.items():
        outputs = callback["output"]
        outputs = outputs if isinstance(outputs, list) else [outputs]
        outputs = [{"id": o.component_id, "property": o.component_property} for o in outputs]
        for item in [*outputs, *callback["inputs"], *callback["state"]]:
            component = item["id"]
            if isinstance(component, str) and component.startswith("{"):
                component = json.loads(component)
            out.append((name, component, item["property"].split("@")[0]))
    return out


def test_every_callback_names_components_some_page_has(app):
    known = components(validation_layout())
    pattern_types = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    missing = []
    for callback, component, prop in wired(app):
        if isinstance(component, dict):
            # A pattern-matching id names components a callback draws (the history's
            # buttons): its type must be one of the page ids.
            if component.get("type") not in pattern_types:
                missing.append((callback, component, prop))
            continue
        if not has(known, component, prop):
            missing.append((callback, component, prop))
    assert missing == []


def test_the_check_does_catch_a_callback_wired_to_nothing(app):
    """Guards the guard: a callback on a component no page has is reported."""
    from dash import Input, Output

    app.callback(Output("no-such-output", "children"), Input(ids.MAP, "clickData"))(lambda _: 1)
    try:
        known = components(validation_layout())
        lost = [c for _, c, p in wired(app) if isinstance(c, str) and not has(known, c, p)]
        assert lost == ["no-such-output"]
    finally:
        del app.callback_map["no-such-output.children"]
        app._callback_list.pop()
