"""Checks of the area codes in a data file against the register of areas with boundaries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from data.areas import LONDON_CODE
from data.problems import Problem

_NOT_AN_AREA = {
    "london": "{code} is not London's region code " + LONDON_CODE,
    "borough": "borough code {code} is not a London borough",
    "ward": "ward code {code} is not a 2022 London ward",
    "lsoa": "LSOA code {code} is not a 2021 London LSOA",
}


def check_codes(
    codes: Iterable[object], level: str, register: pd.DataFrame, *, file: str = "data"
) -> list[Problem]:
    """One error per distinct code (after stripping) that is not a `level` area."""
    known = _codes_at(register, level)
    levels_of = dict(zip(register["code"], register["level"], strict=True))
    problems: list[Problem] = []
    blanks = 0
    seen: set[str] = set()
    for code in _stripped(codes, keep_blanks=True):
        if code == "":
            blanks += 1
            continue
        if code in known or code in seen:
            continue
        seen.add(code)
        reason = _NOT_AN_AREA.get(level, "{code} is not a " + level).format(code=code)
        if code in levels_of:
            reason += f" (it is a {levels_of[code]} code)"
        problems.append(Problem(file, reason))
    if blanks:
        problems.append(Problem(file, f"{blanks} {level} codes are blank"))
    return problems


def boundary_coverage_report(
    register: pd.DataFrame, codes_by_level: Mapping[str, Iterable[object]]
) -> dict[str, dict[str, object]]:
    """Per level, how the codes in some data meet the areas that have boundaries.

    `missing` counts areas with a boundary and no data; `missing_covered` is the part
    of them the MPS does cover, the number that signals a real gap in the data.
    """
    report: dict[str, dict[str, object]] = {}
    for level, codes in codes_by_level.items():
        areas = _codes_at(register, level)
        covered = set(register.loc[(register["level"] == level) & register["covered"], "code"])
        present = set(_stripped(codes, keep_blanks=False))
        unmatched = sorted(present - areas)
        missing = sorted(areas - present)
        report[level] = {
            "matched": len(present & areas),
            "unmatched": len(unmatched),
            "missing": len(missing),
            "missing_covered": sum(code in covered for code in missing),
            "unmatched_codes": unmatched,
            "missing_codes": missing,
        }
    return report


def _codes_at(register: pd.DataFrame, level: str) -> set[str]:
    codes = set(register.loc[register["level"] == level, "code"])
    if not codes:
        raise ValueError(f"the register has no areas at level {level!r}")
    return codes


def _stripped(codes: Iterable[object], *, keep_blanks: bool) -> Iterable[str]:
    for code in codes:
        text = code.strip() if isinstance(code, str) else ("" if pd.isna(code) else str(code))
        if text or keep_blanks:
            yield text
