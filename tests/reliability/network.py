"""Network helpers of the suites: a loopback-only guard and a stub API that answers anything.

:func:`loopback_only` makes every name resolution of this process refuse non-loopback hosts
(and records them), so a suite can prove that nothing left the machine. :class:`StubApi`
serves whatever status and body a test chooses, to feed the client replies the emulator would
never send (random bytes, broken envelopes, mutated clusters).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: object) -> bool:
    """Whether ``host`` (a name or an address, bytes or text) stays on this machine."""
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def loopback_only() -> Iterator[list[str]]:
    """Refuse to resolve any non-loopback host for the block; yields the hosts refused."""
    refused: list[str] = []
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            refused.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, f"blocked by the test: {host}")
        return real(host, *args, **kwargs)

    with mock.patch("socket.getaddrinfo", guarded):
        yield refused


Reply = tuple[int, bytes]


class StubApi:
    """A loopback HTTP server answering every request with ``reply(method, path)``."""

    def __init__(self, reply: Callable[[str, str], Reply]) -> None:
        self.reply = reply
        self.requests = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                stub.requests += 1
                status, body = stub.reply(self.command, self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("x-acs-request-id", "STUB-REQUEST")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> StubApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
