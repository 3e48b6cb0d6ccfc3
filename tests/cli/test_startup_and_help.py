"""Every command has help with examples, and help starts without pulumi or the API client."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .helpers import SCRIPT, clean_environment, emulator_environment, run

HEAVY = ("pulumi", "alibabacloud_tea_openapi", "pydantic")


def imported_modules(env: dict[str, str], *args: str) -> tuple[set[str], int]:
    """The modules a run of the console script imports (from ``-X importtime``), its exit code."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return modules, result.returncode


def loaded(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(f"{package}.") for name in modules)


@pytest.mark.parametrize(
    "command", [[], ["clusters"], ["clusters", "list"], ["clusters", "get"], ["drift"]]
)
def test_help_of_every_command_shows_examples(command: list[str]) -> None:
    result = run(clean_environment(), *command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: alicloud-flink {' '.join(command)}".rstrip())
    assert "examples:" in result.stdout
    assert result.stderr == ""


def test_drift_help_documents_the_exit_codes_and_sources() -> None:
    text = run(clean_environment(), "drift", "--help").stdout
    for fragment in ("0 nothing moved", "2 drift", "1 error", "--from-stack-export", "--expect"):
        assert fragment in text


def test_emulator_subcommand_has_its_own_help() -> None:
    result = run(clean_environment(), "emulator", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: alicloud-flink emulator")


@pytest.mark.parametrize("command", [["--help"], ["clusters", "list", "--help"], ["drift", "-h"]])
def test_help_imports_neither_pulumi_nor_the_api_client(command: list[str]) -> None:
    modules, code = imported_modules(clean_environment(), *command)
    assert code == 0
    assert "alicloud_flink.cli.main" in modules
    for package in HEAVY:
        assert not loaded(modules, package), package


def test_a_command_imports_the_api_client_but_never_pulumi(env: dict[str, str]) -> None:
    args = ("drift", "-w", "ws-demo", "-n", "default-namespace", "--name", "test-sessionCluster")
    modules, code = imported_modules(env, *args, "--expect", "engine_version=vvr-6.0.7-flink-1.15")
    assert code == 0
    assert loaded(modules, "alibabacloud_tea_openapi")
    assert not loaded(modules, "pulumi")


def test_emulator_subcommand_serves_the_cli() -> None:
    server = subprocess.Popen(
        [str(SCRIPT), "emulator", "--port", "0"],
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        result = run(
            emulator_environment(url),
            "clusters",
            "list",
            "-w",
            "ws-demo",
            "-n",
            "default-namespace",
        )
        assert result.returncode == 0
        assert "test-sessionCluster" in result.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
