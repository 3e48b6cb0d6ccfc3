"""``import pulumi_alicloud_flink`` must cost about what ``import pulumi`` costs.

The measured budget is 1.10x ``import pulumi``; what makes the difference is whether the API
client and the models (pydantic, tea-openapi, requests) load at import time, so that is what
these tests hold, in a fresh interpreter each.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "pydantic",
    "requests",
    "alibabacloud_tea_openapi",
    "alibabacloud_credentials",
    "darabonba",
    "alicloud_flink.lookup",
    "alicloud_flink.models",
    "alicloud_flink.client",
)


@pytest.mark.parametrize("module", ["pulumi_alicloud_flink", "alicloud_flink.dynamic_provider"])
def test_importing_loads_no_client_and_no_model(module: str) -> None:
    probe = f"import sys, {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout

    assert loaded.split() == []
