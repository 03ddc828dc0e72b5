"""The read-only JSON API (/api/v1/): every answer as a plain dict, worked out from the
published version and kept in the one view cache by version.

Every answer carries the data version it was worked out from (`data_version`), so a
figure taken from the API can always be traced to the version, and to the download
of that version. A request the API cannot answer raises `ApiError` with the HTTP
status and a message a person can act on: 400 for a malformed request (an unknown
parameter, a repeated one, a value of the wrong form), 404 for something that does
not exist (an unknown measure or area, a measure with no figures for the area).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.areas import LEVELS, LONDON_CODE, MPS_BOROUGHS, UNALLOCATED_CODE
from data.dataset import Dataset
from data.opendata import archive_name

PREFIX = "/api/v1"
MAX_VALUE = 100
_MEASURE = re.compile(r"^[a-z0-9_]{1,60}$")
_CODE = re.compile(r"^[A-Za-z0-9-]{1,30}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
AREA_FIELDS = ("code", "name", "level", "parent_code", "bcu", "covered", "caveat")


class ApiError(Exception):
    """A request the API answers with an error: `status` (400 or 404) and a message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class PublishedVersion:
    """A version the public has seen, as the store records it."""

    id: int
    created_at: str
    published_at: str  # the latest time it was published or rolled back to
    latest_month: str | None
    current: bool
    files: tuple[dict, ...] = ()


def month_text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return f"{pd.Timestamp(value):%Y-%m}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: object) -> float | int | None:
    if value is None or not np.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def envelope(ds: Dataset, data: object, **more: object) -> dict:
    """The frame of every answer: the data version and latest month, then the data."""
    return {
        "data_version": ds.version_id,
        "latest_month": month_text(ds.latest_month_overall),
        **more,
        "data": data,
    }


def error_body(status: int, message: str, version: int | None) -> dict:
    return {"data_version": version, "error": {"status": status, "message": message}}


# -- parameters ------------------------------------------------------------------------


def parameters(query: Mapping[str, Sequence[str]], allowed: Sequence[str]) -> dict[str, str]:
    """The request's parameters, one value each, or a 400 that says what is wrong.

    `query` maps each name to its values, as given (werkzeug's `to_dict(flat=False)`).
    An unknown name is an error rather than ignored, so a misspelt filter is never
    silently an unfiltered answer.
    """
    out = {}
    for name, values in query.items():
        if name not in allowed:
            takes = ", ".join(allowed) if allowed else "no parameters"
            raise ApiError(400, f"unknown parameter {name[:40]!r}; this endpoint takes {takes}")
        if len(values) != 1:
            raise ApiError(
                400, f"the parameter {name!r} is given {len(values)} times; give it once"
            )
        value = values[0]
        if len(value) > MAX_VALUE or any(ord(c) < 32 for c in value):
            raise ApiError(400, f"the parameter {name!r} is not a value this API uses")
        out[name] = value.strip()
    return out


def _measure_id(ds: Dataset, value: str | None) -> str:
    if not value:
        raise ApiError(400, "give a measure, e.g. measure=knife_crime (see /api/v1/measures)")
    if not _MEASURE.match(value):
        raise ApiError(400, f"{value[:40]!r} is not a measure id: ids are lower-case letters, "
                       "digits and underscores (see /api/v1/measures)")  # fmt: skip
    if value not in ds.measures.index:
        raise ApiError(404, f"there is no measure {value!r} (see /api/v1/measures)")
    return value


def _level(value: str | None) -> str | None:
    if not value:
        return None
    if value not in LEVELS:
        raise ApiError(400, f"{value[:40]!r} is not a level; levels are {', '.join(LEVELS)}")
    return value


def _month(value: str | None, name: str) -> pd.Timestamp | None:
    if not value:
        return None
    match = _MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ApiError(400, f"{name}={value[:40]!r} is not a month; write it as YYYY-MM")
    return pd.Timestamp(int(match[1]), int(match[2]), 1)


# -- measures ----------------------------------------------------------------------------


def measures(ds: Dataset, query: Mapping[str, Sequence[str]]) -> dict:
    """Every measure with its definition and the months it has figures for, by level."""
    parameters(query, ())
    return ds.cached(("api", "measures"), lambda: envelope(ds, _measures(ds)))


def _measures(ds: Dataset) -> list[dict]:
    out = []
    for m in ds.measures.itertuples():
        published = []
        if ds.has_data(str(m.id)):
            spans = ds.coverage.loc[str(m.id)]
            for level in (lv for lv in LEVELS if lv in spans.index):
                published.append({
                    "level": level,
                    "first_month": month_text(spans.loc[level, "first_month"]),
                    "last_month": month_text(spans.loc[level, "last_month"]),
                })  # fmt: skip
        out.append({
            "id": str(m.id),
            "group": str(m.grp),
            "label": str(m.label),
            "definition": _text(m.definition),
            "unit": str(m.unit),
            "levels": str(m.levels).split(","),
            "source": str(m.source),
            "young": bool(m.young),
            "outcome_of": _text(m.outcome_of),
            "published": published,
            "arrival": None if published else _text(m.arrival),
        })  # fmt: skip
    return out


# -- areas -------------------------------------------------------------------------------


def areas(ds: Dataset, query: Mapping[str, Sequence[str]]) -> dict:
    """Areas with their populations: every area with a boundary, or those of a `level`
    (small areas only when asked for: there are 4,994), within a `parent` area."""
    params = parameters(query, ("level", "parent"))
    level = _level(params.get("level"))
    parent = params.get("parent") or None
    if parent is not None:
        if not _CODE.match(parent):
            raise ApiError(400, f"parent={parent[:40]!r} is not an area code")
        if parent not in ds.areas.index:
            raise ApiError(404, f"there is no area {parent!r} (see /api/v1/areas)")
    view = ("api", "areas", level, parent)
    return ds.cached(view, lambda: envelope(ds, _areas(ds, level, parent), level=level,
                                            parent=parent))  # fmt: skip


def _register(ds: Dataset) -> pd.DataFrame:
    """The area register, plus the small areas from the lookup (which names none)."""
    lookup = ds.tables.lookup
    lsoa = pd.DataFrame({
        "code": lookup["lsoa_code"], "name": lookup["lsoa_code"], "level": "lsoa",
        "parent_code": lookup["ward_code"], "bcu": None,
        "covered": lookup["borough_code"].isin(MPS_BOROUGHS), "caveat": None,
        "borough_code": lookup["borough_code"],
    })  # fmt: skip
    register = ds.tables.areas.assign(
        borough_code=lambda a: np.where(a["level"] == "ward", a["parent_code"],
                                        np.where(a["level"] == "borough", a["code"], None))
    )  # fmt: skip
    return pd.concat([register, lsoa], ignore_index=True)


def _within(ds: Dataset, register: pd.DataFrame, parent: str) -> pd.Series:
    """Which areas lie inside `parent` (any level below it)."""
    level = str(ds.areas.loc[parent, "level"])
    if level == "london":
        return register["code"] != parent
    if level == "bcu":
        bcu = ds.areas.loc[parent, "bcu"]
        boroughs = ds.areas[(ds.areas["level"] == "borough") & (ds.areas["bcu"] == bcu)]["code"]
        return register["borough_code"].isin(boroughs)
    if level == "borough":
        return (register["borough_code"] == parent) & (register["code"] != parent)
    return register["parent_code"] == parent


def _areas(ds: Dataset, level: str | None, parent: str | None) -> list[dict]:
    register = _register(ds)
    keep = register["level"] == level if level else register["level"] != "lsoa"
    if parent is not None:
        keep &= _within(ds, register, parent)
    shown = register[keep]
    codes = shown["code"]
    population = ds.population_of(codes, "all")
    young = ds.population_of(codes, "0-24")
    workday = ds.workday_of(codes)
    out = []
    for i, row in enumerate(shown.itertuples(index=False)):
        out.append({
            "code": row.code, "name": row.name, "level": row.level,
            "parent_code": _text(row.parent_code), "bcu": _text(row.bcu),
            "covered": bool(row.covered), "caveat": _text(row.caveat),
            "population": _number(population[i]), "population_0_24": _number(young[i]),
            "workday_population": _number(workday[i]),
        })  # fmt: skip
    return out


# -- series ------------------------------------------------------------------------------


def series(
    ds: Dataset, query: Mapping[str, Sequence[str]], path: Mapping[str, str] | None = None
) -> dict:
    """One measure's monthly counts for one area (`measure`, `area`; `level` to name the
    unallocated row of a level; `from` and `to` months to cut it)."""
    params = parameters(query, ("measure", "area", "level", "from", "to"))
    if path:
        for name in ("measure", "area"):
            if name in params:
                raise ApiError(400, f"{name} is given in the path and as a parameter; give it once")
        params.update(path)
    measure = _measure_id(ds, params.get("measure"))
    area = params.get("area") or ""
    if not area:
        raise ApiError(400, "give an area code, e.g. area=E09000022 (see /api/v1/areas)")
    if not _CODE.match(area):
        raise ApiError(400, f"{area[:40]!r} is not an area code (see /api/v1/areas)")
    level = _level(params.get("level"))
    start, end = _month(params.get("from"), "from"), _month(params.get("to"), "to")
    if start is not None and end is not None and start > end:
        raise ApiError(400, "from is after to")
    level = _area_level(ds, area, level)
    view = ("api", "series", measure, area, level, month_text(start), month_text(end))
    return ds.cached(view, lambda: _series(ds, measure, area, level, start, end))


def _area_level(ds: Dataset, area: str, level: str | None) -> str:
    if area == UNALLOCATED_CODE:
        if level is None or level == "london":
            raise ApiError(400, f"{UNALLOCATED_CODE} needs a level: bcu, borough, ward or lsoa")
        return level
    if area in ds.areas.index:
        found = str(ds.areas.loc[area, "level"])
    elif area in set(ds.tables.lookup["lsoa_code"]):
        found = "lsoa"
    else:
        raise ApiError(404, f"there is no area {area!r} (see /api/v1/areas)")
    if level is not None and level != found:
        raise ApiError(400, f"{area} is a {found}, not a {level}")
    return found


def _series(ds: Dataset, measure: str, area: str, level: str, start, end) -> dict:
    m = ds.measures.loc[measure]
    if area != UNALLOCATED_CODE and area in ds.areas.index and not ds.areas.loc[area, "covered"]:
        raise ApiError(404, f"{ds.areas.loc[area, 'name']} is not covered: "
                       f"{_text(ds.areas.loc[area, 'caveat']) or 'the MPS publishes no figures'}"
                       " No figure here means not covered, not zero.")  # fmt: skip
    if area in ds.tables.lookup["lsoa_code"].to_numpy() and area not in ds.lsoa_codes():
        raise ApiError(404, f"{area} lies in the City of London, which the MPS does not cover")
    if not ds.has_data(measure, level):
        arrival = _text(m["arrival"])
        raise ApiError(404, f"{measure} has no published figures for the {level} level"
                       + (f". {arrival}" if arrival else ""))  # fmt: skip
    found = ds.series(measure, level)
    row = found.areas.get_indexer([area])[0]
    keep = np.ones(len(found.months), dtype=bool)
    if start is not None:
        keep &= found.months >= start
    if end is not None:
        keep &= found.months <= end
    values = found.values[row, keep] if row >= 0 else np.zeros(int(keep.sum()))
    months = found.months[keep]
    name = ("Offences not placed in an area" if area == UNALLOCATED_CODE
            else str(ds.areas.loc[area, "name"]) if area in ds.areas.index else area)  # fmt: skip
    data = {
        "measure": measure,
        "label": str(m["label"]),
        "unit": str(m["unit"]),
        "area": {"code": area, "name": name, "level": level},
        "first_month": month_text(found.months[0]),
        "last_month": month_text(found.months[-1]),
        "months": [
            {"month": f"{mo:%Y-%m}", "value": int(v)} for mo, v in zip(months, values, strict=True)
        ],
        "total": int(values.sum()),
        "note": "Every month the measure covers is listed: 0 means none were recorded. "
        "Never add two levels together (the borough and ward rows count the same "
        f"offences); London ({LONDON_CODE}) is the sum of the borough rows, "
        f"{UNALLOCATED_CODE} included.",
    }
    return envelope(ds, data)


# -- versions ----------------------------------------------------------------------------


def versions(ds: Dataset, query: Mapping[str, Sequence[str]],
             published: Sequence[PublishedVersion]) -> dict:  # fmt: skip
    """The versions the public has seen, newest first, each with its download."""
    parameters(query, ())
    data = [
        {
            "version": v.id,
            "current": v.current,
            "created_at": v.created_at,
            "published_at": v.published_at,
            "latest_month": v.latest_month,
            "download": f"{PREFIX}/download/{archive_name(v.id)}",
            "files": list(v.files),
        }
        for v in sorted(published, key=lambda v: v.id, reverse=True)
    ]
    return envelope(ds, data)


def index(ds: Dataset, query: Mapping[str, Sequence[str]]) -> dict:
    parameters(query, ())
    return envelope(
        ds,
        {
            "measures": f"{PREFIX}/measures",
            "areas": f"{PREFIX}/areas?level=borough",
            "series": f"{PREFIX}/series?measure=knife_crime&area={LONDON_CODE}",
            "versions": f"{PREFIX}/versions",
            "download": f"{PREFIX}/download",
            "openapi": f"{PREFIX}/openapi.json",
        },
    )
