"""Clear-text endpoints off this machine are refused; TLS certificates are always checked."""

from __future__ import annotations

import pytest

from .report import Row
from .transport import run_transport

ROWS = [
    ("endpoint http://10.1.2.3:80 refused", "core"),
    ("endpoint http://10.1.2.3:80 refused", "functions"),
    ("endpoint http://10.1.2.3:80 refused", "provider"),
    ("endpoint http://10.1.2.3:80 refused", "cli"),
    ("self-signed HTTPS certificate refused", "core"),
    ("self-signed HTTPS certificate refused", "cli"),
    ("no code turns certificate checks off", "source"),
]


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str], Row]:
    return {(row.scenario, row.surface): row for row in run_transport()}


@pytest.mark.parametrize(("scenario", "surface"), ROWS)
def test_transport(rows: dict[tuple[str, str], Row], scenario: str, surface: str) -> None:
    row = rows[scenario, surface]

    assert row.ok, row.explain()
