"""Every fault kind, as the official SDK experiences it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Emulator, EmulatorAdminError, Fault
from darabonba.exceptions import UnretryableException

from .helpers import NAMESPACE, WORKSPACE, list_clusters, send, signed

LIST_PATH = f"/api/v2/namespaces/{NAMESPACE}/sessionclusters"


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("throttle", 400, "Throttling.User"),
        ("throttle_429", 429, "Throttling.User"),
    ],
)
def test_throttles_are_client_errors(
    emulator: Emulator, sdk: Client, kind: str, status: int, code: str
) -> None:
    emulator.admin.add_fault({"kind": kind})

    with pytest.raises(ClientException) as raised:
        list_clusters(sdk)

    assert not isinstance(raised.value, ThrottlingException)
    assert (raised.value.status_code, raised.value.code) == (status, code)
    assert list_clusters(sdk).body.success  # one hit, then normal service


def test_throttle_with_retry_after_gives_the_sdk_its_wait(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault(Fault("throttle_retry_after", retry_after_ms=1500))

    with pytest.raises(ThrottlingException) as raised:
        list_clusters(sdk)

    assert raised.value.retry_after == 1500
    assert (raised.value.status_code, raised.value.code) == (400, "Throttling.User")


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [("http500", 500, "InternalError"), ("http503", 503, "ServiceUnavailable")],
)
def test_server_errors(emulator: Emulator, sdk: Client, kind: str, status: int, code: str) -> None:
    emulator.admin.add_fault({"kind": kind})

    with pytest.raises(ServerException) as raised:
        list_clusters(sdk)

    assert (raised.value.status_code, raised.value.code) == (status, code)


def test_html_502_is_not_json(emulator: Emulator) -> None:
    emulator.admin.add_fault({"kind": "html_502"})

    response = send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH))

    assert response.status == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.body


@pytest.mark.parametrize("kind", ["html_502", "drop", "truncate"])
def test_unreadable_answers_are_unretryable_in_the_sdk(
    emulator: Emulator, sdk: Client, kind: str
) -> None:
    list_clusters(sdk)  # a pooled keep-alive connection exists when the fault hits
    emulator.admin.add_fault({"kind": kind})

    with pytest.raises(UnretryableException):
        list_clusters(sdk)

    assert list_clusters(sdk).body.success
    assert emulator.admin.stats()["requests"] == 3


def test_truncate_sends_half_the_body_with_a_matching_length(emulator: Emulator) -> None:
    whole = send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH))
    emulator.admin.add_fault({"kind": "truncate"})

    cut = send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH))

    assert cut.status == 200
    assert int(cut.headers["content-length"]) == len(cut.body) == len(whole.body) // 2
    assert cut.json is None


def test_stall_exceeds_the_read_timeout(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault({"kind": "stall", "delay_ms": 3000})
    started = time.monotonic()

    with pytest.raises(UnretryableException) as raised:
        list_clusters(sdk, read_timeout_ms=300)

    assert time.monotonic() - started < 2
    assert "timed out" in str(raised.value).lower()


def test_delay_answers_late_but_normally(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault({"kind": "delay", "delay_ms": 250})
    started = time.monotonic()

    assert list_clusters(sdk).body.success
    assert time.monotonic() - started >= 0.25


def test_success_false_raises_nothing(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault({"kind": "success_false"})

    response = list_clusters(sdk)

    assert response.status_code == 200
    assert response.body.success is False
    assert response.body.error_code == "InternalError"
    assert response.headers["x-acs-request-id"] == response.body.request_id


def outcomes(sdk: Client, times: int, namespace: str = NAMESPACE) -> list[str]:
    """Call list ``times`` times; record 'ok' or the error code of each call."""
    seen = []
    for _ in range(times):
        try:
            list_clusters(sdk, namespace=namespace)
            seen.append("ok")
        except ClientException as exc:
            seen.append(exc.code or str(exc.data.get("errorCode")))
    return seen


def test_count_limits_hits(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault({"kind": "throttle", "count": 2})

    assert outcomes(sdk, 3) == ["Throttling.User", "Throttling.User", "ok"]


def test_count_minus_one_hits_until_cleared(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault({"kind": "throttle", "count": -1})

    assert outcomes(sdk, 4) == ["Throttling.User"] * 4
    assert emulator.admin.clear_faults() == 1
    assert outcomes(sdk, 1) == ["ok"]


def test_faults_apply_in_the_order_planned(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.add_fault({"kind": "throttle"})
    emulator.admin.add_fault({"kind": "throttle_429"})

    with pytest.raises(ClientException) as first:
        list_clusters(sdk)
    with pytest.raises(ClientException) as second:
        list_clusters(sdk)

    assert (first.value.status_code, second.value.status_code) == (400, 429)


def test_match_limits_a_fault_to_matching_paths(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.upsert_cluster(WORKSPACE, "ns 1/x", {"name": "c"})
    emulator.admin.add_fault({"kind": "throttle", "count": -1, "match": "ns 1/x"})

    assert outcomes(sdk, 2) == ["ok", "ok"]
    assert outcomes(sdk, 2, namespace="ns 1/x") == ["Throttling.User"] * 2


def test_seeded_probability_is_reproducible(emulator: Emulator, sdk: Client) -> None:
    def run() -> list[str]:
        emulator.admin.clear_faults()
        emulator.admin.add_fault({"kind": "throttle", "count": -1, "probability": 0.5, "seed": 7})
        return outcomes(sdk, 30)

    first, second = run(), run()

    assert first == second
    assert 5 < first.count("ok") < 25


def test_latency_delays_every_request(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.set_latency_ms(300)
    started = time.monotonic()
    list_clusters(sdk)
    list_clusters(sdk)
    assert time.monotonic() - started >= 0.6

    emulator.admin.set_latency_ms(0)
    started = time.monotonic()
    list_clusters(sdk)
    assert time.monotonic() - started < 1  # generous: loaded CI machines are slow, not 300 ms slow


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "explode"},
        {"kind": "throttle", "count": 0},
        {"kind": "throttle", "probability": 1.5},
        {"kind": "delay", "delay_ms": -1},
        {"kind": "throttle_retry_after", "retry_after_ms": 0},
        {"kind": "throttle", "colour": "red"},
        {"count": 1},
    ],
)
def test_invalid_faults_are_refused(emulator: Emulator, fault: dict[str, Any]) -> None:
    with pytest.raises(EmulatorAdminError) as raised:
        emulator.admin.add_fault(fault)

    assert raised.value.status == 400


def test_fault_round_trips_through_the_admin_interface(emulator: Emulator) -> None:
    planned = Fault("stall", count=-1, probability=0.25, seed=3, match="ns", delay_ms=10)

    assert emulator.admin.add_fault(planned) == planned
