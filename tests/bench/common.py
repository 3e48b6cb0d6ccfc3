"""What every benchmark shares: the result row, test data, an emulator process, timing helpers.

The emulator runs in its own process (``python -m alicloud_flink.emulator``), so that serving
requests never competes for this process's GIL with the client being measured; both sides of
every comparison talk to the same emulator with the same credential.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alicloud_flink.emulator import DEFAULT_CREDENTIAL, EmulatorAdmin

REPO = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable
Cluster = dict[str, Any]
State = dict[str, dict[str, list[Cluster]]]

_STATUSES = ("RUNNING", "RUNNING", "RUNNING", "STOPPED", "STARTING", "FAILED")
_ENGINES = ("vvr-8.0.9-flink-1.17", "vvr-6.0.7-flink-1.15", "vvr-8.0.5-flink-1.17")


@dataclass
class Row:
    """One line of BENCHMARKS.md: what was measured, our figure against what, and the verdict.

    ``passed`` is ``None`` when the row could not run or is informational (``info``): it is
    then neither pass nor fail. ``out_of_reach`` marks a target the run measured to be beyond
    any program of this design (row 6); ``passed`` then judges the part the project controls.
    """

    key: str
    what: str
    figure: str
    comparison: str
    target: str
    passed: bool | None
    notes: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    info: bool = False
    out_of_reach: bool = False

    @property
    def verdict(self) -> str:
        """``pass``, ``FAIL``, ``info``, ``not run``, or ``out of reach`` with the verdict on
        the project's own part."""
        if self.info:
            return "info"
        if self.passed is None:
            return "not run"
        verdict = "pass" if self.passed else "FAIL"
        return f"out of reach; own part: {verdict}" if self.out_of_reach else verdict


def cluster(workspace: str, namespace: str, index: int, prefix: str = "cluster") -> Cluster:
    """A cluster shaped like the API reference example, with a distinct name and varied fields."""
    name = f"{prefix}-{index:05d}"
    return {
        "workspace": workspace,
        "namespace": namespace,
        "creator": "27846363877456****",
        "creatorName": "****@streamcompute.onaliyun.com",
        "modifier": "27846363877456****",
        "modifierName": "****@streamcompute.onaliyun.com",
        "createdAt": 1_700_000_000_000 + index,
        "modifiedAt": 1_700_000_500_000 + index,
        "sessionClusterId": f"1f68a52c-1760-43c6-97fb-{index:012d}",
        "name": name,
        "deploymentTargetName": f"queue-{index % 4}",
        "engineVersion": _ENGINES[index % len(_ENGINES)],
        "labels": {"team": f"team-{index % 7}", "tier": index % 3, "app": name},
        "basicResourceSetting": {
            "parallelism": 1 + index % 8,
            "jobmanagerResourceSettingSpec": {"cpu": 2, "memory": "4Gi"},
            "taskmanagerResourceSettingSpec": {"cpu": 1 + index % 4, "memory": "8Gi"},
        },
        "flinkConf": {"taskmanager.numberOfTaskSlots": str(1 + index % 4)},
        "logging": {
            "loggingProfile": "oss",
            "log4j2ConfigurationTemplate": "XML-formatted text",
            "log4jLoggers": [{"loggerName": "StdOutErrConsoleAppender", "loggerLevel": "ERROR"}],
            "logReservePolicy": {"openHistory": True, "expirationDays": 7},
        },
        "status": {
            "currentSessionClusterStatus": _STATUSES[index % len(_STATUSES)],
            "failure": {"message": "", "reason": "", "failedAt": 0},
            "running": {
                "startedAt": 1_700_000_600_000,
                "lastUpdateTime": 1_700_000_700_000,
                "referenceDeploymentIds": [f"deployment-{index}"],
            },
        },
    }


def namespace_state(workspace: str, sizes: Mapping[str, int]) -> State:
    """A state document: ``workspace`` holding each namespace with that many clusters."""
    return {
        workspace: {
            namespace: [cluster(workspace, namespace, index) for index in range(count)]
            for namespace, count in sizes.items()
        }
    }


@dataclass(frozen=True)
class EmulatorProcess:
    """A running emulator in a child process."""

    url: str
    process: subprocess.Popen[str]

    @property
    def endpoint(self) -> str:
        """``host:port``, as the official SDK's ``Config(endpoint=...)`` takes it."""
        return self.url.split("://", 1)[1]

    @property
    def admin(self) -> EmulatorAdmin:
        """The emulator's admin client (state, latency, counters)."""
        return EmulatorAdmin(self.url, timeout=120)


@contextmanager
def emulator_process(state: State | None = None) -> Iterator[EmulatorProcess]:
    """Start ``python -m alicloud_flink.emulator`` (with ``state``, else the bundled example)."""
    with tempfile.TemporaryDirectory(prefix="flink-bench-") as scratch:
        command = [PYTHON, "-m", "alicloud_flink.emulator"]
        if state is not None:
            state_file = Path(scratch) / "state.json"
            state_file.write_text(json.dumps(state), encoding="utf-8")
            command += ["--state", str(state_file)]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            if not url.startswith("http"):
                raise RuntimeError(f"the emulator did not start (exit code {process.poll()})")
            yield EmulatorProcess(url, process)
        finally:
            process.terminate()
            process.wait(timeout=30)


def stack_config(url: str) -> dict[str, str]:
    """The stack config a program uses to reach the emulator at ``url``."""
    return {
        "alicloud-flink:endpoint": url,
        "alicloud:accessKey": DEFAULT_CREDENTIAL.access_key_id,
        "alicloud:secretKey": DEFAULT_CREDENTIAL.access_key_secret,
    }


def list_calls(admin: EmulatorAdmin) -> int:
    """How many ListSessionClusters requests the emulator has answered since the last reset."""
    return int(admin.stats()["by_action"].get("ListSessionClusters", 0))


def median(values: Sequence[float]) -> float:
    """The median (values must not be empty)."""
    return float(statistics.median(values))


def alternate(
    first: Callable[[], object], second: Callable[[], object], pairs: int
) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` ``pairs`` times each, interleaved, swapping which goes first
    every pair so that neither always runs on a cache the other warmed."""
    times: tuple[list[float], list[float]] = ([], [])
    for pair in range(pairs):
        order = ((0, first), (1, second)) if pair % 2 == 0 else ((1, second), (0, first))
        for slot, function in order:
            started = time.perf_counter()
            function()
            times[slot].append(time.perf_counter() - started)
    return times


def run_json(args: Sequence[str], env: Mapping[str, str] | None = None, timeout: int = 300) -> Any:
    """Run a child process that prints one JSON document as its last stdout line; return it."""
    done = subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    """Seconds as a short millisecond figure."""
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"
