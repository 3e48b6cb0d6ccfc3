"""Feed a looked-up value into another resource: pin the cluster's engine version.

``PinnedSetting`` is a minimal resource that stores a key and a value; it stands for anything
that takes an input (a job, a config map, an alert). When the cluster's engine version changes,
the next ``pulumi preview`` shows this resource's ``value`` changing from the old to the new one.
"""

from typing import Any

import pulumi
import pulumi.dynamic
from pulumi_alicloud_flink import get_session_cluster_output


class PinnedSettingProvider(pulumi.dynamic.ResourceProvider):
    """Stores ``key`` and ``value``; a new value is an update, a new key a replacement."""

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(props["key"], dict(props))

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        replaces = ["key"] if olds.get("key") != news.get("key") else []
        changed = bool(replaces) or olds.get("value") != news.get("value")
        return pulumi.dynamic.DiffResult(changes=changed, replaces=replaces)

    def update(
        self, _id: str, _olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(dict(news))


class PinnedSetting(pulumi.dynamic.Resource, name="PinnedSetting"):
    """A named setting whose value may come from another resource or a lookup."""

    key: pulumi.Output[str]
    value: pulumi.Output[str]

    def __init__(self, name: str, key: pulumi.Input[str], value: pulumi.Input[str]) -> None:
        super().__init__(PinnedSettingProvider(), name, {"key": key, "value": value})


config = pulumi.Config()
lookup = get_session_cluster_output(
    workspace=config.get("workspace", "ws-demo"),
    namespace=config.get("namespace", "default-namespace"),
    name=config.get("name", "test-sessionCluster"),
)
pinned = PinnedSetting(
    "engine-version", key="flink.engineVersion", value=lookup.cluster.engine_version
)

pulumi.export("pinnedKey", pinned.key)
pulumi.export("pinnedEngineVersion", pinned.value)
