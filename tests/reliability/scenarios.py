"""The fault catalogue: each scenario defined once, as data, for every surface and both sizes.

A scenario says what goes wrong (an emulator fault, a vanished namespace, a refused key, a
skewed clock) and what every surface must make of it: success within the retry budget, or one
error type after a known number of attempts. :mod:`.surfaces` turns a (scenario, surface) pair
into probes; :class:`Size` says how hard (retry budget, soak and fuzz sizes).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from alicloud_flink.emulator import Emulator
from reference import reference_cluster

WORKSPACE = "ws-demo"
NAMESPACE = "default-namespace"
#: The namespace of the "unknown namespace" scenario: it exists for the baseline of stateful
#: surfaces (a resource recorded by ``up``) and is removed when the fault is applied.
VANISHING = "vanishing-namespace"
CLUSTER = "test-sessionCluster"
ENGINE = "vvr-6.0.7-flink-1.15"
CLUSTER_ID = f"{WORKSPACE}:{NAMESPACE}:{CLUSTER}"
WRONG_SECRET = "Wrong-Secret-0a1b2c3d4e"
UNKNOWN_KEY_ID = "LTAI-unknown-key-id"
CLOCK_SKEW_SECONDS = 20 * 60
STALL_MS = 1_500
RETRY_AFTER_MS = 100
SURFACES = ("functions", "provider", "cli", "engine")


@dataclass(frozen=True)
class Size:
    """How hard a run pushes: the retry budget, read timeout and the other suites' sizes."""

    name: str
    max_attempts: int
    read_timeout_ms: int
    soak_lookups: int
    soak_threads: int
    soak_max_attempts: int
    fuzz_examples: int
    fuzz_socket_examples: int
    engine_scenarios: tuple[str, ...] | None  # None: every scenario under the real engine
    cli_probes: tuple[str, ...]


SMALL = Size(
    name="small",
    max_attempts=2,
    read_timeout_ms=400,
    soak_lookups=100,
    soak_threads=8,
    soak_max_attempts=8,
    fuzz_examples=60,
    fuzz_socket_examples=60,
    engine_scenarios=("http503-recovers", "http500-persists", "namespace-unknown"),
    cli_probes=("list", "drift"),
)
FULL = Size(
    name="full",
    max_attempts=4,
    read_timeout_ms=400,
    soak_lookups=1_200,
    soak_threads=16,
    soak_max_attempts=10,
    fuzz_examples=600,
    fuzz_socket_examples=500,
    engine_scenarios=None,
    cli_probes=("list", "get", "drift", "list-debug"),
)


@dataclass(frozen=True)
class Expect:
    """The outcome every surface must show: success, or ``error`` (a class name) and ``code``."""

    error: str | None = None
    code: str | None = None
    retried: bool = True  # the failure spends the whole retry budget (else one attempt)
    says: tuple[str, ...] = ()  # fragments the error message holds

    @property
    def success(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Scenario:
    """One thing that goes wrong and what must come of it."""

    name: str
    title: str
    expect: Expect
    fault: dict[str, Any] | None = None  # an emulator fault, without its count
    persistent: bool = False  # the fault hits every request (else budget - 1 of them)
    vanish: bool = False  # the namespace disappears (a wrong or deleted namespace)
    secret: str | None = None  # the client signs with this secret instead
    key_id: str | None = None  # the client sends this AccessKey id instead
    clock_skew_seconds: int = 0  # the server's clock runs this far ahead

    @property
    def namespace(self) -> str:
        return VANISHING if self.vanish else NAMESPACE

    def attempts(self, size: Size, calls: int = 1) -> int:
        """API requests one probe makes: a failure stops at the first of its ``calls``."""
        budget = size.max_attempts
        if self.expect.success:
            hits = 0 if self.fault is None or self.fault["kind"] == "delay" else budget - 1
            return hits + calls
        return budget if self.expect.retried else 1

    def faults(self, size: Size) -> list[dict[str, Any]]:
        """The emulator faults to plan before a probe."""
        if self.fault is None:
            return []
        if self.fault["kind"] == "delay":
            count = 1
        else:
            count = -1 if self.persistent else size.max_attempts - 1
        return [{**self.fault, "count": count}]

    def apply(self, emulator: Emulator, size: Size) -> None:
        """Make the emulator misbehave as this scenario says (after :func:`restore`)."""
        for fault in self.faults(size):
            emulator.admin.add_fault(fault)
        if self.vanish:
            state = emulator.admin.state()
            del state[WORKSPACE][VANISHING]
            emulator.admin.replace_state(state)
        emulator.clock_skew_seconds = self.clock_skew_seconds


def restore(emulator: Emulator) -> None:
    """Undo every scenario: no faults, the baseline state, the right clock, zero counters."""
    emulator.admin.clear_faults()
    emulator.admin.replace_state(baseline_state())
    emulator.clock_skew_seconds = 0
    emulator.admin.reset_stats()


def baseline_state() -> dict[str, Any]:
    """The example state plus a copy of its namespace as :data:`VANISHING`."""
    cluster = reference_cluster()
    return {
        WORKSPACE: {
            NAMESPACE: [cluster],
            VANISHING: [{**copy.deepcopy(cluster), "namespace": VANISHING}],
        }
    }


def _recovers(kind: str, title: str, **fault: Any) -> Scenario:
    return Scenario(f"{kind}-recovers", title, Expect(), {"kind": kind, **fault})


def _persists(kind: str, title: str, error: str, code: str | None, **fault: Any) -> Scenario:
    return Scenario(
        f"{kind}-persists",
        title,
        Expect(error, code, says=("retries exhausted",)),
        {"kind": kind, **fault},
        persistent=True,
    )


_TRANSIENT: tuple[tuple[str, str, str, str | None, dict[str, Any]], ...] = (
    ("throttle", "throttled (HTTP 400 Throttling.User, no retry-after)", "ThrottledError",
     "Throttling.User", {}),
    ("throttle_retry_after", f"throttled with x-acs-retry-after {RETRY_AFTER_MS} ms",
     "ThrottledError", "Throttling.User", {"retry_after_ms": RETRY_AFTER_MS}),
    ("throttle_429", "throttled (HTTP 429)", "ThrottledError", "Throttling.User", {}),
    ("http500", "HTTP 500 InternalError", "TransientError", "InternalError", {}),
    ("http503", "HTTP 503 ServiceUnavailable", "TransientError", "ServiceUnavailable", {}),
    ("drop", "connection reset (closed without an answer)", "TransientError", None, {}),
    ("stall", f"body stalls {STALL_MS} ms, past the read timeout", "TransientError", None,
     {"delay_ms": STALL_MS}),
    ("html_502", "HTML 502 page from a load balancer", "TransientError", None, {}),
)  # fmt: skip

SCENARIOS: tuple[Scenario, ...] = (
    *(_recovers(kind, f"{title}, then recovers", **extra) for kind, title, *_, extra in _TRANSIENT),
    Scenario("delay-recovers", "slow answer (100 ms) within the read timeout", Expect(),
             {"kind": "delay", "delay_ms": 100}),
    *(
        _persists(kind, f"{title}, every attempt", error, code, **extra)
        for kind, title, error, code, extra in _TRANSIENT
    ),
    Scenario("truncate", "truncated JSON body", Expect("MalformedResponseError", retried=False),
             {"kind": "truncate"}, persistent=True),
    Scenario("success-false", "success: false on HTTP 200",
             Expect("ApiError", "InternalError", retried=False), {"kind": "success_false"},
             persistent=True),
    Scenario("namespace-unknown", "unknown (or vanished) namespace",
             Expect("NotFoundError", "990301", retried=False, says=(VANISHING,)), vanish=True),
    Scenario("wrong-secret", "wrong AccessKey secret",
             Expect("AuthenticationError", "SignatureDoesNotMatch", retried=False),
             secret=WRONG_SECRET),
    Scenario("unknown-key", "unknown AccessKey id",
             Expect("AuthenticationError", "InvalidAccessKeyId.NotFound", retried=False),
             key_id=UNKNOWN_KEY_ID),
    Scenario("expired-timestamp", "client clock 20 minutes late (x-acs-date expired)",
             Expect("AuthenticationError", "InvalidTimeStamp.Expired", retried=False,
                    says=("clock",)),
             clock_skew_seconds=CLOCK_SKEW_SECONDS),
)  # fmt: skip

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def matrix(size: Size, surfaces: tuple[str, ...] = SURFACES) -> list[tuple[Scenario, str]]:
    """Every (scenario, surface) pair a run of ``size`` tries on ``surfaces``."""
    return [
        (scenario, surface)
        for scenario in SCENARIOS
        for surface in surfaces
        if surface != "engine"
        or size.engine_scenarios is None
        or scenario.name in size.engine_scenarios
    ]


def failure_odds(rate: float, attempts: int) -> float:
    """Chance that every one of ``attempts`` independent attempts is hit by a fault."""
    return math.pow(rate, attempts)
