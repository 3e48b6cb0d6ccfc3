"""Fault injection: a thread-safe plan of failures served instead of (or around) real answers.

A fault hits the next ``count`` API requests whose path contains ``match`` (all when unset),
each with chance ``probability``; a ``seed`` makes that coin reproducible for soak tests.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard, get_args

FaultKind = Literal[
    "throttle",  # HTTP 400, Code Throttling.User
    "throttle_retry_after",  # the same plus x-acs-retry-after: <retry_after_ms>
    "throttle_429",  # HTTP 429, Code Throttling.User
    "http500",  # HTTP 500, Code InternalError
    "http503",  # HTTP 503, Code ServiceUnavailable
    "html_502",  # HTTP 502 with a text/html page, as a load balancer sends it
    "drop",  # close the connection without answering
    "stall",  # wait delay_ms before answering (longer than the client's read timeout)
    "delay",  # wait delay_ms, then answer normally
    "truncate",  # send the first half of the answer's body, Content-Length to match
    "success_false",  # HTTP 200 with success: false, errorCode InternalError
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


@dataclass(frozen=True)
class Fault:
    """One planned failure; validated on construction so a bad plan fails where it is made."""

    kind: FaultKind
    count: int = 1  # requests it hits; -1 means until cleared
    probability: float = 1.0  # chance that a matching request is hit
    seed: int | None = None  # seeds this fault's coin for reproducible runs
    match: str | None = None  # substring the request path (raw or decoded) must contain
    delay_ms: int = 0  # for stall and delay
    retry_after_ms: int = 1000  # for throttle_retry_after

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if not _is_int(self.count) or (self.count < 1 and self.count != -1):
            raise ValueError("count must be a positive integer, or -1 for 'until cleared'")
        if not isinstance(self.probability, int | float) or not 0 <= self.probability <= 1:
            raise ValueError("probability must be a number from 0 to 1")
        if self.seed is not None and not _is_int(self.seed):
            raise ValueError("seed must be an integer or null")
        if self.match is not None and not isinstance(self.match, str):
            raise ValueError("match must be a string or null")
        if not _is_int(self.delay_ms) or self.delay_ms < 0:
            raise ValueError("delay_ms must be a non-negative integer")
        if not _is_int(self.retry_after_ms) or self.retry_after_ms <= 0:
            raise ValueError("retry_after_ms must be a positive integer (the SDK ignores 0)")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """Build a fault from its JSON form, refusing unknown fields."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault must be a JSON object")
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown fault field(s): {sorted(unknown)}")
        if "kind" not in data:
            raise ValueError("a fault needs a 'kind'")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the fault."""
        return dataclasses.asdict(self)


@dataclass
class _Planned:
    fault: Fault
    remaining: int
    coin: random.Random


class FaultPlan:
    """The active faults, consumed in the order they were added, plus a global injected latency."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._planned: list[_Planned] = []
        self._latency_ms = 0

    @property
    def latency_ms(self) -> int:
        """Milliseconds every API request waits before it is handled."""
        return self._latency_ms

    def set_latency_ms(self, value: object) -> None:
        """Set the latency every API request waits, refusing anything but a count of ms."""
        if not _is_int(value) or value < 0:
            raise ValueError("latency must be a non-negative integer of milliseconds")
        self._latency_ms = value

    def add(self, fault: Fault) -> None:
        """Plan a fault after those already planned."""
        with self._lock:
            self._planned.append(_Planned(fault, fault.count, random.Random(fault.seed)))

    def clear(self) -> int:
        """Drop every planned fault; return how many there were."""
        with self._lock:
            cleared = len(self._planned)
            self._planned.clear()
            return cleared

    def take(self, *paths: str) -> Fault | None:
        """Return the fault that hits a request with these path spellings, using up one hit."""
        with self._lock:
            for planned in self._planned:
                match = planned.fault.match
                if match is not None and not any(match in path for path in paths):
                    continue
                if planned.coin.random() >= planned.fault.probability:
                    continue
                planned.remaining -= 1
                if planned.remaining == 0:
                    self._planned.remove(planned)
                return planned.fault
            return None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
