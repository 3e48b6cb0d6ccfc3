"""The data-source functions, run inside a Pulumi program against the emulator over HTTP."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from alicloud_flink.emulator import Emulator
from alicloud_flink.errors import InvalidInputError, NotFoundError, TransientError
from alicloud_flink.models import SessionCluster
from alicloud_flink.output_file import read_output_file
from pulumi_alicloud_flink import (
    GetSessionClustersResult,
    get_session_cluster,
    get_session_cluster_output,
    get_session_clusters,
    get_session_clusters_output,
)
from reference import reference_cluster

from .harness import ProgramMocks, settle, unknown_at_preview

WORKSPACE = "ws-demo"
NAMESPACE = "default-namespace"
CLUSTER = "test-sessionCluster"
CLUSTER_ID = f"{WORKSPACE}:{NAMESPACE}:{CLUSTER}"
ENGINE = "vvr-6.0.7-flink-1.15"
Program = Callable[..., ProgramMocks]


def test_plural_lookup_returns_the_core_models(program: Program) -> None:
    program()
    result = get_session_clusters(WORKSPACE, NAMESPACE)

    assert (result.id, result.workspace, result.namespace) == (
        f"{WORKSPACE}:{NAMESPACE}",
        WORKSPACE,
        NAMESPACE,
    )
    assert (result.ids, result.names) == ([CLUSTER_ID], [CLUSTER])
    (cluster,) = result.clusters
    assert cluster == SessionCluster.model_validate(reference_cluster())
    output: pulumi.Output[GetSessionClustersResult] = pulumi.Output.from_input(result)
    awaited = settle(output).value  # Output awaits an awaitable
    assert type(awaited) is GetSessionClustersResult
    assert vars(awaited) == vars(result)


def test_filters_are_applied(program: Program) -> None:
    program()

    assert get_session_clusters(WORKSPACE, NAMESPACE, name_regex="^other").ids == []
    assert get_session_clusters(WORKSPACE, NAMESPACE, labels={"test2": "1"}).names == [CLUSTER]
    assert get_session_clusters(WORKSPACE, NAMESPACE, ids=[CLUSTER_ID], status="RUNNING").ids == []


def test_output_form_resolves_known_inputs(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program()
    result = get_session_clusters_output(pulumi.Output.from_input(WORKSPACE), NAMESPACE)

    settled = settle(result)
    assert settled.known
    assert not settled.secret
    assert isinstance(settled.value, GetSessionClustersResult)
    assert settle(result.ids).value == [CLUSTER_ID]
    assert requests_made() == 1


def test_preview_with_an_unknown_input_makes_no_request(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program(preview=True)
    plural = get_session_clusters_output(WORKSPACE, unknown_at_preview("namespace"))
    single = get_session_cluster_output(WORKSPACE, NAMESPACE, name=unknown_at_preview("name"))

    assert not settle(plural).known
    assert not settle(plural.ids).known
    assert not settle(single.cluster.engine_version).known
    assert requests_made() == 0


def test_preview_with_known_inputs_looks_up(program: Program) -> None:
    program(preview=True)
    single = get_session_cluster_output(WORKSPACE, NAMESPACE, name=CLUSTER)

    assert settle(single.cluster.engine_version).value == ENGINE


def test_a_secret_input_makes_the_result_secret(program: Program) -> None:
    program()
    plural = get_session_clusters_output(pulumi.Output.secret(WORKSPACE), NAMESPACE)
    single = get_session_cluster_output(WORKSPACE, NAMESPACE, name=pulumi.Output.secret(CLUSTER))

    assert settle(plural).secret
    assert settle(plural.names).secret
    engine = settle(single.cluster.engine_version)
    assert (engine.value, engine.secret) == (ENGINE, True)


def test_output_file_holds_the_terraform_records(program: Program, tmp_path: Path) -> None:
    program()
    target = tmp_path / "clusters.json"

    result = settle(get_session_clusters_output(WORKSPACE, NAMESPACE, output_file=str(target)))

    assert result.value is not None
    assert result.value.output_file == str(target)
    (record,) = read_output_file(target)
    assert (record["id"], record["session_cluster_name"]) == (CLUSTER_ID, CLUSTER)
    assert record["engine_version"] == ENGINE
    assert os.listdir(tmp_path) == ["clusters.json"]  # no temporary file left behind


def test_output_file_is_untouched_when_the_lookup_fails(
    program: Program, emulator: Emulator, tmp_path: Path
) -> None:
    program(config={"alicloud-flink:maxAttempts": "1"})
    kept = tmp_path / "kept.json"
    kept.write_text("[]\n")
    emulator.admin.add_fault({"kind": "http500", "count": -1})

    with pytest.raises(TransientError):
        get_session_clusters(WORKSPACE, NAMESPACE, output_file=str(kept))
    with pytest.raises(TransientError):
        settle(get_session_clusters_output(WORKSPACE, NAMESPACE, output_file=str(tmp_path / "new")))

    assert kept.read_text() == "[]\n"
    assert os.listdir(tmp_path) == ["kept.json"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"workspace": ""}, "workspace"),
        ({"workspace": "ws demo"}, "workspace"),
        ({"namespace": ".."}, "namespace"),
        ({"name_regex": "("}, "name_regex"),
        ({"ids": ["other:default-namespace:x"]}, "ids"),
        ({"labels": {"": "x"}}, "labels"),
        ({"output_file": " "}, "output_file"),
    ],
)
def test_bad_input_names_the_field_and_sends_nothing(
    program: Program,
    requests_made: Callable[[], int],
    arguments: dict[str, Any],
    field: str,
) -> None:
    program()
    call = {"workspace": WORKSPACE, "namespace": NAMESPACE} | arguments

    with pytest.raises(InvalidInputError) as plain:
        get_session_clusters(**call)
    with pytest.raises(InvalidInputError) as lifted:
        settle(get_session_clusters_output(**call))

    assert plain.value.field == lifted.value.field == field
    assert f"invalid {field}" in str(plain.value)
    assert requests_made() == 0


def test_single_lookup_by_name_or_by_id(program: Program) -> None:
    program()
    by_name = get_session_cluster(WORKSPACE, NAMESPACE, name=CLUSTER)
    by_id = get_session_cluster(
        WORKSPACE, NAMESPACE, session_cluster_id=by_name.cluster.session_cluster_id
    )

    assert by_name.id == by_id.id == CLUSTER_ID
    assert by_name.cluster == by_id.cluster
    assert by_name.cluster.engine_version == ENGINE
    assert by_name.cluster.deployment_target_name == "default-queue"


def test_single_lookup_of_a_missing_cluster_says_where_and_suggests(program: Program) -> None:
    program()

    with pytest.raises(NotFoundError, match="did you mean 'test-sessionCluster'") as missing:
        get_session_cluster(WORKSPACE, NAMESPACE, name="test-sessionClustr")
    assert (missing.value.workspace, missing.value.namespace) == (WORKSPACE, NAMESPACE)
    with pytest.raises(NotFoundError):
        settle(get_session_cluster_output(WORKSPACE, NAMESPACE, name="test-sessionClustr"))


def test_single_lookup_needs_a_name_or_an_id(program: Program) -> None:
    program()

    with pytest.raises(InvalidInputError) as neither:
        get_session_cluster(WORKSPACE, NAMESPACE)
    assert neither.value.field == "name"


def test_single_output_lifts_attributes(program: Program) -> None:
    program()
    result = get_session_cluster_output(WORKSPACE, NAMESPACE, name=CLUSTER)

    assert settle(result.id).value == CLUSTER_ID
    assert settle(result.cluster.engine_version).value == ENGINE


def test_output_lookups_run_concurrently(program: Program, emulator: Emulator) -> None:
    namespaces = [f"team-{index}" for index in range(8)]
    for namespace in namespaces:
        emulator.admin.upsert_cluster(
            WORKSPACE, namespace, reference_cluster() | {"namespace": namespace}
        )
    latency_s = 0.4
    emulator.admin.set_latency_ms(int(latency_s * 1000))
    program()

    started = time.monotonic()
    lookups = [get_session_clusters_output(WORKSPACE, namespace) for namespace in namespaces]
    results = settle(pulumi.Output.all(*lookups)).value
    elapsed = time.monotonic() - started

    assert results is not None
    assert [result.namespace for result in results] == namespaces
    assert elapsed < len(namespaces) * latency_s / 2  # one after another takes 3.2 s
