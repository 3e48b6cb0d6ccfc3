"""``python -m alicloud_flink.emulator`` as a user runs it: in its own process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alicloud_flink.emulator import EmulatorAdmin

from .helpers import get_cluster, list_clusters, sdk_client

SECRET = "cli-secret-3f9a1c"


def start(*args: str) -> subprocess.Popen[str]:
    """Start the emulator process with piped output."""
    return subprocess.Popen(
        [sys.executable, "-m", "alicloud_flink.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def process() -> Iterator[subprocess.Popen[str]]:
    """An emulator process accepting two credentials, one of them STS."""
    running = start("--port", "0", "--credential", f"cli-id:{SECRET}", "--credential", "sts:s2:tok")
    yield running
    if running.poll() is None:
        running.kill()
        running.wait()


def url_of(process: subprocess.Popen[str]) -> str:
    """The first stdout line, which must be the base URL."""
    assert process.stdout is not None
    return process.stdout.readline().strip()


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_prints_its_url_first_serves_and_stops_cleanly(
    process: subprocess.Popen[str], stop_with: signal.Signals
) -> None:
    url = url_of(process)
    assert url.startswith("http://127.0.0.1:")
    endpoint = url.removeprefix("http://")

    assert list_clusters(sdk_client(endpoint, "cli-id", SECRET)).body.success
    assert get_cluster(sdk_client(endpoint, "sts", "s2", "tok")).body.success
    assert EmulatorAdmin(url).stats()["requests"] == 2

    process.send_signal(stop_with)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "cli-id" in stderr
    assert "sts" in stderr
    assert SECRET not in stderr
    assert "tok" not in stderr.replace("STS, with security token", "")


def test_serves_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"w": {"n": [{"name": "from-cli"}]}}))
    running = start("--state", str(state))
    try:
        endpoint = url_of(running).removeprefix("http://")
        listed = list_clusters(sdk_client(endpoint), namespace="n", workspace="w")
        assert [c.name for c in listed.body.data] == ["from-cli"]
    finally:
        running.terminate()
        running.wait(timeout=10)
    assert running.returncode == 0


@pytest.mark.parametrize(
    ("args", "code", "mentions"),
    [
        (["--state", "/nonexistent/state.json"], 1, "cannot read state file"),
        (["--host", "0.0.0.0"], 2, "--allow-remote"),
        (["--credential", "no-secret"], 2, "ID:SECRET"),
    ],
)
def test_refusals(args: list[str], code: int, mentions: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alicloud_flink.emulator", *args],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )

    assert result.returncode == code
    assert result.stdout == ""
    assert mentions in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
