"""Look up one Flink session cluster by name and export what other stacks usually need."""

import pulumi
from pulumi_alicloud_flink import get_session_cluster

config = pulumi.Config()
cluster = get_session_cluster(
    workspace=config.get("workspace", "ws-demo"),
    namespace=config.get("namespace", "default-namespace"),
    name=config.get("name", "test-sessionCluster"),
).cluster

pulumi.export("sessionClusterId", cluster.session_cluster_id)
pulumi.export("engineVersion", cluster.engine_version)
pulumi.export("deploymentTargetName", cluster.deployment_target_name)
