"""A page's state and its URL codec, the same for every page.

The address of a page holds its whole state (`/at-risk?measure=knife_crime&level=ward`),
so a copied link reopens the same view and the browser's Back button restores it. Each
page declares its state as a frozen dataclass of `PageState` whose fields are strings,
optional strings or flags, with defaults; this module reads and writes the query
string for all of them, so no page parses its URL by hand.

Reading is lenient and field by field: a mistyped value falls back to its default on
its own, so one bad parameter does not throw away the rest of a shared link, and a
malformed request (a number, a list, a very long string) is never an error. Whether a
well-formed value makes sense for the published data (a measure with no ward figures,
a month before the data begins) is each page's `settle`, which knows the data.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode

from data.periods import token_from_controls

# No value in a URL of ours is longer; a longer one is not ours.
MAX_VALUE = 120
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def query_dict(search: object) -> dict[str, str]:
    """A query string ("?a=1&b=2") as a dict; anything that is not a string is empty."""
    if not isinstance(search, str):
        return {}
    return dict(parse_qsl(search.lstrip("?"), keep_blank_values=False)[:50])


def _kind(annotation: Any) -> str:
    """ "flag", "optional" or "text" for a field's annotation (strings from __future__)."""
    text = annotation if isinstance(annotation, str) else repr(annotation)
    if text == "bool" or annotation is bool:
        return "flag"
    if "None" in text:
        return "optional"
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return "optional"
    return "text"


@dataclass(frozen=True)
class PageState:
    """The base of every page's state: read from and written to the URL's query string.

    Subclasses are frozen dataclasses; a field may carry `metadata={"pattern": regex}`
    to accept only values of that shape from a URL.
    """

    @classmethod
    def from_query(cls, query: Mapping[str, object] | str | None) -> Self:
        """The state a URL (query string or dict) asks for, field by field."""
        raw = query_dict(query) if isinstance(query, str) or query is None else query
        if not isinstance(raw, Mapping):
            raw = {}
        values: dict[str, object] = {}
        for f in fields(cls):
            value = raw.get(f.name)
            if not isinstance(value, str) or len(value) > MAX_VALUE:
                continue
            value = value.strip()
            kind = _kind(f.type)
            if kind == "flag":
                values[f.name] = value.lower() in TRUE_WORDS
                continue
            pattern = f.metadata.get("pattern")
            if not value:
                continue
            if pattern is not None and not re.fullmatch(pattern, value):
                continue
            values[f.name] = value
        return cls(**values)

    def to_query(self) -> dict[str, str]:
        """The fields as a query: flags as "1" when set, empty and unset fields left out."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                if value:
                    out[f.name] = "1"
            elif value:
                out[f.name] = str(value)
        return out

    def search(self) -> str:
        """The query string that reopens this state ("?measure=...")."""
        query = self.to_query()
        return "?" + urlencode(query) if query else ""

    @classmethod
    def default(cls) -> Self:
        return cls()

    def with_choice(self, choice: Mapping[str, object] | None) -> Self:
        """The state after a person changed the page's selects.

        `choice` holds every select of the page's controls by name (a listener copies
        them when one changes, see dashboard/assets/choices.js). The period comes from
        three selects (period, and From and To for a range of months) and becomes one
        token; other names set the field of the same name. Values that are not strings
        are ignored.
        """
        if not isinstance(choice, Mapping):
            return self
        names = {f.name: f for f in fields(self)}
        changes: dict[str, object] = {}
        for name, value in choice.items():
            if name not in names or name == "period" or not isinstance(value, str):
                continue
            if len(value) > MAX_VALUE:
                continue
            kind = _kind(names[name].type)
            if kind == "flag":
                changes[name] = value.lower() in TRUE_WORDS
            elif kind == "optional":
                changes[name] = value or None
            else:
                changes[name] = value
        if "period" in names and isinstance(choice.get("period"), str):
            start, end = choice.get("start"), choice.get("end")
            changes["period"] = token_from_controls(
                choice["period"],
                start if isinstance(start, str) else None,
                end if isinstance(end, str) else None,
            )
        return replace(self, **changes)


def field_default(cls: type[PageState], name: str) -> object:
    for f in fields(cls):
        if f.name == name:
            if f.default is not MISSING:
                return f.default
            break
    raise KeyError(name)
