"""A cluster that disappeared versus an API that fails, under the real CLI.

Gone: preview fails naming workspace, namespace and name; refresh removes the resource from the
state. An error (HTTP 500 until cleared, or a secret the API refuses) fails refresh and leaves
the resource in the state, untouched.
"""

from __future__ import annotations

import pytest
from alicloud_flink.emulator import Emulator, Fault
from alicloud_flink.stack_runner import StackRunner

from .helpers import LOOKUP_TYPE, NAME, NAMESPACE, WORKSPACE, OpenStack, resources_of, up

pytestmark = pytest.mark.engine


def test_deleted_cluster_fails_preview_and_refresh_drops_it(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("drift-check")
    up(runner)
    emulator.admin.delete_cluster(WORKSPACE, NAMESPACE, NAME)

    preview = runner.preview(expect_no_changes=True)
    assert preview.code not in (0, 7), preview.output
    assert f"no session cluster matches name '{NAME}'" in preview.output
    assert f"workspace '{WORKSPACE}', namespace '{NAMESPACE}'" in preview.output

    refresh = runner.refresh()
    assert refresh.check()
    assert f"- {LOOKUP_TYPE}: (delete)" in refresh.output
    assert resources_of(runner, LOOKUP_TYPE) == []


def recorded_engine_version(runner: StackRunner) -> str:
    """The engine version the stack's state holds for the observed cluster."""
    (state,) = resources_of(runner, LOOKUP_TYPE)
    return str(state["outputs"]["engine_version"])


def test_api_errors_fail_refresh_and_keep_the_resource(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("drift-check")
    engine_version = up(runner)["engineVersion"]

    emulator.admin.add_fault(Fault("http500", count=-1))
    failed = runner.refresh()
    emulator.admin.clear_faults()
    assert failed.code != 0
    assert "HTTP 500" in failed.output
    assert "retries exhausted" in failed.output
    assert recorded_engine_version(runner) == engine_version

    # Refresh configures the provider from the state of the last `up` unless it runs the program.
    runner.set_config("alicloud:secretKey", "not-the-secret", secret=True)
    refused = runner.refresh(run_program=True)
    assert refused.code != 0
    assert "code SignatureDoesNotMatch" in refused.output, refused.output
    assert "not-the-secret" not in refused.output
    assert recorded_engine_version(runner) == engine_version
    assert emulator.admin.stats()["signature_rejections"] >= 1
