"""The admin interface changes what the SDK sees; the counters count what the SDK sent."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from alibabacloud_ververica20220718.client import Client
from alicloud_flink.emulator import Emulator, EmulatorAdminError, StateError
from alicloud_flink.emulator.state import ClusterStore, load_state

from .helpers import (
    CLUSTER,
    NAMESPACE,
    WORKSPACE,
    get_cluster,
    list_clusters,
    sdk_client,
    send,
    signed,
)


def test_patch_deep_merges_what_the_sdk_sees(
    emulator: Emulator, sdk: Client, reference_cluster: dict[str, Any]
) -> None:
    list_clusters(sdk)  # warm the listing cache, which the patch must invalidate
    fields = {
        "engineVersion": "vvr-8.0.9-flink-1.17",
        "basicResourceSetting": {"parallelism": 8},
        "labels": {"test": None, "new": "yes"},
    }

    patched = emulator.admin.patch_cluster(WORKSPACE, NAMESPACE, CLUSTER, fields)

    listed = list_clusters(sdk).body.data[0].to_map()
    assert listed == patched == get_cluster(sdk).body.data.to_map()
    assert listed["engineVersion"] == "vvr-8.0.9-flink-1.17"
    assert listed["basicResourceSetting"]["parallelism"] == 8
    assert listed["basicResourceSetting"]["jobmanagerResourceSettingSpec"] == {
        "cpu": 2,
        "memory": "4Gi",
    }
    assert listed["labels"] == {"test2": 1, "new": "yes"}
    assert listed["logging"] == reference_cluster["logging"]


def test_delete_makes_the_cluster_unknown(emulator: Emulator, sdk: Client) -> None:
    list_clusters(sdk)

    emulator.admin.delete_cluster(WORKSPACE, NAMESPACE, CLUSTER)

    assert list_clusters(sdk).body.data == []
    with pytest.raises(ClientException) as raised:
        get_cluster(sdk)
    assert raised.value.data["errorCode"] == "990301"


def test_upsert_creates_the_namespace_and_replaces_by_name(emulator: Emulator, sdk: Client) -> None:
    emulator.admin.upsert_cluster("ws 2", "ns/2", {"name": "a", "engineVersion": "1"})
    emulator.admin.upsert_cluster("ws 2", "ns/2", {"name": "b"})
    emulator.admin.upsert_cluster("ws 2", "ns/2", {"name": "a", "engineVersion": "2"})

    listed = list_clusters(sdk, namespace="ns/2", workspace="ws 2").body.data

    assert [(c.name, c.engine_version) for c in listed] == [("a", "2"), ("b", None)]


def test_replace_and_dump_state(emulator: Emulator, sdk: Client) -> None:
    state = {"w": {"n": [{"name": "x", "labels": {"k": 1.5}}], "empty": []}}

    assert emulator.admin.replace_state(state) == 1

    assert emulator.admin.state() == state
    assert [c.name for c in list_clusters(sdk, namespace="n", workspace="w").body.data] == ["x"]
    with pytest.raises(ClientException):
        list_clusters(sdk)  # the example namespace is gone


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda a: a.patch_cluster(WORKSPACE, NAMESPACE, "ghost", {}), 404),
        (lambda a: a.delete_cluster(WORKSPACE, "nope", CLUSTER), 404),
        (lambda a: a.patch_cluster(WORKSPACE, NAMESPACE, CLUSTER, {"name": "renamed"}), 400),
        (lambda a: a.upsert_cluster(WORKSPACE, NAMESPACE, {"no": "name"}), 400),
        (lambda a: a.replace_state({"w": {"n": [{"name": "x"}, {"name": "x"}]}}), 400),
        (lambda a: a.replace_state({"w": ["not", "a", "mapping"]}), 400),
        (lambda a: a.set_latency_ms(-5), 400),
    ],
    ids=["patch-ghost", "delete-ghost", "rename", "nameless", "duplicates", "bad-shape", "latency"],
)
def test_admin_refusals(emulator: Emulator, call: Any, status: int) -> None:
    with pytest.raises(EmulatorAdminError) as raised:
        call(emulator.admin)

    assert raised.value.status == status
    assert emulator.admin.state() == load_state()  # nothing changed


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "state", b"{not json", 400),
        ("GET", "nowhere", None, 404),
        ("POST", "state", b"{}", 404),
        ("PUT", "clusters/%ff/ns", b"{}", 400),
    ],
)
def test_malformed_admin_requests(
    emulator: Emulator, method: str, path: str, body: bytes | None, status: int
) -> None:
    request = urllib.request.Request(f"{emulator.url}/_emulator/{path}", data=body, method=method)

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)

    assert raised.value.code == status
    assert "error" in json.loads(raised.value.read())


def test_counters(emulator: Emulator, sdk: Client) -> None:
    admin = emulator.admin
    emulator.admin.upsert_cluster(WORKSPACE, "other", {"name": "c"})
    list_clusters(sdk)
    list_clusters(sdk, namespace="other")
    get_cluster(sdk)
    admin.add_fault({"kind": "http500"})
    with pytest.raises(ServerException):  # the fault answers before the signature is checked
        list_clusters(sdk_client(emulator.endpoint, secret="wrong"))
    with pytest.raises(ClientException):
        list_clusters(sdk_client(emulator.endpoint, secret="wrong"))
    send(emulator.endpoint, signed(emulator.endpoint, "/not/an/api"))

    assert admin.stats() == {
        "requests": 6,
        "by_action": {"GetSessionCluster": 1, "ListSessionClusters": 4},
        "by_namespace": {WORKSPACE: {NAMESPACE: 4, "other": 1}},
        "signature_rejections": 1,
        "faults_injected": 1,
    }
    admin.reset_stats()
    assert admin.stats()["requests"] == 0


def test_state_persists_across_restart() -> None:
    emulator = Emulator()
    with emulator:
        emulator.admin.patch_cluster(WORKSPACE, NAMESPACE, CLUSTER, {"engineVersion": "x"})
    with emulator:
        assert get_cluster(sdk_client(emulator.endpoint)).body.data.engine_version == "x"


def test_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"w": {"n": [{"name": "from-file"}]}}))

    with Emulator(path) as emulator:
        listed = list_clusters(sdk_client(emulator.endpoint), namespace="n", workspace="w")

    assert [c.name for c in listed.body.data] == ["from-file"]


@pytest.mark.parametrize(
    "content", [b"{", b"[]", b'{"w": {"n": [{"name": 1}]}}', b'{"w": {"n": [NaN]}}', b"\xff"]
)
def test_bad_state_file_is_a_state_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)

    with pytest.raises(StateError):
        Emulator(str(path))


def test_missing_state_file_is_a_state_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="cannot read state file"):
        Emulator(tmp_path / "absent.json")


def test_listing_is_serialized_once_per_change() -> None:
    clusters = [{"name": f"c{i}", "labels": {"i": i}} for i in range(2_000)]
    store = ClusterStore(load_state({"w": {"n": clusters}}))

    first = store.list_json("w", "n")
    assert store.list_json("w", "n") is first
    assert json.loads(first) == clusters

    store.patch("w", "n", "c5", {"labels": {"i": -5}})
    changed = store.list_json("w", "n")
    assert changed is not first
    assert json.loads(changed)[5]["labels"] == {"i": -5}
    assert store.list_json("w", "n") is changed
