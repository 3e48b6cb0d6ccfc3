"""`pulumi up` of every example project under the real CLI: outputs equal the emulator's data."""

from __future__ import annotations

import json

import pytest
from alicloud_flink.emulator import Emulator

from .helpers import (
    LOOKUP_TYPE,
    NAMESPACE,
    WORKSPACE,
    OpenStack,
    emulated_cluster,
    resources_of,
    up,
)

pytestmark = pytest.mark.engine


def test_quickstart_exports_the_cluster_also_through_the_raw_cli(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("quickstart")
    cluster = emulated_cluster(emulator)

    outputs = up(runner)
    raw = runner.cli("stack", "output", "--json").check()

    assert outputs == {
        "sessionClusterId": cluster["sessionClusterId"],
        "engineVersion": cluster["engineVersion"],
        "deploymentTargetName": cluster["deploymentTargetName"],
    }
    assert json.loads(raw.stdout) == outputs
    assert runner.pulumi_version() == "v3.276.0"


def test_list_clusters_exports_every_cluster_of_the_namespace(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    second = emulated_cluster(emulator) | {"name": "analytics", "sessionClusterId": "sc-2"}
    emulator.admin.upsert_cluster(WORKSPACE, NAMESPACE, second)
    names = sorted(c["name"] for c in emulator.admin.state()[WORKSPACE][NAMESPACE])

    outputs = up(open_stack("list-clusters"))

    assert len(names) == 2
    assert outputs == {
        "ids": [f"{WORKSPACE}:{NAMESPACE}:{name}" for name in names],
        "names": names,
    }


def test_drift_check_records_the_observed_cluster_in_state(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("drift-check")
    cluster = emulated_cluster(emulator)

    outputs = up(runner)
    (state,) = resources_of(runner, LOOKUP_TYPE)

    assert outputs["id"] == state["id"] == f"{WORKSPACE}:{NAMESPACE}:{cluster['name']}"
    assert outputs["sessionClusterId"] == cluster["sessionClusterId"]
    assert outputs["engineVersion"] == cluster["engineVersion"]
    assert outputs["deploymentTargetName"] == cluster["deploymentTargetName"]
    assert outputs["labels"] == cluster["labels"]
    assert outputs["flinkConf"] == cluster["flinkConf"]
    assert outputs["status"] == cluster["status"]["currentSessionClusterStatus"]
    assert state["inputs"]["engine_version"] == cluster["engineVersion"]


def test_use_as_input_feeds_the_engine_version_into_another_resource(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("use-as-input")
    engine_version = emulated_cluster(emulator)["engineVersion"]

    outputs = up(runner)
    (pinned,) = resources_of(runner, "pulumi-python:dynamic:PinnedSetting")

    assert outputs == {"pinnedKey": "flink.engineVersion", "pinnedEngineVersion": engine_version}
    assert pinned["inputs"]["value"] == engine_version
    assert pinned["outputs"]["value"] == engine_version
