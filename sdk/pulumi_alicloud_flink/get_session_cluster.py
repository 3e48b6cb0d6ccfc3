"""``get_session_cluster``: exactly one session cluster, by name or by session cluster id.

A data source in pulumi-alicloud's shape (plain form returning an awaitable result, ``_output``
form on Outputs). Finding the cluster, and the errors for zero or several matches, are the
``alicloud_flink`` core's.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from pulumi_alicloud_flink._output import lookup_output

if TYPE_CHECKING:
    from alicloud_flink.models import SessionCluster

__all__ = [
    "AwaitableGetSessionClusterResult",
    "GetSessionClusterResult",
    "get_session_cluster",
    "get_session_cluster_output",
]


@dataclass(frozen=True)
class GetSessionClusterResult:
    """The values ``get_session_cluster`` returns."""

    id: str
    """The cluster's Terraform-style id, ``<workspace>:<namespace>:<name>``."""
    workspace: str
    namespace: str
    cluster: SessionCluster
    """The cluster as ``alicloud_flink.models.SessionCluster``, with Terraform's attribute names
    (``session_cluster_id``, ``engine_version``, ``deployment_target_name`` …)."""


class AwaitableGetSessionClusterResult(GetSessionClusterResult):
    """The result, also usable with ``await`` (as pulumi-alicloud's results are)."""

    def __await__(self) -> Generator[None, None, GetSessionClusterResult]:
        """Yield the plain result: an awaitable one would be awaited again by ``Output``."""
        yield from ()
        return GetSessionClusterResult(**vars(self))


def get_session_cluster(
    workspace: str,
    namespace: str,
    name: str | None = None,
    session_cluster_id: str | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> AwaitableGetSessionClusterResult:
    """The one session cluster of ``namespace`` named ``name`` or with ``session_cluster_id``.

    :param workspace: The workspace id (sent as the ``workspace`` header).
    :param namespace: The namespace to look in.
    :param name: The cluster's name; give exactly one of ``name`` and ``session_cluster_id``.
    :param session_cluster_id: The cluster's ``sessionClusterId``.
    :param opts: Accepted for compatibility with pulumi-alicloud's signatures; no option changes
        the lookup, which runs in the program's own process with the stack config (see
        :mod:`pulumi_alicloud_flink.config`) rather than through a provider plugin.

    The lookup runs when this function is called, at preview as at update, like any Pulumi
    invoke. No match raises ``alicloud_flink.errors.NotFoundError`` (suggesting close names),
    several raise ``alicloud_flink.lookup.AmbiguousMatchError``; bad arguments raise
    ``InvalidInputError`` naming the argument before any request.
    """
    from alicloud_flink.lookup import ClusterQuery, find_cluster

    from pulumi_alicloud_flink.config import stack_settings

    query = ClusterQuery.build(
        workspace, namespace, name=name, session_cluster_id=session_cluster_id
    )
    cluster = find_cluster(query, stack_settings())
    return AwaitableGetSessionClusterResult(
        id=cluster.id, workspace=query.workspace, namespace=query.namespace, cluster=cluster
    )


def get_session_cluster_output(
    workspace: pulumi.Input[str],
    namespace: pulumi.Input[str],
    name: pulumi.Input[str] | None = None,
    session_cluster_id: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetSessionClusterResult]:
    """:func:`get_session_cluster` with ``pulumi.Input`` arguments, as an Output.

    The lookup waits for every input and runs off the event loop, concurrently with other
    lookups. At preview, while any input is unknown, no request is made and the result is
    unknown. When any input is secret, the result is secret. With
    ``pulumi.InvokeOutputOptions(depends_on=[...])`` the lookup also waits for those resources
    to exist (a custom resource for its id, a component for its registration) and is unknown at
    preview while one is still to be created. Attribute access lifts, so
    ``get_session_cluster_output(...).cluster.engine_version`` is an ``Output[str]``.
    """
    return lookup_output(
        get_session_cluster,
        opts,
        workspace=workspace,
        namespace=namespace,
        name=name,
        session_cluster_id=session_cluster_id,
    )
