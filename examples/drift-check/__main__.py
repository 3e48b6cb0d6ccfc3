"""Observe a session cluster as a resource: `pulumi refresh` / `pulumi preview` report drift."""

import pulumi
from pulumi_alicloud_flink import SessionClusterLookup

config = pulumi.Config()
cluster = SessionClusterLookup(
    "session-cluster",
    workspace=config.get("workspace", "ws-demo"),
    namespace=config.get("namespace", "default-namespace"),
    name=config.get("name", "test-sessionCluster"),
)

pulumi.export("id", cluster.id)
pulumi.export("sessionClusterId", cluster.session_cluster_id)
pulumi.export("engineVersion", cluster.engine_version)
pulumi.export("deploymentTargetName", cluster.deployment_target_name)
pulumi.export("status", cluster.status)
pulumi.export("labels", cluster.labels)
pulumi.export("flinkConf", cluster.flink_conf)
pulumi.export("basicResourceSetting", cluster.basic_resource_setting)
pulumi.export("providerVersion", cluster.provider_version)
