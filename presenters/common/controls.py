"""Controls as view models: the selects a page offers, with their options and values.

Layouts draw them as native <select> elements inside one fieldset per page (see
layouts/controls.py); a single listener sends every select's value to the page's
callback, which turns them into the page's state (`PageState.with_choice`).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.dataset import Dataset
from presenters.common.options import Option, period_controls


@dataclass(frozen=True)
class Select:
    name: str  # the state field (or "period", "start", "end") it sets
    label: str
    options: tuple[Option, ...]
    value: str


@dataclass(frozen=True)
class Controls:
    legend: str
    selects: tuple[Select, ...]


def select(name: str, label: str, options: list[Option], value: str | None) -> Select:
    return Select(name, label, tuple(options), value or "")


def period_selects(ds: Dataset, measure: str, level: str, token: str) -> list[Select]:
    """The period select, and From and To when the period is a range of months."""
    p = period_controls(ds, measure, level, token)
    out = [select("period", "Period", p["options"], p["value"])]
    if p["range"]:
        out += [
            select("start", "From", p["months"], p["start"]),
            select("end", "To", p["months"], p["end"]),
        ]
    return out
