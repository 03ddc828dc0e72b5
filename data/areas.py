"""Reference facts about London's areas that no data file states reliably.

Borough names arrive spelled in several ways ("Kingston Upon Thames", "Barking &
Dagenham", "City of Westminster", trailing spaces), so every reader matches names
through `borough_code`, never by comparing strings itself.
"""

from __future__ import annotations

import re

LONDON_CODE = "E12000007"
LONDON_NAME = "London"
CITY_OF_LONDON_CODE = "E09000001"

# Offences the MPS could not place in a borough or ward ("N/K", "-1", "NON ATHENA
# FORCE", inactive pre-2022 wards, airports). They count towards London's total and
# are never mapped.
UNALLOCATED_CODE = "UNALLOCATED"

LEVELS = ("london", "bcu", "borough", "ward", "lsoa")

BOROUGHS: dict[str, str] = {
    "E09000001": "City of London",
    "E09000002": "Barking and Dagenham",
    "E09000003": "Barnet",
    "E09000004": "Bexley",
    "E09000005": "Brent",
    "E09000006": "Bromley",
    "E09000007": "Camden",
    "E09000008": "Croydon",
    "E09000009": "Ealing",
    "E09000010": "Enfield",
    "E09000011": "Greenwich",
    "E09000012": "Hackney",
    "E09000013": "Hammersmith and Fulham",
    "E09000014": "Haringey",
    "E09000015": "Harrow",
    "E09000016": "Havering",
    "E09000017": "Hillingdon",
    "E09000018": "Hounslow",
    "E09000019": "Islington",
    "E09000020": "Kensington and Chelsea",
    "E09000021": "Kingston upon Thames",
    "E09000022": "Lambeth",
    "E09000023": "Lewisham",
    "E09000024": "Merton",
    "E09000025": "Newham",
    "E09000026": "Redbridge",
    "E09000027": "Richmond upon Thames",
    "E09000028": "Southwark",
    "E09000029": "Sutton",
    "E09000030": "Tower Hamlets",
    "E09000031": "Waltham Forest",
    "E09000032": "Wandsworth",
    "E09000033": "Westminster",
}

# The 32 boroughs the Metropolitan Police Service covers. The City of London has
# its own police force, so the MPS publishes nothing for it: "not covered", never 0.
MPS_BOROUGHS = frozenset(code for code in BOROUGHS if code != CITY_OF_LONDON_CODE)

BCUS: dict[str, tuple[str, ...]] = {
    "Central East": ("Hackney", "Tower Hamlets"),
    "Central North": ("Camden", "Islington"),
    "Central South": ("Lambeth", "Southwark"),
    "Central West": ("Hammersmith and Fulham", "Kensington and Chelsea", "Westminster"),
    "East": ("Barking and Dagenham", "Havering", "Redbridge"),
    "North": ("Enfield", "Haringey"),
    "North East": ("Newham", "Waltham Forest"),
    "North West": ("Barnet", "Brent", "Harrow"),
    "South": ("Bromley", "Croydon", "Sutton"),
    "South East": ("Bexley", "Greenwich", "Lewisham"),
    "South West": ("Kingston upon Thames", "Merton", "Richmond upon Thames", "Wandsworth"),
    "West": ("Ealing", "Hillingdon", "Hounslow"),
}

# Areas whose resident population makes a per-resident rate misleading (the West
# End, Heathrow) are found by a rule on the Census workday population, not listed
# here: see data.visitors.

_WARD_CODE = re.compile(r"^E05\d{6}$")
_BOROUGH_CODE = re.compile(r"^E09\d{6}$")
_LSOA_CODE = re.compile(r"^E01\d{6}$")


def _name_key(name: str) -> str:
    text = name.strip().lower().replace("&", " and ")
    text = re.sub(r"[^a-z ]", " ", text)
    return " ".join(text.split())


_BOROUGH_BY_KEY = {_name_key(name): code for code, name in BOROUGHS.items()}
_BOROUGH_BY_KEY.update(
    {
        "city of westminster": "E09000033",
        "kingston": "E09000021",
        "richmond": "E09000027",
    }
)


def borough_code(name: object) -> str | None:
    """The E09 code for a borough name in any of the spellings the publishers use."""
    if not isinstance(name, str):
        return None
    stripped = name.strip()
    if _BOROUGH_CODE.match(stripped):
        return stripped if stripped in BOROUGHS else None
    return _BOROUGH_BY_KEY.get(_name_key(stripped))


def bcu_code(bcu: str) -> str:
    """A stable code for a Basic Command Unit (they have no GSS code): "BCU-CENTRAL-EAST"."""
    return "BCU-" + "-".join(bcu.upper().split())


def bcu_of(borough: str) -> str | None:
    """The Basic Command Unit of a borough, by code or name."""
    name = BOROUGHS.get(borough, borough)
    for bcu, members in BCUS.items():
        if name in members:
            return bcu
    return None


def is_ward_code(code: object) -> bool:
    return isinstance(code, str) and bool(_WARD_CODE.match(code))


def is_borough_code(code: object) -> bool:
    return isinstance(code, str) and bool(_BOROUGH_CODE.match(code))


def is_lsoa_code(code: object) -> bool:
    return isinstance(code, str) and bool(_LSOA_CODE.match(code))
