"""The two routes, end to end through the unmodified official SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Emulator
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import NAMESPACE, WORKSPACE, get_cluster, list_clusters, sdk_client


def test_list_returns_the_reference_cluster(sdk: Client, reference_cluster: dict[str, Any]) -> None:
    response = list_clusters(sdk)

    assert response.status_code == 200
    assert response.body.success is True
    assert response.body.http_code == 200
    assert [c.to_map() for c in response.body.data] == [reference_cluster]
    assert response.headers["x-acs-request-id"] == response.body.request_id


def test_reference_cluster_keeps_the_documented_values(reference_cluster: dict[str, Any]) -> None:
    assert reference_cluster["workspace"] == WORKSPACE
    assert reference_cluster["namespace"] == NAMESPACE
    assert reference_cluster["labels"] == {"test": "test", "test2": 1}
    assert reference_cluster["engineVersion"] == "vvr-6.0.7-flink-1.15"
    assert reference_cluster["status"]["running"]["referenceDeploymentIds"] == [""]


def test_get_returns_one_cluster(sdk: Client, reference_cluster: dict[str, Any]) -> None:
    response = get_cluster(sdk)

    assert response.body.success is True
    assert response.body.data.to_map() == reference_cluster
    assert response.headers["x-acs-request-id"] == response.body.request_id


def test_namespace_and_name_with_space_and_slash(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.upsert_cluster(WORKSPACE, "ns 1/x", {"name": "a b/c%", "engineVersion": "v"})

    listed = list_clusters(sdk, namespace="ns 1/x")
    got = get_cluster(sdk, name="a b/c%", namespace="ns 1/x")

    assert [c.name for c in listed.body.data] == ["a b/c%"]
    assert got.body.data.engine_version == "v"
    assert emulator.admin.stats()["by_namespace"] == {WORKSPACE: {"ns 1/x": 2}}


def test_empty_namespace_lists_nothing(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.replace_state({WORKSPACE: {"empty": []}})

    assert list_clusters(sdk, namespace="empty").body.data == []


@pytest.mark.parametrize(
    ("workspace", "namespace", "mentions"),
    [("ws-demo", "nope", "namespace 'nope'"), ("ws-nope", NAMESPACE, "workspace 'ws-nope'")],
)
def test_unknown_namespace_or_workspace_is_990301(
    sdk: Client, workspace: str, namespace: str, mentions: str
) -> None:
    with pytest.raises(ClientException) as raised:
        list_clusters(sdk, namespace=namespace, workspace=workspace)

    error = raised.value
    assert error.status_code == 404
    assert error.data["errorCode"] == "990301"
    assert error.data["success"] is False
    assert error.data["httpCode"] == 404
    assert mentions in error.data["errorMessage"]


def test_unknown_cluster_is_990301_naming_it(sdk: Client) -> None:
    with pytest.raises(ClientException) as raised:
        get_cluster(sdk, name="ghost")

    assert raised.value.status_code == 404
    assert raised.value.data["errorCode"] == "990301"
    assert "'ghost'" in raised.value.data["errorMessage"]


def test_missing_workspace_header_is_invalid_parameter(sdk: Client) -> None:
    with pytest.raises(ClientException) as raised:
        list_clusters(sdk, workspace=None)

    assert raised.value.status_code == 400
    assert raised.value.data["errorCode"] == "InvalidParameter"


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[Emulator]:
    """One emulator for a whole property test (hypothesis reruns the body, not the fixture)."""
    with Emulator() as running:
        yield running


names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=24).filter(
    lambda s: s not in {".", ".."}  # urllib3 resolves dot segments before sending: not ours
)


@settings(max_examples=40, deadline=None)
@given(namespace=names, name=names, label=st.text(max_size=20))
def test_any_names_round_trip_through_the_sdk(
    shared_emulator: Emulator, namespace: str, name: str, label: str
) -> None:
    cluster = {"name": name, "namespace": namespace, "labels": {"k": label}}
    shared_emulator.admin.upsert_cluster(WORKSPACE, namespace, cluster)
    client = sdk_client(shared_emulator.endpoint)

    listed = list_clusters(client, namespace=namespace)
    got = get_cluster(client, name=name, namespace=namespace)

    assert cluster in [c.to_map() for c in listed.body.data]
    assert got.body.data.to_map() == cluster
