"""Shared pieces of the end-to-end tests: where things are, and small readers of a stack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.stack_runner import StackRunner, Target

REPO = Path(__file__).resolve().parents[2]
ENGINE_BIN = REPO / ".engine" / "bin"
WORKSPACE, NAMESPACE, NAME = "ws-demo", "default-namespace", "test-sessionCluster"
LOOKUP_TYPE = "pulumi-python:dynamic:SessionClusterLookup"
OpenStack = Callable[..., StackRunner]


def target_of(emulator: Emulator) -> Target:
    """The emulator's endpoint with the credential it accepts by default."""
    credential = DEFAULT_CREDENTIAL
    return Target(emulator.url, credential.access_key_id, credential.access_key_secret)


def emulated_cluster(emulator: Emulator, name: str = NAME) -> dict[str, Any]:
    """The cluster as the emulator holds it (the API's own JSON)."""
    clusters = emulator.admin.state()[WORKSPACE][NAMESPACE]
    return next(cluster for cluster in clusters if cluster["name"] == name)


def resources_of(runner: StackRunner, type_: str) -> list[dict[str, Any]]:
    """The resources of type ``type_`` in the stack's state (``pulumi stack export``)."""
    return [r for r in runner.export().get("resources", []) if r["type"] == type_]


def up(runner: StackRunner) -> dict[str, Any]:
    """Run ``up``, require success, return the stack outputs."""
    runner.up().check()
    return runner.outputs()
