"""Fixtures of the program tests: a Pulumi program run in-process against the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pulumi
import pytest
from alicloud_flink.emulator import Emulator
from alicloud_flink.lookup import clear_cache

from .harness import ProgramMocks, emulator_config, start_program


@pytest.fixture
def program(emulator: Emulator) -> Iterator[Callable[..., ProgramMocks]]:
    """Starts a program run configured for the emulator: ``program(preview=..., config={...})``.

    ``config`` entries override the emulator's stack config. The lookup cache is cleared before
    and after, so every lookup of a test talks to the emulator.
    """

    def start(*, preview: bool = False, config: dict[str, str] | None = None) -> ProgramMocks:
        clear_cache()
        return start_program(emulator_config(emulator) | (config or {}), preview=preview)

    yield start
    clear_cache()
    pulumi.runtime.set_all_config({})


@pytest.fixture
def requests_made(emulator: Emulator) -> Callable[[], int]:
    """How many API requests the emulator has answered so far."""
    return lambda: int(emulator.admin.stats()["requests"])
