"""What "a session cluster changed" means, defined once for the dynamic resource and the CLI.

A *snapshot* is the tracked fields of a cluster as plain JSON values, keyed by their Terraform
attribute names. Drift is any tracked field whose expected value differs from the live one.
Only fields the expectation names are compared, so an expectation may pin just
``engine_version``. Importing this module does not import pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alicloud_flink.validation import label_text
from alicloud_flink.wire import to_wire_name

if TYPE_CHECKING:
    from alicloud_flink.models import SessionCluster

#: The fields whose change is drift, in report order. ``status`` is the current status string.
TRACKED_FIELDS: tuple[str, ...] = (
    "session_cluster_id",
    "engine_version",
    "deployment_target_name",
    "labels",
    "status",
    "flink_conf",
    "basic_resource_setting",
)

_BY_ANY_NAME = {alias: name for name in TRACKED_FIELDS for alias in (name, to_wire_name(name))}


@dataclass(frozen=True)
class FieldChange:
    """One tracked field whose live value is not the expected one."""

    field: str
    expected: Any
    actual: Any


def snapshot(cluster: SessionCluster) -> dict[str, Any]:
    """The tracked fields of ``cluster`` as JSON values (``status`` flattened to its string)."""
    record = cluster.model_dump(mode="json", include=set(TRACKED_FIELDS) - {"status"})
    record["status"] = cluster.current_status
    return {name: record.get(name) for name in TRACKED_FIELDS}


def tracked_field(key: str) -> str | None:
    """The tracked field a key names, in snake_case or camelCase (``engineVersion``), or None."""
    return _BY_ANY_NAME.get(key)


def compare(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[FieldChange]:
    """Changes between an expectation and a live snapshot, for the fields the expectation names.

    Keys may be snake_case or camelCase; keys that name no tracked field are ignored. Labels
    compare as text (``1`` equals ``"1"``), since users write expectations by hand.
    """
    changes = []
    for key, wanted in expected.items():
        name = tracked_field(key)
        if name is not None and not _same(wanted, actual.get(name)):
            changes.append(FieldChange(name, wanted, actual.get(name)))
    return sorted(changes, key=lambda change: TRACKED_FIELDS.index(change.field))


def _same(expected: Any, actual: Any) -> bool:
    """Structural equality where scalars compare as text, so ``1`` equals ``"1"``."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return expected.keys() == actual.keys() and all(
            _same(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_same, expected, actual))
    if isinstance(expected, (Mapping, list)) or isinstance(actual, (Mapping, list)):
        return False
    if _is_number(expected) and _is_number(actual):
        return bool(expected == actual)
    return label_text(expected) == label_text(actual)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
