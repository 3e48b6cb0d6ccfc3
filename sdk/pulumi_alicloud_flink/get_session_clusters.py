"""``get_session_clusters``: the session clusters of one namespace, as a data source.

The counterpart of Terraform's ``alicloud_realtime_compute_session_clusters``, shaped like
pulumi-alicloud's data sources (``realtimecompute.get_variables``): a plain form returning an
awaitable result and an ``_output`` form taking and returning Outputs. The lookup itself, its
filters, errors and settings are the ``alicloud_flink`` core's.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from pulumi_alicloud_flink._output import lookup_output

if TYPE_CHECKING:
    from alicloud_flink.models import SessionCluster

__all__ = [
    "AwaitableGetSessionClustersResult",
    "GetSessionClustersResult",
    "get_session_clusters",
    "get_session_clusters_output",
]


@dataclass(frozen=True)
class GetSessionClustersResult:
    """The values ``get_session_clusters`` returns (Terraform's attribute names)."""

    id: str
    """``<workspace>:<namespace>``."""
    ids: list[str]
    """Terraform-style ids (``<workspace>:<namespace>:<name>``) of the matches, by name."""
    names: list[str]
    """Names of the matches, in the same order."""
    clusters: tuple[SessionCluster, ...]
    """The matches as ``alicloud_flink.models.SessionCluster``; ``model_dump(mode="json")``
    gives the Terraform-style record (use it to export a cluster as a stack output)."""
    workspace: str
    namespace: str
    name_regex: str | None
    output_file: str | None


class AwaitableGetSessionClustersResult(GetSessionClustersResult):
    """The result, also usable with ``await`` (as pulumi-alicloud's results are)."""

    def __await__(self) -> Generator[None, None, GetSessionClustersResult]:
        """Yield the plain result: an awaitable one would be awaited again by ``Output``."""
        yield from ()
        return GetSessionClustersResult(**vars(self))


def get_session_clusters(
    workspace: str,
    namespace: str,
    *,
    ids: Sequence[str] | None = None,
    name_regex: str | None = None,
    enable_details: bool = False,
    output_file: str | None = None,
    labels: Mapping[str, str] | None = None,
    status: str | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> AwaitableGetSessionClustersResult:
    """The session clusters of ``namespace`` in ``workspace`` that pass every filter.

    :param workspace: The workspace id (sent as the ``workspace`` header).
    :param namespace: The namespace to list.
    :param ids: Keep only these Terraform-style ids (``<workspace>:<namespace>:<name>``).
    :param name_regex: Keep only names this regular expression matches (``re.search``).
    :param enable_details: Fetch each match with GetSessionCluster, which fills
        ``status.failure`` and ``status.running`` (one more request per match).
    :param output_file: After a successful lookup, atomically write the matches there as
        Terraform-style JSON; a failed lookup leaves the file untouched.
    :param labels: Keep only clusters carrying all these labels (values compare as text).
    :param status: Keep only clusters in this status (``RUNNING`` …).
    :param opts: Accepted for compatibility with pulumi-alicloud's signatures; no option changes
        the lookup, which runs in the program's own process with the stack config (see
        :mod:`pulumi_alicloud_flink.config`) rather than through a provider plugin.

    The lookup runs when this function is called, at preview as at update, like any Pulumi
    invoke. No match is an empty result, not an error. Bad arguments raise
    ``alicloud_flink.errors.InvalidInputError`` naming the argument before any request; API
    failures raise the other ``alicloud_flink.errors`` classes.
    """
    from alicloud_flink import validation
    from alicloud_flink.lookup import ClusterQuery, find_clusters

    from pulumi_alicloud_flink.config import stack_settings

    query = ClusterQuery.build(
        workspace,
        namespace,
        ids=ids,
        name_regex=name_regex,
        labels=labels,
        status=status,
        enable_details=enable_details,
    )
    target = validation.output_path(output_file)
    search = find_clusters(query, stack_settings())
    if target is not None:
        from alicloud_flink.output_file import write_output_file

        write_output_file(target, search.clusters)
    return AwaitableGetSessionClustersResult(
        id=f"{query.workspace}:{query.namespace}",
        ids=search.ids,
        names=search.names,
        clusters=search.clusters,
        workspace=query.workspace,
        namespace=query.namespace,
        name_regex=name_regex,
        output_file=target,
    )


def get_session_clusters_output(
    workspace: pulumi.Input[str],
    namespace: pulumi.Input[str],
    *,
    ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
    name_regex: pulumi.Input[str] | None = None,
    enable_details: pulumi.Input[bool] = False,
    output_file: pulumi.Input[str] | None = None,
    labels: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
    status: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetSessionClustersResult]:
    """:func:`get_session_clusters` with ``pulumi.Input`` arguments, as an Output.

    The lookup waits for every input and runs off the event loop, concurrently with other
    lookups. At preview, while any input is unknown, no request is made and the result is
    unknown. When any input is secret, the result is secret. With
    ``pulumi.InvokeOutputOptions(depends_on=[...])`` the lookup also waits for those resources
    to exist (a custom resource for its id, a component for its registration) and is unknown at
    preview while one is still to be created.
    """
    return lookup_output(
        get_session_clusters,
        opts,
        workspace=workspace,
        namespace=namespace,
        ids=ids,
        name_regex=name_regex,
        enable_details=enable_details,
        output_file=output_file,
        labels=labels,
        status=status,
    )
