"""Property-based fuzzing at its small size (see :mod:`.fuzzing` for the properties)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .fuzzing import CHECKS
from .report import Row
from .scenarios import SMALL, Size


@pytest.mark.parametrize("fuzz", CHECKS, ids=[check.__name__ for check in CHECKS])
def test_fuzz(fuzz: Callable[[Size], Row]) -> None:
    row = fuzz(SMALL)

    assert row.ok, row.explain()
