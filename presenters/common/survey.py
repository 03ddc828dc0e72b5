"""Survey figures in words and table cells: what the perception page and the profile's
perception panel both say about a Public Attitude Survey figure.

A survey figure is a proportion of residents (0.47) shown as a whole percentage
("47%"), as MOPAC publishes it; a table cell keeps the percentage as its number, so a
download holds 47, not 0.47.
"""

from __future__ import annotations

import pandas as pd

from data.perception import CONCERN_GROUP, percent
from presenters.common.table import Number, num

NO_SURVEY = (
    "No Public Attitude Survey figures have been published yet, so there is nothing to "
    "show here. They appear as soon as MOPAC staff publish a survey file."
)
NO_CONCERN = (
    "The published survey asks about trust and confidence in the police only: it has no "
    "question about worry over knife or gun crime. When MOPAC staff upload such a "
    "measure in the same layout, it appears on this page, listed under \u201c"
    f"{CONCERN_GROUP}\u201d, and in each borough's profile."
)
NO_CONCERN_SHORT = "The published survey has no question about worry over knife or gun crime."


def share(proportion: object) -> str:
    """A survey figure as published: "47%"; blank when there is none."""
    if proportion is None or pd.isna(proportion):
        return ""
    return percent(float(proportion))  # type: ignore[arg-type]


def interval(low: object, high: object) -> str:
    """A 95% interval of a survey figure: "44% to 50%"; blank when there is none."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return f"{share(low)} to {share(high)}"


def share_cell(proportion: object) -> Number:
    """A table cell of a survey figure: "47%" shown, 47 (per cent) kept for the download."""
    if proportion is None or pd.isna(proportion):
        return num("", None)
    return num(share(proportion), round(float(proportion) * 100, 2))  # type: ignore[arg-type]


def concern_words(names: list[str]) -> str:
    """The measures of worry about crime that staff uploaded, named in a sentence."""
    return (
        f"{CONCERN_GROUP}: " + "; ".join(names) + ". These measures were uploaded by MOPAC "
        "staff in the survey's layout."
    )
