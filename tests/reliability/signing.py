"""Signing: whatever is altered after signing is refused; honest clients are accepted.

The request under attack carries the very headers tea-openapi signs for this project
(``accept``, ``host``, ``user-agent``, ``workspace``, ``x-acs-*`` with an STS token), built by
the independent signer of tests/emulator/helpers. Each signed header, the path, the query, the
body and the Authorization header are altered one at a time; every variant must be refused
with a 4xx. Dates beyond the 15-minute window are refused, dates inside it accepted; the
project's client, the official SDK and the independent signer are accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from alicloud_flink import errors
from alicloud_flink.emulator import Credential, Emulator
from alicloud_flink.lookup import ClusterQuery, clear_cache, find_cluster, find_clusters
from alicloud_flink.settings import resolve_settings
from emulator.helpers import (
    RawRequest,
    RawResponse,
    acs_date,
    get_cluster,
    list_clusters,
    sdk_client,
    send,
    sign,
    signed,
)

from .report import Row, check
from .scenarios import CLOCK_SKEW_SECONDS, CLUSTER, NAMESPACE, WORKSPACE

SUITE = "signing"
KEY_ID, SECRET, TOKEN = "sts-key-id", "sts-secret-value", "sts-security-token"
LIST_PATH = f"/api/v2/namespaces/{NAMESPACE}/sessionclusters"
REFUSALS = {
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidTimeStamp.Expired",
    "InvalidAccessKeyId.NotFound",
    "InvalidSecurityToken.Mismatch",
    "SignatureNonceUsed",
    "InvalidAction.NotFound",
}
#: The headers tea-openapi 0.4 sends and signs besides the ones every ACS3 request has.
TEA_HEADERS = {
    "accept": "application/json",
    "user-agent": "AlibabaCloud (Linux; x86_64) Python/3.11 pulumi-alicloud-flink",
    "x-acs-accesskey-id": KEY_ID,
    "x-acs-credentials-provider": "static_sts",
    "x-acs-security-token": TOKEN,
}


def honest_request(endpoint: str, **overrides: Any) -> RawRequest:
    """A list request signed as tea-openapi signs the project's requests."""
    return signed(
        endpoint,
        overrides.pop("path", LIST_PATH),
        key_id=KEY_ID,
        secret=SECRET,
        extra=TEA_HEADERS,
        **overrides,
    )


def _refused(row: Row, label: str, response: RawResponse) -> None:
    code = (response.json or {}).get("Code") or (response.json or {}).get("errorCode")
    row.expect(
        400 <= response.status < 500 and code in REFUSALS,
        f"{label}: HTTP {response.status} {code}",
    )


def _altered(value: str) -> str:
    """A different value of the same shape (a date stays a valid date)."""
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return value[:-1] + ("0" if value[-1:] != "0" else "1") if value else "x"
    return (moment + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tamper_rows(emulator: Emulator) -> list[Row]:
    endpoint = emulator.endpoint

    def each_header(row: Row) -> None:
        names = sorted(set(honest_request(endpoint).headers) - {"authorization"})
        for name in names:
            request = honest_request(endpoint)
            request.headers[name] = _altered(request.headers[name])
            _refused(row, f"altered {name}", send(endpoint, request))
            removed = honest_request(endpoint)
            del removed.headers[name]
            _refused(row, f"removed {name}", send(endpoint, removed))
        row.counts["signed_headers"] = len(names)
        row.detail = ", ".join(names)

    def authorization(row: Row) -> None:
        variants: dict[str, Callable[[str], str]] = {
            "other key id": lambda a: a.replace(f"Credential={KEY_ID}", "Credential=other"),
            "signature digit": lambda a: a[:-1] + ("0" if a[-1] != "0" else "1"),
            "header left out": lambda a: a.replace("accept;", ""),
            "other algorithm": lambda a: a.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SHA1", 1),
        }
        for label, change in variants.items():
            request = honest_request(endpoint)
            request.headers["authorization"] = change(request.headers["authorization"])
            _refused(row, label, send(endpoint, request))
        row.counts["variants"] = len(variants)

    def path(row: Row) -> None:
        variants = {
            "other namespace": LIST_PATH.replace(NAMESPACE, "other-namespace"),
            "encoded equivalent": LIST_PATH.replace("default-", "default%2D"),
            "trailing slash": LIST_PATH + "/",
            "double slash": LIST_PATH.replace("/sessionclusters", "//sessionclusters"),
            "other case": LIST_PATH.replace("sessionclusters", "SessionClusters"),
            "one more segment": f"{LIST_PATH}/{CLUSTER}",
        }
        for label, altered in variants.items():
            request = honest_request(endpoint)
            request.path = altered
            _refused(row, label, send(endpoint, request))
        row.counts["variants"] = len(variants)

    def query(row: Row) -> None:
        variants = {"added": "a=1&b=2&c=3", "changed": "a=1&b=3", "removed": "a=1", "none": ""}
        for label, altered in variants.items():
            request = honest_request(endpoint, query="a=1&b=2")
            request.query = altered
            _refused(row, f"query {label}", send(endpoint, request))
        row.counts["variants"] = len(variants)

    def body(row: Row) -> None:
        request = honest_request(endpoint, body=b'{"a": 1}')
        request.body = b'{"a": 2}'
        _refused(row, "body", send(endpoint, request))
        replayed = honest_request(endpoint)
        row.expect(send(endpoint, replayed).status == 200, "the original was refused")
        _refused(row, "replayed nonce", send(endpoint, replayed))

    return [
        check(SUITE, "every signed header altered or removed", "emulator", each_header),
        check(SUITE, "Authorization altered", "emulator", authorization),
        check(SUITE, "path altered", "emulator", path),
        check(SUITE, "query altered", "emulator", query),
        check(SUITE, "body altered, nonce replayed", "emulator", body),
    ]


def _clock_rows(emulator: Emulator) -> list[Row]:
    endpoint = emulator.endpoint

    def window(row: Row) -> None:
        for minutes in (-60, -16, 16, 60):
            request = honest_request(endpoint, date=acs_date(timedelta(minutes=minutes)))
            _refused(row, f"{minutes:+d} min", send(endpoint, request))
        for minutes in (-14, 14):
            request = honest_request(endpoint, date=acs_date(timedelta(minutes=minutes)))
            row.expect(send(endpoint, request).status == 200, f"{minutes:+d} min was refused")
        row.detail = "refused at -60/-16/+16/+60 min, accepted at -14/+14 min"

    def project_late(row: Row) -> None:
        emulator.clock_skew_seconds = CLOCK_SKEW_SECONDS
        try:
            clear_cache()
            find_clusters(ClusterQuery.build(WORKSPACE, NAMESPACE), _project_settings(emulator))
            row.fail("a request 20 minutes late was accepted")
        except errors.AuthenticationError as refused:
            row.expect(refused.code == "InvalidTimeStamp.Expired", f"code {refused.code}")
            row.expect("clock" in str(refused), "the message does not mention the clock")
        finally:
            emulator.clock_skew_seconds = 0

    return [
        check(SUITE, "x-acs-date outside the 15-minute window", "emulator", window),
        check(SUITE, "project client 20 minutes late", "core", project_late),
    ]


def _project_settings(emulator: Emulator) -> Any:
    return resolve_settings(
        env={},
        endpoint=emulator.url,
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        security_token=TOKEN,
        max_attempts=1,
    )


def _accepted_rows(emulator: Emulator) -> list[Row]:
    def project(row: Row) -> None:
        clear_cache()
        settings = _project_settings(emulator)
        names = find_clusters(ClusterQuery.build(WORKSPACE, NAMESPACE), settings).names
        row.expect(names == [CLUSTER], f"list gave {names}")
        query = ClusterQuery.build(WORKSPACE, NAMESPACE, name=CLUSTER, enable_details=True)
        row.expect(find_cluster(query, settings).session_cluster_name == CLUSTER, "get failed")
        clear_cache()

    def official(row: Row) -> None:
        client = sdk_client(emulator.endpoint, KEY_ID, SECRET, TOKEN)
        row.expect(bool(list_clusters(client).body.success), "ListSessionClusters refused")
        row.expect(bool(get_cluster(client).body.success), "GetSessionCluster refused")
        wrong = sdk_client(emulator.endpoint, KEY_ID, SECRET, "other-token")
        try:
            list_clusters(wrong)
            row.fail("a wrong security token was accepted")
        except Exception as refused:
            row.expect("InvalidSecurityToken" in str(refused), f"{refused}")

    def independent(row: Row) -> None:
        request = honest_request(emulator.endpoint, query="b=2&a=x%20y")
        row.expect(send(emulator.endpoint, request).status == 200, "refused")
        resigned = honest_request(emulator.endpoint)
        resigned.headers["x-acs-signature-nonce"] = "fresh-nonce-1"
        sign(resigned, KEY_ID, SECRET)
        row.expect(send(emulator.endpoint, resigned).status == 200, "a re-signed request refused")

    return [
        check(SUITE, "project client (list, get with details, STS)", "core", project),
        check(SUITE, "official SDK (list, get, STS; wrong token refused)", "sdk", official),
        check(SUITE, "independent signer (query, re-signed)", "emulator", independent),
    ]


def run_signing() -> list[Row]:
    """Every signing row, against one emulator accepting an STS credential."""
    credential = Credential(KEY_ID, SECRET, TOKEN)
    with Emulator(credentials=[credential]) as emulator:
        rows = _tamper_rows(emulator) + _clock_rows(emulator) + _accepted_rows(emulator)
        rejections = emulator.admin.stats()["signature_rejections"]
    rows[0].counts["emulator_signature_rejections_total"] = rejections
    return rows
