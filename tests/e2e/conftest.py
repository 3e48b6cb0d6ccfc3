"""Fixtures of the end-to-end tests: example projects run under the real Pulumi CLI.

Each program runs as an Automation API inline program (``alicloud_flink.stack_runner``) against
a fresh emulator, in a stack whose state lives in a temporary ``file://`` backend. The CLI is
``.engine/bin/pulumi`` built by ``make engine``; without it these tests fail rather than skip.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from alicloud_flink.emulator import Emulator
from alicloud_flink.stack_runner import StackRunner, Target

from .helpers import ENGINE_BIN, REPO, OpenStack, target_of


@pytest.fixture(scope="session")
def engine_bin() -> Path:
    """``.engine/bin``, holding the real ``pulumi`` and the dynamic-provider launcher."""
    for tool in ("pulumi", "pulumi-resource-pulumi-python"):
        if not (ENGINE_BIN / tool).is_file():
            pytest.fail(f"{ENGINE_BIN / tool} is missing: run `make engine` first")
    return ENGINE_BIN


@pytest.fixture
def open_stack(emulator: Emulator, engine_bin: Path) -> Iterator[OpenStack]:
    """``open_stack("drift-check")`` opens a stack of ``examples/drift-check`` against
    ``emulator`` (or ``target=``); every stack is closed and its directory removed afterwards."""
    with contextlib.ExitStack() as opened:

        def open_(example: str, target: Target | None = None) -> StackRunner:
            project = REPO / "examples" / example
            runner = StackRunner(project, target or target_of(emulator), engine_bin=engine_bin)
            return opened.enter_context(runner)

        yield open_
