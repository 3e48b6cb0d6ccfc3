"""The gateway's signature checks: what the SDK signs passes, anything else is refused."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils import Utils
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Credential, Emulator
from alicloud_flink.emulator.signing import SignatureError, SignedRequest, Verifier
from darabonba.request import DaraRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import (
    KEY_ID,
    NAMESPACE,
    SECRET,
    WORKSPACE,
    RawRequest,
    acs_date,
    get_cluster,
    list_clusters,
    sdk_client,
    send,
    signed,
)

LIST_PATH = f"/api/v2/namespaces/{NAMESPACE}/sessionclusters"


def test_independent_signer_is_accepted(emulator: Emulator) -> None:
    response = send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH))

    assert response.status == 200
    assert response.json["success"] is True


def test_wrong_secret_is_signature_does_not_match_without_leaking_it(emulator: Emulator) -> None:
    client = sdk_client(emulator.endpoint, secret="wrong-secret-value")

    with pytest.raises(ClientException) as raised:
        list_clusters(client)

    error = raised.value
    assert (error.status_code, error.code) == (400, "SignatureDoesNotMatch")
    assert "server string to sign is:ACS3-HMAC-SHA256\n" in error.data["Message"]
    assert error.data["RequestId"] == error.request_id
    assert SECRET not in str(error.data)
    assert SECRET not in str(error)
    assert emulator.admin.stats()["signature_rejections"] == 1


def test_server_string_to_sign_is_the_clients(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH, secret="not-the-secret")

    response = send(emulator.endpoint, request)

    assert response.status == 400
    assert response.json["Message"].endswith(f"is:{request.string_to_sign}")
    assert response.headers["x-acs-request-id"] == response.json["RequestId"]


def test_unknown_access_key_id(emulator: Emulator) -> None:
    with pytest.raises(ClientException) as raised:
        list_clusters(sdk_client(emulator.endpoint, key_id="nobody"))

    assert (raised.value.status_code, raised.value.code) == (404, "InvalidAccessKeyId.NotFound")


def test_replayed_nonce_is_refused(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH)

    first = send(emulator.endpoint, request)
    replay = send(emulator.endpoint, request)

    assert first.status == 200
    assert (replay.status, replay.json["Code"]) == (400, "SignatureNonceUsed")


@pytest.mark.parametrize("offset_minutes", [-16, 16])
def test_date_outside_fifteen_minutes_is_expired(emulator: Emulator, offset_minutes: int) -> None:
    date = acs_date(timedelta(minutes=offset_minutes))
    response = send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH, date=date))

    assert (response.status, response.json["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_date_inside_fifteen_minutes_is_accepted(emulator: Emulator) -> None:
    date = acs_date(timedelta(minutes=-14))
    assert send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH, date=date)).status == 200


@pytest.mark.parametrize(
    "date", ["2024-01-01 00:00:00", "Mon, 01 Jan 2024 00:00:00 GMT", "2024-13-01T00:00:00Z"]
)
def test_malformed_date_is_refused(emulator: Emulator, date: str) -> None:
    response = send(emulator.endpoint, signed(emulator.endpoint, LIST_PATH, date=date))

    assert (response.status, response.json["Code"]) == (400, "InvalidTimeStamp.Expired")


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda r: r.headers.update(workspace="ws-other"), "SignatureDoesNotMatch"),
        (lambda r: setattr(r, "path", r.path.replace(NAMESPACE, "other")), "SignatureDoesNotMatch"),
        (lambda r: setattr(r, "query", "extra=1"), "SignatureDoesNotMatch"),
        (lambda r: r.headers.update({"x-acs-signature-nonce": "changed"}), "SignatureDoesNotMatch"),
        (lambda r: r.headers.update({"x-acs-extra": "unsigned"}), "IncompleteSignature"),
        (lambda r: r.headers.pop("authorization"), "IncompleteSignature"),
        (
            lambda r: r.headers.update(authorization="ACS3-HMAC-SHA256 nonsense"),
            "IncompleteSignature",
        ),
        (lambda r: r.headers.pop("x-acs-date"), "InvalidTimeStamp.Expired"),
    ],
    ids=["header", "path", "query", "nonce", "unsigned-x-acs", "no-auth", "bad-auth", "no-date"],
)
def test_request_altered_after_signing_is_refused(
    emulator: Emulator, tamper: Callable[[RawRequest], object], code: str
) -> None:
    request = signed(emulator.endpoint, LIST_PATH)
    tamper(request)

    response = send(emulator.endpoint, request)

    assert (response.status, response.json["Code"]) == (400, code)


def test_workspace_must_be_signed(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH, workspace=None)
    request.headers["workspace"] = WORKSPACE

    response = send(emulator.endpoint, request)

    assert (response.status, response.json["Code"]) == (400, "IncompleteSignature")
    assert "workspace" in response.json["Message"]


def test_body_must_match_content_sha256(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH)
    request.body = b"{}"

    response = send(emulator.endpoint, request)

    assert (response.status, response.json["Code"]) == (400, "SignatureDoesNotMatch")
    assert "x-acs-content-sha256" in response.json["Message"]


def test_signed_body_is_accepted(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH, body=b'{"a": 1}', query="b=2&a=x%20y")

    assert send(emulator.endpoint, request).status == 200


def test_action_must_match_the_route(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH, action="GetSessionCluster")

    response = send(emulator.endpoint, request)

    assert (response.status, response.json["Code"]) == (404, "InvalidAction.NotFound")


def test_version_must_be_2022_07_18(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, LIST_PATH, extra={"x-acs-version": "2021-01-01"})

    response = send(emulator.endpoint, request)

    assert (response.status, response.json["Code"]) == (400, "InvalidVersion")


@pytest.fixture
def sts_emulator() -> Iterator[Emulator]:
    with Emulator(credentials=[Credential("sts-id", "sts-secret", "token-1")]) as running:
        yield running


def test_security_token_must_match(sts_emulator: Emulator) -> None:
    endpoint = sts_emulator.endpoint
    assert get_cluster(sdk_client(endpoint, "sts-id", "sts-secret", "token-1")).body.success

    for token in ("token-2", None):
        with pytest.raises(ClientException) as raised:
            get_cluster(sdk_client(endpoint, "sts-id", "sts-secret", token))
        assert (raised.value.status_code, raised.value.code) == (
            400,
            "InvalidSecurityToken.Mismatch",
        )
        assert "token-1" not in str(raised.value.data)


def test_sdk_requests_keep_working_on_one_connection(sdk: Client, emulator: Emulator) -> None:
    for _ in range(20):
        assert list_clusters(sdk).body.success
    assert emulator.admin.stats()["by_action"] == {"ListSessionClusters": 20}


header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=16)


@settings(max_examples=100, deadline=None)
@given(
    segments=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=3),
    query=st.dictionaries(
        st.from_regex(r"[A-Za-z0-9_.~-]{1,6}", fullmatch=True), st.text(max_size=8)
    ),
    extra=st.dictionaries(
        st.from_regex(r"x-[a-z0-9-]{1,8}", fullmatch=True), header_values, max_size=3
    ),
    body=st.binary(max_size=32),
)
def test_verifier_accepts_whatever_tea_openapi_signs(
    segments: list[str], query: dict[str, str], extra: dict[str, str], body: bytes
) -> None:
    """Cross-check against the SDK's own signer on inputs no hand-written test would try."""
    request = DaraRequest()
    request.method = "GET"
    request.pathname = "/" + "/".join(Utils.get_encode_param(s) for s in segments)
    request.query = query
    payload = hashlib.sha256(body).hexdigest()
    request.headers = {
        "host": "ververica.cn-hangzhou.aliyuncs.com",
        "x-acs-action": "ListSessionClusters",
        "x-acs-version": "2022-07-18",
        "x-acs-date": acs_date(),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": payload,
        "workspace": WORKSPACE,
        **extra,
    }
    request.headers["authorization"] = Utils.get_authorization(
        request, "ACS3-HMAC-SHA256", payload, KEY_ID, SECRET
    )
    verifier = Verifier([Credential(KEY_ID, SECRET)])
    wire = SignedRequest("GET", request.pathname, urlencode(query), request.headers, body)

    assert verifier.verify(wire).access_key_id == KEY_ID
    with pytest.raises(SignatureError):
        verifier.verify(
            SignedRequest("GET", request.pathname + "x", urlencode(query), request.headers, body)
        )
