"""``clusters list`` and ``clusters get``: the SDK's plural and singular lookups on a terminal.

Both run the lookup core (:mod:`alicloud_flink.lookup`) with the filters built and validated by
:meth:`ClusterQuery.build`; nothing here filters or validates clusters itself.
"""

from __future__ import annotations

import argparse
import sys

from alicloud_flink.cli import EXIT_OK, options, render
from alicloud_flink.errors import InvalidInputError
from alicloud_flink.lookup import ClusterQuery, find_cluster, find_clusters_many
from alicloud_flink.output_file import write_output_file


def run_list(args: argparse.Namespace) -> int:
    """List the matching clusters of every namespace given (listed concurrently)."""
    workspace = options.workspace(args)
    queries = _list_queries(args, workspace, options.namespaces(args))
    clusters = [
        c for search in find_clusters_many(queries, options.settings(args)) for c in search.clusters
    ]
    if args.output_file:
        write_output_file(args.output_file, clusters)
    rows = [render.list_row(cluster) for cluster in clusters]
    if args.output == "json":
        print(render.to_json(rows))
    elif rows:
        print(render.table(rows, render.LIST_COLUMNS))
    else:
        print("no session clusters match", file=sys.stderr)
    return EXIT_OK


def run_get(args: argparse.Namespace) -> int:
    """Show one cluster with every field; a missing name is an error suggesting close names."""
    query = ClusterQuery.build(
        options.workspace(args),
        options.namespace(args),
        name=args.cluster_name,
        enable_details=True,
    )
    record = find_cluster(query, options.settings(args)).model_dump(mode="json")
    print(
        render.to_json(record, sort_keys=True) if args.output == "json" else render.details(record)
    )
    return EXIT_OK


def _list_queries(
    args: argparse.Namespace, workspace: str, namespaces: list[str]
) -> list[ClusterQuery]:
    """One validated query per namespace to list, with the filters of the command line."""
    return [
        ClusterQuery.build(
            workspace,
            namespace,
            ids=ids,
            name_regex=args.name_regex,
            labels=options.pairs("--label", args.label),
            status=args.status,
            engine_version=args.engine_version,
            enable_details=args.details,
        )
        for namespace, ids in _namespace_ids(args.ids, workspace, namespaces).items()
    ]


def _namespace_ids(
    ids: list[str] | None, workspace: str, namespaces: list[str]
) -> dict[str, list[str] | None]:
    """The namespaces to list, each with its ``--id`` values (None: no ``--id`` filter).

    With ``--id``, a namespace no id belongs to is skipped (it could match nothing), and an id
    in none of the listed namespaces is an input error rather than a silent empty result.
    """
    if not ids:
        return dict.fromkeys(namespaces)
    grouped: dict[str, list[str]] = {}
    for value in ids:
        owner = next((n for n in namespaces if value.startswith(f"{workspace}:{n}:")), None)
        if owner is None:
            listed = ", ".join(f"{workspace}:{n}" for n in namespaces)
            raise InvalidInputError(
                "ids", f"{value!r} is in none of the listed namespaces ({listed})"
            )
        grouped.setdefault(owner, []).append(value)
    return {namespace: grouped[namespace] for namespace in namespaces if namespace in grouped}
