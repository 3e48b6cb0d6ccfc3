"""Test helpers: the official SDK as an independent client, and a tiny independent ACS3 signer.

The raw signer exists so tests can send what the SDK never would (stale dates, replayed nonces,
requests altered after signing). It deliberately shares no code with the emulator's verifier.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, unquote_plus

from alibabacloud_tea_openapi.utils_models import Config
from alibabacloud_ververica20220718 import models
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import DEFAULT_CREDENTIAL
from darabonba.runtime import RuntimeOptions

WORKSPACE = "ws-demo"
NAMESPACE = "default-namespace"
CLUSTER = "test-sessionCluster"
KEY_ID = DEFAULT_CREDENTIAL.access_key_id
SECRET = DEFAULT_CREDENTIAL.access_key_secret


def sdk_client(
    endpoint: str, key_id: str = KEY_ID, secret: str = SECRET, token: str | None = None
) -> Client:
    """The unmodified official ververica client, pointed at the emulator over plain HTTP."""
    config = Config(
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=token,
        endpoint=endpoint,
        protocol="HTTP",
    )
    return Client(config)


def list_clusters(
    client: Client,
    namespace: str = NAMESPACE,
    workspace: str | None = WORKSPACE,
    read_timeout_ms: int | None = None,
) -> Any:
    """Call ListSessionClusters through the SDK."""
    headers = models.ListSessionClustersHeaders(workspace=workspace)
    runtime = RuntimeOptions(read_timeout=read_timeout_ms)
    return client.list_session_clusters_with_options(namespace, headers, runtime)


def get_cluster(
    client: Client, name: str = CLUSTER, namespace: str = NAMESPACE, workspace: str = WORKSPACE
) -> Any:
    """Call GetSessionCluster through the SDK."""
    headers = models.GetSessionClusterHeaders(workspace=workspace)
    return client.get_session_cluster_with_options(namespace, name, headers, RuntimeOptions())


def acs_date(offset: timedelta = timedelta()) -> str:
    """An x-acs-date value, optionally shifted from now."""
    return (datetime.now(timezone.utc) + offset).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RawRequest:
    """An HTTP request as it goes on the wire; header names lower-case."""

    path: str
    headers: dict[str, str]
    method: str = "GET"
    query: str = ""
    body: bytes = b""
    string_to_sign: str = ""  # set by sign()

    @property
    def target(self) -> str:
        """The request target (path and query)."""
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass
class RawResponse:
    """A parsed answer from the emulator."""

    status: int
    headers: dict[str, str]
    body: bytes
    json: Any = field(default=None)


def signed(
    endpoint: str,
    path: str,
    *,
    action: str = "ListSessionClusters",
    workspace: str | None = WORKSPACE,
    key_id: str = KEY_ID,
    secret: str = SECRET,
    date: str | None = None,
    query: str = "",
    body: bytes = b"",
    extra: dict[str, str] | None = None,
) -> RawRequest:
    """Build and sign a request the way the ACS3-HMAC-SHA256 documentation describes."""
    headers = {
        "host": endpoint,
        "accept": "application/json",
        "x-acs-action": action,
        "x-acs-version": "2022-07-18",
        "x-acs-date": date or acs_date(),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    if workspace is not None:
        headers["workspace"] = workspace
    headers.update(extra or {})
    request = RawRequest(path, headers, query=query, body=body)
    sign(request, key_id, secret)
    return request


def sign(request: RawRequest, key_id: str, secret: str) -> None:
    """Sign every header of the request; set Authorization and ``string_to_sign``."""
    names = sorted(set(request.headers) - {"authorization"})
    pairs = sorted(tuple(map(unquote_plus, p.split("=", 1))) for p in request.query.split("&") if p)
    canonical = "\n".join(
        [
            request.method,
            request.path,
            "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in pairs),
            "".join(f"{n}:{request.headers[n].strip()}\n" for n in names),
            ";".join(names),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    request.string_to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(secret.encode(), request.string_to_sign.encode(), hashlib.sha256)
    request.headers["authorization"] = (
        f"ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders={';'.join(names)},"
        f"Signature={signature.hexdigest()}"
    )


def send(endpoint: str, request: RawRequest, timeout: float = 10.0) -> RawResponse:
    """Send a raw request on a fresh connection and read the whole answer."""
    host, port = endpoint.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.putrequest(
            request.method, request.target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in request.headers.items():
            connection.putheader(name, value)
        if request.body:
            connection.putheader("content-length", str(len(request.body)))
        connection.endheaders(request.body or None)
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()
    return RawResponse(response.status, headers, body, _json_or_none(body))


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
