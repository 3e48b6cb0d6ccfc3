"""Fixtures: a fresh emulator per test, and the environment a CI job would point at it."""

from __future__ import annotations

import pytest
from alicloud_flink.emulator import Emulator

from .helpers import SCRIPT, emulator_environment


@pytest.fixture(scope="session", autouse=True)
def _installed_script() -> None:
    if not SCRIPT.exists():
        pytest.fail(f"{SCRIPT} is missing: run `.venv/bin/pip install -e .`")


@pytest.fixture
def env(emulator: Emulator) -> dict[str, str]:
    """Environment of a CLI run against ``emulator``, with no workspace/namespace defaults."""
    return emulator_environment(emulator.url)
