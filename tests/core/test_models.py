"""The SessionCluster model: every reference field, tolerant parsing, unknown fields kept."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from alicloud_flink.drift import compare, snapshot
from alicloud_flink.models import WIRE_KEYS, ListSessionClustersResponse, SessionCluster
from alicloud_flink.wire import to_wire_name
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from reference import reference_cluster


def test_reference_example_parses_into_every_field() -> None:
    cluster = SessionCluster.model_validate(reference_cluster())
    assert cluster.session_cluster_name == "test-sessionCluster"
    assert cluster.engine_version == "vvr-6.0.7-flink-1.15"
    assert cluster.labels == {"test": "test", "test2": 1}
    assert cluster.basic_resource_setting is not None
    spec = cluster.basic_resource_setting.jobmanager_resource_setting_spec
    assert spec is not None
    assert (spec.cpu, spec.memory) == (2.0, "4Gi")
    assert cluster.logging is not None
    assert cluster.logging.log_reserve_policy is not None
    assert cluster.logging.log_reserve_policy.expiration_days == 7
    assert cluster.logging.log4j_loggers is not None
    assert cluster.logging.log4j_loggers[0].logger_level == "ERROR"
    assert cluster.status is not None
    assert cluster.status.running is not None
    assert cluster.status.running.reference_deployment_ids == [""]
    assert cluster.id == "ws-demo:default-namespace:test-sessionCluster"
    assert cluster.model_extra == {}


def test_wire_round_trip_is_lossless() -> None:
    raw = reference_cluster()
    dumped = SessionCluster.model_validate(raw).model_dump(by_alias=True, exclude={"id"})
    assert dumped == raw


def test_terraform_names_in_the_python_dump() -> None:
    record = SessionCluster.model_validate(reference_cluster()).model_dump(mode="json")
    assert {"id", "session_cluster_name", "session_cluster_id", "deployment_target_name"} <= set(
        record
    )
    assert record["logging"]["log4j2_configuration_template"] == "XML-formatted text"


def test_wire_names_follow_the_api_spelling() -> None:
    assert to_wire_name("log4j2_configuration_template") == "log4j2ConfigurationTemplate"
    assert WIRE_KEYS["session_cluster_name"] == "name"
    assert WIRE_KEYS["deployment_target_name"] == "deploymentTargetName"


def test_missing_and_null_fields_are_tolerated_and_unknown_ones_kept() -> None:
    cluster = SessionCluster.model_validate(
        {"name": "x", "labels": None, "status": {"failure": None}, "newField": {"a": 1}}
    )
    assert cluster.labels is None
    assert cluster.status is not None
    assert cluster.model_extra == {"newField": {"a": 1}}
    assert cluster.model_dump(by_alias=True)["newField"] == {"a": 1}


def test_wrong_types_are_rejected_not_coerced_silently() -> None:
    with pytest.raises(ValidationError):
        SessionCluster.model_validate(
            {"name": "x", "basicResourceSetting": {"parallelism": "many"}}
        )


def test_envelope_holds_the_whole_schema() -> None:
    body = {"requestId": "R", "success": True, "httpCode": 200, "data": [reference_cluster()]}
    envelope = ListSessionClustersResponse.model_validate(body)
    assert envelope.data is not None
    assert envelope.data[0].engine_version == "vvr-6.0.7-flink-1.15"


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200)
@given(
    drop=st.sets(st.sampled_from(sorted(reference_cluster()))),
    nulls=st.sets(st.sampled_from(sorted(reference_cluster()))),
    extra=st.dictionaries(
        st.text(min_size=1).filter(lambda k: k not in reference_cluster()), json_values, max_size=3
    ),
    labels=st.dictionaries(st.text(), json_values, max_size=4),
)
def test_mutated_bodies_parse_and_keep_what_they_carry(
    drop: set[str], nulls: set[str], extra: dict[str, Any], labels: dict[str, Any]
) -> None:
    raw = {key: value for key, value in reference_cluster().items() if key not in drop}
    raw.update(dict.fromkeys(nulls & raw.keys()))
    raw.update(extra)
    if "labels" in raw and raw["labels"] is not None:
        raw["labels"] = labels
    cluster = SessionCluster.model_validate(raw)
    assert cluster.model_extra == extra
    assert cluster.labels == raw.get("labels")
    assert compare(snapshot(cluster), snapshot(cluster)) == []


@given(
    value=json_values, field=st.sampled_from(["engineVersion", "parallelism", "labels", "status"])
)
def test_wrong_typed_fields_are_either_parsed_or_rejected_with_validation_error(
    value: Any, field: str
) -> None:
    raw = reference_cluster()
    if field == "parallelism":
        raw["basicResourceSetting"] = {"parallelism": value}
    else:
        raw[field] = value
    with contextlib.suppress(ValidationError):
        SessionCluster.model_validate(raw)
