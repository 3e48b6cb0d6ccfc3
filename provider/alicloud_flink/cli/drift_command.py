"""``drift``: compare live session clusters with an expectation; exit 0 same, 2 drift, 1 error.

Expectations are loaded (and fully validated) before any network call, so a bad file fails fast.
The live side is one concurrent plural lookup per distinct (workspace, namespace), filtered to
the expected clusters by id; what "changed" means is :func:`alicloud_flink.drift.compare`.
A cluster that is not there is drift (``MISSING``); a failed lookup is an error.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from alicloud_flink.cli import EXIT_DRIFT, EXIT_OK, expectations, options, render
from alicloud_flink.cli.expectations import Expectation
from alicloud_flink.drift import FieldChange, compare, snapshot
from alicloud_flink.lookup import ClusterQuery, find_clusters_many
from alicloud_flink.models import SessionCluster, cluster_id
from alicloud_flink.settings import Settings

_Key = tuple[str, str, str]


@dataclass(frozen=True)
class ClusterCheck:
    """The verdict on one expected cluster: ``ok``, ``drifted`` (with changes) or ``missing``."""

    expectation: Expectation
    status: Literal["ok", "drifted", "missing"]
    changes: tuple[FieldChange, ...] = ()


def run(args: argparse.Namespace) -> int:
    """Check every expected cluster, print the report, and exit 2 when anything drifted."""
    expected = _expectations(args)
    live = _live_clusters(expected, options.settings(args))
    checks = [_check(item, live.get(_key(item))) for item in expected]
    print(render.drift_json(checks) if args.output == "json" else render.drift_report(checks))
    return EXIT_OK if all(check.status == "ok" for check in checks) else EXIT_DRIFT


def _expectations(args: argparse.Namespace) -> list[Expectation]:
    """Load the one source given; flags and env name or locate the clusters it describes."""
    flags, env = options.flag_identity(args), options.env_identity()
    if args.from_output_file is not None:
        return expectations.from_output_file(args.from_output_file, flags.over(env))
    if args.from_stack_outputs is not None:
        return expectations.from_stack_outputs(args.from_stack_outputs, flags, env)
    if args.from_stack_export is not None:
        return expectations.from_stack_export(args.from_stack_export, flags.over(env))
    return expectations.from_pairs(options.pairs("--expect", args.expect), flags.over(env))


def _live_clusters(
    expected: Sequence[Expectation], settings: Settings
) -> dict[_Key, SessionCluster]:
    """The expected clusters that exist, from one lookup per (workspace, namespace)."""
    ids: dict[tuple[str, str], list[str]] = {}
    for item in expected:
        where = (item.workspace, item.namespace)
        ids.setdefault(where, []).append(cluster_id(*where, item.name))
    queries = [ClusterQuery.build(*where, ids=wanted) for where, wanted in ids.items()]
    return {
        (search.workspace, search.namespace, cluster.session_cluster_name or ""): cluster
        for search in find_clusters_many(queries, settings)
        for cluster in search.clusters
    }


def _check(expected: Expectation, cluster: SessionCluster | None) -> ClusterCheck:
    if cluster is None:
        return ClusterCheck(expected, "missing")
    changes = tuple(compare(expected.fields, snapshot(cluster)))
    return ClusterCheck(expected, "drifted" if changes else "ok", changes)


def _key(expected: Expectation) -> _Key:
    return (expected.workspace, expected.namespace, expected.name)
