"""``opts`` of the ``_output`` functions: ``InvokeOutputOptions.depends_on`` gates the lookup."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest
from alicloud_flink.errors import InvalidInputError
from pulumi.runtime.sync_await import _sync_await
from pulumi_alicloud_flink import get_session_cluster_output, get_session_clusters_output

from .harness import ProgramMocks, settle

WORKSPACE = "ws-demo"
NAMESPACE = "default-namespace"
CLUSTER = "test-sessionCluster"
Program = Callable[..., ProgramMocks]


class Bucket(pulumi.CustomResource):
    """Any custom resource of the program (the mocks give it no id at preview: to be created)."""

    def __init__(self, name: str) -> None:
        super().__init__("test:index:Bucket", name, {})


class Group(pulumi.ComponentResource):
    """Any component of the program (no id; it exists once registered)."""

    def __init__(self, name: str) -> None:
        super().__init__("test:index:Group", name)


def depends_on(*resources: pulumi.Resource) -> pulumi.InvokeOutputOptions:
    return pulumi.InvokeOutputOptions(depends_on=list(resources))


def resources_of(output: pulumi.Output[object]) -> set[pulumi.Resource]:
    return _sync_await(output.resources())


def test_preview_waits_for_a_resource_still_to_be_created(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program(preview=True)
    bucket = Bucket("bucket")
    plural = get_session_clusters_output(WORKSPACE, NAMESPACE, opts=depends_on(bucket))
    single = get_session_cluster_output(WORKSPACE, NAMESPACE, name=CLUSTER, opts=depends_on(bucket))

    assert not settle(plural).known
    assert not settle(single.cluster.engine_version).known
    assert requests_made() == 0


def test_the_lookup_runs_once_the_resources_exist_and_depends_on_them(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program()
    bucket, group = Bucket("bucket"), Group("group")
    plural = get_session_clusters_output(WORKSPACE, NAMESPACE, opts=depends_on(bucket, group))

    assert settle(plural.names).value == [CLUSTER]
    assert {bucket, group} <= resources_of(plural)
    assert requests_made() == 1


def test_a_single_resource_and_an_output_of_resources_are_accepted(program: Program) -> None:
    program()
    bucket = Bucket("bucket")
    options = pulumi.InvokeOutputOptions(depends_on=pulumi.Output.from_input(bucket))
    single = get_session_cluster_output(WORKSPACE, NAMESPACE, name=CLUSTER, opts=options)

    assert settle(single.id).value == f"{WORKSPACE}:{NAMESPACE}:{CLUSTER}"
    assert bucket in resources_of(single)


def test_plain_invoke_options_change_nothing(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program(preview=True)
    options = pulumi.InvokeOptions(parent=Group("group"))
    single = get_session_cluster_output(WORKSPACE, NAMESPACE, name=CLUSTER, opts=options)

    assert settle(single.cluster.session_cluster_name).value == CLUSTER
    assert requests_made() == 1


def test_a_dependency_that_is_not_a_resource_is_refused_before_any_request(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program()
    options = pulumi.InvokeOutputOptions(depends_on=["bucket"])  # type: ignore[list-item]

    with pytest.raises(InvalidInputError, match=r"opts\.depends_on.*must hold resources, not str"):
        settle(get_session_clusters_output(WORKSPACE, NAMESPACE, opts=options))
    assert requests_made() == 0
