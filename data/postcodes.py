"""Postcodes as people type them, and the index that finds the wards they lie in.

OS Code-Point Open gives every live postcode unit ("SW2 1RW") a point, its
delivery-weighted centre, and the ward and local authority that point lies in. A
postcode is a point, not an area: a unit on a ward boundary belongs to one ward only.
People also type the first part of a postcode: a district ("SW2") or a sector
("SW2 1"), which covers many units and usually several wards.

The index is part of a loaded data version (`Dataset.postcodes`), built once from its
`postcodes` table: a sorted array of the units, so a unit is one binary search and a
district or sector is the range of units that start with it. Nothing here knows area
names or words a reply; `presenters.common.areas.find` does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.frames import POSTCODE_COLUMNS

# A unit postcode as published: outward code (area letters, district), one space,
# inward code (sector digit, two unit letters). "SW2 1RW", "E1W 2ND", "SW1A 1AA".
UNIT = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9][A-Z]{2})$")
OUTWARD = re.compile(r"^([A-Z]{1,2})[0-9][A-Z0-9]?$")
# The first part of an inward code: a sector's digit, then perhaps a unit's letter.
_PART_INWARD = re.compile(r"^[0-9][A-Z]?$")
# The longest unit postcode without its space ("SW1A1AA").
LONGEST = 7

# Postcode areas: those of Great Britain as OS Code-Point Open 2025.2.0 lists them
# (its metadata.txt; tests/integration/test_postcodes.py checks this against the file),
# with Northern Ireland (BT) and the Crown Dependencies (GY, JE, IM), which the
# product leaves out. An area outside this list is not a UK postcode.
GB_AREAS = frozenset({
    "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CF", "CH",
    "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY",
    "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR",
    "HS", "HU", "HX", "IG", "IP", "IV", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL",
    "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL",
    "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK",
    "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ",
    "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
})  # fmt: skip
POSTCODE_AREAS = GB_AREAS | {"BT", "GY", "JE", "IM"}

UNIT_KIND, SECTOR, DISTRICT, PARTIAL = "unit", "sector", "district", "partial"


def canonical(text: object) -> str | None:
    """A full unit postcode in its published form ("sw21rw", " SW2  1RW" -> "SW2 1RW"),
    or None if `text` is not one."""
    if not isinstance(text, str):
        return None
    compact = "".join(text.split()).upper()
    if not 5 <= len(compact) <= LONGEST:
        return None
    spaced = f"{compact[:-3]} {compact[-3:]}"
    return spaced if UNIT.fullmatch(spaced) else None


@dataclass(frozen=True)
class PostcodeQuery:
    """What a person typed, read as a postcode.

    `candidates` are the published forms it may stand for, most likely first: a unit
    ("SW2 1RW"), a partial unit ("SW2 1R"), a sector ("SW2 1") or a district ("SW2").
    Typed without its space, "E14" is the district E14 or the sector "E1 4"; the index
    takes the first that holds postcodes. `problem` says why it cannot be a UK
    postcode at all (then there are no candidates).
    """

    typed: str
    candidates: tuple[tuple[str, str], ...] = ()  # (kind, published form)
    problem: str = ""

    @property
    def shown(self) -> str:
        """The query as a person would write it: the first candidate, or as typed."""
        return self.candidates[0][1] if self.candidates else self.typed


def parse(text: object) -> PostcodeQuery | None:
    """`text` as a postcode or the start of one; None when it is not meant as a
    postcode (it has no digit, is too long, or does not start with a letter), so it
    can be searched as a name.
    """
    if not isinstance(text, str):
        return None
    typed = " ".join(text.split()).upper()
    compact = typed.replace(" ", "")
    if (
        not compact
        or len(compact) > LONGEST
        or not compact.isascii()
        or not compact.isalnum()
        or not compact[0].isalpha()
        or not any(ch.isdigit() for ch in compact)
    ):
        return None
    letters = re.match(r"^[A-Z]*", compact)[0]
    if len(letters) > 2:
        return None  # three letters then a digit: no postcode starts so
    if letters not in POSTCODE_AREAS:
        return PostcodeQuery(
            typed,
            problem=f"\u201c{typed}\u201d is not a UK postcode: no postcode begins with "
            f"\u201c{letters}\u201d.",
        )
    unit = canonical(compact)
    if unit is not None:
        return PostcodeQuery(typed, ((UNIT_KIND, unit),))
    parts = typed.split(" ")
    if len(parts) == 2 and OUTWARD.fullmatch(parts[0]) and _PART_INWARD.fullmatch(parts[1]):
        kind = SECTOR if len(parts[1]) == 1 else PARTIAL
        return PostcodeQuery(typed, ((kind, f"{parts[0]} {parts[1]}"),))
    candidates: list[tuple[str, str]] = []
    if OUTWARD.fullmatch(compact):
        candidates.append((DISTRICT, compact))
    # Typed without its space: an outward code followed by the start of an inward one.
    for cut in range(len(compact) - 1, 1, -1):
        outward, inward = compact[:cut], compact[cut:]
        if OUTWARD.fullmatch(outward) and _PART_INWARD.fullmatch(inward):
            kind = SECTOR if len(inward) == 1 else PARTIAL
            candidates.append((kind, f"{outward} {inward}"))
    if not candidates:
        return PostcodeQuery(
            typed,
            problem=f"\u201c{typed}\u201d is not a postcode: a full postcode looks like "
            "SW2 1RW, and its first part like SW2.",
        )
    return PostcodeQuery(typed, tuple(candidates))


@dataclass(frozen=True)
class Place:
    """Where one unit postcode lies, as Code-Point Open places it."""

    postcode: str
    ward_code: str
    borough_code: str
    easting: float  # British National Grid metres; NaN when the product gives no point
    northing: float
    quality: int  # Code-Point Open's positional quality indicator (10 is the best)


class PostcodeIndex:
    """Every unit postcode of a data version, sorted, with the ward each lies in.

    Read-only once built; `ward_counts` and `place` never change it.
    """

    def __init__(self, table: pd.DataFrame | None = None):
        frame = table if table is not None else pd.DataFrame(columns=POSTCODE_COLUMNS)
        frame = frame.sort_values("postcode", kind="stable")
        keys = frame["postcode"].astype(str).to_numpy()
        self._keys = keys.astype("S8") if len(keys) else np.array([], dtype="S8")
        wards, ward_of = np.unique(frame["ward_code"].astype(str).to_numpy(), return_inverse=True)
        self._wards = wards
        self._ward_of = ward_of.astype(np.int32)
        self._borough = dict(
            zip(frame["ward_code"].astype(str), frame["borough_code"].astype(str), strict=True)
        )
        self._easting = pd.to_numeric(frame["easting"], errors="coerce").to_numpy(float)
        self._northing = pd.to_numeric(frame["northing"], errors="coerce").to_numpy(float)
        self._quality = pd.to_numeric(frame["quality"], errors="coerce").fillna(0).to_numpy(int)

    def __len__(self) -> int:
        return len(self._keys)

    def _range(self, prefix: str) -> tuple[int, int]:
        key = prefix.encode("ascii")
        return (
            int(np.searchsorted(self._keys, key, side="left")),
            int(np.searchsorted(self._keys, key + b"\xff", side="left")),
        )

    def place(self, postcode: str) -> Place | None:
        """The unit's ward and point; None if it is not in the index."""
        unit = canonical(postcode)
        if unit is None or not len(self._keys):
            return None
        i = int(np.searchsorted(self._keys, unit.encode("ascii")))
        if i >= len(self._keys) or self._keys[i] != unit.encode("ascii"):
            return None
        ward = str(self._wards[self._ward_of[i]])
        return Place(unit, ward, self._borough[ward], float(self._easting[i]),
                     float(self._northing[i]), int(self._quality[i]))  # fmt: skip

    def count(self, prefix: str) -> int:
        """How many units start with `prefix` ("SW2 " for a district, "SW2 1" a sector)."""
        lo, hi = self._range(prefix)
        return hi - lo

    def ward_counts(self, prefix: str) -> tuple[tuple[str, int], ...]:
        """(ward code, units) of every ward holding a unit that starts with `prefix`,
        most units first (then by code)."""
        lo, hi = self._range(prefix)
        if hi <= lo:
            return ()
        counts = np.bincount(self._ward_of[lo:hi], minlength=len(self._wards))
        held = np.flatnonzero(counts)
        order = sorted(held, key=lambda w: (-counts[w], self._wards[w]))
        return tuple((str(self._wards[w]), int(counts[w])) for w in order)

    def districts(self, prefix: str) -> tuple[str, ...]:
        """The districts (outward codes) of the units that start with `prefix`: "EC2"
        -> EC2A, EC2M, ... (EC2 itself is not a district)."""
        lo, hi = self._range(prefix)
        return tuple(sorted({key.split(b" ")[0].decode() for key in self._keys[lo:hi]}))

    def borough_of(self, ward_code: str) -> str | None:
        return self._borough.get(ward_code)

    def units(self) -> np.ndarray:
        """Every unit postcode, sorted (as text)."""
        return self._keys.astype(str)

    def wards(self) -> np.ndarray:
        """The ward of every unit, in the order of `units`."""
        return self._wards[self._ward_of] if len(self._keys) else np.array([], dtype=str)


def prefix_of(kind: str, published: str) -> str:
    """The key prefix of a candidate: a district is followed by its space, so "SW2"
    does not take in SW20's units."""
    return f"{published} " if kind == DISTRICT else published
