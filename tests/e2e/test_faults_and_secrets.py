"""Under the real CLI: throttling is retried away, and no credential reaches state or output."""

from __future__ import annotations

from pathlib import Path

import pytest
from alicloud_flink.emulator import Emulator, Fault
from alicloud_flink.stack_runner import Outcome, Target

from .helpers import OpenStack, emulated_cluster, resources_of, up

pytestmark = pytest.mark.engine

CANARY_KEY_ID = "LTAIe2eKeyId"
CANARY_SECRET = "E2E-Secret-Canary-9f8e7d"


def test_up_succeeds_while_the_api_throttles(emulator: Emulator, open_stack: OpenStack) -> None:
    emulator.admin.add_fault(Fault("throttle_retry_after", count=2, retry_after_ms=200))
    emulator.admin.add_fault(Fault("throttle", count=-1, probability=0.3, seed=7))
    runner = open_stack("drift-check")

    outputs = up(runner)

    assert outputs["engineVersion"] == emulated_cluster(emulator)["engineVersion"]
    assert emulator.admin.stats()["faults_injected"] >= 2


def files_holding(root: Path, text: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``text``."""
    needle = text.encode()
    return [path for path in root.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_no_credential_in_state_export_or_cli_output(open_stack: OpenStack) -> None:
    with Emulator(credentials={CANARY_KEY_ID: CANARY_SECRET}) as emulator:
        runner = open_stack("drift-check", Target(emulator.url, CANARY_KEY_ID, CANARY_SECRET))
        outcomes: list[Outcome] = [
            runner.up(),
            runner.preview(expect_no_changes=True),
            runner.refresh(expect_no_changes=True),
            runner.cli("stack", "output", "--json"),
            runner.cli("stack", "export"),
        ]
        assert [outcome.code for outcome in outcomes] == [0] * len(outcomes)
        export = outcomes[-1].stdout

        assert CANARY_SECRET not in export
        assert all(CANARY_SECRET not in outcome.output for outcome in outcomes)
        assert files_holding(runner.root, CANARY_SECRET) == []
        # The search does look at the state: the (plain) AccessKey id is found there.
        assert any(
            path.is_relative_to(runner.root / "backend")
            for path in files_holding(runner.root, CANARY_KEY_ID)
        )
        # The engine records the stack config as the dynamic provider's inputs: the secret only
        # as ciphertext.
        (provider,) = resources_of(runner, "pulumi:providers:pulumi-python")
        assert set(provider["inputs"]["alicloud:secretKey"]) >= {"ciphertext"}
