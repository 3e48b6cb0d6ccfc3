"""The admin interface under ``/_emulator/``: unsigned JSON routes that drive a running emulator.

Routes (path segments percent-encoded):

- ``GET /_emulator/state``, ``PUT /_emulator/state`` (replace the whole state)
- ``PUT /_emulator/clusters/{ws}/{ns}`` (upsert the cluster in the body, keyed by ``name``)
- ``PATCH /_emulator/clusters/{ws}/{ns}/{name}`` (JSON merge patch), ``DELETE`` the same path
- ``POST /_emulator/faults`` (plan one fault), ``DELETE /_emulator/faults`` (clear them)
- ``GET``/``PUT /_emulator/latency`` (``{"ms": 100}``)
- ``GET /_emulator/stats``, ``POST /_emulator/stats/reset``
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .faults import Fault, FaultPlan
from .state import ClusterStore, NotFound, parse_json, parse_state
from .stats import Stats

ADMIN_PREFIX = "/_emulator/"


class AdminError(Exception):
    """An admin request refused with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Control:
    """Applies admin requests to the store, the fault plan and the counters."""

    def __init__(self, store: ClusterStore, faults: FaultPlan, stats: Stats) -> None:
        self._store = store
        self._faults = faults
        self._stats = stats

    def handle(self, method: str, raw_path: str, body: bytes) -> tuple[int, Any]:
        """Answer one admin request with an HTTP status and a JSON-ready value."""
        try:
            segments = [
                unquote(s, errors="strict") for s in raw_path[len(ADMIN_PREFIX) :].split("/")
            ]
            return 200, self._dispatch(method, segments, body)
        except AdminError as exc:
            return exc.status, {"error": exc.message}
        except NotFound as exc:
            return 404, {"error": f"not found: {'/'.join(map(str, exc.args))}"}
        except ValueError as exc:  # StateError, bad faults and latencies, undecodable paths
            return 400, {"error": str(exc)}

    def _dispatch(self, method: str, segments: list[str], body: bytes) -> Any:  # noqa: PLR0911
        """Route table: one case, and one return, per admin route."""
        store, faults = self._store, self._faults
        match (method, *segments):
            case ("GET", "state"):
                return store.dump()
            case ("PUT", "state"):
                store.replace(parse_state(_json_body(body)))
                return {"clusters": store.cluster_count()}
            case ("PUT", "clusters", workspace, namespace):
                return store.upsert(workspace, namespace, _json_body(body))
            case ("PATCH", "clusters", workspace, namespace, name):
                return store.patch(workspace, namespace, name, _json_body(body))
            case ("DELETE", "clusters", workspace, namespace, name):
                store.delete(workspace, namespace, name)
                return {"deleted": name}
            case ("POST", "faults"):
                fault = Fault.from_dict(_json_body(body))
                faults.add(fault)
                return fault.to_dict()
            case ("DELETE", "faults"):
                return {"cleared": faults.clear()}
            case ("GET", "latency"):
                return {"ms": faults.latency_ms}
            case ("PUT", "latency"):
                faults.set_latency_ms(_json_object(body).get("ms"))
                return {"ms": faults.latency_ms}
            case ("GET", "stats"):
                return self._stats.snapshot()
            case ("POST", "stats", "reset"):
                self._stats.reset()
                return self._stats.snapshot()
        raise AdminError(404, f"no admin route {method} {ADMIN_PREFIX}{'/'.join(segments)}")


def _json_object(body: bytes) -> dict[str, Any]:
    value = _json_body(body)
    if not isinstance(value, dict):
        raise AdminError(400, "the request body must be a JSON object")
    return value


def _json_body(body: bytes) -> Any:
    return parse_json(body, "the request body")
