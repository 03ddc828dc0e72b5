"""Areas as people name them: the one search index, where an area sits, place names.

Every page that finds an area uses `find`, so "Brixton" lists the same wards on the
map and on the profiles, a label chosen from the suggestions opens that area, and a
postcode ("SW2 1RW", "sw21rw") opens the ward it lies in, or, for part of one ("SW2",
"SW2 1"), lists the wards its postcodes lie in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from data import postcodes
from data.areas import CITY_OF_LONDON_CODE
from data.dataset import Dataset
from presenters.common import words

S = TypeVar("S")

# Levels a person can look up by name, in the order suggestions list them.
FINDABLE = ("borough", "ward", "bcu")
MOST_MATCHES = 12
# Longer than any area's label or any postcode: not something to search for.
MAX_TYPED = 100
EXAMPLE = "a postcode, such as SW2 1RW, or the name of a borough or ward"
CITY_POLICE = (
    "The City has its own police force, the City of London Police, so the "
    "Metropolitan Police publishes no figures for it."
)


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


def _search_keys(
    ds: Dataset, levels: tuple[str, ...]
) -> tuple[dict[str, str], tuple[tuple[str, str, str], ...]]:
    """What a search compares with, worked out once per version: every label and code
    as typed words -> the area's code, and (code, label, name as typed words)."""
    return ds.cached(("search-keys", levels), lambda: _keys(ds, levels))


def _keys(ds: Dataset, levels: tuple[str, ...]):
    options = search_options(ds, levels)
    names = ds.areas["name"]
    exact: dict[str, str] = {}
    for code, label in options:
        exact.setdefault(_words(label), code)
        exact.setdefault(code.casefold(), code)
    return exact, tuple((c, label, _words(str(names[c]))) for c, label in options)


def find(ds: Dataset, text: object, levels: Iterable[str] = FINDABLE) -> Found:
    """The area a person typed: a suggestion's label, a code, a postcode (or the start
    of one), or a name only one area has; otherwise every area whose name contains
    what was typed. A postcode is recognised before names: no area's name holds a
    digit."""
    if not isinstance(text, str):
        return Found(None)
    typed = " ".join(text.split())
    if not typed:
        return Found(None, (), f"Type {EXAMPLE}.")
    if len(typed) > MAX_TYPED:
        return Found(
            None,
            (),
            f"That is too long to be a postcode or an area\u2019s name ({len(typed):,} "
            f"characters). Type {EXAMPLE}.",
        )
    levels = tuple(levels)
    wanted = _words(typed)
    exact_keys, names = _search_keys(ds, levels)
    if wanted in exact_keys:
        return Found(exact_keys[wanted])
    query = postcodes.parse(typed)
    if query is not None:
        return find_postcode(ds, query, levels)
    exact = [(c, label) for c, label, name in names if name == wanted]
    if len(exact) == 1:
        return Found(exact[0][0])
    partial = exact or [(c, label) for c, label, name in names if wanted in name]
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


# -- postcodes ------------------------------------------------------------------------


def find_postcode(ds: Dataset, query: postcodes.PostcodeQuery, levels: tuple[str, ...]) -> Found:
    """A postcode's ward, or the wards a district's or sector's postcodes lie in (with
    how many lie in each), or why there is none. Where the page finds no wards, the
    borough stands in for the ward."""
    if query.problem:
        return Found(None, (), f"{query.problem} Type {EXAMPLE}.")
    index = ds.postcodes
    if not len(index):
        return Found(None, (), "Postcode search is not available: the published data hold "
                     "no postcodes. Type the name of a borough or ward instead.")  # fmt: skip
    for kind, shown in query.candidates:
        if kind == postcodes.UNIT_KIND:
            return _unit(ds, index, shown, levels)
        held = index.ward_counts(postcodes.prefix_of(kind, shown))
        if held:
            return _covering(ds, shown, held, levels)
    shown = query.shown
    districts = index.districts(shown) if query.candidates[0][0] == postcodes.DISTRICT else ()
    if districts:
        return Found(
            None,
            (),
            f"\u201c{shown}\u201d is not a postcode district on its own: London\u2019s "
            f"districts that begin with it are {words.listing(list(districts))}. Type one of "
            "them, or a whole postcode.",
        )
    return Found(
        None,
        (),
        f"No London postcode begins with \u201c{shown}\u201d. This dashboard covers London "
        "only; check the postcode, or type the name of a borough or ward.",
    )


def _level_of(levels: tuple[str, ...]) -> str:
    return "ward" if "ward" in levels or "borough" not in levels else "borough"


def _ward_words(ds: Dataset, ward: str) -> str:
    """ "Brixton Windrush ward, Lambeth"."""
    borough = ds.areas.loc[ward, "parent_code"]
    return f"{ds.areas.loc[ward, 'name']} ward, {ds.areas['name'].get(borough, '')}"


def _is_city(ds: Dataset, code: str) -> bool:
    return code == CITY_OF_LONDON_CODE or ds.areas.loc[code, "parent_code"] == CITY_OF_LONDON_CODE


def _unit(ds: Dataset, index: postcodes.PostcodeIndex, unit: str, levels: tuple[str, ...]) -> Found:
    place = index.place(unit)
    if place is None or place.ward_code not in ds.areas.index:
        outward = unit.split(" ")[0]
        sector = unit[:-2]
        if index.count(f"{outward} "):
            held = index.ward_counts(sector)
            listed = _labelled(ds, held, levels)
            more = (
                f" Postcodes in its sector, {sector}, lie in "
                f"{words.plural(len(listed), 'this area', 'these areas')}:"
                if listed
                else ""
            )
            return Found(
                None,
                listed,
                f"{unit} is not one of London\u2019s live postcodes. Check it: it may be new, "
                f"no longer in use or just outside London.{more}",
            )
        return Found(
            None,
            (),
            f"{unit} is not a London postcode: no London postcode begins with {outward}. This "
            "dashboard covers London\u2019s boroughs only.",
        )
    ward = place.ward_code
    code = ward if _level_of(levels) == "ward" else str(ds.areas.loc[ward, "parent_code"])
    if _is_city(ds, ward):
        return Found(
            None,
            _labelled(ds, ((ward, 0),), levels, counts=False),
            f"{unit} is in the City of London ({ds.areas.loc[ward, 'name']} ward). {CITY_POLICE}",
        )
    return Found(code, (), f"{unit} is in {_ward_words(ds, ward)}.")


def _covering(ds: Dataset, shown: str, held: tuple[tuple[str, int], ...],
              levels: tuple[str, ...]) -> Found:  # fmt: skip
    listed = _labelled(ds, held, levels)
    if not listed:
        return Found(None, (), f"No London postcode begins with \u201c{shown}\u201d.")
    total = sum(n for _, n in held)
    postcodes_words = f"{words.number(total)} {words.plural(total, 'postcode')}"
    if len(listed) == 1:
        code = listed[0][0]
        if _is_city(ds, code):
            return Found(None, listed, f"The {postcodes_words} in {shown} are in the City of "
                         f"London. {CITY_POLICE}")  # fmt: skip
        where = _ward_words(ds, code) if ds.areas.loc[code, "level"] == "ward" else (
            str(ds.areas.loc[code, "name"])
        )  # fmt: skip
        every = "The" if total == 1 else f"All {words.number(total)}"
        return Found(code, (), f"{every} {words.plural(total, 'postcode')} in {shown} "
                     f"{words.is_are(total)} in {where}.")  # fmt: skip
    level = "ward" if ds.areas.loc[listed[0][0], "level"] == "ward" else "borough"
    city = any(_is_city(ds, c) for c, _ in listed)
    return Found(
        None,
        listed,
        f"The {postcodes_words} in {shown} lie in {len(listed)} {level}s; the number in each "
        "is given. Choose one."
        + (f" Those in the City of London are not covered. {CITY_POLICE}" if city else ""),
    )


def _labelled(ds: Dataset, held: Iterable[tuple[str, int]], levels: tuple[str, ...], *,
              counts: bool = True) -> tuple[tuple[str, str], ...]:  # fmt: skip
    """(code, label) of each ward with its number of postcodes ("Brixton Windrush (ward
    in Lambeth): 207 postcodes"), or of each borough when the page finds no wards."""
    level = _level_of(levels)
    totals: dict[str, int] = {}
    for ward, n in held:
        if ward not in ds.areas.index:
            continue
        code = ward if level == "ward" else str(ds.areas.loc[ward, "parent_code"])
        totals[code] = totals.get(code, 0) + n
    labels = dict(search_options(ds, (level,)))
    out = []
    for code, n in sorted(totals.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0]))):
        label = labels.get(code, code)
        if counts:
            label = f"{label}: {words.number(n)} {words.plural(n, 'postcode')}"
        out.append((code, label))
    return tuple(out)


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
