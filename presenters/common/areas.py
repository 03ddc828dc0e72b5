"""Areas as people name them: the one search index, where an area sits, place names.

Every page that finds an area uses `find`, so "Brixton" lists the same wards on the
map and on the profiles, and a label chosen from the suggestions opens that area.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from data.dataset import Dataset

S = TypeVar("S")

# Levels a person can look up by name, in the order suggestions list them.
FINDABLE = ("borough", "ward", "bcu")
MOST_MATCHES = 12


@dataclass(frozen=True)
class Found:
    """What a search found: one area, several that match, or nothing (and why)."""

    code: str | None
    matches: tuple[tuple[str, str], ...] = ()  # (code, label) when several match
    message: str = ""


def search_options(ds: Dataset, levels: Iterable[str] = FINDABLE) -> list[tuple[str, str]]:
    """(code, label) of every findable area, labels unique: "Lambeth (borough)",
    "Brixton Windrush (ward in Lambeth)", "Central South BCU"."""
    wanted = tuple(levels)
    return ds.cached(("search-options", wanted), lambda: _search_options(ds, wanted))


def _search_options(ds: Dataset, levels: tuple[str, ...]) -> list[tuple[str, str]]:
    areas = ds.areas[ds.areas["level"].isin(levels)]
    names = ds.areas["name"]
    out = []
    for row in areas.itertuples():
        if row.level == "ward":
            label = f"{row.name} (ward in {names.get(row.parent_code, '')})"
        elif row.level == "borough":
            label = f"{row.name} (borough)"
        else:
            label = str(row.name)
        out.append((str(row.code), label))
    order = {level: i for i, level in enumerate(levels)}
    return sorted(out, key=lambda o: (order[str(ds.areas.loc[o[0], "level"])], o[1].casefold()))


def search_labels(ds: Dataset, levels: Iterable[str] = FINDABLE) -> list[str]:
    return [label for _, label in search_options(ds, levels)]


def label_of(ds: Dataset, code: str | None, levels: Iterable[str] = FINDABLE) -> str:
    if not code:
        return ""
    for c, label in search_options(ds, levels):
        if c == code:
            return label
    return code


def _words(text: str) -> str:
    return " ".join(text.replace("&", " and ").split()).casefold()


def find(ds: Dataset, text: object, levels: Iterable[str] = FINDABLE) -> Found:
    """The area a person typed: a suggestion's label, a code, or a name only one area
    has; otherwise every area whose name contains what was typed."""
    if not isinstance(text, str) or not text.strip():
        return Found(None)
    wanted = _words(text[:200])
    options = search_options(ds, levels)
    for code, label in options:
        if wanted in (_words(label), code.casefold()):
            return Found(code)
    names = ds.areas["name"]
    exact = [(c, label) for c, label in options if _words(str(names[c])) == wanted]
    if len(exact) == 1:
        return Found(exact[0][0])
    partial = exact or [(c, label) for c, label in options if wanted in _words(str(names[c]))]
    if len(partial) == 1:
        return Found(partial[0][0])
    if partial:
        shown = tuple(partial[:MOST_MATCHES])
        more = len(partial) - len(shown)
        message = f"{len(partial)} areas match \u201c{text.strip()}\u201d: choose one."
        if more:
            message = (
                f"{len(partial)} areas match \u201c{text.strip()}\u201d; the first "
                f"{len(shown)} are listed. Type more of the name to narrow them down."
            )
        return Found(None, shown, message)
    return Found(
        None,
        (),
        f"No borough or ward is called \u201c{text.strip()}\u201d. Check the spelling, or "
        "choose one of the suggestions as you type.",
    )


def parent_names(ds: Dataset, level: str) -> dict[str, str]:
    """Area code -> where it sits: a ward's borough, a borough's BCU."""
    return ds.cached(("parent-names", level), lambda: _parent_names(ds, level))


def _parent_names(ds: Dataset, level: str) -> dict[str, str]:
    areas = ds.areas[ds.areas["level"] == level]
    if level == "ward":
        names = ds.areas["name"]
        return {c: str(names.get(p, "")) for c, p in zip(areas["code"], areas["parent_code"],
                                                           strict=True)}  # fmt: skip
    return {
        c: f"{b} BCU"
        for c, b in zip(areas["code"], areas["bcu"], strict=True)
        if isinstance(b, str)
    }


def place_name(ds: Dataset, code: str | None) -> str:
    """A BCU, borough or all of London as the end of a sentence: "the Central South
    BCU", "Lambeth", "all of London"."""
    if not code or code not in ds.areas.index:
        return "all of London"
    name = str(ds.areas.loc[code, "name"])
    return f"the {name}" if ds.areas.loc[code, "level"] == "bcu" else name


def bcu_of(ds: Dataset, borough: str | None) -> str | None:
    """The code of a borough's BCU."""
    if not borough or borough not in ds.areas.index:
        return None
    name = ds.areas.loc[borough, "bcu"]
    if not isinstance(name, str):
        return None
    bcus = ds.areas[(ds.areas["level"] == "bcu") & (ds.areas["bcu"] == name)]
    return str(bcus.index[0]) if len(bcus) else None


def boroughs_in(ds: Dataset, bcu: str) -> list[str]:
    if bcu not in ds.areas.index:
        return []
    name = ds.areas.loc[bcu, "bcu"]
    areas = ds.areas
    return areas.index[(areas["level"] == "borough") & (areas["bcu"] == name)].tolist()


def is_level(ds: Dataset, code: object, *levels: str) -> bool:
    return (
        isinstance(code, str) and code in ds.areas.index and (ds.areas.loc[code, "level"] in levels)
    )


def is_covered_borough(ds: Dataset, code: object) -> bool:
    """A borough the MPS polices (not the City of London)."""
    return is_level(ds, code, "borough") and bool(ds.areas.loc[code, "covered"])


def with_within(ds: Dataset, state: S, choice: Mapping | None) -> S:
    """The state with the "Show areas in" select's choice: a BCU's code sets `bcu`, a
    borough's sets `borough`, "" clears both (for page states with those fields)."""
    within = choice.get("within") if isinstance(choice, Mapping) else None
    if not isinstance(within, str):
        return state
    is_bcu = is_level(ds, within, "bcu")
    return replace(state, bcu=within if is_bcu else None,
                   borough=None if is_bcu else (within or None))  # fmt: skip
