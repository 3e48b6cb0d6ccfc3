"""Secrets scan: a canary secret and STS token appear nowhere the project writes or returns."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alicloud_flink.lookup import clear_cache

from . import secret_scan as secrets
from .report import Row
from .surfaces import engine_available

needs_engine = [
    pytest.mark.engine,
    pytest.mark.skipif(not engine_available(), reason="no real Pulumi CLI (make engine)"),
]
SCANS = [
    pytest.param(secrets.scanner_finds_a_planted_canary, id="scanner-self-test"),
    pytest.param(secrets.scan_functions, id="functions"),
    pytest.param(secrets.scan_provider, id="provider"),
    pytest.param(secrets.scan_cli, id="cli"),
    pytest.param(secrets.scan_engine, id="engine", marks=needs_engine),
    pytest.param(secrets.scan_engine_plaintext_config, id="engine-plaintext", marks=needs_engine),
]


@pytest.mark.parametrize("scan", SCANS)
def test_no_secret_anywhere(scan: Callable[[], Row]) -> None:
    clear_cache()
    row = scan()

    assert row.ok, row.explain()
