"""Problems found while reading input, in a form a member of staff can act on.

Every reader returns its canonical frame together with the problems it found, so
that an upload can show a full validation report rather than stopping at the first
fault. Row numbers follow the spreadsheet convention: the header is row 1 and the
first data row is row 2, so a number in a report matches what staff see in Excel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning"]

# How many problems of one kind a report lists before it summarises the rest:
# a file with 50,000 bad rows should not produce a 50,000-line report.
MAX_LISTED_PER_REASON = 20


@dataclass(frozen=True)
class Problem:
    file: str
    reason: str
    row: int | None = None
    column: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{self.severity}: {', '.join(where)}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class InputError(Exception):
    """Raised when input cannot be published; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"] or self.problems
        shown = "; ".join(str(p) for p in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(shown + more)


@dataclass
class ReadResult:
    """What a reader returns: the canonical frame, the problems, and what was read."""

    kind: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    # Data rows (not the header) with at least one error: what a report calls rejected.
    rows_rejected: int = 0
    # For monthly counts: the months each (measure, level) series covers. Counts are
    # stored sparsely (no row for a zero), so coverage is what tells a zero from a
    # month the file does not cover.
    coverage: pd.DataFrame | None = None
    # Where the frame came from, for reports: e.g. {"months": "2022-03 to 2026-02"}.
    meta: dict[str, object] = field(default_factory=dict)
    # For files of area codes: the first spreadsheet row of each code and the column
    # holding it, so a code the boundaries do not know is reported at its place.
    area_rows: dict[str, int] = field(default_factory=dict)
    area_column: str | None = None
    # For files that name their areas: the name the file gives each mapped code (its
    # first row's), and that column's header. The dashboard shows the boundary
    # register's names; a report says where the file's differ.
    area_names: dict[str, str] = field(default_factory=dict)
    area_name_column: str | None = None
    # Canonical frames a reader returns beside its main one, by table name: the
    # homicide file's victims by age, sex and solved status ("homicide_victims").
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> ReadResult:
        if self.errors:
            raise InputError(self.problems)
        return self


class ProblemLog:
    """Collects problems, listing the first few of each reason and counting the rest."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self._per_reason: dict[tuple[str, str | None, Severity], int] = {}
        self._rejected: set[int] = set()

    def add(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        severity: Severity = "error",
        group: str | None = None,
    ) -> None:
        """Record a problem. `group` names the kind of problem for summarising."""
        if severity == "error" and row is not None and row > 1:
            self._rejected.add(row)
        key = (group or reason, column, severity)
        seen = self._per_reason.get(key, 0)
        self._per_reason[key] = seen + 1
        if seen < MAX_LISTED_PER_REASON:
            self.problems.append(Problem(self.file, reason, row, column, severity))

    def error(self, reason: str, **kwargs) -> None:
        self.add(reason, severity="error", **kwargs)

    def warning(self, reason: str, **kwargs) -> None:
        self.add(reason, severity="warning", **kwargs)

    def finish(self) -> list[Problem]:
        """The listed problems plus one summary line per reason that was cut short."""
        out = list(self.problems)
        for (group, column, severity), n in self._per_reason.items():
            if n > MAX_LISTED_PER_REASON:
                out.append(
                    Problem(
                        self.file,
                        f"{n - MAX_LISTED_PER_REASON} more rows with the same problem: {group}",
                        None,
                        column,
                        severity,
                    )
                )
        return out

    @property
    def rows_rejected(self) -> int:
        """Distinct data rows with an error, listed or summarised."""
        return len(self._rejected)

    @property
    def has_errors(self) -> bool:
        return any(sev == "error" for (_, _, sev) in self._per_reason)
