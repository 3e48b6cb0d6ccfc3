"""A small soak: concurrent lookups under 20 % random transient faults all return the truth."""

from __future__ import annotations

from .scenarios import SMALL
from .soak import run_soak


def test_soak_returns_correct_data_under_random_transient_faults() -> None:
    row = run_soak(SMALL)

    assert row.ok, row.explain()
    assert row.counts["lookups"] == SMALL.soak_lookups
    assert row.counts["retries"] > 0  # faults really were injected and absorbed
