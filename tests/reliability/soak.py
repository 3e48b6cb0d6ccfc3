"""Soak: many lookups from concurrent threads while 20 % of all requests fail transiently.

Every lookup must return exactly the clusters the emulator holds. The lookup cache is cleared
between rounds and each namespace is looked up once per round, so every lookup really calls
the API. The report gives attempts (requests the emulator saw), retries, failures, the chance
that a lookup exhausts its budget, and latency percentiles.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from alicloud_flink.emulator import Emulator
from alicloud_flink.lookup import ClusterQuery, clear_cache, find_cluster, find_clusters
from reference import reference_cluster, settings_for

from .report import Row, check
from .scenarios import RETRY_AFTER_MS, WORKSPACE, Size, failure_odds

FAULT_RATE = 0.2
TRANSIENT_KINDS = ("http500", "http503", "throttle", "throttle_retry_after", "drop")
NAMESPACES = 40
CLUSTERS_PER_NAMESPACE = 3
SEED = 20_240_718


def soak_state() -> dict[str, Any]:
    """:data:`NAMESPACES` namespaces of distinct clusters (names, versions, labels differ)."""
    namespaces = {}
    for n in range(NAMESPACES):
        namespace = f"soak-{n:03d}"
        namespaces[namespace] = [
            reference_cluster()
            | {
                "name": f"cluster-{n}-{c}",
                "namespace": namespace,
                "sessionClusterId": f"id-{n}-{c}",
                "engineVersion": f"vvr-{n}.{c}-flink-1.17",
                "labels": {"n": n, "c": str(c)},
            }
            for c in range(CLUSTERS_PER_NAMESPACE)
        ]
    return {WORKSPACE: namespaces}


def soak_faults() -> list[dict[str, Any]]:
    """One seeded fault per transient kind; together they hit :data:`FAULT_RATE` of requests.

    The emulator offers a request to each planned fault in turn, so each gets the chance
    ``q`` with ``1 - (1 - q) ** kinds == FAULT_RATE``.
    """
    each = 1 - (1 - FAULT_RATE) ** (1 / len(TRANSIENT_KINDS))
    return [
        {"kind": kind, "count": -1, "probability": each, "seed": SEED + index}
        | ({"retry_after_ms": RETRY_AFTER_MS} if kind == "throttle_retry_after" else {})
        for index, kind in enumerate(TRANSIENT_KINDS)
    ]


@dataclass
class _Tally:
    """Thread-safe outcomes of every lookup."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def record(self, elapsed_ms: float, failure: str | None, wrong: str | None) -> None:
        with self.lock:
            self.latencies_ms.append(elapsed_ms)
            if failure:
                self.failures.append(failure)
            if wrong:
                self.wrong.append(wrong)


def run_soak(size: Size) -> Row:
    """The soak row: ``size.soak_lookups`` lookups on ``size.soak_threads`` threads."""
    return check(
        "soak", f"{size.soak_lookups} lookups, 20% faults", "core", lambda r: _soak(size, r)
    )


def _soak(size: Size, row: Row) -> None:
    state = soak_state()
    expected = {
        ns: sorted(c["name"] for c in clusters) for ns, clusters in state[WORKSPACE].items()
    }
    with Emulator(state) as emulator:
        settings = settings_for(
            emulator, max_attempts=size.soak_max_attempts, read_timeout_ms=5_000
        )
        for fault in soak_faults():
            emulator.admin.add_fault(fault)
        tally = _Tally()
        started = time.monotonic()
        with ThreadPoolExecutor(size.soak_threads) as pool:
            for batch in _rounds(sorted(expected), size.soak_lookups):
                clear_cache()
                list(pool.map(lambda job: _lookup(job, settings, state, tally), batch))
        wall = time.monotonic() - started
        stats = emulator.admin.stats()
    clear_cache()
    _report(row, size, tally, stats, wall)


def _rounds(namespaces: list[str], lookups: int) -> list[list[tuple[int, str]]]:
    """Rounds of (index, namespace) jobs: each namespace at most once per round."""
    jobs = [(index, namespaces[index % len(namespaces)]) for index in range(lookups)]
    width = len(namespaces)
    return [jobs[start : start + width] for start in range(0, lookups, width)]


def _lookup(job: tuple[int, str], settings: Any, state: dict[str, Any], tally: _Tally) -> None:
    """One lookup, plural or singular by turns, compared with the emulator's clusters."""
    index, namespace = job
    raw = sorted(state[WORKSPACE][namespace], key=lambda c: c["name"])
    started = time.monotonic()
    failure = wrong = None
    try:
        if index % 2:
            wanted = raw[index % len(raw)]
            one = find_cluster(
                ClusterQuery.build(WORKSPACE, namespace, name=wanted["name"]), settings
            )
            got = [one.model_dump(by_alias=True, exclude={"id"})]
            raw = [wanted]
        else:
            found = find_clusters(ClusterQuery.build(WORKSPACE, namespace), settings)
            got = [c.model_dump(by_alias=True, exclude={"id"}) for c in found.clusters]
        if got != raw:
            wrong = f"{namespace}: {len(got)} clusters differ from the emulator's {len(raw)}"
    except Exception as problem:
        failure = f"{namespace}: {type(problem).__name__}: {problem}"
    tally.record((time.monotonic() - started) * 1000, failure, wrong)


def _report(row: Row, size: Size, tally: _Tally, stats: dict[str, Any], wall: float) -> None:
    lookups = len(tally.latencies_ms)
    requests = int(stats["requests"])
    per_lookup = failure_odds(FAULT_RATE, size.soak_max_attempts)
    row.counts = {
        "lookups": lookups,
        "threads": size.soak_threads,
        "attempts": requests,
        "retries": requests - lookups,
        "faults_injected": stats["faults_injected"],
        "fault_rate": round(stats["faults_injected"] / max(1, requests), 3),
        "failures": len(tally.failures),
        "wrong_data": len(tally.wrong),
        "max_attempts": size.soak_max_attempts,
        "p_lookup_exhausts": f"{per_lookup:.1e}",
        "p_any_exhausts": f"{1 - (1 - per_lookup) ** lookups:.1e}",
        **_percentiles(tally.latencies_ms),
        "wall_s": round(wall, 1),
    }
    row.detail = "transient kinds " + ", ".join(TRANSIENT_KINDS)
    row.expect(lookups == size.soak_lookups, f"{lookups} lookups ran, {size.soak_lookups} planned")
    row.expect(not tally.failures, f"{len(tally.failures)} failed: {tally.failures[:3]}")
    row.expect(not tally.wrong, f"{len(tally.wrong)} wrong: {tally.wrong[:3]}")
    row.expect(requests >= lookups, "fewer requests than lookups: the cache answered some")
    row.expect(0.1 <= row.counts["fault_rate"] <= 0.3, "the fault rate is not about 20%")


def _percentiles(latencies_ms: list[float]) -> dict[str, float]:
    if len(latencies_ms) < 2:
        return {}
    cuts = statistics.quantiles(latencies_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(max(latencies_ms), 1),
    }
