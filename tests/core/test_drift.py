"""Drift: which tracked fields changed, compared the way users write expectations."""

from __future__ import annotations

from alicloud_flink.drift import FieldChange, compare, snapshot, tracked_field
from alicloud_flink.models import SessionCluster
from reference import reference_cluster


def test_snapshot_holds_the_tracked_fields_with_flat_status() -> None:
    raw = reference_cluster()
    raw["status"]["currentSessionClusterStatus"] = "RUNNING"
    shot = snapshot(SessionCluster.model_validate(raw))
    assert shot["status"] == "RUNNING"
    assert shot["engine_version"] == "vvr-6.0.7-flink-1.15"
    assert shot["basic_resource_setting"]["parallelism"] == 4


def test_only_named_fields_are_compared_in_either_spelling() -> None:
    live = snapshot(SessionCluster.model_validate(reference_cluster()))
    assert compare({"engineVersion": "vvr-6.0.7-flink-1.15", "unrelated": 1}, live) == []
    assert compare({"engine_version": "vvr-8"}, live) == [
        FieldChange("engine_version", "vvr-8", "vvr-6.0.7-flink-1.15")
    ]


def test_labels_compare_as_text_but_structure_matters() -> None:
    live = snapshot(SessionCluster.model_validate(reference_cluster()))
    assert compare({"labels": {"test": "test", "test2": "1"}}, live) == []
    assert [c.field for c in compare({"labels": {"test": "test"}}, live)] == ["labels"]
    assert [c.field for c in compare({"labels": ["test"]}, live)] == ["labels"]


def test_nested_settings_and_numbers() -> None:
    live = snapshot(SessionCluster.model_validate(reference_cluster()))
    settings = dict(live["basic_resource_setting"])
    assert compare({"basicResourceSetting": settings}, live) == []
    settings["parallelism"] = 8
    assert [c.field for c in compare({"basic_resource_setting": settings}, live)] == [
        "basic_resource_setting"
    ]


def test_missing_value_is_a_change() -> None:
    assert compare({"deployment_target_name": "q"}, {"deployment_target_name": None}) == [
        FieldChange("deployment_target_name", "q", None)
    ]
    assert tracked_field("sessionClusterId") == "session_cluster_id"
    assert tracked_field("name") is None
