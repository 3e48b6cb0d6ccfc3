"""List the session clusters of a namespace (optionally filtered by name) and export them."""

import pulumi
from pulumi_alicloud_flink import get_session_clusters_output

config = pulumi.Config()
clusters = get_session_clusters_output(
    workspace=config.get("workspace", "ws-demo"),
    namespace=config.get("namespace", "default-namespace"),
    name_regex=config.get("nameRegex"),
)

pulumi.export("ids", clusters.ids)
pulumi.export("names", clusters.names)
