"""The persistence rules and the hot-spot classes, on series made by hand."""

from __future__ import annotations

import numpy as np
import pytest

from data import hotspots as rules


def months(*pattern: int) -> np.ndarray:
    return np.array([pattern], dtype=float)


def test_nine_of_twelve_months_is_persistent_and_eight_is_not():
    nine = months(1, 0, 2, 1, 0, 1, 1, 0, 3, 1, 1, 1)
    eight = months(1, 0, 2, 1, 0, 1, 1, 0, 3, 1, 0, 1)
    assert rules.months_with_offences(nine)[0, -1] == 9
    assert rules.months_with_offences(eight)[0, -1] == 8
    assert rules.months_with_offences(nine)[0, -1] >= rules.PERSISTENT_MONTHS
    assert rules.months_with_offences(eight)[0, -1] < rules.PERSISTENT_MONTHS


def test_many_offences_in_few_months_is_not_persistent():
    # 40 offences, all in three months: a spike, not repeat victimisation.
    spike = months(0, 0, 20, 0, 0, 10, 0, 0, 10, 0, 0, 0)
    assert rules.months_with_offences(spike)[0, -1] == 3


def test_rolling_windows_slide_one_month_at_a_time():
    counts = months(*range(1, 15))  # 14 months
    sums = rules.rolling_sums(counts)
    assert sums.shape == (1, 3)
    assert sums[0].tolist() == [sum(range(1, 13)), sum(range(2, 14)), sum(range(3, 15))]
    assert rules.rolling_sums(months(1, 2, 3)).shape == (1, 0)


def test_how_long_an_area_has_been_persistent():
    # Offences every month for 20 months, then 4 empty months: the rule held for the
    # windows ending in months 12 to 21 (10 windows), broke at 22 (8 of 12)... so
    # count from the end.
    counts = np.array([[1] * 20 + [0] * 4], dtype=float)
    held = rules.months_with_offences(counts) >= 9
    assert held[0].tolist() == [True] * 12 + [False]
    assert rules.run_length(held)[0] == 0
    counts = np.array([[0] * 6 + [1] * 18], dtype=float)
    held = rules.months_with_offences(counts) >= 9
    # Windows end in months 12..24; month 12's window has 6 months, 15's has 9.
    assert rules.run_length(held)[0] == 10
    assert rules.run_length(np.ones((1, 5), dtype=bool))[0] == 5


def test_top_decile_takes_the_highest_tenth_and_ties_at_the_cut():
    rates = np.arange(20, dtype=float)[:, None]  # 20 areas, 1 window
    top = rules.top_decile(rates)[:, 0]
    assert np.flatnonzero(top).tolist() == [18, 19]
    tied = rates.copy()
    tied[17] = 18.0
    assert np.flatnonzero(rules.top_decile(tied)[:, 0]).tolist() == [17, 18, 19]


def test_zero_is_never_top_decile_and_missing_rates_are_not_compared():
    rates = np.zeros((30, 1))
    rates[0] = 0.5
    rates[1] = np.nan
    top = rules.top_decile(rates)[:, 0]
    assert np.flatnonzero(top).tolist() == [0]


def test_most_recent_windows_in_the_top_decile():
    flags = np.array([[True] * 7 + [False] * 5, [True] * 6 + [False] * 6])
    assert (flags.sum(axis=1) >= rules.DECILE_MOST).tolist() == [True, False]


def test_confidence_bins_of_q_values():
    q = np.array([0.001, 0.0099, 0.01, 0.049, 0.05, 0.09, 0.2, np.nan])
    assert rules.confidence(q).tolist() == [99, 99, 95, 95, 90, 90, 0, 0]


def hot_row(pattern: str) -> np.ndarray:
    return np.array([c == "H" for c in pattern])


def cold_row(pattern: str) -> np.ndarray:
    return np.array([c == "C" for c in pattern])


@pytest.mark.parametrize(
    ("pattern", "trend", "expected"),
    [
        ("HHHHHHHHHH", 0, rules.PERSISTENT),
        ("HHHHHHHHHH", 1, rules.INTENSIFYING),
        ("HHHHHHHHHH", -1, rules.DIMINISHING),
        (".HHHHHHHHH", 0, rules.PERSISTENT),  # 90%
        ("..HHHHHHHH", 0, rules.CONSECUTIVE),  # 80%, an unbroken run to the end
        (".........H", 0, rules.NEW),
        ("H.H..H...H", 0, rules.SPORADIC),
        ("C.....HH.H", 0, rules.OSCILLATING),
        ("HHHHHHHHH.", 0, rules.FORMER),
        ("HHHHH.....", 0, rules.FORMER),
        ("HHHH......", 0, rules.NO_PATTERN),
        ("..........", 1, rules.NO_PATTERN),
        ("CCCCCCCCCC", 0, rules.NO_PATTERN),
    ],
)
def test_emerging_classes(pattern, trend, expected):
    result = rules.emerging_classes(
        hot_row(pattern)[None, :], cold_row(pattern)[None, :], np.array([trend])
    )
    assert result[0] == expected


def test_every_class_has_a_meaning():
    assert set(rules.CLASS_MEANINGS) == set(rules.CLASSES)


def test_reasons_in_words():
    row = {
        "persistent": True,
        "months_with": 12,
        "persistent_months": 26,
        "persistent_since_start": False,
        "decile": True,
        "decile_windows": 11,
        "decile_of": 12,
        "confidence": 99,
        "z": 4.2,
        "class": "persistent",
        "hot_windows": 24,
        "windows": 24,
    }
    assert rules.reasons(row) == [
        "offences in 12 of the last 12 months (persistent for 26 months)",
        "in London's top 10% by rate in 11 of the last 12 rolling 12-month windows",
        "Gi* hot at 99%",
        "persistent hot spot (Gi* hot in 24 of 24 windows)",
    ]
    row.update(
        persistent_months=36,
        persistent_since_start=True,
        confidence=0,
        decile=False,
        **{"class": ""},
    )
    assert rules.reasons(row) == [
        "offences in 12 of the last 12 months (persistent for at least 3 years)"
    ]
