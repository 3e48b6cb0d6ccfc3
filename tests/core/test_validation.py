"""Bad input is refused before any request, with a message naming the field."""

from __future__ import annotations

import pytest
from alicloud_flink.client import session_clusters_path
from alicloud_flink.errors import InvalidInputError
from alicloud_flink.lookup import ClusterQuery
from alicloud_flink.validation import cluster_id
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"workspace": ""}, "workspace"),
        ({"workspace": "   "}, "workspace"),
        ({"workspace": "ws 1"}, "workspace"),
        ({"workspace": "ws\r\nx-injected: 1"}, "workspace"),
        ({"namespace": ""}, "namespace"),
        ({"namespace": " ns"}, "namespace"),
        ({"namespace": ".."}, "namespace"),
        ({"namespace": "."}, "namespace"),
        ({"namespace": "a\x00b"}, "namespace"),
        ({"namespace": "n" * 10_240}, "namespace"),
        ({"name": "\t"}, "name"),
        ({"name_regex": "("}, "name_regex"),
        ({"name_regex": ""}, "name_regex"),
        ({"ids": "ws:ns:a"}, "ids"),
        ({"ids": ["other:ns:a"]}, "ids"),
        ({"ids": ["ws:ns:"]}, "ids"),
        ({"labels": {"": "x"}}, "labels"),
        ({"status": ""}, "status"),
        ({"engine_version": 7}, "engine_version"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"workspace": "ws", "namespace": "ns", **kwargs}
    with pytest.raises(InvalidInputError) as caught:
        ClusterQuery.build(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"invalid {field}:")


@pytest.mark.parametrize(
    ("namespace", "segment"),
    [
        ("ns 1/x", "ns%201%2Fx"),
        ("100%", "100%25"),
        ("命名空间", "%E5%91%BD%E5%90%8D%E7%A9%BA%E9%97%B4"),
        ("a~b*c", "a~b%2Ac"),
    ],
)
def test_namespaces_the_api_allows_are_percent_encoded(namespace: str, segment: str) -> None:
    query = ClusterQuery.build("ws", namespace)
    assert session_clusters_path(query.namespace) == f"/api/v2/namespaces/{segment}/sessionclusters"


@given(st.text(min_size=1, max_size=60).filter(lambda s: s == s.strip() and s not in (".", "..")))
def test_every_accepted_namespace_is_exactly_one_path_segment(namespace: str) -> None:
    try:
        query = ClusterQuery.build("ws", namespace)
    except InvalidInputError as problem:
        assert problem.field == "namespace"
        return
    path = session_clusters_path(query.namespace, "name/with/slash")
    assert path.count("/") == 6


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        (
            "ws-demo:default-namespace:test-sessionCluster",
            ("ws-demo", "default-namespace", "test-sessionCluster"),
        ),
        ("ws:ns:name:with:colons", ("ws", "ns", "name:with:colons")),
        ("ws:命名空间:a b", ("ws", "命名空间", "a b")),
    ],
)
def test_a_cluster_id_splits_at_its_first_two_colons(
    value: str, parts: tuple[str, str, str]
) -> None:
    assert cluster_id("id", value) == parts


@pytest.mark.parametrize(
    "value",
    ["", "ws:ns", "ws:ns:", ":ns:name", "ws::name", "w s:ns:name", "ws:..:name", "ws:ns:.", 7],
)
def test_a_malformed_cluster_id_names_the_field(value: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        cluster_id("id", value)
    assert caught.value.field == "id"
