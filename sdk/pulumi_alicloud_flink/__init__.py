"""Reference Alibaba Cloud Realtime Compute for Apache Flink session clusters from Pulumi.

- :func:`get_session_clusters` / :func:`get_session_clusters_output`: the clusters of a
  namespace, filtered like Terraform's ``alicloud_realtime_compute_session_clusters``.
- :func:`get_session_cluster` / :func:`get_session_cluster_output`: exactly one cluster.
- :class:`SessionClusterLookup`: a cluster observed as a resource, so that refresh and preview
  report drift.

Settings come from the stack config a pulumi-alicloud user already has (``alicloud:region``,
``alicloud:accessKey`` …, plus ``alicloud-flink:endpoint``); see :mod:`.config`. Importing this
package is cheap: the API client and the models load on the first lookup, and
:class:`SessionClusterLookup` (with the dynamic provider and the drift rules) on first use.
"""

from typing import TYPE_CHECKING, Any

from pulumi_alicloud_flink.get_session_cluster import (
    AwaitableGetSessionClusterResult,
    GetSessionClusterResult,
    get_session_cluster,
    get_session_cluster_output,
)
from pulumi_alicloud_flink.get_session_clusters import (
    AwaitableGetSessionClustersResult,
    GetSessionClustersResult,
    get_session_clusters,
    get_session_clusters_output,
)

if TYPE_CHECKING:
    from pulumi_alicloud_flink.session_cluster_lookup import SessionClusterLookup

__all__ = [
    "AwaitableGetSessionClusterResult",
    "AwaitableGetSessionClustersResult",
    "GetSessionClusterResult",
    "GetSessionClustersResult",
    "SessionClusterLookup",
    "get_session_cluster",
    "get_session_cluster_output",
    "get_session_clusters",
    "get_session_clusters_output",
]


def __getattr__(name: str) -> Any:
    """Import :class:`SessionClusterLookup` when a program first names it (PEP 562)."""
    if name == "SessionClusterLookup":
        from pulumi_alicloud_flink.session_cluster_lookup import SessionClusterLookup

        return SessionClusterLookup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names, the lazily imported :class:`SessionClusterLookup` included."""
    return sorted({*globals(), *__all__})
