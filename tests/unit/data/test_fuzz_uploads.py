"""A small, derandomised run of the upload fuzzer (bench/fuzz_uploads.py runs 10,000
cases and more): real files in every layout, mutated, each read as an upload is. Every
case ends accepted or refused with a reason, never a reader fault, an exception or a
hang."""

from __future__ import annotations

from tests import fuzzing

CASES = 400


def test_mutated_uploads_are_accepted_or_refused_never_crash(raw_dir):
    tally = fuzzing.run(raw_dir, CASES, seed=20261203)
    assert tally.total == CASES
    assert tally.failures == []
    assert tally.counts["internal"] == tally.counts["crash"] == tally.counts["hang"] == 0
    # Both answers occur: the mutations are neither all harmless nor all fatal.
    assert tally.counts["accepted"] > 10
    assert tally.counts["refused"] > CASES / 2
    assert len(tally.by_mutation) == len(fuzzing.MUTATIONS)
