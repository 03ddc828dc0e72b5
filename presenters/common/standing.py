"""One measure in one area beside its peers (data.profiles.Standing), in the words the
profile and the comparison share."""

from __future__ import annotations

from data.dataset import Dataset
from data.profiles import Standing
from presenters.common import words


def change_cell(s: Standing) -> str:
    """The area's own verdict, with the rate ratio's interval where there is one:
    "down 35% (95% interval 26% to 43% down), a statistically significant fall"."""
    if not s.verdict:
        return ""
    head, _, judgement = s.verdict.partition(", ")
    _, _, span = s.rate_ratio_words.partition(", ")
    return head + (f" ({span})" if span else "") + (f", {judgement}" if judgement else "")


def measure_cell(ds: Dataset, s: Standing, usual: str) -> str:
    """A measure's name, with its period when it is not the table's (homicide ends in
    2023) and its denominator when it is not all residents."""
    text = words.label(ds, s.measure)
    notes = [] if s.period.label == usual else [s.period.label]
    if s.young:
        notes.append("rates per 1,000 aged 0-24")
    return text + (f" ({'; '.join(notes)})" if notes else "")
