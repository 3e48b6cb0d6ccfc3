"""A namespace's listing: both parse paths give the same clusters and the same errors."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from alicloud_flink.client import RawReply, Target
from alicloud_flink.errors import FlinkLookupError
from alicloud_flink.listing import ClusterFacts, gc_paused, parse_listing
from reference import reference_cluster

TARGET = Target("ws-demo", "default-namespace")


def body(**fields: Any) -> bytes:
    document = {"requestId": "R-1", "success": True, "httpCode": 200, **fields}
    return json.dumps(document).encode()


def clusters() -> list[dict[str, Any]]:
    """The reference cluster, one with an unknown field, one without workspace/namespace."""
    first = reference_cluster()
    second = reference_cluster() | {"name": "b", "newField": {"a": 1}, "labels": {"n": 2}}
    third = {k: v for k, v in reference_cluster().items() if k not in ("workspace", "namespace")}
    return [first, second, third | {"name": "a"}]


@pytest.mark.parametrize("validate_all", [True, False])
def test_both_paths_validate_the_same_clusters(validate_all: bool) -> None:
    reply = RawReply(body(data=clusters()), "H-1")
    listing = parse_listing(reply, TARGET, validate_all=validate_all)
    other = parse_listing(reply, TARGET, validate_all=not validate_all)

    assert [listing.cluster(i) for i in listing.indices] == [
        other.cluster(i) for i in other.indices
    ]
    assert listing.facts == other.facts
    assert listing.request_id == "R-1"
    assert [c.session_cluster_name for c in listing.by_name()] == ["a", "b", "test-sessionCluster"]
    assert listing.cluster(1).model_extra == {"newField": {"a": 1}}
    assert (listing.cluster(2).workspace, listing.cluster(2).namespace) == (
        TARGET.workspace,
        TARGET.namespace,
    )


def test_facts_read_from_raw_and_from_model_agree() -> None:
    raw = reference_cluster()
    model = parse_listing(RawReply(body(data=[raw]), None), TARGET, validate_all=True).cluster(0)
    assert ClusterFacts.of_raw(raw) == ClusterFacts.of_model(model)


def test_a_cluster_is_validated_once_and_shared() -> None:
    listing = parse_listing(RawReply(body(data=clusters()), None), TARGET, validate_all=False)
    assert listing.cluster(0) is listing.cluster(0)
    assert set(map(id, listing.by_name())) == {id(listing.cluster(i)) for i in listing.indices}


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"requestId": "R", "success": tru',
        body(success=False, errorCode="990301", errorMessage="gone"),
        body(success="true", data=[]),
        body(data=None),
        body(data=[1, 2]),
        body(data=[reference_cluster() | {"basicResourceSetting": {"parallelism": "many"}}]),
        json.dumps([1]).encode(),
    ],
)
def test_the_fast_path_reports_exactly_the_plain_errors(payload: bytes) -> None:
    def failure(validate_all: bool) -> tuple[type, str]:
        with pytest.raises(FlinkLookupError) as caught:
            parse_listing(RawReply(payload, "H"), TARGET, validate_all=validate_all).by_name()
        return type(caught.value), str(caught.value)

    assert failure(True) == failure(False)


def test_gc_pause_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gc_pause_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
