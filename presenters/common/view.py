"""Small pieces of view models that every page uses: a paragraph with its tone, a link,
a measure's definition."""

from __future__ import annotations

from dataclasses import dataclass

from data.dataset import Dataset


@dataclass(frozen=True)
class Para:
    """A paragraph; `tone` is how it should stand out: "" (plain), "headline",
    "warning" (a caution about the figures) or "message" (no figures to show)."""

    text: str
    tone: str = ""


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Definition:
    label: str
    text: str
    source: str


def definition(ds: Dataset, measure: str) -> Definition:
    row = ds.measures.loc[measure]
    return Definition(str(row["label"]), str(row["definition"]), str(row["source"]))


def profile_href(code: str) -> str:
    return f"/area/{code}"


SITE_NAME = "London Weapon-Enabled Crime Dashboard"


def document_title(name: str) -> str:
    """The browser's title for a page or an area: "Lambeth (borough) - London ..."."""
    return f"{name} - {SITE_NAME}" if name else SITE_NAME
