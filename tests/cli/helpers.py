"""Drive the installed ``alicloud-flink`` console script as a subprocess, as a CI job would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from alicloud_flink.emulator import DEFAULT_CREDENTIAL
from reference import reference_cluster

#: The console script pip installed next to this interpreter.
SCRIPT = Path(sys.executable).with_name("alicloud-flink")
WORKSPACE = "ws-demo"
NAMESPACE = "default-namespace"
CLUSTER = "test-sessionCluster"
PATH = f"{WORKSPACE}/{NAMESPACE}/{CLUSTER}"
ENGINE = "vvr-6.0.7-flink-1.15"
NEW_ENGINE = "vvr-8.0.9-flink-1.17"
LIST_HEADER = (
    "WORKSPACE NAMESPACE NAME STATUS ENGINE_VERSION DEPLOYMENT_TARGET SESSION_CLUSTER_ID LABELS"
)
LIST_KEYS = [
    "workspace",
    "namespace",
    "session_cluster_name",
    "status",
    "engine_version",
    "deployment_target_name",
    "session_cluster_id",
    "labels",
]


def clean_environment(**values: str) -> dict[str, str]:
    """The test's environment without any Alibaba Cloud setting of the machine, plus ``values``."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ALICLOUD_", "ALIBABA_CLOUD_"))
    }
    return {**kept, **values}


def emulator_environment(url: str, **values: str) -> dict[str, str]:
    """Endpoint and credential of a running emulator, one retry at most so failures are quick."""
    return clean_environment(
        ALICLOUD_FLINK_ENDPOINT=url,
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEFAULT_CREDENTIAL.access_key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEFAULT_CREDENTIAL.access_key_secret,
        ALICLOUD_FLINK_MAX_ATTEMPTS="2",
        **values,
    )


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script with ``args``; never raises on a non-zero exit."""
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def cluster(name: str, **fields: Any) -> dict[str, Any]:
    """The reference cluster renamed (with its own id), wire-format ``fields`` replaced."""
    raw = reference_cluster()
    raw.update(name=name, sessionClusterId=f"id-{name}", **fields)
    return raw


def write_json(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1, one ``alicloud-flink[ command]: error:`` line naming ``fragments``, no traceback."""
    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if "warning:" not in line]
    assert len(lines) == 1, result.stderr
    assert re.match(r"alicloud-flink( [a-z ]+)?: error: ", lines[0]), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
