"""Drift under the real CLI: preview and refresh with ``--expect-no-changes`` catch a changed
cluster (exit code 7, naming the field with its old and new values), and ``up`` converges;
``alicloud-flink drift`` reads the real ``pulumi stack export`` and exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from alicloud_flink.emulator import Emulator
from cli.helpers import emulator_environment, run

from .helpers import (
    NEW_ENGINE,
    OpenStack,
    assert_engine_version_drift,
    drift_engine_version,
    emulated_cluster,
    up,
)

pytestmark = pytest.mark.engine


def test_changed_engine_version_fails_preview_and_refresh_then_up_converges(
    emulator: Emulator, open_stack: OpenStack
) -> None:
    runner = open_stack("drift-check")
    old = up(runner)["engineVersion"]
    assert old == emulated_cluster(emulator)["engineVersion"] != NEW_ENGINE

    drift_engine_version(emulator)

    # Preview runs the program (inline); Check looks the cluster up again.
    assert_engine_version_drift(runner.preview(expect_no_changes=True), old, NEW_ENGINE)
    # Refresh needs no program: the raw CLI runs it and reports exit code 7 itself.
    raw_refresh = runner.cli("refresh", "--yes", "--expect-no-changes", "--diff")
    assert_engine_version_drift(raw_refresh, old, NEW_ENGINE)

    assert up(runner)["engineVersion"] == NEW_ENGINE
    assert runner.preview(expect_no_changes=True).check()
    assert runner.refresh(expect_no_changes=True).check()


@pytest.mark.parametrize("example", ["drift-check", "existing-by-id"])
def test_the_cli_checks_the_real_stack_export_and_exits_2_on_drift(
    emulator: Emulator, open_stack: OpenStack, tmp_path: Path, example: str
) -> None:
    runner = open_stack(example)
    old = up(runner)["engineVersion"]
    export = tmp_path / "stack.json"
    export.write_text(runner.cli("stack", "export").check().stdout, encoding="utf-8")
    env = emulator_environment(emulator.url)

    unchanged = run(env, "drift", "--from-stack-export", str(export))
    drift_engine_version(emulator)
    drifted = run(env, "drift", "--from-stack-export", str(export))

    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert drifted.returncode == 2, drifted.stdout + drifted.stderr
    assert f'engine_version: expected "{old}", actual "{NEW_ENGINE}"' in drifted.stdout
