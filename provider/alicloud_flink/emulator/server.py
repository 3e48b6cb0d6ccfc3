"""The emulator's HTTP server: ververica's session-cluster routes behind the gateway's checks.

Each API request is counted, delayed by the injected latency, offered to the fault plan, routed
on its raw (still percent-encoded) path, signature-checked, and only then answered from the
store. Requests under ``/_emulator/`` go to the unsigned admin interface instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import socketserver
import sys
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from .control import ADMIN_PREFIX, Control
from .faults import Fault, FaultPlan
from .signing import SignatureError, SignedRequest, Verifier
from .state import ClusterNotFound, ClusterStore, NamespaceNotFound
from .stats import Stats

API_VERSION = "2022-07-18"
# The ververica errorCode that terraform-provider-alicloud reads as "not found".
NOT_FOUND_CODE = "990301"
MAX_API_BODY_BYTES = 1 << 20
MAX_ADMIN_BODY_BYTES = 256 << 20  # a 10,000-cluster state is about 10 MB
JSON_TYPE = "application/json;charset=utf-8"
_LOG = logging.getLogger(__name__)
_ROUTE = re.compile(r"/api/v2/namespaces/(?P<ns>[^/]+)/sessionclusters(?:/(?P<name>[^/]+))?")
_THROTTLED = ("Throttling.User", "Request was denied due to user flow control.")
_GATEWAY_FAULTS = {
    "throttle": (400, *_THROTTLED),
    "throttle_retry_after": (400, *_THROTTLED),
    "throttle_429": (429, *_THROTTLED),
    "http500": (
        500,
        "InternalError",
        "The request processing has failed due to some unknown error, exception or failure.",
    ),
    "http503": (
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
    ),
}
_HTML_502 = (
    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)


@dataclass(frozen=True)
class Route:
    """An API operation and the (percent-decoded) names its path carries."""

    action: str
    namespace: str
    name: str | None


@dataclass
class Response:
    """An answer ready to write; x-acs-request-id is always ``request_id``."""

    status: int
    body: bytes
    request_id: str
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


def match_route(method: str, raw_path: str) -> Route | None:
    """Route on the raw path, so an encoded '/' inside a namespace cannot split it."""
    found = _ROUTE.fullmatch(raw_path)
    if method != "GET" or found is None:
        return None
    namespace = unquote(found["ns"])
    if found["name"] is None:
        return Route("ListSessionClusters", namespace, None)
    return Route("GetSessionCluster", namespace, unquote(found["name"]))


def new_request_id() -> str:
    """Return a fresh request id in the gateway's upper-case UUID form."""
    return str(uuid.uuid4()).upper()


def json_response(status: int, value: Any, request_id: str) -> Response:
    """Serialize a JSON answer."""
    return Response(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), request_id)


def gateway_error(status: int, code: str, message: str, request_id: str, host: str) -> Response:
    """An error in the API gateway's shape (tea-openapi reads ``Code`` into the exception)."""
    recommend = (
        f"https://api.aliyun.com/troubleshoot?q={code}&product=ververica&requestId={request_id}"
    )
    body = {
        "RequestId": request_id,
        "HostId": host,
        "Code": code,
        "Message": message,
        "Recommend": recommend,
    }
    return json_response(status, body, request_id)


def flink_error(status: int, code: str, message: str, request_id: str) -> Response:
    """An error in the Flink service's own shape (tea-openapi leaves ``code`` empty for it)."""
    body = {
        "requestId": request_id,
        "success": False,
        "httpCode": status,
        "errorCode": code,
        "errorMessage": message,
    }
    return json_response(status, body, request_id)


def flink_data(data_json: bytes, request_id: str) -> Response:
    """A successful answer around already-serialized ``data`` (see the store's listing cache)."""
    head = json.dumps({"requestId": request_id, "success": True, "httpCode": 200})[:-1]
    return Response(200, b"".join([head.encode(), b', "data": ', data_json, b"}"]), request_id)


def fault_response(fault: Fault, request_id: str, host: str) -> Response | None:
    """The answer a fault sends instead of the real one, if it replaces the answer at all."""
    if fault.kind in _GATEWAY_FAULTS:
        response = gateway_error(*_GATEWAY_FAULTS[fault.kind], request_id, host)
        if fault.kind == "throttle_retry_after":
            # tea-openapi's Utils.get_throttling_time_left: a positive integer of milliseconds.
            response.headers["x-acs-retry-after"] = str(fault.retry_after_ms)
        return response
    if fault.kind == "html_502":
        return Response(502, _HTML_502.encode(), request_id, "text/html; charset=utf-8")
    if fault.kind == "success_false":
        response = flink_error(500, "InternalError", "Injected failure.", request_id)
        response.status = 200  # the service reports the failure in the body only
        return response
    return None


class EmulatorServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server holding the store, verifier, fault plan and counters."""

    daemon_threads = True
    request_queue_size = 128  # benchmarks open many connections at once

    def __init__(
        self,
        address: tuple[str, int],
        store: ClusterStore,
        verifier: Verifier,
        faults: FaultPlan,
        stats: Stats,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.store = store
        self.verifier = verifier
        self.faults = faults
        self.stats = stats
        self.control = Control(store, faults, stats)
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, EmulatorHandler)
        host = address[0]
        self.endpoint = (
            f"[{host}]:{self.server_port}" if ":" in host else f"{host}:{self.server_port}"
        )

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup of the host, which can take seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection so ``close`` can hang up on keep-alive clients."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection once its handler is done."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away; log anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError) or self.stopping.is_set():
            return
        _LOG.exception("emulator: unexpected error serving %s", client_address)

    def close(self) -> None:
        """Stop serving, wake delayed handlers and hang up on every open connection."""
        self.stopping.set()
        self.shutdown()
        self.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class EmulatorHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests: admin routes, or API routes through the gateway checks."""

    protocol_version = "HTTP/1.1"
    server_version = "alicloud-flink-emulator"
    timeout = 120  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True  # headers and body go out as two writes; don't hold the second
    server: EmulatorServer

    def do_GET(self) -> None:
        """Serve GET (the API's method)."""
        self._handle()

    do_PUT = do_POST = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the console belongs to the tests and benchmarks."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer requests Python could not parse with a JSON error, then hang up."""
        if self.request_version == "HTTP/0.9":
            # The version was unreadable; answer with a status line all the same.
            self.request_version = "HTTP/1.0"
        self._reject(code, message or HTTPStatus(code).phrase)

    def _handle(self) -> None:
        if self.request_version == "HTTP/0.9":
            self.close_connection = True  # no status line exists to answer HTTP/0.9 with
            return
        try:
            self._dispatch()
        except (ConnectionError, TimeoutError):
            raise
        except Exception:
            _LOG.exception("emulator: unexpected error on %s %s", self.command, self.path)
            self._reject(500, "The request processing has failed due to an emulator error.")

    def _dispatch(self) -> None:
        duplicated = sorted(
            n for n, seen in Counter(k.lower() for k in self.headers).items() if seen > 1
        )
        if duplicated:
            self._reject(400, f"duplicated header(s): {', '.join(duplicated)}")
            return
        raw_path, _, query = self.path.partition("?")
        is_admin = raw_path.startswith(ADMIN_PREFIX)
        body = self._read_body(MAX_ADMIN_BODY_BYTES if is_admin else MAX_API_BODY_BYTES)
        if body is None:
            return
        if is_admin:
            status, value = self.server.control.handle(self.command, raw_path, body)
            self._write(json_response(status, value, new_request_id()))
        else:
            self._serve_api(raw_path, query, body)

    def _read_body(self, limit: int) -> bytes | None:
        """Read a Content-Length body; ``None`` once the request has been refused."""
        if "transfer-encoding" in self.headers:
            self._reject(411, "send the body with a Content-Length, not a Transfer-Encoding")
            return None
        declared = self.headers.get("content-length", "0").strip()
        if not (declared.isascii() and declared.isdigit()):
            self._reject(400, f"invalid Content-Length {declared!r}")
            return None
        if int(declared) > limit:
            self._reject(413, f"the body exceeds {limit} bytes")
            return None
        body = self.rfile.read(int(declared))
        if len(body) < int(declared):
            self.close_connection = True  # the client hung up mid-body
            return None
        return body

    def _serve_api(self, raw_path: str, query: str, body: bytes) -> None:
        server = self.server
        route = match_route(self.command, raw_path)
        workspace = self.headers.get("workspace")
        if route is None:
            server.stats.count_request(None, workspace, None)
        else:
            server.stats.count_request(route.action, workspace, route.namespace)
        if server.faults.latency_ms:
            server.stopping.wait(server.faults.latency_ms / 1000)
        fault = server.faults.take(raw_path, unquote(raw_path))
        if fault is None:
            self._write(self._answer(route, raw_path, query, body, new_request_id()))
        else:
            server.stats.count_fault()
            self._serve_fault(fault, route, raw_path, query, body)

    def _serve_fault(
        self, fault: Fault, route: Route | None, raw_path: str, query: str, body: bytes
    ) -> None:
        if fault.kind == "drop":
            self.close_connection = True
            return
        if fault.kind in ("stall", "delay"):
            self.server.stopping.wait(fault.delay_ms / 1000)
        request_id = new_request_id()
        response = fault_response(fault, request_id, self.server.endpoint)
        if response is None:
            response = self._answer(route, raw_path, query, body, request_id)
        if fault.kind == "truncate":
            response.body = response.body[: len(response.body) // 2]
        self._write(response)

    def _answer(
        self, route: Route | None, raw_path: str, query: str, body: bytes, request_id: str
    ) -> Response:
        if route is None:
            return self._gateway_error(
                404,
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
                request_id,
            )
        headers = {name.lower(): value for name, value in self.headers.items()}
        refusal = self._refusal(
            route, SignedRequest(self.command, raw_path, query, headers, body), request_id
        )
        if refusal is not None:
            return refusal
        return self._read_store(route, headers["workspace"], request_id)

    def _refusal(self, route: Route, request: SignedRequest, request_id: str) -> Response | None:
        """The gateway's answer when the request may not reach the service, else ``None``."""
        try:
            self.server.verifier.verify(request)
        except SignatureError as exc:
            self.server.stats.count_signature_rejection()
            return self._gateway_error(exc.status, exc.code, exc.message, request_id)
        action, version = request.headers["x-acs-action"], request.headers["x-acs-version"]
        if action != route.action:
            message = (
                f"Specified api is not found: x-acs-action {action!r} does not name "
                f"{route.action} ({request.method} {request.path})."
            )
            return self._gateway_error(404, "InvalidAction.NotFound", message, request_id)
        if version != API_VERSION:
            return self._gateway_error(
                400,
                "InvalidVersion",
                f"Specified parameter Version is not valid: {version!r}.",
                request_id,
            )
        if not request.headers.get("workspace"):
            return flink_error(
                400, "InvalidParameter", "The workspace header is required.", request_id
            )
        return None

    def _read_store(self, route: Route, workspace: str, request_id: str) -> Response:
        store, namespace = self.server.store, route.namespace
        try:
            if route.name is None:
                return flink_data(store.list_json(workspace, namespace), request_id)
            return flink_data(store.get_json(workspace, namespace, route.name), request_id)
        except NamespaceNotFound:
            message = f"namespace '{namespace}' not found in workspace '{workspace}'"
        except ClusterNotFound:
            message = (
                f"session cluster '{route.name}' not found in namespace '{namespace}'"
                f" of workspace '{workspace}'"
            )
        return flink_error(404, NOT_FOUND_CODE, message, request_id)

    def _gateway_error(self, status: int, code: str, message: str, request_id: str) -> Response:
        return gateway_error(status, code, message, request_id, self.server.endpoint)

    def _reject(self, status: int, message: str) -> None:
        """Refuse a request the server cannot safely read on from, and close the connection."""
        self.close_connection = True
        code = HTTPStatus(status).phrase.replace(" ", "").replace("-", "")
        self._write(self._gateway_error(status, code, message, new_request_id()))

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-acs-request-id", response.request_id)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
