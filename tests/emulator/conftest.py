"""Shared fixtures: a started emulator with the bundled example state, and an SDK client for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Emulator

from .helpers import sdk_client


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator holding the bundled example state, stopped after the test."""
    with Emulator() as running:
        yield running


@pytest.fixture
def sdk(emulator: Emulator) -> Client:
    """The official SDK client, signed with the emulator's default credential."""
    return sdk_client(emulator.endpoint)


@pytest.fixture
def reference_cluster() -> dict[str, Any]:
    """The example cluster, read straight from the bundled state file."""
    text = resources.files("alicloud_flink.emulator").joinpath("default_state.json").read_text()
    cluster: dict[str, Any] = json.loads(text)["ws-demo"]["default-namespace"][0]
    return cluster
