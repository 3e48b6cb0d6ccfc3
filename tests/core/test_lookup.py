"""The lookup core over real HTTP against the emulator: filters, order, cache, details."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from alibabacloud_tea_openapi.utils_models import Config
from alibabacloud_ververica20220718.client import Client as OfficialClient
from alibabacloud_ververica20220718.models import ListSessionClustersHeaders
from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.errors import NotFoundError
from alicloud_flink.lookup import (
    AmbiguousMatchError,
    ClusterQuery,
    clear_cache,
    find_cluster,
    find_clusters,
    find_clusters_many,
)
from alicloud_flink.models import SessionCluster
from alicloud_flink.settings import Settings
from darabonba.runtime import RuntimeOptions
from reference import reference_cluster, settings_for

WS, NS = "ws-demo", "default-namespace"


def cluster(name: str, **fields: Any) -> dict[str, Any]:
    raw = reference_cluster()
    raw.update({"name": name, "sessionClusterId": f"id-{name}", **fields})
    return raw


@pytest.fixture
def several(emulator: Emulator) -> Emulator:
    """Four clusters besides the reference one, inserted out of name order."""
    for raw in (
        cluster("zeta", engineVersion="vvr-8.0.9-flink-1.17", labels={"team": "data"}),
        cluster("alpha", labels={"team": "data", "tier": 1}),
        cluster("beta", status={"currentSessionClusterStatus": "STOPPED"}),
        cluster("alpha-2", deploymentTargetName="queue-b"),
    ):
        emulator.admin.upsert_cluster(WS, NS, raw)
    return emulator


def names(settings: Settings, **filters: Any) -> list[str]:
    return find_clusters(ClusterQuery.build(WS, NS, **filters), settings).names


def test_singular_lookup_returns_the_reference_cluster(settings: Settings) -> None:
    found = find_cluster(ClusterQuery.build(WS, NS, name="test-sessionCluster"), settings)
    assert found == SessionCluster.model_validate(reference_cluster())
    assert found.engine_version == "vvr-6.0.7-flink-1.15"
    assert found.deployment_target_name == "default-queue"


def test_project_client_and_official_sdk_read_identical_data(
    emulator: Emulator, settings: Settings
) -> None:
    key_id, secret = DEFAULT_CREDENTIAL.access_key_id, DEFAULT_CREDENTIAL.access_key_secret
    official = OfficialClient(
        Config(
            access_key_id=key_id,
            access_key_secret=secret,
            endpoint=emulator.endpoint,
            protocol="HTTP",
        )
    )
    response = official.list_session_clusters_with_options(
        NS, ListSessionClustersHeaders(workspace=WS), RuntimeOptions()
    )
    theirs = [c.to_map() for c in response.body.data]
    ours = find_clusters(ClusterQuery.build(WS, NS), settings).clusters
    assert [c.model_dump(by_alias=True, exclude={"id"}) for c in ours] == theirs


def test_plural_lookup_is_sorted_by_name_and_may_be_empty(
    several: Emulator, settings: Settings
) -> None:
    assert names(settings) == ["alpha", "alpha-2", "beta", "test-sessionCluster", "zeta"]
    assert names(settings, name_regex="^nothing$") == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"name": "beta"}, ["beta"]),
        ({"name_regex": "^alpha"}, ["alpha", "alpha-2"]),
        ({"name_regex": "ta$"}, ["beta", "zeta"]),
        (
            {"ids": ["ws-demo:default-namespace:zeta", "ws-demo:default-namespace:beta"]},
            ["beta", "zeta"],
        ),
        ({"labels": {"team": "data"}}, ["alpha", "zeta"]),
        ({"labels": {"team": "data", "tier": "1"}}, ["alpha"]),
        ({"labels": {"test2": 1}}, ["alpha-2", "beta", "test-sessionCluster"]),
        ({"status": "STOPPED"}, ["beta"]),
        ({"engine_version": "vvr-8.0.9-flink-1.17"}, ["zeta"]),
        (
            {
                "name_regex": "a",
                "labels": {"team": "data"},
                "engine_version": "vvr-6.0.7-flink-1.15",
            },
            ["alpha"],
        ),
    ],
)
def test_filters(
    several: Emulator, settings: Settings, filters: dict[str, Any], expected: list[str]
) -> None:
    assert names(settings, **filters) == expected


def test_ids_are_terraform_style(several: Emulator, settings: Settings) -> None:
    search = find_clusters(ClusterQuery.build(WS, NS, name="beta"), settings)
    assert search.ids == ["ws-demo:default-namespace:beta"]
    assert search.request_id


def test_singular_by_session_cluster_id(several: Emulator, settings: Settings) -> None:
    found = find_cluster(ClusterQuery.build(WS, NS, session_cluster_id="id-zeta"), settings)
    assert found.session_cluster_name == "zeta"


def test_zero_matches_is_not_found_with_close_names(several: Emulator, settings: Settings) -> None:
    with pytest.raises(NotFoundError) as caught:
        find_cluster(ClusterQuery.build(WS, NS, name="alpah"), settings)
    message = str(caught.value)
    assert "did you mean 'alpha'" in message
    assert "workspace 'ws-demo'" in message
    assert "namespace 'default-namespace'" in message
    assert "request id" in message


def test_more_than_one_match_is_an_error(several: Emulator, settings: Settings) -> None:
    several.admin.upsert_cluster(WS, "other", cluster("one", sessionClusterId="dup"))
    several.admin.upsert_cluster(WS, "other", cluster("two", sessionClusterId="dup"))
    with pytest.raises(AmbiguousMatchError, match="2 session clusters match"):
        find_cluster(ClusterQuery.build(WS, "other", session_cluster_id="dup"), settings)


def test_singular_needs_exactly_one_of_name_and_id(settings: Settings) -> None:
    with pytest.raises(ValueError, match="exactly one of name and session_cluster_id"):
        find_cluster(ClusterQuery.build(WS, NS), settings)


def test_one_list_call_per_namespace_per_process(several: Emulator, settings: Settings) -> None:
    several.admin.reset_stats()
    for filters in ({}, {"name": "beta"}, {"labels": {"team": "data"}}, {"name_regex": "a"}):
        names(settings, **filters)
    assert several.admin.stats()["requests"] == 1
    clear_cache()
    names(settings)
    assert several.admin.stats()["requests"] == 2


def test_concurrent_identical_lookups_coalesce_into_one_call(
    emulator: Emulator, settings: Settings
) -> None:
    emulator.admin.set_latency_ms(300)
    emulator.admin.reset_stats()
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(names(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [["test-sessionCluster"]] * 8
    assert emulator.admin.stats()["requests"] == 1


def test_errors_are_not_cached(emulator: Emulator) -> None:
    settings = settings_for(emulator, max_attempts=1)
    emulator.admin.add_fault({"kind": "http500", "count": 1})
    with pytest.raises(Exception, match="HTTP 500"):
        names(settings)
    assert names(settings) == ["test-sessionCluster"]


def test_many_namespaces_in_one_call_each(emulator: Emulator, settings: Settings) -> None:
    namespaces = [f"ns-{index}" for index in range(6)]
    for namespace in namespaces:
        emulator.admin.upsert_cluster(WS, namespace, cluster(f"c-{namespace}"))
    emulator.admin.reset_stats()
    queries = [ClusterQuery.build(WS, ns) for ns in namespaces + namespaces]
    searches = find_clusters_many(queries, settings)
    assert [s.names for s in searches] == [[f"c-{ns}"] for ns in namespaces + namespaces]
    assert emulator.admin.stats()["requests"] == len(namespaces)


def test_details_mode_fetches_each_match_once(several: Emulator, settings: Settings) -> None:
    several.admin.patch_cluster(WS, NS, "alpha", {"status": {"failure": {"reason": "OOM"}}})
    several.admin.reset_stats()
    query = ClusterQuery.build(WS, NS, name_regex="^alpha", enable_details=True)
    search = find_clusters(query, settings)
    status = search.clusters[0].status
    assert status is not None
    assert status.failure is not None
    assert status.failure.reason == "OOM"
    by_action = several.admin.stats()["by_action"]
    assert by_action == {"ListSessionClusters": 1, "GetSessionCluster": 2}


@pytest.mark.parametrize("namespace", ["ns 1/x", "100%", "命名空间", "a~b*c"])
def test_namespaces_with_reserved_characters_work_end_to_end(
    emulator: Emulator, settings: Settings, namespace: str
) -> None:
    emulator.admin.upsert_cluster(WS, namespace, cluster("odd/name x", namespace=namespace))
    found = find_cluster(ClusterQuery.build(WS, namespace, name="odd/name x"), settings)
    assert found.namespace == namespace
    detailed = find_clusters(ClusterQuery.build(WS, namespace, enable_details=True), settings)
    assert detailed.names == ["odd/name x"]
