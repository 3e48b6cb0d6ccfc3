"""A small urllib client of the emulator's admin interface, usable across processes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .faults import Fault

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class EmulatorAdminError(RuntimeError):
    """The emulator refused an admin request; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"emulator admin request failed ({status}): {message}")
        self.status = status
        self.message = message


class EmulatorAdmin:
    """Drives a running emulator (state, faults, latency, counters) through ``/_emulator/``."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # Loopback traffic must not go through an HTTP(S)_PROXY from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def state(self) -> dict[str, Any]:
        """Return the whole state document."""
        return self._call("GET", "state")

    def replace_state(self, state: Mapping[str, Any]) -> int:
        """Replace the whole state; return how many clusters it holds."""
        return int(self._call("PUT", "state", body=state)["clusters"])

    def upsert_cluster(
        self, workspace: str, namespace: str, cluster: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Insert or replace a cluster (keyed by its ``name``), creating the namespace if needed."""
        return self._call("PUT", "clusters", workspace, namespace, body=cluster)

    def patch_cluster(
        self, workspace: str, namespace: str, name: str, fields: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Deep-merge ``fields`` into a cluster (``None`` removes a key); return the result."""
        return self._call("PATCH", "clusters", workspace, namespace, name, body=fields)

    def delete_cluster(self, workspace: str, namespace: str, name: str) -> None:
        """Remove a cluster."""
        self._call("DELETE", "clusters", workspace, namespace, name)

    def add_fault(self, fault: Fault | Mapping[str, Any]) -> Fault:
        """Plan a fault after those already planned; return it as the emulator accepted it."""
        body = fault.to_dict() if isinstance(fault, Fault) else fault
        return Fault.from_dict(self._call("POST", "faults", body=body))

    def clear_faults(self) -> int:
        """Drop every planned fault; return how many there were."""
        return int(self._call("DELETE", "faults")["cleared"])

    def set_latency_ms(self, ms: int) -> None:
        """Delay every API request by ``ms`` milliseconds (0 turns it off)."""
        self._call("PUT", "latency", body={"ms": ms})

    def stats(self) -> dict[str, Any]:
        """Return the request counters."""
        return self._call("GET", "stats")

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self._call("POST", "stats", "reset")

    def _call(
        self, method: str, *segments: str, body: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send one admin request; every admin answer is a JSON object."""
        url = f"{self.base_url}/_emulator/" + "/".join(quote(s, safe="") for s in segments)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=JSON_HEADERS)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                raise EmulatorAdminError(exc.code, _error_message(exc.read())) from None
        if not isinstance(answer, dict):
            raise EmulatorAdminError(200, f"expected a JSON object, got {answer!r:.200}")
        return answer


def _error_message(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"])
    except (ValueError, KeyError, TypeError):
        return body.decode("utf-8", "replace")
