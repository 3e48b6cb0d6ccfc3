"""Row 4: one namespace of 10,000 clusters: fetch, parse and filter against the official SDK.

Each measurement runs in a fresh child process (``large_namespace.py WHO URL``), warmed by a
call to a one-cluster namespace (imports, client, keep-alive connection), then times one call
on the big namespace and reads how far its peak RSS grew during it (``VmHWM`` of
``/proc/self/status``: ``ru_maxrss`` would report the parent's peak, which Linux carries across
``exec``). Ours: a
plural lookup with a ``name_regex`` matching 1% of the names (the lookup cache is cold, so this
is fetch + parse + filter + validation of the matches). Theirs: the official SDK's
``list_session_clusters_with_options``, which parses the body and builds models of every cluster
with ``from_map``. Children alternate; the medians are compared.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import PYTHON, Row, emulator_process, median, namespace_state, run_json

WORKSPACE, BIG, SMALL = "ws-large", "ns-big", "ns-small"
CLUSTERS = 10_000
MATCHING = r"-\d{3}00$"  # cluster-00000, cluster-00100, ...: 1% of the names
ROUNDS = 5
#: The filtered lookup, the official SDK, and an unfiltered lookup validating every cluster.
SIDES = ("ours", "official", "ours_all")
TARGET_RATIO = 1.0
TARGET_MEMORY_MB = 150


def _ours(url: str) -> Callable[[str, str | None], int]:
    from alicloud_flink.emulator import DEFAULT_CREDENTIAL
    from alicloud_flink.lookup import ClusterQuery, find_clusters
    from alicloud_flink.settings import resolve_settings

    settings = resolve_settings(
        env={},
        endpoint=url,
        access_key_id=DEFAULT_CREDENTIAL.access_key_id,
        access_key_secret=DEFAULT_CREDENTIAL.access_key_secret,
    )

    def call(namespace: str, name_regex: str | None) -> int:
        query = ClusterQuery.build(WORKSPACE, namespace, name_regex=name_regex)
        return len(find_clusters(query, settings).clusters)

    return call


def _official(url: str) -> Callable[[str, str | None], int]:
    from alibabacloud_tea_openapi.utils_models import Config
    from alibabacloud_ververica20220718.client import Client
    from alibabacloud_ververica20220718.models import ListSessionClustersHeaders
    from alicloud_flink.emulator import DEFAULT_CREDENTIAL
    from darabonba.runtime import RuntimeOptions

    client = Client(
        Config(
            access_key_id=DEFAULT_CREDENTIAL.access_key_id,
            access_key_secret=DEFAULT_CREDENTIAL.access_key_secret,
            endpoint=url.split("://", 1)[1],
            protocol="HTTP",
        )
    )

    def call(namespace: str, name_regex: str | None) -> int:
        headers = ListSessionClustersHeaders(workspace=WORKSPACE)
        response = client.list_session_clusters_with_options(namespace, headers, RuntimeOptions())
        return len(response.body.data)

    return call


def child(who: str, url: str) -> dict[str, Any]:
    """In a fresh process: warm up on the small namespace, then measure the big one."""
    call = _official(url) if who == "official" else _ours(url)
    call(SMALL, None)
    gc.collect()
    before_kb = peak_rss_kb()
    started = time.perf_counter()
    found = call(BIG, None if who == "ours_all" else MATCHING)
    seconds = time.perf_counter() - started
    grown_kb = peak_rss_kb() - before_kb
    return {"seconds": seconds, "rss_growth_mb": grown_kb / 1024, "clusters": found}


def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB (Linux ``VmHWM``, else ``ru_maxrss``)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1])


def measure() -> list[Row]:
    """Alternate fresh children of each side against one emulator holding the big namespace."""
    state = namespace_state(WORKSPACE, {BIG: CLUSTERS, SMALL: 1})
    runs: dict[str, list[dict[str, Any]]] = {who: [] for who in SIDES}
    with emulator_process(state) as emulator:
        _official(emulator.url)(BIG, None)  # the emulator serializes the namespace once
        for round_ in range(ROUNDS):
            for who in SIDES[round_ % len(SIDES) :] + SIDES[: round_ % len(SIDES)]:
                runs[who].append(run_json([PYTHON, __file__, who, emulator.url]))
    seconds = {who: median([run["seconds"] for run in done]) for who, done in runs.items()}
    memory = {who: median([run["rss_growth_mb"] for run in done]) for who, done in runs.items()}
    return [_filtered_row(runs, seconds, memory), _everything_row(seconds, memory)]


def _filtered_row(
    runs: dict[str, list[dict[str, Any]]], seconds: dict[str, float], memory: dict[str, float]
) -> Row:
    ratio = seconds["ours"] / seconds["official"]
    return Row(
        key="4",
        what=(
            f"Large namespace: {CLUSTERS:,} clusters, fetch + parse + filter (`name_regex` "
            f"matching {runs['ours'][0]['clusters']}), fresh process per run, median of {ROUNDS}"
        ),
        figure=f"{seconds['ours'] * 1000:.0f} ms = {ratio:.2f}x; peak RSS +{memory['ours']:.0f} MB",
        comparison=(
            f"official SDK fetch + `from_map` of all: {seconds['official'] * 1000:.0f} ms; "
            f"peak RSS +{memory['official']:.0f} MB"
        ),
        target=f"<= {TARGET_RATIO:.1f}x and <= {TARGET_MEMORY_MB} MB growth",
        passed=ratio <= TARGET_RATIO and memory["ours"] <= TARGET_MEMORY_MB,
        raw={"runs": runs, "ratio": ratio, "seconds": seconds, "rss_growth_mb": memory},
    )


def _everything_row(seconds: dict[str, float], memory: dict[str, float]) -> Row:
    ratio = seconds["ours_all"] / seconds["official"]
    return Row(
        key="4b",
        what=(
            f"Large namespace, no filter: all {CLUSTERS:,} clusters fetched, parsed and "
            "validated into models (same runs)"
        ),
        figure=(
            f"{seconds['ours_all'] * 1000:.0f} ms = {ratio:.2f}x; "
            f"peak RSS +{memory['ours_all']:.0f} MB"
        ),
        comparison=f"official SDK fetch + `from_map` of all: {seconds['official'] * 1000:.0f} ms",
        target="none (informational)",
        passed=None,
        info=True,
        raw={"ratio": ratio},
    )


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
