"""Fixtures for the lookup core: settings pointing at a fresh emulator, and a clean cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alicloud_flink import lookup
from alicloud_flink.emulator import Emulator
from alicloud_flink.settings import Settings
from reference import settings_for


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    lookup.clear_cache()
    yield
    lookup.clear_cache()


@pytest.fixture
def settings(emulator: Emulator) -> Settings:
    return settings_for(emulator, read_timeout_ms=2_000)
