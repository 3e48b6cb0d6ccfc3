"""Drift under the real CLI: preview and refresh with ``--expect-no-changes`` catch a changed
cluster (exit code 7, naming the field with its old and new values), and ``up`` converges."""

from __future__ import annotations

import re

import pytest
from alicloud_flink.emulator import Emulator
from alicloud_flink.stack_runner import EXPECT_NO_CHANGES_EXIT_CODE, Outcome

from .helpers import NAME, NAMESPACE, WORKSPACE, OpenStack, emulated_cluster, up

pytestmark = pytest.mark.engine

NEW_ENGINE = "vvr-8.0.9-flink-1.17"


def assert_engine_version_drift(outcome: Outcome, old: str, new: str) -> None:
    """The operation exited 7 and its diff shows ``engine_version: "old" => "new"``."""
    assert outcome.code == EXPECT_NO_CHANGES_EXIT_CODE, outcome.output
    assert "no changes were expected" in outcome.output
    assert re.search(
        rf'~ engine_version\s*: "{re.escape(old)}" => "{re.escape(new)}"', outcome.output
    ), outcome.output


def test_changed_engine_version_fails_preview_and_refresh_then_up_converges(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("drift-check")
    old = up(runner)["engineVersion"]
    assert old == emulated_cluster(emulator)["engineVersion"] != NEW_ENGINE

    emulator.admin.patch_cluster(WORKSPACE, NAMESPACE, NAME, {"engineVersion": NEW_ENGINE})

    # Preview runs the program (inline); Check looks the cluster up again.
    assert_engine_version_drift(runner.preview(expect_no_changes=True), old, NEW_ENGINE)
    # Refresh needs no program: the raw CLI runs it and reports exit code 7 itself.
    raw_refresh = runner.cli("refresh", "--yes", "--expect-no-changes", "--diff")
    assert_engine_version_drift(raw_refresh, old, NEW_ENGINE)

    assert up(runner)["engineVersion"] == NEW_ENGINE
    assert runner.preview(expect_no_changes=True).check()
    assert runner.refresh(expect_no_changes=True).check()
