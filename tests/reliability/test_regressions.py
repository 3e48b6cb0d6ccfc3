"""One test per defect the reliability suites caught, named after what it caught."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import time
from unittest import mock

import pulumi
import pytest
from alicloud_flink import errors
from alicloud_flink.cli.main import main
from alicloud_flink.emulator import Credential, Emulator
from alicloud_flink.lookup import ClusterQuery, clear_cache, find_cluster, find_clusters
from alicloud_flink.settings import Settings, parse_endpoint, resolve_settings
from reference import reference_cluster, settings_for

from .network import StubApi
from .transport import untrusted_https

WS, NS = "ws-demo", "default-namespace"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


def stub_reply(status: int, body: object) -> StubApi:
    """A stub API answering every request with ``status`` and ``body`` as JSON."""
    return StubApi(lambda _method, _path: (status, json.dumps(body).encode()))


def stub_settings(stub: StubApi) -> Settings:
    return resolve_settings(
        env={}, endpoint=stub.url, access_key_id="k", access_key_secret="s", max_attempts=1
    )


def test_regression_a_single_html_502_page_is_retried_not_fatal(emulator: Emulator) -> None:
    """tea-openapi failed to parse the page as JSON before seeing the 502, so nothing retried."""
    emulator.admin.add_fault({"kind": "html_502", "count": 1})

    found = find_clusters(ClusterQuery.build(WS, NS), settings_for(emulator, max_attempts=2))

    assert found.names == ["test-sessionCluster"]
    assert emulator.admin.stats()["requests"] == 2


def test_regression_html_502_pages_exhaust_the_budget_then_fail_transient(
    emulator: Emulator,
) -> None:
    emulator.admin.add_fault({"kind": "html_502", "count": -1})

    with pytest.raises(errors.TransientError, match=r"non-JSON error page.*retries exhausted"):
        find_clusters(ClusterQuery.build(WS, NS), settings_for(emulator, max_attempts=3))
    assert emulator.admin.stats()["requests"] == 3


def test_regression_debug_sdk_request_log_masks_the_security_token() -> None:
    """``DEBUG=sdk`` made darabonba log every request header, the STS token in clear."""
    token = "sts-token-that-must-not-be-logged"
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger = logging.getLogger("darabonba-core")
    logger.addHandler(handler)
    credential = Credential("sts-id", "sts-secret", token)
    try:
        with (
            Emulator(credentials=[credential]) as emulator,
            mock.patch.dict(os.environ, {"DEBUG": "sdk"}),
        ):
            settings = resolve_settings(
                env={},
                endpoint=emulator.url,
                access_key_id="sts-id",
                access_key_secret="sts-secret",
                security_token=token,
            )
            find_clusters(ClusterQuery.build(WS, NS), settings)
    finally:
        logger.removeHandler(handler)
    logged = buffer.getvalue()
    assert "x-acs-security-token : ****" in logged
    assert token not in logged


def test_regression_untrusted_certificate_fails_at_once_naming_the_certificate() -> None:
    """A TLS certificate failure used to be retried like a network blip, then "cannot reach"."""
    with untrusted_https() as (endpoint, requested):
        settings = resolve_settings(
            env={}, endpoint=endpoint, access_key_id="k", access_key_secret="s", max_attempts=4
        )
        started = time.monotonic()
        with pytest.raises(errors.ConfigurationError, match=r"certificate.*never turned off"):
            find_clusters(ClusterQuery.build(WS, NS), settings)
    assert time.monotonic() - started < 3  # no backoff: one attempt
    assert requested == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://[::1",
        "127.0.0.1:99999",
        "https://example.com:abc",
        "https://example.com:-1",
        "http://127.0.0.1:0",
        "https://exa mple.com",
        "https://example.com\n.evil.net",
        "https://exa%2Fmple.com",
    ],
)
def test_regression_malformed_endpoints_are_configuration_errors(endpoint: str) -> None:
    """``http://[::1`` raised a bare ValueError; ports, spaces and newlines went unchecked."""
    with pytest.raises(errors.ConfigurationError, match="endpoint"):
        parse_endpoint(endpoint)


@pytest.mark.parametrize("ids", [5, 1.5, b"ws:ns:a", {"ws-demo:default-namespace:a": 1}])
def test_regression_ids_that_are_not_a_list_are_invalid_input(ids: object) -> None:
    """``ids=5`` raised ``TypeError: 'int' object is not iterable``."""
    with pytest.raises(errors.InvalidInputError) as caught:
        ClusterQuery.build(WS, NS, ids=ids)  # type: ignore[arg-type]
    assert caught.value.field == "ids"


def test_regression_a_regex_with_a_huge_repeat_is_invalid_input() -> None:
    """``a{4294967296}`` raised ``OverflowError``, not an input error."""
    with pytest.raises(errors.InvalidInputError) as caught:
        ClusterQuery.build(WS, NS, name_regex="a{4294967296}")
    assert caught.value.field == "name_regex"


def test_regression_a_non_text_cluster_name_under_name_regex_is_not_a_type_error() -> None:
    """A listed cluster whose ``name`` is a number crashed the name_regex filter."""
    body = {"success": True, "data": [reference_cluster() | {"name": 5}, reference_cluster()]}
    with stub_reply(200, body) as stub:
        found = find_clusters(ClusterQuery.build(WS, NS, name_regex="^test"), stub_settings(stub))
        clear_cache()
        with pytest.raises(errors.MalformedResponseError):
            find_clusters(ClusterQuery.build(WS, NS), stub_settings(stub))
    assert found.names == ["test-sessionCluster"]


def test_regression_a_nameless_cluster_with_details_is_malformed_not_not_found() -> None:
    """Details were fetched for the name "None", turning a broken listing into "not found"."""
    nameless = {key: value for key, value in reference_cluster().items() if key != "name"}
    with stub_reply(200, {"success": True, "data": [nameless]}) as stub:
        with pytest.raises(errors.MalformedResponseError, match="no name"):
            find_clusters(ClusterQuery.build(WS, NS, enable_details=True), stub_settings(stub))
        assert stub.requests == 1


def test_regression_cli_error_lines_escape_control_characters(emulator: Emulator) -> None:
    """An argument or a server message could put a raw CR or an ANSI escape in the error line."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as leaving:
        main(["clusters", "list", "\r\x1b[2Jforged"])
    assert leaving.value.code == 1
    assert "\\x1b[2Jforged" in err.getvalue()
    assert "\x1b" not in err.getvalue()
    assert "\r" not in err.getvalue()

    body = {"Code": "InvalidParameter", "Message": "bad\x1b[31m input\r\nforged line"}
    with stub_reply(400, body) as stub:
        err = io.StringIO()
        env = {"ALICLOUD_FLINK_ENDPOINT": stub.url, "ALIBABA_CLOUD_ACCESS_KEY_ID": "k",
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}  # fmt: skip
        with contextlib.redirect_stderr(err), mock.patch.dict(os.environ, env):
            code = main(["clusters", "list", "-w", WS, "-n", NS])
    assert code == 1
    assert err.getvalue().count("\n") == 1
    assert "bad\\x1b[31m input forged line" in err.getvalue()


def test_regression_a_plaintext_secret_key_in_config_never_reaches_the_state() -> None:
    """The engine records a dynamic provider's stack config in the state: a plain-text
    ``alicloud:secretKey`` landed there unencrypted. The resource now refuses it."""
    from pulumi_alicloud_flink import SessionClusterLookup
    from sdk.harness import start_program

    config = {"alicloud-flink:endpoint": "http://127.0.0.1:9", "alicloud:accessKey": "k",
              "alicloud:secretKey": "plain-text-secret"}  # fmt: skip
    mocks = start_program(config)
    pulumi.runtime.set_all_config(config, secret_keys=[])
    try:
        with pytest.raises(
            errors.ConfigurationError, match="--secret alicloud:secretKey"
        ) as caught:
            SessionClusterLookup("c", workspace=WS, namespace=NS, name="n")
    finally:
        pulumi.runtime.set_all_config({})
    assert "plain-text-secret" not in str(caught.value)
    assert mocks.registered == []


def test_regression_expired_timestamp_error_says_to_check_the_clock() -> None:
    with (
        Emulator(clock_skew_seconds=20 * 60) as emulator,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        find_cluster(ClusterQuery.build(WS, NS, name="x"), settings_for(emulator))
    assert caught.value.code == "InvalidTimeStamp.Expired"
    assert "check this machine's clock" in str(caught.value)


def test_regression_a_usage_error_of_the_emulator_command_exits_1_not_2() -> None:
    """``alicloud-flink emulator -w`` exited with argparse's 2, which the CLI keeps for drift."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["emulator", "-w"])
    assert code == 1
    assert "unrecognized arguments: -w" in err.getvalue()
