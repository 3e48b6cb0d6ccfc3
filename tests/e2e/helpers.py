"""Shared pieces of the end-to-end tests: where things are, and small readers of a stack."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.stack_runner import EXPECT_NO_CHANGES_EXIT_CODE, Outcome, StackRunner, Target

REPO = Path(__file__).resolve().parents[2]
ENGINE_BIN = REPO / ".engine" / "bin"
WORKSPACE, NAMESPACE, NAME = "ws-demo", "default-namespace", "test-sessionCluster"
LOOKUP_TYPE = "pulumi-python:dynamic:SessionClusterLookup"
NEW_ENGINE = "vvr-8.0.9-flink-1.17"
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


def drift_engine_version(emulator: Emulator) -> None:
    """Change the cluster's engine version in the emulator to :data:`NEW_ENGINE`."""
    emulator.admin.patch_cluster(WORKSPACE, NAMESPACE, NAME, {"engineVersion": NEW_ENGINE})


def assert_engine_version_drift(outcome: Outcome, old: str, new: str) -> None:
    """The operation exited 7 and its diff shows ``engine_version: "old" => "new"``."""
    assert outcome.code == EXPECT_NO_CHANGES_EXIT_CODE, outcome.output
    assert "no changes were expected" in outcome.output
    assert re.search(
        rf'~ engine_version\s*: "{re.escape(old)}" => "{re.escape(new)}"', outcome.output
    ), outcome.output
