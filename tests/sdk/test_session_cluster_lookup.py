"""The ``SessionClusterLookup`` resource as a program declares it, its real provider in-process."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import dill
import pulumi
import pytest
from alicloud_flink import drift
from alicloud_flink.dynamic_provider import (
    IDENTITY_KEYS,
    OUTPUT_KEYS,
    VERSION_KEY,
    SessionClusterLookupProvider,
)
from alicloud_flink.emulator import DEFAULT_CREDENTIAL
from alicloud_flink.errors import InvalidInputError
from pulumi_alicloud_flink import SessionClusterLookup

from .harness import ProgramMocks, settle, unknown_at_preview

Program = Callable[..., ProgramMocks]
SECRET = DEFAULT_CREDENTIAL.access_key_secret  # in the stack config of every program here
WORKSPACE, NAMESPACE, NAME = "ws-demo", "default-namespace", "test-sessionCluster"
CLUSTER_ID = f"{WORKSPACE}:{NAMESPACE}:{NAME}"


def test_the_output_names_are_the_contract_the_cli_reads() -> None:
    assert (*IDENTITY_KEYS, *drift.TRACKED_FIELDS, VERSION_KEY) == OUTPUT_KEYS
    assert tuple(SessionClusterLookup.__annotations__) == OUTPUT_KEYS


def test_the_engine_gets_only_the_identity_and_a_plain_reference_blob(program: Program) -> None:
    mocks = program()
    lookup = SessionClusterLookup("cluster", workspace=WORKSPACE, namespace=NAMESPACE, name=NAME)
    settle(lookup.urn)  # known once the registration is done

    (registered,) = mocks.registered
    assert "SessionClusterLookup" in registered.typ
    assert registered.inputs == {
        "workspace": WORKSPACE,
        "namespace": NAMESPACE,
        "name": NAME,
        "__provider": registered.inputs["__provider"],
    }
    blob = registered.inputs["__provider"]
    assert isinstance(blob, str)  # not wrapped as a secret: it cannot hold one
    assert len(blob) <= 200
    assert type(dill.loads(base64.b64decode(blob))) is SessionClusterLookupProvider
    assert SECRET not in json.dumps(registered.inputs)
    assert SECRET.encode() not in base64.b64decode(blob)


def test_outputs_are_the_observed_cluster(program: Program) -> None:
    program()
    lookup = SessionClusterLookup("cluster", workspace=WORKSPACE, namespace=NAMESPACE, name=NAME)

    assert settle(lookup.id).value == "ws-demo:default-namespace:test-sessionCluster"
    assert settle(lookup.engine_version).value == "vvr-6.0.7-flink-1.15"
    assert settle(lookup.deployment_target_name).value == "default-queue"
    assert settle(lookup.labels).value == {"test": "test", "test2": 1}
    assert settle(lookup.basic_resource_setting).value["parallelism"] == 4  # type: ignore[index]
    assert settle(lookup.provider_version).known


def test_preview_with_an_unknown_name_leaves_outputs_unknown(
    program: Program, requests_made: Callable[[], int]
) -> None:
    program(preview=True)
    lookup = SessionClusterLookup(
        "cluster",
        workspace=WORKSPACE,
        namespace=NAMESPACE,
        name=unknown_at_preview("name"),
    )

    assert not settle(lookup.engine_version).known
    assert requests_made() == 0


def test_get_reads_the_cluster_of_a_terraform_style_id_at_preview(program: Program) -> None:
    mocks = program(preview=True)
    lookup = SessionClusterLookup.get("cluster", CLUSTER_ID)

    assert settle(lookup.engine_version).value == "vvr-6.0.7-flink-1.15"
    (read,) = mocks.registered
    assert read.resource_id == CLUSTER_ID
    assert [read.inputs[key] for key in IDENTITY_KEYS] == [WORKSPACE, NAMESPACE, NAME]


def test_get_takes_the_id_as_an_output(program: Program) -> None:
    program()
    lookup = SessionClusterLookup.get("cluster", pulumi.Output.from_input(CLUSTER_ID))

    assert settle(lookup.id).value == CLUSTER_ID
    assert settle(lookup.deployment_target_name).value == "default-queue"
    assert settle(lookup.name).value == NAME


def test_get_refuses_a_malformed_id_before_registering_anything(
    program: Program, requests_made: Callable[[], int]
) -> None:
    mocks = program()

    with pytest.raises(InvalidInputError, match=r"^invalid id: 'ws-demo:default-namespace' is"):
        SessionClusterLookup.get("cluster", f"{WORKSPACE}:{NAMESPACE}")
    assert mocks.registered == []
    assert requests_made() == 0
