"""Fixtures of the engine-protocol tests: an emulator with a recognisable secret, and plugins."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from alicloud_flink.emulator import Emulator

from .harness import ProviderProcess

KEY_ID = "canary-key-id"
CANARY_SECRET = "canary-secret-4d2f9b7e"


@pytest.fixture
def canary_emulator() -> Iterator[Emulator]:
    """An emulator with the example state that accepts only the canary credential."""
    with Emulator(credentials={KEY_ID: CANARY_SECRET}) as running:
        yield running


@pytest.fixture
def plugin(canary_emulator: Emulator) -> Iterator[Callable[..., ProviderProcess]]:
    """Starts a configured plugin process, one per simulated CLI command: ``plugin(overrides)``.

    The stack config points at the emulator with the canary credential and one attempt per
    call (failures come back at once); ``overrides`` replace config entries by key.
    """
    started: list[ProviderProcess] = []
    config = {
        "alicloud-flink:endpoint": canary_emulator.url,
        "alicloud:accessKey": KEY_ID,
        "alicloud:secretKey": CANARY_SECRET,
        "alicloud-flink:maxAttempts": "1",
    }

    def start(overrides: dict[str, str] | None = None) -> ProviderProcess:
        process = ProviderProcess(config | (overrides or {}))
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
