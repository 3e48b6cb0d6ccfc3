"""Shared fixtures: an SDK client for the emulator (tests/conftest.py starts the emulator)."""

from __future__ import annotations

from typing import Any

import pytest
import reference
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Emulator

from .helpers import sdk_client


@pytest.fixture
def sdk(emulator: Emulator) -> Client:
    """The official SDK client, signed with the emulator's default credential."""
    return sdk_client(emulator.endpoint)


@pytest.fixture
def reference_cluster() -> dict[str, Any]:
    """The example cluster, read straight from the bundled state file."""
    return reference.reference_cluster()
