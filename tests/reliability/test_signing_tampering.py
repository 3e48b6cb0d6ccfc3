"""Anything altered after signing is refused; honest clients, the project's included, pass."""

from __future__ import annotations

import pytest
from alicloud_flink.emulator import Emulator
from alicloud_flink.errors import AuthenticationError
from alicloud_flink.lookup import ClusterQuery, find_clusters
from reference import settings_for

from .report import Row
from .signing import run_signing

ROWS = [
    "every signed header altered or removed",
    "Authorization altered",
    "path altered",
    "query altered",
    "body altered, nonce replayed",
    "x-acs-date outside the 15-minute window",
    "project client 20 minutes late",
    "project client (list, get with details, STS)",
    "official SDK (list, get, STS; wrong token refused)",
    "independent signer (query, re-signed)",
]


@pytest.fixture(scope="module")
def rows() -> dict[str, Row]:
    """Every signing row, computed once against one emulator."""
    return {row.scenario: row for row in run_signing()}


@pytest.mark.parametrize("scenario", ROWS)
def test_signing(rows: dict[str, Row], scenario: str) -> None:
    row = rows[scenario]

    assert row.ok, row.explain()


def test_every_row_is_checked(rows: dict[str, Row]) -> None:
    assert sorted(rows) == sorted(ROWS)


@pytest.mark.parametrize(
    ("skew", "accepted"), [(14 * 60, True), (16 * 60, False), (-16 * 60, False)]
)
def test_emulator_clock_skew_makes_every_client_late_or_early(skew: int, accepted: bool) -> None:
    with Emulator(clock_skew_seconds=skew) as emulator:
        query = ClusterQuery.build("ws-demo", "default-namespace")
        if accepted:
            assert find_clusters(query, settings_for(emulator)).names
        else:
            with pytest.raises(AuthenticationError, match="clock"):
                find_clusters(query, settings_for(emulator))
