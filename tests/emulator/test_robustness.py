"""Garbage on the wire gets a 4xx and the server keeps serving everyone else."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator

import pytest
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Emulator

from .helpers import NAMESPACE, list_clusters, send, signed


def exchange(emulator: Emulator, data: bytes) -> bytes:
    """Send raw bytes on a fresh connection and read until the server hangs up."""
    host, port = emulator.endpoint.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    """The status code of a raw HTTP answer."""
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
def still_serving(emulator: Emulator, sdk: Client) -> Iterator[None]:
    """After the test's abuse, a well-behaved client must still be served."""
    yield
    assert list_clusters(sdk).body.success


@pytest.mark.usefixtures("still_serving")
@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET / XTTP/1.1\r\n\r\n", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nx-big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"x-h%d: v\r\n" % i for i in range(150)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nworkspace: a\r\nWorkspace: b\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\ncontent-length: nope\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\ncontent-length: 99999999999\r\n\r\n", 413),
        (b"PUT /_emulator/state HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        (b"BREW /pot HTTP/1.1\r\n\r\n", 501),
    ],
    ids=[
        "no-request-line",
        "bad-version",
        "not-http",
        "huge-uri",
        "huge-header",
        "many-headers",
        "duplicated-header",
        "bad-length",
        "huge-length",
        "chunked",
        "unknown-method",
    ],
)
def test_malformed_requests_get_4xx_or_5xx_json(
    emulator: Emulator, data: bytes, status: int
) -> None:
    answer = exchange(emulator, data)

    assert status_of(answer) == status
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"x-acs-request-id: " in head
    assert b'"Code"' in body


@pytest.mark.usefixtures("still_serving")
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v2/namespaces//sessionclusters",
        f"/api/v2/namespaces/{NAMESPACE}/sessionclusters/",
        f"/api/v2/namespaces/{NAMESPACE}/sessionclusters/a/b",
        "/api/v2/namespaces/%zz/sessionclusters/%ff%fe",
        "/..%2f..%2fetc/passwd",
        "http://example.com/api/v2/namespaces/x/sessionclusters",
        "*",
    ],
)
def test_odd_paths_are_unknown_apis(emulator: Emulator, path: str) -> None:
    request = signed(emulator.endpoint, path)

    response = send(emulator.endpoint, request)

    assert 400 <= response.status < 500
    assert response.json["Code"] in {"InvalidAction.NotFound", "SignatureDoesNotMatch"}
    assert response.headers["x-acs-request-id"] == response.json["RequestId"]


@pytest.mark.usefixtures("still_serving")
def test_undecodable_namespace_is_not_found(emulator: Emulator) -> None:
    response = send(
        emulator.endpoint, signed(emulator.endpoint, "/api/v2/namespaces/%ff/sessionclusters")
    )

    assert (response.status, response.json["errorCode"]) == (404, "990301")


def test_post_on_an_api_path_is_unknown(emulator: Emulator) -> None:
    request = signed(emulator.endpoint, f"/api/v2/namespaces/{NAMESPACE}/sessionclusters")
    request.method = "POST"

    response = send(emulator.endpoint, request)

    assert (response.status, response.json["Code"]) == (404, "InvalidAction.NotFound")


def test_keep_alive_serves_several_requests_on_one_connection(emulator: Emulator) -> None:
    host, port = emulator.endpoint.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        for _ in range(3):
            request = signed(emulator.endpoint, f"/api/v2/namespaces/{NAMESPACE}/sessionclusters")
            connection.request("GET", request.path, headers=request.headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("connection") != "close"
    finally:
        connection.close()


def test_stop_hangs_up_on_idle_keep_alive_connections() -> None:
    emulator = Emulator().start()
    host, port = emulator.endpoint.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", "/_emulator/stats")
    connection.getresponse().read()

    emulator.stop()

    def fetch_stats() -> bytes:
        connection.request("GET", "/_emulator/stats")
        return connection.getresponse().read()

    with pytest.raises((ConnectionError, http.client.HTTPException)):
        fetch_stats()
    connection.close()
