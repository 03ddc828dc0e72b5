"""Map paint: values rounded as shown, class ranges in words that neither overlap nor
leave gaps, and a layer's paint on a hand-made London."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.classify import natural_breaks
from presenters.common.map_paint import (
    NOT_COVERED_COLOUR,
    class_ranges,
    map_layer,
    next_shown,
    shown_values,
)
from tests.builders import BOROUGH_WARD, BRIXTON, CLAPHAM, tiny_dataset


def ranges(values: list[float], value: str, k: int = 2) -> list[str]:
    shown = shown_values(pd.Series(values, dtype=float), value)
    return class_ranges(natural_breaks(shown.to_numpy(), k), value, "offences")


def test_rate_classes_print_to_three_figures_and_meet_without_a_gap():
    # Shown: 1.03, 1.5, 2.00 | 4.0, 4.2 (1.0284 and 1.9951 are printed as 1.03 and 2.00).
    assert ranges([1.0284, 1.5, 1.9951, 4.0, 4.2], "rate") == ["1.03 to 2.00", "2.01 to 4.20"]


def test_the_next_class_starts_at_the_next_printed_value_across_a_power_of_ten():
    # 9.99 is the top of the first class: the next printed rate is 10.0.
    assert ranges([0.5, 9.99, 20.0, 21.0], "rate") == ["0.500 to 9.99", "10.0 to 21.0"]
    assert abs(next_shown(0.00471, "rate") - 0.00472) < 1e-12


def test_a_class_above_a_rate_of_zero_says_so():
    assert ranges([0.0, 0.0, 3.2], "rate") == ["0", "over 0 to 3.20"]


def test_count_classes_start_one_above_the_last_and_one_offence_is_singular():
    assert ranges([1, 1, 2, 7, 9], "count") == ["1 to 2 offences", "3 to 9 offences"]
    assert ranges([1, 1, 5], "count") == ["1 offence", "2 to 5 offences"]
    assert ranges([0, 0, 3], "count") == ["0 offences", "1 to 3 offences"]


def test_changes_are_whole_percentages_and_never_minus_zero():
    shown = shown_values(pd.Series([-33.4, 12.5, 13.5, -0.4, np.nan]), "change")
    # Half to even, as Python's round: 12.5 -> 12, 13.5 -> 14.
    assert shown.tolist()[:4] == [-33.0, 12.0, 14.0, 0.0]
    assert str(shown[3]) == "0.0"
    assert np.isnan(shown[4])


def test_a_layer_paints_values_greys_and_words_from_the_figures():
    ds = tiny_dataset()
    layer = map_layer(ds, "knife_crime", "ward", "m", "count")
    paint = dict(zip(layer.paint.codes, layer.paint.z, strict=True))
    # February 2026: Brixton 6, Clapham 3, Borough & Bankside 1; the City's ward has none.
    assert (paint[BRIXTON], paint[CLAPHAM], paint[BOROUGH_WARD]) == (6, 3, 1)
    assert paint["E05000006"] is None
    assert layer.paint.not_covered == [code == "E05000006" for code in layer.paint.codes]
    assert layer.key.title == "Number of offences"
    assert layer.key.greys == ((NOT_COVERED_COLOUR, "Not covered: the City of London Police area"),)
    # Every ward has fewer than 10 offences in one month: all unreliable.
    assert layer.paint.unreliable_note == "<br>Fewer than 10 offences: unreliable"
    covered = [c for c in layer.paint.codes if c != "E05000006"]
    flags = dict(zip(layer.paint.codes, layer.paint.unreliable, strict=True))
    assert all(flags[c] for c in covered)


def test_a_young_victims_rate_is_per_young_resident_and_ranked_by_it():
    ds = tiny_dataset(measure="knife_injury_victims_1_24_non_da")
    layer = map_layer(ds, "knife_injury_victims_1_24_non_da", "ward", "r12", "young_rate")
    assert "per 1,000 residents aged 0-24" in layer.paint.hovertemplate
    assert "by rate per 1,000 residents aged 0-24" in layer.paint.hovertemplate
    shown = layer.frame.set_index("code")["shown"]
    # Brixton: 72 victims / 4,000 aged 0-24 = 18.0 per 1,000.
    assert shown[BRIXTON] == 18.0
    assert layer.key.title == "Victims per 1,000 residents aged 0-24"
