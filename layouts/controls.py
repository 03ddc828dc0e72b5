"""Controls every page shares: native selects in one fieldset, and toggle buttons.

Native <select> elements rather than dcc.Dropdown: Dash's dropdown keeps an
aria-hidden input in the tab order (an axe "serious" failure), while a native select
is labelled by its <label>, works from the keyboard and opens a phone's own picker.
The page's fieldset names its dcc.Store in `data-store`; dashboard/assets/choices.js
copies every select's value there when one changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from presenters.common.controls import Controls, Select
from presenters.common.options import Option


def native_select(select_id: str, label: str, name: str, options: Sequence[Option],
                  value: str) -> html.Div:  # fmt: skip
    children: list = []
    groups: dict[str, html.Optgroup] = {}
    for option in options:
        option = Option(*option)
        item = html.Option(option.label, value=option.value, selected=option.value == value)
        if not option.group:
            children.append(item)
        elif option.group in groups:
            groups[option.group].children.append(item)
        else:
            groups[option.group] = html.Optgroup([item], label=option.group)
            children.append(groups[option.group])
    return html.Div(
        [html.Label(label, htmlFor=select_id), html.Select(children, id=select_id, name=name)],
        className="arp-field",
    )


def select_id(prefix: str, name: str) -> str:
    """A select's id: the page's controls id and the select's name."""
    return f"{prefix}-{name}"


def fieldset(controls: Controls | None, *, store: str, prefix: str,
             class_name: str = "arp-choices") -> html.Fieldset | None:  # fmt: skip
    """The page's selects in one fieldset whose changes go to the `store`."""
    if controls is None:
        return None
    fields: list = [html.Legend(controls.legend)]
    fields += [_select(s, prefix) for s in controls.selects]
    return html.Fieldset(fields, className=class_name, **{"data-store": store})


def _select(s: Select, prefix: str) -> html.Div:
    return native_select(select_id(prefix, s.name), s.label, s.name, s.options, s.value)
