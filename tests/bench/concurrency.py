"""Row 2: plural lookups over 32 namespaces, each list call delayed 100 ms by the emulator.

Three shapes, timed in one program run each (the lookup cache cleared before every run):
``get_session_clusters_output`` over the 32 namespaces at once; the same function over one
namespace (the unit); and a loop of 32 plain ``get_session_clusters`` calls, one after the
other, for reference. Runs alternate and the medians are compared.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from common import Row, emulator_process, median, namespace_state, stack_config

WORKSPACE = "ws-wide"
NAMESPACES = tuple(f"ns-{index:02d}" for index in range(32))
LATENCY_MS = 100
ROUNDS = 5
TARGET_RATIO = 2.0


def _concurrent(namespaces: Sequence[str]) -> Callable[[], float]:
    """Seconds to settle ``get_session_clusters_output`` over ``namespaces``, from cold."""
    from alicloud_flink.lookup import clear_cache
    from program import settle
    from pulumi_alicloud_flink import get_session_clusters_output

    def run() -> float:
        clear_cache()
        started = time.perf_counter()
        settle([get_session_clusters_output(WORKSPACE, ns).ids for ns in namespaces])
        return time.perf_counter() - started

    return run


def _sequential() -> float:
    """Seconds for 32 plain calls in a loop, from cold."""
    from alicloud_flink.lookup import clear_cache
    from pulumi_alicloud_flink import get_session_clusters

    clear_cache()
    started = time.perf_counter()
    for namespace in NAMESPACES:
        get_session_clusters(WORKSPACE, namespace)
    return time.perf_counter() - started


def measure() -> list[Row]:
    """Time the three shapes against a slow emulator and compare."""
    from program import start_program

    sizes = dict.fromkeys(NAMESPACES, 5)
    with emulator_process(namespace_state(WORKSPACE, sizes)) as emulator:
        start_program(stack_config(emulator.url))
        emulator.admin.set_latency_ms(LATENCY_MS)
        one, many = _concurrent(NAMESPACES[:1]), _concurrent(NAMESPACES)
        one()  # warm: imports, client, connection
        singles, wides = [], []
        for _ in range(ROUNDS):
            singles.append(one())
            wides.append(many())
        sequential = _sequential()
    single, wide = median(singles), median(wides)
    ratio = wide / single
    return [
        Row(
            key="2",
            what=(
                f"Concurrency: `get_session_clusters_output` over {len(NAMESPACES)} namespaces, "
                f"{LATENCY_MS} ms injected latency per call"
            ),
            figure=f"{wide * 1000:.0f} ms = {ratio:.2f}x one call ({single * 1000:.0f} ms)",
            comparison=(
                f"sequential loop {sequential * 1000:.0f} ms = {sequential / single:.1f}x one "
                f"call; speed-up {sequential / wide:.1f}x"
            ),
            target=f"<= {TARGET_RATIO:.1f}x one call",
            passed=ratio <= TARGET_RATIO,
            raw={
                "single_s": singles,
                "concurrent_s": wides,
                "sequential_s": sequential,
                "ratio": ratio,
                "speedup_vs_sequential": sequential / wide,
            },
        )
    ]
