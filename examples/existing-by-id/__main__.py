"""Read a session cluster by its Terraform-style id: `SessionClusterLookup.get`.

The id is the one Terraform's `alicloud_realtime_compute_session_clusters` data source and this
package's functions report, `<workspace>:<namespace>:<name>`. The engine reads the resource
rather than creating it; `pulumi refresh` still shows drift.
"""

import pulumi
from pulumi_alicloud_flink import SessionClusterLookup

config = pulumi.Config()
cluster = SessionClusterLookup.get(
    "session-cluster", config.get("clusterId", "ws-demo:default-namespace:test-sessionCluster")
)

pulumi.export("sessionClusterId", cluster.session_cluster_id)
pulumi.export("engineVersion", cluster.engine_version)
pulumi.export("deploymentTargetName", cluster.deployment_target_name)
