"""Fixtures every test package shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alicloud_flink.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator holding the bundled example state, stopped after the test."""
    with Emulator() as running:
        yield running
