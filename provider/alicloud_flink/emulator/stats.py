"""Request counters, so tests and benchmarks can assert how many calls a client really made."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counts of API requests (faulted ones included); admin calls are not counted."""

    _requests: int
    _by_action: Counter[str]
    _by_namespace: Counter[tuple[str, str]]
    _signature_rejections: int
    _faults_injected: int

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def count_request(
        self, action: str | None, workspace: str | None, namespace: str | None
    ) -> None:
        """Count one API request, by action and namespace when the route names them."""
        with self._lock:
            self._requests += 1
            if action is not None:
                self._by_action[action] += 1
            if workspace is not None and namespace is not None:
                self._by_namespace[workspace, namespace] += 1

    def count_signature_rejection(self) -> None:
        """Count a request the signature checks refused."""
        with self._lock:
            self._signature_rejections += 1

    def count_fault(self) -> None:
        """Count a request a planned fault hit."""
        with self._lock:
            self._faults_injected += 1

    def snapshot(self) -> dict[str, Any]:
        """Return the counters as JSON: by_namespace is nested workspace -> namespace -> count."""
        with self._lock:
            by_namespace: dict[str, dict[str, int]] = {}
            for (workspace, namespace), count in sorted(self._by_namespace.items()):
                by_namespace.setdefault(workspace, {})[namespace] = count
            return {
                "requests": self._requests,
                "by_action": dict(sorted(self._by_action.items())),
                "by_namespace": by_namespace,
                "signature_rejections": self._signature_rejections,
                "faults_injected": self._faults_injected,
            }

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._requests = 0
            self._by_action = Counter()
            self._by_namespace = Counter()
            self._signature_rejections = 0
            self._faults_injected = 0
