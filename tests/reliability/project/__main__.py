"""The reliability suites' program: both functions (one with output_file) and the resource."""

import pulumi
from pulumi_alicloud_flink import SessionClusterLookup, get_session_cluster, get_session_clusters

config = pulumi.Config()
workspace = config.get("workspace", "ws-demo")
namespace = config.get("namespace", "default-namespace")
name = config.get("name", "test-sessionCluster")

listed = get_session_clusters(workspace, namespace, output_file=config.get("outputFile"))
single = get_session_cluster(workspace, namespace, name=name)
observed = SessionClusterLookup("observed", workspace=workspace, namespace=namespace, name=name)

pulumi.export("names", listed.names)
pulumi.export("engineVersion", single.cluster.engine_version)
pulumi.export("observedEngineVersion", observed.engine_version)
