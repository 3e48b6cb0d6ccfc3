"""Every failure of the API becomes a typed error naming workspace, namespace and request id;
none looks like "not found" or an empty list unless the service said so; no secret leaks."""

from __future__ import annotations

import time
from typing import Any

import pytest
from alicloud_flink import errors
from alicloud_flink.emulator import Emulator
from alicloud_flink.lookup import ClusterQuery, find_clusters
from reference import settings_for

WS, NS = "ws-demo", "default-namespace"
WRONG_SECRET = "Wr0ng-Secret-Value-1234567890"


def lookup(emulator: Emulator, namespace: str = NS, **settings: Any) -> list[str]:
    return find_clusters(
        ClusterQuery.build(WS, namespace), settings_for(emulator, **settings)
    ).names


def failure_of(emulator: Emulator, **settings: Any) -> errors.FlinkLookupError:
    with pytest.raises(errors.FlinkLookupError) as caught:
        lookup(emulator, **settings)
    return caught.value


def assert_names_context(error: errors.FlinkLookupError) -> None:
    message = str(error)
    assert f"workspace '{WS}'" in message
    assert f"namespace '{NS}'" in message


def test_wrong_secret_is_an_authentication_error_without_the_secret(emulator: Emulator) -> None:
    error = failure_of(emulator, secret=WRONG_SECRET)
    assert isinstance(error, errors.AuthenticationError)
    assert error.code == "SignatureDoesNotMatch"
    assert error.credential_source == (
        "the explicit access_key_id argument/the explicit access_key_secret argument"
    )
    assert WRONG_SECRET not in str(error)
    assert WRONG_SECRET not in repr(error.__dict__)
    assert error.request_id
    assert_names_context(error)


def test_unknown_key_is_an_authentication_error(emulator: Emulator) -> None:
    settings = settings_for(emulator)
    other = type(settings.credentials)(
        source="test", access_key_id="LTAIunknown", access_key_secret=WRONG_SECRET
    )
    settings = type(settings)(settings.endpoint, settings.protocol, other)
    with pytest.raises(errors.AuthenticationError) as caught:
        find_clusters(ClusterQuery.build(WS, NS), settings)
    assert caught.value.code == "InvalidAccessKeyId.NotFound"
    assert "LTAI****" in str(caught.value)


def test_unknown_namespace_is_not_found_never_an_empty_list(emulator: Emulator) -> None:
    with pytest.raises(errors.NotFoundError) as caught:
        lookup(emulator, namespace="no-such-namespace")
    assert "no-such-namespace" in str(caught.value)
    assert caught.value.request_id


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ({"kind": "success_false"}, errors.ApiError, "InternalError"),
        ({"kind": "http500", "count": -1}, errors.TransientError, "InternalError"),
        ({"kind": "http503", "count": -1}, errors.TransientError, "ServiceUnavailable"),
        ({"kind": "html_502", "count": -1}, errors.TransientError, None),
        ({"kind": "throttle", "count": -1}, errors.ThrottledError, "Throttling.User"),
        ({"kind": "throttle_429", "count": -1}, errors.ThrottledError, "Throttling.User"),
        ({"kind": "drop", "count": -1}, errors.TransientError, None),
        ({"kind": "truncate", "count": -1}, errors.MalformedResponseError, None),
    ],
)
def test_permanent_faults_raise_the_right_error(
    emulator: Emulator, fault: dict[str, Any], kind: type[errors.FlinkLookupError], code: str | None
) -> None:
    emulator.admin.add_fault(fault)
    error = failure_of(emulator, max_attempts=2)
    assert type(error) is kind
    assert error.code == code
    assert not isinstance(error, errors.NotFoundError)
    assert_names_context(error)


def test_a_stall_past_the_read_timeout_is_transient(emulator: Emulator) -> None:
    emulator.admin.add_fault({"kind": "stall", "count": -1, "delay_ms": 1_500})
    started = time.monotonic()
    error = failure_of(emulator, max_attempts=2, read_timeout_ms=300)
    assert isinstance(error, errors.TransientError)
    assert "cannot reach the Flink API" in str(error)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "http500", "count": 2},
        {"kind": "http503", "count": 2},
        {"kind": "throttle", "count": 2},
        {"kind": "throttle_retry_after", "count": 2, "retry_after_ms": 50},
        {"kind": "throttle_429", "count": 1},
        {"kind": "drop", "count": 2},
        {"kind": "stall", "count": 1, "delay_ms": 1_000},
    ],
)
def test_transient_faults_are_retried_within_the_budget(
    emulator: Emulator, fault: dict[str, Any]
) -> None:
    emulator.admin.add_fault(fault)
    assert lookup(emulator, max_attempts=4, read_timeout_ms=300) == ["test-sessionCluster"]
    assert emulator.admin.stats()["requests"] == fault["count"] + 1


def test_retries_are_bounded_in_attempts(emulator: Emulator) -> None:
    emulator.admin.add_fault({"kind": "http503", "count": -1})
    failure_of(emulator, max_attempts=3)
    assert emulator.admin.stats()["requests"] == 3


def test_unreachable_endpoint_is_transient_not_empty() -> None:
    with Emulator() as stopped:
        settings = settings_for(stopped, max_attempts=2)
    with pytest.raises(errors.TransientError, match="cannot reach the Flink API at http://127"):
        find_clusters(ClusterQuery.build(WS, NS), settings)
