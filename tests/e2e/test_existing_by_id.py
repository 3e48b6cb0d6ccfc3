"""``SessionClusterLookup.get`` under the real CLI: a read, not a create (examples/existing-by-id).

The engine reads the resource at preview and at update; refresh shows drift with the old and
new value; a cluster that does not exist fails the preview naming workspace, namespace and name.
"""

from __future__ import annotations

import pytest
from alicloud_flink.emulator import Emulator

from .helpers import (
    LOOKUP_TYPE,
    NAME,
    NAMESPACE,
    NEW_ENGINE,
    WORKSPACE,
    OpenStack,
    assert_engine_version_drift,
    drift_engine_version,
    emulated_cluster,
    resources_of,
    up,
)

pytestmark = pytest.mark.engine


def test_get_reads_the_cluster_and_refresh_shows_its_drift(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("existing-by-id")
    cluster = emulated_cluster(emulator)

    outputs = up(runner)
    (state,) = resources_of(runner, LOOKUP_TYPE)
    drift_engine_version(emulator)
    refresh = runner.refresh(expect_no_changes=True)

    assert outputs["engineVersion"] == cluster["engineVersion"]
    assert outputs["sessionClusterId"] == cluster["sessionClusterId"]
    assert state["id"] == f"{WORKSPACE}:{NAMESPACE}:{NAME}"
    assert state["external"] is True  # read, not created: the stack does not own it
    assert_engine_version_drift(refresh, cluster["engineVersion"], NEW_ENGINE)


def test_get_of_a_missing_cluster_fails_the_preview_naming_it(open_stack: OpenStack) -> None:
    runner = open_stack("existing-by-id")
    runner.set_config("clusterId", f"{WORKSPACE}:{NAMESPACE}:missing-cluster")

    preview = runner.preview()

    assert preview.code != 0
    assert "NotFoundError: no session cluster matches name 'missing-cluster'" in preview.output
    assert f"workspace '{WORKSPACE}', namespace '{NAMESPACE}'" in preview.output
